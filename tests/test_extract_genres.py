"""One test per genre rule of news, statistical bulletins, budget reports and web pages, with
sentences written for the test from the genres' conventions (not copied from any labelled file).
Each case is a small document, laid out as such pages are: a headline or title, a date, paragraphs."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract import extract, extract_document
from kg.ingest import read_document


def document(tmp_path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path)


def observations(tmp_path, text: str, name: str = "doc.txt"):
    return extract([document(tmp_path, text, name)]).observations


def one(obs, value):
    found = [o for o in obs if o.value == Decimal(value)]
    assert len(found) == 1, [(o.quote, o.value, o.metric) for o in obs]
    return found[0]


def name(o):
    return o.indicator.name if o.indicator is not None else o.metric


def structure(tmp_path, text: str, name: str = "doc.txt"):
    part = extract_document(document(tmp_path, text, name))
    return next(iter(part.structures.values()))


# ------------------------------------------------------------------ pages as they are saved

def test_page_furniture_is_neither_title_nor_text(tmp_path):
    page = ("当前位置：首页 > 新闻中心 > 本地要闻\n西峡县一季度经济运行平稳向好\n发布时间：2025-04-18 09:30  来源：县融媒体中心\n"
            "字体：【大 中 小】 打印本页 关闭窗口\n一季度，全县地区生产总值增长6.1%。\n分享到：\n版权所有：西峡县人民政府 ICP备05012345号\n")
    doc = document(tmp_path, page)
    assert (doc.title, doc.date) == ("西峡县一季度经济运行平稳向好", "2025-04-18")
    assert "打印" not in doc.text and "版权所有" not in doc.text and "当前位置" not in doc.text
    o = one(extract([doc]).observations, "6.1")
    assert (name(o), o.place.name, o.year, o.period) == ("地区生产总值", "西峡县", 2025, "1-3月")


def test_a_title_over_two_lines_gives_its_year_not_the_datelines(tmp_path):
    page = ("2024年遵义市国民经济和\n社会发展统计公报\n遵义市统计局\n2025年3月28日\n"
            "初步核算，全年全市地区生产总值4880.5亿元，比上年增长5.3%。\n")
    s = structure(tmp_path, page)
    assert (s.kind, s.report_year, s.subject.name) == ("StatisticalBulletin", 2024, "遵义市")
    assert one(observations(tmp_path, page), "4880.5").year == 2024


def test_traditional_characters_are_read_and_quoted_as_written(tmp_path):
    page = ("蕪湖市經濟運行穩中有進\n發布時間：2025-07-30\n上半年，蕪湖市地區生產總值2463.7億元，同比增長6.2%。\n")
    o = one(observations(tmp_path, page), "2463.7")
    assert (name(o), o.unit, o.place.name, o.period) == ("地区生产总值", "亿元", "芜湖市", "1-6月")
    assert o.quote.endswith("地區生產總值2463.7億元")  # as written


def test_thousands_written_with_a_full_width_comma(tmp_path):
    page = ("关于曲靖市2025年预算执行情况和2026年预算草案的报告\n\n一、2025年预算执行情况\n\n"
            "全市一般公共预算收入1，306，421万元，增长4.1%。\n")
    o = one(observations(tmp_path, page), "1306421")
    assert (name(o), o.unit, o.year, o.status) == ("一般公共预算收入", "万元", 2025, "Actual")


def test_the_file_name_gives_year_and_place_when_the_text_names_neither(tmp_path):
    page = "实现地区生产总值380.2亿元，同比增长5.9%\n前三季度，全市规模以上工业增加值同比增长7.4%。\n"
    o = one(observations(tmp_path, page, name="ziyang_2024_q3_economy.txt"), "7.4")
    assert (o.place.name, o.year, o.confidence) == ("资阳市", 2024, "low")  # a year from a file name is a guess


# ------------------------------------------------------------------ news

def test_a_district_article_is_about_its_district(tmp_path):
    page = ("全区经济运行分析会召开\n发布时间：2024-10-30\n10月29日，全区经济运行分析会召开，区委书记主持会议。"
            "会议指出，前三季度地区生产总值增长5.8%，推动江岸高质量发展。区长部署下一步工作。\n")
    o = one(observations(tmp_path, page), "5.8")
    assert (o.place.name, o.year, o.period, o.status) == ("江岸区", 2024, "1-9月", "Actual")


def test_the_most_specific_place_of_a_headline(tmp_path):
    page = ("地区生产总值增长6%左右，安宁区谋划2025年发展\n发布时间：2025-01-10\n1月9日，安宁区人民代表大会召开。"
            "2025年经济社会发展主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长4%。\n")
    o = one(observations(tmp_path, page), "4")
    assert (o.place.name, o.year, o.status) == ("安宁区", 2025, "Target")


def test_an_estimate_for_a_year_ending_is_its_actual_a_forecast_is_a_target(tmp_path):
    page = ("黄陂区人民代表大会开幕\n发布时间：2024-12-20\n报告指出，一年来，预计实现地区生产总值1320亿元、增长5.6%。"
            "签约项目建成达产后，预计可实现年产值80亿元。\n")
    obs = observations(tmp_path, page)
    gdp = one(obs, "1320")
    assert (gdp.year, gdp.status, gdp.estimated, gdp.place.name) == (2024, "Actual", True, "黄陂区")
    assert one(obs, "80").status == "Target"


def test_project_news_counts_totals_and_plans(tmp_path):
    page = ("汝阳县二季度重大项目集中开工\n发布时间：2025-04-16\n4月15日，汝阳县二季度重大项目集中开工。"
            "今年全县计划实施重点项目126个，总投资612亿元，年度计划投资180亿元，其中10亿元以上项目15个。"
            "目前，58个项目已开工。\n")
    obs = observations(tmp_path, page)
    assert (one(obs, "126").metric, one(obs, "126").status) == ("重点项目", "Actual")  # the list's size
    assert (one(obs, "612").metric, one(obs, "612").status) == ("重点项目总投资", "Actual")
    assert one(obs, "180").status == "Target"
    assert one(obs, "15").metric == "10亿元以上项目"
    assert not [o for o in obs if o.value == Decimal("10")]  # a class threshold is no figure
    assert one(obs, "58").metric == "开工项目"


def test_a_plan_word_opens_a_list(tmp_path):
    page = ("岳西县召开项目推进会\n发布时间：2025-03-02\n会议强调，力争新建亿元项目30个、新增规上工业企业20家。\n")
    obs = observations(tmp_path, page)
    assert {o.status for o in obs} == {"Target"}


def test_a_sentence_about_a_task_force_keeps_its_figures_apart(tmp_path):
    page = ("涪陵区招商引资成效明显\n发布时间：2025-10-20\n今年1-9月，涪陵区签约项目88个。"
            "装备制造专班作为主力，签约项目31个，合同额96亿元。\n")
    obs = observations(tmp_path, page)
    assert one(obs, "31").metric == "装备制造专班签约项目"
    assert one(obs, "31").confidence == "low"  # a part of the place, never the district's own figure


# ------------------------------------------------------------------ budget reports

BUDGET = ("关于衢州市2025年预算执行情况和2026年预算草案的报告\n\n——2026年1月15日在衢州市第八届人民代表大会第五次会议上\n\n"
          "一、2025年预算执行情况\n\n{review}\n\n二、2026年预算草案\n\n{draft}\n")


def test_a_bare_revenue_is_the_revenue_of_its_budget_heading(tmp_path):
    text = BUDGET.format(review="（二）政府性基金预算\n\n年初预算收入150亿元，实际完成收入162亿元，为预算的108%，增长4.2%。",
                         draft="全市政府性基金预算收入预计为170亿元。")
    obs = observations(tmp_path, text)
    assert (name(one(obs, "150")), one(obs, "150").status) == ("政府性基金预算收入", "Target")  # the budget
    assert (name(one(obs, "162")), one(obs, "162").status, one(obs, "162").year) == ("政府性基金预算收入", "Actual", 2025)
    assert name(one(obs, "4.2")) == "政府性基金预算收入"  # not the execution rate before it
    assert (one(obs, "170").year, one(obs, "170").status) == (2026, "Target")


def test_the_year_opening_and_adjusted_expenditure_budget_and_its_execution(tmp_path):
    # a PDF's sub-headings (1.一般公共预算 / （1）全市收支情况) on lines of their own, as a PDF gives them
    review = ("1.一般公共预算\n（1）全市收支情况。全市一般公共预算收入完成95亿元。年初支出预算为210.4亿元，执行中因上级补助增加等因素，"
              "支出预算调整为260.8亿元，实际完成255.1亿元，为调整预算的97.8%，增长6.3%。")
    obs = observations(tmp_path, BUDGET.format(review=review, draft=""))
    assert (name(one(obs, "210.4")), one(obs, "210.4").status) == ("一般公共预算支出", "Target")
    assert (name(one(obs, "260.8")), one(obs, "260.8").status) == ("一般公共预算支出", "Target")
    assert (name(one(obs, "255.1")), one(obs, "255.1").status) == ("一般公共预算支出", "Actual")
    assert name(one(obs, "6.3")) == "一般公共预算支出"


def test_a_change_of_an_item_and_its_growth(tmp_path):
    text = BUDGET.format(review="全市一般公共预算收入完成88.6亿元，比上年增收3.2亿元，增长3.8%。", draft="")
    obs = observations(tmp_path, text)
    change = one(obs, "3.2")
    assert (name(change), change.measure) == ("一般公共预算收入", "Change")
    assert (name(one(obs, "3.8")), one(obs, "3.8").measure) == ("一般公共预算收入", "GrowthRate")


def test_carried_over_revenue_is_no_time(tmp_path):
    text = BUDGET.format(review="", draft="全市一般公共预算收入预计为92亿元；加上上级补助收入、上年结转收入等，收入总量为260亿元。")
    o = one(observations(tmp_path, text), "260")
    assert (o.metric, o.year, o.status) == ("收入总量", 2026, "Target")


def test_city_level_figures_keep_their_scope(tmp_path):
    text = BUDGET.format(review="市本级一般公共预算收入30.5亿元，增长2.1%。", draft="")
    o = one(observations(tmp_path, text), "30.5")
    assert o.metric.startswith("市本级") and o.indicator is None  # never mixed with the whole city's


def test_a_total_and_its_parts(tmp_path):
    text = BUDGET.format(review="省财政厅核定我市政府债务限额520亿元，其中：一般债务210亿元、专项债务310亿元。", draft="")
    obs = observations(tmp_path, text)
    assert [one(obs, v).metric for v in ("520", "210", "310")] == ["政府债务限额", "一般债务限额", "专项债务限额"]
    assert {one(obs, v).place.name for v in ("520", "210", "310")} == {"衢州市"}  # not the province of 省财政厅


def test_final_accounts_are_the_actuals_of_their_year(tmp_path):
    text = ("关于衢州市2025年财政决算的报告\n\n——2026年7月10日在衢州市人民代表大会常务委员会会议上\n\n"
            "一、2025年财政决算情况\n\n全市一般公共预算收入决算数为162.3亿元，增长3.9%。\n")
    s = structure(tmp_path, text)
    assert (s.kind, s.reviewed_year) == ("BudgetReport", 2025)
    o = one(observations(tmp_path, text), "162.3")
    assert (name(o), o.year, o.status) == ("一般公共预算收入", 2025, "Actual")


def test_a_plan_outline_reviews_its_five_years_and_targets_its_last(tmp_path):
    text = ("德州市国民经济和社会发展第十五个五年规划纲要\n\n第一章 发展基础\n\n"
            "“十四五”时期，全市地区生产总值年均增长5.6%，2025年达到4120亿元。\n\n第三章 指导思想和主要目标\n\n"
            "到2030年，全市地区生产总值达到5200亿元，常住人口城镇化率达到66%。\n")
    s = structure(tmp_path, text)
    assert (s.kind, s.reviewed_year, s.report_year) == ("PlanOutline", 2025, 2026)
    obs = observations(tmp_path, text)
    assert (one(obs, "5.6").status, one(obs, "5.6").period_start, one(obs, "5.6").year) == ("Actual", 2021, 2025)
    assert (one(obs, "4120").year, one(obs, "4120").status) == (2025, "Actual")
    assert (one(obs, "5200").year, one(obs, "66").status) == (2030, "Target")


# ------------------------------------------------------------------ bulletins

BULLETIN = "2025年绵阳市国民经济和社会发展统计公报\n\n绵阳市统计局\n\n{text}\n"


def test_parts_take_the_qualifier_of_their_total(tmp_path):
    obs = observations(tmp_path, BULLETIN.format(
        text="全年对“一带一路”沿线国家进出口额120.5亿元，增长8.8%。其中，出口80.2亿元，增长9.1%；进口40.3亿元。"
             "城镇居民人均可支配收入48210元，增长4.3%；人均消费支出30100元，增长3.5%。"
             "全年普通高等学校招生5.2万人，在校生18.6万人。"))
    assert one(obs, "80.2").metric == "对一带一路沿线国家出口"
    assert name(one(obs, "30100")) == "城镇居民人均消费支出"
    assert one(obs, "18.6").metric == "普通高等学校在校生"


def test_respectively_without_heads_pairs_with_the_figures_before(tmp_path):
    obs = observations(tmp_path, BULLETIN.format(
        text="城镇居民人均可支配收入46120元、农村居民人均可支配收入21350元，分别增长4.1%和6.2%。白酒产量12.4万千升，下降3.5%。"))
    assert (name(one(obs, "4.1")), one(obs, "4.1").measure) == ("城镇常住居民人均可支配收入", "GrowthRate")
    assert name(one(obs, "6.2")) == "农村常住居民人均可支配收入"
    assert (one(obs, "12.4").unit, one(obs, "3.5").direction) == ("万千升", "down")


def test_an_industry_named_with_a_pause_mark_is_one_industry(tmp_path):
    o = one(observations(tmp_path, BULLETIN.format(text="交通运输、仓储和邮政业增加值160.4亿元，增长4.4%。")), "160.4")
    assert o.metric == "交通运输、仓储和邮政业增加值"


# ------------------------------------------------------------------ what a figure measures, and how sure

REPORT = ("2026年湖南省政府工作报告\n\n——2026年1月20日在湖南省第十四届人民代表大会第四次会议上\n\n一、2025年工作回顾\n\n{text}\n")


def test_milestones_are_not_figures(tmp_path):
    obs = observations(tmp_path, REPORT.format(text="地区生产总值迈上5万亿元台阶，达到5.3万亿元；经济总量连续跨越6万亿、7万亿两个台阶。"))
    assert [o.value for o in obs] == [Decimal("5.3")]


def test_bounds_and_parts_of_a_place_are_of_low_confidence(tmp_path):
    obs = observations(tmp_path, REPORT.format(text="税收收入突破800亿元，县域经济总量达到1.2万亿元，粮食产量620亿斤。"))
    assert one(obs, "800").confidence == "low" and one(obs, "1.2").confidence == "low"
    assert one(obs, "620").confidence == "high"


def test_labels_that_name_no_measure_are_dropped(tmp_path):
    obs = observations(tmp_path, REPORT.format(text="居民收入增速高于全国1.2个百分点，筹措资金120亿元。"))
    assert not [o for o in obs if o.value == Decimal("1.2")]


def test_a_five_year_paragraph_keeps_its_period(tmp_path):
    obs = observations(tmp_path, REPORT.format(
        text="过去一年，全省地区生产总值增长5%。五年来，全省地区生产总值年均增长5.5%，居民人均可支配收入累计增长34.3%，"
             "地区生产总值达到5.3万亿元。"))
    assert (one(obs, "5").period_start, one(obs, "5").year) == (None, 2025)
    assert (one(obs, "5.5").period_start, one(obs, "5.5").period_end) == (2021, 2025)
    assert (one(obs, "34.3").period_start, one(obs, "34.3").period_end) == (2021, 2025)
    assert (one(obs, "5.3").period_start, one(obs, "5.3").year) == (None, 2025)  # a level: the last year's


def test_a_decline_is_marked(tmp_path):
    o = one(observations(tmp_path, BULLETIN.format(text="全年居民消费价格比上年下降0.4%。")), "0.4")
    assert (o.direction, o.measure) == ("down", "GrowthRate")


# ------------------------------------------------------------------ a bad document never stops a build

def test_a_failing_document_yields_its_reason_not_an_exception(tmp_path, monkeypatch):
    import kg.extract as extraction

    def broken(*_args, **_kwargs):
        raise KeyError("")

    monkeypatch.setattr(extraction, "_extract_document", broken)
    part = extract_document(document(tmp_path, "某市新闻。"))
    assert not part.observations and list(part.failed.values())[0].startswith("extraction failed (KeyError")


_GENRE_TEXT = st.sampled_from([
    "当前位置：首页 > 要闻\n", "发布时间：2024-11-22 10:30\n", "2025年某市国民经济和\n社会发展统计公报\n",
    "全年全市地区生产总值3687.07亿元，比上年增长5.0%。", "其中，第一产业增加值312亿元，增长3.6%；",
    "全市一般公共预算收入878，631万元，为预算的98.6%，", "新签约亿元以上项目88个、总金额615亿元，",
    "前三季度地區生產總值增長6%，", "预计可实现年产值50余亿元，", "迈上5万亿元台阶，", "（二）政府性基金预算\n",
    "10亿元以上项目20个。", "分别增长5.5%、6%以上", "——2026年1月20日在湖南省第十四届人民代表大会上\n",
    "五年来，", "由上年的729万人增加到732万人", "全区", "区委书记", "我县", "全州", "。", "，", "、", "\n\n",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.one_of(_GENRE_TEXT, st.text(alphabet="0123456789.,，、。：%亿万元个年月日全市区县（）—- \n", max_size=12)),
                       min_size=1, max_size=25))
def test_any_text_of_the_genres_extracts_without_an_exception(tmp_path, pieces):
    """Real and mangled pieces of every genre, in any order: extraction never raises (a document that
    did would be skipped and reported by the build, but none should need to be)."""
    text = "".join(pieces)
    if not text.strip():
        return
    from kg.errors import InputError

    try:
        doc = document(tmp_path, text)
    except InputError:
        return  # refused at ingest with a reason (empty after normalization)
    from kg.extract import _extract_document, Extraction
    from kg.gazetteer import gazetteer

    _extract_document(doc, gazetteer(), Extraction())  # raises if any rule does


# ------------------------------------------------------------------ rules from an audit of unseen documents

def test_a_part_of_the_year_carries_through_its_paragraph_and_from_the_headline(tmp_path):
    page = ("铜陵市一季度经济运行良好\n\n发布时间：2025-04-25\n\n一季度，铜陵市实现地区生产总值312.5亿元，同比增长5.1%。"
            "其中，第三产业增加值160.4亿元，增长4.2%。\n\n工业生产稳中有进，规模以上工业增加值增长7.8%。\n\n"
            "今年以来，全市新签约亿元以上项目41个。\n")
    obs = observations(tmp_path, page)
    assert [one(obs, v).period for v in ("312.5", "4.2", "7.8")] == ["1-3月"] * 3
    assert one(obs, "41").period == "年初以来"  # the year so far, not the whole year


def test_a_limit_set_by_the_province_is_the_citys(tmp_path):
    text = BUDGET.format(review="省政府核定我市政府债务限额468.4亿元。", draft="")
    assert one(observations(tmp_path, text), "468.4").place.name == "衢州市"


def test_a_bare_expenditure_is_of_the_book_its_sentence_names(tmp_path):
    text = BUDGET.format(review="（一）一般公共预算\n\n全市社会保险基金预算收入预期94.6亿元，支出安排83.2亿元。"
                                "市本级一般公共预算收入决算数为42.4亿元，完成调整预算的101.3%。", draft="")
    obs = observations(tmp_path, text)
    assert name(one(obs, "83.2")) == "社会保险基金预算支出"
    assert (one(obs, "101.3").status, one(obs, "101.3").metric) == ("Actual", "市本级一般公共预算收入预算完成率")


def test_five_year_growth_rates_listed_with_respectively(tmp_path):
    text = REPORT.format(text="五年来，城镇、农村居民人均可支配收入分别达到47860元和23150元，年均分别增长5.8%和7.6%。")
    o = one(observations(tmp_path, text), "7.6")
    assert (name(o), o.measure, o.period_start, o.period_end) == ("农村常住居民人均可支配收入", "GrowthRate", 2021, 2025)


def test_what_is_built_over_the_year_is_a_flow_what_stands_a_stock(tmp_path):
    obs = observations(tmp_path, BULLETIN.format(text="全年建成5G基站1200座，累计建成5G基站5600座。年末全市共有普通中学27所，在校学生2.38万人。"))
    assert (one(obs, "1200").measure, one(obs, "5600").measure) == ("Change", "Level")
    assert one(obs, "2.38").metric == "普通中学在校学生"


def test_a_method_phrase_is_no_metric(tmp_path):
    obs = observations(tmp_path, BULLETIN.format(text="全年地区生产总值1068.4亿元，按可比价计算，增长6.1%。"))
    assert name(one(obs, "6.1")) == "地区生产总值"


def test_nouns_joined_by_a_pause_mark_are_counted_together(tmp_path):
    obs = observations(tmp_path, BULLETIN.format(text="全市中小学、幼儿园215所。全年签约、开工项目48个。第一、二批项目15个。"))
    assert (one(obs, "215").metric, one(obs, "48").metric) == ("中小学、幼儿园", "签约、开工项目")
    assert not one(obs, "15").metric.startswith("第一、")  # an ordinal list is no list of names


def test_a_share_of_the_years_plan_is_a_completion_rate(tmp_path):
    news = ("常德重点项目建设成效明显\n\n发布时间：2025-12-28\n\n今年以来，全市实施省市重点建设项目386个，完成投资1126.5亿元，"
            "完成年度计划的106.3%。全市固定资产投资完成年度投资计划的98.5%。\n")
    obs = observations(tmp_path, news)
    done, fixed = one(obs, "106.3"), one(obs, "98.5")
    assert (done.metric, done.status, done.measure) == ("省市重点建设项目年度计划完成率", "Actual", "Level")
    assert (fixed.metric, fixed.status) == ("固定资产投资年度计划完成率", "Actual")
