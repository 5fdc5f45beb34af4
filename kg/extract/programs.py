"""Programs named in the text (kg.extract.entities tells which): find_programs gathers the
quoted, headed, nationwide, event, policy-title and free-trade-zone names and gives each its
place (written, stated site, document's own) or makes it nationwide.
May import kg.extract.entity_names, kg.extract.entity_vocab, kg.extract.quoted_programs,
kg.extract.headed_programs, kg.gazetteer and kg.vocab.
"""
from __future__ import annotations

import re

from kg import vocab
from kg.extract.entity_names import (_HAN, _ORDINAL, EntityMention, _anchor_place, _proper_start, _specific,
                                     _strip_introducers, _strip_leading, _without_overlaps)
from kg.extract.entity_vocab import (_NATIONAL_INSIDE, _alternation, _head_at_end, _heads, _national_forms,
                                     _national_programs, _verbs)
from kg.extract.headed_programs import _headed_programs
from kg.extract.quoted_programs import _quoted_programs
from kg.gazetteer import Home, PlaceMention

_QUOTED_AFTER = re.compile(r"“[^”]{1,20}”[^，。；“]{0,6}?(?:工程|行动|计划|项目|战略|活动)")


def find_programs(text: str, mentions: list[PlaceMention], home: Home,
                  agencies: list[EntityMention] = ()) -> list[EntityMention]:
    found = (_quoted_programs(text) + _headed_programs(text) + _national_mentions(text) + _event_short_names(text)
             + _policy_documents(text) + _own_free_trade_zone(text, home))
    named = [m for m in mentions if not m.deictic]
    programs = [_after_locator(_after_place_verb(text, _after_agency(text, p, agencies), named), named)
                for p in _without_overlaps(found)]
    # a head inside an organization's name (中国科学院过程工程研究所) is no program's
    programs = [p for p in programs if not any(a.start < p.end < a.end and a.start < p.end for a in agencies)]
    local = home.subject or home.default
    table = _national_programs()
    for p in programs:
        form = next((f for f in _national_forms() if p.name.startswith(f)
                     and re.fullmatch(r"(?:国家|重大)?(?:战略|行动|工程|建设)?", p.name[len(f):])), None) if not p.national else None
        part = _NATIONAL_INSIDE().match(p.name) if form is None and not p.national else None
        if part and re.fullmatch(r"(?:[东西南北中]线|[一二三四五六七八九十]期)(?:工程|项目)?", p.name[part.end():]):
            p.national = True  # 南水北调中线工程: a line of the nationwide project
        if form is not None:  # 长三角一体化发展国家战略: the nationwide strategy
            p.aliases.add(p.name)
            p.name, p.national = table[form][0], True
            p.aliases |= table[form][1]
        if _NATIONWIDE.match(_ORDINAL.sub("", p.name)) and not _LOCAL_HEAD.search(p.name):
            p.national = True  # 国家水网骨干工程, 全国文明城市创建: one program for the whole country
        if re.match(r"中国[^（(·]", _ORDINAL.sub("", p.name)) and _heads().get(_head_at_end().search(p.name).group(0) if _head_at_end().search(p.name) else "") == "event" \
                and not any(p.start <= m.start < p.end for m in named):
            p.national = True  # 中国杨凌农业高新科技成果博览会 (no place we know in it): a national fair
        if p.national:
            continue
        written = next((m.place for m in named if m.start <= p.start < m.end), None) or next(
            (m.place for m in named if (0 <= p.start - m.end <= 1 and not re.search(r"[、，。；：,]", text[m.end:p.start]))
             or (0 <= p.start - m.end <= 8 and not re.search(r"[、，。；：,]", text[m.end:p.start])
                 and not _strip_introducers(text[m.end:p.start] + "X")[:-1])
             or (p.start <= m.start < min(p.end, p.start + 10))), None)  # 中国（上海）自由贸易试验区, 第26届中国（寿光）…
        if written is None:
            province = next((m.place for m in named if m.place.level == 1 and 0 < p.start - m.end <= 10
                             and not re.search(r"[、，。；：,]", text[m.end:p.start])
                             and not any(v in text[m.end:p.start] for v, s in _verbs().items() if s == "strong")), None)
            written = province  # 纳入浙江省扩大有效投资“千项万亿”工程: the province's program
        p.place = written or local
        if _BARE_ZONE.fullmatch(p.surface):
            p.place = home.province  # the province's own free trade zone
        site = _stated_site(text, p, named)
        if site is not None:
            p.place, p.site = site
        anchor = re.match(r"[省市区县]", p.name)
        if anchor and not re.match(r"[省市区县](?:场|级|域|属|内|外|民)", p.name):
            place = _anchor_place(anchor.group(0), home)
            if place is not None:  # 市现代农业示范园项目 -> 郑州市现代农业示范园项目
                p.aliases.add(p.name)
                p.name = place.name + p.name[1:]
                p.place = p.place if p.site is not None else place  # a stated site stays the place
    return _named_again(programs)


def _named_again(programs: list[EntityMention]) -> list[EntityMention]:
    """A program written again soon after by the last words of its name (临猗县“运城苹果”冷链物流园
    …，其中冷链物流园由…实施) is that program, not another: it takes the full name and place."""
    for i, p in enumerate(programs):
        if p.national or p.surface != p.name or len(p.name) < 4 or _proper_start(p.name):
            continue
        full = next((q for q in reversed(programs[:i]) if not q.national and p.start - q.end <= 200
                     and len(q.name) > len(p.name) and q.name.endswith(p.name)), None)
        if full is not None:
            p.aliases |= {p.name} | full.aliases
            full.aliases.add(p.name)
            p.name, p.place, p.site = full.name, full.place, None
    return programs


# a project's site as a sentence states it: X项目在克东县建成投产, X项目落户新区, 位于遂川县的X,
# 在北滘镇投资建设的X
_SITE_AFTER = re.compile(r"(?:已|正式|顺利|成功)?(?:在|落户|落地于?|位于|选址于?)")
_SITE_VERB = re.compile(r"(?:[^，。；、区园湾港城镇]{0,2}?)(?:建成|开工|投产|落地|落户|开建|动工|实施|建设|竣工)|[，。；]|$")
_SITE_BEFORE = re.compile(r"(?:投资)?(?:建设|新建|实施|落户|布局)?的$")


def _stated_site(text: str, p: EntityMention, named: list[PlaceMention]):
    """(place, quote span) where the sentence says where the project is."""
    after = _SITE_AFTER.match(text, p.end)
    if after:
        m = next((m for m in named if m.start == after.end()), None)
        if m is not None and _SITE_VERB.match(text, m.end):
            return m.place, (p.start, m.end)
    for m in named:
        cue = re.search(r"(?:在|位于|落户)$", text[max(0, m.start - 2):m.start])
        if m.end <= p.start and p.start - m.end <= 6 and _SITE_BEFORE.search(text[m.end:p.start]) and cue:
            return m.place, (m.start - len(cue.group(0)), p.end)
    return None


_NATIONWIDE = re.compile(r"(?:国家|全国|中央)(?!级)")
_LOCAL_HEAD = re.compile(r"(?:区|港|基地|园|城|中心|枢纽|机场|站|港区|示范市|示范县|城市)$")  # a place's zone or facility


def _after_agency(text: str, p: EntityMention, agencies) -> EntityMention:
    """A program's name that opens with an agency's name: where a verb stands between them, the
    program is what follows the verb (…学院建设锂电实训基地 -> 锂电实训基地); else the owner stays in
    the name (绍兴市上虞人民医院医技综合楼工程), what follows it an alias."""
    for a in agencies:
        if a.start == p.start and a.end < p.end - 3 and p.surface == p.name == text[p.start:p.end]:
            rest = text[a.end:p.end]
            if re.match(r"[一二三四五六七八九十\d]+期", rest) or not _specific(rest, 4):
                return p  # 长江存储三期项目: the company's own project, named by the company
            verbs = _verbs()
            bare = _strip_leading(rest, verbs, sorted(verbs, key=len, reverse=True))  # …学院建设…基地
            if bare == rest:
                p.aliases.add(rest)  # 绍兴市上虞人民医院医技综合楼工程: the owner says which building
                return p
            start = p.end - len(bare)
            return EntityMention("Program", start, p.end, bare, bare, p.place, aliases={bare, p.name})
    return p


def _after_place_verb(text: str, p: EntityMention, named: list[PlaceMention]) -> EntityMention:
    """A name that opens with a place and a verb (支持讷河市建设…基地二期) is what follows the verb;
    one that opens with 了 after a verb (开工了…产业园) is what follows 了."""
    if p.surface != p.name or p.name != text[p.start:p.end] or p.national:
        return p
    if p.name.startswith("了") and p.start > 0 and re.match(f"[{_HAN}]", text[p.start - 1]):
        bare = p.name[1:]
    else:
        place = next((m for m in named if m.start == p.start and m.end < p.end - 3), None)
        if place is None:
            return p
        rest = text[place.end:p.end]
        verbs = _verbs()
        bare = _strip_leading(rest, verbs, sorted(verbs, key=len, reverse=True))
        if bare == rest:
            return p
    if len(bare) < 4:
        return p
    start = p.end - len(bare)
    return EntityMention("Program", start, p.end, bare, bare, p.place, aliases={bare})


def _after_locator(p: EntityMention, named: list[PlaceMention]) -> EntityMention:
    """A name that opens with a district and then a zone named by a place above it (蔡甸区武汉经济技术
    开发区常福工业园) is the zone's: the district only says where it lies."""
    if p.surface != p.name or p.national:
        return p
    first = next((m for m in named if m.start == p.start), None)
    second = next((m for m in named if first is not None and m.start == first.end and m.end < p.end - 3), None)
    if second is None or second.place.level >= first.place.level:
        return p  # 武汉市江夏区…: a city and its district name the place together
    bare = p.name[second.start - p.start:]
    return EntityMention("Program", second.start, p.end, bare, bare, p.place, aliases={bare, p.name})


_POLICY_TITLE = re.compile(r"《([^《》\n]{4,60}?(?:方案|规划|计划|意见|办法|措施|条例|纲要|政策|细则|规定|行动)"
                           r"(?:[（(][\d—–\-～~至年]+[）)])?)》")


_BARE_ZONE = re.compile(rf"(?<![{_HAN}）)])(?:自由贸易试验区|自贸试验区|自贸区)(?![{_HAN}]{{2,4}}片区|改革|经验|建设经验|制度)")


def _own_free_trade_zone(text: str, home: Home) -> list[EntityMention]:
    """自贸试验区 written without a place in a document of a province that has one is its own
    (中国（四川）自由贸易试验区)."""
    zones = {row[0]: row[1] for row in vocab.table("free_trade_zones")}
    zone = zones.get(home.province.name) if home.province is not None else None
    if zone is None:
        return []
    return [EntityMention("Program", m.start(), m.end(), zone, m.group(0), aliases={zone, m.group(0)})
            for m in _BARE_ZONE.finditer(text)]


def _policy_documents(text: str) -> list[EntityMention]:
    """A plan, policy or regulation cited by its title (《…实施方案（2026—2028年）》) is a program;
    a report or notice (《政府工作报告》, 《…的通知》) is a document, not one."""
    out = []
    for m in _POLICY_TITLE.finditer(text):
        title = m.group(1)
        out.append(EntityMention("Program", m.start(), m.end(), title, m.group(0), aliases={title, m.group(0)}))
    return out


_EVENT_SHORT = re.compile(rf"[{_HAN}]{{1,2}}(?:博|洽|交|贸|高)会")


def _event_short_names(text: str) -> list[EntityMention]:
    """The genre's short names of fairs and expos (丝博会, 哈洽会, 农高会, 服贸会), written alone:
    after a verb, punctuation or 、, and before punctuation, 、, 等, 期间 or 上."""
    out = []
    for m in _EVENT_SHORT.finditer(text):
        start = m.start() + (1 if m.group(0)[0] in "届次期年" else 0)  # 第138届广交会
        before, after = text[:start], text[m.end():m.end() + 2]
        opened = not before or not re.match(f"[{_HAN}]", before[-1]) or any(before.endswith(v) for v in _verbs())
        closed = not after or not re.match(f"[{_HAN}]", after[0]) or re.match(r"等|期间|上|和|、", after)
        if (opened or start > m.start()) and closed:
            name = text[start:m.end()]
            out.append(EntityMention("Program", start, m.end(), name, name, aliases={name}))
    return out


# what may follow a nationwide program's name where it stands as the program (not 乡村振兴示范县,
# not 黄河流域生态保护和高质量发展先行区, a local zone)
_NATIONAL_FOLLOWERS = ("战略", "行动", "工程", "建设", "政策", "规划", "倡议", "任务", "工作", "要求", "部署",
                       "目标", "资金", "国家", "等", "项目", "机制", "改革", "和", "与", "及", "为", "中的")


def _national_mentions(text: str) -> list[EntityMention]:
    """Nationwide programs named anywhere; a short or unquoted form only where it stands as a
    name (followed by punctuation, a head or 任务/工作…, not inside a longer noun)."""
    table = _national_programs()
    heads = _alternation(_NATIONAL_FOLLOWERS)
    out = []
    for m in re.finditer(_alternation(table), text):
        form = m.group(0)
        quoted = form.startswith("“") or (m.start() > 0 and text[m.start() - 1] == "“")
        after = text[m.end():m.end() + 6]
        if len(form.strip("“”")) <= 2 and not quoted:
            continue
        if not quoted and after and re.match(f"[{_HAN}]", after[0]) and not re.match(heads, after) \
                and not re.search(r"(?:项目|工程|行动)$", form) \
                and not (after[0] == "的" and re.search(f"(?:{heads})$", form)):  # 城市更新行动的子项目, 山水林田湖草项目补助资金
            # (质量强国建设领军企业 is a class of firms: 建设 does not close a name)
            continue
        if not quoted and _QUOTED_AFTER.match(text, m.end()):
            continue  # 乡村振兴“百村示范…”工程: the start of a quoted program's name
        if re.search(r"(?:赴|到|去|来自|前往|深耕|面向)$", text[max(0, m.start() - 2):m.start()]) and not quoted:
            continue  # 赴粤港澳大湾区、长三角开展招商: the region as a place
        if re.match(rf"项目[\d一二三四五六七八九十]+个|(?:、[{_HAN}]{{2,8}})*等?(?:领域|行业|方面)", text[m.end():m.end() + 40]):
            continue  # 实施城市更新项目16个: projects of that kind counted; …、城市更新、文旅等领域: a field
        if quoted and re.match(r"”?(?:时期|期间|末|以来|初|开局)", after):
            continue  # “十五五”时期 is the period, not the plan
        canonical, forms = table[form]
        out.append(EntityMention("Program", m.start(), m.end(), canonical, form, aliases=set(forms), national=True))
    return out
