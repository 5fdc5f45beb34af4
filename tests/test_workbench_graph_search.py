"""Issue #28, graph and search views: the graph by relation (counts per relation, a page at a time,
neighbours most mentioned first, a list view), labels that do not break inside words or numbers,
passages named by document and number, the legend visible at 1280×800, a notice when nothing can be
shown; search highlights of whole query terms, the same relevance floor with filters, each hit's
section, year and status, and facets (place, kind, year) as filters with counts.

The API tests are fast (one server on the bundled corpus); the page is driven in Chromium at
1280×800 and 390×844 (tests/test_workbench.py's machinery). Screenshots go to tests/artifacts/."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from .test_server import ARTIFACTS, GKR, http, server  # noqa: F401 (fixtures)
from .test_workbench import Browser, desktop, wait_nodes  # noqa: F401 (fixtures)

ZHENGZHOU = GKR + "place/郑州市"
PROGRAMS = "in https://w3id.org/govkg/ontology#locatedIn Program"  # 郑州市's programs: far more than a page


def _ranked(g: dict, center: str) -> list[str]:
    """A neighbourhood's neighbours in the order the server ranked them (its edges' order)."""
    return [e["source"] if e["target"] == center else e["target"] for e in g["edges"]]


# ------------------------------------------------------------------ API: the graph by relation

def test_neighbourhood_lists_every_relation_with_its_total(http):  # noqa: F811
    g = http.get("/neighbourhood", params={"iri": ZHENGZHOU, "per_predicate": 5}).json()
    rel = {r["key"]: r for r in g["relations"]}
    assert PROGRAMS in rel and rel[PROGRAMS]["total"] > 20 and rel[PROGRAMS]["group"] == "Program"
    assert rel[PROGRAMS]["name"] == "位于" and rel[PROGRAMS]["direction"] == "in"
    omitted = {o["key"]: o["count"] for o in g["omitted"]}
    assert omitted[PROGRAMS] == rel[PROGRAMS]["total"] - 5
    group = {n["iri"]: n["group"] for n in g["nodes"]}
    shown: dict[str, int] = {}
    for e in g["edges"]:  # every relation shows its first page: min(total, 5)
        out = e["source"] == ZHENGZHOU
        key = f"{'out' if out else 'in'} {e['predicate']} {group[e['target'] if out else e['source']]}"
        shown[key] = shown.get(key, 0) + 1
    assert shown == {r["key"]: min(r["total"], 5) for r in g["relations"]}


def test_a_relation_pages_most_mentioned_first(http, kgraph):  # noqa: F811
    pages, seen = [], []
    for offset in range(0, 15, 5):
        g = http.get("/neighbourhood", params={"iri": ZHENGZHOU, "relation": PROGRAMS, "offset": offset,
                                               "per_predicate": 5}).json()
        assert g["page"] == {"relation": PROGRAMS, "offset": offset, "limit": 5, "total": g["page"]["total"]}
        assert len(g["nodes"]) == 5 and {n["group"] for n in g["nodes"]} == {"Program"}
        assert all(e["predicate"].endswith("#locatedIn") and e["target"] == ZHENGZHOU for e in g["edges"])
        by_iri = {n["iri"]: n for n in g["nodes"]}
        pages.append([by_iri[x]["mentions"] for x in _ranked(g, ZHENGZHOU)])
        seen += _ranked(g, ZHENGZHOU)
    assert len(set(seen)) == 15  # pages do not overlap
    flat = [m for p in pages for m in p]
    assert flat == sorted(flat, reverse=True) and flat[0] > flat[-1]  # most mentioned first
    top = seen[0]  # the count is that of the passages that mention it
    rows = kgraph.sparql(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p gk:mentions <{top}> }}")
    assert int(rows[0]["n"]) == flat[0]
    last = http.get("/neighbourhood", params={"iri": ZHENGZHOU, "relation": PROGRAMS, "offset": 10_000}).json()
    assert last["nodes"] == [] and last["page"]["total"] == g["page"]["total"]
    bad = http.get("/neighbourhood", params={"iri": ZHENGZHOU, "relation": "in gk:nothing Program"})
    assert bad.status_code == 400 and "no relation" in bad.json()["error"]


def test_passages_are_named_by_number_and_document(http):  # noqa: F811
    g = http.get("/neighbourhood", params={"iri": ZHENGZHOU, "per_predicate": 5}).json()
    passages = [n for n in g["nodes"] if n["type"] == "Passage"]
    assert passages
    for n in passages:
        assert re.fullmatch(r"第\d+段 · .+", n["label"]) and not n["label"].startswith("段落")
        assert n["excerpt"].endswith("…") and len(n["excerpt"]) > 5


# ------------------------------------------------------------------ API: search

def test_under_a_filter_the_place_of_the_query_lets_nothing_through(http):  # noqa: F811
    q = "郑州 中欧班列"  # every passage of the corpus is about 郑州: under a filter only 中欧班列 may pass
    placed = http.get("/search", params={"q": q, "k": 20, "place": "郑州"}).json()
    assert placed and all("中欧" in h["text"] or "班列" in h["text"] for h in placed)
    by_doc = http.get("/search", params={"q": q, "k": 20, "doc": placed[0]["doc"]}).json()
    assert by_doc and all("中欧" in h["text"] or "班列" in h["text"] for h in by_doc)
    # without a filter the place still counts (a colloquial question shares only its place with the
    # answer), but the passages that name the program come first
    plain = http.get("/search", params={"q": q, "k": 20}).json()
    assert [h["passage"] for h in plain[:len(placed)]] == [h["passage"] for h in placed]


def test_hits_carry_section_year_status_and_whole_term_highlights(http):  # noqa: F811
    r = http.get("/search", params={"q": "郑州市优良天数是多少", "k": 5, "facets": "true"}).json()
    hits = r["hits"]
    assert hits and all({"role", "year", "status", "section", "highlights"} <= set(h) for h in hits)
    assert any(h["year"] and h["section"] for h in hits)
    marked = {h["text"][a:b] for h in hits for a, b in h["highlights"]}
    assert "优良天数" in marked
    assert not marked & {"州市", "优良", "天数"}  # no pieces of the query's longer words
    # the plain list (the CLI's JSON) is unchanged in shape
    plain = http.get("/search", params={"q": "郑州市优良天数是多少", "k": 5}).json()
    assert isinstance(plain, list) and "highlights" not in plain[0] and "year" in plain[0]


def test_facets_count_the_candidates_above_the_floor(http):  # noqa: F811
    r = http.get("/search", params={"q": "养老服务", "k": 5, "facets": "true"}).json()
    f = r["facets"]
    assert f["total"] >= len(r["hits"]) > 0
    for name in ("place", "kind", "year"):
        assert f[name] and all(0 < x["count"] <= f["total"] and x["name"] for x in f[name])
    assert sum(x["count"] for x in f["kind"]) == f["total"]  # a passage has one kind
    # a place counts the places inside it (中原区's passages are 郑州市's too) and a passage every year
    # its sections report on, as the filters choose: a facet's count is what clicking it leaves
    for name, facet in (("kind", f["kind"][-1]), ("place", f["place"][-1]), ("place", f["place"][0]),
                        ("year", f["year"][0])):
        narrowed = http.get("/search", params={"q": "养老服务", "k": 1000, "facets": "true",
                                               name: facet["value"]}).json()
        assert narrowed["facets"]["total"] == facet["count"] and len(narrowed["hits"]) <= facet["count"], (name, facet)
    narrowed = http.get("/search", params={"q": "养老服务", "facets": "true", "kind": f["kind"][-1]["value"]}).json()
    assert [x["value"] for x in narrowed["facets"]["kind"]] == [f["kind"][-1]["value"]]
    nothing = http.get("/search", params={"q": "火星探测器着陆", "facets": "true"}).json()
    assert nothing["hits"] == [] and nothing["facets"]["total"] == 0


# ------------------------------------------------------------------ the page (Chromium, both sizes)

def _open_graph(desktop, iri: str, page_size: int = 5):  # noqa: F811
    page = desktop.open()
    page.evaluate(f"window.govkg.graphPage = {page_size}")
    page.evaluate("iri => window.govkg.loadGraph(iri)", iri)
    wait_nodes(page, 1)
    return page


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    vh = page.evaluate("window.innerHeight")
    return box is not None and box["height"] > 0 and box["y"] >= 0 and box["y"] + box["height"] <= vh


@pytest.mark.slow
def test_graph_by_relation_with_counts_paging_and_list(desktop):  # noqa: F811
    page = _open_graph(desktop, ZHENGZHOU)
    row = page.locator(f"#graph-info .relations li[data-relation='{PROGRAMS}']")
    total = int(re.search(r"/ (\d+)", row.locator(".rel-count").inner_text()).group(1))
    assert row.locator(".rel-count").inner_text() == f"5 / {total}" and total > 20
    assert "5 / " + str(total) in page.inner_text("#graph-status")
    before = page.evaluate("window.govkg.graph.nodes.length")
    row.locator("button.rel-more").click()  # the next page of this relation only
    page.wait_for_selector(f"#graph-info .relations li[data-relation='{PROGRAMS}'] .rel-count:text-is('10 / {total}')")
    wait_nodes(page, before)
    assert page.evaluate("window.govkg.graph.nodes.length") == before + 5
    # the legend is on the drawing, visible without scrolling (at 1280×800)
    if desktop.width >= 1000:
        page.evaluate("window.scrollTo(0, 0)")
        assert _in_view(page, "#graph-legend button >> nth=0") and _in_view(page, "#graph-legend button >> nth=-1")
    desktop.shot("graph_relations")
    # the same relation as a list, a page at a time
    page.locator(f"#graph-info .relations li[data-relation='{PROGRAMS}'] button.rel-list").click()
    page.wait_for_selector("#graph-list:not([hidden]) #graph-list-table td")
    assert f"共 {total}" in page.inner_text("#graph-list-title")
    first = page.locator("#graph-list-table tr td:first-child").all_inner_texts()
    assert len(first) == 5
    mentions = [int(x) for x in page.locator("#graph-list-table td.num").all_inner_texts()]
    assert mentions == sorted(mentions, reverse=True)
    page.click("#graph-list-next")
    page.wait_for_selector("#graph-list-title:has-text('第 6–10 个')")
    second = page.locator("#graph-list-table tr td:first-child").all_inner_texts()
    assert len(second) == 5 and not set(first) & set(second)
    page.locator("#graph-list").scroll_into_view_if_needed()
    desktop.shot("graph_list")
    # labels: never broken inside a number or a Latin word; passages named by number and document
    drawn = page.evaluate("window.govkg.graph.nodes.get().map(n => [n.label, window.govkg.graph.info[n.id].label])")
    for label, full in drawn:
        lines = label.split("\n")
        assert len(lines) <= 3
        for a, b in zip(lines, lines[1:]):  # a line break is never inside a number or a Latin word
            tail, head = re.search(r"[0-9A-Za-z.]*$", a).group(), re.match(r"[0-9A-Za-z.]*", b).group()
            assert not (tail and head and tail + head in full), (label, full)
    names = page.evaluate("Object.values(window.govkg.graph.info).map(n => n.label)")
    assert not any(re.fullmatch(r"段落\d+.*", n) for n in names)


@pytest.mark.slow
def test_graph_says_when_nothing_can_be_shown(desktop):  # noqa: F811
    page = _open_graph(desktop, ZHENGZHOU)
    assert page.locator("#graph-empty").is_hidden()
    kinds = page.evaluate("Array.from(new Set(Object.values(window.govkg.graph.info).map(n => n.type)))")
    for t in kinds:  # every kind hidden but the centre's: only the centre is left
        if t != "Place":
            page.click(f"#graph-legend button[data-type='{t}']")
    page.click("#graph-legend button[data-type='Place']")
    page.wait_for_selector("#graph-empty:not([hidden])")
    assert "没有可显示的关联" in page.inner_text("#graph-empty")
    desktop.shot("graph_nothing_to_show")
    page.click("#graph-legend button[data-type='Place']")
    page.wait_for_selector("#graph-empty", state="hidden")


@pytest.mark.slow
def test_search_highlights_meta_and_facets(desktop):  # noqa: F811
    page = desktop.open("#search?q=" + quote("郑州市优良天数是多少"))
    page.wait_for_selector("#search-results li mark")
    marks = set(page.locator("#search-results mark").all_inner_texts())
    assert "优良天数" in marks and not marks & {"州市", "优良", "天数"}
    meta = page.locator("#search-results .hit-meta").all_inner_texts()
    assert any(re.search(r"\d{4}年", m) for m in meta)
    page.wait_for_selector("#search-facets:not([hidden]) .facet[data-facet='kind'] button")
    assert page.locator("#search-facets .facet[data-facet='year'] button").count() >= 1
    readable = page.evaluate("""() => Array.from(document.querySelectorAll('#search-facets button')).every(b => {
        const s = getComputedStyle(b); return b.innerText.trim() && s.color !== s.backgroundColor; })""")
    assert readable  # each facet's name and count can be read
    desktop.shot("search_facets")
    kind = page.locator("#search-facets .facet[data-facet='kind'] button").last
    value, label = kind.get_attribute("data-value"), kind.inner_text()
    count = int(label.rsplit(" ", 1)[1])
    kind.click()
    page.wait_for_selector(f"#search-facets .facet[data-facet='kind'] button.on[data-value='{value}']")
    assert "kind=" + value in page.url
    assert page.locator("#search-results > li").count() <= count
    if desktop.width < 500:  # the facets fit the phone's width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
