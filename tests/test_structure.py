"""Document structure: kind, subject place, report year and sections with their role, read from
the document itself. Documents written for these tests from the genre's conventions."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.gazetteer import gazetteer
from kg.ingest import normalize_paragraphs, read_document
from kg.structure import analyse, document_kind
from kg.vocab import five_year_period, named_period

GENRE = Path(__file__).parent / "fixtures" / "genre"


@pytest.fixture(scope="module")
def gaz():
    return gazetteer()


def structure_of(name, gaz):
    return analyse(read_document(GENRE / name), gaz)


@pytest.mark.parametrize("title, kind", [
    ("2025年洛阳市政府工作报告", "WorkReport"),
    ("山西省2024年国民经济和社会发展统计公报", "StatisticalBulletin"),
    ("关于湖南省2024年国民经济和社会发展计划执行情况与2025年计划草案的报告", "PlanReport"),
    ("关于2024年预算执行情况和2025年预算草案的报告", "BudgetReport"),
    ("关于德州市2024年财政决算的报告", "BudgetReport"),
    ("德州市国民经济和社会发展第十五个五年规划纲要", "PlanOutline"),
    ("德州市前三季度经济运行情况", "StatisticalBulletin"),
    ("成都去年接待游客超3亿人次", "Other"),
])
def test_kind_from_the_title(title, kind):
    assert document_kind(title, "") == kind


def test_news_kind_from_the_opening():
    assert document_kind("成都去年接待游客超3亿人次", "本报讯（记者 某某）1月20日，记者从…") == "News"


def test_city_work_report(gaz):
    s = structure_of("city_work_report.txt", gaz)
    assert (s.kind, s.subject.name, s.report_year, s.reviewed_year) == ("WorkReport", "洛阳市", 2025, 2024)
    roles = [(sec.role, sec.year, sec.status) for sec in s.sections if sec.role != "body"]
    assert roles[0] == ("review_last_year", 2024, "Actual")
    assert ("review_five_year", 2024, "Actual") in roles
    assert ("targets", 2025, "Target") in roles
    five = next(sec for sec in s.sections if sec.role == "review_five_year")
    assert five.period == (2020, 2024)  # the five years up to the year reviewed


def test_district_report_subject_is_the_district_of_the_dateline(gaz):
    s = structure_of("district_report.txt", gaz)
    assert s.subject.name == "金水区" and s.subject.parent.name == "郑州市"
    assert s.report_year == 2024 and s.reviewed_year == 2023


def test_bulletin_reports_its_year_as_actual(gaz):
    s = structure_of("provincial_bulletin.txt", gaz)
    assert (s.kind, s.subject.name, s.report_year) == ("StatisticalBulletin", "山西省", 2024)
    assert all(sec.status == "Actual" and sec.year == 2024 for sec in s.sections)


def test_plan_report_reviews_the_first_year_and_plans_the_second(gaz):
    s = structure_of("plan_report.txt", gaz)
    assert (s.kind, s.reviewed_year, s.report_year) == ("PlanReport", 2024, 2025)
    assert [sec.role for sec in s.sections if sec.role != "body"][:1] == ["review_last_year"]


def test_sections_from_headings_and_paragraph_openers(gaz, tmp_path):
    text = ("2026年某某省政府工作报告\n——2026年1月20日在河北省第十四届人民代表大会第四次会议上\n各位代表：\n"
            "一、2025年和“十四五”时期工作回顾\n过去一年，经济平稳运行。\n"
            "“十四五”时期是极不平凡的五年。五年来，累计完成投资3万亿元。\n"
            "二、“十五五”时期主要目标任务\n到2030年，地区生产总值迈上新台阶。\n"
            "三、2026年工作安排\n今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。\n"
            "重点抓好以下工作。\n四、全面加强政府自身建设\n深入推进依法行政。\n")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    s = analyse(read_document(tmp_path / "r.txt"), gaz)
    assert s.subject.name == "河北省"  # the dateline names it; the title's 某某省 is no place
    roles = [sec.role for sec in s.sections]
    roles = [r for i, r in enumerate(roles) if i == 0 or roles[i - 1] != r]
    assert roles == ["body", "review_last_year", "review_five_year", "five_year_plan", "tasks", "targets", "tasks"]
    plan = next(sec for sec in s.sections if sec.role == "five_year_plan")
    assert (plan.year, plan.status, plan.period) == (2030, "Target", (2026, 2030))


def test_one_paragraph_a_line_keeps_headings_apart():
    raw = ("2026年某省政府工作报告\n——2026年1月20日在某省人民代表大会上\n一、2025年工作回顾\n"
           + "过去一年，" + "经济运行稳中向好，" * 20 + "成绩来之不易。\n二、2026年工作安排\n"
           + "今年，" + "我们将坚持稳中求进，" * 20 + "努力完成全年目标。")
    paras = normalize_paragraphs(raw)
    assert "一、2025年工作回顾" in paras and "二、2026年工作安排" in paras
    assert paras[0] == "2026年某省政府工作报告"


def test_five_year_periods():
    assert named_period("“十四五”时期") == (2021, 2025)
    assert named_period("十五五规划") == (2026, 2030)
    assert five_year_period(2026) == (2026, 2030)


def test_year_and_place_from_a_dateline_in_chinese_numerals(gaz, tmp_path):
    (tmp_path / "r.txt").write_text("政府工作报告\n——二〇二五年一月十日在洛阳市第十六届人民代表大会第五次会议上\n各位代表：\n"
                                    "一、2024年工作回顾\n过去一年，全市地区生产总值增长5.2%。\n", encoding="utf-8")
    s = analyse(read_document(tmp_path / "r.txt"), gaz)
    assert (s.kind, s.report_year, s.reviewed_year, s.subject.name) == ("WorkReport", 2025, 2024, "洛阳市")
