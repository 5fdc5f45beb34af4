"""Agencies and programs named in the text.

Agencies: government bodies (市工信局, 省财政厅, 郑州市医疗保障中心), party and people's congress
bodies, state-owned groups and companies, recognised by the suffixes of Chinese organisation
names and anchored on a place (a place name or 市/省/区/县) where the suffix alone is ambiguous.
Programs: policies, plans, campaigns, platforms, projects and named strategies — quoted names with
a program word after them (“三个一批”活动, “郑好房”平台, “1358”战略), unquoted names ending in a
program word (中欧班列, 城市更新行动), and titles of documents in 《》.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .places import Home, Place, PlaceMention

_HAN = "\u4e00-\u9fa5"
# suffixes that name a government body when anchored on a place or 市/省/区/县
_GOV_SUFFIX = (r"人民政府|人大常委会|政协|委员会办公室|委员会|管理委员会|管委会|办公室|办公厅|事务中心|服务中心|"
               r"保障中心|中心|局|厅")
# suffixes that name an organisation by themselves
_ORG_SUFFIX = r"股份有限公司|有限责任公司|有限公司|集团有限公司|集团|公司|银行|交易所|研究院|科学院|大学|学院|协会|商会"
_BAD_AGENCY = re.compile(r"^(?:市场|区域|县域|市区|省级|市级|区级|县级|省内|市内|市委常委会|省委常委会)|"
                         r"(?:中心城市|中心城区|城市中心|中心区|学院路|大学城|大学生)$")
_PROGRAM_WORDS = (r"活动|行动|专项行动|三年行动|攻坚行动|工程|计划|战略|平台|政策|改革|机制|体系|试点|模式|品牌|"
                  r"班列|示范区|试验区|先行区|集结中心|APP|App|app|热线|项目|规划|方案|行动方案|实施方案|条例|办法|意见")
_QUOTED_PROGRAM = re.compile(rf"“([^”“]{{2,16}})”({_PROGRAM_WORDS})?")
_UNQUOTED_PROGRAM = re.compile(rf"(?<![{_HAN}“A-Za-z0-9])([{_HAN}A-Za-z0-9]{{2,10}}?(?:班列|专项行动|三年行动|攻坚行动|行动计划|"
                               rf"示范区|试验区|先行区|集结中心))")
_TITLE = re.compile(r"《([^《》]{4,60})》")
_ABBREVIATION = re.compile(rf"([{_HAN}A-Za-z0-9（）()]{{4,40}})[（(](?:以下)?简称[“\"]?([{_HAN}A-Za-z0-9]{{2,12}})[”\"]?[）)]")


@dataclass
class EntityMention:
    kind: str  # Agency | Program
    start: int
    end: int
    name: str  # canonical name (place-qualified for agencies where the text says 市/省)
    surface: str
    place: Place | None = None


def find_agencies(text: str, mentions: list[PlaceMention], home: Home, subject: Place | None) -> list[EntityMention]:
    out: list[EntityMention] = []
    by_start = {m.start: m for m in mentions if not m.deictic}
    # 1) anchored on a place name or a level character
    pattern = re.compile(rf"(?:(?<=[^{_HAN}])|^)?([市省区县]|{'|'.join(map(re.escape, {m.surface for m in by_start.values()})) or '(?!)'})"
                         rf"([{_HAN}]{{1,10}}?)({_GOV_SUFFIX})(?![{_HAN}]{{0,1}}(?:城市|城区|路|街))")
    for m in pattern.finditer(text):
        anchor, body, suffix = m.group(1), m.group(2), m.group(3)
        surface = m.group(0)
        if _BAD_AGENCY.search(surface) or re.search(r"[第届的了在和与及将为是\d]|成功|发行", body):
            continue
        if suffix == "中心" and len(body) < 2:
            continue
        if anchor in "市省区县" and len(anchor) == 1:
            if m.start() > 0 and re.match(f"[{_HAN}]", text[m.start() - 1]) and text[m.start() - 1] not in "和与及、经由从在向据对":
                continue  # 城市管理局 is not 市管理局
            place = {"省": home.province, "市": home.city}.get(anchor, subject)
            if place is None:
                continue
            name = place.name + surface[1:]  # 市工信局 in a Zhengzhou document -> 郑州市工信局
        else:
            pm = by_start.get(m.start())
            place = pm.place if pm else None
            rest = surface[len(anchor):]
            if place is not None and rest[:1] == place.name[-1]:
                rest = rest[1:]  # 郑州 + 市工信局
            name = surface if place is None else place.name + rest
        out.append(EntityMention("Agency", m.start(), m.end(), name, surface, place))
    # 2) self-standing organisation names (集团, 公司, 银行 ...)
    taken = [(a.start, a.end) for a in out]
    for m in re.finditer(rf"([{_HAN}A-Za-z]{{2,14}})({_ORG_SUFFIX})(?![生城园区路站化制性])", text):
        if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
            continue
        body = noun_tail(m.group(1) + m.group(2))[: -len(m.group(2))]
        if len(body) < 2 or re.search(r"[的了和与及、]", body):
            continue
        start = m.end() - len(body) - len(m.group(2))
        surface = text[start:m.end()]
        if _BAD_AGENCY.search(surface):
            continue
        pm = next((p for p in mentions if p.start == start and not p.deictic), None)
        place, name = (pm.place if pm else None), surface
        if pm is None and surface[0] in "省市" and (start == 0 or not re.match(f"[{_HAN}]", text[start - 1])):
            place = home.province if surface[0] == "省" else home.city  # 省科学院 -> 河南省科学院
            name = place.name + surface[1:] if place else surface
        out.append(EntityMention("Agency", start, m.end(), name, surface, place))
    return sorted(out, key=lambda e: e.start)


def find_programs(text: str) -> list[EntityMention]:
    out: list[EntityMention] = []
    for m in _QUOTED_PROGRAM.finditer(text):
        inner, word = m.group(1), m.group(2)
        if not word and not re.search(rf"(?:{_PROGRAM_WORDS})$", inner):
            continue  # a bare slogan in quotes is not named as a program
        if re.search(r"[，。；！？\n]", inner):
            continue
        name = f"“{inner}”{word or ''}"
        out.append(EntityMention("Program", m.start(), m.end(), name, m.group(0)))
    for m in _UNQUOTED_PROGRAM.finditer(text):
        name = noun_tail(m.group(1))
        if len(name) < 4 or re.search(r"[的了和与及、\n]", name):
            continue
        start = m.end() - len(name)
        if any(p.start <= start < p.end for p in out):
            continue
        out.append(EntityMention("Program", start, m.end(), name, name))
    for m in _TITLE.finditer(text):
        title = m.group(1)
        if "\n" in title:
            continue
        if re.search(rf"(?:{_PROGRAM_WORDS}|纲要|决定|通知|报告|规定|细则|指南|（试行）|\(试行\))$", title) or "规划" in title:
            out.append(EntityMention("Program", m.start(), m.end(), f"《{title}》", m.group(0)))
    return sorted(out, key=lambda e: e.start)


_NOUN_FLAGS = ("n", "nr", "ns", "nt", "nz", "nrt", "vn", "b", "j", "eng", "an", "l")
_ACTION_WORDS = {"建设", "实施", "推进", "推动", "开展", "打造", "加快", "开行", "完成", "深化", "高质量", "助力",
                 "启动", "落地", "签约", "建成", "依靠", "联合",
                 "组建", "成立", "设立", "引进", "支持", "依托", "持续", "全面", "积极", "重点", "加强", "提升"}


def noun_tail(text: str) -> str:
    """The noun phrase that ends a string: jieba's part-of-speech tags, read from the end
    until a verb, numeral, pronoun or preposition ("这是郑州公用集团" -> "郑州公用集团")."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    words = list(pseg.cut(text))
    keep = []
    for w in reversed(words):
        if (w.flag.startswith(_NOUN_FLAGS) or w.flag in _NOUN_FLAGS) and w.word not in _ACTION_WORDS:
            keep.append(w.word)
        else:
            break
    return "".join(reversed(keep))


def find_abbreviations(text: str) -> list[tuple[str, str]]:
    """(full name, short name) pairs the text itself states: X（以下简称“Y”）."""
    return [(m.group(1), m.group(2)) for m in _ABBREVIATION.finditer(text)]
