"""The indicator map of prefecture-level cities (issue #28): when the places the /compare answer
compares are cities of one province, 地图 shows that province's map (echarts@4.9.0's
map/json/province/*.json, vendored with the China map and loaded only when needed) with its cities
coloured by the chart's figures, a qualifier (约, 以上, 左右, a range) in the label and the tooltip,
and a click opening the quote. Cities of several provinces: the China map of provinces, the cities
named under it as not on it (the provinces coloured). A compare fact of a city carries its province (`province`).

The corpus is a few reports written here (four cities of 河南省, 苏州市 and 江苏省), built with `kg build`.
With no province and cities of several provinces nothing can be coloured: no 地图 toggle, as before."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_server import ARTIFACTS, http, server  # noqa: F401 (fixtures)
from .test_workbench import SIZE_IDS, SIZES, browser_on, desktop, served  # noqa: F401 (fixtures)
from .test_workbench_chart_viewer import build_reports
from .test_workbench_map import colour_at, open_map

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "kg" / "static" / "vendor"

HEAD = "{year}年{name}政府工作报告\n——{year}年1月20日在{name}第十六届人民代表大会第四次会议上\n各位代表：\n"
REVIEW, TARGETS = "一、2025年工作回顾\n过去一年，", "二、2026年主要预期目标\n今年经济社会发展的主要预期目标是："
REPORTS = {
    "zhengzhou": ("郑州市", f"{REVIEW}全市地区生产总值达到1.5万亿元，增长5.9%。\n{TARGETS}地区生产总值增长6%左右。\n"),
    "luoyang": ("洛阳市", f"{REVIEW}全市地区生产总值约6000亿元，增长5.2%。\n{TARGETS}地区生产总值增长5.5%—6%。\n"),
    "kaifeng": ("开封市", f"{REVIEW}全市经济运行总体平稳。\n{TARGETS}地区生产总值增长6.5%以上。\n"),
    "xinxiang": ("新乡市", f"{REVIEW}全市经济运行总体平稳。\n{TARGETS}地区生产总值增长5%。\n"),
    "suzhou": ("苏州市", f"{REVIEW}全市地区生产总值达到2.7万亿元，增长5.5%。\n"),
    "jiangsu": ("江苏省", f"{REVIEW}全省地区生产总值达到14.2万亿元，增长5.4%。\n"),
}
HENAN_TARGETS = "#indicator?indicator=地区生产总值&year=2026&status=target&growth=true"


@pytest.fixture(scope="module")
def city_ws(tmp_path_factory):
    return build_reports(tmp_path_factory.mktemp("citymap"), REPORTS, HEAD)


# ------------------------------------------------------------------ the facts and the vendored maps


def test_a_citys_compare_fact_names_its_province(city_ws):
    import kg

    g = kg.open(city_ws)
    targets = {f["place"]: f for f in g.compare("地区生产总值", year=2026, status="target", growth=True)["facts"]}
    assert set(targets) == {"郑州市", "洛阳市", "开封市", "新乡市"}
    assert all(f["place_level"] == "City" and f["province"] == "河南省" for f in targets.values()), targets
    actual = {f["place"]: f["province"] for f in g.compare("地区生产总值", year=2025, growth=True)["facts"]}
    assert actual == {"郑州市": "河南省", "洛阳市": "河南省", "苏州市": "江苏省", "江苏省": None}


def test_the_province_maps_are_vendored_and_found_by_a_table():
    china = json.loads((VENDOR / "echarts-map-china.json").read_text(encoding="utf-8"))
    regions = {f["properties"]["name"] for f in china["features"]}
    table = json.loads((ROOT / "kg" / "static" / "map-provinces.json").read_text(encoding="utf-8"))
    assert set(table) == regions  # one file for each region of the China map
    for region, name in table.items():
        geo = json.loads((VENDOR / "echarts-map-province" / f"{name}.json").read_text(encoding="utf-8"))
        assert geo["features"], region
    cities = lambda region: {f["properties"]["name"] for f in json.loads(  # noqa: E731
        (VENDOR / "echarts-map-province" / f"{table[region]}.json").read_text(encoding="utf-8"))["features"]}
    assert {"郑州市", "洛阳市", "开封市", "新乡市"} <= cities("河南")
    assert "太原市" in cities("山西") and "西安市" in cities("陕西")
    fetch = (VENDOR / "fetch.sh").read_text(encoding="utf-8")
    assert "map/json/province" in fetch
    size = sum(p.stat().st_size for p in (VENDOR / "echarts-map-province").glob("*.json"))
    assert size < 4_000_000, size


# ------------------------------------------------------------------ the page


@pytest.fixture(scope="module")
def city_server(city_ws, tmp_path_factory):
    yield from served(city_ws, tmp_path_factory.mktemp("serve-citymap"))


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def page_on_cities(city_server, request):
    yield from browser_on(city_server, request.param)


def map_state(page) -> dict:
    return page.evaluate("""() => { const o = window.govkg.indicatorMap.getOption(), s = o.series[0];
        return {map: s.map,
                data: s.data.filter(d => d.fact != null).map(d => ({name: d.name, value: d.value, label: d.label.formatter,
                                                   tip: o.tooltip[0].formatter({name: d.name, data: d})})),
                grey: o.tooltip[0].formatter({name: '南阳市'}),
                bars: window.govkg.indicatorChart.getOption().series[0].data.map(d => d.value),
                note: document.querySelector('#indicator-map-note').textContent,
                loaded: performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('echarts-map'))}; }""")


def fill_colour(page, region: str) -> dict:
    """A region's fill: the commonest colour around its centre that is not its label's (white border,
    dark text), where a small city's label covers the centre itself."""
    at = colour_at(page, region)
    at["rgb"] = page.evaluate("""(region) => { const c = window.govkg.indicatorMap;
        const [x, y] = c.convertToPixel({seriesIndex: 0}, region);
        const canvas = document.querySelector('#indicator-map canvas'), k = canvas.width / canvas.getBoundingClientRect().width;
        const ctx = canvas.getContext('2d'), seen = {};
        for (let dx = -15; dx <= 15; dx += 3) for (let dy = -15; dy <= 15; dy += 3) {
            const p = ctx.getImageData(Math.round((x + dx) * k), Math.round((y + dy) * k), 1, 1).data;
            if (Math.min(p[0], p[1], p[2]) > 245 || Math.max(p[0], p[1], p[2]) < 120) continue;
            const key = [p[0], p[1], p[2]].join(); seen[key] = (seen[key] || 0) + 1; }
        const best = Object.keys(seen).sort((a, b) => seen[b] - seen[a])[0];
        return best ? best.split(',').map(Number) : [255, 255, 255]; }""", region)
    return at


def test_cities_of_one_province_are_coloured_on_its_map(page_on_cities):
    b = page_on_cities
    page = b.open(HENAN_TARGETS)
    page.wait_for_selector("#indicator-table tbody tr", timeout=60000)
    assert not [n for n in page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
                if "echarts-map" in n]  # nothing loaded before 地图
    page = open_map(b, HENAN_TARGETS)
    m = map_state(page)
    assert m["map"] == "河南", m["map"]
    by_name = {d["name"]: d for d in m["data"]}
    assert set(by_name) == {"郑州市", "洛阳市", "开封市", "新乡市"}, by_name
    assert sorted(d["value"] for d in m["data"]) == sorted(m["bars"])  # the chart's figures
    assert "左右" in by_name["郑州市"]["label"] and "6%左右" in by_name["郑州市"]["tip"], by_name
    assert "以上" in by_name["开封市"]["label"] and "6.5%以上" in by_name["开封市"]["tip"]
    assert "5.5—6" in by_name["洛阳市"]["label"] and "5.5—6%" in by_name["洛阳市"]["tip"]
    assert by_name["新乡市"]["tip"].startswith("新乡市 2026 目标：5%") and "「" in by_name["新乡市"]["tip"]
    assert m["grey"] == "南阳市：无数据"
    assert "河南省" in m["note"] and "不在图上" not in m["note"], m["note"]
    # loaded lazily: the China map is not needed, and only this province's file
    assert any(n.endswith("/echarts-map-province/henan.json") for n in m["loaded"]), m["loaded"]
    assert len([n for n in m["loaded"] if "echarts-map-province/" in n]) == 1, m["loaded"]
    zhengzhou, nanyang = fill_colour(page, "郑州市"), fill_colour(page, "南阳市")
    assert zhengzhou["inside"] and nanyang["inside"]
    assert zhengzhou["rgb"][2] > zhengzhou["rgb"][0] + 30, zhengzhou  # blue
    assert max(nanyang["rgb"]) - min(nanyang["rgb"]) < 8, nanyang  # grey
    box = page.evaluate("""() => { const r = document.querySelector('#indicator-map').getBoundingClientRect();
        return {right: r.right, page: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth}; }""")
    assert box["right"] <= box["page"] + 1 and box["scroll"] <= box["page"] + 1, box
    b.shot("citymap_henan")
    luoyang = colour_at(page, "洛阳市")
    page.mouse.click(luoyang["x"], luoyang["y"])
    page.wait_for_selector("#viewer:not([hidden]) #viewer-text mark", timeout=10000)
    assert "5.5%—6%" in page.inner_text("#viewer-text mark")
    assert "洛阳" in page.inner_text("#viewer-title")
    page.wait_for_timeout(300)
    b.shot("citymap_viewer")


def test_cities_of_several_provinces_stay_on_the_china_map(page_on_cities):
    page = open_map(page_on_cities, "#indicator?indicator=地区生产总值&year=2025&growth=true")
    m = map_state(page)
    assert m["map"] == "china" and [d["name"] for d in m["data"]] == ["江苏"], m
    assert "不在图上" in m["note"] and all(c in m["note"] for c in ("郑州市", "洛阳市", "苏州市")), m["note"]
    page_on_cities.shot("citymap_several")
    # and back to one province: its map again
    page = open_map(page_on_cities, HENAN_TARGETS)
    assert map_state(page)["map"] == "河南"
