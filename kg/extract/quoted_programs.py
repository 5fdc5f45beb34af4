"""Programs named in quotes: a quoted name followed by a head (“双百双新”项目), quoted after a verb
that introduces a program (打造“川居好房”), or a run of quoted names; the words written before
the quote that belong to the name (黄河“几字弯”攻坚战).
May import kg.extract.entity_names, kg.extract.entity_vocab and kg.vocab.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import vocab
from kg.extract.entity_names import (_CATEGORY_WORDS, _HAN, _POLICY_WORDING, EntityMention, _name_start, _pseg,
                                     _strip_introducers)
from kg.extract.entity_vocab import _alternation, _head_anywhere, _head_at_end, _heads, _national_programs, _verbs

_ONE_OF = re.compile(rf"[{_HAN}]{{0,6}}?(?:项目|工程)之一")
_QUOTED_PHASE = re.compile(r"[一二三四五六七八九十]期(?:项目|工程)?|[（(][一二三四五六七八九十]期[）)]")
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
            if own_head and not head:
                name = inner  # 实施“科技型企业倍增计划”: quoted for emphasis, the name is what the quotes hold
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


def _modifies_noun(rest: str) -> bool:
    """Whether a head is followed by a noun it modifies (新能源项目用地“一件事”…: 项目 is no name's end)."""
    words = _pseg(rest) if rest else []
    return bool(words) and words[0].flag == "n"


def _name_prefix(text: str, quote_start: int) -> str:
    """The words written right before a quoted name that belong to it (黄河“几字弯”…, 电子信息产业
    “强链延链”…): two to six characters after the clause's verbs and after any earlier head, no
    verb, body, count or 全/各/我 among them."""
    seg = _strip_introducers(text[_name_start(text, quote_start, 10):quote_start])
    heads = [h for h in _head_anywhere().finditer(seg) if not _modifies_noun(seg[h.end():])]
    if heads:
        seg = seg[heads[-1].end():]
    if seg in _national_programs():
        return seg  # 乡村振兴“百村示范、千村提升”工程
    if re.search(r"[一二三四五六七八九十\d]+[期批次届个轮]$", seg):
        return ""  # 四期“三个一批”项目建设活动: the fourth round, not a name's words
    if not 2 <= len(seg) <= 8 or seg in _verbs() or re.match(r"[全各我本该这每]", seg) or re.search(r"[局厅委办\d]|政府", seg) \
            or any(w.flag.startswith("v") or w.flag in ("p", "c", "d", "m", "r") for w in _pseg(seg)):
        return ""
    return seg
