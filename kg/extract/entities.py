"""Agencies and programs named in the text, from the genre's naming habits (README, "Agencies
and programs"). Vocabulary is data in kg/vocab: national_agencies, department_abbreviations,
enterprises, generic_organizations, national_programs, program_heads, program_verbs,
generic_program_words, program_blockers, free_trade_zones.

Agencies are specific organizations only:
- central bodies named in national_agencies.tsv (国务院, 党中央, 海关总署);
- a government department or party/congress body anchored on a place (郑州市生态环境局, 省发改委,
  自治区国资委): the place is the one written, or the document's own province/city/district for
  a bare 省/市/区/县; the label is the full name of the body of that place (河南省发展和改革委员会),
  the written short forms are aliases;
- an enterprise, university or institute with a proper name: a place written at its start
  (安徽高等研究院, 广西关键金属产业发展集团), 中国…, or a nationally known name (enterprises.tsv).
  Classes of organizations (上市公司, 商业银行, 平台公司) are never agencies;
- a body written after its parent (中国科学院…研究所, …分行, …调查队: `body_of`, a superior link),
  a group's company of a place (中车齐齐哈尔车辆有限公司), a zone's committee (…高新区管委会).

Programs are named plans, strategies, campaigns, projects, zones, events and brands:
- a name in quotes followed by a head (“双百双新”项目, “132”总体工作部署), quoted after a verb
  that introduces a program (打造“川居好房”), or a run of quoted names before 等…品牌;
- a name ending in a head noun (江淮英才计划, 陇电入浙工程, 雄忻高铁, 博鳌亚洲论坛年会) whose words
  are not all generic (重大项目, 民生工程 name nothing);
- each item of a list sharing one head (九龙川、唐家河等煤矿 -> 九龙川煤矿, 唐家河煤矿);
- nationwide strategies and campaigns (national_programs.tsv: 一带一路, 城市更新行动, “两重”).
A local program belongs to the place it opens with or that is written before it in its clause
(a province's written before its description too), its stated site (…项目在克东县建成投产:
`site`), else the document's subject place; a nationwide one is one entity for the whole corpus;
a bare 自贸试验区 is the province's own (free_trade_zones.tsv).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg import vocab
from kg.gazetteer import Home, Place, PlaceMention

_HAN = "\u4e00-\u9fa5"
_NAME_CHAR = rf"[{_HAN}A-Za-z0-9+×·]"
_CONNECTORS = "和与及、经由从在向据对同会为将把被，；：（("  # may stand before a bare 省/市 anchor
# self-standing organization suffixes (after a written place or 中国)
_LEGAL_SUFFIX = re.compile(r"(?:集团)?(?:股份)?有限(?:责任)?公司|股份公司")  # …股份有限公司 after a name
_ORG_SUFFIX = (r"集团有限公司|股份有限公司|有限责任公司|有限公司|集团|公司|银行|交易所|研究院|科学院|研究所|监管分局|调查队|"
               r"大学|学院|实验室|医院|海关|仲裁院")
_NOT_ORG_AFTER = r"[生城园区路站化制性长]|科技园|科技城"  # 大学生, 大学城, 公司化 are not names
_NOT_ORG_BODY = re.compile(r"^[级属内外直]|\d+个|[的和与及、，厅局]|联合|会同|隶属|下属|所属|^(?:各|有关|相关|重点|一批)")


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


# ------------------------------------------------------------------ vocabulary

def _name_table(name: str) -> dict[str, tuple[str, set[str]]]:
    """surface form -> (canonical name, all forms) from a `name<TAB>alias|alias` file."""
    out: dict[str, tuple[str, set[str]]] = {}
    for row in vocab.table(name):
        canonical = row[0]
        forms = {canonical, *(a.strip() for a in (row[1] if len(row) > 1 else "").split("|") if a.strip())}
        for form in forms:
            out.setdefault(form, (canonical, forms))
    return out


@lru_cache(maxsize=None)
def _national_agencies():
    table = _name_table("national_agencies")
    # two-character aliases (中央, 央行) are words in other phrases (中央预算内投资)
    usable = [f for f in table if len(f) >= 3]
    return table, _alternation(usable)


@lru_cache(maxsize=None)
def _enterprises():
    table = _name_table("enterprises")
    return table, _alternation(table)


@lru_cache(maxsize=None)
def _departments() -> tuple[dict[str, str], str]:
    """short or full department name -> full name (发改委 -> 发展和改革委员会)."""
    full = {}
    for row in vocab.table("department_abbreviations"):
        if len(row) >= 2:
            full.setdefault(row[0], row[1])
            full.setdefault(row[1], row[1])
    return full, _alternation(full)


@lru_cache(maxsize=None)
def _national_programs():
    return _name_table("national_programs")


@lru_cache(maxsize=None)
def _heads() -> dict[str, str]:
    return {row[0]: row[1] for row in vocab.table("program_heads")}


@lru_cache(maxsize=None)
def _list_heads() -> frozenset[str]:
    return frozenset(row[0] for row in vocab.table("program_heads") if row[2] == "shared")


@lru_cache(maxsize=None)
def _verbs() -> dict[str, str]:
    return {row[0]: row[1] for row in vocab.table("program_verbs")}


@lru_cache(maxsize=None)
def _generic_words() -> frozenset[str]:
    return frozenset(vocab.words("generic_program_words"))


@lru_cache(maxsize=None)
def generic_organizations() -> frozenset[str]:
    return frozenset(vocab.words("generic_organizations"))


def _alternation(forms) -> str:
    return "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) or "(?!)"


# ------------------------------------------------------------------ agencies

def find_agencies(text: str, mentions: list[PlaceMention], home: Home) -> list[EntityMention]:
    out: list[EntityMention] = []
    out += _central_bodies(text)
    out += _local_bodies(text, mentions, home)
    out += _named_organizations(text, mentions, home)
    out += _dictionary_organizations(text)
    out += _listed_enterprises(text)
    out += _zone_committees(text, mentions, home)
    return _group_subsidiaries(text, _without_overlaps([_with_sub_bodies(text, a) for a in out]))


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


def _ends_in_verb(item: str) -> bool:
    import jieba.posseg as pseg

    words = list(pseg.cut(item))
    return bool(words) and words[-1].flag.startswith("v")


def _listed_enterprises(text: str) -> list[EntityMention]:
    """Companies named as a list before 等…企业 (江西铜业、赣锋锂业等龙头企业): each item is one,
    unless an item is a common word (a class or a field, not a name)."""
    import jieba

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
    import jieba.posseg as pseg

    out = []
    for m in _DICTIONARY_SUFFIX.finditer(text):
        if re.match(_NOT_ORG_AFTER, text[m.end():]):
            continue
        start = max(0, m.start() - 10)
        window = text[start:m.end()]
        words, pos = [], start
        for w in pseg.cut(window):
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
        name = text[name_start:m.end()]
        if name in generic_organizations() or any(name.endswith(g) for g in generic_organizations() if len(g) >= 4) \
                or _NOT_ORG_BODY.search(name[:-len(m.group(0))] or "x"):
            continue
        out.append(EntityMention("Agency", name_start, m.end(), name, name, aliases={name}))
    return out


_SUB_BODY = re.compile(rf"([{_HAN}A-Za-z]{{1,10}}?)(研究所|研究院|研究中心|分院|监管分局|分局|分行|分公司|办事处|供电局|供电公司|附属医院|医院|实验室|调查队|所|院)(?![士长级])")


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
    if m is None or a.parent is not None or re.search(r"[的和与同及、在]|院士|联合|会同|\d", m.group(1)) \
            or _has_verb(m.group(1)):
        return a  # a department's next words are a clause (省科技厅联合…分院), not its sub-body
    import jieba.posseg as pseg

    words = list(pseg.cut(m.group(1)))
    if words[0].flag.startswith("v") and not _is_place_name(words[0].word) or any(w.word in _generic_words() for w in words):
        return a  # 武汉大学新增国家重点实验室: a clause, not an institute
    written = text[a.start:m.end()]
    return EntityMention("Agency", a.start, m.end(), written, written, a.place, aliases={written},
                         national=a.national, body_of=a)


_LONGER_BODY = re.compile(rf"(?!{_LEGAL_SUFFIX.pattern})(?:(?![的和与及])[{_HAN}]){{2,10}}?"
                          rf"(?:有限责任公司|股份有限公司|(?<!分)有限公司|行业协会|协会|学会|商会)")


def _pseg(words: str):
    import jieba.posseg as pseg

    return list(pseg.cut(words))


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
        if longer and (_has_verb(longer.group(0)) or _NOT_ORG_BODY.search(longer.group(0))
                       or any(w.flag.startswith("v") for w in _pseg(longer.group(0)[:4]))):
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
    import jieba

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
    from kg.gazetteer import gazetteer

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


def _has_verb(body: str) -> bool:
    """An organization's name holds no verb of a clause (白银入选…医疗集团 is a sentence)."""
    verbs = _verbs()
    return any(v in body for v in verbs if verbs[v] == "strong" and len(v) >= 2)


def _without_overlaps(found: list[EntityMention]) -> list[EntityMention]:
    """Longest first; a mention inside a longer one is dropped (国务院国资委 over 国务院)."""
    kept: list[EntityMention] = []
    for e in sorted(found, key=lambda e: (-(e.end - e.start), e.start, not e.national)):
        if not any(k.start <= e.start and e.end <= k.end for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


# ------------------------------------------------------------------ programs

_STOP = "，。；：！？,!?;:\n（）()《》〔〕【】 \u3000\t—-"


def find_programs(text: str, mentions: list[PlaceMention], home: Home,
                  agencies: list[EntityMention] = ()) -> list[EntityMention]:
    found = (_quoted_programs(text) + _headed_programs(text) + _national_mentions(text) + _event_short_names(text)
             + _policy_documents(text) + _own_free_trade_zone(text, home))
    programs = [_after_agency(text, p, agencies) for p in _without_overlaps(found)]
    # a head inside an organization's name (中国科学院过程工程研究所) is no program's
    programs = [p for p in programs if not any(a.start < p.end < a.end and a.start < p.end for a in agencies)]
    local = home.subject or home.default
    named = [m for m in mentions if not m.deictic]
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


_SLOGAN_VERBS = ("实现", "坚持", "做到", "要")  # 实现“应保尽保”: their quoted object is a slogan


def _is_verb_before(text: str, pos: int, gap: int = 4) -> bool:
    """Whether a verb that introduces a program ends at most `gap` name characters before pos
    (打造河西“绿氢走廊”, 促进“浙商回归”)."""
    verbs = [v for v in _verbs() if v not in _SLOGAN_VERBS]
    window = text[max(0, pos - gap - 6):pos]
    for k in range(0, gap + 1):
        end = len(window) - k
        if end < 0:
            break
        if k and not re.match(f"[{_HAN}]", window[end]):
            break
        if any(window[:end].endswith(v) for v in verbs):
            return True
    return False


_QUOTE = re.compile(r"“([^“”，。；\n]{2,16})”")


@lru_cache(maxsize=None)
def _after_patterns(quoted: bool) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    heads = _alternation(h for h, where in _heads().items() if quoted or where != "quoted")
    return (re.compile(rf"([{_HAN}]{{0,6}}?)({heads})"), re.compile(rf"(?:{heads})"),
            re.compile(rf"([{_HAN}]{{0,6}})({heads})"))


def _head_after(text: str, pos: int, quoted: bool) -> re.Match | None:
    """A head noun at pos, after at most four modifier characters (“千项万亿”重大项目)."""
    nearest, any_head, farthest = _after_patterns(quoted)
    m = nearest.match(text, pos)
    while m is not None:  # a head right after a head is part of it: “1+11+7”碳达峰政策体系
        longer = any_head.match(text, m.end())
        if longer is None:
            break
        m = re.compile(rf"({re.escape(text[pos:m.end() - len(m.group(2))])})({re.escape(m.group(2) + longer.group(0))})").match(text, pos)
    if m is not None:  # the farthest head in reach is the name's (“潍坊农品”品牌提升行动, not …品牌)
        farther = farthest.match(text, pos)
        if farther and farther.end() > m.end() and _heads().get(m.group(2)) == "quoted" \
                and not re.search(r"[和与及、的]|重大|重点|民生|各类|相关", farther.group(1)):
            m = farther
    if m and (any(w in m.group(1) for w in _CATEGORY_WORDS) or re.search("[是指为的]|之年|时期|期间", m.group(1))
              or m.group(2) == "政策" and _POLICY_WORDING.search(m.group(1))):  # “制造强区”各项政策
        return None
    return m


def _quoted_programs(text: str) -> list[EntityMention]:
    out = []
    blockers = vocab.alternation("program_blockers")
    quotes = list(_QUOTE.finditer(text))
    i = 0
    while i < len(quotes):
        # a run of quoted names written together or with 、 (“青绣”“互助家政”…, “两重”“两新”政策)
        run = [quotes[i]]
        while i + 1 < len(quotes) and re.fullmatch(r"、?", text[run[-1].end():quotes[i + 1].start()]):
            i += 1
            run.append(quotes[i])
        i += 1
        end = run[-1].end()
        if re.match(rf"(?:{blockers})", text[end:]):
            continue
        if _ONE_OF.match(text, end):
            continue  # 成为…“渔光互补”项目之一: one of a kind
        tail = re.match(r"等", text[end:]) and end + 1 or end
        head = _head_after(text, tail, quoted=True)
        # a bare quoted name as the object of a verb ends the phrase (打造“川居好房”。)
        introduced = _is_verb_before(text, run[0].start()) and not re.match(f"[{_HAN}]", text[end:end + 1] or "。")
        if re.search(r"(?:作为|当作|视为|看作|一批|一系列|各类)$", text[max(0, run[0].start() - 3):run[0].start()]) \
                and not text.startswith("的", end):  # (作为“海绵城市建设工程”的子项目 says where it belongs)
            continue  # 把招商引资作为“一号工程”: a figure of speech; 一批“链上”项目: a kind of project
        for q in run:
            inner = q.group(1)
            if re.search(rf"(?:{'|'.join(b for b in blockers.split('|') if len(b) >= 2)})$", inner):
                continue  # “乘数效应”: a figure of speech
            own_head = _head_at_end().search(inner)
            if not (head or introduced or own_head):
                continue
            name, aliases = q.group(0), {q.group(0), inner}
            if head and len(run) == 1 and tail == end:
                name = q.group(0) + head.group(0)  # “双百双新”项目, “中国洋浦港”船籍港制度
                aliases.add(name)
            stop = head.end() if head and len(run) == 1 and tail == end else q.end()
            phase = _QUOTED_PHASE.match(text, stop) if stop > q.end() else None
            if phase:  # “泾阳茯茶”产业园二期项目
                stop = phase.end()
                name = text[q.start():stop]
                aliases.add(name)
            start = q.start() - len(_name_prefix(text, q.start())) if len(run) == 1 else q.start()
            if start < q.start():  # 黄河“几字弯”攻坚战项目, 电子信息产业“强链延链”三年行动
                aliases.add(name)
                name = text[start:q.start()] + name
            out.append(EntityMention("Program", start, stop, name, text[start:stop], aliases=aliases))
    return out


_VERB_PLAN = re.compile(r"[于在将到]|\d")  # 一期工程计划2027年建成: 计划 is the verb
_COUNT_AFTER = re.compile(r"\d+个")
_ONE_OF = re.compile(rf"[{_HAN}]{{0,6}}?(?:项目|工程)之一")
_QUOTED_AFTER = re.compile(r"“[^”]{1,20}”[^，。；“]{0,6}?(?:工程|行动|计划|项目|战略|活动)")
_QUOTED_PHASE = re.compile(r"[一二三四五六七八九十]期(?:项目|工程)?|[（(][一二三四五六七八九十]期[）)]")


def _name_prefix(text: str, quote_start: int) -> str:
    """The words written right before a quoted name that belong to it (黄河“几字弯”…, 电子信息产业
    “强链延链”…): two to six characters after the clause's verbs and after any earlier head, no
    verb, body, count or 全/各/我 among them."""
    seg = _strip_introducers(text[_name_start(text, quote_start, 10):quote_start])
    heads = list(_head_anywhere().finditer(seg))
    if heads:
        seg = seg[heads[-1].end():]
    if seg in _national_programs():
        return seg  # 乡村振兴“百村示范、千村提升”工程
    if re.search(r"[一二三四五六七八九十\d]+[期批次届个轮]$", seg):
        return ""  # 四期“三个一批”项目建设活动: the fourth round, not a name's words
    if not 2 <= len(seg) <= 6 or seg in _verbs() or re.match(r"[全各我本该这每]", seg) or re.search(r"[局厅委办\d]|政府", seg) \
            or any(w.flag.startswith("v") or w.flag in ("p", "c", "d", "m", "r") for w in _pseg(seg)):
        return ""
    return seg


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


def _specific(body: str, least: int = 2) -> bool:
    """Whether a name body says which program it is: something is left once generic words
    (重大, 重点, 民生, 抽水蓄能 …) are taken out; one-character ones only where they open it."""
    from kg.gazetteer import gazetteer

    rest = body
    for w in sorted(_generic_words(), key=len, reverse=True):
        if len(w) > 1:
            rest = rest.replace(w, "")
    rest = rest.lstrip("".join(w for w in _generic_words() if len(w) == 1))
    if rest != body:  # beside generic words, a place, a year or a quarter says whose or when, not which
        rest = re.sub(r"20\d\d年?(?:度)?|[一二三四]季度|[上下]半年|[春夏秋冬]季", "", gazetteer().patterns.sub("", rest))
    return len(re.findall(f"[{_HAN}A-Za-z]", rest)) >= least  # (襄阳市2026年一季度重大项目; 湘潭经开区 is one)


_SECTION = rf"(?:[（(][{_HAN}]{{1,4}}段[）)]|(?![{_HAN}]{{0,2}}[阶路地区时手]段)[{_HAN}]{{2,3}}段)"  # 沪渝蓉高铁武宜段, …铁路（襄阳段）
_PHASE = (rf"(?:[东西南北]延(?:伸线|线|段)?|[东西南北中]段|{_SECTION})?"
          r"(?:[一二三四五六七八九十]期|第[一二三四五六七八九十\d]+跑道|T\d[A-Z]?航站楼)?"
          r"(?:改扩建|扩建|新建(?=工程|项目))?(?:工程|项目)?")  # 2号线西延二期, 武宿机场三期改扩建, 宝安国际机场第三跑道
# (开发区新建标准厂房: 新建 is the verb, not the zone's name)
_PHASE_AFTER = re.compile(rf"{_SECTION}?[一二三四五六七八九十]期|[（(][{_HAN}]{{1,4}}段[）)]|[（(][一二三四五六七八九十]期[）)]")  # …工程二期, …工程（襄阳段）二期
_ZONE_PART = re.compile(rf"[一二三四五六七八九十]期|[{_HAN}]{{2,4}}片区")  # …自由贸易试验区南京片区
_ORDINAL = re.compile(r"^第[\d一二三四五六七八九十百]+[次届期批]")
_TECH_NUMBER = re.compile(r"^\d+(?:千伏|万吨|吨|千瓦|万千瓦|米)")


def _headed_programs(text: str) -> list[EntityMention]:
    heads = _heads()
    unquoted = [h for h, w in heads.items() if w != "quoted"]
    pattern = re.compile(rf"({_alternation(unquoted)})(?![师院学化量款措施资金单导矿性型]|博物|公园|合作|伙伴|集团|公司|制度|机制|之一|[{_HAN}]{{0,3}}目标|\d{{4}}年)")
    out = []
    for m in pattern.finditer(text):
        head, where = m.group(1), heads[m.group(1)]
        end = m.end()
        if where == "line":
            phase = re.compile(_PHASE).match(text, end)
            end = phase.end() if phase else end
        else:
            after = (_ZONE_PART if head.endswith("区") else _PHASE_AFTER).match(text, end)
            end = after.end() if after else end
            if re.search(r"(?:园|基地|城|港)$", head) and text.startswith("项目", end):
                end += 2  # 瑞立集团汽车电子电气系统产业园项目: the park's project
        if text[end:end + 1] == "”":
            continue  # inside quotes: a quoted name (“十项行动”) is read as one
        title = text.rfind("《", max(0, m.start() - 60), m.start())
        if title >= 0 and title > text.rfind("》", title, m.start()) and not text.startswith("》", end):
            continue  # 《…重点项目库》: a head inside a cited title that does not end it
        if head == "计划" and _VERB_PLAN.match(text, m.end()):
            continue  # 一期工程计划2027年建成: 计划 is the verb
        if head == "项目" and _COUNT_AFTER.match(text, end):
            continue  # 完成古城历史风貌片区保护更新项目23个: a class of projects counted, not one named
        left = _name_start(text, m.start())
        if left > 0 and text[left - 1] in "的“”" and not (text[left - 1] == "的" and head.endswith("区")
                                                         and m.start() - left >= 6) \
                and not (text[left - 1] == "的" and _MONEY_OR_SITE.search(text, max(0, left - 30), left - 1)):
            continue  # a described thing (更加便利的出入境管理政策) or a quoted name, read elsewhere
            # (a zone's designation after 的 is still its name: 全省仅三个的…普惠金融发展示范区; so is a
            # project after its money or site: 总投资8.3亿元的…工程, 位于遂川县的…电站项目)
        seg = _strip_introducers(text[left:m.start()])
        body_start = m.start() - len(seg)
        items = _list_items(text, left, body_start, m.start())
        if head not in _list_heads() or any(_common_word(text[a:b]) for a, b, shared in items if shared) \
                or any(_KIND_OF.search(text[shared:m.start()]) or (head == "项目" and _ends_in_verb(text[a:b]))
                       for a, b, shared in items if shared):  # 污水处理、垃圾处置等项目: activities
            items = [i for i in items if not i[2]]  # a list of fields (交通、水利、工业等专业工程)
        for item_start, item_end, shared in items:
            capacity = None if shared else _CAPACITY.search(text, item_start, item_end)
            if capacity and re.search(r"(?:基地|园区?|[一二三四五六七八九十]期)$", text[item_start:capacity.start()]):
                capacity = None  # 太阳纸业北海基地年产30万吨溶解浆项目: the base names the project
            if capacity:  # 合力泰年产1200万片柔性线路板项目: the capacity opens the project's name
                item_start = capacity.start()
            body = text[item_start:item_end]
            if not _good_body(body, head, where, listed=bool(shared)):
                if not shared and item_end == m.start():
                    break  # the item that carries the head is no name: neither are the others
                continue
            if shared and re.search(r"(?:片区|街道|[镇乡县市园区])$", body):
                continue  # 东兴街片区、滨河新区城市更新项目: the area is its own, not a 新区
            if shared and _head_at_end().search(body) is None and _head_anywhere().search(body):
                continue  # 黔桂铁路增建二线: an item with its own head is read by its own match
            if shared:  # a list item sharing the head: 九龙川(、…等)煤矿
                modifier = text[shared:m.start()]
                if head == "项目" and not modifier and not (_proper_start(body) or _holds_place(body)):
                    continue  # 地面公交、轨道交通等项目: fields (大湾、盘南等煤电项目 says which kind)
                if re.search(r"\d|[一两几]批|一系列", modifier) or not _specific(modifier):
                    modifier = ""  # 等3500多个拟竣工投产项目, 等重点项目: the item's own 项目
                name = body + modifier + text[m.start():end]
                out.append(EntityMention("Program", item_start, item_end, name, body, aliases={name, body}))
            else:
                name = text[item_start:end]
                national = _NATIONAL_INSIDE().search(name, 1)
                if national and not _holds_place(name[:national.start()]):
                    item_start += national.start()  # 坚决扛稳南水北调中线工程: the name opens with the national one's
                    name = text[item_start:end]
                aliases = {name}
                whole = re.match(r"全[省市区县国]", name)
                if whole and len(name) > 6:  # 全省创业担保贷款担保基金: the fund, not "the province's"
                    item_start += 2
                    name = name[2:]
                    aliases = {name}
                if name.endswith("主体工程") and len(name) > 6:  # 大连金州湾国际机场主体工程: the airport's works
                    name = name[:-4]
                    aliases.add(name)
                edition = _ORDINAL.match(name) or re.match(r"20\d\d年?", name)
                if where == "event" and edition:
                    aliases.add(name[edition.end():])  # 第二十五届中国国际投资贸易洽谈会: the event's own name
                out.append(EntityMention("Program", item_start, end, name, name, aliases=aliases))
    return out


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


@lru_cache(maxsize=None)
def _national_forms() -> tuple[str, ...]:
    return tuple(sorted(_national_programs(), key=len, reverse=True))


@lru_cache(maxsize=None)
def _NATIONAL_INSIDE() -> re.Pattern:
    return re.compile(_alternation(f for f in _national_programs() if len(f.strip("“”")) >= 4))


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
        if c in _STOP + "、等的“”" or (c == "在" and text[left:left + 1] != "线"):
            break  # 海南在全运会: the event is 全运会
        if c in "和与及" and _head_at_end().search(text, 0, left - 1):
            break
        left -= 1
    return left


@lru_cache(maxsize=None)
def _head_anywhere() -> re.Pattern:
    return re.compile(_alternation(h for h, w in _heads().items() if w != "quoted"))


@lru_cache(maxsize=None)
def _head_at_end() -> re.Pattern:
    return re.compile(rf"(?:{_alternation(h for h, w in _heads().items() if w != 'quoted')})$")


def _list_items(text: str, left: int, body_start: int, head_start: int) -> list[tuple[int, int, int]]:
    """The name before a head, or the items of a list sharing it: (start, end, shared) where
    shared is where the shared modifier+head part starts (0 for the item that carries the head).
    九龙川、唐家河等煤矿 -> 九龙川 and 唐家河 (shared from 煤矿); 雄商、济滨高铁 -> 雄商 (shared)
    and 济滨 (own)."""
    # the items are written before `left`, separated by 、 and closed by 等 (or the last item)
    before = text[max(0, head_start - 16):head_start]
    m_etc = re.search(r"等((?:\d+多?[个项条座处家])?[" + _HAN + r"]{0,8})$", before)
    if m_etc and not any(w in m_etc.group(1) for w in _CATEGORY_WORDS):
        etc = head_start - len(m_etc.group(0))
        return [(s, e, etc + 1) for s, e in _items_before(text, etc)]
    own = (body_start, head_start, 0)
    if left > 0 and text[left - 1] == "、":
        return [own] + [(s, e, head_start) for s, e in _items_before(text, left - 1)]
    return [own]


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


_NOT_NAME = re.compile(r"把|作为|将|是|成为|通过|这一|不仅|基于|首个|首座|首条|[一大]批|一系列|被|评为|\d+个|"
                       r"我们|我[省市区县]|看到|该项目|该工程|位于|^向|年向|年内|下属|所属|旗下")  # a clause, not a name
_LIST_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+[是要]|其[一二三四五六七八九十]是|第[一二三四五六七八九十]+是)")
_CATEGORY_WORDS = ("领域", "方面", "行业", "群体", "企业", "产业", "因素")


def _common_word(item: str) -> bool:
    """A list item that is one common dictionary word (交通, 工业, 耕地) names a field, not a
    program; proper names of mines and lines (九龙川, 雄商) are rare or unknown words."""
    import jieba

    jieba.setLogLevel(60)
    return jieba.dt.FREQ.get(item, 0) >= 1000 if len(jieba.lcut(item)) == 1 else False


_MONEY_OR_SITE = re.compile(rf"(?:投资|规模)[约近超达]?[\d.]+[万亿]*元$|(?:位于|落户)[{_HAN}]{{2,8}}$"
                            rf"|(?<![现存所实正])在[{_HAN}]{{2,8}}?(?:投资)?(?:建设|新建|实施)$")
_CAPACITY = re.compile(r"(?:[一二三四五六七八九十]期)?年产能?[\d.]+")  # (二期)年产90万吨…
_CLAUSE_END = re.compile(r"(?:新?签约|新?开工|新?竣工|新?投产|新?落地|新?引进|招引|储备|谋划)$")
_KIND_OF = re.compile(r"类$|类型$")  # 轨道交通等常规建设类项目: kinds of projects, not names
_POLICY_WORDING = re.compile(r"系列|一揽子|组合|若干|各项|相关|配套")  # 一揽子稳增长政策: wording, not a policy's name


def _good_body(body: str, head: str, where: str, listed: bool = False) -> bool:
    if not body or re.search(r"[的和与及或、“”]", body) or body in _verbs():
        return False  # 推进高铁建设: a verb before a head names nothing
    if head in ("政策", "基金") and _POLICY_WORDING.search(body) or "类" in body:
        return False  # 创业投资类政府投资基金: a kind of fund
    if listed and (re.search(r"\d", body) or any(w in body for w in _CATEGORY_WORDS)):
        return False  # list items that are figures or fields, not names
    if _NOT_NAME.search(body) and not _ORDINAL.match(body):
        return False
    if head == "号线":  # 地铁19号线, 长沙地铁6号线
        line = re.fullmatch(r"(.{0,6}?)(?:地铁|轨道交通|轻轨)?\d+", body)
        return line is not None and (not line.group(1) or _is_place_name(line.group(1)))
    if _CLAUSE_END.search(body):
        return False  # 经开区新签约项目: the projects a zone signed, not a project's name
    if (where == "event" or head == "普查") and (_ORDINAL.match(body) or re.match(r"20\d\d(?:年)?[^\d年]", body)):
        return True  # 第四次文物普查, 第17届省运会, 2025中国国际智能产业博览会
    if re.match(r"(?:省|市|县|区)级", body) or (re.match(r"国家级", body) and re.search(r"基地|园区?$", head)):
        return False  # 入选省级现代农业产业园: a rank many parks are given, not one program
    if re.search(r"[局厅]|委(?!员会)|政府", body) or re.search(r"(?:国家级|省级|市级)$", body):
        return False  # an agency inside (市发展改革委要会同…), or a rank (江北新区国家级新区)
    if re.match(r"\d", body) and not _TECH_NUMBER.match(body):
        return False  # a count (6条续建高铁), not a name
    han = len(re.findall(f"[{_HAN}]", body))
    minimum = 2 if where in ("line", "event") or listed else 3
    if han < minimum or len(body) > 24:
        return False
    if head in ("项目", "规划", "生产线") and not listed and not _proper_start(body) \
            and not re.search(r"[一二三四五六七八九十\d]期$", body) and not _holds_place(body):
        return False  # 粤芯半导体三期项目, 埃克森美孚惠州乙烯项目: a phase or a place names one project
    if where == "any" and _is_place_name(body):
        return False  # 郑州市计划: a place and a head name nothing
    if head == "活动" and (han < 5 or not _specific(body, 3) or not (_proper_start(body) or _holds_place(body)
                                                                  or _ORDINAL.match(body) or body.endswith("年"))):
        return False  # 龙虾产业链专题招商活动 is an activity; 重大项目建设年活动 a named campaign
    if head == "大会" and body.endswith("代表"):
        return False  # 人民代表大会 is a congress (a body), not an event
    return _specific(body)


def _holds_place(body: str) -> bool:
    from kg.gazetteer import gazetteer

    return any(len(m.group(0)) >= 2 for m in gazetteer().patterns.finditer(body))


def _is_place_name(body: str) -> bool:
    from kg.gazetteer import gazetteer

    m = gazetteer().patterns.fullmatch(body)
    return m is not None


def _proper_start(body: str) -> bool:
    """Whether a project's name opens with a proper name (a place or a known enterprise), as
    洛阳石化百万吨乙烯项目 and 中石油一体化转型升级项目 do, not with a description."""
    from kg.gazetteer import gazetteer

    _table, ent = _enterprises()
    if re.match(ent, body) or re.match(r"[省市区县](?!场|级|域|属|内|外)", body) or _CAPACITY.match(body):
        return True  # an enterprise, the document's own place (市现代农业示范园项目), a capacity (年产5万吨…)
    gaz = gazetteer()
    m = gaz.patterns.match(body)
    return m is not None


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
        if re.match(r"项目[\d一二三四五六七八九十]+个|等?(?:领域|行业|方面)", after):
            continue  # 实施城市更新项目16个: projects of that kind counted, not the campaign
        if quoted and re.match(r"”?(?:时期|期间|末|以来|初|开局)", after):
            continue  # “十五五”时期 is the period, not the plan
        canonical, forms = table[form]
        out.append(EntityMention("Program", m.start(), m.end(), canonical, form, aliases=set(forms), national=True))
    return out


# ------------------------------------------------------------------ relations and abbreviations

_ABBREVIATION = re.compile(rf"([{_HAN}A-Za-z0-9（）()]{{4,40}})[（(](?:以下)?简称[“\"]?([{_HAN}A-Za-z0-9]{{2,12}})[”\"]?[）)]")
def find_abbreviations(text: str) -> list[tuple[str, str]]:
    """(full name, short name) pairs the text itself states: X（以下简称“Y”）."""
    return [(m.group(1), m.group(2)) for m in _ABBREVIATION.finditer(text)]
