"""The observation of one figure, once its metric label and measure are read: its year, status and
period (kg.extract.figure_time), its place (kg.extract.paragraph_topics), its quote and indicator.
Imports those modules, kg.extract.metric_names and kg.extract.observation_record.
"""
from __future__ import annotations

from kg.extract.figure_time import DocContext, figure_period, figure_status, figure_year, part_of_year
from kg.extract.metric_names import find_indicator
from kg.extract.numbers import Quantity
from kg.extract.observation_record import Observation
from kg.extract.paragraph_topics import ParagraphState, figure_place
from kg.gazetteer import Place


def build_observation(ctx: DocContext, para: str, p_start: int, quote_start: int, quote_end: int, label: str,
                      q: Quantity, measure: str, direction, state: ParagraphState, mentions, c_start, s_start,
                      verb_zone: str = "", place_of_item: Place | None = None) -> Observation | None:
    """The observation of figure q of a paragraph (para, at p_start of the document) read as label,
    quoting para[quote_start:quote_end]; None when no year or no place applies to it."""
    sentence_prefix = para[s_start:q.start]
    clause = para[c_start:q.start]
    year, basis = figure_year(ctx, para, state, s_start, c_start, clause)
    if year is None:
        return None
    status, year, period_start, period_end, estimated = figure_status(ctx, state, clause, sentence_prefix, year,
                                                                      basis, label, measure)
    year, period_start, period_end = figure_period(ctx, state, clause, sentence_prefix, year, basis, status,
                                                   label, measure, period_start, period_end)
    place = figure_place(para, state, mentions, c_start, q.start)
    if place_of_item is not None:
        place = place_of_item
    if place is None:
        return None
    period = part_of_year(sentence_prefix, state.part)
    section = state.section
    abs_start, abs_end = p_start + quote_start, p_start + quote_end
    quote = ctx.text[abs_start:abs_end]
    return Observation(
        doc_id=ctx.doc_id, start=abs_start, end=abs_end, quote=quote,
        metric=label, metric_surface=label, value=q.value, unit=q.unit, year=year,
        status=status, place=place, measure=measure, qualifier=q.qualifier, period=period,
        direction="down" if direction and measure != "Level" else None,
        normalized_value=q.normalized_value, normalized_unit=q.normalized_unit, year_basis=basis,
        indicator=find_indicator(label, verb_zone), max_value=q.max_value,
        period_start=period_start, period_end=period_end, estimated=estimated,
        section_role=section.role if section is not None else None)
