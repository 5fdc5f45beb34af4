"""A cited figure (`Fact`): built from one observation row of a SPARQL query, and written out as a
sentence (kg ask), a figure in a line or a table cell (kg compare), a citation line or a CSV row.

A Fact is a plain dict (JSON as the CLI and the server print it) whose keys `Fact` lists; kg ask and
kg compare each print their own keys in their own order (ASK_KEYS, COMPARE_KEYS). Imports: kg.vocab,
and kg.extract.numbers (lazily, for a unit conversion) only.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from kg import vocab

STATUS_LABEL = {"Actual": "实际", "Target": "目标"}
MEASURE_LABEL = {"GrowthRate": "增速", "Change": "增减", "Level": ""}
# words of a question that asks for a growth rate (gk:GrowthRate) rather than a level
GROWTH_QUESTION_WORDS = "增速|增长率|增幅|涨幅|增长|下降"


class Fact(TypedDict, total=False):
    """One cited observation (the keys of the JSON the CLI and the server print)."""
    observation: str  # IRI
    metric: str  # the metric's label
    value: str  # as stated (a decline stays positive: see direction)
    unit: str
    signed_value: str  # a decline is negative
    direction: str | None  # down for a decline
    max_value: str | None  # the upper end of a range (5%—5.5%)
    period_start: int | None  # a figure over several years (年均, 十四五期间)
    period_end: int | None
    confidence: str  # high | medium | low
    year: int
    place: str  # the place's label
    place_iri: str
    place_level: str | None  # kg compare: Province, City or District (the page's map)
    province: str | None  # kg compare: the province a city or district lies in (None for a province)
    status: str  # Actual | Target
    measure: str  # Level | GrowthRate | Change
    qualifier: str | None  # 以上, 约, 近 …
    period: str | None  # a part of the year (一季度)
    quote: str
    normalized_value: str | None  # in base units (kg/extract/numbers.py)
    normalized_unit: str | None
    passage: str  # IRI of the passage it was derived from
    doc: str  # source file
    display_title: str  # the document as a reader knows it (kg.query.titles)
    start: int  # the passage's character offsets in the document
    end: int
    quote_start: int  # the quote's character offsets in the document
    quote_end: int
    score: float  # kg ask: how well it fits the question
    rank: int  # kg compare: place in the ranking


# the keys kg ask prints, in order (a figure answering one question)
ASK_KEYS = ("observation", "metric", "value", "unit", "signed_value", "direction", "max_value", "period_start",
            "period_end", "confidence", "year", "place", "status", "measure", "qualifier", "period", "quote",
            "passage", "doc", "display_title", "start", "end", "quote_start", "quote_end", "score")
# the keys kg compare prints, in order (one fact per place or year; rank is added once ranked)
COMPARE_KEYS = ("observation", "metric", "value", "unit", "max_value", "direction", "year", "place", "place_iri",
                "status", "measure", "qualifier", "period", "quote", "signed_value", "confidence",
                "normalized_value", "normalized_unit", "passage", "doc", "display_title", "start", "end", "quote_start",
                "quote_end")


def fact_from_row(r: dict, keys: tuple[str, ...], **given) -> Fact:
    """The fact of one observation row (variables o, mlabel, value, unit, year, status, measure,
    place, plabel, quote, passage, doc, pstart, pend, qstart, qend; optional max, direction,
    qualifier, confidence, period, from, to, nv, nu), with `keys` in that order; `given` values
    (score, or a period the query binds to something else) replace the row's."""
    down = r.get("direction") == "down"
    row = {"observation": r["o"], "metric": r["mlabel"], "value": r["value"], "unit": r["unit"],
           "signed_value": ("-" + r["value"]) if down and not r["value"].startswith("-") else r["value"],
           "direction": r.get("direction"), "max_value": r.get("max"),
           "period_start": int(r["from"][:4]) if r.get("from") else None,
           "period_end": int(r["to"][:4]) if r.get("to") else None,
           "confidence": r.get("confidence") or "high", "year": int(r["year"][:4]), "place": r["plabel"],
           "place_iri": r["place"], "status": r["status"].rsplit("#", 1)[-1],
           "measure": r["measure"].rsplit("#", 1)[-1], "qualifier": r.get("qualifier"), "period": r.get("period"),
           "quote": r["quote"], "normalized_value": r.get("nv"), "normalized_unit": r.get("nu"),
           "passage": r["passage"], "doc": r["doc"], "display_title": r.get("display_title"),
           "start": int(r["pstart"]), "end": int(r["pend"]),
           "quote_start": int(r["qstart"]), "quote_end": int(r["qend"]), **given}
    return {k: row[k] for k in keys}


# ------------------------------------------------------------------ written out

def source_name(f: dict) -> str:
    """The document a fact or passage cites, as a reader knows it: its display title in 《》
    (kg.query.titles), else its file name."""
    title = f.get("display_title")
    return f"《{title}》" if title else f["doc"]


def cited_source(f: dict) -> str:
    """A citation's document in a terminal, which has no hover: its title, then its file (to open it)."""
    return f"{source_name(f)}（{f['doc']}）" if f.get("display_title") else f["doc"]


def value_text(f: Fact) -> str:
    """The value, or its range: 5—5.5."""
    return f["value"] + (f"—{f['max_value']}" if f.get("max_value") else "")


def figure(f: Fact) -> str:
    """The figure in a line of kg compare's answer: 下降3.2%（实际）, 超过5万亿元（目标）."""
    sign = "下降" if f.get("direction") == "down" else ""
    qualifier = f.get("qualifier") or ""
    before = qualifier if qualifier in vocab.qualifiers("before") else ""
    after = "" if before else qualifier
    return f"{sign}{before}{value_text(f)}{f['unit']}{after}（{STATUS_LABEL[f['status']]}）"


_FLOW_LABEL = re.compile(f"^(?:{vocab.alternation('flow_words')})")


def sentence(f: Fact, asked_unit: str | None = None) -> str:
    """One cited figure in words: 2025年河南省粮食产量：1350.97亿斤（约6754.85万吨）（实际）. A decline
    says 下降, a figure over several years its period, a unit the question asked for its conversion."""
    kind = MEASURE_LABEL.get(f["measure"], "")
    if f["measure"] == "Change" and _FLOW_LABEL.match(f["metric"]):
        kind = ""  # 新增城镇就业 is already a change
    if f.get("direction") == "down":
        kind = "下降" if f["measure"] != "Level" else kind
    qualifier = f" {f['qualifier']}" if f.get("qualifier") else ""
    period = f"（{f['period']}）" if f.get("period") else ""
    years = f"{f['period_start']}—{f['period_end']}年" if f.get("period_start") else f"{f['year']}年"
    converted = convert(f["value"], f["unit"], asked_unit) if asked_unit else None
    also = f"（约{converted}）" if converted else ""
    return (f"{years}{f['place']}{f['metric']}{kind}{period}：{value_text(f)}{f['unit']}{qualifier}{also}"
            f"（{STATUS_LABEL[f['status']]}）。原文：「{f['quote']}」——{source_name(f)}")


def citation_line(f: Fact, n: int) -> str:
    """A numbered citation of a fact under an answer (kg ask's text output)."""
    return (f"[{n}] {cited_source(f)} {f['start']}-{f['end']}  「{f['quote']}」  "
            f"{f['place']} {f['year']} {STATUS_LABEL[f['status']]}  {f['passage']}")


# kg compare's table: the column headers and one row's cells
TABLE_HEADERS = ("#", "地区", "年份", "状态", "数值", "原文", "来源")


def table_cells(f: Fact) -> tuple[str, ...]:
    value = ("下降" if f.get("direction") == "down" else "") + value_text(f) + f["unit"]
    return str(f["rank"]), f["place"], str(f["year"]), STATUS_LABEL[f["status"]], value, f["quote"], source_name(f)


# kg compare's CSV: the columns and one row
CSV_COLUMNS = ("rank", "place", "year", "status", "value", "max_value", "unit", "qualifier", "direction",
               "metric", "quote", "doc", "display_title")


def csv_cells(f: Fact) -> list:
    return [f.get(c) if f.get(c) is not None else "" for c in CSV_COLUMNS]


def format_text(result: dict) -> str:
    """kg ask's answer for a terminal: the answer first, then numbered citations."""
    lines = [result["answer"], ""]
    n = 1
    for f in result["facts"]:
        lines.append(citation_line(f, n))
        n += 1
    for h in result["passages"]:
        lines.append(f"[{n}] {cited_source(h)} {h['start']}-{h['end']}  {h['sentence']}")
        n += 1
    return "\n".join(lines)


# ------------------------------------------------------------------ units a question asks for

# base units of what a question may ask in another unit, and their factors
_MASS_IN_JIN = {"斤": 1, "公斤": 2, "千克": 2, "吨": 2000}


def _split_unit(u: str, magnitudes) -> tuple[Decimal, str]:
    for prefix, factor in magnitudes:
        if u.startswith(prefix) and len(u) > len(prefix):
            return factor, u[len(prefix):]
    if u in ("万亿", "亿", "万"):
        return dict(magnitudes)[u], ""
    return Decimal(1), u


def convert(value: str, unit: str, asked: str) -> str | None:
    """A value in the unit a question asked for (多少斤 of 万吨, 多少亿 of 万元), written plainly;
    None when the units are the same or not of one kind."""
    from kg.extract.numbers import MAGNITUDES, decimal_text  # lazy: kg.extract loads its rules (~0.1-0.5 s)

    try:
        v = Decimal(value)
    except (InvalidOperation, TypeError):
        return None
    have_factor, have_base = _split_unit(unit, MAGNITUDES)
    want_factor, want_base = _split_unit(asked, MAGNITUDES)
    if have_base in ("%", "‰", "个百分点", "百分点"):
        return None
    if asked in ("万亿", "亿", "万"):
        want_base = have_base  # 多少亿 of 万元: 亿元
    elif want_base == have_base:
        return None  # 多少斤 of 亿斤: the same unit already
    if have_base in _MASS_IN_JIN and want_base in _MASS_IN_JIN:
        factor = Decimal(_MASS_IN_JIN[have_base]) / Decimal(_MASS_IN_JIN[want_base])
    elif have_base == want_base:
        factor = Decimal(1)
    else:
        return None
    if (have_factor, have_base) == (want_factor, want_base):
        return None
    out = v * have_factor * factor
    if want_factor == 1:  # 多少吨: in 万吨 or 亿吨 when that reads better
        want_factor = next((f for f in (Decimal(10) ** 8, Decimal(10) ** 4) if out >= f), Decimal(1))
    out /= want_factor
    prefix = {Decimal(10) ** 12: "万亿", Decimal(10) ** 8: "亿", Decimal(10) ** 4: "万"}.get(want_factor, "")
    return f"{decimal_text(round(out, 2).normalize())}{prefix}{want_base}"
