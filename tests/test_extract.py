"""Extraction: numbers, places, observations (metric, value, year, place, status) and what must
NOT become an observation. Fixtures from other provinces check that the rules carry over."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import extract, find_conflicts
from kg.extract.numbers import find_quantities
from kg.gazetteer import Home, find_home, find_places, gazetteer
from kg.ingest import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "other_city"


@pytest.fixture(scope="module")
def gaz():
    return gazetteer()


def observations_of(path: Path):
    doc = read_document(path)
    ex = extract([doc])
    # a metric is named by its standard indicator when it is one (规上工业增加值 -> 规模以上工业增加值)
    return {(o.indicator.name if o.indicator else o.metric, o.value, o.unit, o.year, o.status, o.place.name)
            for o in ex.observations}, ex


# ------------------------------------------------------------------ numbers

@pytest.mark.parametrize("text, value, unit, qualifier", [
    ("共计4749.1301亿元，其中", "4749.1301", "亿元", None),
    ("总量超过1.36万亿元", "1.36", "万亿元", "超过"),
    ("5G基站总数近5万座", "5", "万座", "近"),
    ("人工智能企业150多家", "150", "家", "多"),
    ("开行班列3630班以上", "3630", "班", "以上"),
    ("增长3.5倍", "3.5", "倍", None),
    ("降低55个基点", "55", "个基点", None),
    ("新增一万人", "1", "万人", None),
    ("发行利率2.0%", "2.0", "%", None),
])
def test_quantities_keep_value_and_unit_as_written(text, value, unit, qualifier):
    [q] = find_quantities(text)
    assert (q.value, q.unit, q.qualifier) == (Decimal(value), unit, qualifier)


@pytest.mark.parametrize("text", ["2024年", "12月24日", "第十七批", "排名全国前10", "进入全国10强", "两个确保",
                                  "电话0371-12345", "一批项目", "10年期"])
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_normalized_values():
    [q] = find_quantities("总量超过1.36万亿元")
    assert (q.normalized_value, q.normalized_unit) == (Decimal("1360000000000"), "元")
    [q] = find_quantities("新增城镇就业13.93万人")
    assert (q.normalized_value, q.normalized_unit) == (Decimal("139300"), "人")


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False),
       st.sampled_from(["亿元", "万人", "%", "家", "万平方米", "公里", "个"]))
def test_any_written_number_parses_back(value, unit):
    written = format(value, "f")
    found = find_quantities(f"全年完成投资{written}{unit}，")
    assert len(found) == 1
    assert found[0].value == Decimal(written) and found[0].unit == unit


# ------------------------------------------------------------------ places

def test_home_and_aliases_resolve_in_context(gaz):
    text = "成都市武侯区新增市场主体。我市经济向好，全省第一。高新区发展迅速。"
    home = find_home(text, gaz)
    assert (home.city.name, home.province.name) == ("成都市", "四川省")
    found = {(m.surface, m.place.name) for m in find_places(text, gaz, home)}
    assert ("武侯区", "武侯区") in found and ("我市", "成都市") in found and ("全省", "四川省") in found
    assert ("高新区", "成都高新技术产业开发区") in found


def test_county_short_forms_are_only_used_at_home(gaz):
    home = Home(gaz.find("郑州市"), gaz.find("河南省"))
    surfaces = {m.surface for m in find_places("新建绿地，合作共赢，友好城市，提高县域经济", gaz, home)}
    assert surfaces == set()  # 新建区, 合作市, 友好区, 高县 are elsewhere: these are words here
    assert {m.place.name for m in find_places("金水区和金水", gaz, home)} == {"金水区"}


def test_place_hierarchy_from_the_national_table(gaz):
    place = gaz.find("中原区", Home(gaz.find("郑州市"), gaz.find("河南省")))
    assert [p.name for p in place.ancestors()] == ["郑州市", "河南省"]


# ------------------------------------------------------------------ observations

def test_work_report_of_another_province():
    obs, _ = observations_of(FIXTURES / "chengdu_report.txt")
    # reviewed year = the year before delivery; the plan section targets the year of delivery
    assert ("地区生产总值", Decimal("5.7"), "%", 2024, "Actual", "成都市") in obs
    assert ("地区生产总值", Decimal("2.35"), "万亿元", 2024, "Actual", "成都市") in obs
    assert ("规模以上工业增加值", Decimal("6.1"), "%", 2024, "Actual", "成都市") in obs  # synonym merged
    assert ("新增市场主体", Decimal("3.2"), "万户", 2024, "Actual", "武侯区") in obs
    assert ("城镇新增就业", Decimal("28.5"), "万人", 2024, "Actual", "成都市") in obs
    assert ("地区生产总值", Decimal("6"), "%", 2025, "Target", "成都市") in obs
    assert ("城镇新增就业", Decimal("25"), "万人", 2025, "Target", "成都市") in obs


def test_news_article_of_another_province():
    obs, ex = observations_of(FIXTURES / "nanning_news.txt")
    assert ("固定资产投资", Decimal("180.6"), "亿元", 2024, "Actual", "青秀区") in obs
    assert ("固定资产投资", Decimal("4.2"), "%", 2024, "Actual", "青秀区") in obs
    assert ("地区生产总值", Decimal("5.5"), "%", 2025, "Target", "青秀区") in obs
    fixed = next(o for o in ex.observations if o.value == Decimal("180.6"))
    assert fixed.period == "1-11月"  # a part of the year, written one way
    place = next(o.place for o in ex.observations if o.value == Decimal("180.6"))
    assert [p.name for p in place.ancestors()] == ["南宁市", "广西壮族自治区"]


def test_provincial_report_is_about_the_province():
    obs, _ = observations_of(FIXTURES / "hubei_report.txt")
    assert ("地区生产总值", Decimal("5.8"), "%", 2024, "Actual", "湖北省") in obs
    assert ("地区生产总值", Decimal("2"), "万亿元", 2024, "Actual", "武汉市") in obs  # named in the clause
    assert ("固定资产投资", Decimal("6.2"), "%", 2024, "Actual", "湖北省") in obs
    assert ("城镇新增就业", Decimal("70"), "万人", 2025, "Target", "湖北省") in obs


def test_district_report_is_about_the_district():
    obs, _ = observations_of(FIXTURES / "jinjiang_district.txt")
    assert ("地区生产总值", Decimal("6.1"), "%", 2024, "Actual", "锦江区") in obs
    assert ("社会消费品零售总额", Decimal("1200"), "亿元", 2024, "Actual", "锦江区") in obs
    assert ("地区生产总值", Decimal("6.5"), "%", 2025, "Target", "锦江区") in obs


def test_cumulative_figures_keep_their_period():
    _, ex = observations_of(FIXTURES / "nanning_news.txt")
    trains = next(o for o in ex.observations if o.value == Decimal("1200"))
    assert (trains.place.name, trains.period, trains.status) == ("南宁市", "1-11月", "Actual")


def test_precision_sample_never_becomes_an_observation():
    """Phone numbers, dates, times, list indices and ranks are not figures of a metric."""
    _, ex = observations_of(FIXTURES / "chengdu_report.txt")
    _, ex2 = observations_of(FIXTURES / "nanning_news.txt")
    values = {o.value for o in ex.observations + ex2.observations}
    for not_a_figure in ("028", "12345678", "1", "2025", "2024", "20", "12", "28", "9", "11"):
        assert Decimal(not_a_figure) not in values, not_a_figure
    quotes = " ".join(o.quote for o in ex.observations + ex2.observations)
    for text in ("第1名", "12月28日", "9时", "一是", "二是"):
        assert text not in quotes


def test_every_quote_is_in_the_text_and_states_the_value():
    for path in FIXTURES.iterdir():
        doc = read_document(path)
        for o in extract([doc]).observations:
            assert doc.text[o.start:o.end] == o.quote
            assert format(o.value, "f") in o.quote


def test_conflicting_values_are_flagged(tmp_path):
    (tmp_path / "a.txt").write_text("2024年,成都市新增城镇就业28.5万人。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("2024年,成都市新增城镇就业28.7万人。", encoding="utf-8")
    (tmp_path / "c.txt").write_text("2024年,成都市新增城镇就业28.5万人。", encoding="utf-8")
    ex = extract([read_document(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")])
    assert len(ex.observations) == 3
    pairs = {frozenset((a.value, b.value)) for a, b in ex.conflicts}
    assert pairs == {frozenset((Decimal("28.5"), Decimal("28.7")))}
    assert len(find_conflicts(ex.observations)) == 2  # 28.7 conflicts with each 28.5


# ------------------------------------------------------------------ the bundled graph through SPARQL

def test_bundled_graph_answers_known_figures(kgraph):
    rows = kgraph.sparql("""SELECT ?v ?u ?y ?s WHERE { ?o a gk:Observation ; gk:metric/rdfs:label "优良天数"@zh ;
        gk:value ?v ; gk:unit ?u ; gk:year ?y ; gk:status ?s ; gk:place/rdfs:label "郑州市"@zh .
        FILTER NOT EXISTS { ?o gk:period ?p } }""")
    assert {(r["v"], r["u"], r["y"], r["s"].rsplit("#")[-1]) for r in rows} >= {("231", "天", "2024", "Actual")}


def test_every_observation_is_traceable(kgraph):
    rows = kgraph.sparql("""SELECT ?q ?t ?v WHERE { ?o a gk:Observation ; gk:quote ?q ; gk:value ?v ;
        prov:wasDerivedFrom/gk:text ?t }""")
    assert len(rows) > 200
    for r in rows:
        assert r["q"] in r["t"]
        assert format(Decimal(r["v"]).normalize(), "f") in r["q"] or r["v"] in r["q"]
