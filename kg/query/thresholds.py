"""Thresholds: the condition a question sets on a value (在5%以上, 超过5%, 低于6%, 不低于5%, 至少5%,
达到5%及以上) and the bound a figure's own qualifier states (5%以上 is at least 5, 5%左右 about 5,
近5万 just under 5万, 迈上5万亿元台阶 at least 5万亿元), both read from kg/vocab/thresholds.tsv.

A figure is an interval: an exact value is one point, a range (5%—5.5%) its two ends, a bound an open
side. A condition holds for a figure when the whole interval meets it ("yes"), fails when none of it
does ("no"), and is undecided ("maybe") when only part does: a target of 5%左右 is about 5%, so it may
fall either side of 在5%以上 and is named apart, never counted. A range 5%—5.5% meets 5%以上 (both
ends do) but not 超过5% (its lower end is 5%). Two figures of one thing disagree only when their
intervals cannot meet: 迈上5万亿元台阶 (≥5万亿) and 5.1万亿元 agree.

Imports: kg.vocab, and kg.extract.numbers (lazily, to compare values in other units)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg import vocab

_OPS = ("ge", "gt", "lt", "le")
_CONDITION_FIGURE = r"(\d+(?:\.\d+)?)\s*(万亿元|亿元|万元|元|万人次|万人|人|%|个百分点|万吨|吨|亿斤|万斤|万亩|亩|个|家|项|天)?"
_APPROX_BAND = Decimal("0.03")  # 约5万亿 and 5.1万亿 agree: an approximate figure may be 3% off


def _words(kind: str) -> tuple[str, ...]:
    return tuple(sorted((w for k, w in vocab.table("thresholds") if k == kind), key=len, reverse=True))


def _decimal(text) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _base(value: Decimal, unit: str | None) -> tuple[Decimal, str | None]:
    """A value in base units (100万人 -> 1000000人), as kg.extract.numbers normalizes it."""
    if not unit:
        return value, unit
    from kg.extract.numbers import normalize  # lazy: kg.extract loads its rules (~0.5 s); only units that differ need it

    got, got_unit = normalize(value, unit)
    return (got, got_unit) if got is not None else (value, unit)


# ------------------------------------------------------------------ a figure as an interval

@dataclass
class Interval:
    """What a figure says of the value: lo..hi (None: unbounded), each end open or closed; approximate
    for 左右/约 (a point that may be a little either side)."""
    lo: Decimal | None
    hi: Decimal | None
    lo_open: bool = False
    hi_open: bool = False
    approximate: bool = False
    unit: str | None = None

    def scaled(self, unit: str | None) -> Interval | None:
        """The interval in the unit of another value (None when the units are of different kinds)."""
        if not unit or unit == self.unit:
            return self
        ends = []
        for end in (self.lo, self.hi):
            if end is None:
                ends.append((None, None))
            else:
                ends.append(_base(end, self.unit))
        want = _base(Decimal(1), unit)
        if any(u is not None and u != want[1] for _, u in ends):
            return None
        lo, hi = (None if v is None else v / want[0] for v, _ in ends)
        return Interval(lo, hi, self.lo_open, self.hi_open, self.approximate, unit)


def bound_kind(qualifier: str | None, quote: str = "", value: str = "", unit: str = "") -> str | None:
    """lower_closed | lower_open | upper_closed | upper_open | approximate, or None for an exact figure;
    a milestone (迈上…台阶, 突破…大关) is a lower bound whatever the qualifier says: the figure itself
    (its whole number, and its unit when known) before the milestone word, not another number of the
    quote (迈上2.5万亿元台阶，增长5%: the 5% is no milestone)."""
    after = rf"\s*{re.escape(unit)}" if unit and unit in quote else ""
    if quote and value and re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.]){after}[^，,。；;\d%]{{0,12}}?"
                                     rf"(?:{'|'.join(_words('milestone'))})", quote):
        return "lower_closed"
    q = qualifier or ""
    if not q:
        return None
    for kind in ("upper_closed", "upper_open", "lower_closed", "lower_open", "approximate"):
        if any(w == q for w in _words(kind)):
            return kind
    for kind in ("upper_closed", "upper_open", "lower_closed", "lower_open", "approximate"):
        if any(w in q for w in _words(kind)):
            return kind
    return None


def interval(fact: dict) -> Interval | None:
    """The interval a fact (kg.query.facts.Fact) states; None when its value is no number."""
    v = _decimal(fact.get("signed_value") or fact.get("value"))
    if v is None:
        return None
    down = fact.get("direction") == "down"
    top = _decimal(fact.get("max_value"))
    if top is not None:
        top = -top if down and v < 0 else top
        lo, hi = sorted((v, top))
        return Interval(lo, hi, unit=fact.get("unit"))
    kind = bound_kind(fact.get("qualifier"), fact.get("quote") or "", fact.get("value") or "", fact.get("unit") or "")
    if down and kind and kind.startswith(("lower", "upper")):  # 下降5%以上: at most -5
        kind = kind.replace("lower", "_").replace("upper", "lower").replace("_", "upper")
    unit = fact.get("unit")
    if kind == "lower_closed":
        return Interval(v, None, unit=unit)
    if kind == "lower_open":
        return Interval(v, None, lo_open=True, unit=unit)
    if kind == "upper_closed":
        return Interval(None, v, unit=unit)
    if kind == "upper_open":
        return Interval(None, v, hi_open=True, unit=unit)
    return Interval(v, v, approximate=kind == "approximate", unit=unit)


def disagree(a: dict, b: dict) -> bool:
    """Whether two figures of one thing cannot both be true: their intervals (an approximate figure
    widened by 3%) do not meet. 迈上5万亿元台阶 and 5.1万亿元 agree; 5万亿元 and 5.1万亿元 do not."""
    ia, ib = interval(a), interval(b)
    if ia is None or ib is None:
        return (a.get("value"), a.get("unit")) != (b.get("value"), b.get("unit"))
    ib = ib.scaled(ia.unit)
    if ib is None:
        return False  # units of different kinds: no comparison to make
    ia, ib = _widened(ia), _widened(ib)
    return _below(ia, ib) or _below(ib, ia)


def _widened(i: Interval) -> Interval:
    if not i.approximate or i.lo is None:
        return i
    band = abs(i.lo) * _APPROX_BAND
    return Interval(i.lo - band, i.hi + band, unit=i.unit)


def _below(a: Interval, b: Interval) -> bool:
    """a lies wholly under b."""
    if a.hi is None or b.lo is None:
        return False
    return a.hi < b.lo or (a.hi == b.lo and (a.hi_open or b.lo_open))


# ------------------------------------------------------------------ a question's condition

@dataclass
class Condition:
    """A condition on the value a question sets (在5%以上, 没到5%, 超过100万人)."""
    op: str  # ge | gt | lt | le
    value: Decimal
    unit: str | None  # as the question writes it; None: the indicator's own

    def judge(self, fact: dict) -> str:
        """yes: the figure meets the condition whatever its exact value; no: it cannot; maybe: it may
        (a bound reaching past it, a range across it). An approximate figure is judged by the value
        it states: a target of 5%左右 is a 5% target (在5%以上 yes, 超过5% no), as analysts read it."""
        i = interval(fact)
        if i is None:
            return "no"
        i = i.scaled(self.unit) if self.unit else i
        if i is None:
            return "no"
        x = self.value
        lo_meets = i.lo is not None and (i.lo > x or (i.lo == x and (self.op == "ge" or i.lo_open)))
        hi_meets = i.hi is not None and (i.hi < x or (i.hi == x and (self.op == "le" or i.hi_open)))
        if self.op in ("ge", "gt"):
            fails = i.hi is not None and (i.hi < x or (i.hi == x and (self.op == "gt" or i.hi_open)))
            return "yes" if lo_meets else "no" if fails else "maybe"
        fails = i.lo is not None and (i.lo > x or (i.lo == x and (self.op == "lt" or i.lo_open)))
        return "yes" if hi_meets else "no" if fails else "maybe"

    def holds(self, fact: dict) -> bool:
        return self.judge(fact) == "yes"

    def text(self) -> str:
        return {"ge": "不低于", "gt": "高于", "lt": "低于", "le": "不高于"}[self.op] + f"{self.value}{self.unit or ''}"


def parse_condition(question: str) -> Condition | None:
    """The condition a question sets on the value: a word before the figure (超过5%, 没到5%,
    达到6%及以上) or after it (5.5%以上, 100万人以下); vocab/thresholds.tsv condition_*."""
    words = sorted(((op, w) for op in _OPS for w in _words(f"condition_{op}")), key=lambda x: -len(x[1]))
    for op, w in words:
        m = re.search(rf"{_CONDITION_FIGURE}(?:{re.escape(w)})", question)  # 5.5%以上, 100万人及以上
        if m and op in ("ge", "le"):
            return Condition(op, Decimal(m.group(1)), m.group(2))
    for op, w in words:
        m = re.search(rf"(?:{re.escape(w)})(?:了)?{_CONDITION_FIGURE}(?!年)", question)  # 超过5%, 没到5%
        if m and (m.group(2) or "%" in question[m.end():m.end() + 1]):
            after = question[m.end():m.end() + 3]
            if re.match(r"及以上|以上|或以上", after):
                op = "ge"
            elif re.match(r"及以下|以下", after):
                op = "le"
            return Condition(op, Decimal(m.group(1)), m.group(2))
    return None
