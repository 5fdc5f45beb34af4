"""Questions across places and years, answered from observations linked to one standard indicator:
lists (各省…分别是多少, 列出, 对比), rankings (哪个省份…最高/最低, 前三), comparisons of named places
(江苏和浙江…) and trends of one place (近年, 历年).

One cited fact per place (or per year for a trend), chosen by where it is stated: a place's own
report before another's, the section that matches the status (this year's targets for a target,
the review of last year for an actual), a one-year figure before a cumulative one. A place in the
question's scope that the corpus has documents for but no figure is named as missing, never filled
from a neighbour. The question words are data (kg/vocab/question_words.tsv).

`kg compare` (compare_indicator) is the same answer for an indicator named on the command line.
Imports: kg.vocab, kg.errors, kg.query.facts (the facts and how they are written); the asker that
links names is passed in (kg.query.ask imports this module, never the other way).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kg import vocab
from kg.errors import InputError
from kg.query.facts import COMPARE_KEYS, GROWTH_QUESTION_WORDS, STATUS_LABEL, fact_from_row, figure, source_name
from kg.query.thresholds import Condition, parse_condition

_PLACE_LEVELS = ("Province", "City", "District")
_SCOPE_LEVEL = {"scope_province": "Province", "scope_city": "City", "scope_district": "District", "scope_any": None}
_ROLE_RANK = {
    "Target": {"AnnualTargets": 0, "AnnualTasks": 1, "Body": 2, "FiveYearPlan": 4},
    "Actual": {"ReviewLastYear": 0, "Body": 0, "AnnualTasks": 2, "AnnualTargets": 2, "ReviewFiveYears": 3},
}
_GROWTH = re.compile(f"{GROWTH_QUESTION_WORDS}|上涨")
_TOP_N = re.compile(r"前([0-9一二三四五六七八九十]+)(?:名|位|个)?")
_MULTI_YEAR_QUESTION = re.compile(r"年均|五年|累计|十[四五六]五|期间|以来")


@dataclass
class Intent:
    kind: str  # list | max | min | compare | trend
    level: str | None = None  # Province | City | District | None (any place)
    top: int | None = None
    places: list[dict] = field(default_factory=list)  # named places (compare, trend)
    condition: Condition | None = None  # 在5%以上: only the places whose figure meets it


def _words(intent: str) -> tuple[str, ...]:
    return vocab.question_words(intent)


def detect(question: str, places: list[dict]) -> Intent | None:
    """The across-places intent of a question, or None for a question about one place and year."""
    scope = None
    for name in sorted(_SCOPE_LEVEL, key=len):
        hit = next((w for w in _words(name) if w in question), None)
        if hit and (scope is None or len(hit) > len(scope[1])):
            scope = (name, hit)
    wants_max = any(w in question for w in _words("max"))
    wants_min = any(w in question for w in _words("min"))
    top = _TOP_N.search(question)
    listing = any(w in question for w in _words("list"))
    trend = any(w in question for w in _words("trend"))
    ranking = "max" if wants_max else "min" if wants_min else None
    condition = parse_condition(question)
    if scope is not None:
        level = _SCOPE_LEVEL[scope[0]]
        if ranking or top:
            return Intent(ranking or "max", level, _top_n(top.group(1)) if top else 1, condition=condition)
        return Intent("list", level, condition=condition)
    if condition is not None and not places:  # GDP增速超过6%的有哪些: a list, whatever the scope
        return Intent("list", None, condition=condition)
    if len(places) >= 2:
        return Intent(ranking or "compare", None, 1 if ranking else None, places)
    if len(places) == 1 and trend:
        return Intent("trend", None, None, places)
    if (ranking or top) and listing:
        return Intent(ranking or "max", None, _top_n(top.group(1)) if top else 1)
    return None


def strip_question_words(question: str) -> str:
    """The question without its scope, ranking and listing words (各省区市, 最高, 列出 …)."""
    words = [w for intent in (*_SCOPE_LEVEL, "max", "min", "list", "trend") for w in _words(intent)]
    for w in sorted(words, key=len, reverse=True):
        question = question.replace(w, " ")
    return question


def _top_n(text: str) -> int:
    if text.isdigit():
        return int(text)
    import cn2an  # lazy: ~0.2 s to import, only 前三 written in Chinese numerals needs it

    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return 3


def _decimal(text) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError, TypeError):
        return None


class AcrossPlaces:
    """Answers an across-places question for kg.query.ask.Asker (which parses and links the question)."""

    def __init__(self, kgraph, tables: dict, uncertain: bool = False):
        self.kg = kgraph
        self.tables = tables
        self.uncertain = uncertain  # also figures of low confidence (bounds, parts of a place, guessed years)
        self.missing: list[str] = []

    # ------------------------------------------------------------------ the indicator asked about
    def linked(self, metrics: list[dict]) -> list[str]:
        """IRIs to look observations up by: the standard indicators among the linked names (and the
        indicators of linked metrics), else the linked metrics themselves."""
        if not metrics:
            return []
        top = metrics[0]["score"]
        # a name written whole in the question (score ≥ 1) wins over the shorter names inside it
        # (研发经费投入强度, not 研发经费投入); partial matches keep their near ties
        margin = 0.005 if top >= 1.0 else 0.05
        best = [m["iri"] for m in metrics if m["score"] >= top - margin]
        indicators = [i for i in best if "/indicator/" in i]
        if not indicators:
            values = " ".join(f"<{i}>" for i in best)
            rows = self.kg.sparql(f"SELECT DISTINCT ?i WHERE {{ VALUES ?m {{ {values} }} ?m gk:indicator ?i }}")
            indicators = [r["i"] for r in rows]
        return indicators or best

    # ------------------------------------------------------------------ answer
    def answer(self, intent: Intent, metrics: list[dict], year: int | None, status: str | None,
               question: str) -> tuple[str, list[dict], str] | None:
        iris = self.linked(metrics)
        if not iris:
            return None
        growth = bool(_GROWTH.search(question))
        multi_year = bool(_MULTI_YEAR_QUESTION.search(question))
        rows, query = self._observations(iris, year if intent.kind != "trend" else None, growth)
        rows = self._screen(rows, iris, growth, multi_year)
        kinds = self._place_kinds({r["place"] for r in rows} | {r.get("subject") for r in rows if r.get("subject")})
        status = status or self._default_status(rows, year)
        rows = [r for r in rows if r["status"].endswith(status) or intent.kind == "trend"]
        if intent.kind == "trend":
            wanted = {p["iri"] for p in intent.places}
            rows = [r for r in rows if r["place"] in wanted]
        elif intent.places:
            wanted = {p["iri"] for p in intent.places}
            rows = [r for r in rows if r["place"] in wanted]
        elif intent.level is not None:
            rows = [r for r in rows if intent.level in kinds.get(r["place"], ())]
        else:
            subjects = {r.get("subject") for r in rows if r.get("subject")}
            rows = [r for r in rows if r["place"] in subjects] or rows
        if year is None and intent.kind != "trend" and rows:
            year = max(int(r["year"][:4]) for r in rows)
            rows = [r for r in rows if int(r["year"][:4]) == year]
        facts = self._one_per_group(rows, status, by_year=intent.kind == "trend")
        facts = self._order(facts, intent)
        provinces = self._provinces({f["place_iri"] for f in facts})
        for f in facts:  # the place's level (Province, City, District; None if untyped) and a city's or
            # district's province (None for a province): the page's map (a province's map of its cities)
            f["place_level"] = next((k for k in _PLACE_LEVELS if k in kinds.get(f["place_iri"], ())), None)
            f["province"] = provinces.get(f["place_iri"])
        missing = self._missing(intent, facts, kinds)
        undecided = []
        if intent.condition is not None:  # the places whose figure meets the question's condition
            judged = [(intent.condition.judge(f), f) for f in facts]
            # 5%左右 against 5%以上, 5%以上 against 超过5%: may meet it, named apart and not counted
            undecided = [f for verdict, f in judged if verdict == "maybe"]
            facts = [f for verdict, f in judged if verdict == "yes"]
            for i, f in enumerate(facts):
                f["rank"] = i + 1
        self.missing = missing  # places in scope with documents but no figure (kg compare shows them)
        label = metrics[0]["label"] if "/indicator/" not in iris[0] else self.tables["labels"].get(iris[0], metrics[0]["label"])
        text = _compose(intent, facts, missing, label, year, status, growth, undecided)
        return text, facts, query

    def _screen(self, rows: list[dict], iris: list[str], growth: bool, multi_year: bool) -> list[dict]:
        """The rows that may stand for a place's figure on one scale: no part of the place (县域…) and no
        figure of a place inside it (a city's in a province's report), a bound (突破, 迈上…台阶) kept only
        as a place's last resort (see _preference), a level in the indicator's unit (a bare 7万亿 given
        its unit, or left out), no change for a level, no multi-year figure for one year."""
        if not self.uncertain:
            rows = [r for r in rows if r.get("confidence") != "low" or _is_bound(r)]
            rows = self._not_of_places_inside(rows)
        family = _unit_family(iris, self.tables)
        if family and not growth:  # a level in its own unit: no 百分点 or 亿元 where 亿元 or % is meant
            rows = [r for r in (_with_unit(r, family) for r in rows) if r is not None]
            rows = [r for r in rows if _UNIT_FAMILIES[family].search(r.get("nu") or r["unit"])]
        if not growth and not _counts_changes(iris, self.tables):  # 增加近1000亿元 is no level
            rows = [r for r in rows if not r["measure"].endswith("Change")]
        if not multi_year:  # a five-year total or average answers no question about one year
            rows = [r for r in rows if not r.get("period") and not _over_years(r)]
        return rows

    def _not_of_places_inside(self, rows: list[dict]) -> list[dict]:
        """Without the rows whose quote names a place that lies inside the row's place (杭州市地区生产总值…
        read as 浙江省's): that place's figure, never the containing one's."""
        places = {r["place"] for r in rows}
        if not places:
            return rows
        values = " ".join(f"<{p}>" for p in places)
        inside: dict[str, set[str]] = {}
        # places only (programs and agencies are gk:locatedIn places too); a city's short form too
        # (杭州市 -> 杭州), a district's or county's never (新城区, 城关镇: 新城 and 城关 are everyday words)
        for r in self.kg.sparql(f"SELECT ?top ?l WHERE {{ VALUES ?top {{ {values} }} "
                                f"?p a gk:Place ; gk:locatedIn+ ?top ; rdfs:label ?l }}"):
            short = re.sub(r"(?:市|州|盟)$", "", r["l"])
            inside.setdefault(r["top"], set()).update({r["l"], short} if len(short) >= 2 else {r["l"]})
        return [r for r in rows if not any(name in r["quote"] for name in inside.get(r["place"], ()))]

    def _observations(self, iris: list[str], year: int | None, growth: bool) -> tuple[list[dict], str]:
        values = " ".join(f"<{i}>" for i in iris)
        year_filter = f'FILTER(?year = "{year}"^^xsd:gYear)' if year else ""
        measure = "FILTER(?measure = gk:GrowthRate)" if growth else "FILTER(?measure != gk:GrowthRate)"
        query = f"""SELECT ?o ?mlabel ?value ?max ?unit ?nv ?nu ?year ?status ?measure ?direction ?confidence ?place ?plabel
                       ?subject ?role ?period ?qualifier ?reason ?quote ?passage ?doc ?pstart ?pend ?qstart ?qend WHERE {{
            VALUES ?linked {{ {values} }}
            {{ ?o gk:indicator ?linked }} UNION {{ ?o gk:metric ?linked }}
            ?o gk:metric/rdfs:label ?mlabel ; gk:value ?value ; gk:unit ?unit ; gk:year ?year ;
               gk:status ?status ; gk:measure ?measure ; gk:place ?place ; gk:quote ?quote ;
               prov:wasDerivedFrom ?passage ; gk:charStart ?qstart ; gk:charEnd ?qend .
            {year_filter} {measure}
            ?place rdfs:label ?plabel .
            ?passage gk:inDocument ?d ; gk:charStart ?pstart ; gk:charEnd ?pend . ?d gk:sourceFile ?doc .
            OPTIONAL {{ ?d gk:subjectPlace ?subject }}
            OPTIONAL {{ ?passage gk:inSection/gk:sectionRole ?role }}
            OPTIONAL {{ ?o gk:periodStart ?period }}
            OPTIONAL {{ ?o gk:maxValue ?max }}
            OPTIONAL {{ ?o gk:qualifier ?qualifier }}
            OPTIONAL {{ ?o gk:direction ?direction }}
            OPTIONAL {{ ?o gk:confidence ?confidence }}
            OPTIONAL {{ ?o gk:confidenceReason ?reason }}
            OPTIONAL {{ ?o gk:normalizedValue ?nv ; gk:normalizedUnit ?nu }}
        }}"""
        rows = self.kg.sparql(query)
        seen, out = set(), []
        for r in rows:  # an observation found through its metric and its indicator is one row
            if r["o"] not in seen:
                seen.add(r["o"])
                out.append(r)
        return out, query

    def _place_kinds(self, iris: set) -> dict[str, set[str]]:
        iris = {i for i in iris if i}
        if not iris:
            return {}
        values = " ".join(f"<{i}>" for i in iris)
        rows = self.kg.sparql(f"SELECT ?p ?k WHERE {{ VALUES ?p {{ {values} }} ?p a ?k }}")
        kinds: dict[str, set[str]] = {}
        for r in rows:
            kinds.setdefault(r["p"], set()).add(r["k"].rsplit("#", 1)[-1])
        return kinds

    def _provinces(self, iris: set) -> dict[str, str]:
        """The label of the province each place lies in (gk:locatedIn, from the gazetteer), by place."""
        if not iris:
            return {}
        values = " ".join(f"<{i}>" for i in iris)
        rows = self.kg.sparql(f"SELECT ?p ?l WHERE {{ VALUES ?p {{ {values} }} "
                              f"?p gk:locatedIn+ ?top . ?top a gk:Province ; rdfs:label ?l }}")
        return {r["p"]: r["l"] for r in rows}

    def _default_status(self, rows: list[dict], year: int | None) -> str:
        """No status words: a target when the year is one the reports plan for, else an actual."""
        if year is None:
            return "Actual"
        actual = sum(1 for r in rows if r["status"].endswith("Actual") and int(r["year"][:4]) == year)
        target = sum(1 for r in rows if r["status"].endswith("Target") and int(r["year"][:4]) == year)
        return "Target" if target > actual else "Actual"

    def _one_per_group(self, rows: list[dict], status: str, by_year: bool) -> list[dict]:
        groups: dict[tuple, list[dict]] = {}
        for r in rows:
            key = (r["place"], int(r["year"][:4]), r["status"]) if by_year else (r["place"],)
            groups.setdefault(key, []).append(r)
        facts = []
        for members in groups.values():
            best = min(members, key=lambda r: self._preference(r, status))
            facts.append(self._fact(best))
        return facts

    @staticmethod
    def _preference(r: dict, status: str) -> tuple:
        role = (r.get("role") or "").rsplit("#", 1)[-1]
        st = r["status"].rsplit("#", 1)[-1]
        return (1 if _is_bound(r) else 0,  # a milestone or bound (突破, 迈上…台阶) only when nothing else is stated
                0 if r.get("subject") == r["place"] else 1,  # the place's own report first
                1 if r.get("period") else 0,  # a one-year figure before a cumulative one
                _ROLE_RANK.get(st, {}).get(role, 2),
                int(r["qstart"]))  # headline figures come first in a report

    def _fact(self, r: dict) -> dict:
        # ?period is the period's start here (a filter): the fact names no part of a year
        fact = fact_from_row(r, COMPARE_KEYS, period=None,
                             display_title=self.kg.display_titles().get(r["doc"], r["doc"]))
        if _is_bound(r) and _LOWER_BOUND.search(r.get("qualifier") or ""):
            fact["qualifier"] = "以上"  # the only figure is a lower bound: 9万亿元以上, never 9万亿元 as the level
        fact["_sort"] = _decimal(r.get("nv")) if r.get("nv") else _decimal(fact["signed_value"])
        return fact

    @staticmethod
    def _order(facts: list[dict], intent: Intent) -> list[dict]:
        if intent.kind == "trend":
            facts.sort(key=lambda f: (f["year"], f["status"] != "Actual"))
        else:
            known = [f for f in facts if f["_sort"] is not None]
            # ties: the higher upper bound of a range first (5%—5.5% before 5%), then by name
            known.sort(key=lambda f: f["place"])
            known.sort(key=lambda f: _decimal(f.get("max_value")) or f["_sort"], reverse=intent.kind != "min")
            known.sort(key=lambda f: f["_sort"], reverse=intent.kind != "min")
            facts = known + [f for f in facts if f["_sort"] is None]
        for i, f in enumerate(facts):
            f["rank"] = i + 1
            f.pop("_sort", None)
        return facts

    def _missing(self, intent: Intent, facts: list[dict], kinds: dict) -> list[str]:
        """Places in the question's scope that have a document in the corpus but no figure."""
        have = {f["place_iri"] for f in facts}
        if intent.places:
            return [p["label"] for p in intent.places if p["iri"] not in have]
        rows = self.kg.sparql("SELECT DISTINCT ?p ?l WHERE { ?d gk:subjectPlace ?p . ?p rdfs:label ?l }")
        subject_kinds = self._place_kinds({r["p"] for r in rows})
        out = []
        for r in rows:
            if r["p"] in have:
                continue
            if intent.level is None or intent.level in subject_kinds.get(r["p"], ()):
                out.append(r["l"])
        return sorted(out)


# the units an indicator's level may be stated in, by unit family (vocab/indicators.tsv)
_UNIT_FAMILIES = {
    "money": re.compile(r"元(?:/|$)"), "percent": re.compile(r"^(?:%|‰)$"), "people": re.compile(r"人|人次$"),
    "mass": re.compile(r"吨|斤|克"), "area": re.compile(r"亩|公顷|平方米|平方公里"), "length": re.compile(r"公里|千米|米$|km"),
    "energy": re.compile(r"瓦|瓦时|度|吨标准煤"), "days": re.compile(r"天|日$"),
}


# a bound (gk:confidenceReason "a bound (突破)…", kg/extract/observation_record.py): its qualifier says which way
_LOWER_BOUND = re.compile(r"突破|超过|超|逾|迈上|跨越|以上|不低于")
# the unit a bare magnitude (7万亿) stands for in an indicator's unit family
_FAMILY_BASE = {"money": "元", "people": "人"}
_BARE = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "亿": Decimal(10) ** 8, "千万": Decimal(10) ** 7,
         "百万": Decimal(10) ** 6, "万": Decimal(10) ** 4}
# a growth over several years (五年来增长34.3%, 年均增长, 累计): no annual growth; a year named in it is one
_OVER_YEARS = re.compile(r"五年|年均|累计|以来|期间|十[一二三四五六]五")


def _is_bound(r: dict) -> bool:
    return r.get("confidence") == "low" and (r.get("reason") or "").startswith("a bound")


def _over_years(r: dict) -> bool:
    """A growth rate over several years: said so in its quote, or stated in the review of five years
    without naming its year."""
    if not r["measure"].endswith("GrowthRate"):
        return False
    if _OVER_YEARS.search(r["quote"]):
        return True
    return (r.get("role") or "").endswith("ReviewFiveYears") and not re.search(r"\d{4}年", r["quote"])


def _with_unit(r: dict, family: str) -> dict | None:
    """A row whose unit is a bare magnitude (7万亿) in the indicator's unit (7万亿元, normalized), or None
    when the family names no unit to give it; other rows as they are."""
    if r["unit"] not in _BARE:
        return r
    base = _FAMILY_BASE.get(family)
    value = _decimal(r["value"])
    if base is None or value is None:
        return None
    return {**r, "unit": r["unit"] + base, "nv": format((value * _BARE[r["unit"]]).normalize(), "f"), "nu": base}


def _unit_family(iris: list[str], tables: dict) -> str | None:
    """The unit family of the standard indicator asked about, if it has one to check."""
    for iri in iris:
        if "/indicator/" in iri:
            found = vocab.indicators().find(tables["labels"].get(iri, ""))
            if found is not None and found.unit_family in _UNIT_FAMILIES and found.kind != "growth":
                return found.unit_family
    return None


def _counts_changes(iris: list[str], tables: dict) -> bool:
    """Whether the indicator asked about is itself a change (城镇新增就业), or no standard one."""
    kinds = [vocab.indicators().find(tables["labels"].get(i, "")) for i in iris if "/indicator/" in i]
    return not kinds or any(k is None or k.kind == "change" for k in kinds)


def _compose(intent: Intent, facts: list[dict], missing: list[str], label: str, year: int | None,
             status: str, growth: bool, undecided: list[dict] = ()) -> str:
    what = f"{year}年" if year and intent.kind != "trend" else ""
    what += f"{label}{'增速' if growth and not label.endswith(('增速', '增长', '涨幅')) else ''}"
    what += "目标" if status == "Target" and intent.kind != "trend" else ""
    apart = ""
    if undecided:  # the figures that may meet the condition, one line each, not counted
        apart = "\n".join([f"另有{len(undecided)}个地区的数值在界限上或只是约数、范围或上下限，无法确定是否{intent.condition.text()}（未计入）："]
                          + [f"- {f['place']}  {figure(f)}  「{f['quote']}」——{source_name(f)}" for f in undecided])
    if not facts and intent.condition is not None:
        return f"{what}{intent.condition.text()}的地区：语料中没有。" + (f"\n{apart}" if apart else "")
    if not facts:
        gap = f"（语料中有文件但没有该数据的地区：{'、'.join(missing)}）" if missing else ""
        return f"语料中没有找到{what}的数据{gap}。"
    lines = []
    if intent.kind in ("max", "min") and intent.top == 1:
        f = facts[0]
        word = "最高" if intent.kind == "max" else "最低"
        lines.append(f"{what}{word}的是{f['place']}：{figure(f)}。原文：「{f['quote']}」——{source_name(f)}")
        lines.append(f"排名（{len(facts)}个地区）：")
    elif intent.kind == "trend":
        lines.append(f"{facts[0]['place']}{what}历年数据（{len(facts)}条）：")
    else:
        order = "从高到低" if intent.kind != "min" else "从低到高"
        condition = f"{intent.condition.text()}的" if intent.condition is not None else ""
        lines.append(f"{what}（{condition}{len(facts)}个地区，按数值{order}）：")
    shown = facts if not intent.top or intent.top == 1 else facts[:intent.top]
    for f in shown:
        head = f"{f['year']}年{STATUS_LABEL[f['status']]}" if intent.kind == "trend" else f["place"]
        lines.append(f"{f['rank']}. {head}  {figure(f)}  「{f['quote']}」——{source_name(f)}")
    if apart:
        lines.append(apart)
    if missing:
        lines.append(f"没有数据：{'、'.join(missing)}")
    return "\n".join(lines)



# ------------------------------------------------------------------ kg compare

_LEVELS = {"province": "Province", "city": "City", "district": "District"}


def compare_indicator(asker, indicator: str, *, year: int | None = None, status: str | None = None,
                      growth: bool = False, places: list[str] | None = None, level: str | None = None,
                      uncertain: bool = False) -> dict:
    """One indicator across places (or over years for named places): its value by place for a
    year and status, best first, one cited fact per place, places without a figure named.
    The indicator is named by any label or synonym (地区生产总值, GDP, 规上工业增加值); asker
    (kg.query.ask.Asker) links it and the places."""
    name = (indicator or "").strip()
    if not name:
        raise InputError("name an indicator, e.g. 地区生产总值")
    metrics = _indicator_named(asker, name)
    linked = []
    for place in places or []:
        found = asker.link_names(place, "Place")
        if not found:
            raise InputError(f"no place called {place!r} in the graph")
        linked.append(found[0])
    if level is not None and level.lower() not in _LEVELS:
        raise InputError(f"--level must be one of {', '.join(_LEVELS)}, not {level!r}")
    status_name = {"target": "Target", "actual": "Actual", None: None}.get(status.lower() if status else None)
    if status and status_name is None:
        raise InputError(f"--status must be target or actual, not {status!r}")
    over_years = bool(linked) and year is None
    intent = Intent("trend" if over_years else "compare" if linked else "list",
                    _LEVELS.get(level.lower()) if level else None, places=linked)
    question = name + ("增速" if growth else "")
    across = AcrossPlaces(asker.kg, asker.tables, uncertain=uncertain)
    result = across.answer(intent, metrics, year, status_name, question)
    answer, facts, sparql = result if result is not None else ("", [], "")
    if over_years and status_name:
        facts = [f for f in facts if f["status"] == status_name]
    missing = across.missing
    return {"indicator": metrics[0]["label"], "linked": metrics[:3], "year": year, "status": status_name,
            "growth": growth, "over_years": over_years, "answer": answer, "facts": facts,
            "missing": missing, "sparql": sparql}


def _indicator_named(asker, name: str) -> list[dict]:
    """The metrics an indicator's name links, best first; InputError when none is named whole."""
    tables = asker.tables
    exact = tables["names"]["Metric"].get(name)
    if exact:  # a label or synonym as given: its indicator first
        iris = sorted(exact, key=lambda i: "/indicator/" not in i)
        metrics = [{"iri": i, "label": tables["labels"][i], "score": 2.0, "type": "Metric"} for i in iris]
    else:
        metrics = [m for m in asker.link_metrics(name) if len(m["label"]) >= len(name) - 2]
    if not metrics or metrics[0]["score"] < 1.0:  # the whole name, not a word inside it
        near = "、".join(dict.fromkeys(m["label"] for m in metrics[:5]))
        raise InputError(f"no indicator or metric called {name!r} in the graph"
                         + (f" (near: {near})" if near else ""))
    return metrics
