"""What a figure measures: its metric label, read from the words before it.

A figure's metric is the whole noun phrase before it, minus verbs, time words, places and comparison
bases (strip_metric, drop_places); valid_metric says whether what is left names something measured.
A bare noun continues the metric named before it in the sentence (complete_from_previous), a bare
收入 / 支出 of a budget report is its book's (budget_book, complete_from_book), a later clause may state a
figure of the metric the sentence opened with (clause_subject). find_indicator and is_flow link a label
to the standard indicators (kg/vocab). Imports only kg.vocab.
"""
from __future__ import annotations

import re

from kg import vocab


FLOW = re.compile(f"^(?:{vocab.alternation('flow_words')})")
_VERBS = ("提高到|提高至|提升至|提升到|增长到|增长至|下降到|下降至|降至|降到|增至|达到|达|突破|超过|超|完成|实现|"
          "增长|增加|提高|提升|下降|降低|减少|回升|扩大|缩小|为|是|共计|合计|总计|累计|共|约|近|逾|开行|录得|保持在|"
          "保持|稳定在|控制在|接近|将近|大约|不足|不到|均|同比|环比|比上年|较上年|较去年|年均|平均|已|已经|预计|将|力争|确保|要|了|有|至|到|"
          "在|的|新增至|首次|分别|全部|整体|总体|合计达|年度|全年|连续|居|占|计|拟安排|安排|预期|"
          "比上年末|较上年末|比上年底|比年初|较年初|比上年同期|同比|按|实际|名义|同口径|可比口径|" + vocab.alternation("growth_verbs") + "|"
          + "|".join(vocab.qualifiers("before")) + "|"
          + vocab.alternation("level_verbs"))
TRAILING_VERB = re.compile(rf"(?:{_VERBS}|每人|每户|每年|每月|每天|每日|一年)+$")
_COMPARISON_BASE = re.compile(r"(?:比|较)(?:上年|去年|(?:19|20)\d{2}年)?(?:执行数|决算数|预算数|实际数|完成数)$")
_BUDGET_TOTAL = re.compile(r"(?:收入|支出)总量")  # a budget's 收入总量 (all its sources) is no 收入
GROWTH_VERB = re.compile(f"({vocab.alternation('growth_verbs')})")
DECLINE_VERB = re.compile(f"({vocab.alternation('decline_verbs')})")
_LEADING = re.compile(
    r"^(?:其中|另外|此外|同时|以及|并且|并|和|及|与|而|则|还|也|共有|共(?!享|同|建)|全年|当年|今年|去年|明年|上年|本年|目前|"
    r"截至目前|截至|截止|据统计|初步核算|经初步核算|初步统计|数据显示|累计|已|一年来|过去一年|年内(?!计划)|"
    r"力争|确保|计划(?!(?:完成)?总?投资)|预计|争取|将|要|"
    r"全市|全省|全区|全县|我市|我省|我区|本市|全国|各类|实现|完成|拥有|推动|组织|开展|吸引|"
    r"成功|顺利|先后|陆续|当月|"
    r"发放|培育|创建|建成|举办|引进|争取|打造|落实|推进|持续|加快|全力|积极|大力|着力|努力|实施|抓好|铺排|"
    r"[\u4e00-\u9fa5]{2,4}(?:情况|年景|条件|口径)下|按(?:可比|不变|现行|当年)?价(?:格)?计算|按可比口径|扣除[^，,]{0,8}因素)+")
TIME_WORDS = re.compile(r"(?:19|20)\d{2}年(?:以来|底|末|初|上半年|下半年|前三季度|全年|度)?|"
                       r"(?:近|这)?[0-9一二三四五六七八九十两]+年(?:来|间|内)?(?=累计|来|间|内|共)|"
                       r"\d{1,2}月(?:份)?[-~～—至到]\d{1,2}月(?:份)?|当月|当年|"
                       r"\d{1,2}(?:[-~～—至]\d{1,2})?月(?:份|底|末|初|上旬|中旬|下旬)?(?:\d{1,2}日)?|"
                       r"(?:截至|截止)(?:目前|\d{1,2}月\d{1,2}日|\d{1,2}月底)?|上半年|下半年|前三季度|一季度|"
                       r"二季度|三季度|四季度|全年|年底|年末")
GENERIC = {"事项", "项目", "成果", "片区", "企业", "产品", "活动", "总量", "总额", "规模", "总数", "数量", "增速", "增幅", "比重", "占比", "总计", "合计", "其中",
           "同比", "环比", "分别", "共", "累计", "年均", "平均", "全年", "以上", "左右", "全省占比",
           "当月", "日均", "人均", "每年", "每天", "每月", "每人", "均"}


def is_flow(label: str) -> bool:
    """A metric that counts what was added over a period: 新增… / 城镇新增就业 (a change indicator)."""
    if FLOW.match(label) or "新增" in label:
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
        verb = GROWTH_VERB.search(verb_zone)
        if verb:
            found = vocab.indicators().find(label + verb.group(1))
    return found


# two-character heads or longer: 完成率 / 实现率 are words of their own
_SUBJECT_VERB_NOUN = re.compile(rf"^(.{{2,}}?)(?:实现|(?<!计划)完成(?!投资$)|录得)((?:{'|'.join(re.escape(w) for w in vocab.words('metric_heads') if len(w) >= 2)}))$")


def strip_metric(phrase: str) -> str:
    phrase = re.sub(r"[“”\"‘’']|\[\d{1,2}\]|[①-⑳]", "", phrase)  # quotes, footnote marks (生产总值[2], 生产总值②)
    closing = re.search(r"[（(][^（()）]*[）)]$", phrase)  # a balanced （GDP） stays whole
    phrase = phrase.strip(" 《》()（）【】") + (phrase[-1] if closing else "")
    phrase = re.sub(r"[（(]下同[）)]", "", phrase)
    for _ in range(3):
        before = phrase
        phrase = TIME_WORDS.sub("", phrase) if TIME_WORDS.match(phrase) else phrase
        phrase = _LEADING.sub("", phrase)
        phrase = _BUDGET_TOTAL.sub(lambda m: m.group(0)[:2] + "\ue000", phrase)  # 总量 kept there
        phrase = TRAILING_VERB.sub("", phrase).replace("\ue000", "总量")
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


_THRESHOLD_IN_NAME = re.compile(r"\d+(?:\.\d+)?(?:万亿|千亿|亿|千万|百万|万)?元?(?:以上|以下)|超\d+(?:\.\d+)?(?:万亿|亿|万)?元")


_NO_MEASURE = set(vocab.words("non_measures"))
_TRADE_WITH = re.compile(r"^对.{2,12}(?:进出口|出口|进口|投资|贸易)(?:额|总额|总值)?$")
COMPARED_WITH = re.compile(r"(?:高于|低于|快于|慢于|领先|超出|超过)(?:全国|全省|全市|全区|全州|平均|预期|目标|同期)")


def valid_metric(label: str) -> bool:
    if not (2 <= len(label) <= 20) or label in GENERIC or label in _NOT_METRIC or label in _PLACE_CLASS \
            or label in _NO_MEASURE or COMPARED_WITH.search(label):
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
BUDGETED = re.compile(r"(?:收入|支出|收支)预算(?:数)?$|预算数$|^(?:年初|调整后?)|年初预算|调整预算")


def budget_book(text: str) -> str | None:
    """The budget book a heading or a sentence opening names (一般公共预算, 政府性基金预算 …)."""
    for book, pattern in _BUDGET_BOOKS:
        if pattern.search(text):
            return book
    return None


def complete_from_book(label: str, book: str | None) -> tuple[str, bool]:
    """(label, budgeted): 实际完成收入 under 政府性基金预算 -> 政府性基金预算收入; 年初预算收入 is
    budgeted (a target). A label naming more than a bare item is kept."""
    m = _BARE_BUDGET_ITEM.match(label)
    if m is None or book is None:
        return label, bool(BUDGETED.search(label))
    budgeted = bool(m.group("budgeted") or m.group("budget"))
    return f"{m.group('scope') or ''}{book}{m.group('what')}", budgeted


_SUBJECT_VERB = re.compile(rf"^(.{{2,20}}?)(?:保持|实现|继续|持续)?(?:高速|快速|较快|稳步|稳定|平稳|两位数)?"
                           rf"(?:{vocab.alternation('level_verbs')}|{vocab.alternation('growth_verbs')})")


# what a group of projects costs or brings, named bare after its count (项目88个、总金额615亿元)
PROJECT_INVESTMENT = re.compile(r"^(?:完成|累计完成|计划|年度计划|年内计划|协议|签约|合同|实际)?"
                                r"(?:完成)?(?:投资|总投资|投资额|总金额|金额|资金|总额|合同额|协议资金|到位资金)$")


# the money of one named project, written after its name (…项目完成投资18.6亿元, …工程总投资5亿元)
_INVESTMENT_TAIL = re.compile(r"(?:(?:年度|年内|当年|累计|计划|预计|实际|协议)?(?:完成)?(?:年度)?(?:总)?投资(?:额)?)$")


def program_investment(label: str, program: str) -> str:
    """The investment of a project the figure is about, without the project's own words that the
    label took from its name: 当阳市建材产业绿色改造项目完成投资 (program 当阳市建材产业绿色改造项目) ->
    完成投资, 襄阳至南漳至宜昌高速公路襄阳段完成投资 -> 完成投资; label otherwise."""
    money = _INVESTMENT_TAIL.search(label)
    if money is None or money.start() < 2:
        return label
    head = re.sub(r"[“”\"‘’'《》]", "", label[:money.start()])
    return money.group(0) if re.sub(r"[“”\"‘’'《》]", "", program).endswith(head) else label


def complete_from_previous(label: str, previous: str | None, recent: tuple[str, ...] = ()) -> str:
    """A bare noun that continues the metric before it in the sentence:
    一般公共预算收入增长2.3%、支出超过7000亿元 -> 一般公共预算支出; 实施重点项目2800个、完成投资2400亿元
    -> 重点项目完成投资, 签约项目88个、总金额615亿元 -> 签约项目总金额 (what those projects cost)."""
    if not previous or not label:
        return label
    if PROJECT_INVESTMENT.match(label) and re.search(r"(?:项目|工程|企业)$", previous):
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


# what an institution counted just before has (its students, beds, staff)
_OF_INSTITUTION = {"在校学生", "在校生", "毕业生", "招生", "专任教师", "教职工", "在园幼儿", "床位", "卫生技术人员",
                   "执业医师", "执业(助理)医师", "注册护士", "实有床位"}
# heads that share the subject named with the first of them in a list
_SIBLINGS = [("收入", "支出"), ("出口", "进口"), ("存款", "贷款", "存款余额", "贷款余额"),
             ("招生", "在校生", "在校学生", "毕业生", "专任教师", "教职工"), ("出栏", "存栏"),
             ("播种面积", "产量"), ("客运量", "货运量"), ("旅客周转量", "货物周转量")]


def clause_subject(para: str, s_start: int, c_start: int) -> str | None:
    """The metric a sentence opens with (地区生产总值 in 地区生产总值跨越3个千亿元台阶，达到1.5万亿元),
    for a later clause of the same sentence that states a figure without naming it."""
    if c_start <= s_start:
        return None
    first = re.split(r"[，,；;：:]", para[s_start:c_start])[0]
    m = _SUBJECT_VERB.match(first)
    if not m:
        return None
    label = strip_metric(m.group(1))
    return label if valid_metric(label) else None


def drop_places(phrase: str, mentions, phrase_start: int) -> str:
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
        leading = rel <= 2 or not TIME_WORDS.sub("", phrase[:rel]).strip(" ，,")  # 2025年成都市地区生产总值
        if 0 <= rel and leading and m.end - phrase_start <= len(phrase) and result.endswith(phrase[m.end - phrase_start:]):
            result = phrase[m.end - phrase_start:]
    return result
