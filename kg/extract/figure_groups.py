"""Figures read together, and numbers that are no figures.

Two figures of a sentence may be read as a pair (pair_roles): 由上年X增加到Y (the level before and
after), 突破X、达到Y (a threshold passed and the figure). A list X、Y、Z分别达到a、b、c pairs each head
with its value (pair_respectively). A threshold that names a class (10亿元以上项目), a milestone passed
(突破千亿大关), a bare magnitude (5万) and a Chinese numeral are no figures to read (figures_in,
is_class_threshold, is_milestone). Imports kg.extract.numbers and kg.extract.metric_names.
"""
from __future__ import annotations

import re

from kg import vocab
from kg.extract.metric_names import strip_metric, valid_metric
from kg.extract.numbers import Quantity, find_quantities
from kg.gazetteer import Place


# 由上年X增加到Y / 从X降到Y: X is the level before; 突破X、达到Y: X is a threshold, Y the figure
_FROM_BEFORE = re.compile(r"(?:由|从)(?P<when>上年末?|去年末?|上半年|年初|(?:19|20)\d{2}年末?)?的?$")
FROM_TAIL = re.compile(r"(?:由|从)(?:上年末?|去年末?|上半年|年初|(?:19|20)\d{2}年末?)?的?$")
_TO_BETWEEN = re.compile(r"^[^\d，,。；;]{0,6}?(?:到|至)(?:(?:19|20)\d{2}年(?:末|底)?的?)?$")
_THRESHOLD_BETWEEN = re.compile(r"^[、，,]?(?:达到|达|为|增至|增加到|提高到|提升至)$")


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


def figures_in(para: str) -> list[Quantity]:
    """The quantities of a paragraph that are figures to read."""
    # a bare magnitude (5万) names no unit of measure; a Chinese numeral's value is not written
    # in digits, so its quote could not show it (traceability): both are left out
    return [q for q in find_quantities(para) if q.unit not in _BARE_MAGNITUDES and not q.chinese_numeral
            and not is_class_threshold(para, q)]


def pair_roles(para: str, sent_q: list[Quantity]) -> dict[int, str]:
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


def pair_respectively(para: str, s_start: int, s_end: int, sent_q: list[Quantity], mentions=()) -> dict:
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
            label = strip_metric(metric)
            listed = after[:len(items)]
            if len(listed) == len(items) and valid_metric(label):
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
        heads = _respectively_heads(strip_metric(heads_text))
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
