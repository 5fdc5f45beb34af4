"""Issue #28 (SPARQL): the TSV and JSON downloads, like the CSV, are the rows in the order on screen
(SPARQL 1.1 TSV and JSON results, the same terms as the server writes); a result with a label
column and a numeric one is drawn as a bar chart (图表) in the order on screen, with a choice of
value column, lying down on a phone, a bar's click selecting its row; a result with nothing to
draw says so in Chinese. The examples' speed on a larger workspace: bench/sparql_examples_bench.py."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from .test_server import ARTIFACTS, http, server  # noqa: F401 (fixtures)
from .test_workbench import Browser, desktop  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

# every kind of term a SELECT can give: IRIs, language-tagged and typed literals, numbers written
# bare in TSV, and text that must be escaped (quote, backslash, tab, line break)
TERMS = """SELECT ?name ?a ?b ?t WHERE {
  VALUES (?name ?a ?b ?t) {
    ("甲"@zh 3 "1.5" <https://w3id.org/govkg/resource/place/郑州市>)
    ("乙 \\"引\\"\\t号\\n换行\\\\" 1 "2.5" "2026"^^xsd:gYear)
    ("丙" 2 "0.5" 4.25)
    ("丁" 10 "-1e2" true)
  }
}"""


def _choose_example(page, name: str) -> None:
    value = page.evaluate("""name => Array.from(document.querySelectorAll('#sparql-examples option'))
                               .find(o => o.textContent.indexOf('（' + name + '）') >= 0).value""", name)
    page.select_option("#sparql-examples", value=value)


def _run(page, query: str | None = None, example: str | None = None) -> None:
    if example:
        _choose_example(page, example)
    else:
        page.evaluate("q => window.govkg.editor().setValue(q)", query)
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-status:has-text('行 ·')")


def _download(page, fmt: str):
    with page.expect_download() as info:
        page.click(f"#dl-{fmt}")
    d = info.value
    return d.suggested_filename, open(d.path(), encoding="utf-8").read()


def _server(http, query: str, fmt: str) -> str:  # noqa: F811
    r = http.get("/sparql", params={"query": query, "format": fmt})
    assert r.status_code == 200, r.text
    return r.text


def test_tsv_and_json_downloads_follow_the_screen(desktop, http):  # noqa: F811
    page = desktop.open("#sparql")
    _run(page, example="passages_per_document")
    query = page.evaluate("window.govkg.editor().getValue()")
    page.click("#sparql-table th[data-var=passages]")
    page.click("#sparql-table th[data-var=passages]")  # descending: not the query's order
    shown = page.locator("#sparql-table tbody tr td:first-child").all_inner_texts()
    assert shown != sorted(shown)

    name, tsv = _download(page, "tsv")
    assert name == "每份文件切分出的段落数.tsv"
    lines = tsv.split("\n")
    assert lines[0] == "?file\t?passages" and lines[-1] == ""
    assert [json.loads(x.split("\t")[0]) for x in lines[1:-1]] == shown  # "file.txt": a Turtle literal
    server_tsv = _server(http, query, "tsv").split("\n")
    assert server_tsv[0] == lines[0] and Counter(server_tsv) == Counter(lines)  # the same terms, written alike

    name, text = _download(page, "json")
    assert name == "每份文件切分出的段落数.json"
    data = json.loads(text)
    assert data["head"]["vars"] == ["file", "passages"]
    assert [b["file"]["value"] for b in data["results"]["bindings"]] == shown
    server_json = json.loads(_server(http, query, "json"))["results"]["bindings"]
    key = lambda b: json.dumps(b, sort_keys=True)  # noqa: E731
    assert sorted(map(key, server_json)) == sorted(map(key, data["results"]["bindings"]))

    # every kind of term, unsorted: byte for byte the server's TSV and JSON
    _run(page, TERMS)
    assert page.evaluate("window.govkg.shownResultsText('tsv')") == _server(http, TERMS, "tsv")
    assert json.loads(page.evaluate("window.govkg.shownResultsText('json')")) == json.loads(_server(http, TERMS, "json"))
    # an edited query whose result is not on screen: the links fetch the server's file for it
    page.evaluate("window.govkg.editor().setValue('SELECT ?s WHERE { ?s a gk:Document } LIMIT 2')")
    assert page.evaluate("window.govkg.shownResultsText('tsv')") is None
    assert page.evaluate("window.govkg.shownResultsText('json')") is None
    assert "format=tsv" in page.get_attribute("#dl-tsv", "href")


def _chart(page) -> dict:
    return page.evaluate("""() => { const o = window.govkg.sparqlChart.getOption(), h = o.yAxis[0].type === 'category';
        return {horizontal: h, labels: (h ? o.yAxis[0] : o.xAxis[0]).data, values: o.series[0].data.map(d => d.value),
                name: o.series[0].name}; }""")


def test_chart_of_a_numeric_result_in_the_order_on_screen(desktop):
    page = desktop.open("#sparql")
    _run(page, example="passages_per_document")
    assert page.is_visible("#sparql-chart-toggle") and page.inner_text("#sparql-chart-toggle") == "图表"
    page.click("#sparql-chart-toggle")
    page.wait_for_selector("#sparql-chart canvas")
    rows = page.locator("#sparql-table tbody tr").count()
    c = _chart(page)
    assert len(c["values"]) == rows == 5 and c["name"] == "passages"
    assert c["horizontal"] == (desktop.width < 600)  # a phone: bars lie down, one name a row
    # sorted by a column: the bars follow
    page.click("#sparql-table th[data-var=passages]")
    page.click("#sparql-table th[data-var=passages]")
    shown = page.locator("#sparql-table tbody tr td:first-child").all_inner_texts()
    values = [float(x) for x in page.locator("#sparql-table tbody tr td:nth-child(2)").all_inner_texts()]
    c = _chart(page)
    assert c["labels"] == shown and c["values"] == values and values == sorted(values, reverse=True)
    desktop.shot("sparql_chart")
    # a bar's click selects its row in the table
    x, y = page.evaluate("""() => { const ch = window.govkg.sparqlChart, o = ch.getOption(), h = o.yAxis[0].type === 'category';
        const v = o.series[0].data[2].value / 2, r = ch.getDom().getBoundingClientRect();
        const p = ch.convertToPixel({seriesIndex: 0}, h ? [v, 2] : [2, v]); return [r.left + p[0], r.top + p[1]]; }""")
    page.mouse.click(x, y)
    page.wait_for_selector("#sparql-table tbody tr.selected")
    assert page.inner_text("#sparql-table tbody tr.selected td:first-child") == shown[2]

    # several numeric columns (typed numbers, and strings that read as numbers): the value column is chosen
    _run(page, TERMS.replace(" ?t WHERE", " WHERE").replace(" ?t) {", ") {").replace(
        " <https://w3id.org/govkg/resource/place/郑州市>)", ")").replace(' "2026"^^xsd:gYear)', ")")
        .replace(" 4.25)", ")").replace(" true)", ")"))
    page.wait_for_selector("#sparql-chart canvas")  # the chart stays open for the next result
    options = page.locator("#sparql-chart-value option").all_inner_texts()
    assert options == ["?a", "?b"]
    assert _chart(page)["values"] == [3, 1, 2, 10]
    page.select_option("#sparql-chart-value", label="?b")
    c = _chart(page)
    assert c["values"] == [1.5, 2.5, 0.5, -100] and c["name"] == "b" and c["labels"][0] == "甲"
    page.evaluate("document.getElementById('sparql-chart').scrollIntoView({block: 'end'})")
    desktop.shot("sparql_chart_choose")


def test_chart_notice_when_nothing_is_chartable(desktop):
    page = desktop.open("#sparql")
    _run(page, "SELECT ?doc ?file WHERE { ?doc a gk:Document ; gk:sourceFile ?file } ORDER BY ?file")
    page.click("#sparql-chart-toggle")
    page.wait_for_selector("#sparql-chart-note:not([hidden])")
    note = page.inner_text("#sparql-chart-note")
    assert "没有可画成图表的数值列" in note
    assert page.is_hidden("#sparql-chart") and page.is_hidden("#sparql-chart-value")
    desktop.shot("sparql_chart_notice")
    # toggled off: the chart area goes away
    page.click("#sparql-chart-toggle")
    assert page.is_hidden("#sparql-chart-area")
