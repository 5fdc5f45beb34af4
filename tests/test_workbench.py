"""The web page in real Chromium, driven as an analyst would: at 1280×800 and on a phone (390×844).
Every view (ask, search, SPARQL with completion, error marking, sorting, paging and cancel, the
graph with expand, the indicator chart, the document view) and the URL that restores it. No request
may leave the server, no script error or console error may happen. Screenshots go to
tests/artifacts/ (gitignored)."""
from __future__ import annotations

import time
from urllib.parse import quote

import httpx
import pytest

from .test_server import ARTIFACTS, GKR, QUESTION, RUNAWAY_COUNT, Server, http, server, wait_cancelled  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow
ZHENGZHOU = GKR + "place/郑州市"


class Browser:
    """One Chromium page on the server: other hosts refused and recorded, errors recorded."""

    def __init__(self, playwright, server, width: int, height: int, mobile: bool = False):
        from .test_export import CHROMIUM, CHROMIUM_ARGS

        self.server, self.width = server, width
        self.outside, self.errors, self.dialogs = [], [], []
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.context = self.browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                                is_mobile=mobile, has_touch=mobile)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _console(self, m) -> None:
        # Chromium logs every 4xx answer as a console error; the tests drive 400s (a malformed
        # query) on purpose, and the page shows them. Anything else is an error.
        if m.type == "error" and not m.text.startswith("Failed to load resource: the server responded with a status of 4"):
            self.errors.append(m.text)

    def _route(self, r):
        if r.request.url.startswith(self.server.url + "/"):
            r.continue_()
        else:  # nothing may leave the server: recorded and refused
            self.outside.append(r.request.url)
            r.abort()

    def open(self, hash_: str = ""):
        self.page.goto(self.server.url + "/" + hash_)
        self.page.wait_for_selector("body[data-ready='1']", timeout=30000)
        return self.page

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}_{self.width}.png"))

    def close(self) -> None:
        self.context.close()
        self.browser.close()


SIZES = [(1280, 800, False), (390, 844, True)]
SIZE_IDS = ["1280x800", "phone-390x844"]


def browser_on(server, size):
    """A Browser on `server` at one of SIZES, for a fixture to `yield from`: closed afterwards, and
    nothing may have left the server, no script error or dialog happened."""
    from .test_export import ensure_chromium

    ensure_chromium()
    from playwright.sync_api import sync_playwright

    width, height, mobile = size
    with sync_playwright() as p:
        b = Browser(p, server, width, height, mobile=mobile)
        try:
            yield b
        finally:
            b.close()
    assert b.outside == [] and b.errors == [] and b.dialogs == []


def served(workspace, log_dir):
    """`kg serve` on a workspace of a test's own, for a module fixture to `yield from`."""
    srv = Server(workspace, log_dir / "serve.log")
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def desktop(server, request):  # noqa: F811  (every view driven at both sizes)
    yield from browser_on(server, request.param)


def node_count(page) -> int:
    return page.evaluate("window.govkg.graph ? window.govkg.graph.nodes.length : 0")


def wait_nodes(page, more_than: int, limit: float = 30) -> int:
    """The node count once it is above more_than and the layout is at rest."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        n = node_count(page)
        if n > more_than and page.evaluate("window.govkg.graph.settled()"):
            return n
        page.wait_for_timeout(100)
    raise AssertionError(f"the graph has {node_count(page)} nodes, not more than {more_than}")


def test_ask_cite_and_read_the_document(desktop):
    page = desktop.open()
    # the corpus at a glance, with example questions that are answered when clicked
    page.wait_for_selector("#overview-questions button", timeout=60000)
    assert "份文件" in page.inner_text("#overview-counts")
    page.fill("#ask-q", QUESTION)
    page.click("#ask-form button[type=submit]")
    page.wait_for_selector("#ask-answer:has-text('231天')", timeout=60000)
    first_quote = page.inner_text("#ask-cites li:first-child .quote").strip("「」")
    page.click("#ask-answer .cite")
    page.wait_for_selector("#viewer-text mark")
    assert page.inner_text("#viewer-text mark") == first_quote == "优良天数231天"
    desktop.shot("ask")
    # the citation in its document: the passage highlighted, the quote marked, the sections named
    page.click("#viewer-document")
    page.wait_for_selector("#document-text mark.quote")
    assert page.inner_text("#document-text mark.quote") == first_quote
    assert "#document?file=" in page.url
    title = page.inner_text("#document-title")
    assert title and ".txt" not in title  # a title, not a file name
    assert page.locator("#document-sections button").count() >= 2
    assert page.locator("#document-text .doc-section h4").count() >= 1
    desktop.shot("document")
    page.reload()  # the document view comes back from the URL, quote marked
    page.wait_for_selector("#document-text mark.quote")
    assert page.inner_text("#document-text mark.quote") == first_quote
    page.go_back()
    page.wait_for_selector("#tab-ask:not([hidden]) #ask-cites li", timeout=60000)
    # the list of documents by title
    page.click("#tabs a[data-tab=document]")
    page.wait_for_selector("#document-list li")
    assert page.locator("#document-list li").count() == len(httpx.get(desktop.server.url + "/documents").json())


def test_search_marks_words_and_refuses_noise(desktop):
    page = desktop.open("#search?q=中欧班列&k=5")
    page.wait_for_selector("#search-results li")
    assert 1 <= page.locator("#search-results li").count() <= 5 and page.input_value("#search-q") == "中欧班列"
    assert "中欧班列" in page.inner_text("#search-results li:first-child .text mark")
    assert "《" in page.inner_text("#search-results li:first-child .head")  # a document by its title
    desktop.shot("search")
    page.fill("#search-q", "<script>alert(1)</script>")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#search-status:has-text('没有')")
    assert page.locator("#search-results li").count() == 0
    # filters: one document (chosen by title), in the URL
    report = next(d for d in httpx.get(desktop.server.url + "/documents").json() if d["kind"] == "WorkReport")
    page.fill("#search-q", "经济增长")
    page.select_option("#search-doc", value=report["file"])
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#search-results li")
    heads = page.locator("#search-results li .head").all_inner_texts()
    assert heads and all(report["title"] in h for h in heads)
    assert "doc=" in page.url
    page.reload()
    page.wait_for_selector("#search-results li")
    assert page.input_value("#search-doc") == report["file"]


def test_sparql_editor(desktop, http):  # noqa: F811
    page = desktop.open("#sparql")
    page.wait_for_selector("#tab-sparql .CodeMirror")
    editor = "#tab-sparql .CodeMirror"
    # an example query, run: rows in the table, sortable by a column (numbers as numbers)
    page.select_option("#sparql-examples", index=next(
        i for i, o in enumerate(page.locator("#sparql-examples option").all_inner_texts())
        if "passages_per_document" in o))
    assert "COUNT(?p)" in page.evaluate("window.govkg.editor().getValue()")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-table tbody tr")
    assert page.locator("#sparql-table tbody tr").count() == 5
    page.click("#sparql-table th[data-var=passages]")
    up = [int(x) for x in page.locator("#sparql-table tbody tr td:nth-child(2)").all_inner_texts()]
    page.click("#sparql-table th[data-var=passages]")
    down = [int(x) for x in page.locator("#sparql-table tbody tr td:nth-child(2)").all_inner_texts()]
    assert up == sorted(up) and down == sorted(up, reverse=True) and up != down

    # completion: typing a prefixed name offers the ontology's terms with their Chinese labels
    page.evaluate("window.govkg.editor().setValue('SELECT ?p WHERE { ?p ')")
    page.evaluate("window.govkg.editor().setCursor(window.govkg.editor().lineCount(), 0)")
    page.click(editor)
    page.keyboard.press("End")
    page.keyboard.type("gk:locat")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert any(h.startswith("gk:locatedIn") and "位于" in h for h in hints), hints
    desktop.shot("sparql_completion")
    page.keyboard.press("Enter")
    page.keyboard.type(" ?c } LIMIT 300")
    assert "?p gk:locatedIn ?c } LIMIT 300" in page.evaluate("window.govkg.editor().getValue()")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#sparql-table tbody tr")
    # paged: 100 rows a page
    assert page.locator("#sparql-table tbody tr").count() == 100
    assert "第 1 / " in page.inner_text("#sparql-page")
    first = page.inner_text("#sparql-table tbody tr:first-child")
    page.click("#sparql-next")
    assert "第 2 / " in page.inner_text("#sparql-page") and page.inner_text("#sparql-table tbody tr:first-child") != first
    desktop.shot("sparql")

    # the search service: offered as SERV… is typed, a ready block; the example that uses it runs
    page.evaluate("window.govkg.editor().setValue('SELECT ?passage ?score WHERE {\\n  ')")
    page.evaluate("window.govkg.editor().setCursor(window.govkg.editor().lineCount(), 2)")
    page.click(editor)
    page.keyboard.press("End")
    page.keyboard.type("SERV")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert any("https://w3id.org/govkg/search" in h and "语义检索" in h for h in hints), hints
    page.keyboard.press("Enter")
    page.keyboard.type("\n}")
    assert "gk:matches" in page.evaluate("window.govkg.editor().getValue()")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-table tbody tr")
    assert page.locator("#sparql-table tbody tr").count() >= 1
    page.select_option("#sparql-examples", index=next(
        i for i, o in enumerate(page.locator("#sparql-examples option").all_inner_texts()) if "营商环境" in o))
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-table tbody tr")
    assert "郑州市" in page.inner_text("#sparql-table tbody")

    # a malformed query: the message, and the place it points at marked in the editor
    page.evaluate("window.govkg.editor().setValue('SELECT ?x WHERE {\\n  ?x ?y\\n}')")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-error:not([hidden])")
    assert "error at 3:" in page.inner_text("#sparql-error")
    page.wait_for_selector(".cm-error-line")
    marked = page.evaluate("""() => { const cm = window.govkg.editor(), out = [];
        cm.eachLine(h => { if ((h.bgClass || '').includes('cm-error-line')) out.push(cm.getLineNumber(h)); });
        return out; }""")
    assert marked == [2] and page.inner_text(".cm-error-at") == "}"

    # text from the graph is shown as text, never run as markup
    page.evaluate("""window.govkg.editor().setValue('SELECT ("<img src=x onerror=alert(1)><b>粗</b>" AS ?x) WHERE {}')""")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-table td")
    assert page.inner_text("#sparql-table td") == "<img src=x onerror=alert(1)><b>粗</b>"
    assert page.locator("#sparql-table img, #sparql-table b").count() == 0

    # a runaway query: a spinner, Run disabled, and Cancel stops it on the server
    before = http.get("/health").json()["sparql"]
    page.evaluate(f"window.govkg.editor().setValue({RUNAWAY_COUNT!r})")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-spinner:not([hidden])")
    assert page.is_disabled("#sparql-run")
    desktop.shot("sparql_running")
    page.click("#sparql-cancel")
    page.wait_for_selector("#sparql-status:has-text('已取消')")
    assert page.is_enabled("#sparql-run") and page.is_hidden("#sparql-spinner")
    wait_cancelled(http, before)
    # the query is in the URL: reload runs it again (a short one)
    page.evaluate("window.govkg.editor().setValue('SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:Place }')")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-table tbody tr")
    page.reload()
    page.wait_for_selector("#sparql-table tbody tr")
    assert "gk:Place" in page.evaluate("window.govkg.editor().getValue()")


def test_graph_expand_in_place_and_history(desktop):
    page = desktop.open()
    page.click("#tabs a[data-tab=graph]")
    page.fill("#graph-q", "郑州市")
    page.click("#graph-form button[type=submit]")
    first = wait_nodes(page, 10)
    assert "郑州市" in page.inner_text("#graph-info h3")
    # a double click on a district opens its neighbours around it; the earlier nodes stay
    district = GKR + "place/郑州市/中原区"
    page.evaluate("document.querySelector('#graph-canvas').scrollIntoView({block: 'center'})")
    page.evaluate("iri => { const n = window.govkg.graph.network; n.moveTo({position: n.getPosition(iri), scale: 3}); }",
                  district)  # zoomed in, so no other node lies under the pointer
    page.wait_for_timeout(300)
    pos = page.evaluate("iri => window.govkg.graph.screenPosition(iri)", district)
    page.mouse.dblclick(pos["x"], pos["y"])
    second = wait_nodes(page, first)
    assert page.evaluate("iri => window.govkg.graph.has(iri)", ZHENGZHOU)
    assert "open=" in page.url and "中原区" in page.inner_text("#graph-status")
    # edge labels say what a link is; a click on a node describes it
    assert "位于" in page.evaluate("window.govkg.graph.edges.get().map(e => e.label).join(' ')")
    page.evaluate("window.govkg.graph.network.fit()")
    page.wait_for_timeout(500)
    desktop.shot("graph")
    # reload: the same view, expansions included; Back: the view before the expansion
    page.reload()
    assert wait_nodes(page, second - 1) == second
    page.go_back()
    page.wait_for_timeout(500)
    deadline = time.monotonic() + 20
    while node_count(page) != first and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert node_count(page) == first
    # a click describes a node; 以此为中心 starts again from it
    page.evaluate("document.querySelector('#graph-canvas').scrollIntoView({block: 'center'})")
    page.evaluate("iri => { const n = window.govkg.graph.network; n.moveTo({position: n.getPosition(iri), scale: 3}); }",
                  district)
    page.wait_for_timeout(300)
    pos = page.evaluate("iri => window.govkg.graph.screenPosition(iri)", district)
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector("#graph-info h3:text-is('中原区')")
    page.click("#graph-info button:has-text('以此为中心')")
    page.wait_for_timeout(1000)
    assert "open=" not in page.url and quote("中原区") in page.url
    assert page.inner_text("#graph-info h3") == "中原区" and node_count(page) > 3


def test_indicator_chart_from_a_shared_url(desktop):
    page = desktop.open("#indicator?indicator=优良天数&places=郑州")
    page.wait_for_selector("#indicator-table tbody tr", timeout=60000)
    assert page.locator("#indicator-chart canvas").count() >= 1
    assert "郑州市" in page.inner_text("#indicator-table") and "优良天数" in page.inner_text("#indicator-status-line")
    assert page.input_value("#indicator-name") == "优良天数"
    desktop.shot("indicator")
    page.click("#indicator-table tbody tr:first-child button")
    page.wait_for_selector("#viewer-text mark")
    assert "优良天数" in page.inner_text("#viewer-text mark")
    page.fill("#indicator-name", "地区生产总值")
    page.fill("#indicator-places", "")
    page.check("#indicator-growth")
    page.click("#indicator-form button[type=submit]")
    page.wait_for_selector("#indicator-status-line:has-text('地区生产总值增速')")
    page.go_back()
    page.wait_for_selector("#indicator-status-line:has-text('优良天数')")


def test_every_view_on_a_phone(server):  # noqa: F811
    """390×844: every view fits the width (no sideways scrolling); the SPARQL Run button, the graph
    and the document text are on screen at a usable size."""
    from .test_export import ensure_chromium

    ensure_chromium()
    from playwright.sync_api import sync_playwright

    views = [("ask", "#ask?q=" + QUESTION, "#ask-cites li"), ("search", "#search?q=中欧班列", "#search-results li"),
             ("sparql", "#sparql", "#tab-sparql .CodeMirror"), ("graph", "#graph?iri=" + ZHENGZHOU, "#graph-canvas canvas"),
             ("indicator", "#indicator?indicator=优良天数&places=郑州", "#indicator-table tbody tr"),
             ("document", "#document", "#document-list li")]
    with sync_playwright() as p:
        b = Browser(p, server, 390, 844, mobile=True)
        try:
            for name, hash_, ready in views:
                page = b.open(hash_)
                page.wait_for_selector(ready, timeout=60000)
                page.wait_for_timeout(300)
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
                if name == "sparql":
                    box = page.locator("#sparql-run").bounding_box()
                    assert box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
                if name == "graph":
                    wait_nodes(page, 10)
                    assert page.locator("#graph-canvas").bounding_box()["width"] >= 340
                if name == "document":
                    page.click("#document-list li:first-child button")
                    page.wait_for_selector("#document-text .doc-section")
                    assert page.locator("#document-text").bounding_box()["width"] >= 340
                    assert page.evaluate("document.documentElement.scrollWidth") <= 390
                b.shot(f"phone_{name}")
        finally:
            b.close()
    assert b.outside == [] and b.errors == [] and b.dialogs == []
