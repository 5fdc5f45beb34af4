"""The indicator view's map (issue #28): 图表/地图 in the 指标 view, in real Chromium at 1280×800 and on a
phone (390×844). The map draws the chart's own /compare answer (one figure per place, as in
`kg compare` and `kg ask`): provinces with a figure coloured by value, the others grey with 无数据, a
qualifier (约, 以上, 左右, a range) in the label and the tooltip, a click opening the quote in the
source viewer; a city's figure is named as not on the (province) map. The boundaries are vendored
from npm (echarts@4.9.0's map/json/china.json) with their licence; nothing is fetched elsewhere.

The corpus is a few sentences written for these cases (built with `kg build` in a tmp folder)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_server import ARTIFACTS, http, server  # noqa: F401 (fixtures)
from .test_workbench import SIZE_IDS, SIZES, browser_on, desktop, served  # noqa: F401 (fixtures)
from .test_workbench_chart_viewer import build_reports

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "kg" / "static" / "vendor"

HEAD = "{year}年{name}政府工作报告\n——{year}年1月20日在{name}第十六届人民代表大会第四次会议上\n各位代表：\n"
REPORTS = {
    "jiangsu": ("江苏省", "一、2025年工作回顾\n过去一年，全省地区生产总值达到14.2万亿元，增长5.4%。\n"
                         "二、2026年主要预期目标\n今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。\n"),
    "neimenggu": ("内蒙古自治区", "一、2025年工作回顾\n过去一年，全区地区生产总值约2.6万亿元，增长5.8%。\n"
                                "二、2026年主要预期目标\n今年经济社会发展的主要预期目标是：地区生产总值增长5%—5.5%。\n"),
    "guangxi": ("广西壮族自治区", "一、2025年工作回顾\n过去一年，全区地区生产总值超过2.9万亿元，增长5.2%。\n"
                                "二、2026年主要预期目标\n今年经济社会发展的主要预期目标是：地区生产总值增长5.5%。\n"),
    "henan": ("河南省", "一、2025年工作回顾\n过去一年，全省地区生产总值达到6.6万亿元，增长5.6%。\n"
                       "二、2026年主要预期目标\n今年经济社会发展的主要预期目标是：地区生产总值增长5.5%左右。\n"),
    "zhengzhou": ("郑州市", "一、2025年工作回顾\n过去一年，全市地区生产总值达到1.5万亿元，增长5.9%。\n"),
}


@pytest.fixture(scope="module")
def map_ws(tmp_path_factory):
    return build_reports(tmp_path_factory.mktemp("map"), REPORTS, HEAD)


# ------------------------------------------------------------------ the vendored map and the facts' levels


def test_the_map_and_the_full_echarts_build_are_vendored_with_their_licence():
    geo = json.loads((VENDOR / "echarts-map-china.json").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in geo["features"]}
    assert {"河南", "内蒙古", "广西", "北京", "新疆"} <= names and len(names) == 34
    assert "Apache License" in (VENDOR / "echarts-map.LICENSE.txt").read_text(encoding="utf-8")
    assert (VENDOR / "echarts-map.NOTICE.txt").is_file()
    versions = dict(line.split(" ", 1) for line in (VENDOR / "VERSIONS").read_text().splitlines())
    assert versions["echarts-map"] == "4.9.0" and versions["echarts"] == "5.6.0"
    fetch = (VENDOR / "fetch.sh").read_text(encoding="utf-8")
    assert "map/json/china.json" in fetch and "dist/echarts.min.js" in fetch
    page = (ROOT / "kg" / "static" / "index.html").read_text(encoding="utf-8")
    assert "/static/vendor/echarts.min.js" in page and "echarts.common" not in page
    assert not (VENDOR / "echarts.common.min.js").exists()
    assert "registerMap" in (VENDOR / "echarts.min.js").read_text(encoding="utf-8")


def test_compare_facts_carry_their_places_level(map_ws):
    import kg

    facts = {f["place"]: f for f in kg.open(map_ws).compare("地区生产总值", year=2025)["facts"]}
    assert facts["河南省"]["place_level"] == "Province" and facts["内蒙古自治区"]["place_level"] == "Province"
    if "郑州市" in facts:
        assert facts["郑州市"]["place_level"] == "City"


# ------------------------------------------------------------------ the page


@pytest.fixture(scope="module")
def map_server(map_ws, tmp_path_factory):
    yield from served(map_ws, tmp_path_factory.mktemp("serve-map"))


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def page_on_map(map_server, request):
    yield from browser_on(map_server, request.param)


def open_map(b, hash_: str):
    page = b.open(hash_)
    page.wait_for_selector("#indicator-table tbody tr", timeout=60000)
    page.wait_for_selector("#indicator-show-map", state="visible", timeout=10000)
    page.click("#indicator-show-map")
    page.wait_for_function("() => window.govkg.indicatorMap && window.govkg.indicatorMap.getOption().series.length",
                           timeout=20000)
    page.wait_for_timeout(300)
    return page


def map_data(page) -> dict:
    return page.evaluate("""() => { const o = window.govkg.indicatorMap.getOption();
        return {data: o.series[0].data.filter(d => d.fact != null).map(d => ({name: d.name, value: d.value, label: d.label.formatter,
                                                  tip: o.tooltip[0].formatter({name: d.name, data: d})})),
                type: o.series[0].type, visual: {min: o.visualMap[0].min, max: o.visualMap[0].max, text: o.visualMap[0].text},
                grey: o.tooltip[0].formatter({name: '浙江'}),
                note: document.querySelector('#indicator-map-note').textContent}; }""")


def colour_at(page, region: str) -> dict:
    """The pixel at a region's centre, and where it is on the page (convertToPixel takes a region name)."""
    return page.evaluate("""(region) => { const c = window.govkg.indicatorMap;
        const [x, y] = c.convertToPixel({seriesIndex: 0}, region);
        const canvas = document.querySelector('#indicator-map canvas'), r = canvas.getBoundingClientRect();
        const k = canvas.width / r.width, px = canvas.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data;
        return {x: r.left + x, y: r.top + y, rgb: [px[0], px[1], px[2]], inside: x > 0 && x < r.width && y > 0 && y < r.height}; }""", region)


def test_map_colours_provinces_with_figures_and_opens_their_quotes(page_on_map):
    b = page_on_map
    page = open_map(b, "#indicator?indicator=地区生产总值&year=2025")
    m = map_data(page)
    assert m["type"] == "map"
    by_name = {d["name"]: d for d in m["data"]}
    # the graph's labels (内蒙古自治区, 广西壮族自治区) on the map's regions (内蒙古, 广西)
    assert {"江苏", "内蒙古", "广西", "河南"} <= set(by_name), by_name
    # the chart's figures: the same values on the same scale
    bars = page.evaluate("""() => window.govkg.indicatorChart.getOption().series[0].data.map(d => d.value)""")
    assert {d["value"] for d in m["data"]} <= set(bars) and len(m["data"]) >= len(bars) - 1  # all but the city
    assert "约2.6" in by_name["内蒙古"]["label"] and "约2.6万亿元" in by_name["内蒙古"]["tip"]
    assert "以上" in by_name["广西"]["label"] and "2.9万亿元以上" in by_name["广西"]["tip"]
    assert by_name["河南"]["tip"].startswith("河南省 2025 实际：6.6万亿元") and "「" in by_name["河南"]["tip"]
    assert m["grey"] == "浙江：无数据"
    assert m["visual"]["min"] < m["visual"]["max"] and all("万亿元" in t for t in m["visual"]["text"])
    if len(m["data"]) < len(bars):
        assert "不在图上：郑州市" in m["note"]  # a city's figure: on the chart and in the table, not on the map
    # coloured: a province with a figure is not grey, one without is; the map fits the width
    henan, zhejiang = colour_at(page, "河南"), colour_at(page, "浙江")
    assert henan["inside"] and zhejiang["inside"]
    assert henan["rgb"][2] > henan["rgb"][0] + 30, henan  # blue
    assert max(zhejiang["rgb"]) - min(zhejiang["rgb"]) < 8, zhejiang  # grey
    box = page.evaluate("""() => { const r = document.querySelector('#indicator-map').getBoundingClientRect();
        return {right: r.right, width: r.width, page: document.documentElement.clientWidth,
                scroll: document.documentElement.scrollWidth}; }""")
    assert box["right"] <= box["page"] + 1 and box["scroll"] <= box["page"] + 1, box
    assert page.is_hidden("#indicator-chart")
    b.shot("map_levels")
    # a click on a province opens its quote in the viewer, as a bar does
    page.mouse.click(henan["x"], henan["y"])
    page.wait_for_selector("#viewer:not([hidden]) #viewer-text mark", timeout=10000)
    assert "6.6万亿元" in page.inner_text("#viewer-text mark")
    assert "河南" in page.inner_text("#viewer-title")
    page.wait_for_timeout(300)
    b.shot("map_viewer")
    # back to the chart: drawn again at its width
    page.click("#indicator-show-chart")
    page.wait_for_timeout(300)
    assert page.is_visible("#indicator-chart") and page.is_hidden("#indicator-map")
    width = page.evaluate("() => document.querySelector('#indicator-chart canvas').getBoundingClientRect().width")
    assert width > 200


def test_map_shows_ranges_and_about_in_targets(page_on_map):
    page = open_map(page_on_map, "#indicator?indicator=地区生产总值&year=2026&status=target&growth=true")
    by_name = {d["name"]: d for d in map_data(page)["data"]}
    assert "5—5.5" in by_name["内蒙古"]["label"] and "5—5.5%" in by_name["内蒙古"]["tip"], by_name
    assert "左右" in by_name["江苏"]["label"] and "5%左右" in by_name["江苏"]["tip"], by_name
    assert all("%" in t for t in map_data(page)["visual"]["text"])
    page_on_map.shot("map_targets")


def test_every_province_label_names_one_map_region(page_on_map):
    """The graph's full names (kg/vocab/place_short_names.tsv) against the map's short ones, both ways."""
    labels = [line.split("\t", 1)[0] for line in
              (ROOT / "kg" / "vocab" / "place_short_names.tsv").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")]
    page = open_map(page_on_map, "#indicator?indicator=地区生产总值&year=2025")
    found = page.evaluate("""(labels) => fetch('/static/vendor/echarts-map-china.json').then(r => r.json()).then(geo => {
        const regions = geo.features.map(f => f.properties.name);
        return labels.map(l => [l, regions.filter(n => window.govkg.sameRegion(l, n))]); })""", labels)
    assert all(len(hit) == 1 for _, hit in found), [f for f in found if len(f[1]) != 1]
    same = page.evaluate("""() => [['河南省', '河南省'], ['吉林市', '吉林省'], ['海南藏族自治州', '海南省'], ['广西', '广西壮族自治区']]
        .map(([a, b]) => window.govkg.sameRegion(a, b))""")
    assert same == [True, False, False, True]
