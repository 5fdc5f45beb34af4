"""What an observation is, and how sure its reading is.

Observation: one figure of a document with the metric it measures, the year (or period) it refers to,
the place it is about, whether it is an actual figure or a target, and the quote that shows it.
assess: how sure the extraction is of what the figure measures (high / medium / low, and why).
Imports only kg.vocab and kg.gazetteer (types); any extract module may import it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg import vocab
from kg.gazetteer import Place


@dataclass
class Observation:
    doc_id: str
    start: int  # offsets of the quote in the normalized document text
    end: int
    quote: str
    metric: str  # the metric's label: the whole noun phrase as written (its indicator is linked apart)
    metric_surface: str
    value: Decimal
    unit: str
    year: int
    status: str  # Actual | Target
    place: Place
    measure: str  # Level | GrowthRate | Change
    qualifier: str | None = None
    period: str | None = None
    direction: str | None = None  # 下降 / 减少 for decreases (the value stays as written)
    normalized_value: Decimal | None = None
    normalized_unit: str | None = None
    year_basis: str = ""  # how the year was found: explicit | topic | relative | section | genre
    places_mentioned: list[Place] = field(default_factory=list)
    indicator: "vocab.Indicator | None" = None  # the standard indicator the metric is, if any
    max_value: Decimal | None = None  # the upper bound of a range (4.5%—5%)
    period_start: int | None = None  # a figure over several years (五年累计, 年均增长)
    period_end: int | None = None
    estimated: bool = False  # 预计: an estimate of an actual figure
    section_role: str | None = None
    passage: int | None = None  # the order of the passage the quote lies in (set by extraction)
    program: tuple | None = None  # the key of the program the figure counts (“双百双新”项目634个)
    confidence: str = "high"  # high | medium | low: how sure the extraction is of what the figure measures
    confidence_reason: str = ""  # why not high, in a few words


# ------------------------------------------------------------------ how sure a figure is

_BOUND_WORDS = ("突破", "超过", "超", "逾", "迈上", "跨越", "不足", "不到", "以上", "以下", "以内")
_APPROXIMATE = ("近", "约", "接近", "将近", "大约", "左右", "多", "余")
# a figure about a part of the place (县域经济, 园区, 中心城区, a task force): never the place's own
_PART_OF_PLACE = re.compile(r"^(?:县域|园区|开发区|高新区|经开区|市区|城区|中心城区|主城区|片区|景区|镇域|乡镇|街道)|"
                            r"专班|园区|产业园")


def assess(o: Observation) -> tuple[str, str]:
    """(confidence, reason) of one observation: low when the figure is a bound or about a part of the
    place or its year comes from the file's name; medium when approximate or when its metric is no
    standard indicator (what it measures is read from the words alone); high otherwise."""
    q = o.qualifier or ""
    if o.status == "Actual" and o.measure == "Level" and any(w in q for w in _BOUND_WORDS) and o.max_value is None:
        return "low", f"a bound ({q}), not the figure itself"
    if _PART_OF_PLACE.search(o.metric):
        return "low", "about a part of the place"
    if o.year_basis == "file":
        return "low", "year taken from the file's name"
    if o.status == "Actual" and any(w in q for w in _APPROXIMATE):
        return "medium", f"approximate ({q})"
    if o.indicator is None:
        return "medium", "metric is not a standard indicator"
    if o.estimated:
        return "medium", "an estimate (预计)"
    return "high", ""
