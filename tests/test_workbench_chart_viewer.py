"""The indicator chart and the source viewer (issue #28), in the compare layer and in real Chromium at
1280×800 and on a phone (390×844): one figure per place that is that place's level (never a
milestone passed when the level is stated, never a county's figure, never a bare 7万亿 plotted as
~0, never a five-year growth among annual ones), qualifiers (以上, 约, ranges) on the chart and in
its tooltips; the viewer's close button visible, the chart relaid out beside it, the viewer in view
on a phone; a document opened at its top; tabs, axis labels and tables readable on a phone.

The corpus is a few sentences written for these cases (built with `kg build` in a tmp folder)."""
from __future__ import annotations

import pytest

from .conftest import run_kg
from .test_server import ARTIFACTS, http, server  # noqa: F401 (fixtures)
from .test_workbench import SIZE_IDS, SIZES, browser_on, desktop, served  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

HEAD = "{year}年{name}政府工作报告\n——{year}年1月20日在{name}第十四届人民代表大会第四次会议上\n各位代表：\n"
REPORTS = {
    # the milestone (迈上…台阶) and the level in one report: the level is the figure
    "jiangsu": ("江苏省", "一、2025年工作回顾\n过去一年，全省经济总量迈上14万亿元台阶，地区生产总值达到14.2万亿元，增长5.4%。"
                         "城乡居民人均可支配收入增长5.2%。\n"),
    # only a milestone, a city's figure inside the province, a five-year growth of income
    "zhejiang": ("浙江省", "一、2025年工作回顾\n过去一年，全省生产总值连续跨越7万亿、8万亿、9万亿三个台阶，增长5.5%。"
                          "杭州市地区生产总值2.3万亿元，宁波市地区生产总值1.8万亿元。"
                          "五年来，城乡居民人均可支配收入增长34.3%。\n"),
    # a level without its unit of measure (7万亿): converted with the indicator's unit
    "henan": ("河南省", "一、2025年工作回顾\n过去一年，全省地区生产总值达到7万亿，增长5.6%。城乡居民人均可支配收入增长5.3%。\n"),
    # an approximate level and a county figure
    "shandong": ("山东省", "一、2025年工作回顾\n过去一年，全省地区生产总值约10.2万亿元，增长5.5%。"
                          "县域地区生产总值达到5.1万亿元。城乡居民人均可支配收入增长5.6%。\n"),
    # only a lower bound (超过…): shown as 2.5万亿元以上, not missing and not as the level itself
    "shanxi": ("山西省", "一、2025年工作回顾\n过去一年，全省地区生产总值超过2.5万亿元，增长5.1%。城乡居民人均可支配收入增长5.0%。\n"),
}


def build_reports(folder, reports: dict, head: str = HEAD):
    """A workspace built from provincial reports written here: key -> (place, body), each under a
    report's head (title and dateline of 2026)."""
    corpus = folder / "corpus"
    corpus.mkdir()
    for key, (name, body) in reports.items():
        (corpus / f"{key}_2026_gov_work_report.txt").write_text(head.format(year=2026, name=name) + body, encoding="utf-8")
    ws = folder / ".kg"
    run_kg("build", "--corpus", corpus, "--workspace", ws, "--quiet", check=True)
    return ws


@pytest.fixture(scope="module")
def figures_ws(tmp_path_factory):
    return build_reports(tmp_path_factory.mktemp("figures"), REPORTS)


@pytest.fixture(scope="module")
def figures_graph(figures_ws):
    import kg

    return kg.open(figures_ws)


def by_place(result: dict) -> dict:
    return {f["place"]: f for f in result["facts"]}


# ------------------------------------------------------------------ the compare layer


def test_a_milestone_is_not_the_level_when_the_level_is_stated(figures_graph):
    facts = by_place(figures_graph.compare("地区生产总值", year=2025))
    assert facts["江苏省"]["value"] == "14.2" and facts["江苏省"]["unit"] == "万亿元"


def test_a_milestone_alone_is_marked_as_a_lower_bound(figures_graph):
    facts = by_place(figures_graph.compare("地区生产总值", year=2025))
    zj = facts.get("浙江省")
    if zj is not None:  # shown only as a lower bound (以上), the highest step passed, never 7万亿 as the level
        assert zj["qualifier"] == "以上" and zj["value"] == "9" and zj["unit"] == "万亿元", zj


def test_a_lower_bound_alone_is_shown_as_such(figures_graph):
    shanxi = by_place(figures_graph.compare("地区生产总值", year=2025)).get("山西省")
    assert shanxi is not None and shanxi["value"] == "2.5" and shanxi["qualifier"] == "以上", shanxi


def test_a_city_or_county_figure_is_never_the_provinces(figures_graph):
    facts = by_place(figures_graph.compare("地区生产总值", year=2025))
    for f in facts.values():
        assert "杭州" not in f["quote"] and "宁波" not in f["quote"] and "县域" not in f["quote"], f
    assert facts["山东省"]["value"] == "10.2" and facts["山东省"]["qualifier"] == "约"


def test_a_level_without_its_unit_takes_the_indicators_unit(figures_graph):
    facts = by_place(figures_graph.compare("地区生产总值", year=2025))
    henan = facts.get("河南省")
    if henan is not None:  # converted with the indicator's unit (or left out), never a bare 万亿
        assert henan["unit"] == "万亿元" and henan["value"] == "7", henan
        assert henan["normalized_value"] == "7000000000000" and henan["normalized_unit"] == "元"
    for f in facts.values():  # every figure on one scale: no bare magnitude that the page would plot as ~0
        assert f["unit"].endswith("元") and f["normalized_unit"] == "元", f


def test_a_bare_magnitude_is_given_the_indicators_unit_or_left_out():
    from kg.query.compare import _with_unit

    row = {"value": "7", "unit": "万亿", "nv": None, "nu": None}
    assert _with_unit(row, "money") == {"value": "7", "unit": "万亿元", "nv": "7000000000000", "nu": "元"}
    assert _with_unit({**row, "value": "1.25", "unit": "万"}, "people")["nv"] == "12500"
    assert _with_unit(row, "mass") is None  # no unit to give it: left out, never plotted as ~0
    kept = {"value": "5", "unit": "万亿元"}
    assert _with_unit(kept, "money") is kept


def test_bounds_and_growths_over_years_are_told_apart():
    from kg.query.compare import AcrossPlaces, _is_bound, _over_years

    bound = {"confidence": "low", "reason": "a bound (突破), not the figure itself", "subject": "p", "place": "p",
             "period": None, "role": "x#ReviewLastYear", "status": "x#Actual", "qstart": "5"}
    level = {**bound, "confidence": "high", "reason": None, "qstart": "90"}
    part = {**bound, "reason": "about a part of the place"}
    assert _is_bound(bound) and not _is_bound(level) and not _is_bound(part)
    best = min([bound, level], key=lambda r: AcrossPlaces._preference(r, "Actual"))
    assert best is level  # the level, though stated after the milestone
    growth = {"measure": "x#GrowthRate", "quote": "居民人均可支配收入增长34.3%", "role": "x#ReviewFiveYears"}
    assert _over_years(growth) and _over_years({**growth, "role": None, "quote": "年均增长5.7%"})
    assert not _over_years({**growth, "role": "x#ReviewLastYear"})
    assert not _over_years({**growth, "quote": "2025年居民人均可支配收入增长5.2%"})


def test_a_five_year_growth_is_not_among_annual_growths(figures_graph):
    result = figures_graph.compare("城乡居民人均可支配收入", year=2025, growth=True)
    values = {f["place"]: f["value"] for f in result["facts"]}
    assert "34.3" not in values.values() and values.get("山东省") == "5.6", values
    assert "浙江省" in result["missing"]


# ------------------------------------------------------------------ the page


@pytest.fixture(scope="module")
def figures_server(figures_ws, tmp_path_factory):
    yield from served(figures_ws, tmp_path_factory.mktemp("serve-figures"))


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def page_on_figures(figures_server, request):
    yield from browser_on(figures_server, request.param)


def chart_option(page) -> dict:
    return page.evaluate("""() => { const o = window.govkg.indicatorChart.getOption();
        return {x: o.xAxis[0], y: o.yAxis[0], series: o.series.map(s => ({data: s.data, type: s.type}))}; }""")


def chart_box(page) -> dict:
    return page.evaluate("""() => { const c = document.querySelector('#indicator-chart canvas').getBoundingClientRect();
        const b = document.querySelector('#indicator-chart').getBoundingClientRect();
        return {canvas_left: c.left, canvas_right: c.right, box_right: b.right, box_width: b.width, height: b.height}; }""")


def luminance(rgb: str) -> float:
    parts = [float(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_chart_shows_levels_on_one_scale_with_qualifiers(page_on_figures):
    b = page_on_figures
    page = b.open("#indicator?indicator=地区生产总值&year=2025")
    page.wait_for_selector("#indicator-table tbody tr", timeout=60000)
    page.wait_for_timeout(300)
    option = chart_option(page)
    bars = [d for d in option["series"][0]["data"]]
    values = [d["value"] for d in bars if d["value"] is not None]
    assert values and min(values) > max(values) / 100  # nothing plotted as ~0
    rows = page.locator("#indicator-table tbody tr").all_inner_texts()
    assert any("约10.2万亿元" in r for r in rows), rows
    qualified = [d for d in bars if d.get("label", {}).get("show")]
    assert any(d["label"]["formatter"] == "约" for d in qualified), qualified
    assert "约" in page.inner_text("#indicator-note")
    # the tooltip names the qualifier
    text = page.evaluate("""() => { const c = window.govkg.indicatorChart; const o = c.getOption();
        const i = o.series[0].data.findIndex(d => d.label && d.label.formatter === '约');
        return o.tooltip[0].formatter({data: o.series[0].data[i]}); }""")
    assert text.startswith("山东省") and "约10.2万亿元" in text
    if b.width < 600:  # a phone: the bars lie down, a place name to a row, none piled up
        assert option["y"]["type"] == "category" and option["x"]["type"] == "value"
        assert chart_box(page)["height"] >= 26 * len(bars)
        assert all(len(n) <= 6 for n in option["y"]["data"])
    else:
        assert option["x"]["type"] == "category"
    b.shot("chart_qualifiers")


def test_viewer_close_is_visible_and_the_chart_makes_room(page_on_figures):
    b = page_on_figures
    page = b.open("#indicator?indicator=地区生产总值&year=2025")
    page.wait_for_selector("#indicator-table tbody tr", timeout=60000)
    page.wait_for_timeout(300)
    before = chart_box(page)
    page.click("#indicator-table tbody tr:first-child button")
    page.wait_for_selector("#viewer-text mark")
    page.wait_for_timeout(400)
    # the × is visible: contrast with the viewer's cream background
    colours = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('#viewer-close'));
        const v = getComputedStyle(document.querySelector('#viewer'));
        return {fg: s.color, bg: s.backgroundColor, viewer: v.backgroundColor}; }""")
    bg = colours["bg"] if not colours["bg"].startswith("rgba(0, 0, 0, 0)") else colours["viewer"]
    hi, lo = sorted([luminance(colours["fg"]), luminance(bg)], reverse=True)
    assert (hi + 0.05) / (lo + 0.05) >= 4.5, colours
    viewer = page.evaluate("() => { const r = document.querySelector('#viewer').getBoundingClientRect(); "
                           "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")
    # on screen, wherever the page was
    assert 0 <= viewer["top"] < 844 and viewer["bottom"] <= page.viewport_size["height"] + 1, viewer
    close = page.locator("#viewer-close").bounding_box()
    assert close["y"] >= 0 and close["y"] + close["height"] <= page.viewport_size["height"]
    after = chart_box(page)
    if b.width >= 1100:  # beside the viewer: the chart is drawn in what is left, nothing under the viewer
        assert after["canvas_right"] <= viewer["left"] + 1 and after["box_width"] < before["box_width"], (after, viewer)
    b.shot("chart_viewer_open")
    page.click("#viewer-close")
    page.wait_for_timeout(400)
    assert page.locator("#viewer").is_hidden()
    again = chart_box(page)
    assert abs(again["box_width"] - before["box_width"]) < 2 and abs(again["canvas_right"] - again["box_right"]) < 2
    b.shot("chart_viewer_closed")


def test_the_viewer_opens_in_view_from_low_on_a_page(page_on_figures):
    b = page_on_figures
    page = b.open("#indicator?indicator=地区生产总值&year=2025")
    page.wait_for_selector("#indicator-table tbody tr", timeout=60000)
    page.locator("#indicator-table tbody tr:last-child button").scroll_into_view_if_needed()
    page.click("#indicator-table tbody tr:last-child button")
    page.wait_for_selector("#viewer-text mark")
    page.wait_for_timeout(300)
    mark = page.locator("#viewer-text mark").bounding_box()
    assert 0 <= mark["y"] and mark["y"] + mark["height"] <= page.viewport_size["height"], mark
    b.shot("viewer_in_view")


def test_phone_tabs_and_tables_are_readable(page_on_figures):
    b = page_on_figures
    page = b.open("#indicator?indicator=地区生产总值&year=2025")
    page.wait_for_selector("#indicator-table tbody tr", timeout=60000)
    tabs = page.evaluate("""() => [...document.querySelectorAll('#tabs a')].map(a => {
        const r = a.getBoundingClientRect(); return {text: a.textContent, left: r.left, right: r.right, top: r.top}; })""")
    assert all(t["left"] >= 0 and t["right"] <= b.width for t in tabs), tabs  # every tab on screen, none cut off
    # no cell one character a line: every cell at least three characters wide, the table scrolls in its box
    cells = page.evaluate("""() => [...document.querySelectorAll('#indicator-table td, #indicator-table th')].map(c => {
        const r = document.createRange(); r.selectNodeContents(c);
        const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top))).size;
        return {w: c.getBoundingClientRect().width, lines: lines, t: c.textContent}; })""")
    assert all(c["w"] >= 40 for c in cells if len(c["t"]) >= 2), [c for c in cells if len(c["t"]) >= 2 and c["w"] < 40]
    short = [c for c in cells if len(c["t"]) <= 8]
    assert all(c["lines"] == 1 for c in short), [c for c in short if c["lines"] != 1]
    assert page.evaluate("document.documentElement.scrollWidth") <= b.width  # only the table's box scrolls sideways
    b.shot("phone_tabs_table")


def test_a_document_from_low_in_the_list_opens_at_its_top(desktop):  # noqa: F811
    page = desktop.open("#document")
    page.wait_for_selector("#document-list li")
    # a long list (the bundled corpus has five documents): the page made taller, scrolled to its end
    page.evaluate("document.body.style.paddingBottom = '3000px'; window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > 500
    page.evaluate("document.querySelector('#document-list li:last-child button').click()")  # where the page is
    page.wait_for_selector("#document-view:not([hidden]) #document-text .doc-section")
    page.wait_for_timeout(300)
    top = page.locator("#document-title").bounding_box()
    assert 0 <= top["y"] <= page.viewport_size["height"] / 2, top
    desktop.shot("document_top")
