"""Programs named by a head noun (江淮英才计划, 陇电入浙工程, 雄忻高铁): the name before the head,
its phase or section after it, and each item of a list sharing one head (九龙川、唐家河等煤矿);
_good_body says whether the words before a head name one program.
May import kg.extract.entity_names and kg.extract.entity_vocab.
"""
from __future__ import annotations

import re

from kg.extract.entity_names import (_CAPACITY, _CATEGORY_WORDS, _HAN, _ORDINAL, _POLICY_WORDING, EntityMention,
                                     _common_word, _ends_in_verb, _holds_place, _is_place_name, _items_before,
                                     _name_start, _proper_start, _specific, _strip_introducers)
from kg.extract.entity_vocab import (_NATIONAL_INSIDE, _alternation, _head_anywhere, _head_at_end, _heads,
                                     _list_heads, _verbs)

_VERB_PLAN = re.compile(r"[于在将到]|\d")  # 一期工程计划2027年建成: 计划 is the verb
_COUNT_AFTER = re.compile(r"\d+个")
_MINE_AT_WORK = re.compile(rf"(?:、[{_HAN}]{{2,10}}?煤矿)*(?:智能化|数字化|升级|改造|技改|技术改造|安全|产量|原煤|生产|复产|关闭|退出)")

_SECTION = rf"(?:[（(][{_HAN}]{{1,4}}段[）)]|(?![{_HAN}]{{0,2}}[阶路地区时手]段)[{_HAN}]{{2,3}}段)"  # 沪渝蓉高铁武宜段, …铁路（襄阳段）
_PHASE = (rf"(?:[东西南北]延(?:伸线|线|段)?{_SECTION}?|[东西南北中]段|{_SECTION})?"  # 7号线西延顺德段
          r"(?:[一二三四五六七八九十]期|第[一二三四五六七八九十\d]+跑道|T\d[A-Z]?航站楼)?"
          r"(?:改扩建|扩建|新建(?=工程|项目))?(?:工程|项目)?")  # 2号线西延二期, 武宿机场三期改扩建, 宝安国际机场第三跑道
# (开发区新建标准厂房: 新建 is the verb, not the zone's name)
_PHASE_AFTER = re.compile(rf"{_SECTION}?[一二三四五六七八九十]期|[（(][{_HAN}]{{1,4}}段[）)]|[（(][一二三四五六七八九十]期[）)]")  # …工程二期, …工程（襄阳段）二期
_ZONE_PART = re.compile(rf"[一二三四五六七八九十]期|[{_HAN}]{{2,4}}片区")  # …自由贸易试验区南京片区

_TECH_NUMBER = re.compile(r"^\d+(?:千伏|万吨|吨|千瓦|万千瓦|米)")

_NOT_NAME = re.compile(r"把|作为|将|是|成为|通过|这一|不仅|基于|首个|首座|首条|[一大]批|一系列|被|评为|\d+个|"
                       r"我们|我[省市区县]|看到|该项目|该工程|位于|^向|年向|年内|下属|所属|旗下|届时")  # a clause, not a name

_MONEY_OR_SITE = re.compile(rf"(?:投资|规模)[约近超达]?[\d.]+[万亿]*元$|(?:位于|落户)[{_HAN}]{{2,8}}$"
                            rf"|(?<![现存所实正])在[{_HAN}]{{2,8}}?(?:投资)?(?:建设|新建|实施)$")

_CLAUSE_END = re.compile(r"(?:新?签约|新?开工|新?竣工|新?投产|新?落地|新?引进|招引|储备|谋划)$")
_SUPPORTING = re.compile(r"(?:项目|工程)(?:配套|附属)")  # …一体化示范项目配套升级工程: a long name, the works of a project
_KIND_OF = re.compile(r"类$|类型$")  # 轨道交通等常规建设类项目: kinds of projects, not names


def _headed_programs(text: str) -> list[EntityMention]:
    heads = _heads()
    unquoted = [h for h, w in heads.items() if w != "quoted"]
    # (…材料工程技术研究中心, …科技城分校: a head inside an institution's or a branch's name)
    pattern = re.compile(rf"({_alternation(unquoted)})(?![师院学化量款措施资金单导矿性型]|博物|公园|合作|伙伴|集团|公司|制度|机制|之一"
                         rf"|技术研究|研究中心|分校|分院|分中心|[{_HAN}]{{0,3}}目标|\d{{4}}年)")
    out = []
    for m in pattern.finditer(text):
        head, where = m.group(1), heads[m.group(1)]
        end = _name_end(text, m, head, where)
        if end is None:
            continue
        left = _name_start(text, m.start())
        if _described(text, left, m.start(), head):
            continue
        seg = _strip_introducers(text[left:m.start()])
        body_start = m.start() - len(seg)
        for item_start, item_end, shared in _named_items(text, left, body_start, m.start(), head):
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
            if shared:  # a list item sharing the head: 九龙川(、…等)煤矿
                program = _listed_program(text, item_start, item_end, shared, m.start(), end, head)
            else:
                program = _own_program(text, item_start, end, where)
            if program is not None:
                out.append(program)
    return out


def _name_end(text: str, m: re.Match, head: str, where: str) -> int | None:
    """Where the name whose head `m` is ends (its phase, section or part after the head), or
    None where the head names no program there."""
    end = m.end()
    if where == "line":
        phase = re.compile(_PHASE).match(text, end)
        end = phase.end() if phase else end
    else:
        after = (_ZONE_PART if head.endswith("区") else _PHASE_AFTER).match(text, end)
        end = after.end() if after else end
        works = re.compile(r"(?:改扩建|扩建|扩能|提质|改造|提质改造|升级改造|技改)?项目")
        if re.search(r"(?:园|基地|城|港)$", head) and works.match(text, end):
            end = works.match(text, end).end()  # 瑞立集团汽车电子电气系统产业园(扩建)项目: the park's project
    if text.startswith("片区", end) and not head.endswith("区"):
        end += 2  # 长沙南站枢纽片区: the area around the hub
    if head == "基地" and re.match(r"[\d.]+万?亩", text[end:]):
        return None  # 建设脐橙示范基地2万亩: bases counted by their area, not one named
    if text[end:end + 1] == "”":
        return None  # inside quotes: a quoted name (“十项行动”) is read as one
    title = text.rfind("《", max(0, m.start() - 60), m.start())
    if title >= 0 and title > text.rfind("》", title, m.start()) and not text.startswith("》", end):
        return None  # 《…重点项目库》: a head inside a cited title that does not end it
    if head == "计划" and _VERB_PLAN.match(text, m.end()):
        return None  # 一期工程计划2027年建成: 计划 is the verb
    if head == "煤矿" and _MINE_AT_WORK.match(text, end):
        return None  # 补连塔煤矿、上湾煤矿智能化升级改造: working mines, the upgrade is the work (not 煤矿建设)
    if head == "项目" and _COUNT_AFTER.match(text, end):
        return None  # 完成古城历史风貌片区保护更新项目23个: a class of projects counted, not one named
    return end


def _described(text: str, left: int, head_start: int, head: str) -> bool:
    """Whether the words before the head follow 的 or a quote: a described thing (更加便利的出入境
    管理政策) or a quoted name, read elsewhere. A zone's designation after 的 is still its name
    (全省仅三个的…普惠金融发展示范区); so is a project after its money or site (总投资8.3亿元的…工程,
    位于遂川县的…电站项目)."""
    return left > 0 and text[left - 1] in "的“”" and not (text[left - 1] == "的" and head.endswith("区")
                                                     and head_start - left >= 6) \
        and not (text[left - 1] == "的" and _MONEY_OR_SITE.search(text, max(0, left - 30), left - 1))


def _named_items(text: str, left: int, body_start: int, head_start: int, head: str) -> list[tuple[int, int, int]]:
    """_list_items, less the shared items where the list is one of fields or activities."""
    items = _list_items(text, left, body_start, head_start)
    if head not in _list_heads() or any(_common_word(text[a:b]) for a, b, shared in items if shared) \
            or any(_KIND_OF.search(text[shared:head_start]) or (head == "项目" and _ends_in_verb(text[a:b]))
                   for a, b, shared in items if shared):  # 污水处理、垃圾处置等项目: activities
        items = [i for i in items if not i[2]]  # a list of fields (交通、水利、工业等专业工程)
    return items


def _listed_program(text: str, item_start: int, item_end: int, shared: int, head_start: int, end: int,
                    head: str) -> EntityMention | None:
    """A list item sharing the head (九龙川、唐家河等煤矿 -> 九龙川煤矿), or None where it is none."""
    body = text[item_start:item_end]
    if re.search(r"(?:片区|街道|[镇乡县市园区])$", body) or re.match(r"(?:园区|厂区|项目区|校区)", body):
        # (园区污水处理站: a park not named, no program)
        return None  # 东兴街片区、滨河新区城市更新项目: the area is its own, not a 新区
    if _head_anywhere().search(body):
        return None  # 黔桂铁路增建二线, …配套升级工程、长治高新区: an item with its own head is read by its own match
    modifier = text[shared:head_start]
    if head == "项目" and not modifier and not (_proper_start(body) or _holds_place(body)):
        return None  # 地面公交、轨道交通等项目: fields (大湾、盘南等煤电项目 says which kind)
    if re.search(r"\d|[一两几]批|一系列", modifier) or not _specific(modifier):
        modifier = ""  # 等3500多个拟竣工投产项目, 等重点项目: the item's own 项目
    name = body + modifier + text[head_start:end]
    return EntityMention("Program", item_start, item_end, name, body, aliases={name, body})


def _own_program(text: str, item_start: int, end: int, where: str) -> EntityMention:
    """The name that carries the head itself, from item_start to end."""
    name = text[item_start:end]
    national = _NATIONAL_INSIDE().search(name, 1)
    if national and not _holds_place(name[:national.start()]):
        item_start += national.start()  # 坚决扛稳南水北调中线工程: the name opens with the national one's
        name = text[item_start:end]
    aliases = {name}
    whole = re.match(r"全[省市区县国]", name)
    if whole and len(name) > 6 and not (whole.group(0) == "全国" and re.search(r"(?:区|县|市|城市|基地)$", name)):
        # 全省创业担保贷款担保基金: the fund, not "the province's" (创建全国…示范区: the title of a designation)
        item_start += 2
        name = name[2:]
        aliases = {name}
    stage = re.search(r"(?:主体|(?<=[段线期])(?:土建|机电安装|主体结构))工程$", name)
    if stage and len(name) > 6:  # 大连金州湾国际机场主体工程, …5号线南延段土建工程: the works of one stage
        name = name[:stage.start()]
        end -= len(stage.group(0))
        aliases.add(name)
    edition = _ORDINAL.match(name) or re.match(r"20\d\d年?", name)
    if where == "event" and edition:
        aliases.add(name[edition.end():])  # 第二十五届中国国际投资贸易洽谈会: the event's own name
    return EntityMention("Program", item_start, end, name, name, aliases=aliases)


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


def _good_body(body: str, head: str, where: str, listed: bool = False) -> bool:
    if not body or re.search(r"[的和与及或、“”]|为$", body) or body in _verbs():
        return False  # 推进高铁建设: a verb before a head names nothing (以…园区为试点: a cue)
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
    if han < minimum or (len(body) > 24 and not _SUPPORTING.search(body)):
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
