"""Reading the figures of one sentence: for each, the clause it lies in, its metric label, its measure
(level, growth rate or change) and its quote; then its observation (kg.extract.observation_builder).

A figure often names its metric only by reference: the item of a 分别 list, the metric before it
(同比增长…), the noun it counts (54家绿色低碳工厂), the projects whose cost it is (总投资), the budget
book of the heading, a share of a budget or of a plan (为预算的101%). SentenceReader keeps what the
sentence has said so far for them. Imports the extract modules below it: metric_names, figure_groups,
figure_time, paragraph_topics, observation_builder, observation_record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg import vocab
from kg.extract.figure_groups import FROM_TAIL, is_milestone, pair_respectively, pair_roles
from kg.extract.figure_time import DocContext
from kg.extract.metric_names import (BUDGETED, COMPARED_WITH, DECLINE_VERB, FLOW, GENERIC, GROWTH_VERB,
                                     PROJECT_INVESTMENT, TIME_WORDS, TRAILING_VERB, clause_subject,
                                     complete_from_book, complete_from_previous, drop_places, strip_metric,
                                     valid_metric)
from kg.extract.numbers import Quantity
from kg.extract.observation_builder import build_observation
from kg.extract.observation_record import Observation
from kg.extract.paragraph_topics import ParagraphState
from kg.gazetteer import Place


_METRIC_NOUN = re.compile(r"(率|额|值|量|数|收入|投资|强度|比重|占比|指数|面积|产量|规模|总值|人次|天数|吞吐量|增加值|"
                          r"余额|支出|利润|产值|价格|标准|就业)$")
# after a rate or an amount of money the next word is not what is counted (增长5%安排)
_NOT_COUNTING_UNIT = re.compile(r"%|‰|倍|百分点|基点|元")
_AFTER_COUNT = re.compile(r"^[\u4e00-\u9fa5]{0,8}?(?:被评为|被认定为|被命名为|入选|获评|获批|荣获|认定为|通过认定为|成为)"
                          r"([^，,。；;、：:（(]{2,18})")
# the noun a count is of: up to a delimiter, a verb that starts a predicate, or 的
_COUNTED_NOUN = re.compile(r"^(?:以上|以下|左右|多|余)?((?![的和与及]|同比|增长|以上)[\u4e00-\u9fa5A-Za-z]{2,16}?)"
                           r"(?=[，,。；;、：:（()）“”\"]|$|的|为|被|入选|获|落地|开工|建成|投用|投产|建设|完成|实现|参与|"
                           r"纳入|通过|签约|开展|达|共|累计|均|分别|和|与|及|等|正在|已|将|在)")
_COUNTED_HEAD = re.compile(r"^[\u4e00-\u9fa5]{0,4}?(?:项目|工程|企业|园区|基地|平台)(?=[，,。；;、（(]|$)")
# 118个项目已顺利开工: a bare class counted by what happened to it -> 开工项目
_COUNTED_EVENT = re.compile(r"^(?:已经|已|均已|顺利|集中|正式|全面|相继|陆续)*(开工|签约|投产|竣工|落地|建成|开建|入驻|投用|落户)")
# a sentence about a part of the place (a task force, a park, a company): its figures are that part's
_SUBUNIT_SUBJECT = re.compile(r"^(?:其中[，,]?)?([\u4e00-\u9fa5]{2,12}?(?:专班|园区|开发区|高新区|经开区|产业园|片区|板块|"
                              r"集团|公司))(?:作为[^，,。]{0,12}[，,]|以(?=\d)|[，,：:])")
_SHARE_OF_BUDGET = re.compile(r"^(?:占|为|完成|达|达到)?(?:年初|调整后?的?)?预算(?:数)?的?$")
# 完成投资1126.5亿元，完成年度计划的106.3%: how much of the year's plan the figure before is
_SHARE_OF_PLAN = re.compile(r"^(?:占|为|完成|达|达到)?(?:年度|全年|年)(?:投资)?计划(?:任务)?的?$")
# 固定资产投资完成年度投资计划的98.5%: the subject's rate of its year's plan
_SUBJECT_SHARE_OF_PLAN = re.compile(r"^(.{2,}?)(?:完成|占|达到?)(?:年度|全年|年)(?:投资)?计划(?:任务)?的?$")
# verbs that make a count one of things done over the period (a flow), unless 累计/总数/达到 says a stock
_BUILT = re.compile(r"^(?:全年|当年|年内|共|累计)?(?:新建|改扩建|新改扩建|建成|新增|引进|培育|创建|新培育|新认定|开工|竣工|"
                    r"改造|新开通|开通|投用|落地|签约|招引|认定|获批)")
_COUNTING_STOCK = re.compile(r"累计|总数|总量|达到|达|共有|拥有|年末|末")


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


@dataclass
class _Figure:
    """One figure of a sentence, as far as it has been read."""
    q: Quantity
    role: str | None  # its part in a pair of figures (kg.extract.figure_groups.pair_roles)
    c_start: int  # where its clause starts
    raw_phrase: str  # the words before it in its clause, after the figure before
    phrase_start: int
    verb_zone: str  # the verbs just before it (增长, 达到)
    quote_end: int
    label: str = ""
    measure: str = "Level"
    direction: str | None = None
    place: Place | None = None  # 中原区、金水区…分别增长a、b: the place of its item
    budgeted: bool = False  # 年初预算收入30亿元: the budget set for the year
    share: bool = False  # 为预算的101%: a share of the budget or plan of the metric before
    quote_start: int = 0


class SentenceReader:
    """The figures of one sentence, read in order. What the sentence has said so far (the metric
    before, the levels named, a noun still waiting for its figure) is kept for the figures that name
    their metric only by reference to it."""

    def __init__(self, para: str, p_start: int, span: tuple[int, int], quantities: list[Quantity], mentions,
                 state: ParagraphState, ctx: DocContext, previous_metric: str | None):
        s_start, s_end = span
        self.para, self.p_start, self.s_start = para, p_start, s_start
        self.mentions, self.state, self.ctx = mentions, state, ctx
        self.sent_q = [q for q in quantities if s_start <= q.start < s_end]
        self.previous_metric = previous_metric  # the metric a figure that names none refers back to
        self.pending_noun: str | None = None
        self.respectively = pair_respectively(para, s_start, s_end, self.sent_q, mentions)
        opener = _SUBUNIT_SUBJECT.match(para[s_start:s_end])
        self.subunit = opener.group(1) if opener else None
        self.named_before: list[str] = []  # the metrics of this sentence's levels, in order (for a bare 分别)
        self.said: list[str] = []  # every metric of this sentence so far, in order
        self.roles = pair_roles(para, self.sent_q)

    def read(self) -> list[Observation]:
        """The observations of the sentence's figures, in order."""
        out: list[Observation] = []
        for q in self.sent_q:
            f = self._locate(q)
            if COMPARED_WITH.search(f.raw_phrase):
                continue  # 低于全国0.3个百分点: a gap to another place, no figure of this one
            self._name(f)
            if not (self._pair_item(f) and self._count(f)):
                continue
            self._complete(f)
            if not self._fall_back(f):
                continue
            self._finish(f)
            obs = self._observe(f)
            if obs is not None:
                out.append(obs)
        return out

    def _locate(self, q: Quantity) -> _Figure:
        """Where a figure's clause and phrase lie, and the verbs just before it."""
        para, s_start, sent_q = self.para, self.s_start, self.sent_q
        c_start = _joined_list_start(para, _clause_start(para, q.start, s_start), s_start, sent_q)
        role = self.roles.get(id(q))
        # a number inside a list ("城乡发展18.9325亿元，社会事业7.5069亿元") starts after the previous figure
        prev_end = max([x.end for x in sent_q if x.end <= q.start] + [c_start])
        raw_phrase = para[max(c_start, prev_end):q.start]
        phrase_start = q.start - len(raw_phrase)
        bare = re.sub(f"(?:{'|'.join(vocab.qualifiers('before'))})$", "", raw_phrase.rstrip())
        verb_zone = bare[len(TRAILING_VERB.sub("", bare)):] or bare[-2:]
        if role in ("from", "from_last_year", "from_year"):
            raw_phrase = FROM_TAIL.sub("", raw_phrase)  # 常住人口由上年 -> 常住人口
        return _Figure(q, role, c_start, raw_phrase, phrase_start, verb_zone, quote_end=q.end)

    def _name(self, f: _Figure) -> None:
        """The metric the phrase before a figure names, and its measure by the verb before it."""
        q, role, raw_phrase, verb_zone = f.q, f.role, f.raw_phrase, f.verb_zone
        previous_metric = self.previous_metric
        label = strip_metric(drop_places(raw_phrase, self.mentions, f.phrase_start))
        if role in ("to", "threshold_value") and not valid_metric(label) and previous_metric:
            label = previous_metric  # …由729万人增加到732万人 / 突破2万亿元、达到23562亿元
        measure = "Level"
        direction = DECLINE_VERB.search(verb_zone).group(1) if DECLINE_VERB.search(verb_zone) else None
        if GROWTH_VERB.search(verb_zone) and not re.search(r"[至到]$", verb_zone):
            measure = "GrowthRate" if q.unit in ("%", "倍") else "Change"  # 提高至 reaches a level
        if q.unit in ("个百分点", "百分点", "个基点", "基点"):
            measure = "Change"
        f.label, f.measure, f.direction = label, measure, direction

    def _pair_item(self, f: _Figure) -> bool:
        """A figure of a 分别 list takes its item's metric (and place); False when it has none."""
        q, para, label, measure, direction = f.q, self.para, f.label, f.measure, f.direction
        if q not in self.respectively:
            return True
        pairing = self.respectively[q]
        if pairing[0] == "@before":
            offset, named_before, c_start = pairing[1], self.named_before, f.c_start
            label = named_before[offset] if len(named_before) >= -offset else ""
            verb = re.search(r"分别([^\d]{0,6})", para[c_start:q.start])
            if verb and GROWTH_VERB.search(verb.group(1)):
                measure = "GrowthRate" if q.unit in ("%", "倍") else "Change"
                direction = "down" if DECLINE_VERB.search(verb.group(1)) else direction
            elif verb and not label:
                return False
            f.label, f.measure, f.direction = label, measure, direction
            return True
        label, heads_start = pairing[:2]
        if len(pairing) > 2:
            f.place = pairing[2]
        f.phrase_start, f.raw_phrase = heads_start, para[heads_start:q.start]
        shared_verb = re.search(r"分别([^\d]{0,6})", para[heads_start:q.start])
        if shared_verb and measure == "Level" and GROWTH_VERB.search(shared_verb.group(1)) \
                and not re.search(r"[至到]$", shared_verb.group(1)):
            measure = "GrowthRate" if q.unit in ("%", "倍") else "Change"
            if DECLINE_VERB.search(shared_verb.group(1)):
                direction = "down"
        f.label, f.measure, f.direction = label, measure, direction
        return True

    def _count(self, f: _Figure) -> bool:
        """A count followed by its noun counts that noun; False when that noun names no metric."""
        q, para, label, quote_end = f.q, self.para, f.label, f.quote_end
        counted = _COUNTED_NOUN.match(para[q.end:q.end + 24]) if not _NOT_COUNTING_UNIT.search(q.unit) else None
        if counted and not _AFTER_COUNT.match(para[q.end:q.end + 30]) and not _METRIC_NOUN.search(label):
            # 遴选出首批54家市级绿色低碳工厂: the figure counts the noun that follows it
            label = strip_metric(counted.group(1))
            quote_end = q.end + counted.end(1)
            head = _COUNTED_HEAD.match(para[quote_end:quote_end + 8])
            if head:  # 3500多个拟竣工投产项目: the noun runs on to its head
                label, quote_end = label + head.group(0), quote_end + len(head.group(0))
            event = _COUNTED_EVENT.match(para[quote_end:quote_end + 10]) if label in ("项目", "企业", "工程") else None
            if event:  # 118个项目已顺利开工 -> 开工项目
                label, quote_end = event.group(1) + label, quote_end + event.end()
            if not valid_metric(label):
                return False
        f.label, f.quote_end = label, quote_end
        return True

    def _complete(self, f: _Figure) -> None:
        """A bare noun completed from the metric before it or the budget book; a share of the budget or
        plan of the metric before."""
        q, para, raw_phrase, label, measure, state = f.q, self.para, f.raw_phrase, f.label, f.measure, self.state
        previous_metric, said = self.previous_metric, self.said
        # 总投资56亿元的X项目: the money of the project named after it, not of the one before
        own_project = bool(PROJECT_INVESTMENT.match(label)) and para[q.end:q.end + 1] == "的"
        sibling = complete_from_previous(label, None if own_project else previous_metric, tuple(said))
        if sibling != label:  # 社会保险基金预算收入…，支出安排183.2亿元: the sentence's own book first
            label, budgeted = sibling, bool(BUDGETED.search(raw_phrase))
        else:
            label, budgeted = complete_from_book(label, state.book)
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
        label = complete_from_previous(label, None if own_project else previous_metric, tuple(said))
        f.label, f.measure, f.budgeted, f.share = label, measure, budgeted, share_of_budget or share_of_plan

    def _fall_back(self, f: _Figure) -> bool:
        """A figure whose phrase names no metric takes the title it is counted for, the metric before
        it, a noun named before it or the sentence's subject; False when none applies."""
        q, para, label, measure, quote_end, c_start = f.q, self.para, f.label, f.measure, f.quote_end, f.c_start
        previous_metric, pending_noun, s_start = self.previous_metric, self.pending_noun, self.s_start
        if not valid_metric(label):
            after = _AFTER_COUNT.match(para[q.end:q.end + 30])
            if after and (not label or not valid_metric(label)):
                label = strip_metric(after.group(1).removesuffix("名单").removesuffix("称号"))
                quote_end = q.end + after.end()
            elif previous_metric and (measure != "Level" or label in GENERIC or not label):
                label = previous_metric  # 总量超过.. / 同比增长.. refer to the metric before
                if measure == "Level":  # 新增X 5家，总数达到12家: the total is of X itself
                    label = re.sub(r"^(?:新增|新建|新培育|新签约)|新增$", "", label) or label
            elif pending_noun and not label:
                label = pending_noun
            elif not label and clause_subject(para, s_start, c_start):
                label = clause_subject(para, s_start, c_start)  # 地区生产总值跨越…台阶，达到1.5万亿元
            else:
                self.pending_noun = label if valid_metric(strip_metric(label)) else pending_noun
                return False
        if not valid_metric(label):
            return False
        f.label, f.quote_end = label, quote_end
        return True

    def _finish(self, f: _Figure) -> None:
        """A figure's label within a part of the place, where its quote starts, its measure by its label
        (a flow, things built) and the clause its year is read from."""
        q, role, label, measure, raw_phrase, phrase_start = f.q, f.role, f.label, f.measure, f.raw_phrase, f.phrase_start
        subunit, previous_metric, sent_q, c_start = self.subunit, self.previous_metric, self.sent_q, f.c_start
        if subunit and not label.startswith(subunit) and subunit not in label:
            label = subunit + label  # 工业专班作为主力，签约项目52个: the task force's, not the district's
        quote_start = phrase_start + (len(raw_phrase) - len(raw_phrase.lstrip()))
        if label == previous_metric and not raw_phrase.strip():
            quote_start = q.start
        quote_start = min(quote_start, q.start)
        if FLOW.match(label) and measure == "Level" and q.unit not in ("%", "‰"):
            measure = "Change"  # 新增高新技术企业3200家: a flow over the year, never a stock
        elif measure == "Level" and _BUILT.match(TIME_WORDS.sub("", raw_phrase.strip(" ，,"))) \
                and not _COUNTING_STOCK.search(raw_phrase) and not _NOT_COUNTING_UNIT.search(q.unit):
            measure = "Change"  # 建成5G基站2.1万座, 新建改扩建学校62所: built over the period, no stock
        if role == "to":  # the year named with the first figure of 由2020年的X增加到Y is not Y's
            c_start = max([x.end for x in sent_q if x.end <= q.start] + [c_start])
        f.label, f.measure, f.quote_start, f.c_start = label, measure, quote_start, c_start

    def _observe(self, f: _Figure) -> Observation | None:
        """The observation of a figure when it is one to keep; what the sentence has said is updated
        either way."""
        q, para, role, label, measure, budgeted = f.q, self.para, f.role, f.label, f.measure, f.budgeted
        previous_metric, respectively = self.previous_metric, self.respectively
        obs = build_observation(self.ctx, para, self.p_start, f.quote_start, f.quote_end, label, q, measure,
                                f.direction, self.state, self.mentions, f.c_start, self.s_start, f.verb_zone,
                                f.place)
        if obs is not None and role == "from_last_year" and obs.year_basis != "explicit":
            obs.year, obs.status = obs.year - 1, "Actual"  # 由上年729万人…: last year's level
        if obs is not None and budgeted and obs.status == "Actual":
            obs.status = "Target"  # 年初预算收入30亿元: the budget set for the year, not its outcome
        # a milestone (突破3000亿元大关) is no figure, but names the metric of the one after it
        kept = obs is not None and role not in ("from", "threshold") and not is_milestone(para, q)
        if kept:
            if measure == "Level" and not (q in respectively and respectively[q][0] == "@before"):
                self.named_before.append(label)
            self.said.append(label)
        group = measure == "Change" and re.search(r"(?:项目|工程|企业)$", label) and q.unit not in ("%", "‰")
        if (measure == "Level" or previous_metric is None or group) and not f.share \
                and not label.startswith(previous_metric or "\0"):
            self.previous_metric = label
        return obs if kept else None
