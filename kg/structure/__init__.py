"""Document structure, between ingest and extraction: what kind of document this is, which place
it is about, which year it reports on, and its sections with the role each plays.

Read from the document itself, never from the most-mentioned place:
- kind: the title and opening lines (政府工作报告, 统计公报, 计划执行情况, 本报讯 …; data file
  vocab/document_kinds.tsv);
- report year: the year in the title ("2025年洛阳市政府工作报告", "山西省2024年…统计公报"), else
  the dateline ("——2026年1月27日在…"), else the publication date. For a work or plan report it is
  the year the report is delivered in and plans for; for a bulletin the year it reports on;
- subject place: the place that opens the title, else the one the dateline names
  ("在安徽省第十四届人民代表大会…"), else the place most named with 全省/全市;
- sections: top-level headings (一、 / ### / 第一部分) and paragraph openers (五年来, 过去一年,
  主要预期目标是) decide the role (vocab/section_roles.tsv): review of last year, review of the five
  years, the coming five-year plan, this year's targets, this year's tasks. Each role carries the
  year, period and status that the figures inside it default to.

May import kg.vocab, kg.gazetteer and kg.ingest (stages below it), nothing above.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kg import vocab
from kg.gazetteer import Gazetteer, Home, Place, find_home, find_places, most_specific
from kg.ingest import dominant_year
from kg.vocab import five_year_period, named_period

KINDS = ("WorkReport", "StatisticalBulletin", "BudgetReport", "PlanReport", "PlanOutline", "News", "Other")
# kinds read section by section: a review (actual) and a plan (targets)
REPORT_KINDS = ("WorkReport", "PlanReport", "BudgetReport", "PlanOutline")
ROLES = ("review_last_year", "review_five_year", "five_year_plan", "targets", "tasks", "body")

_TOP_HEADING = re.compile(r"^(?:#{1,3}\s*|[一二三四五六七八九十]{1,3}[、．.]|第[一二三四五六七八九十]{1,3}(?:部分|篇|章))")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_CN_DIGIT = "〇零○一二三四五六七八九"
# ——2026年1月27日在安徽省第十四届人民代表大会… / （二〇二六年一月二十七日在…）
_DATELINE = re.compile(rf"^(?:[—\-－–―（(]{{1,2}}\s*|分享[:：]?)?((?:19|20)\d{{2}}|[一二][{_CN_DIGIT}]{{3}})年"
                       rf"[\d{_CN_DIGIT}十]{{1,3}}月[\d{_CN_DIGIT}十]{{1,3}}日(?:\d{{1,2}}时\d{{1,2}}分)?"
                       r"(?:在([^，,。]{2,40}?)(?:第[一二三四五六七八九十]+届|人民代表大会|人大))?")
_METADATA = re.compile(r"^(?:——|来源|时间|分享|发布|作者|编辑|【|\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2})")


@dataclass
class Section:
    order: int
    start: int  # offsets into the normalized document text
    end: int
    role: str
    heading: str
    year: int | None  # the year figures inside refer to by default
    status: str | None  # Actual | Target | None (decided by the sentence)
    period: tuple[int, int] | None = None  # a five-year section's first and last year


@dataclass
class DocStructure:
    kind: str
    subject: Place | None
    report_year: int | None
    reviewed_year: int | None  # the year a review section reports on (report year - 1 for reports)
    publication_year: int | None
    home: Home
    sections: list[Section] = field(default_factory=list)

    def section_at(self, offset: int) -> Section | None:
        starts = [s.start for s in self.sections]
        i = bisect.bisect_right(starts, offset) - 1
        return self.sections[i] if i >= 0 else None

    @property
    def is_report(self) -> bool:
        return self.kind in REPORT_KINDS


def document_kind(title: str, opening: str) -> str:
    for kind, _where, pattern in vocab.document_kinds():
        if pattern.search(title):
            return kind
    for kind, where, pattern in vocab.document_kinds():
        if where == "any" and pattern.search(opening):
            return kind
    return "Other"


def analyse(doc, gaz: Gazetteer) -> DocStructure:
    """The structure of one ingested document (kg.ingest.Document)."""
    text = doc.text
    paragraphs = _paragraphs(text)
    title = doc.title if doc.title_confidence in ("high", "medium", "low") else ""
    opening = text[:600]
    kind = document_kind(title, opening)
    publication_year = int(doc.date[:4]) if doc.date else None
    dateline_year, dateline_place = _dateline(paragraphs[:8])
    title_years = [int(y) for y in _YEAR.findall(title)]
    report_year = _report_year(kind, title_years, dateline_year, publication_year, text,
                               int(doc.date[5:7]) if doc.date else None)
    reviewed = report_year - 1 if kind in REPORT_KINDS and report_year else report_year
    if kind in ("PlanReport", "BudgetReport") and len(set(title_years)) >= 2:
        reviewed, report_year = min(title_years), max(title_years)  # 2025年执行情况和2026年草案
    elif kind == "BudgetReport" and len(set(title_years)) == 1 and "决算" in title:
        reviewed, report_year = title_years[0], title_years[0] + 1  # a year's final accounts, read the year after
    if kind == "PlanOutline":
        period = named_period(title) or named_period(text[:2000])
        if period:  # 第十五个五年规划纲要: reviews the five years before, plans these
            reviewed, report_year = period[0] - 1, period[0]
    home = _home(text, gaz, title, dateline_place)
    if report_year is None or home.default is None:  # neither in the text: what the file's name says
        hint_year, hint_place = file_name_hints(doc.source_file, gaz)
        report_year = report_year or hint_year
        reviewed = reviewed or (report_year - 1 if kind in ("WorkReport", "PlanReport") and report_year else report_year)
        if home.default is None and hint_place is not None:
            home = Home(hint_place.city(), hint_place.province(), hint_place)
    structure = DocStructure(kind, home.subject, report_year, reviewed, publication_year, home)
    structure.sections = _sections(paragraphs, structure, title)
    return structure


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for para in text.split("\n\n"):
        out.append((pos, para))
        pos += len(para) + 2
    return out


def _dateline(head: list[tuple[int, str]]) -> tuple[int | None, str | None]:
    for _, para in head:
        m = _DATELINE.match(para.strip())
        if m:
            year = m.group(1)
            if not year.isdigit():  # 二〇二六 -> 2026
                year = "".join(str("〇一二三四五六七八九".index("〇" if c in "零○" else c)) for c in year)
            return int(year), m.group(2)
    return None, None


def _report_year(kind, title_years, dateline_year, publication_year, text, publication_month=None) -> int | None:
    if title_years:
        # a plan report and a piece on a work report (2025年成绩单与2026年新目标) plan for the later year
        return max(title_years) if kind in ("PlanReport", "BudgetReport", "WorkReport") else title_years[0]
    if dateline_year:
        return dateline_year
    if kind in REPORT_KINDS and publication_year:
        # delivered in the last months of a year (12月25日…), a report reviews that year, plans the next
        return publication_year + 1 if publication_month and publication_month >= 10 else publication_year
    if kind == "StatisticalBulletin" and publication_year:
        # an annual bulletin is published the year after the one it reports; a release on the year
        # so far (经济运行情况) in the year itself, the year's last one in the first months after
        if "公报" in text[:300] or (publication_month or 12) <= 2:
            return publication_year - 1
    year = dominant_year(text)
    if publication_year and (year is None or year >= publication_year or "今年" in text):
        return publication_year  # an article speaks of its own year …
    return year or publication_year  # … unless it reports only an earlier one (a January release on last year)


# how a text refers to its own government, by level: 全区/我区/区委/区长 … (the subject's level)
_SELF_REFERENCE = {
    level: re.compile(rf"[全我本该]{level}|(?:(?<![\u4e00-\u9fa5])|(?<=[代副]))"
                      rf"{level}(?:委|政府|人民政府|长|人大|政协|委书记|财政局|统计局|发改委)")
    for level in ("省", "市", "州", "盟", "区", "县", "旗")}


def _self_level(text: str, own: Place | None = None) -> str | None:
    """The level a text speaks of itself at (区 in 全区上下/区委书记/区长…), or None: the lowest
    level named at least twice and more often than the level of the place the title names (a
    provincial report says 全省 far more than 全市)."""
    counts = {level: len(pattern.findall(text)) for level, pattern in _SELF_REFERENCE.items()}
    own_level = _own_suffix(own) if own is not None else None
    for level in ("区", "县", "旗", "州", "盟", "市", "省"):
        if counts[level] >= 2 and (own_level is None or level == own_level or counts[level] > counts[own_level]):
            return level
    return None


def _own_suffix(place: Place) -> str:
    """How a place's own text names its level: 省 (区 for an autonomous region, 市 for a municipality)."""
    if place.level == 1:
        return "市" if place.municipality else "区" if place.name.endswith("自治区") else "省"
    for suffix in ("州", "盟", "旗", "县", "区", "市"):
        if place.name.endswith(suffix):
            return suffix
    return "市"


def _place_at_level(text: str, gaz: Gazetteer, home: Home, level: str) -> Place | None:
    """The place of that level the text names most (蔡甸 for 全区 in a Wuhan article), inside
    the home city where one is known."""
    counts: dict[Place, int] = {}
    order: dict[Place, int] = {}
    for m in find_places(text, gaz, home):
        p = m.place
        if m.deictic or p.level == 4:
            continue
        fits = (p.level == 3 and (p.name.endswith(level) or (level == "区" and p.zone))) if level in ("区", "县", "旗") \
            else (p.level == 2 and p.name.endswith(level)) if level in ("州", "盟") \
            else (p.name.endswith("市") and p.level in (2, 3)) if level == "市" else False
        if fits and (home.province is None or p.province() == home.province):
            counts[p] = counts.get(p, 0) + 1
            order.setdefault(p, m.start)
    if not counts:
        return None
    return max(counts, key=lambda p: (counts[p], -order[p]))


def file_name_hints(source_file: str, gaz: Gazetteer) -> tuple[int | None, Place | None]:
    """(year, place) a file's name states (雅安_2024_前三季度.txt, yaan_2024_q3_economy.txt): the last
    resort of a text that names neither (an e-paper page without dateline or place)."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", source_file)
    year = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", stem)
    place = None
    for token in re.split(r"[_\-\s.·]+", stem):
        if re.fullmatch(r"[a-zA-Z]{2,}", token):
            place = gaz.by_pinyin(token)
        elif re.search(r"[\u4e00-\u9fa5]", token):
            mentions = [m for m in find_places(token, gaz, Home(None, None)) if not m.deictic]
            place = mentions[0].place if mentions else None
        if place is not None:
            break
    return (int(year.group(1)) if year else None), place


def _home(text: str, gaz: Gazetteer, title: str, dateline_place: str | None) -> Home:
    """City and province used to resolve names, and the subject: the place opening the title,
    else the dateline's, else the counted home. A text that speaks of itself as a district, a
    county or a prefecture (全区、区委、区长…) is about the place of that level it names most,
    when that lies inside the title's place (坪山区 in an article titled 深圳…)."""
    counted = find_home(text, gaz, "")
    subject = None
    for source in (title, dateline_place or ""):
        if not source:
            continue
        cleaned = _YEAR.sub("", source)
        mentions = [m for m in find_places(cleaned, gaz, counted) if not m.deictic]
        if mentions and mentions[0].start <= 2:
            subject = most_specific(mentions, 0)  # 郑州市金水区: the most specific of the names written together
        elif mentions and source == title:  # …，历城区描绘2025年发展蓝图: the most specific place the title names
            subject = max((most_specific(mentions, i) for i in range(len(mentions))), key=lambda p: p.level)
        if subject is not None:
            break
    level = _self_level(text, subject)
    region = (subject or counted.subject or counted.province)
    if level == "区" and region is not None and region.level == 1 and region.name.endswith("自治区"):
        level = None  # 全区 of an autonomous region (内蒙古自治区) is the region itself
    if level is not None and level != "省" and (subject is None or subject.level < 3):
        scope = Home(subject.city() or counted.city, subject.province(), subject) if subject is not None else counted
        local = _place_at_level(text, gaz, scope, level)
        if local is not None and (subject is None or subject == local or subject in set(local.ancestors())):
            subject = local
    if subject is None:
        return counted
    city = subject.city()
    province = subject.province()
    return Home(city, province, subject)


def _is_heading(para: str) -> bool:
    p = para.strip()
    if not p:
        return False
    if _TOP_HEADING.match(p):
        return len(p) <= 60 and p[-1] not in "。！？；"
    if _METADATA.match(p):
        return False
    return len(p) <= 30 and p[-1] not in "。！？；，：:"


def _role_defaults(role: str, s: DocStructure) -> tuple[int | None, str | None, tuple[int, int] | None]:
    r, p = s.report_year, s.reviewed_year
    if role == "review_last_year":
        return p, "Actual", None
    if role == "review_five_year":
        period = (p - 4, p) if p else None  # 五年来: the five years up to the year reviewed
        return p, "Actual", period
    if role == "five_year_plan":
        period = five_year_period(r) if r else None
        return (period[1] if period else None), "Target", period
    if role in ("targets", "tasks"):
        return r, "Target", None
    # a body without sections: a bulletin reports its year as actual; news and others decide by sentence
    if s.kind == "StatisticalBulletin":
        return r, "Actual", None
    if s.is_report:
        return p, None, None
    return r, None, None


def _sections(paragraphs: list[tuple[int, str]], s: DocStructure, title: str = "") -> list[Section]:
    rules = vocab.section_rules(s.report_year) if s.is_report else []
    heading_rules = [(role, pat) for role, where, pat in rules if where == "heading"]
    para_rules = [(role, pat) for role, where, pat in rules if where == "para"]
    sections: list[Section] = []

    def open_section(start: int, role: str, heading: str, period_hint=None):
        year, status, period = _role_defaults(role, s)
        if period_hint and role in ("review_five_year", "five_year_plan"):
            period = period_hint
            year = period[1]
        if sections and sections[-1].start == start:
            sections.pop()
        if sections:
            sections[-1].end = start
        sections.append(Section(len(sections), start, -1, role, heading, year, status, period))

    open_section(0, "body", "")
    heading_role, resume = "body", None
    for start, para in paragraphs:
        stripped = para.strip()
        if not stripped or (title and stripped == title.strip()) or _DATELINE.match(stripped):
            continue  # the title and the dateline name the report's own year: no section
        if s.is_report and _is_heading(stripped):
            role = _earliest(heading_rules, stripped)
            if role is None and _TOP_HEADING.match(stripped) and heading_role in ("tasks", "targets", "five_year_plan"):
                role = "tasks"  # 四、全面加强政府自身建设: the plan part goes on
            if role is not None or _TOP_HEADING.match(stripped):
                open_section(start, role or "body", stripped, named_period(stripped))
                heading_role, resume = role or "body", None
                continue
        if s.is_report:
            role = _earliest(para_rules, stripped[:80])
            if role is not None and role != sections[-1].role:
                open_section(start, role, stripped[:40], named_period(stripped[:40]))
                if heading_role in ("tasks", "targets") and role != heading_role:
                    resume = heading_role  # 到2030年… inside this year's tasks: that paragraph only
            elif resume is not None and sections[-1].role != resume:
                open_section(start, resume, "")
                resume = None
    sections[-1].end = paragraphs[-1][0] + len(paragraphs[-1][1]) if paragraphs else 0
    for i, sec in enumerate(sections):
        sec.order = i
    return sections


def _earliest(rules, text: str) -> str | None:
    best = None
    for role, pattern in rules:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), role)
    return best[1] if best else None
