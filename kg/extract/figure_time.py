"""When a figure is of, and whether it is an actual figure or a target: year, period and status.

Holds the document's years (DocContext, document_context: the year a review reports on, the year 今年
means), the years a text names (explicit, relative 去年/今年/明年, a year count 五年来), the part of the
year a figure covers (normalize_period, part_of_year) and the genre's rules of status: in a report the
section decides by default (_section_status), an explicit or relative year in the clause wins; elsewhere
a plan word or a future year makes a target. figure_year, figure_status and figure_period apply them to
one figure, given the paragraph's running state (kg.extract.paragraph_topics.ParagraphState, read and,
for an article's year, updated here). Imports kg.ingest, kg.vocab and kg.extract.metric_names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg import vocab
from kg.extract.metric_names import is_flow
from kg.gazetteer import Home
from kg.ingest import dominant_year
from kg.vocab import five_year_period, named_period


_PLAN_WORDS = vocab.alternation("plan_words")
_ACTUAL_WORDS = vocab.alternation("actual_words")
# 5年增长 / 十年累计 / 翻一番: several years, written out
_N_YEARS = r"(?<![\d年月])(?:[2-9]|十)年(?:来|间|内)?(?:累计|共|增长|提高|翻)|翻一番|翻番"
_CUMULATIVE = re.compile(vocab.alternation("cumulative_words") + r"|增长\d+(?:\.\d+)?倍|" + _N_YEARS)
# words that always mean several years, whatever the section
_MULTI_YEAR = re.compile(r"年均|五年|" + _N_YEARS)
_ESTIMATE = re.compile(vocab.alternation("estimate_words"))
# a plan: a plan word (力争, 确保, 计划 …), a goal year (到2030年), 将 + a verb of action
# 预计 marks a plan only when what follows is to come (预计可实现年产值, 预计将带动); 预计实现 /
# 预计完成 a figure of a period under way or past is an estimate of the actual
_FORECAST = r"预计(?=可|将|能|每年|年均|带动|新增|实现年|达产|建成|投产|到20)|(?:建成|达产|投产|竣工)后"
_PLAN_MARKERS = re.compile(rf"{_PLAN_WORDS}|到20\d\d年|{_FORECAST}")
# project news: 计划实施/计划建设 … 项目N个 counts the projects of a plan list, 计划(总)投资 is what
# they are to cost (both facts about the list); 年度/年内/当期计划投资 is the year's target
_LIST_PLAN = re.compile(r"计划(?=实施|建设|开工|安排|推进|总投资|投资|完成投资)")
_PERIOD_PLAN = re.compile(r"(?:年度|年内|当期|当年|今年|本年|全年)计划(?:完成)?投资(?!完成率|完成比例)")
_ACTUAL_MARKERS = re.compile(rf"(?:{_ACTUAL_WORDS})(?!于)|累计")
_QUOTED = re.compile(r"“[^”]{0,20}”|《[^》]{0,40}》|\"[^\"]{0,20}\"")
_COMPARE_BEFORE = re.compile(r"(?:同比|比|较|与|相比|超过|高于|低于|恢复到|达到)$")
_RELATIVE_YEAR = [(re.compile(re.escape(w)), d) for w, d in sorted(vocab.relative_years().items(), key=lambda kv: -len(kv[0]))
                  if w not in ("全年", "当年")]  # 全年/当年 name the topic year, not an offset
_PERIOD = re.compile(r"(?:(?:19|20)\d{2}年)?(?P<p>\d{1,2}月?[-~～—至]\d{1,2}月|\d{1,2}月(?![\d至到-]|\d{0,2}日)|前三季度|上半年|下半年|[一二三四]季度|"
                     r"(?:截至|截止)\d{1,2}月(?:\d{1,2}日|底|末)?|(?:19|20)\d{2}年以来)")
_SHARE_OF_PLAN_WORDS = re.compile(r"(?:占|为|完成|达到?)(?:年度|全年|年)(?:投资)?计划(?:任务)?的")


_PART_OF_YEAR = {"一季度": "1-3月", "第一季度": "1-3月", "二季度": "4-6月", "三季度": "7-9月", "四季度": "10-12月",
                 "上半年": "1-6月", "下半年": "7-12月", "前三季度": "1-9月"}


def normalize_period(text: str) -> str:
    """The part of the year a figure covers, written one way: 前三季度 / 1—9月 / 1至9月份 / 截至9月底
    -> 1-9月; 上半年 -> 1-6月; 一季度 -> 1-3月; 今年以来 -> 年初以来 (the year so far). Anything else is
    kept as written."""
    if text in ("今年以来", "年初以来"):
        return "年初以来"
    text = text.lstrip("第")
    if text in _PART_OF_YEAR:
        return _PART_OF_YEAR[text]
    m = re.fullmatch(r"(\d{1,2})月?(?:份)?[-~～—至到](\d{1,2})月(?:份)?", text)
    if m:
        return f"{int(m.group(1))}-{int(m.group(2))}月"
    m = re.fullmatch(r"(?:截至|截止)(\d{1,2})月(?:底|末)?", text)
    if m:
        return f"1-{int(m.group(1))}月"
    return text


def part_of_year(sentence_prefix: str, part: str | None) -> str | None:
    """The part of the year a figure covers: the last one its sentence names before it, else the part
    the paragraph reports (一季度，…)."""
    period = part
    periods = list(_PERIOD.finditer(sentence_prefix))
    if periods:
        period = normalize_period(periods[-1].group("p"))
    return period



def _years_in(text: str) -> int | None:
    """How many years a sentence says a figure covers: 近三年/三年来 -> 3, 五年来/十四五 -> 5."""
    import cn2an  # lazy: ~0.2 s to import, only a year count in Chinese numerals needs it

    m = re.search(r"(?:近|过去|这)?([2-9两三四五六七八九十])年(?:来|间|中|里|内)|十[一二三四五]五", text)
    if not m:
        return None
    if m.group(0).startswith("十"):
        return 5
    digit = m.group(1)
    return int(digit) if digit.isdigit() else int(cn2an.cn2an(digit.replace("两", "二"), "smart"))


@dataclass
class DocContext:
    """What a document says about the years its figures default to, and its kind."""
    doc_id: str
    text: str
    home: Home
    reporting_year: int | None  # the year a review reports on (a work report's year - 1)
    publication_year: int | None  # the year 今年 refers to (a work report's own year)
    work_report: bool
    structure: "object | None" = None  # kg.structure.DocStructure
    year_from_file: bool = False  # no year in the text: the file's name gave it
    publication_month: int | None = None  # a piece of December says 一年来 of its own year


def document_context(doc, home: Home, structure=None) -> DocContext:
    """Years and kind from the document structure (kg.structure); without one (a bare text),
    from the dates and the most mentioned year."""
    if structure is not None and (structure.is_report or structure.kind == "StatisticalBulletin"):
        report = structure.report_year
        return DocContext(doc.doc_id, doc.text, home, structure.reviewed_year, report, structure.is_report,
                          structure)
    reporting = dominant_year(doc.text)
    work_report = bool(re.search(r"政府工作报告|向大会报告(?:政府)?工作", doc.text[:3000]))
    publication = int(doc.date[:4]) if doc.date else None
    from_file = reporting is None and publication is None and structure is not None and structure.report_year is not None
    if from_file:
        reporting = publication = structure.report_year  # no year written: the file's name
    if publication is None and reporting is not None:
        # undated articles that say 去年 were written after the year they report on
        publication = reporting + 1 if "去年" in doc.text else reporting
    if work_report and publication is not None:
        reporting = publication - 1  # a report delivered in early Y reviews Y-1
    # news and other articles: the year of the article, its sentences decide year and status
    return DocContext(doc.doc_id, doc.text, home, reporting, publication, work_report, structure, from_file,
                      int(doc.date[5:7]) if doc.date else None)


def announces_plan(sentence: str, year: int, ctx: DocContext) -> bool:
    """'2025年,郑州将...': a sentence that opens a plan for a year not yet reported on."""
    future = year > (ctx.reporting_year or year) or (ctx.work_report and year == ctx.publication_year)
    return future and bool(_PLAN_MARKERS.search(_QUOTED.sub("", sentence)))


def relative_year(text: str, ctx: DocContext, within: int | None = None) -> int | None:
    """去年/今年/明年 against the document's own year (a word starting in the first `within`
    characters); 比上年/较去年/同比 name a comparison base, not the year of the figure. 一年来 said in
    a year's last months (a December meeting) is that year."""
    base = ctx.publication_year
    if base is None:
        return None
    for pattern, delta in _RELATIVE_YEAR:
        for m in pattern.finditer(text):
            if within is not None and m.start() >= within:
                break
            if re.search(r"(?:比|较|同比|与|相比|高于|低于|超过)$", text[:m.start()]):
                continue
            if re.match(r"结转|结余|基数|同期", text[m.end():m.end() + 2]):
                continue  # 上年结转收入: a budget's carry-over, not a time
            if m.group(0) in ("一年来", "过去一年") and not ctx.work_report and (ctx.publication_month or 0) >= 10:
                return base
            return base + delta
    return None


def _explicit_years(text: str, ctx: DocContext) -> list[int]:
    """Years written in a text that a figure after them refers to: not a comparison base
    (比2020年, 与2020年相比), a year 以来 counts as the reporting year."""
    out = []
    for m in re.finditer(r"(?P<y>(?:19|20)\d{2})年(?P<since>以来)?(?![-~至到—]\d)", text):
        if _COMPARE_BEFORE.search(text[:m.start()]) or re.match(r"[^，,。；]{0,6}相比", text[m.end():]):
            continue
        year = int(m.group("y"))
        if m.group("since") and ctx.reporting_year and year < ctx.reporting_year:
            year = ctx.reporting_year
        out.append(year)
    return out


def figure_year(ctx: DocContext, para: str, state, s_start: int, c_start: int, clause: str) -> tuple[int | None, str]:
    """(year, how it was found) of a figure whose clause (para[c_start:figure]) lies in the sentence
    starting at s_start; state is the paragraph's ParagraphState (an article's year named in a sentence
    becomes its topic year)."""
    # year: an explicit year in the clause (not a comparison base), else one named earlier in the
    # sentence ("2024年全市接待游客3.2亿人次，同比增长6.2%"), else relative, else the topic year
    year, basis = state.year, state.year_basis
    sentence_years = _explicit_years(para[s_start:c_start], ctx)
    if sentence_years:
        year, basis = sentence_years[-1], "sentence"
    clause_years = _explicit_years(clause, ctx)
    if clause_years:
        year, basis = clause_years[-1], "explicit"
    rel = relative_year(clause, ctx)
    if basis != "explicit" and rel is not None and not re.search(r"(?:较|比|同比)(?:去年|上年)", clause):
        year, basis = rel, "relative"
    if year is None:
        return None, basis
    if basis == "sentence":
        basis = "explicit"
        if not ctx.work_report and state.section is None:
            state.year, state.year_basis = year, "topic"  # an article's year carries to its next sentences
    return year, basis


def figure_status(ctx: DocContext, state, clause: str, sentence_prefix: str, year: int, basis: str, label: str,
                  measure: str) -> tuple[str, int, int | None, int | None, bool]:
    """(status, year, period start, period end, estimated) of a figure: inside a report section the
    section decides, elsewhere the words of its sentence and the paragraph's plan (state)."""
    # status (完成年度计划的106.3% reports how much of a plan was done: no plan word)
    unquoted = _SHARE_OF_PLAN_WORDS.sub("", _QUOTED.sub("", sentence_prefix))
    section = state.section
    if section is not None:
        status, year, period_start, period_end = _section_status(section, ctx, year, basis, clause,
                                                                 unquoted, label, measure)
        return status, year, period_start, period_end, status == "Actual" and bool(_ESTIMATE.search(clause))
    plan_context = _plan_context(ctx, state, clause, unquoted, year, label)
    estimated = not plan_context and bool(_ESTIMATE.search(clause))
    return ("Target" if plan_context else "Actual"), year, None, None, estimated


def _plan_context(ctx: DocContext, state, clause: str, unquoted: str, year: int, label: str) -> bool:
    """Whether a figure outside a report section is a target: a plan word of its clause or sentence, a
    paragraph or topic that plans, a year after the one reported on, a year's plan (年度计划投资)."""
    plan_words = unquoted
    if not ctx.work_report:  # an article: a plan word rules its own clause (with the 、 list it opens),
        # or the whole sentence from its opening
        opening = re.split(r"[，,；;]", unquoted, maxsplit=1)[0]
        own = re.split(r"[，,；;：:]", unquoted)[-1]
        plan_words = _LIST_PLAN.sub("", opening + "，" + own)
    plan_context = state.plan or state.topic_plan or bool(_PLAN_MARKERS.search(plan_words))
    if ctx.reporting_year is not None and year > ctx.reporting_year and not ctx.work_report:
        plan_context = True
    if ctx.work_report and state.plan and year < (ctx.publication_year or year):
        plan_context = False
    if _ACTUAL_MARKERS.search(clause) and not state.plan and year <= (ctx.reporting_year or year):
        plan_context = False
    if _PERIOD_PLAN.search(label) or _PERIOD_PLAN.search(clause):
        plan_context = True
    return plan_context


def figure_period(ctx: DocContext, state, clause: str, sentence_prefix: str, year: int, basis: str, status: str,
                  label: str, measure: str, period_start: int | None,
                  period_end: int | None) -> tuple[int, int | None, int | None]:
    """(year, period start, period end) of a figure over several years: a period named in its clause
    (十四五), 年均 over the years its sentence says, a figure of a paragraph reviewing a period."""
    named = named_period(clause)
    if named and basis != "explicit":
        period_start, period_end = named
        year = period_end
    elif status == "Actual" and period_start is None and "年均" in clause:
        # 年均增长6.5% always covers several years, even beside explicit ones (从2020年的…到2025年的…)
        span = _years_in(sentence_prefix)
        if span is not None or ctx.structure is not None and ctx.structure.is_report:
            period_start, period_end = (year - (span or 5) + 1, year)
    elif state.period and basis not in ("explicit",) and status == "Actual" and period_start is None:
        year = state.period[1]  # a level in a five-year review is the last year's
        if measure != "Level" or _CUMULATIVE.search(clause) or _MULTI_YEAR.search(clause) or is_flow(label):
            period_start, period_end = state.period
    return year, period_start, period_end



_REVIEW_ROLES = ("review_last_year", "review_five_year")
_PLAN_ROLES = ("targets", "tasks", "five_year_plan")


def _section_status(section, ctx: DocContext, year: int, basis: str, clause: str, unquoted: str,
                    label: str, measure: str):
    """(status, year, period start, period end) of a figure inside a report section.

    A review reports actual figures (争取 there means obtained, 预计 an estimate of the year's
    actual); a plan section sets targets. An explicit or relative year in the clause that lies
    on the other side of the report year overrides the section. In the five-year review,
    cumulative figures (累计, 五年, 年均, 新增, 增长N倍) cover the period; levels are the last year's.
    """
    report_year = ctx.publication_year or year
    role = section.role
    period_start = period_end = None
    if role in _REVIEW_ROLES or section.status == "Actual":
        status = "Actual"
        if basis in ("explicit", "relative") and year > (ctx.reporting_year or year) and _PLAN_MARKERS.search(unquoted):
            status = "Target"  # 到2027年… / 今年力争… named in a review
        elif basis in ("explicit", "relative") and year > report_year:
            status = "Target"
    else:
        status = "Target"
        if basis in ("explicit", "relative") and year < report_year:
            status = "Actual"  # 去年… / 2025年… recalled in a plan section
        elif basis not in ("explicit", "relative") and re.search(r"年均", clause) and role != "five_year_plan":
            # 年均增长5% among this year's targets is a goal for the plan period, not for the year
            period_start, period_end = five_year_period(report_year)
            return status, period_end, period_start, period_end
    if status == "Actual" and basis not in ("explicit", "relative") and role in _REVIEW_ROLES \
            and _MULTI_YEAR.search(clause) and ctx.reporting_year:
        # 年均增长 / 5年增长 / 五年累计 in any review: the five years up to the year reviewed
        period_start, period_end = section.period or (ctx.reporting_year - 4, ctx.reporting_year)
        return status, period_end, period_start, period_end
    if section.period and basis not in ("explicit", "relative"):
        # in the five-year review a growth rate covers the period too (增长53.1% over five years):
        # the year just ended has its own paragraph (刚刚过去的2025年…), a review of last year
        over_period = bool(_CUMULATIVE.search(clause)) or is_flow(label) or measure == "GrowthRate"
        if role == "review_five_year" and over_period and status == "Actual":
            period_start, period_end = section.period
            year = period_end
        elif role == "five_year_plan" and status == "Target":
            year = section.period[1]
            if over_period:
                period_start, period_end = section.period
    return status, year, period_start, period_end
