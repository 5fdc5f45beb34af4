"""The running topic of a paragraph: the year, place, plan and part of the year its figures default to.

ParagraphState holds what the paragraph has set so far; advance_topics updates it from the opening of
each sentence (2024年，… / 一季度，… / 五年来，… / a place named first). opening_place is the place a
paragraph or heading opens with, figure_place the place one figure is about (the nearest place named
before it in its clause, else the topic place). Imports kg.gazetteer, kg.extract.figure_time and
kg.extract.metric_names (time words).
"""
from __future__ import annotations

import re

from kg.extract.figure_time import DocContext, announces_plan, normalize_period, relative_year
from kg.extract.metric_names import TIME_WORDS
from kg.gazetteer import Place, PlaceMention, most_specific
from kg.vocab import named_period


_TOPIC_YEAR = re.compile(r"(?:^|[，,。；;：:！!？?\s])(?:据统计|初步核算|数据显示|统计显示)?[，,]?"
                         r"(?P<y>(?:19|20)\d{2})年(?P<since>以来)?(?![-~至到]\d)")


class ParagraphState:
    """What a paragraph has said so far that its figures default to."""
    def __init__(self, year: int | None, place: Place | None, plan: bool):
        self.year = year
        self.book: str | None = None  # the budget book the paragraph is about (budget reports)
        self.year_basis = "genre"
        self.place = place
        self.sentence_place: Place | None = None
        self.plan = plan
        self.topic_plan = False  # the sentence that set the topic year announced a plan
        self.section = None  # the report section (kg.structure.Section) when it decides year/status
        self.period: tuple[int, int] | None = None  # 五年来，…: the sentences after cover these years
        self.part: str | None = None  # 一季度，…: the part of the year the sentences after report


def opening_place(para: str, mentions: list[PlaceMention]) -> Place | None:
    """A place named at the start of a paragraph or heading (after a year or a dateline)."""
    head = re.sub(r"^#+\s*|^(?:19|20)\d{2}年[，,]?|^本报讯[（(][^）)]*[）)]", "", para)
    offset = len(para) - len(head)
    for i, m in enumerate(mentions):
        if m.start - offset <= 4 and m.start >= offset - 1 and not _in_agency_name(para, m):  # 省财政厅…
            return most_specific(mentions, i)
    return None


# a sentence opening with a part of the year: what it and the paragraph's next sentences report
PART_OPENER = re.compile(r"[，,\s]*(?:(?:19|20)\d{2}年|今年)?(?P<p>前三季度|上半年|下半年|[一二三四]季度|第[一二三四]季度|"
                         r"1[-~～—至]\d{1,2}月|今年以来|年初以来)(?:份)?[，,]?")
_PERIOD_OPENER = re.compile(r"^(?:各位代表[！!，,]?)?(?:五年来|过去五年|这五年|五年间|五年中|回顾五年|“?十[一二三四五]五”?(?:时期|期间|以来))")


def advance_topics(para, s_start, s_end, mentions, state: ParagraphState, ctx: DocContext):
    """Update the topic year and place from the start of a sentence."""
    sentence = para[s_start:s_end]
    part = PART_OPENER.match(sentence)
    if part:  # 一季度，… / 今年以来，…: this sentence and the next of the paragraph report that part
        state.part = normalize_period(part.group("p"))
    elif re.match(r"[，,\s]*(?:(?:19|20)\d{2}年(?:全年|，|,)|全年|去年|过去一年)", sentence):
        state.part = None  # 全年… / 2024年，…: the whole year again
    opener = _PERIOD_OPENER.match(sentence)
    if opener and ctx.reporting_year:  # 五年来，… / “十四五”时期，…: the paragraph reviews the period
        state.period = named_period(opener.group(0)) or (ctx.reporting_year - 4, ctx.reporting_year)
    m = _TOPIC_YEAR.match(sentence) or _TOPIC_YEAR.search(sentence[:14])
    if m:
        state.period = None
        year = int(m.group("y"))
        if m.group("since") and ctx.reporting_year and year < ctx.reporting_year:
            year = ctx.reporting_year
        state.year, state.year_basis = year, "topic"
        state.topic_plan = announces_plan(sentence, year, ctx)
    elif not opener:
        rel = relative_year(sentence, ctx, within=12)
        if rel is not None:
            state.period = None
            state.year, state.year_basis = rel, "relative"
            state.topic_plan = announces_plan(sentence, rel, ctx)

    state.sentence_place = None
    for i, mention in enumerate(mentions):
        if s_start <= mention.start <= s_start + 16 and not _in_agency_name(para, mention):  # 省财政厅核定…
            head = TIME_WORDS.sub("", para[s_start:mention.start])
            if re.fullmatch(r"[，,\s]*(?:据统计|初步核算|数据显示|其中|同时|此外|目前|近年来|今年以来|去年以来)?"
                            r"(?:上午|下午|晚上|近日|日前)?[，,\s]*", head):
                place = most_specific(mentions, i)
                if s_start == 0:
                    state.place = place  # the paragraph's subject
                else:
                    state.sentence_place = place
            break


def figure_place(para: str, state: ParagraphState, mentions, c_start: int, q_start: int) -> Place | None:
    """The place a figure at q_start is about, its clause starting at c_start."""
    # place: nearest named place in the clause, else the topic place
    place = state.sentence_place or state.place
    for m in mentions:
        if c_start <= m.start < q_start and not _in_agency_name(para, m) and not _locative(para, m):
            place = m.place
    return place



_AGENCY_AFTER = re.compile(r"^[\u4e00-\u9fa5]{0,8}?(?:局|厅|委员会|办公室|中心|集团|公司|银行|科学院|研究院|大学|政府)")


def _locative(para: str, m: PlaceMention) -> bool:
    """在深圳发行 / 到郑州 / 赴京: where something happened, not what a figure is about."""
    return bool(re.search(r"(?:在|到|赴|于|从|至|向)$", para[max(0, m.start - 1):m.start]))


def _in_agency_name(para: str, m: PlaceMention) -> bool:
    """郑州市医疗保障中心 names an agency; its place is not the figure's place."""
    return bool(_AGENCY_AFTER.match(para[m.end:m.end + 10])) and (not m.deictic or len(m.surface) == 1)
