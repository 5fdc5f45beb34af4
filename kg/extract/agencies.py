"""Agencies named in the text (kg.extract.entities tells which): central bodies, departments
and party or congress bodies of a place, organizations named after a place, 中国 or a brand,
enterprises listed before 等…企业, zone committees, and the sub-body written after its parent.
May import kg.extract.entity_names, kg.extract.entity_vocab and kg.gazetteer.
"""
from __future__ import annotations

import re

import jieba

from kg import vocab
from kg.extract.entity_names import (_HAN, EntityMention, _anchor_place, _common_word, _ends_in_verb, _has_verb,
                                     _is_place_name, _items_before, _name_start, _pseg, _specific,
                                     _strip_introducers, _without_overlaps)
from kg.extract.entity_vocab import _departments, _enterprises, _generic_words, _national_agencies, generic_organizations
from kg.gazetteer import Home, PlaceMention, gazetteer

_NAME_CHAR = rf"[{_HAN}A-Za-z0-9+×·]"
_CONNECTORS = "和与及、经由从在向据对同会为将把被，；：（("  # may stand before a bare 省/市 anchor
# self-standing organization suffixes (after a written place or 中国)
_LEGAL_SUFFIX = re.compile(r"(?:集团)?(?:股份)?有限(?:责任)?公司|股份公司")  # …股份有限公司 after a name
_ORG_SUFFIX = (r"集团有限公司|股份有限公司|有限责任公司|有限公司|集团|公司|银行|交易所|研究院|科学院|研究所|监管分局|调查队|"
               r"大学|学院|实验室|医院|海关|仲裁院")
_NOT_ORG_AFTER = r"[生城园区路站化制性长]|科技园|科技城"  # 大学生, 大学城, 公司化 are not names
_NOT_ORG_BODY = re.compile(r"^[级属内外直]|\d+个|[的和与及、，厅局]|联合|会同|隶属|下属|所属|^(?:各|有关|相关|重点|一批)")


def find_agencies(text: str, mentions: list[PlaceMention], home: Home) -> list[EntityMention]:
    out: list[EntityMention] = []
    out += _central_bodies(text)
    out += _local_bodies(text, mentions, home)
    out += _named_organizations(text, mentions, home)
    out += _dictionary_organizations(text)
    out += _listed_enterprises(text)
    out += _zone_committees(text, mentions, home)
    found = _without_overlaps([_with_campus(text, _with_sub_bodies(text, a)) for a in out])
    return _group_subsidiaries(text, _local_bureaus(text, found))


def _local_bureaus(text: str, found: list[EntityMention]) -> list[EntityMention]:
    """A central body's name written right before a place's bureau is that bureau's full name
    (国家税务总局株洲市税务局): one agency, the local bureau, with the central body above it."""
    out: list[EntityMention] = []
    for a in found:
        central = out[-1] if out else None
        if central is not None and central.national and central.end == a.start and central.surface.endswith("总局") \
                and a.place is not None and a.body_of is None and a.surface.endswith("局"):
            written = text[central.start:a.end]
            out[-1] = EntityMention("Agency", central.start, a.end, written, written, a.place,
                                    aliases={written}, body_of=central)
            continue
        out.append(a)
    return out


_CAMPUS = re.compile(rf"[（(]([{_HAN}]{{2,3}})[）)]")
_REGIONS = ("华东", "华北", "华南", "华中", "西南", "西北", "东北")


def _with_campus(text: str, a: EntityMention) -> EntityMention:
    """A university's place in brackets right after its name is part of it: 中国石油大学（华东） and
    中国地质大学（武汉） are universities of their own."""
    m = _CAMPUS.match(text, a.end)
    if m is None or not re.search(r"(?:大学|学院)$", a.surface) or a.body_of is not None \
            or not (m.group(1) in _REGIONS or _is_place_name(m.group(1))):
        return a
    written = text[a.start:m.end()]
    return EntityMention("Agency", a.start, m.end(), written, written, a.place, aliases={written}, national=a.national)


def _group_subsidiaries(text: str, found: list[EntityMention]) -> list[EntityMention]:
    """A group's name written right before a company of a place is that company's full name
    (山东能源集团临沂矿业集团有限责任公司), a body under the group."""
    out = []
    for a in found:
        group = out[-1] if out else None
        if group is not None and group.end == a.start and re.search(r"(?:集团|控股)$", group.surface) \
                and re.search(r"(?:公司|集团)$", a.surface) and a.place is not None and a.body_of is None:
            written = text[group.start:a.end]
            out[-1] = EntityMention("Agency", group.start, a.end, written, written, aliases={written, a.surface},
                                    body_of=group)
            continue
        out.append(a)
    return out


_ENTERPRISE_LIST = re.compile(r"等(?:一批|\d+家)?(?:龙头|链主|重点|骨干|领军|头部|行业领军|知名|外资|外商投资|本地|本土|民营|"
                              r"国有|省属|市属|上市|科技型?|制造业?|世界500强|500强){0,2}(?:企业|公司|车企|药企|央企)")


_ZONE_COMMITTEE = re.compile(r"管委会|管理委员会")
_BARE_ZONE_WORD = re.compile(r"(?:高新区|高新技术产业开发区|经开区|经济技术开发区|开发区|综合保税区|保税区|自贸区|新区|产业园|工业园)")
_ZONE_HEAD = re.compile(r"(?:区|园|城|港|基地)$")


def _zone_committees(text: str, mentions: list[PlaceMention], home: Home) -> list[EntityMention]:
    """The committee that runs a zone (松山湖高新区管委会, 柳叶湖旅游度假区管理委员会) is an agency
    of the zone's place; the zone inside its name is not a program there."""
    out = []
    for m in _ZONE_COMMITTEE.finditer(text):
        left = _name_start(text, m.start(), 20)
        zone = re.split(r"[由与同向对]", _strip_introducers(text[left:m.start()]))[-1]  # …由长沙高新区管委会
        if not (2 <= len(zone) <= 20 and _ZONE_HEAD.search(zone)) or _has_verb(zone):
            continue
        start = m.start() - len(zone)
        written = next((p.place for p in mentions if p.start == start and not p.deictic), None)
        name = surface = text[start:m.end()]
        place = written or home.subject or home.default
        if written is None and _BARE_ZONE_WORD.match(zone) and place is not None:
            name = place.name + name  # 高新区管委会 in 常德's notice is 常德市高新区管委会, not every city's
        out.append(EntityMention("Agency", start, m.end(), name, surface, place, aliases={name, surface}))
    return out


def _listed_enterprises(text: str) -> list[EntityMention]:
    """Companies named as a list before 等…企业 (江西铜业、赣锋锂业等龙头企业): each item is one,
    unless an item is a common word (a class or a field, not a name)."""
    out = []
    for m in _ENTERPRISE_LIST.finditer(text):
        items = _items_before(text, m.start())
        if len(items) < 2 or any(_common_word(text[a:b]) or _ends_in_verb(text[a:b]) for a, b in items):
            continue  # 汽车、钢铁等企业, 研发制造、总装测试等企业: fields and activities, not names
        for a, b in items:
            name = text[a:b]
            legal = re.search(f"(?:{_ORG_SUFFIX})$", name)
            if not (2 <= len(name) <= (20 if legal else 10)) or re.search(r"[\d和与及“”]", name) \
                    or "的" in name and len(jieba.lcut(name)) > 1 or not _specific(name) \
                    or name in generic_organizations():  # 美的 is one word, 本地的 is not
                continue
            out.append(EntityMention("Agency", a, b, name, name, aliases={name}))
    return out


_DICTIONARY_SUFFIX = re.compile(r"大学|学院|研究院|科学院|研究所|集团|银行|医院|实验室|交易所")


def _dictionary_organizations(text: str) -> list[EntityMention]:
    """Organizations jieba's dictionary knows by name (复旦大学, 西安交通大学: tagged nt), and a
    proper noun before a suffix (北大荒集团, 鹏城实验室: a place, person or other proper name)."""
    out = []
    for m in _DICTIONARY_SUFFIX.finditer(text):
        if re.match(_NOT_ORG_AFTER, text[m.end():]):
            continue
        start = max(0, m.start() - 10)
        window = text[start:m.end()]
        words, pos = [], start
        for w in _pseg(window):
            words.append((pos, w.word, w.flag))
            pos += len(w.word)
        if not words or words[-1][0] + len(words[-1][1]) != m.end():
            continue
        at, word, flag = words[-1]
        if flag == "nt" and len(word) >= 4 and word != m.group(0):
            name_start = at
            if len(words) >= 2 and words[-2][2] in ("ns", "nr") and len(words[-2][1]) >= 2:
                name_start = words[-2][0]  # 东北 + 林业大学
        elif word == m.group(0) and len(words) >= 2 and words[-2][2] in ("ns", "nr", "nz") and len(words[-2][1]) >= 2:
            name_start = words[-2][0]
        else:
            continue
        legal = _LEGAL_SUFFIX.match(text, m.end()) if m.group(0) == "集团" else None
        name = text[name_start:legal.end() if legal else m.end()]  # 华侨城集团有限公司: its legal name
        if name in generic_organizations() or any(name.endswith(g) for g in generic_organizations() if len(g) >= 4) \
                or _NOT_ORG_BODY.search(name[:-len(m.group(0))] or "x"):
            continue
        out.append(EntityMention("Agency", name_start, name_start + len(name), name, name, aliases={name}))
    return out


_SUB_BODY = re.compile(rf"([{_HAN}A-Za-z]{{1,10}}?)(研究所|研究院|研究中心|分院|监管分局|分局|分行|支行|分公司|办事处|供电局|供电公司|附属医院|医院|实验室|调查队|所|院|厂)(?![士长级]|区(?!域))")  # 海东院区二期 is a campus project, not a 院


def _with_sub_bodies(text: str, a: EntityMention) -> EntityMention:
    """The innermost body written after its parents (中国科学院重庆绿色智能技术研究院永川分院)."""
    while True:
        b = _with_sub_body(text, a)
        if b is a:
            return a
        a = b


def _with_sub_body(text: str, a: EntityMention) -> EntityMention:
    """The institute written right after its parent is the body named (中科院过程所,
    中国科学院工业人工智能研究所), not the parent."""
    m = _SUB_BODY.match(text, a.end)
    if m is not None and m.group(2) == "院" and not _is_place_name(m.group(1)):
        return a  # 中国能建云南院 is a unit; 北京大学医学院 is read by its own suffix
    if m is not None and m.group(2) == "厂" and not (a.surface.endswith("公司") and _is_place_name(_pseg(m.group(1))[0].word)):
        return a  # a company's factory in a city (…有限责任公司南宁卷烟厂); 公司新建厂 is a clause
    if m is None or a.parent is not None or re.search(r"院士|联合|会同|\d", m.group(1)) or _has_verb(m.group(1)):
        return a  # a department's next words are a clause (省科技厅联合…分院), not its sub-body
    words = _pseg(m.group(1))
    if any(w.word in ("的", "和", "与", "同", "及", "、", "在") for w in words):
        return a  # …和…: a clause (和 inside a name, 附属协和医院, is no conjunction)
    in_a_city = _is_place_name(words[0].word)  # 湖南农业大学益阳茶叶产业技术研究院: its institute in a city
    if words[0].flag.startswith("v") and not in_a_city or not in_a_city and any(w.word in _generic_words() for w in words):
        return a  # 武汉大学新增国家重点实验室: a clause, not an institute
    written = text[a.start:m.end()]
    return EntityMention("Agency", a.start, m.end(), written, written, a.place, aliases={written},
                         national=a.national, body_of=a)


_LONGER_BODY = re.compile(rf"(?!{_LEGAL_SUFFIX.pattern})(?:(?![的和与及])[{_HAN}]){{2,10}}?"
                          rf"(?:有限责任公司|股份有限公司|(?<!分)有限公司|行业协会|协会|学会|商会)")


_BUREAU_GROUP = re.compile(r"局(?=集团)")  # 中国铁路武汉局集团有限公司: a bureau's group is a name, not a clause


def _central_bodies(text: str) -> list[EntityMention]:
    out = []
    table, pattern = _national_agencies()
    for m in re.finditer(pattern, text):
        if re.match(r"门|系统", text[m.end():]):
            continue  # 省级教育部门 are the education departments, not 教育部
        canonical, forms = table[m.group(0)]
        out.append(EntityMention("Agency", m.start(), m.end(), canonical, m.group(0),
                                 aliases={f for f in forms if len(f) >= 3}, national=True))
    table, pattern = _enterprises()
    for m in re.finditer(pattern, text):
        if len(m.group(0)) <= 2 and ((m.start() > 0 and re.match(_NAME_CHAR, text[m.start() - 1]))
                                     or re.match(rf"[{_HAN}·]", text[m.end():m.end() + 1] or "。")
                                     and not re.match(r"公司|集团|等|和|与", text[m.end():])):
            continue  # a two-character name inside a longer word (江淮 in 江淮英才计划)
        canonical, forms = table[m.group(0)]
        longer = _LONGER_BODY.match(text, m.end())
        if longer and (_has_verb(longer.group(0)) or _NOT_ORG_BODY.search(_BUREAU_GROUP.sub("", longer.group(0)))
                       or any(w.flag.startswith("v") and w.word not in vocab.words("company_name_words")
                              for w in _pseg(longer.group(0)[:4]))):
            longer = None  # 国家电投牵头组建江苏新能源有限公司: a clause, not a name
        if longer:  # 中远海运川崎船舶工程有限公司, 中国船舶工业行业协会: another body, named with the brand
            written = text[m.start():longer.end()]
            out.append(EntityMention("Agency", m.start(), longer.end(), written, written, aliases={written}))
            continue
        legal = _LEGAL_SUFFIX.match(text, m.end())  # 比亚迪股份有限公司: the same enterprise, its legal name
        end = legal.end() if legal else m.end()
        out.append(EntityMention("Agency", m.start(), end, canonical, text[m.start():end],
                                 aliases=set(forms) | {text[m.start():end]}, national=True))
    return out


# a department of the people's government (not the congress, CPPCC, party or courts)
_GOVERNMENT_DEPARTMENT = re.compile(r"^(?!.*(?:人民代表大会|政治协商|纪律检查|人民政府|法院|检察院|党)).*(?:厅|局|委员会|办公室)$")
_PARTY_NOT_AFTER = "书记|副书记|常委|委员|党校|巡视|巡察|办"


def _local_bodies(text: str, mentions: list[PlaceMention], home: Home) -> list[EntityMention]:
    """Departments, governments, congresses and party committees of a place."""
    full, dept = _departments()
    named = {m.start: m for m in mentions if not m.deictic}
    anchors = "|".join(map(re.escape, sorted({m.surface for m in named.values()}, key=len, reverse=True)))
    # 市四届人大常委会: the congress's term between the place and its standing committee (a body that
    # acts; 省十四届人大三次会议 is a session)
    pattern = re.compile(rf"({anchors + '|' if anchors else ''}自治区|[省市区县])(?:(?:第?[一二三四五六七八九十]+届(?=人大常委会|人民代表大会常务委员会|政协常委会))?({dept})(?!委员(?!会)|主席|代表)|(委)(?!{_PARTY_NOT_AFTER}|员|托|办|[{_HAN}]{{0,2}}(?:书记)))")
    out = []
    for m in pattern.finditer(text):
        anchor = m.group(1)
        pm = named.get(m.start())
        if pm is not None and pm.surface == anchor:
            place = pm.place
        elif anchor in ("省", "市", "区", "县", "自治区"):
            before = text[m.start() - 1] if m.start() > 0 else ""
            if before and re.match(f"[{_HAN}]", before) and before not in _CONNECTORS \
                    and (before in "各全每本两" or not _stands_alone(text, m.start())):
                continue  # 城市管理局 is not 市管理局; 全省 is not a body (代表市人民政府 is one)
            place = _anchor_place(anchor, home)
        else:
            continue
        if place is None:
            continue
        if m.group(3):  # the party committee: 省委 -> 河南省委
            name, short = place.name + "委", anchor + "委"
        else:
            short = m.group(2)
            name = place.name + full[short]
        surface = m.group(0)
        aliases = {surface, place.name + (m.group(2) or "委")}
        department = full.get(m.group(2) or "", "")
        parent = place.name + "人民政府" if _GOVERNMENT_DEPARTMENT.search(department) else None
        if department.startswith("委"):  # 省委宣传部: a department of the party committee
            parent = place.name + "委"
        out.append(EntityMention("Agency", m.start(), m.end(), name, surface, place, aliases=aliases, parent=parent))
    return out


def _stands_alone(text: str, pos: int) -> bool:
    """Whether the one-character place word at pos is a word of its own (代表/市/人民政府), not
    the end of a longer word (城市, 上市, 社区)."""
    start = max(0, pos - 4)
    at = start
    for word in jieba.cut(text[start:pos + 6], HMM=False):
        if at == pos:
            return len(word) == 1 or word[1:] in _departments()[0]
        if at > pos:
            return False
        at += len(word)
    return False


def _named_organizations(text: str, mentions: list[PlaceMention], home: Home) -> list[EntityMention]:
    """Enterprises, universities, institutes whose name starts with a place (or 中国/省)."""
    out = []
    starts = [(m.start, m.end, m.place, m.surface) for m in mentions if not m.deictic]
    gaz = gazetteer()
    for m in gaz.patterns.finditer(text):  # 武汉大学, 郑州银行: a place name that is no place mention
        place = gaz.find(m.group(0), home)
        if place is not None and place.level <= 2:
            starts.append((m.start(), m.end(), place, m.group(0)))
    for m in re.finditer(r"(?<![" + _HAN + r"])省(?=[" + _HAN + r"])|(?:^|(?<=[" + _CONNECTORS + r"]))省(?=[" + _HAN + r"])", text):
        place = _anchor_place("省", home)
        if place is not None:
            starts.append((m.start(), m.end(), place, "省"))
    for m in re.finditer("中国", text):
        starts.append((m.start(), m.end(), None, "中国"))
    suffix = re.compile(rf"({_NAME_CHAR}{{0,12}}?)({_ORG_SUFFIX})(?!{_NOT_ORG_AFTER})")
    for start, end, place, surface in starts:
        bracketed = start > 0 and text[start - 1] in "（(" and text[end:end + 1] in "）)"
        m = suffix.match(text, end + 1 if bracketed else end)  # 三一重工（湖南）智能装备有限公司
        if m is None or (not m.group(1) and surface in ("省", "中国")):
            continue
        body = m.group(1)
        if _NOT_ORG_BODY.search(body) or body in _generic_words() or _has_verb(body):
            continue
        end = m.end()
        legal = _LEGAL_SUFFIX.match(text, end)
        if legal:
            end = legal.end()  # 湖北潜江农村商业银行股份有限公司, 北大荒农垦集团有限公司
        brand = _brand_before(text, start)
        if brand is None and re.search(r"公司$", m.group(2)) and surface not in ("省", "中国"):
            brand = _brand_item_before(text, start)  # 华润燃气宜昌公司, 吉林敖东延边药业股份有限公司
        if brand is not None:  # 中车齐齐哈尔车辆有限公司, 巴斯夫（广东）一体化基地有限公司
            start, place = brand, None
        elif bracketed:
            continue  # …（江苏）有限公司 without the brand before it is no name
        written = text[start:end]
        own_bank = place is not None and surface not in ("省", "中国") and written.endswith("商业银行")
        if any(written.endswith(g) for g in generic_organizations() if len(g) >= 4) and not own_bank:
            continue  # 中国特色世界一流大学 is a class, not a university (雅安市商业银行 is one bank)
        name = written if place is None or surface != "省" else place.name + written[1:]
        out.append(EntityMention("Agency", start, end, name, written, place, aliases={written}))
    return out


_NOT_BRAND_FLAGS = ("v", "p", "c", "d", "r", "m", "f", "u", "q")


def _brand_item_before(text: str, start: int) -> int | None:
    """Where a brand written right before a company's place starts, where it opens a list item
    or is a proper noun (华润燃气 + 宜昌公司, 吉林敖东 + 延边药业股份有限公司): the group's prefix."""
    left = _name_start(text, start, 8)
    seg = text[left:start]
    if not 2 <= len(seg) <= 6 or _has_verb(seg) or seg in _generic_words() or _common_word(seg) \
            or not re.fullmatch(f"[{_HAN}]+", seg):
        return None
    words = _pseg(seg)
    if any(w.flag.startswith(_NOT_BRAND_FLAGS) for w in words):
        return None
    opens_item = left == 0 or text[left - 1] in "、，：；（(\n"
    return left if opens_item or words[0].flag in ("nr", "nz", "nt") else None


def _brand_before(text: str, start: int) -> int | None:
    """Where a group's name written before a subsidiary's place starts: a known enterprise
    (中车 + 齐齐哈尔车辆有限公司), or a brand before a province in brackets (巴斯夫（广东）…)."""
    _table, ent = _enterprises()
    m = re.search(rf"(?:{ent})$", text[max(0, start - 8):start])
    if m and len(m.group(0)) >= 2:
        return start - len(m.group(0))
    if start > 0 and text[start - 1] in "（(":
        brand = _name_start(text, start - 1, 10)
        seg = re.split(r"下属|所属|旗下|控股的", _strip_introducers(text[brand:start - 1]))[-1]
        if 2 <= len(seg) <= 6 and not _has_verb(seg):
            return start - 1 - len(seg)
    return None
