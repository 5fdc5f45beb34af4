"""Statistical observations: for every number with a unit, the metric it measures, the year
(or period) it refers to, the place it is about and whether it is an actual figure or a target.

Genre knowledge used (never one sentence of one document; vocabulary in kg/vocab/):
- in a report, the section decides by default (kg/structure.py): the review of last year is
  actual of that year (预计 an estimated actual, 争取 obtained), the five-year review actual with
  a period for cumulative figures, this year's targets and tasks target of the report year, the
  five-year plan target of its last year; an explicit or relative year in the clause wins;
- elsewhere (news, articles) the year is the topic year of the sentence or paragraph, or a
  relative year resolved against the publication year, and a plan word (力争, 计划, 将+verb) or
  a future year makes a target;
- a figure's metric is the whole noun phrase before it, minus verbs, time words, places and
  comparison bases; 总量 and a bare 同比增长 refer back to the metric before them; a count followed
  by its noun counts that noun; 新增 keeps a flow a flow; 分别 pairs items; ranges, thresholds
  (突破X、达到Y) and before/after pairs (由X增加到Y) are read together;
- the place is the nearest place named before the figure in its clause, else the topic place of
  the sentence or paragraph, else the document's subject place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.extract.numbers import Quantity, find_quantities
from kg.gazetteer import Gazetteer, Home, Place, PlaceMention, find_places, most_specific
from kg.ingest import sentence_spans
from kg.vocab import five_year_period, named_period

# ------------------------------------------------------------------ vocabulary of the genre

from kg import vocab

_PLAN_WORDS = vocab.alternation("plan_words")
_ACTUAL_WORDS = vocab.alternation("actual_words")
_FLOW = re.compile(f"^(?:{vocab.alternation('flow_words')})")
# 5年增长 / 十年累计 / 翻一番: several years, written out
_N_YEARS = r"(?<![\d年月])(?:[2-9]|十)年(?:来|间|内)?(?:累计|共|增长|提高|翻)|翻一番|翻番"
_CUMULATIVE = re.compile(vocab.alternation("cumulative_words") + r"|增长\d+(?:\.\d+)?倍|" + _N_YEARS)
# words that always mean several years, whatever the section
_MULTI_YEAR = re.compile(r"年均|五年|" + _N_YEARS)
_ESTIMATE = re.compile(vocab.alternation("estimate_words"))
_VERBS = ("提高到|提高至|提升至|提升到|增长到|增长至|下降到|下降至|降至|降到|增至|达到|达|突破|超过|超|完成|实现|"
          "增长|增加|提高|提升|下降|降低|减少|回升|扩大|缩小|为|是|共计|合计|总计|累计|共|约|近|逾|开行|录得|保持在|"
          "保持|稳定在|控制在|接近|将近|大约|不足|不到|均|同比|环比|比上年|较上年|较去年|年均|平均|已|已经|预计|将|力争|确保|要|了|有|至|到|"
          "在|的|新增至|首次|分别|全部|整体|总体|合计达|年度|全年|连续|居|占|计|拟安排|安排|预期|"
          "比上年末|较上年末|比上年底|比年初|较年初|比上年同期|同比|按|实际|名义|同口径|可比口径|" + vocab.alternation("growth_verbs") + "|"
          + "|".join(vocab.qualifiers("before")) + "|"
          + vocab.alternation("level_verbs"))
_TRAILING_VERB = re.compile(rf"(?:{_VERBS}|每人|每户|每年|每月|每天|每日|一年)+$")
_COMPARISON_BASE = re.compile(r"(?:比|较)(?:上年|去年|(?:19|20)\d{2}年)?(?:执行数|决算数|预算数|实际数|完成数)$")
_BUDGET_TOTAL = re.compile(r"(?:收入|支出)总量")  # a budget's 收入总量 (all its sources) is no 收入
_GROWTH_VERB = re.compile(f"({vocab.alternation('growth_verbs')})")
_DECLINE_VERB = re.compile(f"({vocab.alternation('decline_verbs')})")
_LEADING = re.compile(
    r"^(?:其中|另外|此外|同时|以及|并且|并|和|及|与|而|则|还|也|共有|共(?!享|同|建)|全年|当年|今年|去年|明年|上年|本年|目前|"
    r"截至目前|截至|截止|据统计|初步核算|经初步核算|初步统计|数据显示|累计|已|一年来|过去一年|年内(?!计划)|"
    r"力争|确保|计划(?!(?:完成)?总?投资)|预计|争取|将|要|"
    r"全市|全省|全区|全县|我市|我省|我区|本市|全国|各类|实现|完成|拥有|推动|组织|开展|吸引|"
    r"成功|顺利|先后|陆续|当月|"
    r"发放|培育|创建|建成|举办|引进|争取|打造|落实|推进|持续|加快|全力|积极|大力|着力|努力|实施|抓好|铺排|"
    r"[\u4e00-\u9fa5]{2,4}(?:情况|年景|条件|口径)下|按(?:可比|不变|现行|当年)?价(?:格)?计算|按可比口径|扣除[^，,]{0,8}因素)+")
_TIME = re.compile(r"(?:19|20)\d{2}年(?:以来|底|末|初|上半年|下半年|前三季度|全年|度)?|"
                   r"(?:近|这)?[0-9一二三四五六七八九十两]+年(?:来|间|内)?(?=累计|来|间|内|共)|"
                   r"\d{1,2}月(?:份)?[-~～—至到]\d{1,2}月(?:份)?|当月|当年|"
                   r"\d{1,2}(?:[-~～—至]\d{1,2})?月(?:份|底|末|初|上旬|中旬|下旬)?(?:\d{1,2}日)?|"
                   r"(?:截至|截止)(?:目前|\d{1,2}月\d{1,2}日|\d{1,2}月底)?|上半年|下半年|前三季度|一季度|"
                   r"二季度|三季度|四季度|全年|年底|年末")
_GENERIC = {"事项", "项目", "成果", "片区", "企业", "产品", "活动", "总量", "总额", "规模", "总数", "数量", "增速", "增幅", "比重", "占比", "总计", "合计", "其中",
            "同比", "环比", "分别", "共", "累计", "年均", "平均", "全年", "以上", "左右", "全省占比",
            "当月", "日均", "人均", "每年", "每天", "每月", "每人", "均"}
_METRIC_NOUN = re.compile(r"(率|额|值|量|数|收入|投资|强度|比重|占比|指数|面积|产量|规模|总值|人次|天数|吞吐量|增加值|"
                          r"余额|支出|利润|产值|价格|标准|就业)$")
# after a rate or an amount of money the next word is not what is counted (增长5%安排)
_NOT_COUNTING_UNIT = re.compile(r"%|‰|倍|百分点|基点|元")
# 由上年X增加到Y / 从X降到Y: X is the level before; 突破X、达到Y: X is a threshold, Y the figure
_FROM_BEFORE = re.compile(r"(?:由|从)(?P<when>上年末?|去年末?|上半年|年初|(?:19|20)\d{2}年末?)?的?$")
_FROM_TAIL = re.compile(r"(?:由|从)(?:上年末?|去年末?|上半年|年初|(?:19|20)\d{2}年末?)?的?$")
_TO_BETWEEN = re.compile(r"^[^\d，,。；;]{0,6}?(?:到|至)(?:(?:19|20)\d{2}年(?:末|底)?的?)?$")
_THRESHOLD_BETWEEN = re.compile(r"^[、，,]?(?:达到|达|为|增至|增加到|提高到|提升至)$")
_AFTER_COUNT = re.compile(r"^[\u4e00-\u9fa5]{0,8}?(?:被评为|被认定为|被命名为|入选|获评|获批|荣获|认定为|通过认定为|成为)"
                          r"([^，,。；;、：:（(]{2,18})")
# the noun a count is of: up to a delimiter, a verb that starts a predicate, or 的
_COUNTED_NOUN = re.compile(r"^(?:以上|以下|左右|多|余)?((?![的和与及]|同比|增长|以上)[\u4e00-\u9fa5A-Za-z]{2,16}?)"
                           r"(?=[，,。；;、：:（()）“”\"]|$|的|为|被|入选|获|落地|开工|建成|投用|投产|建设|完成|实现|参与|"
                           r"纳入|通过|签约|开展|达|共|累计|均|分别|和|与|及|等|正在|已|将|在)")
_COUNTED_HEAD = re.compile(r"^[\u4e00-\u9fa5]{0,4}?(?:项目|工程|企业|园区|基地|平台)(?=[，,。；;、（(]|$)")
# 118个项目已顺利开工: a bare class counted by what happened to it -> 开工项目
_COUNTED_EVENT = re.compile(r"^(?:已经|已|均已|顺利|集中|正式|全面|相继|陆续)*(开工|签约|投产|竣工|落地|建成|开建|入驻|投用|落户)")
# a plan: a plan word (力争, 确保, 计划 …), a goal year (到2030年), 将 + a verb of action
# 预计 marks a plan only when what follows is to come (预计可实现年产值, 预计将带动); 预计实现 /
# 预计完成 a figure of a period under way or past is an estimate of the actual
_FORECAST = r"预计(?=可|将|能|每年|年均|带动|新增|实现年|达产|建成|投产|到20)|(?:建成|达产|投产|竣工)后"
_PLAN_MARKERS = re.compile(rf"{_PLAN_WORDS}|到20\d\d年|{_FORECAST}")
# project news: 计划实施/计划建设 … 项目N个 counts the projects of a plan list, 计划(总)投资 is what
# they are to cost (both facts about the list); 年度/年内/当期计划投资 is the year's target
_LIST_PLAN = re.compile(r"计划(?=实施|建设|开工|安排|推进|总投资|投资|完成投资)")
_PERIOD_PLAN = re.compile(r"(?:年度|年内|当期|当年|今年|本年|全年)计划(?:完成)?投资(?!完成率|完成比例)")
_ACTUAL_MARKERS = re.compile(rf"(?:{_ACTUAL_WORDS})(?!于)|累计")
_QUOTED = re.compile(r"“[^”]{0,20}”|《[^》]{0,40}》|\"[^\"]{0,20}\"")
_TOPIC_YEAR = re.compile(r"(?:^|[，,。；;：:！!？?\s])(?:据统计|初步核算|数据显示|统计显示)?[，,]?"
                         r"(?P<y>(?:19|20)\d{2})年(?P<since>以来)?(?![-~至到]\d)")
_COMPARE_BEFORE = re.compile(r"(?:同比|比|较|与|相比|超过|高于|低于|恢复到|达到)$")
_RELATIVE_YEAR = [(re.compile(re.escape(w)), d) for w, d in sorted(vocab.relative_years().items(), key=lambda kv: -len(kv[0]))
                  if w not in ("全年", "当年")]  # 全年/当年 name the topic year, not an offset
_WORK_REPORT_PLAN = re.compile(r"今年(?:政府)?工作(?:的)?总体要求|今年(?:经济社会发展)?(?:的)?主要预期目标|"
                               r"(?:19|20)\d{2}年(?:工作|重点工作)?(?:安排|任务)|今年重点(?:抓好|做好)|"
                               r"主要预期目标是|今年工作|下一步工作")
_PERIOD = re.compile(r"(?:(?:19|20)\d{2}年)?(?P<p>\d{1,2}月?[-~～—至]\d{1,2}月|\d{1,2}月(?![\d至到-]|\d{0,2}日)|前三季度|上半年|下半年|[一二三四]季度|"
                     r"(?:截至|截止)\d{1,2}月(?:\d{1,2}日|底|末)?|(?:19|20)\d{2}年以来)")


@dataclass
class Observation:
    doc_id: str
    start: int  # offsets of the quote in the normalized document text
    end: int
    quote: str
    metric: str  # the metric's label: the whole noun phrase as written (its indicator is linked apart)
    metric_surface: str
    value: Decimal
    unit: str
    year: int
    status: str  # Actual | Target
    place: Place
    measure: str  # Level | GrowthRate | Change
    qualifier: str | None = None
    period: str | None = None
    direction: str | None = None  # 下降 / 减少 for decreases (the value stays as written)
    normalized_value: Decimal | None = None
    normalized_unit: str | None = None
    year_basis: str = ""  # how the year was found: explicit | topic | relative | section | genre
    places_mentioned: list[Place] = field(default_factory=list)
    indicator: "vocab.Indicator | None" = None  # the standard indicator the metric is, if any
    max_value: Decimal | None = None  # the upper bound of a range (4.5%—5%)
    period_start: int | None = None  # a figure over several years (五年累计, 年均增长)
    period_end: int | None = None
    estimated: bool = False  # 预计: an estimate of an actual figure
    section_role: str | None = None
    passage: int | None = None  # the order of the passage the quote lies in (set by extraction)
    program: tuple | None = None  # the key of the program the figure counts (“双百双新”项目634个)
    confidence: str = "high"  # high | medium | low: how sure the extraction is of what the figure measures
    confidence_reason: str = ""  # why not high, in a few words


_PART_OF_YEAR = {"一季度": "1-3月", "第一季度": "1-3月", "二季度": "4-6月", "三季度": "7-9月", "四季度": "10-12月",
                 "上半年": "1-6月", "下半年": "7-12月", "前三季度": "1-9月"}


def normalize_period(text: str) -> str:
    """The part of the year a figure covers, written one way: 前三季度 / 1—9月 / 1至9月份 / 截至9月底
    -> 1-9月; 上半年 -> 1-6月; 一季度 -> 1-3月; 今年以来 -> 年初以来 (the year so far). Anything else is
    kept as written."""
    if text in ("今年以来", "年初以来"):
        return "年初以来"
    text = text.lstrip("第")
    if text in _PART_OF_YEAR:
        return _PART_OF_YEAR[text]
    m = re.fullmatch(r"(\d{1,2})月?(?:份)?[-~～—至到](\d{1,2})月(?:份)?", text)
    if m:
        return f"{int(m.group(1))}-{int(m.group(2))}月"
    m = re.fullmatch(r"(?:截至|截止)(\d{1,2})月(?:底|末)?", text)
    if m:
        return f"1-{int(m.group(1))}月"
    return text


# ------------------------------------------------------------------ how sure a figure is

_BOUND_WORDS = ("突破", "超过", "超", "逾", "迈上", "跨越", "不足", "不到", "以上", "以下", "以内")
_APPROXIMATE = ("近", "约", "接近", "将近", "大约", "左右", "多", "余")
# a figure about a part of the place (县域经济, 园区, 中心城区, a task force): never the place's own
_PART_OF_PLACE = re.compile(r"^(?:县域|园区|开发区|高新区|经开区|市区|城区|中心城区|主城区|片区|景区|镇域|乡镇|街道)|"
                            r"专班|园区|产业园")


def assess(o: Observation) -> tuple[str, str]:
    """(confidence, reason) of one observation: low when the figure is a bound or about a part of the
    place or its year comes from the file's name; medium when approximate or when its metric is no
    standard indicator (what it measures is read from the words alone); high otherwise."""
    q = o.qualifier or ""
    if o.status == "Actual" and o.measure == "Level" and any(w in q for w in _BOUND_WORDS) and o.max_value is None:
        return "low", f"a bound ({q}), not the figure itself"
    if _PART_OF_PLACE.search(o.metric):
        return "low", "about a part of the place"
    if o.year_basis == "file":
        return "low", "year taken from the file's name"
    if o.status == "Actual" and any(w in q for w in _APPROXIMATE):
        return "medium", f"approximate ({q})"
    if o.indicator is None:
        return "medium", "metric is not a standard indicator"
    if o.estimated:
        return "medium", "an estimate (预计)"
    return "high", ""


def _years_in(text: str) -> int | None:
    """How many years a sentence says a figure covers: 近三年/三年来 -> 3, 五年来/十四五 -> 5."""
    import cn2an

    m = re.search(r"(?:近|过去|这)?([2-9两三四五六七八九十])年(?:来|间|中|里|内)|十[一二三四五]五", text)
    if not m:
        return None
    if m.group(0).startswith("十"):
        return 5
    digit = m.group(1)
    return int(digit) if digit.isdigit() else int(cn2an.cn2an(digit.replace("两", "二"), "smart"))


def is_flow(label: str) -> bool:
    """A metric that counts what was added over a period: 新增… / 城镇新增就业 (a change indicator)."""
    if _FLOW.match(label) or "新增" in label:
        return True
    found = vocab.indicators().find(label)
    return found is not None and found.kind == "change"


def find_indicator(label: str, verb_zone: str = "") -> "vocab.Indicator | None":
    """The standard indicator a metric label names: the label itself, or the label with its verb
    (经济 + 增长 -> 经济增长 -> 地区生产总值)."""
    found = vocab.indicators().find(label)
    if found is None and re.search(r"[（(][^（()）]*[）)]$", label):  # 地区生产总值（GDP）, 固定资产投资（不含农户）
        found = vocab.indicators().find(re.sub(r"[（(][^（()）]*[）)]$", "", label))
    if found is None:  # 城镇调查失业率均值, 粮食总产量 (全年): a qualifier of the same statistic
        bare = re.sub(r"(?:均值|平均值|平均水平|总体|全年)$", "", label)
        found = vocab.indicators().find(bare) if bare != label else None
    if found is None and verb_zone:
        verb = _GROWTH_VERB.search(verb_zone)
        if verb:
            found = vocab.indicators().find(label + verb.group(1))
    return found


# ------------------------------------------------------------------ document context

@dataclass
class DocContext:
    doc_id: str
    text: str
    home: Home
    reporting_year: int | None  # the year a review reports on (a work report's year - 1)
    publication_year: int | None  # the year 今年 refers to (a work report's own year)
    work_report: bool
    structure: "object | None" = None  # kg.structure.DocStructure
    year_from_file: bool = False  # no year in the text: the file's name gave it
    publication_month: int | None = None  # a piece of December says 一年来 of its own year


def document_context(doc, home: Home, structure=None) -> DocContext:
    """Years and kind from the document structure (kg.structure); without one (a bare text),
    from the dates and the most mentioned year."""
    if structure is not None and (structure.is_report or structure.kind == "StatisticalBulletin"):
        report = structure.report_year
        return DocContext(doc.doc_id, doc.text, home, structure.reviewed_year, report, structure.is_report,
                          structure)
    from kg.ingest import dominant_year

    reporting = dominant_year(doc.text)
    work_report = bool(re.search(r"政府工作报告|向大会报告(?:政府)?工作", doc.text[:3000]))
    publication = int(doc.date[:4]) if doc.date else None
    from_file = reporting is None and publication is None and structure is not None and structure.report_year is not None
    if from_file:
        reporting = publication = structure.report_year  # no year written: the file's name
    if publication is None and reporting is not None:
        # undated articles that say 去年 were written after the year they report on
        publication = reporting + 1 if "去年" in doc.text else reporting
    if work_report and publication is not None:
        reporting = publication - 1  # a report delivered in early Y reviews Y-1
    # news and other articles: the year of the article, its sentences decide year and status
    return DocContext(doc.doc_id, doc.text, home, reporting, publication, work_report, structure, from_file,
                      int(doc.date[5:7]) if doc.date else None)


# ------------------------------------------------------------------ extraction

_INDUSTRY = re.compile(vocab.alternation("industries"))


def _in_industry_name(text: str, i: int) -> bool:
    """Whether text[i] (a 、) lies inside an industry's name (交通运输、仓储和邮政业)."""
    return any(m.start() <= i < m.end() for m in _INDUSTRY.finditer(text, max(0, i - 16), i + 16))


def _joined_list_start(text: str, start: int, floor: int, quantities) -> int:
    """A clause after 、 whose items before hold no figure names them together: 新建改扩建中小学、
    幼儿园62所 counts both, 签约、开工项目18个 both kinds (not 幼儿园, not 开工项目 alone)."""
    while start > floor and text[start - 1] == "、" and not re.match(r"[一二三四五六七八九十\d]", text[start:start + 1]):
        before = _clause_start(text, start - 1, floor)
        item = text[before:start - 1]
        if not (2 <= len(item) <= 6) or any(before <= q.start < start for q in quantities) \
                or not re.fullmatch(r"[\u4e00-\u9fa5]+", item) or re.match(r"第?[一二三四五六七八九十]+$", item) \
                or re.match(r"稳居|位居|居|实现|达到|达|增长|保持|排名|连续|完成|突破", item):
            break  # not a name of its own (第一、二批; 稳居全国前十强、增长4.8%)
        start = before
    return start


def _clause_start(text: str, pos: int, floor: int) -> int:
    """Start of the clause that ends at pos; a parenthesis closed inside it is part of it, and so
    is the 、 inside an industry's name."""
    i = pos
    while i > floor and (text[i - 1] not in "，,；;。！？!?：:、（(\n"
                         or (text[i - 1] == "、" and _in_industry_name(text, i - 1))):
        if text[i - 1] in ")）":
            opener = max(text.rfind("(", floor, i - 1), text.rfind("（", floor, i - 1))
            if opener >= floor:
                i = opener
                continue
        i -= 1
    return i


# two-character heads or longer: 完成率 / 实现率 are words of their own
_SUBJECT_VERB_NOUN = re.compile(rf"^(.{{2,}}?)(?:实现|(?<!计划)完成(?!投资$)|录得)((?:{'|'.join(re.escape(w) for w in vocab.words('metric_heads') if len(w) >= 2)}))$")


def _strip_metric(phrase: str) -> str:
    phrase = re.sub(r"[“”\"‘’']|\[\d{1,2}\]|[①-⑳]", "", phrase)  # quotes, footnote marks (生产总值[2], 生产总值②)
    closing = re.search(r"[（(][^（()）]*[）)]$", phrase)  # a balanced （GDP） stays whole
    phrase = phrase.strip(" 《》()（）【】") + (phrase[-1] if closing else "")
    phrase = re.sub(r"[（(]下同[）)]", "", phrase)
    for _ in range(3):
        before = phrase
        phrase = _TIME.sub("", phrase) if _TIME.match(phrase) else phrase
        phrase = _LEADING.sub("", phrase)
        phrase = _BUDGET_TOTAL.sub(lambda m: m.group(0)[:2] + "\ue000", phrase)  # 总量 kept there
        phrase = _TRAILING_VERB.sub("", phrase).replace("\ue000", "总量")
        phrase = _COMPARISON_BASE.sub("", phrase)  # 比上年完成数 / 较上年执行数: the base, not the metric
        phrase = re.sub(r"(?<=[\u4e00-\u9fa5]{2})(?:决算数|执行数|实际完成数|完成数|实际数)$", "", phrase)  # 收入决算数
        closing = phrase.endswith(("）", ")")) and re.search(r"[（(][^（()）]*[）)]$", phrase)
        phrase = phrase.strip(" “”\"'《》()（）【】·") + (phrase[-1] if closing else "")  # 地区生产总值（GDP）
        if phrase == before:
            break
    # 省财政厅核定我市2025年政府债务限额: what follows the text's own place (and a year) is the metric
    inner = re.search(r"(?:我|全|本)(?:省|市|区|县|州|旗)(?:(?:19|20)\d{2}年度?)?(?=[\u4e00-\u9fa5]{2})", phrase)
    if inner and inner.start() > 0:
        phrase = phrase[inner.end():]
    phrase = re.sub(r"(?<=[\u4e00-\u9fa5])(?:19|20)\d{2}年度?(?=[\u4e00-\u9fa5])", "", phrase)
    joined = _SUBJECT_VERB_NOUN.match(phrase)
    if joined:  # 规模以上工业企业实现利润 -> 规模以上工业企业利润
        phrase = joined.group(1) + joined.group(2)
    if len(phrase) > 16:  # a long phrase: keep what follows its last function word
        cut = max(phrase.rfind(w) for w in ("的", "对", "把", "让", "使"))
        if cut >= 0 and len(phrase) - cut - 1 >= 2:
            phrase = phrase[cut + 1:]
    return phrase


# a count of administrative units (全国31个省区市) says where, not how much
_PLACE_CLASS = {"省区市", "省市区", "省份", "省区", "地市", "市州", "市县", "县区", "区县", "县市区", "乡镇", "省市",
                "城市", "地级市", "县市", "国家和地区", "国家"}
_NOT_METRIC = {"服务", "建设", "推进", "开展", "实施", "支持", "带动", "惠及", "覆盖", "涉及", "包括", "其中",
               "发布", "出台", "制定", "印发", "举办", "召开", "组织", "引进", "签约", "落地", "谋划", "围绕",
               "面对", "明确", "推出", "建成", "新增", "完成", "投入使用", "聚焦", "打造", "不低于", "达到"}


# a threshold that names a class (10亿元以上项目, 投资超5亿元项目, 年营收超百亿元企业): the class is
# what a count after it counts, the threshold is no figure of its own
_CLASS_NOUN = re.compile(r"^(?:的)?(?:重大|重点|产业|工业|制造业|新建|续建|招商|签约|在建|新开工|开工|规上|龙头)?"
                         r"(?:项目|企业|工程|园区|产业集群|集群|景区|乡镇|镇|村|城市|县|行业|产业链|平台|基地|商户|市场主体)")
_THRESHOLD_WORDS = ("以上", "以下", "超", "超过", "突破", "逾")


def is_class_threshold(para: str, q: Quantity) -> bool:
    qualifier = q.qualifier or ""
    return any(w in qualifier for w in _THRESHOLD_WORDS) and bool(_CLASS_NOUN.match(para[q.end:q.end + 10]))


# 迈上5万亿元台阶, 跨越7万亿、8万亿两个台阶, 突破千亿大关: a milestone passed, never the figure
_MILESTONE_AFTER = re.compile(r"^[^，,。；;]{0,12}?(?:台阶|大关|关口|门槛|量级)")
_MILESTONE_VERB = re.compile(r"(?:迈上|迈入|跨越|跨上|站上|突破|越过|冲上|晋级|跃上|跨入)[^，,。；;\d]{0,4}$")
# a magnitude without a unit of measure (5万, 7万亿): no figure to publish
_BARE_MAGNITUDES = ("万", "亿", "万亿", "千亿", "百万", "千万", "千")


def is_milestone(para: str, q: Quantity) -> bool:
    if not _MILESTONE_AFTER.match(para[q.end:q.end + 16]):
        return False
    before = para[max(0, q.start - 12):q.start]
    return bool(_MILESTONE_VERB.search(before)) or bool(re.search(r"[、和](?:\d|$)", before[-2:])) \
        or any(w in (q.qualifier or "") for w in ("突破", "超过", "超", "逾"))


_THRESHOLD_IN_NAME = re.compile(r"\d+(?:\.\d+)?(?:万亿|千亿|亿|千万|百万|万)?元?(?:以上|以下)|超\d+(?:\.\d+)?(?:万亿|亿|万)?元")


_NO_MEASURE = set(vocab.words("non_measures"))
_TRADE_WITH = re.compile(r"^对.{2,12}(?:进出口|出口|进口|投资|贸易)(?:额|总额|总值)?$")
_COMPARED_WITH = re.compile(r"(?:高于|低于|快于|慢于|领先|超出|超过)(?:全国|全省|全市|全区|全州|平均|预期|目标|同期)")


def _valid_metric(label: str) -> bool:
    if not (2 <= len(label) <= 20) or label in _GENERIC or label in _NOT_METRIC or label in _PLACE_CLASS \
            or label in _NO_MEASURE or _COMPARED_WITH.search(label):
        return False
    if (label[0] in "到对向把为从与和及等的了" and not _TRADE_WITH.match(label)) or label[-1] in "的和与及等":
        return False  # a preposition or conjunction: not a noun phrase (but 对东盟进出口额 is trade with)
    han = sum(1 for c in label if "\u4e00" <= c <= "\u9fff")
    if han < 2 and not re.search(r"GDP|CPI|PM2\.5|5G", label):
        return False
    return not re.search(r"[0-9]{3,}|[。；;！？]", _THRESHOLD_IN_NAME.sub("", label))  # 5000万元以上项目 is a class


_BUDGET_BOOKS = [(book, re.compile(pattern)) for book, pattern in vocab.table("budget_books")]
# a revenue or expenditure named bare in a budget report, under its book's heading: 实际完成收入,
# 年初预算支出, 市本级收入 (scope, budgeted or actual, what)
_BARE_BUDGET_ITEM = re.compile(r"^(?P<scope>全市|全县|全区|全州|全省|全盟|市本级|市级|县本级|县级|区本级|区级|州本级|州级|本级)?"
                               r"(?P<budgeted>年初预算|调整后预算|调整预算|预算|拟安排|安排|年初|调整后)?(?:实际完成|实际|完成|决算)?"
                               r"(?P<what>收入|支出)(?P<budget>预算数|预算(?:调整)?)?$")  # 年初支出预算, 支出预算调整(为)
# a figure of the budget itself (not of its execution): a target of the budget year it belongs to
_BUDGETED = re.compile(r"(?:收入|支出|收支)预算(?:数)?$|预算数$|^(?:年初|调整后?)|年初预算|调整预算")


def budget_book(text: str) -> str | None:
    """The budget book a heading or a sentence opening names (一般公共预算, 政府性基金预算 …)."""
    for book, pattern in _BUDGET_BOOKS:
        if pattern.search(text):
            return book
    return None


def _complete_from_book(label: str, book: str | None) -> tuple[str, bool]:
    """(label, budgeted): 实际完成收入 under 政府性基金预算 -> 政府性基金预算收入; 年初预算收入 is
    budgeted (a target). A label naming more than a bare item is kept."""
    m = _BARE_BUDGET_ITEM.match(label)
    if m is None or book is None:
        return label, bool(_BUDGETED.search(label))
    budgeted = bool(m.group("budgeted") or m.group("budget"))
    return f"{m.group('scope') or ''}{book}{m.group('what')}", budgeted


# a sentence about a part of the place (a task force, a park, a company): its figures are that part's
_SUBUNIT_SUBJECT = re.compile(r"^(?:其中[，,]?)?([\u4e00-\u9fa5]{2,12}?(?:专班|园区|开发区|高新区|经开区|产业园|片区|板块|"
                              r"集团|公司))(?:作为[^，,。]{0,12}[，,]|以(?=\d)|[，,：:])")
_SHARE_OF_BUDGET = re.compile(r"^(?:占|为|完成|达|达到)?(?:年初|调整后?的?)?预算(?:数)?的?$")
# 完成投资1126.5亿元，完成年度计划的106.3%: how much of the year's plan the figure before is
_SHARE_OF_PLAN = re.compile(r"^(?:占|为|完成|达|达到)?(?:年度|全年|年)(?:投资)?计划(?:任务)?的?$")
_SHARE_OF_PLAN_WORDS = re.compile(r"(?:占|为|完成|达到?)(?:年度|全年|年)(?:投资)?计划(?:任务)?的")
# 固定资产投资完成年度投资计划的98.5%: the subject's rate of its year's plan
_SUBJECT_SHARE_OF_PLAN = re.compile(r"^(.{2,}?)(?:完成|占|达到?)(?:年度|全年|年)(?:投资)?计划(?:任务)?的?$")


class ParagraphState:
    def __init__(self, year: int | None, place: Place | None, plan: bool):
        self.year = year
        self.book: str | None = None  # the budget book the paragraph is about (budget reports)
        self.year_basis = "genre"
        self.place = place
        self.sentence_place: Place | None = None
        self.plan = plan
        self.topic_plan = False  # the sentence that set the topic year announced a plan
        self.section = None  # the report section (kg.structure.Section) when it decides year/status
        self.period: tuple[int, int] | None = None  # 五年来，…: the sentences after cover these years
        self.part: str | None = None  # 一季度，…: the part of the year the sentences after report


def extract_observations(doc, ctx: DocContext, gaz: Gazetteer) -> list[Observation]:
    """Every figure of the document with what it measures, and how sure that reading is."""
    out = _extract_observations(doc, ctx, gaz)
    for o in out:
        o.confidence, o.confidence_reason = assess(o)
    return out


def _extract_observations(doc, ctx: DocContext, gaz: Gazetteer) -> list[Observation]:
    text = doc.text
    out: list[Observation] = []
    section_place: Place | None = None
    section_book: str | None = None  # the budget book the last heading named
    title = getattr(doc, "title", "") or ""
    in_title = _PART_OPENER.search(title) if ctx.structure is None or not ctx.structure.is_report else None
    title_part = normalize_period(in_title.group("p")) if in_title and in_title.group("p") not in ("今年以来", "年初以来") else None
    carried_place: Place | None = None  # the topic place of the previous paragraph (same section)
    in_plan = False
    pos = 0
    for para in text.split("\n\n"):
        p_start, p_end = pos, pos + len(para)
        pos = p_end + 2
        mentions = find_places(para, gaz, ctx.home, subject=section_place)
        lead_place = _lead_place(para, mentions)
        is_heading = para.startswith("#") or (len(para) < 40 and para[-1:] not in "。！？；")
        if is_heading:
            if lead_place is not None and lead_place.level >= 2:
                section_place = lead_place
            section_book = budget_book(para) or (section_book if not re.match(r"^[一二三四五六七八九十]+、", para) else None)
            carried_place = None
            continue
        section = ctx.structure.section_at(p_start) if ctx.structure is not None else None
        if section is not None and section.status is not None:
            # a report's section says which year and status its figures default to
            default_year, in_plan = section.year, section.status == "Target"
        else:
            if ctx.work_report and _WORK_REPORT_PLAN.search(para[:60]):
                in_plan = True
            default_year = ctx.reporting_year
            if ctx.work_report and in_plan:
                default_year = ctx.publication_year
            if section is not None and section.year is not None and not in_plan:
                default_year = section.year
        state = ParagraphState(default_year, lead_place or carried_place or section_place or ctx.home.default,
                               in_plan)
        state.part = title_part  # 香洲区一季度经济运行…: the article reports that part of the year
        state.section = section if section is not None and section.status is not None else None
        if ctx.year_from_file:
            state.year_basis = "file"
        state.book = budget_book(para[:40]) or section_book  # （二）政府性基金预算。实际完成收入…
        out.extend(_paragraph_observations(para, p_start, mentions, state, ctx))
        carried_place = state.place
    return out


def _lead_place(para: str, mentions: list[PlaceMention]) -> Place | None:
    """A place named at the start of a paragraph or heading (after a year or a dateline)."""
    head = re.sub(r"^#+\s*|^(?:19|20)\d{2}年[，,]?|^本报讯[（(][^）)]*[）)]", "", para)
    offset = len(para) - len(head)
    for i, m in enumerate(mentions):
        if m.start - offset <= 4 and m.start >= offset - 1 and not _in_agency_name(para, m):  # 省财政厅…
            return most_specific(mentions, i)
    return None



def _paragraph_observations(para: str, p_start: int, mentions, state: ParagraphState,
                            ctx: DocContext) -> list[Observation]:
    out: list[Observation] = []
    # a bare magnitude (5万) names no unit of measure; a Chinese numeral's value is not written
    # in digits, so its quote could not show it (traceability): both are left out
    quantities = [q for q in find_quantities(para) if q.unit not in _BARE_MAGNITUDES and not q.chinese_numeral
                  and not is_class_threshold(para, q)]
    if not quantities:
        _advance_topics(para, 0, len(para), mentions, state, ctx)
        return out
    sentence_bounds = sentence_spans(para)
    previous_metric: str | None = None
    for s_start, s_end in sentence_bounds:
        _advance_topics(para, s_start, s_end, mentions, state, ctx)
        sent_q = [q for q in quantities if s_start <= q.start < s_end]
        # the metric before carries over a ； (one sentence in Chinese grammar) and into a
        # breakdown (…进出口额320亿元。其中，出口210亿元 …): otherwise a sentence starts afresh
        if not (para[max(0, s_start - 1):s_start] in ("；", ";") or re.match(r"其中[，,：:]?", para[s_start:s_end])):
            previous_metric = None
        pending_noun: str | None = None
        respectively = _respectively(para, s_start, s_end, sent_q, mentions)
        opener = _SUBUNIT_SUBJECT.match(para[s_start:s_end])
        subunit = opener.group(1) if opener else None
        item_place: dict[int, Place] = {}  # 中原区、金水区…分别增长a、b: the place of each item
        named_before: list[str] = []  # the metrics of this sentence's levels, in order (for a bare 分别)
        said: list[str] = []  # every metric of this sentence so far, in order
        roles = _pair_roles(para, sent_q)
        for q in sent_q:
            c_start = _joined_list_start(para, _clause_start(para, q.start, s_start), s_start, sent_q)
            quote_end = q.end
            role = roles.get(id(q))
            # a number inside a list ("城乡发展18.9325亿元，社会事业7.5069亿元") starts after the previous figure
            prev_end = max([x.end for x in sent_q if x.end <= q.start] + [c_start])
            raw_phrase = para[max(c_start, prev_end):q.start]
            phrase_start = q.start - len(raw_phrase)
            bare = re.sub(f"(?:{'|'.join(vocab.qualifiers('before'))})$", "", raw_phrase.rstrip())
            verb_zone = bare[len(_TRAILING_VERB.sub("", bare)):] or bare[-2:]
            if role in ("from", "from_last_year", "from_year"):
                raw_phrase = _FROM_TAIL.sub("", raw_phrase)  # 常住人口由上年 -> 常住人口
            if _COMPARED_WITH.search(raw_phrase):
                continue  # 低于全国0.3个百分点: a gap to another place, no figure of this one
            label = _strip_metric(_drop_places(raw_phrase, mentions, phrase_start))
            if role in ("to", "threshold_value") and not _valid_metric(label) and previous_metric:
                label = previous_metric  # …由729万人增加到732万人 / 突破2万亿元、达到23562亿元
            measure = "Level"
            direction = _DECLINE_VERB.search(verb_zone).group(1) if _DECLINE_VERB.search(verb_zone) else None
            if _GROWTH_VERB.search(verb_zone) and not re.search(r"[至到]$", verb_zone):
                measure = "GrowthRate" if q.unit in ("%", "倍") else "Change"  # 提高至 reaches a level
            if q.unit in ("个百分点", "百分点", "个基点", "基点"):
                measure = "Change"
            if q in respectively and respectively[q][0] == "@before":
                offset = respectively[q][1]
                label = named_before[offset] if len(named_before) >= -offset else ""
                verb = re.search(r"分别([^\d]{0,6})", para[c_start:q.start])
                if verb and _GROWTH_VERB.search(verb.group(1)):
                    measure = "GrowthRate" if q.unit in ("%", "倍") else "Change"
                    direction = "down" if _DECLINE_VERB.search(verb.group(1)) else direction
                elif verb and not label:
                    continue
            elif q in respectively:
                label, heads_start = respectively[q][:2]
                if len(respectively[q]) > 2:
                    item_place[id(q)] = respectively[q][2]
                phrase_start, raw_phrase = heads_start, para[heads_start:q.start]
                shared_verb = re.search(r"分别([^\d]{0,6})", para[heads_start:q.start])
                if shared_verb and measure == "Level" and _GROWTH_VERB.search(shared_verb.group(1)) \
                        and not re.search(r"[至到]$", shared_verb.group(1)):
                    measure = "GrowthRate" if q.unit in ("%", "倍") else "Change"
                    if _DECLINE_VERB.search(shared_verb.group(1)):
                        direction = "down"
            counted = _COUNTED_NOUN.match(para[q.end:q.end + 24]) if not _NOT_COUNTING_UNIT.search(q.unit) else None
            if counted and not _AFTER_COUNT.match(para[q.end:q.end + 30]) and not _METRIC_NOUN.search(label):
                # 遴选出首批54家市级绿色低碳工厂: the figure counts the noun that follows it
                label = _strip_metric(counted.group(1))
                quote_end = q.end + counted.end(1)
                head = _COUNTED_HEAD.match(para[quote_end:quote_end + 8])
                if head:  # 3500多个拟竣工投产项目: the noun runs on to its head
                    label, quote_end = label + head.group(0), quote_end + len(head.group(0))
                event = _COUNTED_EVENT.match(para[quote_end:quote_end + 10]) if label in ("项目", "企业", "工程") else None
                if event:  # 118个项目已顺利开工 -> 开工项目
                    label, quote_end = event.group(1) + label, quote_end + event.end()
                if not _valid_metric(label):
                    continue
            # 总投资56亿元的X项目: the money of the project named after it, not of the one before
            own_project = bool(_PROJECT_INVESTMENT.match(label)) and para[q.end:q.end + 1] == "的"
            sibling = _complete_from_previous(label, None if own_project else previous_metric, tuple(said))
            if sibling != label:  # 社会保险基金预算收入…，支出安排183.2亿元: the sentence's own book first
                label, budgeted = sibling, bool(_BUDGETED.search(raw_phrase))
            else:
                label, budgeted = _complete_from_book(label, state.book)
            share_of_budget = bool(_SHARE_OF_BUDGET.match(label)) and previous_metric is not None
            share_of_plan = bool(_SHARE_OF_PLAN.match(label)) and previous_metric is not None and q.unit == "%"
            if share_of_budget:  # 收入完成32亿元，为预算的101%: how much of its budget, not a new metric
                label, measure, budgeted = previous_metric + "预算完成率", "Level", False
            elif share_of_plan:
                label, measure, budgeted = previous_metric + "年度计划完成率", "Level", False
            elif q.unit == "%" and _SUBJECT_SHARE_OF_PLAN.match(label):
                label, measure = _SUBJECT_SHARE_OF_PLAN.match(label).group(1) + "年度计划完成率", "Level"
            elif label.startswith("占") and previous_metric and len(label) > 2:
                label = previous_metric + label  # 税收收入…，占一般公共预算收入的比重为71.1%
            label = _complete_from_previous(label, None if own_project else previous_metric, tuple(said))
            if not _valid_metric(label):
                after = _AFTER_COUNT.match(para[q.end:q.end + 30])
                if after and (not label or not _valid_metric(label)):
                    label = _strip_metric(after.group(1).removesuffix("名单").removesuffix("称号"))
                    quote_end = q.end + after.end()
                elif previous_metric and (measure != "Level" or label in _GENERIC or not label):
                    label = previous_metric  # 总量超过.. / 同比增长.. refer to the metric before
                    if measure == "Level":  # 新增X 5家，总数达到12家: the total is of X itself
                        label = re.sub(r"^(?:新增|新建|新培育|新签约)|新增$", "", label) or label
                elif pending_noun and not label:
                    label = pending_noun
                elif not label and _clause_subject(para, s_start, c_start):
                    label = _clause_subject(para, s_start, c_start)  # 地区生产总值跨越…台阶，达到1.5万亿元
                else:
                    pending_noun = label if _valid_metric(_strip_metric(label)) else pending_noun
                    continue
            if not _valid_metric(label):
                continue
            if subunit and not label.startswith(subunit) and subunit not in label:
                label = subunit + label  # 工业专班作为主力，签约项目52个: the task force's, not the district's
            quote_start = phrase_start + (len(raw_phrase) - len(raw_phrase.lstrip()))
            if label == previous_metric and not raw_phrase.strip():
                quote_start = q.start
            quote_start = min(quote_start, q.start)
            if _FLOW.match(label) and measure == "Level" and q.unit not in ("%", "‰"):
                measure = "Change"  # 新增高新技术企业3200家: a flow over the year, never a stock
            elif measure == "Level" and _BUILT.match(_TIME.sub("", raw_phrase.strip(" ，,"))) \
                    and not _COUNTING_STOCK.search(raw_phrase) and not _NOT_COUNTING_UNIT.search(q.unit):
                measure = "Change"  # 建成5G基站2.1万座, 新建改扩建学校62所: built over the period, no stock
            if role == "to":  # the year named with the first figure of 由2020年的X增加到Y is not Y's
                c_start = max([x.end for x in sent_q if x.end <= q.start] + [c_start])
            obs = _make(ctx, para, p_start, quote_start, quote_end, label, q, measure, direction,
                        state, mentions, c_start, s_start, verb_zone, item_place.get(id(q)))
            if obs is not None and role == "from_last_year" and obs.year_basis != "explicit":
                obs.year, obs.status = obs.year - 1, "Actual"  # 由上年729万人…: last year's level
            if obs is not None and budgeted and obs.status == "Actual":
                obs.status = "Target"  # 年初预算收入30亿元: the budget set for the year, not its outcome
            # a milestone (突破3000亿元大关) is no figure, but names the metric of the one after it
            if obs is not None and role not in ("from", "threshold") and not is_milestone(para, q):
                out.append(obs)
                if measure == "Level" and not (q in respectively and respectively[q][0] == "@before"):
                    named_before.append(label)
                said.append(label)
            group = measure == "Change" and re.search(r"(?:项目|工程|企业)$", label) and q.unit not in ("%", "‰")
            if (measure == "Level" or previous_metric is None or group) and not (share_of_budget or share_of_plan) \
                    and not label.startswith(previous_metric or "\0"):
                previous_metric = label
    return out


_SUBJECT_VERB = re.compile(rf"^(.{{2,20}}?)(?:保持|实现|继续|持续)?(?:高速|快速|较快|稳步|稳定|平稳|两位数)?"
                           rf"(?:{vocab.alternation('level_verbs')}|{vocab.alternation('growth_verbs')})")


# what a group of projects costs or brings, named bare after its count (项目88个、总金额615亿元)
_PROJECT_INVESTMENT = re.compile(r"^(?:完成|累计完成|计划|年度计划|年内计划|协议|签约|合同|实际)?"
                                 r"(?:完成)?(?:投资|总投资|投资额|总金额|金额|资金|总额|合同额|协议资金|到位资金)$")


def _complete_from_previous(label: str, previous: str | None, recent: tuple[str, ...] = ()) -> str:
    """A bare noun that continues the metric before it in the sentence:
    一般公共预算收入增长2.3%、支出超过7000亿元 -> 一般公共预算支出; 实施重点项目2800个、完成投资2400亿元
    -> 重点项目完成投资, 签约项目88个、总金额615亿元 -> 签约项目总金额 (what those projects cost)."""
    if not previous or not label:
        return label
    if _PROJECT_INVESTMENT.match(label) and re.search(r"(?:项目|工程|企业)$", previous):
        return previous + label
    if label in ("出口", "进口", "出口额", "进口额") and "进出口" in previous:
        return previous[: previous.index("进出口")] + label  # 对东盟国家进出口…；其中，出口… -> 对东盟国家出口
    population = re.match(r"^(?:城镇|农村|城乡|全体|全市|全省|全县|全区)(?:常住)?居民", previous)
    if population and label.startswith("人均"):
        return population.group(0) + label  # 城镇居民人均可支配收入…，人均生活消费支出… -> 城镇居民人均生活消费支出
    debt = re.search(r"(限额|余额)$", previous)
    if debt and re.search(r"(?:债务|债券)$", label):
        return label + debt.group(1)  # 政府债务限额…，其中：一般债务… -> 一般债务限额
    if label in _OF_INSTITUTION and re.search(r"(?:学校|中学|小学|幼儿园|高校|学院|医院|卫生院|机构|养老院)$", previous):
        return previous + label  # 普通中学27所，在校学生2.38万人 -> 普通中学在校学生
    for group in _SIBLINGS:  # 普通高等学校招生9.8万人，在校生35.1万人 -> 普通高等学校在校生
        if label in group:
            for candidate in (previous, *reversed(recent)):  # 收入增长2.3%、支出超7000亿元: the last 收入 named
                for other in group:
                    if other != label and candidate.endswith(other) and len(candidate) > len(other):
                        return candidate[: -len(other)] + label
    return label


# verbs that make a count one of things done over the period (a flow), unless 累计/总数/达到 says a stock
_BUILT = re.compile(r"^(?:全年|当年|年内|共|累计)?(?:新建|改扩建|新改扩建|建成|新增|引进|培育|创建|新培育|新认定|开工|竣工|"
                    r"改造|新开通|开通|投用|落地|签约|招引|认定|获批)")
_COUNTING_STOCK = re.compile(r"累计|总数|总量|达到|达|共有|拥有|年末|末")
# what an institution counted just before has (its students, beds, staff)
_OF_INSTITUTION = {"在校学生", "在校生", "毕业生", "招生", "专任教师", "教职工", "在园幼儿", "床位", "卫生技术人员",
                   "执业医师", "执业(助理)医师", "注册护士", "实有床位"}
# heads that share the subject named with the first of them in a list
_SIBLINGS = [("收入", "支出"), ("出口", "进口"), ("存款", "贷款", "存款余额", "贷款余额"),
             ("招生", "在校生", "在校学生", "毕业生", "专任教师", "教职工"), ("出栏", "存栏"),
             ("播种面积", "产量"), ("客运量", "货运量"), ("旅客周转量", "货物周转量")]


def _clause_subject(para: str, s_start: int, c_start: int) -> str | None:
    """The metric a sentence opens with (地区生产总值 in 地区生产总值跨越3个千亿元台阶，达到1.5万亿元),
    for a later clause of the same sentence that states a figure without naming it."""
    if c_start <= s_start:
        return None
    first = re.split(r"[，,；;：:]", para[s_start:c_start])[0]
    m = _SUBJECT_VERB.match(first)
    if not m:
        return None
    label = _strip_metric(m.group(1))
    return label if _valid_metric(label) else None


def _pair_roles(para: str, sent_q: list[Quantity]) -> dict[int, str]:
    """Roles of two figures read together: 由上年X增加到Y (from_last_year / to), 从X降到Y (from /
    to), 突破X、达到Y (threshold / threshold_value)."""
    roles: dict[int, str] = {}
    for a, b in zip(sent_q, sent_q[1:]):
        between = para[a.end:b.start]
        before = para[max(0, a.start - 8):a.start]
        frm = _FROM_BEFORE.search(before)
        if frm and _TO_BETWEEN.match(between):
            when = frm.group("when") or ""
            roles[id(a)] = ("from_last_year" if when.startswith(("上年", "去年"))
                            else "from_year" if when[:1].isdigit() else "from")
            roles[id(b)] = "to"
        elif (a.qualifier or "").startswith(("突破", "超过", "超")) and _THRESHOLD_BETWEEN.match(between):
            roles[id(a)], roles[id(b)] = "threshold", "threshold_value"
    return roles


_METRIC_HEADS = vocab.words("metric_heads")
_ORDINAL_INDUSTRIES = re.compile(r"^(第?[一二三])(?:[、和及与]第?([一二三]))?(?:[、和及与]第?([一二三]))?(?:产业|产)(.*)$")


def _respectively(para: str, s_start: int, s_end: int, sent_q: list[Quantity], mentions=()) -> dict:
    """X、Y、Z分别达到a、b、c: pair each head with its value, item by item. Heads that are only a
    modifier (城镇、农村常住居民人均可支配收入) take the last head's metric noun; 一、二、三产业 /
    一二三产 are the three industries. Heads and values that cannot be paired are dropped."""
    matches = list(re.finditer(r"([^，,；;。：:]+?)分别(?:为|是|达到|达|增长|下降|提高|占|实现|居|稳定在|保持在|控制在)?",
                               para[s_start:s_end]))
    out: dict = {}
    # …74215元、…50136元，分别增长4.6%、5.8%: no heads of its own, 分别 pairs with the figures before
    for bare in re.finditer(r"(?:(?<=[，,；;：:])|^)分别(?:为|是|达到|达|增长|下降|提高|占|实现)?", para[s_start:s_end]):
        start = s_start + bare.end()
        end = next((start + d.start() for d in re.finditer(r"[，,；;。]", para[start:s_end])), s_end)
        listed = [q for q in sent_q if start <= q.start < end]
        for i, q in enumerate(listed):
            out[q] = ("@before", i - len(listed))  # the i-th of the last len(listed) figures named before
    for i, m in enumerate(matches):
        heads_text = m.group(1)
        heads_start = s_start + m.start(1) + (len(heads_text) - len(heads_text.lstrip()))
        until = s_start + matches[i + 1].start(1) if i + 1 < len(matches) else s_end
        after = [q for q in sent_q if s_start + m.end() <= q.start < until]
        places = _place_items(para, heads_start, s_start + m.end(1), mentions)
        if places:  # 中原区、金水区上半年地区生产总值分别增长a、b: the items are places, the metric shared
            items, metric = places
            label = _strip_metric(metric)
            listed = after[:len(items)]
            if len(listed) == len(items) and _valid_metric(label):
                out.update({q: (label, heads_start, place) for q, place in zip(listed, items)})
            else:
                out.update({q: ("", s_start) for q in after})
            continue
        if re.fullmatch(r"(?:年均|同比|全年|当年|比上年|较上年|均|也|还|则)+", heads_text.strip(" ，,")):
            start = s_start + m.end()
            end = next((start + d.start() for d in re.finditer(r"[，,；;。]", para[start:s_end])), s_end)
            listed = [q for q in after if q.start < end]
            out.update({q: ("@before", i - len(listed)) for i, q in enumerate(listed)})
            continue  # 年均分别增长5.8%和7.6%: the figures named before it, item by item
        heads = _respectively_heads(_strip_metric(heads_text))
        listed = after[:len(heads)]
        if len(heads) < 2 or len(listed) != len(heads):
            out.update({q: ("", s_start) for q in after})  # cannot pair: drop
            continue
        out.update({q: (label, heads_start) for q, label in zip(listed, heads)})
    return out


def _place_items(para: str, start: int, end: int, mentions) -> tuple[list[Place], str] | None:
    """Places listed at the start of 分别's heads (A、B、C + metric), and the metric after them."""
    inside = [m for m in mentions if start <= m.start < end and not m.deictic]
    if len(inside) < 2 or inside[0].start - start > 2:
        return None
    items, pos = [], inside[0].start
    for m in inside:
        if m.start != pos:
            break
        items.append(m.place)
        pos = m.end
        if para[pos:pos + 1] in ("、", "和", "与", "及"):
            pos += 1
    metric = para[pos:end]
    return (items, metric) if len(items) >= 2 and metric.strip() else None


def _respectively_heads(text: str) -> list[str]:
    joined = re.match(r"^([一二三]{2,3})产(?:业)?(.*)$", text)  # 一二三产增加值
    ordinal = _ORDINAL_INDUSTRIES.match(text)
    if ordinal and re.search(r"[、和及与]", ordinal.group(4)):
        ordinal = None  # 一产、二产、三产增加值: split below
    if joined or ordinal:
        numbers = list(joined.group(1)) if joined else [g.lstrip("第") for g in ordinal.groups()[:3] if g]
        tail = (joined.group(2) if joined else ordinal.group(4)) or "增加值"
        return [f"第{n}产业{tail}" for n in numbers]
    heads = [h for h in re.split(r"[、和及与]", text) if h]
    if len(heads) == 1 and re.match(r"^城乡(?!融合|一体)", text):
        heads = ["城镇" + text[2:], "农村" + text[2:]]  # 城乡居民人均可支配收入分别… : urban, rural
    if len(heads) >= 2 and all(re.match(r"^第?[一二三]产(?:业)?", h) for h in heads):
        tail = re.sub(r"^第?[一二三]产(?:业)?", "", heads[-1]) or "增加值"  # 一产、二产、三产增加值
        return [f"第{re.search('[一二三]', h).group(0)}产业{tail}" for h in heads]
    if len(heads) < 2:
        return heads
    last = heads[-1]
    shared = next((w for w in _METRIC_HEADS if last.endswith(w) and len(w) < len(last)), "")
    out = []
    for head in heads:
        if shared and not any(head.endswith(w) for w in _METRIC_HEADS):
            # the modifier of the last head is as long as this one: 城镇 / 农村 + 常住居民…
            stem = last[: len(last) - len(shared)]
            inner = stem[len(head):] if len(stem) > len(head) and _same_kind(head, stem[:len(head)]) else ""
            head = head + inner + shared
        out.append(head)
    return out


def _same_kind(a: str, b: str) -> bool:
    """Two-character modifiers of a pair (城镇/农村, 出口/进口): the rest of the stem is shared
    (城镇、农村居民收入 -> 城镇居民收入); a longer head (制造业) replaces the whole modifier."""
    return len(a) == len(b) == 2


def _drop_places(phrase: str, mentions, phrase_start: int) -> str:
    """Remove leading place names (郑州机场旅客吞吐量 -> 机场旅客吞吐量) and locative phrases
    (在深圳) from a metric phrase."""
    result = phrase
    for m in sorted(mentions, key=lambda x: -x.start):
        rel, rel_end = m.start - phrase_start, m.end - phrase_start
        if rel < 0 or rel_end > len(phrase):
            continue
        if rel >= 1 and phrase[rel - 1] in "在到于赴从":
            result = result.replace(phrase[rel - 1:rel_end], "", 1)
    for m in mentions:
        rel = m.start - phrase_start
        leading = rel <= 2 or not _TIME.sub("", phrase[:rel]).strip(" ，,")  # 2025年成都市地区生产总值
        if 0 <= rel and leading and m.end - phrase_start <= len(phrase) and result.endswith(phrase[m.end - phrase_start:]):
            result = phrase[m.end - phrase_start:]
    return result


# a sentence opening with a part of the year: what it and the paragraph's next sentences report
_PART_OPENER = re.compile(r"[，,\s]*(?:(?:19|20)\d{2}年|今年)?(?P<p>前三季度|上半年|下半年|[一二三四]季度|第[一二三四]季度|"
                          r"1[-~～—至]\d{1,2}月|今年以来|年初以来)(?:份)?[，,]?")
_PERIOD_OPENER = re.compile(r"^(?:各位代表[！!，,]?)?(?:五年来|过去五年|这五年|五年间|五年中|回顾五年|“?十[一二三四五]五”?(?:时期|期间|以来))")


def _advance_topics(para, s_start, s_end, mentions, state: ParagraphState, ctx: DocContext):
    """Update the topic year and place from the start of a sentence."""
    sentence = para[s_start:s_end]
    part = _PART_OPENER.match(sentence)
    if part:  # 一季度，… / 今年以来，…: this sentence and the next of the paragraph report that part
        state.part = normalize_period(part.group("p"))
    elif re.match(r"[，,\s]*(?:(?:19|20)\d{2}年(?:全年|，|,)|全年|去年|过去一年)", sentence):
        state.part = None  # 全年… / 2024年，…: the whole year again
    opener = _PERIOD_OPENER.match(sentence)
    if opener and ctx.reporting_year:  # 五年来，… / “十四五”时期，…: the paragraph reviews the period
        state.period = named_period(opener.group(0)) or (ctx.reporting_year - 4, ctx.reporting_year)
    m = _TOPIC_YEAR.match(sentence) or _TOPIC_YEAR.search(sentence[:14])
    if m:
        state.period = None
        year = int(m.group("y"))
        if m.group("since") and ctx.reporting_year and year < ctx.reporting_year:
            year = ctx.reporting_year
        state.year, state.year_basis = year, "topic"
        state.topic_plan = _announces_plan(sentence, year, ctx)
    elif not opener:
        rel = _relative_year(sentence, ctx, within=12)
        if rel is not None:
            state.period = None
            state.year, state.year_basis = rel, "relative"
            state.topic_plan = _announces_plan(sentence, rel, ctx)

    state.sentence_place = None
    for i, mention in enumerate(mentions):
        if s_start <= mention.start <= s_start + 16 and not _in_agency_name(para, mention):  # 省财政厅核定…
            head = _TIME.sub("", para[s_start:mention.start])
            if re.fullmatch(r"[，,\s]*(?:据统计|初步核算|数据显示|其中|同时|此外|目前|近年来|今年以来|去年以来)?"
                            r"(?:上午|下午|晚上|近日|日前)?[，,\s]*", head):
                place = most_specific(mentions, i)
                if s_start == 0:
                    state.place = place  # the paragraph's subject
                else:
                    state.sentence_place = place
            break


def _announces_plan(sentence: str, year: int, ctx: DocContext) -> bool:
    """'2025年,郑州将...': a sentence that opens a plan for a year not yet reported on."""
    future = year > (ctx.reporting_year or year) or (ctx.work_report and year == ctx.publication_year)
    return future and bool(_PLAN_MARKERS.search(_QUOTED.sub("", sentence)))


def _relative_year(text: str, ctx: DocContext, within: int | None = None) -> int | None:
    """去年/今年/明年 against the document's own year (a word starting in the first `within`
    characters); 比上年/较去年/同比 name a comparison base, not the year of the figure. 一年来 said in
    a year's last months (a December meeting) is that year."""
    base = ctx.publication_year
    if base is None:
        return None
    for pattern, delta in _RELATIVE_YEAR:
        for m in pattern.finditer(text):
            if within is not None and m.start() >= within:
                break
            if re.search(r"(?:比|较|同比|与|相比|高于|低于|超过)$", text[:m.start()]):
                continue
            if re.match(r"结转|结余|基数|同期", text[m.end():m.end() + 2]):
                continue  # 上年结转收入: a budget's carry-over, not a time
            if m.group(0) in ("一年来", "过去一年") and not ctx.work_report and (ctx.publication_month or 0) >= 10:
                return base
            return base + delta
    return None


def _explicit_years(text: str, ctx: DocContext) -> list[int]:
    """Years written in a text that a figure after them refers to: not a comparison base
    (比2020年, 与2020年相比), a year 以来 counts as the reporting year."""
    out = []
    for m in re.finditer(r"(?P<y>(?:19|20)\d{2})年(?P<since>以来)?(?![-~至到—]\d)", text):
        if _COMPARE_BEFORE.search(text[:m.start()]) or re.match(r"[^，,。；]{0,6}相比", text[m.end():]):
            continue
        year = int(m.group("y"))
        if m.group("since") and ctx.reporting_year and year < ctx.reporting_year:
            year = ctx.reporting_year
        out.append(year)
    return out


def _make(ctx: DocContext, para: str, p_start: int, quote_start: int, quote_end: int, label: str,
          q: Quantity, measure: str, direction, state: ParagraphState, mentions, c_start, s_start,
          verb_zone: str = "", place_of_item: Place | None = None):
    sentence_prefix = para[s_start:q.start]
    clause = para[c_start:q.start]
    # year: an explicit year in the clause (not a comparison base), else one named earlier in the
    # sentence ("2024年全市接待游客3.2亿人次，同比增长6.2%"), else relative, else the topic year
    year, basis = state.year, state.year_basis
    sentence_years = _explicit_years(para[s_start:c_start], ctx)
    if sentence_years:
        year, basis = sentence_years[-1], "sentence"
    clause_years = _explicit_years(clause, ctx)
    if clause_years:
        year, basis = clause_years[-1], "explicit"
    rel = _relative_year(clause, ctx)
    if basis != "explicit" and rel is not None and not re.search(r"(?:较|比|同比)(?:去年|上年)", clause):
        year, basis = rel, "relative"
    if year is None:
        return None
    if basis == "sentence":
        basis = "explicit"
        if not ctx.work_report and state.section is None:
            state.year, state.year_basis = year, "topic"  # an article's year carries to its next sentences
    # status (完成年度计划的106.3% reports how much of a plan was done: no plan word)
    unquoted = _SHARE_OF_PLAN_WORDS.sub("", _QUOTED.sub("", sentence_prefix))
    section = state.section
    period_start = period_end = None
    estimated = False
    if section is not None:
        status, year, period_start, period_end = _section_status(section, ctx, year, basis, clause,
                                                                 unquoted, label, measure)
        estimated = status == "Actual" and bool(_ESTIMATE.search(clause))
    else:
        plan_words = unquoted
        if not ctx.work_report:  # an article: a plan word rules its own clause (with the 、 list it opens),
            # or the whole sentence from its opening
            opening = re.split(r"[，,；;]", unquoted, maxsplit=1)[0]
            own = re.split(r"[，,；;：:]", unquoted)[-1]
            plan_words = _LIST_PLAN.sub("", opening + "，" + own)
        plan_context = state.plan or state.topic_plan or bool(_PLAN_MARKERS.search(plan_words))
        if ctx.reporting_year is not None and year > ctx.reporting_year and not ctx.work_report:
            plan_context = True
        if ctx.work_report and state.plan and year < (ctx.publication_year or year):
            plan_context = False
        if _ACTUAL_MARKERS.search(clause) and not state.plan and year <= (ctx.reporting_year or year):
            plan_context = False
        if _PERIOD_PLAN.search(label) or _PERIOD_PLAN.search(clause):
            plan_context = True
        estimated = not plan_context and bool(_ESTIMATE.search(clause))
        status = "Target" if plan_context else "Actual"
    named = named_period(clause)
    if named and basis != "explicit":
        period_start, period_end = named
        year = period_end
    elif status == "Actual" and period_start is None and "年均" in clause:
        # 年均增长6.5% always covers several years, even beside explicit ones (从2020年的…到2025年的…)
        span = _years_in(para[s_start:q.start])
        if span is not None or ctx.structure is not None and ctx.structure.is_report:
            period_start, period_end = (year - (span or 5) + 1, year)
    elif state.period and basis not in ("explicit",) and status == "Actual" and period_start is None:
        year = state.period[1]  # a level in a five-year review is the last year's
        if measure != "Level" or _CUMULATIVE.search(clause) or _MULTI_YEAR.search(clause) or is_flow(label):
            period_start, period_end = state.period
    # place: nearest named place in the clause, else the topic place
    place = state.sentence_place or state.place
    for m in mentions:
        if c_start <= m.start < q.start and not _in_agency_name(para, m) and not _locative(para, m):
            place = m.place
    if place_of_item is not None:
        place = place_of_item
    if place is None:
        return None
    period = state.part
    periods = list(_PERIOD.finditer(para[s_start:q.start]))
    if periods:
        period = normalize_period(periods[-1].group("p"))
    abs_start, abs_end = p_start + quote_start, p_start + quote_end
    quote = ctx.text[abs_start:abs_end]
    return Observation(
        doc_id=ctx.doc_id, start=abs_start, end=abs_end, quote=quote,
        metric=label, metric_surface=label, value=q.value, unit=q.unit, year=year,
        status=status, place=place, measure=measure, qualifier=q.qualifier, period=period,
        direction="down" if direction and measure != "Level" else None,
        normalized_value=q.normalized_value, normalized_unit=q.normalized_unit, year_basis=basis,
        indicator=find_indicator(label, verb_zone), max_value=q.max_value,
        period_start=period_start, period_end=period_end, estimated=estimated,
        section_role=section.role if section is not None else None)


_AGENCY_AFTER = re.compile(r"^[\u4e00-\u9fa5]{0,8}?(?:局|厅|委员会|办公室|中心|集团|公司|银行|科学院|研究院|大学|政府)")


def _locative(para: str, m: PlaceMention) -> bool:
    """在深圳发行 / 到郑州 / 赴京: where something happened, not what a figure is about."""
    return bool(re.search(r"(?:在|到|赴|于|从|至|向)$", para[max(0, m.start - 1):m.start]))


def _in_agency_name(para: str, m: PlaceMention) -> bool:
    """郑州市医疗保障中心 names an agency; its place is not the figure's place."""
    return bool(_AGENCY_AFTER.match(para[m.end:m.end + 10])) and (not m.deictic or len(m.surface) == 1)


_REVIEW_ROLES = ("review_last_year", "review_five_year")
_PLAN_ROLES = ("targets", "tasks", "five_year_plan")


def _section_status(section, ctx: DocContext, year: int, basis: str, clause: str, unquoted: str,
                    label: str, measure: str):
    """(status, year, period start, period end) of a figure inside a report section.

    A review reports actual figures (争取 there means obtained, 预计 an estimate of the year's
    actual); a plan section sets targets. An explicit or relative year in the clause that lies
    on the other side of the report year overrides the section. In the five-year review,
    cumulative figures (累计, 五年, 年均, 新增, 增长N倍) cover the period; levels are the last year's.
    """
    report_year = ctx.publication_year or year
    role = section.role
    period_start = period_end = None
    if role in _REVIEW_ROLES or section.status == "Actual":
        status = "Actual"
        if basis in ("explicit", "relative") and year > (ctx.reporting_year or year) and _PLAN_MARKERS.search(unquoted):
            status = "Target"  # 到2027年… / 今年力争… named in a review
        elif basis in ("explicit", "relative") and year > report_year:
            status = "Target"
    else:
        status = "Target"
        if basis in ("explicit", "relative") and year < report_year:
            status = "Actual"  # 去年… / 2025年… recalled in a plan section
        elif basis not in ("explicit", "relative") and re.search(r"年均", clause) and role != "five_year_plan":
            # 年均增长5% among this year's targets is a goal for the plan period, not for the year
            period_start, period_end = five_year_period(report_year)
            return status, period_end, period_start, period_end
    if status == "Actual" and basis not in ("explicit", "relative") and role in _REVIEW_ROLES \
            and _MULTI_YEAR.search(clause) and ctx.reporting_year:
        # 年均增长 / 5年增长 / 五年累计 in any review: the five years up to the year reviewed
        period_start, period_end = section.period or (ctx.reporting_year - 4, ctx.reporting_year)
        return status, period_end, period_start, period_end
    if section.period and basis not in ("explicit", "relative"):
        # in the five-year review a growth rate covers the period too (增长53.1% over five years):
        # the year just ended has its own paragraph (刚刚过去的2025年…), a review of last year
        over_period = bool(_CUMULATIVE.search(clause)) or is_flow(label) or measure == "GrowthRate"
        if role == "review_five_year" and over_period and status == "Actual":
            period_start, period_end = section.period
            year = period_end
        elif role == "five_year_plan" and status == "Target":
            year = section.period[1]
            if over_period:
                period_start, period_end = section.period
    return status, year, period_start, period_end
