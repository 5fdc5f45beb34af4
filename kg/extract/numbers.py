"""Numbers with units as written in Chinese government text: 4749.1301亿元, 1.36万亿元, 7.4%,
近5万座, 150多家, 3630班以上, 一万人, 两个. Values are kept as written (Decimal) with the unit as
written; a normalized value in the base unit is derived where a magnitude applies.

What is NOT a quantity here: dates (2024年, 12月24日), ordinals (第十七批, 第1名), list markers,
phone numbers and codes (no unit), and term names (10年期, 5G, 20强).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg import vocab

MAGNITUDES = [("万亿", Decimal(10) ** 12), ("千亿", Decimal(10) ** 11), ("亿", Decimal(10) ** 8),
              ("千万", Decimal(10) ** 7), ("百万", Decimal(10) ** 6), ("万", Decimal(10) ** 4),
              ("千", Decimal(10) ** 3)]
# Base units of the genre, longest first so 平方米 wins over 米, 人次 over 人.
BASE_UNITS = sorted("""元 美元 个基点 基点 个月 个工作日 小时 欧元 % ‰ 个百分点 百分点 倍 人次 人 户 家 个 项 所 座 套 间 台 辆 班 列 条 支 只
 张 次 场 天 吨 标箱 千瓦时 千瓦 瓦 平方米 平方公里 立方米 亩 公顷 公里 千米 米 件 份 批 处 名 位 栋 块
 艘 架次 架 篇 部 本 株 棵 头 口 双 座次 例 床 所次 个点 盏 根 基 km 万 亿 场次 斤 公斤 千克 克 吨标准煤
 微克/立方米 毫克/立方米 兆瓦 吉瓦 千伏 标准箱 人年 户次 件次 车次 航次 班次 家次 小时/天 千升 升 箱 吨公里 人公里""".split(), key=len, reverse=True)
_UNIT = ("(?:万亿|千亿|亿|千万|百万|万|千)?(?:" + "|".join(map(re.escape, BASE_UNITS)) + ")"
         r"(?:/(?:人|户|月|年|天|日|吨|亩|平方米|千瓦时|小时|人·月|人·年))?")  # per-unit values: 元/月
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# thousands separated by a comma, ASCII or full-width as some budget pages write them (878，631万元)
_ARABIC = r"\d{1,3}(?:[,，]\d{3})+(?![\d])(?:\.\d+)?|\d+(?:\.\d+)?"
QUANTITY = re.compile(
    rf"(?<![\d.A-Za-z第{_CN_DIGITS}])(?:(?P<num>{_ARABIC})|(?P<cn>[{_CN_DIGITS}]+))(?P<more>多|余)?(?P<unit>{_UNIT})"
    rf"(?P<after>{'|'.join(vocab.qualifiers('after'))})?")
# 近5万座, 不少于28万人 (kg/vocab/qualifiers.tsv)
_QUALIFIER_BEFORE_RE = re.compile(f"({'|'.join(vocab.qualifiers('before'))})$")
# "4.5%—5%" and "5—5.5%": a range; the lower bound is the value, the upper its maximum
_RANGE_SEP = "[-~～—–至到]{1,2}"
_BARE_BEFORE_RANGE = re.compile(rf"(?<![\d.])({_ARABIC}){_RANGE_SEP}$")
_NAME_AFTER = re.compile(f"^(?:{vocab.alternation('name_words')})")
_RANGE_BEFORE = re.compile(rf"({_ARABIC})[-~—至到]$")


@dataclass(eq=False)  # identity: two equal figures in one sentence are two figures
class Quantity:
    start: int  # offsets of the number+unit (+ qualifier) in the text given
    end: int
    surface: str
    value: Decimal
    unit: str
    qualifier: str | None  # 近, 约, 超, 多, 以上, 左右 ...
    normalized_value: Decimal | None
    normalized_unit: str | None
    chinese_numeral: bool = False  # 一万人: the digits of the value are not written in the text
    max_value: Decimal | None = None  # the upper bound of a range


def chinese_to_decimal(text: str) -> Decimal | None:
    """Chinese numerals (一万, 两, 三百二十) to a number, via cn2an."""
    import cn2an  # lazy: ~0.2 s to import, only Chinese numerals need it

    try:
        return Decimal(str(cn2an.cn2an(text.replace("两", "二"), "smart")))
    except (ValueError, KeyError, InvalidOperation, TypeError):
        return None


def normalize(value: Decimal, unit: str) -> tuple[Decimal, str] | tuple[None, None]:
    """1.36 万亿元 -> 1360000000000 元. Units without a magnitude prefix are unchanged."""
    for prefix, factor in MAGNITUDES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return _plain(value * factor), unit[len(prefix):]
    if unit in ("万", "亿"):  # a bare magnitude: 5万 (people, items ...)
        factor = dict(MAGNITUDES)[unit]
        return _plain(value * factor), ""
    return None, None


def _plain(value: Decimal) -> Decimal:
    """Without exponent or trailing zeros: 4.7491301E+11 -> 474913010000."""
    return Decimal(format(value.normalize(), "f"))


def _plain_decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("，", ""))


def find_quantities(text: str) -> list[Quantity]:
    out = []
    for m in QUANTITY.finditer(text):
        unit = m.group("unit")
        after = text[m.end():m.end() + 2]
        if m.group("num"):
            num = m.group("num")
            value = _plain_decimal(num)
            # a year (2024年 is not matched: 年 is no unit) or a date part, a model name (5G)
            if unit in ("万", "亿") and re.match(r"[A-Za-z]", after):
                continue
        else:
            cn = m.group("cn")
            if len(cn) == 1 and cn in "一两" and unit in ("个", "次", "批", "项", "条", "场", "张", "家", "件", "处", "间", "份", "部", "本", "名", "位"):
                continue  # 一批 / 两个确保: counting words of slogans, not figures
            if cn in ("万", "亿", "千", "百", "十") or cn.endswith(("万万",)):
                continue
            if len(cn) > 1 and cn[-1] in "万亿" and not unit.startswith(("万", "亿", "千")):
                unit = cn[-1] + unit  # 一万人: the magnitude belongs to the unit as written
                cn = cn[:-1]
            value = chinese_to_decimal(cn)
            if value is None:
                continue
        if _followed_by_word(text, m.end(), unit):
            continue
        if re.search(r"[第前后]$", text[max(0, m.start() - 1):m.start()]) and not m.group("num"):
            continue
        if text[max(0, m.start() - 1):m.start()] in ("前", "后") and unit in ("个", "名", "位"):
            continue  # 前10名, 前三位: ranks
        before = text[max(0, m.start() - 5):m.start()]
        qualifier = None
        qm = _QUALIFIER_BEFORE_RE.search(before)
        if qm:
            qualifier = qm.group(1)
        if m.group("more"):
            qualifier = m.group("more")
        if m.group("after"):
            qualifier = (qualifier + "," if qualifier else "") + m.group("after")
        if text[max(0, m.start() - 2):m.start()] == "连续" and not m.group("more"):
            continue  # 连续19个季度居全国前列: a streak, not a statistic
        if _NAME_AFTER.match(text[m.end():m.end() + 12]) or _inside_code(text, m.start(), m.end()):
            continue  # 1小时通勤圈, 3年行动, “30条”, 1+M+N: names and codes, not statistics
        nv, nu = normalize(value, unit)
        out.append(Quantity(m.start(), m.end(), m.group(0), value, unit, qualifier, nv, nu,
                            chinese_numeral=not m.group("num")))
    return _merge_ranges(text, out)


def _inside_code(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 1):start], text[end:end + 1]
    if before in ("+", "×", "*") or after in ("+", "×", "*"):
        return True
    # a short quoted name: “30条” / 《3年行动方案》
    left = max(text.rfind("“", max(0, start - 8), start), text.rfind("《", max(0, start - 12), start))
    if left >= 0:
        closer = {"“": "”", "《": "》"}[text[left]]
        close = text.find(closer, end)
        opened_again = text.find(text[left], left + 1, start)
        if 0 <= close <= end + 12 and opened_again < 0:
            return True
    return False


def _merge_ranges(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """4.5%—5% (two quantities) and 5—5.5% (a bare number, then a quantity) become one range."""
    out: list[Quantity] = []
    for q in quantities:
        prev = out[-1] if out else None
        between = text[prev.end:q.start] if prev else ""
        if (prev is not None and prev.unit == q.unit and re.fullmatch(_RANGE_SEP, between)
                and not prev.chinese_numeral and not q.chinese_numeral and q.value > prev.value):
            prev.max_value, prev.end = q.value, q.end
            prev.surface = text[prev.start:q.end]
            if q.qualifier:
                prev.qualifier = q.qualifier
            continue
        bare = _BARE_BEFORE_RANGE.search(text[max(0, q.start - 16):q.start])
        if bare and not q.chinese_numeral:
            low = _plain_decimal(bare.group(1))
            if low < q.value:
                start = q.start - len(bare.group(0))
                nv, nu = normalize(low, q.unit)
                q = Quantity(start, q.end, text[start:q.end], low, q.unit, q.qualifier, nv, nu,
                             max_value=q.value)
        out.append(q)
    return out


# A unit character that continues into a longer word is not a unit: 5年期 (年 is no unit anyway),
# 10强, 个人 (个+人), 家庭, 次数, 条例, 项目, 所得, 场景, 天然, 台账, 支持, 件事, 份额, 处理, 名单, 位于,
# 部门, 班子, 列入, 座谈, 张贴, 批准, 块头 ...
_WORD_AFTER_UNIT = {
    "个": "人体案性", "家": "庭长乡属", "次": "数序生级", "条": "例件款约", "项": "目链", "所": "得有在以属",
    "场": "景所馆地合", "天": "然气地下", "台": "账阶湾", "支": "持付撑部出柱", "件": "事", "份": "额",
    "处": "理置", "名": "单称义录", "位": "于置列居", "部": "门署分", "班": "子组级", "列": "入出车",
    "座": "谈", "张": "贴", "批": "准复", "块": "头", "本": "地市级科", "口": "岸径号", "头": "部",
    "人": "才民员口工大", "户": "籍外型", "间": "隔接", "只": "有要是", "基": "地础金本层", "根": "本据",
    "米": "房粉", "元": "素旦宵",
}


def _followed_by_word(text: str, end: int, unit: str) -> bool:
    nxt = text[end:end + 1]
    return bool(nxt) and nxt in _WORD_AFTER_UNIT.get(unit[-1], "")


def decimal_text(value: Decimal) -> str:
    """A value as written, without exponent or trailing zeros lost (2.0 stays 2.0)."""
    return format(value, "f")
