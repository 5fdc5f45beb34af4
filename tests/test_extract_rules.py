"""One test per extraction rule, with sentences written for the test from the genre's conventions
(work reports, bulletins, plan reports, news), not copied from any labelled file.

Each case is a small document: a title and dateline (so the structure stage knows the kind, the
place and the year), a section heading, and the sentence under test."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.extract import extract
from kg.extract.numbers import find_quantities
from kg.ingest import read_document

GENRE = Path(__file__).parent / "fixtures" / "genre"

REPORT = "2026年某省政府工作报告\n——2026年1月20日在湖北省第十四届人民代表大会第四次会议上\n各位代表：\n{body}\n"
REVIEW = "一、2025年工作回顾\n{text}"
FIVE_YEARS = "一、“十四五”时期工作回顾\n五年来，我们砥砺前行。{text}"
PLAN_2030 = "二、“十五五”时期主要目标任务\n{text}"
TARGETS = "三、2026年工作安排\n今年经济社会发展的主要预期目标是：{text}"
TASKS = "三、2026年重点工作\n（一）扩大有效需求。{text}"


def observations(tmp_path, body: str, name="doc.txt"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return extract([read_document(path)]).observations


def report(tmp_path, section: str, text: str):
    return observations(tmp_path, REPORT.format(body=section.format(text=text)))


def one(obs, value):
    found = [o for o in obs if o.value == Decimal(value)]
    assert len(found) == 1, [(o.quote, o.value) for o in obs]
    return found[0]


def name(o):
    return o.indicator.name if o.indicator is not None else o.metric


# ------------------------------------------------------------------ year and status from sections

def test_review_of_last_year_is_actual_of_that_year(tmp_path):
    o = one(report(tmp_path, REVIEW, "全省地区生产总值增长5.6%，规上工业增加值增长7.2%。"), "5.6")
    assert (name(o), o.year, o.status, o.place.name) == ("地区生产总值", 2025, "Actual", "湖北省")


def test_estimate_in_a_review_is_an_estimated_actual(tmp_path):
    o = one(report(tmp_path, REVIEW, "预计全年一般公共预算收入增长3.1%。"), "3.1")
    assert (o.year, o.status, o.estimated) == (2025, "Actual", True)


def test_won_in_a_review_is_not_a_plan(tmp_path):
    # 争取 in a review means funds obtained, not a target
    o = one(report(tmp_path, REVIEW, "争取中央预算内投资86亿元，落地一批重大项目。"), "86")
    assert (o.year, o.status) == (2025, "Actual")


def test_targets_section_is_target_of_the_report_year(tmp_path):
    obs = report(tmp_path, TARGETS, "地区生产总值增长5.5%左右，城镇新增就业70万人以上，城镇调查失业率5.5%以内。")
    gdp = next(o for o in obs if o.value == Decimal("5.5") and o.measure == "GrowthRate")
    jobs = one(obs, "70")
    assert (gdp.year, gdp.status, name(gdp)) == (2026, "Target", "地区生产总值")
    assert (jobs.year, jobs.status, name(jobs), jobs.unit) == (2026, "Target", "城镇新增就业", "万人")


def test_tasks_section_is_target_but_last_year_recalled_is_actual(tmp_path):
    obs = report(tmp_path, TASKS, "去年全省新建5G基站2.1万个。今年再新建5G基站2.5万个。")
    assert (one(obs, "2.1").year, one(obs, "2.1").status) == (2025, "Actual")
    assert (one(obs, "2.5").year, one(obs, "2.5").status) == (2026, "Target")


def test_five_year_review_cumulative_figures_get_the_period(tmp_path):
    obs = report(tmp_path, FIVE_YEARS, "累计新增城镇就业360万人，地区生产总值年均增长5.4%，常住人口城镇化率达到66.2%。"
                 "\n刚刚过去的2025年，全省地区生产总值增长5.3%。")
    jobs, growth, level = one(obs, "360"), one(obs, "5.4"), one(obs, "66.2")
    assert (jobs.period_start, jobs.period_end, jobs.year, jobs.measure) == (2021, 2025, 2025, "Change")
    assert (growth.period_start, growth.period_end, growth.status) == (2021, 2025, "Actual")
    assert (level.year, level.period_start) == (2025, None)  # a level reached: the last year
    last_year = one(obs, "5.3")  # the year just ended, reviewed inside the five-year section
    assert (last_year.year, last_year.period_start, last_year.status) == (2025, None, "Actual")


def test_average_growth_in_a_review_of_last_year_is_multi_year(tmp_path):
    obs = report(tmp_path, REVIEW, "地方一般公共预算收入突破800亿元，年均增长5.2%。")
    assert (one(obs, "5.2").period_start, one(obs, "5.2").period_end) == (2021, 2025)


def test_five_year_plan_goals_are_targets_of_2030(tmp_path):
    o = one(report(tmp_path, PLAN_2030, "到2030年，常住人口城镇化率提高到70%左右。"), "70")
    assert (o.year, o.status) == (2030, "Target")


def test_explicit_year_in_the_clause_wins(tmp_path):
    o = one(report(tmp_path, TASKS, "2024年全省粮食产量已达到560亿斤。"), "560")
    assert (o.year, o.status) == (2024, "Actual")


# ------------------------------------------------------------------ other genres

def test_bulletin_figures_are_actual_of_its_year(tmp_path):
    text = ("湖北省2024年国民经济和社会发展统计公报\n湖北省统计局\n"
            "初步核算，全年全省地区生产总值30125.6亿元，比上年增长4.9%。全年居民消费价格比上年上涨0.3%。\n")
    obs = observations(tmp_path, text)
    for v in ("30125.6", "4.9", "0.3"):
        assert (one(obs, v).year, one(obs, v).status) == (2024, "Actual")
    assert name(one(obs, "0.3")) == "居民消费价格"


def test_news_year_carries_across_its_sentences(tmp_path):
    text = ("某市旅游持续升温\n本报讯（记者 王某）2月3日，记者从郑州市文化广电和旅游局获悉，"
            "2024年全市接待游客1.5亿人次，同比增长8.3%；实现旅游收入1600亿元，增长9.1%。\n")
    obs = observations(tmp_path, text)
    for v in ("1.5", "8.3", "1600", "9.1"):
        assert (one(obs, v).year, one(obs, v).status, one(obs, v).place.name) == (2024, "Actual", "郑州市")


def test_genre_fixtures_hold_their_headline_figures():
    ex = extract([read_document(GENRE / f) for f in sorted(p.name for p in GENRE.glob("*.txt"))])
    got = {(name(o), o.value, o.unit, o.year, o.status, o.place.name) for o in ex.observations}
    expected = [
        ("地区生产总值", Decimal("5800"), "亿元", 2024, "Actual", "洛阳市"),
        ("地区生产总值", Decimal("5.5"), "%", 2025, "Target", "洛阳市"),
        ("农村常住居民人均可支配收入", Decimal("6.8"), "%", 2024, "Actual", "洛阳市"),
        ("地区生产总值", Decimal("6"), "%", 2024, "Target", "金水区"),
        ("地区生产总值", Decimal("5.5"), "%", 2025, "Target", "湖南省"),
        ("固定资产投资", Decimal("1.1"), "%", 2024, "Actual", "湖南省"),
        ("地区生产总值", Decimal("25494.7"), "亿元", 2024, "Actual", "山西省"),
        ("规模以上工业企业利润", Decimal("1198.4"), "亿元", 2024, "Actual", "山西省"),
        ("接待游客", Decimal("3.5"), "亿人次", 2025, "Target", "成都市"),
        ("粮食产量", Decimal("2.3"), "%", 2024, "Actual", "洛阳市"),  # 比上年增产2.3%, a city's bulletin
        ("金融机构人民币存款余额", Decimal("8145.6"), "亿元", 2024, "Actual", "洛阳市"),
        ("农村常住居民人均可支配收入", Decimal("21901"), "元", 2024, "Actual", "洛阳市"),
        ("出口总额", Decimal("10.2"), "%", 2024, "Actual", "洛阳市"),
    ]
    for fact in expected:
        assert fact in got, fact


# ------------------------------------------------------------------ figures

def test_additions_are_flows_not_stocks(tmp_path):
    obs = report(tmp_path, REVIEW, "新增高新技术企业1200家、总数达到9800家。")
    added, total = one(obs, "1200"), one(obs, "9800")
    assert (added.measure, added.metric) == ("Change", "新增高新技术企业")
    assert (total.measure, name(total)) == ("Level", "高新技术企业")


def test_declines_keep_the_value_and_say_down(tmp_path):
    obs = report(tmp_path, REVIEW, "单位地区生产总值能耗下降3.2%，细颗粒物平均浓度下降到31微克/立方米。")
    rate, level = one(obs, "3.2"), one(obs, "31")
    assert (rate.measure, rate.direction, name(rate)) == ("GrowthRate", "down", "单位地区生产总值能耗")
    assert (level.measure, level.direction, level.unit) == ("Level", None, "微克/立方米")


def test_respectively_pairs_items_and_completes_modifiers(tmp_path):
    obs = report(tmp_path, REVIEW, "城镇、农村常住居民人均可支配收入分别增长4.6%、6.3%，一、二、三产业增加值分别增长3.9%、6.1%、5.2%。")
    assert name(one(obs, "4.6")) == "城镇常住居民人均可支配收入"
    assert name(one(obs, "6.3")) == "农村常住居民人均可支配收入"
    assert one(obs, "6.3").measure == "GrowthRate"
    assert [name(one(obs, v)) for v in ("3.9", "6.1", "5.2")] == ["第一产业增加值", "第二产业增加值", "第三产业增加值"]


def test_urban_and_rural_split_from_chengxiang(tmp_path):
    obs = report(tmp_path, REVIEW, "城乡居民人均可支配收入分别增长4.1%、5.8%。")
    assert name(one(obs, "4.1")) == "城镇常住居民人均可支配收入"
    assert name(one(obs, "5.8")) == "农村常住居民人均可支配收入"


def test_ranges_keep_the_upper_bound(tmp_path):
    o = one(report(tmp_path, TARGETS, "地区生产总值增长5%—5.5%，在实际工作中努力争取更好结果。"), "5")
    assert (o.max_value, o.status, o.unit) == (Decimal("5.5"), "Target", "%")
    [q] = find_quantities("投资增长6-7%")
    assert (q.value, q.max_value, q.unit) == (Decimal("6"), Decimal("7"), "%")


def test_threshold_then_value_keeps_the_value(tmp_path):
    obs = report(tmp_path, REVIEW, "全省地区生产总值突破6万亿元、达到61250亿元。")
    assert [o.value for o in obs] == [Decimal("61250")]
    assert name(obs[0]) == "地区生产总值"


def test_from_last_year_to_this_year(tmp_path):
    obs = report(tmp_path, REVIEW, "年末常住人口由上年5830万人增加到5842万人。")
    before, after = one(obs, "5830"), one(obs, "5842")
    assert (before.year, after.year, name(before), name(after)) == (2024, 2025, "常住人口", "常住人口")


def test_per_unit_values(tmp_path):
    o = one(report(tmp_path, TASKS, "城乡居民基础养老金最低标准提高到每人每月160元/月。"), "160")
    assert o.unit == "元/月"


@pytest.mark.parametrize("text", ["打造“1小时通勤圈”", "实施“3年行动”", "出台稳经济“30条”", "构建1+M+N政策体系",
                                  "推进15分钟生活圈建设"])
def test_numbers_inside_names_are_not_statistics(text):
    assert find_quantities(text) == []


def test_metric_is_the_whole_noun_phrase(tmp_path):
    obs = report(tmp_path, REVIEW, "规上工业单位增加值能耗下降4%，全年接待游客4.2亿人次。")
    assert one(obs, "4").metric == "规上工业单位增加值能耗"
    assert name(one(obs, "4")) == "规模以上工业单位增加值能耗"
    assert one(obs, "4.2").metric == "接待游客"


def test_comparison_base_is_not_the_year(tmp_path):
    obs = report(tmp_path, REVIEW, "进出口总额比上年增长8.4%。")
    assert (one(obs, "8.4").year, name(one(obs, "8.4"))) == (2025, "进出口总额")


def test_milestones_are_not_statistics_and_the_subject_carries(tmp_path):
    obs = report(tmp_path, REVIEW, "全省地区生产总值跨越3个千亿元台阶，达到1.5万亿元。")
    assert [(name(o), o.value, o.unit) for o in obs] == [("地区生产总值", Decimal("1.5"), "万亿元")]


def test_qualified_statistics_keep_their_indicator(tmp_path):
    obs = report(tmp_path, REVIEW, "城镇调查失业率均值5.1%，居民人均可支配收入实际增长4.9%。")
    assert name(one(obs, "5.1")) == "城镇调查失业率"
    assert name(one(obs, "4.9")) == "居民人均可支配收入"
    obs = report(tmp_path, TARGETS, "正常年景下粮食产量稳定在700亿斤以上，地区生产总值按增长5%安排。")
    assert name(one(obs, "700")) == "粮食产量"
    assert name(one(obs, "5")) == "地区生产总值"


def test_streaks_shares_and_rate_words(tmp_path):
    obs = report(tmp_path, REVIEW, "工业投资增速连续18个月保持两位数增长，年度化债任务完成率达115%。")
    assert [o.value for o in obs] == [Decimal("115")]
    assert obs[0].metric == "年度化债任务完成率"
    obs = report(tmp_path, TASKS, "新增建设用地用于民间投资项目比重不低于70%。")
    assert one(obs, "70").measure == "Level"  # a share, even after 新增


def test_a_bare_noun_continues_the_metric_before_it(tmp_path):
    obs = report(tmp_path, REVIEW, "一般公共预算收入增长3.1%、支出突破9000亿元。实施省重点项目520个、完成投资6100亿元。")
    assert one(obs, "9000").metric == "一般公共预算支出"
    assert one(obs, "6100").metric == "省重点项目投资"
    obs = report(tmp_path, TASKS, "抓好1200多个拟竣工投产项目。")
    assert one(obs, "1200").metric == "拟竣工投产项目"


def test_from_a_year_to_another(tmp_path):
    obs = report(tmp_path, FIVE_YEARS, "全省生产总值从2020年的3.2万亿元增长到2025年的4.1万亿元。")
    assert (one(obs, "3.2").year, one(obs, "4.1").year) == (2020, 2025)
    assert name(one(obs, "4.1")) == "地区生产总值"


def test_bounds_before_a_number_are_qualifiers(tmp_path):
    o = one(report(tmp_path, TARGETS, "城镇新增就业不少于28万人，城镇调查失业率不高于5.5%。"), "28")
    assert (o.metric, o.qualifier) == ("城镇新增就业", "不少于")


def test_respectively_over_places_gives_each_place_its_figure(tmp_path):
    text = ("郑州市上半年经济运行情况\n本报讯 7月24日，市政府召开经济运行分析会。2024年上半年，"
            "中原区、金水区地区生产总值分别增长6.3%、5.8%。\n")
    obs = observations(tmp_path, text)
    got = {(o.place.name, o.value, name(o)) for o in obs}
    assert got == {("中原区", Decimal("6.3"), "地区生产总值"), ("金水区", Decimal("5.8"), "地区生产总值")}
