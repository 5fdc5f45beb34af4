"""Questions across places (kg/compare.py) on three small provincial reports written for the test:
lists, rankings, comparisons, a place without the figure named as missing, and filters."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.query.compare import detect

MINI = Path(__file__).parent / "fixtures" / "provinces_mini"


@pytest.fixture(scope="module")
def provinces(tmp_path_factory):
    import kg

    ws = tmp_path_factory.mktemp("mini") / ".kg"
    kg.build(MINI, ws)
    return kg.open(ws)


def pairs(result):
    return [(f["place"], Decimal(f["value"])) for f in result["facts"]]


@pytest.mark.parametrize("question, kind, level", [
    ("2026年各省区市城镇新增就业目标分别是多少", "list", "Province"),
    ("列出2025年各地的固定资产投资增速", "list", None),
    ("2025年哪个省份一般公共预算收入增速最高", "max", "Province"),
    ("2025年哪个地方进出口总额增速最低", "min", None),
    ("各区县2024年地区生产总值对比", "list", "District"),
])
def test_intent(question, kind, level):
    intent = detect(question, [])
    assert (intent.kind, intent.level) == (kind, level)


def test_a_question_about_one_place_is_not_across_places():
    assert detect("2024年郑州市优良天数是多少", [{"iri": "x", "label": "郑州市"}]) is None


def test_list_of_targets_one_fact_per_place_best_first(provinces):
    result = provinces.ask("2026年各省地区生产总值增长目标分别是多少")
    # a tie is broken by the upper bound of a range (江西 5%—5.5% before 湖南 5%)
    assert pairs(result) == [("湖北省", Decimal("5.5")), ("江西省", Decimal("5")), ("湖南省", Decimal("5"))]
    jiangxi = result["facts"][1]
    assert (jiangxi["max_value"], jiangxi["status"], jiangxi["year"]) == ("5.5", "Target", 2026)
    assert all(f["quote"] and f["passage"] and f["doc"] for f in result["facts"])
    assert {p["passage"] for p in result["passages"]} <= {f["passage"] for f in result["facts"]}


def test_ranking_counts_a_decline_as_negative(provinces):
    top = provinces.ask("2025年哪个省份一般公共预算收入增速最高")
    assert pairs(top)[0] == ("湖南省", Decimal("6.1"))
    bottom = provinces.ask("2025年哪个省份一般公共预算收入增速最低")
    assert pairs(bottom)[0] == ("江西省", Decimal("1.5")) and bottom["facts"][0]["direction"] == "down"
    assert "最低的是江西省" in bottom["answer"]


def test_missing_places_are_named_not_filled(provinces):
    result = provinces.ask("2026年各省城镇调查失业率目标分别是多少")
    assert {f["place"] for f in result["facts"]} == {"湖北省", "湖南省"}
    assert "没有数据：江西省" in result["answer"]


def test_comparison_of_named_places(provinces):
    result = provinces.ask("湖北和湖南2025年城镇新增就业对比")
    assert sorted(pairs(result)) == [("湖北省", Decimal("92")), ("湖南省", Decimal("75"))]


def test_filters(provinces):
    hits = provinces.search("城镇新增就业", k=5, place="江西")
    assert hits and all(h["doc"] == "jiangxi.txt" for h in hits)
    assert len(provinces.search("城镇新增就业", k=10, year=2026)) == 3  # every report has a 2026 section
    assert provinces.search("城镇新增就业", k=10, year=2019) == []
    with pytest.raises(Exception, match="no document of this corpus is about"):
        provinces.search("就业", place="上海")
    answer = provinces.ask("城镇新增就业目标是多少", place="湖南", year=2026)
    assert pairs(answer)[0] == ("湖南省", Decimal("70"))


def test_named_place_is_preferred_in_search(provinces):
    hits = provinces.search("湖南去年城镇新增就业多少", k=3)
    assert hits[0]["doc"] == "hunan.txt"


# ------------------------------------------------------------------ kg compare (API, CLI)

def test_compare_over_the_years_of_a_named_place(kgraph):
    result = kgraph.compare("优良天数", places=["郑州"])
    assert result["over_years"] and result["indicator"]
    years = [(f["year"], f["status"]) for f in result["facts"]]
    assert years == sorted(years) and (2024, "Actual") in years
    assert all(f["quote"] and f["doc"] and f["value"] in f["quote"] for f in result["facts"])


def test_compare_by_place_is_best_first_with_quotes(kgraph):
    result = kgraph.compare("地区生产总值", growth=True, status="actual")
    values = [float(f["value"]) * (-1 if f.get("direction") == "down" else 1) for f in result["facts"]]
    assert values == sorted(values, reverse=True)
    assert [f["rank"] for f in result["facts"]] == list(range(1, len(values) + 1))


def test_compare_refuses_unknown_names_and_options(kgraph):
    import pytest

    from kg.errors import InputError

    with pytest.raises(InputError, match="no indicator"):
        kgraph.compare("不存在的指标")
    with pytest.raises(InputError, match="status"):
        kgraph.compare("优良天数", status="planned")
    with pytest.raises(InputError, match="no place"):
        kgraph.compare("优良天数", places=["火星"])


def test_compare_cli_csv(built_workspace):
    import csv
    import io

    from .conftest import run_kg

    out = run_kg("compare", "优良天数", "--place", "郑州", "--format", "csv", "--workspace", built_workspace, check=True)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and {"rank", "place", "year", "value", "quote", "doc"} <= set(rows[0])
    bad = run_kg("compare", "不存在的指标", "--workspace", built_workspace)
    assert bad.returncode == 1 and "no indicator" in bad.stderr
