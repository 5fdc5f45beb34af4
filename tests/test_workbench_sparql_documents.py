"""Issue #28 (6, 7, 9): the SPARQL example answers at once with the same rows, its errors and its
CSV download speak to an analyst (Chinese, named after the query, in the order on screen); the
documents tab sorts, filters and finds in a document, and its passage counts agree; errors a
user can cause and the API docs are in Chinese on the page; a report's dateline beats a day
named in its text."""
from __future__ import annotations

import csv
import io
import re
import time

import pytest

from .conftest import ROOT
from .test_server import ARTIFACTS, Server, http, server  # noqa: F401 (fixtures)
from .test_workbench import Browser, desktop  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow
CJK = re.compile(r"[\u4e00-\u9fff]")
EXAMPLE = ROOT / "examples" / "gdp_growth_target_2026.rq"
# the example as it was (9.3 s on a corpus of provincial reports: the FILTER NOT EXISTS searched all
# observations again for every row); the rewritten one must give the same rows
ORIGINAL_EXAMPLE = """SELECT ?place (SAMPLE(?v) AS ?value) (SAMPLE(?mx) AS ?max) (SAMPLE(?q) AS ?quote) (SAMPLE(?f) AS ?file) WHERE {
  {
    SELECT ?place ?v ?mx ?q ?f ?rank WHERE {
      ?o a gk:Observation ; gk:indicator <https://w3id.org/govkg/resource/indicator/地区生产总值> ;
         gk:measure gk:GrowthRate ; gk:status gk:Target ; gk:year "2026"^^xsd:gYear ; gk:unit "%" ;
         gk:value ?v ; gk:quote ?q ; gk:place ?p ; prov:wasDerivedFrom ?passage .
      ?passage gk:inDocument ?d .
      ?d gk:subjectPlace ?p ; gk:sourceFile ?f .
      ?p rdfs:label ?place .
      FILTER NOT EXISTS { ?o gk:periodStart ?start }
      FILTER NOT EXISTS { ?o gk:confidence "low" }
      OPTIONAL { ?o gk:maxValue ?mx }
      OPTIONAL { ?passage gk:inSection/gk:sectionRole ?role }
      BIND(IF(BOUND(?role) && ?role = gk:AnnualTargets, 0, 1) AS ?rank)
    }
  }
  FILTER NOT EXISTS {
    ?o2 a gk:Observation ; gk:indicator <https://w3id.org/govkg/resource/indicator/地区生产总值> ;
        gk:measure gk:GrowthRate ; gk:status gk:Target ; gk:year "2026"^^xsd:gYear ;
        gk:place/rdfs:label ?place ; prov:wasDerivedFrom/gk:inSection/gk:sectionRole gk:AnnualTargets .
    FILTER(?rank = 1)
  }
} GROUP BY ?place ORDER BY ?place"""


def _rows(http, query: str) -> tuple[list[dict], float]:  # noqa: F811
    t0 = time.monotonic()
    r = http.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                               "Accept": "application/sparql-results+json"})
    seconds = time.monotonic() - t0
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"], seconds


@pytest.fixture(scope="module")
def provinces_mini(tmp_path_factory):
    """The three provincial reports of tests/fixtures/provinces_mini, built."""
    import kg

    ws = tmp_path_factory.mktemp("mini") / ".kg"
    kg.build(ROOT / "tests" / "fixtures" / "provinces_mini", ws)
    return kg.open(ws)


# ------------------------------------------------------------------ 6. SPARQL

def test_gdp_example_is_fast_and_gives_the_same_rows(http, provinces_mini):  # noqa: F811
    query = EXAMPLE.read_text(encoding="utf-8")
    # no per-row FILTER NOT EXISTS over all observations: the places with a 主要预期目标 statement joined once
    assert "FILTER NOT EXISTS {\n    ?o2" not in query
    before, _ = _rows(http, ORIGINAL_EXAMPLE)
    after, seconds = min((_rows(http, query) for _ in range(3)), key=lambda x: x[1])
    assert after == before and seconds < 1.0  # the bundled corpus, over HTTP
    old, new = provinces_mini.store.select(ORIGINAL_EXAMPLE), provinces_mini.store.select(query)
    assert new == old and {r["place"] for r in new} == {"江西省", "湖北省", "湖南省"}


def _choose_example(page, name: str) -> None:
    value = page.evaluate("""name => Array.from(document.querySelectorAll('#sparql-examples option'))
                               .find(o => o.textContent.indexOf('（' + name + '）') >= 0).value""", name)
    page.select_option("#sparql-examples", value=value)


def test_sparql_error_in_chinese_and_csv_named_and_sorted(desktop):
    page = desktop.open("#sparql")
    _choose_example(page, "passages_per_document")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-table tbody tr")
    page.click("#sparql-table th[data-var=passages]")
    page.click("#sparql-table th[data-var=passages]")  # descending: not the query's order
    shown = page.locator("#sparql-table tbody tr td:first-child").all_inner_texts()
    assert shown != sorted(shown)
    assert page.get_attribute("#dl-csv", "download") == "每份文件切分出的段落数.csv"
    with page.expect_download() as info:
        page.click("#dl-csv")
    download = info.value
    assert download.suggested_filename == "每份文件切分出的段落数.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows[0] == ["file", "passages"] and [r[0] for r in rows[1:]] == shown
    # a query of one's own: named by the time it was downloaded
    page.evaluate("window.govkg.editor().setValue('SELECT ?s WHERE { ?s a gk:Document } LIMIT 2')")
    assert re.fullmatch(r"查询结果-\d{8}-\d{4}\.csv", page.get_attribute("#dl-csv", "download"))
    # a parser error in Chinese, the parser's own words kept
    page.evaluate("window.govkg.editor().setValue('SELECT * WHERE {\\n  ?s ?p ?o\\n  OPTIONL { ?s ?p ?o }\\n}')")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-error:not([hidden])")
    text = page.inner_text("#sparql-error")
    assert text.startswith("查询语法错误：第3行第") and "error at 3:" in text
    desktop.shot("sparql_error_zh")


# ------------------------------------------------------------------ 7. documents

def test_list_and_document_count_the_same_passages(kgraph):
    for d in kgraph.documents():
        assert d["passages"] == len(kgraph.document(d["file"])["passages"]), d["file"]


def test_documents_sorted_filtered_and_found_in(desktop, http):  # noqa: F811
    docs = http.get("/documents").json()
    page = desktop.open("#document")
    page.wait_for_selector("#document-list li")
    titles = page.locator("#document-list li button").all_inner_texts()
    year = lambda d: int(d["date"][:4]) if d["date"] else d["report_year"]  # noqa: E731
    by_title = {(d.get("display_title") or d["title"]): d for d in docs}
    listed = [by_title[t] for t in titles]
    assert len(listed) == len(docs)
    for a, b in zip(listed, listed[1:]):  # by place (in the page's Chinese collation), then by year
        order = page.evaluate("([x, y]) => x.localeCompare(y, 'zh-CN')", [a["place"], b["place"]])
        assert order < 0 or (order == 0 and year(a) <= year(b)), (a, b)
    page.select_option("#document-sort", value="file")
    first = sorted(docs, key=lambda d: d["file"])[0]
    assert page.inner_text("#document-list li:first-child button") == (first.get("display_title") or first["title"])
    page.fill("#document-filter", "政府工作报告")
    page.wait_for_function("document.querySelectorAll('#document-list li').length === 1")
    assert "显示 1 / 5" in page.inner_text("#document-status")
    listed = page.inner_text("#document-list li:first-child")
    desktop.shot("documents_filtered")
    page.click("#document-list li:first-child button")
    page.wait_for_selector("#document-text .doc-section")
    assert page.locator("#document-list-bar").is_hidden()
    n = re.search(r"(\d+) 个段落", listed).group(1)
    assert f"{n} 个段落" in page.inner_text("#document-meta")  # the list and the view say the same
    # find in the document: every match marked, Enter steps through them
    page.fill("#document-find-q", "郑州")
    page.press("#document-find-q", "Enter")
    marks = page.locator("#document-text mark.find")
    assert marks.count() >= 3 and all(t == "郑州" for t in marks.all_inner_texts()[:5])
    assert page.inner_text("#document-find-count") == f"第 1 / {marks.count()} 处"
    page.press("#document-find-q", "Enter")
    assert page.inner_text("#document-find-count") == f"第 2 / {marks.count()} 处"
    page.click("#document-find-prev")
    page.click("#document-find-prev")
    assert page.inner_text("#document-find-count") == f"第 {marks.count()} / {marks.count()} 处"
    assert page.evaluate("""() => { const r = document.querySelector('mark.find.current').getBoundingClientRect();
                                    return r.top >= 0 && r.bottom <= innerHeight; }""")
    desktop.shot("document_find")
    page.fill("#document-find-q", "没有这个词语")
    assert page.inner_text("#document-find-count") == "没有找到" and marks.count() == 0


# ------------------------------------------------------------------ 9. errors and API docs in Chinese

def test_errors_a_user_causes_are_chinese_on_the_page(desktop):
    page = desktop.open("#search?q=经济增长&k=5&place=火星")
    page.wait_for_selector("#search-status.error")
    status = page.inner_text("#search-status")
    assert "火星" in status and "no document" not in status and status.startswith("语料中没有关于")
    page.goto(desktop.server.url + "/#ask")
    page.evaluate("window.govkg.openDocument('nope.txt')")
    page.wait_for_selector("#document-status.error")
    assert page.inner_text("#document-status").startswith("没有这份文件")
    desktop.shot("error_zh")


def test_api_keeps_english_and_adds_chinese_for_chinese_clients(http):  # noqa: F811
    from kg.serve.messages_zh import message_zh

    r = http.get("/search", params={"q": "经济", "place": "火星"})
    assert r.status_code == 400 and set(r.json()) == {"error"} and "no document" in r.json()["error"]
    r = http.get("/search", params={"q": "经济", "place": "火星"}, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert r.json()["error"].startswith("no document") and r.json()["message_zh"].startswith("语料中没有关于“火星”")
    assert message_zh("malformed SPARQL query: error at 2:5: expected OPTIONAL").startswith("查询语法错误：第2行第5列")
    assert message_zh("something new") == "出错：something new"
    # /docs: a Chinese title and description, a Chinese summary on every route
    spec = http.get("/openapi.json").json()
    assert CJK.search(spec["info"]["title"]) and CJK.search(spec["info"]["description"])
    summaries = [op["summary"] for path in spec["paths"].values() for op in path.values()]
    assert summaries and all(CJK.search(s) for s in summaries)
