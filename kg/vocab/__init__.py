"""The genre's vocabulary as data, one file per concept, loaded once and shared by extraction,
ask and search: plan and actual words, verbs of growth, decline and level, flow and cumulative
words, relative years, qualifiers, name words, metric head nouns, document kinds, section roles
and the standard indicators (indicators.tsv); the gazetteer's zone short forms and place short
forms that are common words (zone_abbreviations.tsv, ambiguous_place_short_forms.txt).

Files are plain text: one entry a line, `#` starts a comment line; .tsv files are tab-separated.

A shared utility: imports only the standard library (no kg module).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent


def _lines(name: str) -> list[str]:
    out = []
    for line in (VOCAB_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line.rstrip("\n"))
    return out


@lru_cache(maxsize=None)
def words(name: str) -> tuple[str, ...]:
    """The entries of NAME.txt, longest first (so alternations prefer 提高到 over 提高)."""
    return tuple(sorted({w.strip() for w in _lines(f"{name}.txt")}, key=len, reverse=True))


@lru_cache(maxsize=None)
def alternation(name: str) -> str:
    """A regex alternation of NAME.txt's entries (escaped, longest first), without a group."""
    return "|".join(map(re.escape, words(name)))


@lru_cache(maxsize=None)
def table(name: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(c.strip() for c in line.split("\t")) for line in _lines(f"{name}.tsv"))


_TOPIC_YEAR_WORDS = ("全年", "当年", "新的一年")  # name the year being talked about, not an offset


def relative_offset(text: str) -> int | None:
    """The offset of the longest relative-year word in a text (去年 -1, 今年 0, 明年 +1), or None."""
    for word, delta in sorted(relative_years().items(), key=lambda kv: -len(kv[0])):
        if word in text and word not in _TOPIC_YEAR_WORDS:
            return delta
    return None


@lru_cache(maxsize=None)
def qualifiers(position: str) -> tuple[str, ...]:
    """Qualifier words written before or after a number (qualifiers.tsv), longest first."""
    return tuple(sorted((w for p, w in table("qualifiers") if p == position), key=len, reverse=True))


@lru_cache(maxsize=None)
def relative_years() -> dict[str, int]:
    return {word: int(offset) for word, offset in table("relative_years")}


@dataclass(frozen=True)
class Indicator:
    name: str
    kind: str  # level | growth | share | change | rate | index
    unit_family: str
    synonyms: tuple[str, ...] = field(default_factory=tuple)

    @property
    def slug(self) -> str:
        return self.name


class Indicators:
    """The standard indicator vocabulary; `find(label)` links a metric label to one indicator."""

    def __init__(self, rows):
        self.all: list[Indicator] = []
        self.by_name: dict[str, Indicator] = {}
        for row in rows:
            name, kind, family = row[0], row[1], row[2]
            syns = tuple(s for s in (row[3].split("|") if len(row) > 3 else []) if s)
            ind = Indicator(name, kind, family, syns)
            self.all.append(ind)
            for n in (name, *syns):
                self.by_name.setdefault(_fold(n), ind)

    def find(self, label: str) -> Indicator | None:
        """The indicator whose name or synonym the label is (after folding brackets, quotes and
        a leading 全省/全市 …)."""
        key = _fold(label)
        hit = self.by_name.get(key)
        if hit is None:
            bare = _SCOPE.sub("", key)
            hit = self.by_name.get(bare) if bare != key else None
        return hit

    def names(self) -> list[str]:
        """Every name and synonym, longest first (for dictionaries and question parsing)."""
        return sorted(self.by_name, key=len, reverse=True)


_SCOPE = re.compile(r"^(?:全省|全市|全区|全县|全州|全盟|我省|我市|我区|本市|全国|全社会(?=研发))")


def _fold(text: str) -> str:
    return re.sub(r"[“”\"'‘’《》\s]", "", text).replace("（", "(").replace("）", ")")


@lru_cache(maxsize=1)
def indicators() -> Indicators:
    return Indicators(table("indicators"))


# 报告指出，/ 覃永利说，/ 报告显示： a news piece quoting the report it is about
_SAID = r"(?:报告|[\u4e00-\u9fa5]{2,4})(?:说|指出|表示|提出|显示|强调|介绍)[，,：:]"


def section_rules(report_year: int | None) -> list[tuple[str, str, re.Pattern]]:
    """(role, where, pattern) from section_roles.tsv with {Y}/{P} filled for a report year."""
    y = report_year or 0
    out = []
    for role, where, pattern in table("section_roles"):
        pattern = pattern.replace("{Y}", str(y)).replace("{P}", str(y - 1)).replace("{SAID}", _SAID)
        out.append((role, where, re.compile(pattern)))
    return out


@lru_cache(maxsize=None)
def question_words(intent: str) -> tuple[str, ...]:
    return tuple(sorted((w for i, w in table("question_words") if i == intent), key=len, reverse=True))


def target_question() -> re.Pattern:
    """A question that asks about a target or plan: plan words, question words, future years."""
    future = [w for w, d in relative_years().items() if d > 0] + ["今年"]
    return re.compile("|".join(map(re.escape, (*words("plan_words"), *question_words("target"), *future))))


def actual_question() -> re.Pattern:
    """A question that asks about a result: actual words, question words, past years, and a verb
    with the completed aspect (建了多少, 开行了几趟)."""
    past = [w for w, d in relative_years().items() if d < 0]
    alternation = "|".join(map(re.escape, (*words("actual_words"), *question_words("actual"), *past)))
    return re.compile(alternation + r"|[\u4e00-\u9fa5]了(?:多少|几|哪些)")


@lru_cache(maxsize=1)
def place_short_names() -> dict[str, tuple[str, ...]]:
    """Province -> the short forms people write for it (内蒙古自治区 -> 蒙, 内蒙, 内蒙古)."""
    return {row[0]: tuple(f for f in row[1].split("|") if f) for row in table("place_short_names")}


@lru_cache(maxsize=1)
def question_synonyms() -> tuple[tuple[str, str], ...]:
    """(colloquial phrase, standard indicator) as questions say them (老百姓收入 -> 居民人均可支配收入),
    longest phrase first."""
    return tuple(sorted(((row[0], row[1]) for row in table("question_synonyms")), key=lambda r: -len(r[0])))


def document_kinds() -> list[tuple[str, str, re.Pattern]]:
    """(kind, where, pattern): where is "title" (the title only) or "any" (title or opening)."""
    return [(kind, where, re.compile(pattern)) for kind, _name, where, pattern in table("document_kinds")]


@lru_cache(maxsize=1)
def kind_names() -> dict[str, str]:
    """Document kind -> its Chinese name (WorkReport -> 政府工作报告)."""
    return {kind: name for kind, name, _where, _pattern in table("document_kinds")}


@lru_cache(maxsize=1)
def kind_lookup() -> dict[str, str]:
    """Every way to name a document kind -> the kind: WorkReport, 政府工作报告, 工作报告 ..."""
    names = {}
    for kind, zh in kind_names().items():
        names[kind] = names[zh] = kind
    names.update({name: kind for name, kind in table("document_kind_names")})
    return names


def section_roles() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Section role (kg/structure.py) -> (its gk:SectionRole term, the other names a filter takes)."""
    return {role: (term, tuple(n for n in names.split("、") if n)) for role, term, names in table("section_role_names")}


def section_role_named(name: str) -> str | None:
    """The role a filter names: the role, its term (AnnualTargets, gk:AnnualTargets) or a Chinese name."""
    want = name.strip().removeprefix("gk:")
    for role, (term, names) in section_roles().items():
        if want.lower() in (role, term.lower()) or want in names:
            return role
    return None


# ---------------------------------------------------------------- five-year plans

_FIVE_YEAR_PLAN = re.compile(r"“?十([一二三四五六七八九])五”?|第十([一二三四五六七八九])个五年")


def five_year_period(year: int) -> tuple[int, int]:
    """The five-year plan period containing a year (十四五 = 2021–2025, 十五五 = 2026–2030)."""
    start = 2021 + 5 * ((year - 2021) // 5)
    return start, start + 4


def named_period(text: str) -> tuple[int, int] | None:
    """'十四五' -> (2021, 2025), '十五五' -> (2026, 2030)."""
    m = _FIVE_YEAR_PLAN.search(text)
    if not m:
        return None
    n = 10 + "一二三四五六七八九".index(m.group(1) or m.group(2)) + 1
    start = 2021 + 5 * (n - 14)
    return start, start + 4
