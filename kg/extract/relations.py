"""Relations between agencies, programs and places that a sentence states, each with its quote
(README, "Relations"). The cue words are data: kg/vocab/relation_cues.tsv.

- responsible: an agency leads, runs, hosts or issues a program (由A牵头实施X, A印发X, A主办的X,
  X由A负责); agencies written together before a joint verb (由A和B联合实施) all lead it;
- participating: an agency takes part without leading (A会同B…: B; …，B配合; B参与X; B承办/协办);
- partOf: a program is part of another (Y是X的子项目, X中的Y, Y纳入X);
- agreement: a place or an agency signs with an organization (市政府与A签订战略合作协议, 与A签约);
- superior: an agency under another, as stated (A隶属于B, B下属的A, B全资子公司A) or as its name
  says (中国科学院水生生物研究所, 中国工商银行吉安分行, 国家统计局上饶调查队);
- located: a project's site as stated (X项目在克东县建成投产, 位于遂川县的X, 在北滘镇投资建设的X).

Every rule works inside one sentence (up to 。；！？ or a line end) and needs both ends named as
entities there: a relation is never guessed from two names far apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg import vocab
from kg.extract.entity_names import EntityMention
from kg.extract.entity_vocab import _departments
from kg.gazetteer import Home, PlaceMention

PREDICATES = ("responsible", "participating", "partOf", "agreement", "superior", "located")


@dataclass
class Relation:
    kind: str  # one of PREDICATES
    subject: tuple  # ("Program" | "Agency" | "Place", key)
    object: tuple
    start: int  # the quote: from the first end to the last, cue words included
    end: int
    quote: str = ""
    passage: int | None = None  # the passage order the quote lies in (set by extraction)
    named: EntityMention | None = None  # an agency the relation names that is no other mention (牵头单位：教育厅)


@lru_cache(maxsize=None)
def _cues() -> dict[str, tuple[str, ...]]:
    """role -> cue words, longest first (relation_cues.tsv: word<TAB>role)."""
    out: dict[str, list[str]] = {}
    for row in vocab.table("relation_cues"):
        out.setdefault(row[1], []).append(row[0])
    return {role: tuple(sorted(words, key=len, reverse=True)) for role, words in out.items()}


def _alt(role: str) -> str:
    return "|".join(map(re.escape, _cues()[role]))


_SENTENCE_END = "。；！？;!?\n"
# a verb between the cue and the program makes the program another verb's object
# (市商务局组织86家企业参加…博览会: the bureau takes firms to the fair, it does not run it)
_OTHER_VERB = re.compile(r"参加|参与|出席|参展|亮相|前往|赴|走进|入驻|加入|观摩|学习")
_CLAUSE_END = _SENTENCE_END + "，,："
_JOINER = re.compile(r"[、和与及]|以及")


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, pos) for c in _SENTENCE_END) if i >= 0]
    return start, min(ends) if ends else len(text)


def _run_after(text: str, pos: int, by_start: dict[int, EntityMention], limit: int) -> list[EntityMention]:
    """Agencies written one after another from pos (A、B和C): the run, possibly empty."""
    run = []
    while pos in by_start and pos < limit:
        a = by_start[pos]
        run.append(a)
        j = _JOINER.match(text, a.end)
        if j is None or j.end() not in by_start:
            break
        pos = j.end()
    return run


def _run_before(text: str, end: int, by_end: dict[int, EntityMention]) -> list[EntityMention]:
    """Agencies written one after another and ending at `end`."""
    run = []
    while end in by_end:
        a = by_end[end]
        run.insert(0, a)
        k = a.start
        joined = next((k - len(j) for j in ("以及", "、", "和", "与", "及") if text.startswith(j, k - len(j))), None)
        if joined is None or joined not in by_end:
            break
        end = joined
    return run


def find_relations(text: str, agencies: list[EntityMention], programs: list[EntityMention],
                   places: list[PlaceMention], home: Home) -> list[Relation]:
    found: list[Relation] = []
    by_start = {a.start: a for a in agencies}
    by_end = {a.end: a for a in agencies}
    found += _responsible(text, agencies, programs, by_start, by_end)
    found += _lead_units(text, agencies, programs, home)
    found += _part_of(text, programs)
    found += _agreements(text, agencies, places, home, by_start, by_end)
    found += _superiors(text, agencies, by_start)
    found += _named_superiors(agencies)
    found += [Relation("located", _ref(p), ("Place", p.place), *p.site) for p in programs if p.site is not None]
    seen, out = set(), []
    for r in found:
        if r.subject == r.object or (r.kind, r.subject, r.object) in seen:
            continue
        seen.add((r.kind, r.subject, r.object))
        r.quote = text[r.start:r.end]
        out.append(r)
    return out


def _ref(m: EntityMention) -> tuple:
    return (m.kind, m.key)


def _relation(kind: str, subject: EntityMention, obj, *spans) -> Relation:
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    other = obj if isinstance(obj, tuple) else _ref(obj)
    return Relation(kind, _ref(subject), other, start, end)


def _responsible(text, agencies, programs, by_start, by_end) -> list[Relation]:
    out = []
    lead = re.compile(rf"(?:{_alt('lead')})")
    join = re.compile(rf"(?:{_alt('joint')})")
    assist = re.compile(rf"(?:{_alt('assist')})")
    for s_start in sorted({_sentence(text, a.start)[0] for a in agencies}):
        s_end = _sentence(text, s_start)[1]
        in_sentence = [p for p in programs if s_start <= p.start and p.end <= s_end]
        if not in_sentence:
            continue
        pos = s_start
        while pos < s_end:
            run = _run_after(text, pos, by_start, s_end)
            if not run:
                pos += 1
                continue
            after = run[-1].end
            by = text[max(s_start, run[0].start - 1):run[0].start] == "由"
            leaders, helpers = list(run), []
            rest = text[after:s_end]
            # A会同/联合/配合 B…: B takes part (A携手B…: both lead)
            with_m = re.match(rf"(?:{_alt('with')})|(?:{_alt('together')})", rest)
            if with_m:
                second = _run_after(text, after + with_m.end(), by_start, s_end)
                if second:
                    (leaders if with_m.group(0) in _cues()["together"] else helpers).extend(second)
                    after = second[-1].end
                    rest = text[after:s_end]
            verb = re.match(rf"(?:共同|联合|一起)?(?:{lead.pattern}|{join.pattern})", rest)
            helper_verb = re.match(rf"(?:共同)?(?:{assist.pattern})", rest)
            if verb is None and helper_verb is None:
                pos = run[-1].end
                continue
            cue_end = after + (verb or helper_verb).end()
            role_all = "responsible" if verb else "participating"
            if verb is not None and text[cue_end:cue_end + 1] in "、，,":  # 由A牵头、B配合(，)实施X
                second = _run_after(text, cue_end + 1, by_start, s_end)
                helped = second and re.match(rf"(?:共同)?(?:{assist.pattern})[，,]?(?:{lead.pattern}|{join.pattern})?",
                                             text[second[-1].end:s_end])
                if helped and text[cue_end] != "、" and not re.search(rf"(?:{lead.pattern}|{join.pattern})$", helped.group(0)):
                    helped = None  # X由A负责，B配合: the helpers of X, read after the targets
                if helped:
                    helpers.extend(second)
                    cue_end = second[-1].end + helped.end()
            # the programs: after the verb in the clause(s) that follow (A牵头实施X; A主办的X),
            # else, after 由, the program the sentence is about (X由A牵头)
            targets = [p for p in in_sentence if p.start >= cue_end and not _OTHER_VERB.search(text[cue_end:p.start])
                       and not any(c in text[cue_end:p.start] for c in _CLAUSE_END) and p.start - cue_end <= 40
                       and not any(cue_end <= a.start < p.start for a in agencies)]
            targets = targets[:1] + [p for p in targets[1:] if re.fullmatch(r"[、和与及]|以及", text[targets[0].end:p.start] or "x")] \
                if targets else []
            if not targets and by and re.match(r"[，。；,;]|$", text[cue_end:s_end]):  # X…，由A负责实施。 (由A主办Y: Y)
                before = [p for p in in_sentence if p.end <= run[0].start and
                          not any(p.end <= a.start < run[0].start for a in agencies)]
                targets = before[-1:]
                if len(before) >= 2 and re.fullmatch(r"(?:是|为|作为|属于)[^，。；、]{0,8}", text[before[-2].end:before[-1].start]) \
                        and re.match(rf"的?(?:{_alt('member')})", text[before[-1].end:run[0].start]):
                    targets = before[-2:-1]  # X是Y的子项目，由A负责实施: A runs X, not Y
            for p in targets:
                for a in leaders:
                    out.append(_relation(role_all, p, a, (run[0].start, cue_end), (p.start, p.end)))
                for a in helpers:
                    out.append(_relation("participating", p, a, (run[0].start, cue_end), (p.start, p.end)))
            # 由A牵头，B、C配合: the helpers named after the lead's clause
            if targets and verb is not None:
                from_ = max(cue_end, *(p.end for p in targets))
                tail = re.match(rf"[，,]([^，。；]*?)(?:{assist.pattern})", text[from_:s_end])
                if tail:
                    helpers2 = [a for a in agencies if from_ < a.start and a.end <= from_ + tail.end()]
                    for a in helpers2:
                        for p in targets:
                            out.append(_relation("participating", p, a, (run[0].start, from_ + tail.end()),
                                                 (p.start, p.end)))
            pos = max(cue_end, run[-1].end)
    return out


_LEAD_UNITS = re.compile(r"[（(](?:牵头单位|责任单位|牵头部门|责任部门)[：:]([^）)]{2,80})[）)]")


def _lead_units(text, agencies, programs, home: Home) -> list[Relation]:
    """A task list's item that ends with （牵头单位：教育厅、人社厅）: those bodies of the document's
    own government lead every program the item names (the genre writes them without the place)."""
    out = []
    full, _pattern = _departments()
    place = home.subject or home.default
    for m in _LEAD_UNITS.finditer(text):
        item_start = max(text.rfind(c, 0, m.start()) for c in "。\n") + 1
        item_programs = [p for p in programs if item_start <= p.start and p.end <= m.start()]
        if not item_programs:
            continue
        pos = m.start(1)
        for piece in re.split(r"[、，,]", m.group(1)):
            start, end = pos, pos + len(piece)
            pos = end + 1
            named = next((a for a in agencies if a.start <= start and end <= a.end), None)
            if named is None:
                body = piece.strip().lstrip("省市区县").strip()
                if body not in full or place is None:
                    continue
                named = EntityMention("Agency", start, end, place.name + full[body], piece, place)
            for p in item_programs:
                out.append(Relation("responsible", _ref(p), ("Agency", named.key), p.start, m.end(),
                                    named=named if named not in agencies else None))
    return out


def _part_of(text, programs) -> list[Relation]:
    """Y是X的子项目 / X中的Y / Y纳入X: a program inside another, both named in the sentence."""
    out = []
    inner = re.compile(rf"(?:{_alt('inside')})")
    into = re.compile(rf"(?:{_alt('into')})")
    for i, x in enumerate(programs):
        for y in programs[i + 1:]:
            gap = text[x.end:y.start]
            if len(gap) > 12 or any(c in gap for c in _SENTENCE_END):
                break
            if inner.fullmatch(gap):  # X中的Y, X下的Y: Y is part of X
                out.append(_relation("partOf", y, x, (x.start, y.end)))
            elif re.fullmatch(rf"(?:被|已)?(?:{into.pattern})(?:了)?", gap):  # Y纳入X
                out.append(_relation("partOf", x, y, (x.start, y.end)))
            elif re.fullmatch(r"(?:是|为|作为|属于)", gap) and re.match(rf"(?:的)?(?:{_alt('member')})", text[y.end:]):
                m = re.match(rf"(?:的)?(?:{_alt('member')})", text[y.end:])
                out.append(_relation("partOf", x, y, (x.start, y.end + m.end())))  # Y是X的子项目
    return out


_GOVERNMENT = re.compile(r"(?:人民政府|政府|管委会|管理委员会)$")


_UNNAMED_SUBSIDIARY = r"(?:[（(][^（()）]{1,12}[）)])?(?:下属|所属|旗下)的?(?:企业|公司|子公司|单位|机构)"  # (CATL)下属企业


def _agreements(text, agencies, places, home: Home, by_start, by_end) -> list[Relation]:
    """A与B签订…协议 / 与B签约 (the document's place signs) / A和B达成合作: the government or
    place is the subject where one is named, the other party the object."""
    out = []
    sign = re.compile(rf"(?:{_alt('sign')})")
    named_places = {m.end: m for m in places}
    for a in agencies:
        joined = re.match(r"与|同|和|跟", text[a.start - 1:a.start] or "x")
        if not joined:
            continue
        s_start, s_end = _sentence(text, a.start)
        parties = _run_after(text, a.start, by_start, s_end)
        if parties[0] is not a or re.match(_UNNAMED_SUBSIDIARY, text[parties[-1].end:]):
            continue  # 与中粮集团下属企业签约: an unnamed subsidiary signs, not the group
        tail = text[parties[-1].end:s_end]
        cue = sign.search(tail)
        if cue is None or cue.start() > 20:
            continue
        if re.search(rf"(?:{_alt('lead')}|{_alt('joint')}|{_alt('assist')})", tail[:cue.start()]):
            continue  # 由农业农村部、商务部和省政府联合主办，…现场签约: co-hosts, not parties to a deal
        cue_end = parties[-1].end + cue.end()
        left = a.start - 1
        first = _run_before(text, left, by_end)
        place = named_places.get(left)
        if first:
            subjects = first
        elif place is not None and not place.deictic:
            subjects = [("Place", place.place, place.start, place.end)]
        elif place is not None or left == s_start or re.search(r"(?:^|[，,])(?:我[省市区县州]|[省市区县]政府)?$", text[s_start:left]):
            if home.default is None:
                continue
            start = place.start if place is not None else left
            subjects = [("Place", home.default, start, left)]
        else:
            continue
        # the government is the subject, the enterprise the object (A集团与市政府签约)
        if first and not any(_GOVERNMENT.search(s.name) for s in first) and any(_GOVERNMENT.search(p.name) for p in parties):
            subjects, parties = parties, first
        for s in subjects:
            for p in parties:
                if isinstance(s, tuple):
                    out.append(Relation("agreement", ("Place", s[1]), _ref(p), s[2], cue_end))
                else:
                    out.append(_relation("agreement", s, p, (s.start, s.end), (p.start, p.end), (p.end, cue_end)))
    return out


def _named_superiors(agencies) -> list[Relation]:
    """中国科学院水生生物研究所 -> 中国科学院, …研究院永川分院 -> …研究院 -> 中国科学院: a body whose name
    opens with another's is under it. A hospital named after a university (武汉大学人民医院) is
    affiliated, not a unit of it: no relation."""
    out = []
    for a in agencies:
        x = a
        while x.body_of is not None and not x.name.endswith("医院"):  # (nor does the chain above it go on)
            out.append(Relation("superior", _ref(x), _ref(x.body_of), x.start, x.end, named=x.body_of))
            x = x.body_of
    return out


def _superiors(text, agencies, by_start) -> list[Relation]:
    """A隶属于B / B下属的A / B所属A / B全资子公司A, as the sentence states it."""
    out = []
    under = re.compile(rf"(?:{_alt('under')})")
    owns = re.compile(rf"(?:{_alt('owns')})")
    for a in agencies:
        m = under.match(text, a.end)
        if m and m.end() in by_start:
            b = by_start[m.end()]
            out.append(_relation("superior", a, b, (a.start, b.end)))
        m = owns.match(text, a.end)
        if m and m.end() in by_start:
            b = by_start[m.end()]
            out.append(_relation("superior", b, a, (a.start, b.end)))
    return out
