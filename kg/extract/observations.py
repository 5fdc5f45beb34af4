"""Statistical observations: for every number with a unit, the metric it measures, the year
(or period) it refers to, the place it is about and whether it is an actual figure or a target.

Genre knowledge used (never one sentence of one document; vocabulary in kg/vocab/):
- in a report, the section decides by default (kg/structure.py): the review of last year is
  actual of that year (预计 an estimated actual, 争取 obtained), the five-year review actual with
  a period for cumulative figures, this year's targets and tasks target of the report year, the
  five-year plan target of its last year; an explicit or relative year in the clause wins;
- elsewhere (news, articles) the year is the topic year of the sentence or paragraph, or a
  relative year resolved against the publication year, and a plan word (力争, 计划, 将+verb) or
  a future year makes a target;
- a figure's metric is the whole noun phrase before it, minus verbs, time words, places and
  comparison bases; 总量 and a bare 同比增长 refer back to the metric before them; a count followed
  by its noun counts that noun; 新增 keeps a flow a flow; 分别 pairs items; ranges, thresholds
  (突破X、达到Y) and before/after pairs (由X增加到Y) are read together;
- the place is the nearest place named before the figure in its clause, else the topic place of
  the sentence or paragraph, else the document's subject place.

Where each step lives: kg.extract.metric_names (the metric's label), kg.extract.figure_groups (pairs,
分别 lists, numbers that are no figures), kg.extract.figure_time (year, period, status),
kg.extract.paragraph_topics (a paragraph's topic year and place), kg.extract.sentence_figures (the
figures of one sentence), kg.extract.observation_builder and kg.extract.observation_record (the
observation). This module walks a document's paragraphs and sentences.
"""
from __future__ import annotations

import re

from kg.extract.figure_groups import figures_in
from kg.extract.figure_time import DocContext, normalize_period
from kg.extract.metric_names import budget_book
from kg.extract.observation_record import Observation, assess
from kg.extract.paragraph_topics import PART_OPENER, ParagraphState, advance_topics, opening_place
from kg.extract.sentence_figures import SentenceReader
from kg.gazetteer import Gazetteer, Place, find_places
from kg.ingest import sentence_spans


_WORK_REPORT_PLAN = re.compile(r"今年(?:政府)?工作(?:的)?总体要求|今年(?:经济社会发展)?(?:的)?主要预期目标|"
                               r"(?:19|20)\d{2}年(?:工作|重点工作)?(?:安排|任务)|今年重点(?:抓好|做好)|"
                               r"主要预期目标是|今年工作|下一步工作")


def extract_observations(doc, ctx: DocContext, gaz: Gazetteer) -> list[Observation]:
    """Every figure of the document with what it measures, and how sure that reading is."""
    out = _extract_observations(doc, ctx, gaz)
    for o in out:
        o.confidence, o.confidence_reason = assess(o)
    return out


def _extract_observations(doc, ctx: DocContext, gaz: Gazetteer) -> list[Observation]:
    text = doc.text
    out: list[Observation] = []
    section_place: Place | None = None
    section_book: str | None = None  # the budget book the last heading named
    title = getattr(doc, "title", "") or ""
    in_title = PART_OPENER.search(title) if ctx.structure is None or not ctx.structure.is_report else None
    title_part = normalize_period(in_title.group("p")) if in_title and in_title.group("p") not in ("今年以来", "年初以来") else None
    carried_place: Place | None = None  # the topic place of the previous paragraph (same section)
    in_plan = False
    pos = 0
    for para in text.split("\n\n"):
        p_start, p_end = pos, pos + len(para)
        pos = p_end + 2
        mentions = find_places(para, gaz, ctx.home, subject=section_place)
        lead_place = opening_place(para, mentions)
        is_heading = para.startswith("#") or (len(para) < 40 and para[-1:] not in "。！？；")
        if is_heading:
            if lead_place is not None and lead_place.level >= 2:
                section_place = lead_place
            section_book = budget_book(para) or (section_book if not re.match(r"^[一二三四五六七八九十]+、", para) else None)
            carried_place = None
            continue
        section = ctx.structure.section_at(p_start) if ctx.structure is not None else None
        if section is not None and section.status is not None:
            # a report's section says which year and status its figures default to
            default_year, in_plan = section.year, section.status == "Target"
        else:
            if ctx.work_report and _WORK_REPORT_PLAN.search(para[:60]):
                in_plan = True
            default_year = ctx.reporting_year
            if ctx.work_report and in_plan:
                default_year = ctx.publication_year
            if section is not None and section.year is not None and not in_plan:
                default_year = section.year
        state = ParagraphState(default_year, lead_place or carried_place or section_place or ctx.home.default,
                               in_plan)
        state.part = title_part  # 香洲区一季度经济运行…: the article reports that part of the year
        state.section = section if section is not None and section.status is not None else None
        if ctx.year_from_file:
            state.year_basis = "file"
        state.book = budget_book(para[:40]) or section_book  # （二）政府性基金预算。实际完成收入…
        out.extend(_paragraph_observations(para, p_start, mentions, state, ctx))
        carried_place = state.place
    return out


def _paragraph_observations(para: str, p_start: int, mentions, state: ParagraphState,
                            ctx: DocContext) -> list[Observation]:
    """The observations of one paragraph, sentence by sentence."""
    out: list[Observation] = []
    quantities = figures_in(para)
    if not quantities:
        advance_topics(para, 0, len(para), mentions, state, ctx)
        return out
    previous_metric: str | None = None
    for s_start, s_end in sentence_spans(para):
        advance_topics(para, s_start, s_end, mentions, state, ctx)
        # the metric before carries over a ； (one sentence in Chinese grammar) and into a
        # breakdown (…进出口额320亿元。其中，出口210亿元 …): otherwise a sentence starts afresh
        if not (para[max(0, s_start - 1):s_start] in ("；", ";") or re.match(r"其中[，,：:]?", para[s_start:s_end])):
            previous_metric = None
        reader = SentenceReader(para, p_start, (s_start, s_end), quantities, mentions, state, ctx, previous_metric)
        out.extend(reader.read())
        previous_metric = reader.previous_metric
    return out
