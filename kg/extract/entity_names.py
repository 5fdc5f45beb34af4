"""What agency and program rules share: EntityMention (a name found in the text), the character
classes and patterns of names, and the readers of a name: where the words before a head start,
the introducing verbs stripped, the items of a 、 list, whether a body is specific, holds a
place, a verb or a common word, the place a bare 省/市 stands for, overlapping mentions resolved.
May import kg.extract.entity_vocab, kg.gazetteer and jieba; no other kg.extract module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba

from kg.extract.entity_vocab import _enterprises, _generic_words, _head_at_end, _verbs
from kg.gazetteer import Home, Place, gazetteer

_HAN = "\u4e00-\u9fa5"
_STOP = "，。；：！？,!?;:\n（）()《》〔〕【】 \u3000\t—-"  # ends the words before a name (_name_start)
_LIST_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+[是要]|其[一二三四五六七八九十]是|第[一二三四五六七八九十]+是)")
_CATEGORY_WORDS = ("领域", "方面", "行业", "群体", "企业", "产业", "因素")
_CAPACITY = re.compile(r"(?:[一二三四五六七八九十]期)?年产能?[\d.]+")  # (二期)年产90万吨…
_POLICY_WORDING = re.compile(r"系列|一揽子|组合|若干|各项|相关|配套")  # 一揽子稳增长政策: wording, not a policy's name
_ORDINAL = re.compile(r"^第[\d一二三四五六七八九十百]+[次届期批]")


@dataclass
class EntityMention:
    kind: str  # Agency | Program
    start: int
    end: int
    name: str  # canonical label (place-qualified full name for agencies)
    surface: str  # as written
    place: Place | None = None
    aliases: set[str] = field(default_factory=set)
    national: bool = False  # a nationwide program or a central body: one entity for the corpus
    parent: str | None = None  # a department's government (河南省人民政府 for 河南省发展和改革委员会)
    body_of: "EntityMention | None" = None  # the organization whose name opens this one's (中国科学院 of 中国科学院水生生物研究所)
    site: tuple[int, int] | None = None  # where the text states the project's place (…项目在克东县建成投产)

    @property
    def key(self) -> tuple[str, ...]:
        """What identifies the entity across documents: its name, and for a local program also
        its place (自由贸易试验区 of Henan is not that of Jiangsu)."""
        if self.kind == "Program" and not self.national and self.place is not None:
            return (*self.place.key, self.name)
        return (self.name,)


def _pseg(words: str):
    """The words with their part-of-speech tags (jieba's posseg)."""
    import jieba.posseg as pseg  # lazy: ~0.3 s to import, and kg.graph loads this package for its numbers alone

    return list(pseg.cut(words))


def _ends_in_verb(item: str) -> bool:
    words = _pseg(item)
    return bool(words) and words[-1].flag.startswith("v")


def _has_verb(body: str) -> bool:
    """An organization's name holds no verb of a clause (白银入选…医疗集团 is a sentence)."""
    verbs = _verbs()
    return any(v in body for v in verbs if verbs[v] == "strong" and len(v) >= 2)


def _common_word(item: str) -> bool:
    """A list item that is one common dictionary word (交通, 工业, 耕地) names a field, not a
    program; proper names of mines and lines (九龙川, 雄商) are rare or unknown words."""
    jieba.setLogLevel(60)
    return jieba.dt.FREQ.get(item, 0) >= 1000 if len(jieba.lcut(item)) == 1 else False


def _holds_place(body: str) -> bool:
    return any(len(m.group(0)) >= 2 for m in gazetteer().patterns.finditer(body))


def _is_place_name(body: str) -> bool:
    m = gazetteer().patterns.fullmatch(body)
    return m is not None


def _proper_start(body: str) -> bool:
    """Whether a project's name opens with a proper name (a place or a known enterprise), as
    洛阳石化百万吨乙烯项目 and 中石油一体化转型升级项目 do, not with a description."""
    _table, ent = _enterprises()
    if re.match(ent, body) or re.match(r"[省市区县](?!场|级|域|属|内|外)", body) or _CAPACITY.match(body):
        return True  # an enterprise, the document's own place (市现代农业示范园项目), a capacity (年产5万吨…)
    gaz = gazetteer()
    m = gaz.patterns.match(body)
    return m is not None


def _specific(body: str, least: int = 2) -> bool:
    """Whether a name body says which program it is: something is left once generic words
    (重大, 重点, 民生, 抽水蓄能 …) are taken out; one-character ones only where they open it."""
    rest = body
    for w in sorted(_generic_words(), key=len, reverse=True):
        if len(w) > 1:
            rest = rest.replace(w, "")
    rest = rest.lstrip("".join(w for w in _generic_words() if len(w) == 1))
    if rest != body:  # beside generic words, a place, a year or a quarter says whose or when, not which
        rest = re.sub(r"20\d\d年?(?:度)?|[一二三四]季度|[上下]半年|[春夏秋冬]季", "", gazetteer().patterns.sub("", rest))
    return len(re.findall(f"[{_HAN}A-Za-z]", rest)) >= least  # (襄阳市2026年一季度重大项目; 湘潭经开区 is one)


def _anchor_place(anchor: str, home: Home) -> Place | None:
    """The place a bare 省/市/区/县/自治区 before a department name refers to: the document's own."""
    province, subject = home.province, home.subject
    if anchor == "省" or (anchor == "自治区" and province is not None and province.name.endswith("自治区")):
        return province if province is not None and province.name.endswith(anchor) else None
    if anchor == "市":
        city = home.city
        if subject is not None and subject.level == 1 and not subject.municipality:
            return None  # 市… in a provincial report means the cities, not one
        if subject is not None and subject.level == 3 and subject.name.endswith("市"):
            return subject  # 市人民政府 in 神木市's report is 神木市's (a county-level city)
        return city
    if anchor in ("区", "县"):
        if subject is not None and subject.level == 3:
            return subject
        if anchor == "区" and province is not None and province.name.endswith("自治区"):
            return province  # 区直部门 of an autonomous region
    return None


def _name_start(text: str, pos: int, limit: int = 30) -> int:
    """Where the words before pos start: after punctuation, 、, 等, 的 or quotes, and after 和/与/及
    where what stands before it is itself a program (…提升工程和物业服务质量提升行动); else 和 is
    inside the name (骨干水网及县域配套工程), which is then no clean name."""
    left = pos
    while left > 0 and pos - left < limit:
        c = text[left - 1]
        if c in "）)":  # 中国（上海）自由贸易试验区, 中新（重庆）…项目: a place in brackets is inside the name
            inner = re.search(rf"[（(]([{_HAN}]{{2,6}})$", text[max(0, left - 9):left - 1])
            if inner and left - 2 - len(inner.group(1)) > 0 and re.match(f"[{_HAN}]", text[left - 3 - len(inner.group(1))]):
                left -= len(inner.group(0)) + 1
                continue
        if c == "-" and left >= 2 and re.match(r"[A-Za-z0-9]", text[left - 2]) and re.match(r"[A-Za-z0-9]", text[left:left + 1] or "x"):
            left -= 1  # TFT-LCD玻璃基板二期工程
            continue
        if c == "—" and left >= 2 and text[left - 2] != "—" and re.match(f"[{_HAN}]", text[left - 2]) \
                and re.match(f"[{_HAN}]", text[left:left + 1] or "x"):
            left -= 1  # 中国—中亚峰会, 绥芬河—东宁…试验区: one name
            continue
        if c in _STOP + "、等的“”" or (c == "在" and text[left:left + 1] != "线") \
                or (c == "由" and text[left - 2:left - 1] != "自"):
            break  # 海南在全运会: the event is 全运会; 由…开发区承办: the zone (not 自由贸易…)
        if c in "和与及" and _head_at_end().search(text, 0, left - 1):
            break
        left -= 1
    return left


def _items_before(text: str, end: int) -> list[tuple[int, int]]:
    """Items of a 、 list ending at `end`, read right to left; the list opens where an item holds
    its introducing verb (建成雄商、济滨高铁), which is cut off."""
    items = []
    pos = end
    while True:
        start = _name_start(text, pos, 20)
        if start == pos:
            break
        seg = _strip_introducers(text[start:pos])
        items.append((pos - len(seg), pos))
        if len(seg) < pos - start or start == 0 or text[start - 1] != "、":
            break
        pos = start - 1
    return list(reversed(items))


def _strip_introducers(seg: str) -> str:
    """The name part of a clause segment before a head: leading verbs and adverbs removed, and
    everything up to the last strong verb (安徽高等研究院实施…项目 -> …项目)."""
    verbs = _verbs()
    by_length = sorted(verbs, key=len, reverse=True)
    seg = _LIST_MARKER.sub("", seg)  # 九是…工程, 一要…行动
    seg = re.sub(rf"^好(?=[{_HAN}])", "", seg)  # 落实好…: the verb's complement
    seg = re.split(r"(?<=[区园县团司镇乡])(?:投资|规划)?建设(?=[\u4e00-\u9fa5]{2})|(?<![现存所实正])在[\u4e00-\u9fa5]{2,8}?(?:投资|规划)?建设", seg)[-1]
    # 潍坊高新区建设微电子产业园三期工程, 在保定建设全球研发中心二期工程: what is built is the name
    built_in = re.match(rf"([{_HAN}]{{2,8}}?)(?:投资|规划)?建设(?=[{_HAN}]{{4}})", seg)
    if built_in and _is_place_name(built_in.group(1)):
        seg = seg[built_in.end():]  # (在)保定建设…: 在 ends the words before a name
    seg = re.split(r"[\d.]+[万亿]*元", seg)[-1]  # 安排资金5000万元支持…: a sum of money ends a clause, never a name
    original = seg = _strip_leading(seg, verbs, by_length)
    for v in by_length:
        if verbs[v] == "strong" and len(v) >= 2:  # 以, 要 are inside names (以工代赈) past the start
            k = seg.rfind(v)
            if k > 0:
                seg = seg[k + len(v):]
    return _strip_leading(seg, verbs, by_length) if seg != original else seg


def _strip_leading(seg: str, verbs: dict, by_length: list) -> str:
    changed, first = True, True
    while changed:
        changed = False
        for v in by_length:
            if len(v) == 1 and not first:
                continue  # 加大以工代赈政策: 以 is a verb only where it opens the clause
            if seg.startswith(v) and len(seg) > len(v):
                rest = seg[len(v):]
                if rest.startswith("性"):
                    continue  # 保障性安居工程: 保障性 is an adjective of the name, not a verb
                if verbs[v] == "adverb" and not any(rest.startswith(w) for w in verbs):
                    continue  # 高质量参保行动: an adverb-like word that is part of the name
                seg, changed = rest, True
                break
        first = False
    return seg


def _without_overlaps(found: list[EntityMention]) -> list[EntityMention]:
    """Longest first; a mention inside a longer one is dropped (国务院国资委 over 国务院)."""
    kept: list[EntityMention] = []
    for e in sorted(found, key=lambda e: (-(e.end - e.start), e.start, not e.national)):
        if not any(k.start <= e.start and e.end <= k.end for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)
