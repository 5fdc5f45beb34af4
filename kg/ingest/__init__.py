"""Ingest: decode corpus files, undo PDF/OCR layout artifacts, split into passages.

Data flows one way: bytes -> decoded text -> normalized document text -> passages whose
(start, end) offsets index the normalized text exactly (passage.text == doc.text[start:end]).

Holds decoding, normalization, passages, title and date detection and read_document; the format
readers live in its submodules. May import kg.errors, kg.vocab and its own submodules.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from kg import vocab
from kg.errors import InputError
from kg.ingest.formats import read_published
from kg.ingest.published import CORPUS_SUFFIXES, MEDIA_TYPES, PUBLISHED_SUFFIXES, TEXT_SUFFIXES, Published, Table  # noqa: F401 -- re-exported
from kg.ingest.tables import render_table

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are refused: a corpus of reports, not a dump
PASSAGE_TARGET = 220  # characters; sentences are packed up to this size, never cut
PASSAGE_HARD_MAX = 600  # a single sentence longer than this is cut at a clause break

# Characters that make "CJK context" for whitespace removal: ideographs, CJK punctuation,
# full-width forms. A space next to one of these is a layout artifact in Chinese text.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014-\u2026"
_SPACE = "[ \t\u00a0\u2002-\u200b\u3000\u202f\u205f]"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACE_NEXT_TO_CJK = re.compile(f"(?<=[{_CJK}]){_SPACE}+|{_SPACE}+(?=[{_CJK}])")
# spaces between a number and a unit symbol or decimal parts: "2.8 %" -> "2.8%"
_SPACE_BEFORE_SYMBOL = re.compile(rf"(?<=\d){_SPACE}+(?=[%‰℃])|(?<=\d\.){_SPACE}+(?=\d)")  # 2.8 % / 6. 1%
_SENTENCE_END = "。！？!?；;…"
_CLOSERS = "”’」』）)】》\"'"
_SENTENCE = re.compile(rf"[^{_SENTENCE_END}\n]*(?:[{_SENTENCE_END}]+[{_CLOSERS}]*|\n|$)")


@dataclass
class Passage:
    order: int
    start: int
    end: int
    text: str
    page: int | None = None  # the PDF page the passage starts on


@dataclass
class TableSpan:
    """A published table and where its rows are written in the document text."""
    table: Table
    start: int
    end: int


@dataclass
class Document:
    doc_id: str
    source_file: str
    encoding: str
    sha256: str
    text: str  # the normalized text; passage offsets index into it
    title: str = ""
    title_confidence: str = "none"  # high | medium | low | none
    date: str | None = None  # ISO date of publication when stated or inferred
    date_confidence: str = "none"  # stated | inferred | none
    passages: list[Passage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    media_type: str = "text/plain"  # the file as published: text/html, application/pdf, …
    tables: list[TableSpan] = field(default_factory=list)
    ocr_confidence: float | None = None  # set when pages were read by OCR (mean word confidence, 0-100)


# ---------------------------------------------------------------- decoding

def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: a PDF, an image, an archive."""
    if not data:
        return False
    sample = data[:8192]
    if b"\x00" in sample or sample.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"PK\x03\x04", b"GIF8")):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample) > 0.05


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 (with or without BOM) first, then GB18030 (a superset of
    GBK and GB2312), then charset-normalizer's best guess. Raise InputError if nothing fits."""
    if looks_binary(data):
        raise InputError("binary content (not a text file)")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    # mixed encodings: mostly UTF-8 with a few broken sequences -> keep the UTF-8 text and mark
    # the bytes that do not decode (U+FFFD), rather than misreading everything as GBK
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 100):
        return text, "utf-8 (with undecodable bytes replaced)"
    best = from_bytes(data).best()
    if best is None:
        raise InputError("could not detect the text encoding")
    return str(best), best.encoding


# ---------------------------------------------------------------- normalization

def _width_fold(ch: str) -> str:
    """Full-width digits, Latin letters and number signs to ASCII; CJK punctuation is kept
    as written (it carries meaning in Chinese text and users search with it)."""
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    return {"％": "%", "．": ".", "＋": "+", "－": "-", "／": "/", "～": "~", "\u00a0": " "}.get(ch, ch)


def fold_width(text: str) -> str:
    return "".join(_width_fold(c) for c in text)


def clean_line(line: str) -> str:
    """Remove layout spaces inside Chinese text and between numbers and units."""
    line = _SPACE_NEXT_TO_CJK.sub("", line)
    line = _SPACE_BEFORE_SYMBOL.sub("", line)
    line = re.sub(f"{_SPACE}+", " ", line)
    return line.strip()


def _is_heading(line: str) -> bool:
    return line.startswith("#")


LINE_IS_PARAGRAPH = 150  # a median line this long is a paragraph, not a hard-wrapped line
_HEADING_LINE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十]{1,3}[章节部分])")
# the lower levels of a report's numbering: 1.一般公共预算 / （1）全市收支情况 (never 1.5%)
_SUBHEADING_LINE = re.compile(r"^(?:\d{1,2}[.．、](?![\d%])|[（(]\d{1,2}[）)])")


def _is_title_line(line: str) -> bool:
    """A document title on a line of its own: short, no punctuation, ending in a document type."""
    return (4 <= len(line) <= 40 and not re.search(r"[，,。；;：:！？、]", line)
            and bool(re.search(r"(?:报告|公报|纲要|规划|通知|意见|方案|决定)$", line)))


def _looks_like_heading(line: str) -> bool:
    """一、2025年工作回顾 / （三）…: a numbered heading (a bare short line may be a wrapped one)."""
    return bool(_HEADING_LINE.match(line)) and len(line) <= 60


def _join(prev: str, nxt: str) -> str:
    """Re-join a line broken by a hard line break. Inside Chinese text (or a number broken
    from its unit) the break is an artifact and disappears; between Latin words it is a space."""
    if not prev:
        return nxt
    a, b = prev[-1], nxt[0]
    if _CJK_CHAR.match(a) or _CJK_CHAR.match(b) or (a.isdigit() and b in "%.") or (a == "." and b.isdigit()):
        return prev + nxt
    if a.isdigit() and b.isdigit():
        return prev + nxt  # a number broken across lines ("2 \n 024" never means two numbers here)
    if a == "," and len(prev) > 1 and prev[-2].isdigit() and re.match(r"\d{3}(?!\d)", nxt):
        return prev + nxt  # 176,\n283万元: a thousands separator at a line end
    return prev + " " + nxt


def normalize_paragraphs(raw: str) -> list[str]:
    """Split raw text into normalized paragraphs. Blank lines, markdown headings and indented
    lines start a paragraph; other line breaks are layout (hard wraps) and are joined away."""
    raw = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    raw = raw.replace("\ufeff", "").replace("\u200b", "")
    raw = fold_width(raw)
    lines = strip_page_furniture(raw.split("\n"))
    widths = [len(clean_line(x)) for x in lines if clean_line(x)]
    typical = sorted(widths)[len(widths) // 2] if widths else 0
    # hard-wrapped text (PDF extraction) breaks most lines mid-sentence; text saved one paragraph a
    # line ends most lines with a sentence end or is a heading: there every such line ends its paragraph
    cleaned = [clean_line(x) for x in lines if clean_line(x)]
    open_ended = sum(1 for x in cleaned if x[-1] not in _SENTENCE_END + _CLOSERS + "：:"
                     and not _HEADING_LINE.match(x) and (len(x) > 30 or re.search(r"[，,、]", x)))
    wrapped = len(cleaned) < 5 or open_ended > 0.3 * len(cleaned)
    paragraphs: list[str] = []
    current = ""
    prev_raw = ""
    after_sentence = True  # the line before prev_raw ended a sentence (or prev_raw opens the text)
    lines = [x for raw in lines for x in _split_inline_heading(raw)]
    for raw_line in lines:
        line = clean_line(raw_line)
        heading = re.match(r"^(#{1,6})\s*(.*)$", line)
        if heading:  # keep markdown heading syntax readable: "## 标题"
            line = f"{heading.group(1)} {heading.group(2)}".rstrip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            prev_raw = ""
            continue
        indented = bool(re.match(r"^(?:[ \t]{2,}|[\u3000\u2002\u2003]+)", raw_line))
        # a short line in hard-wrapped text ends its paragraph when it ends a sentence or reads as
        # a heading (一、… / （一）… / a line without punctuation); text whose typical line is a
        # whole paragraph (one paragraph a line, as web pages are saved) is never re-joined
        short = bool(prev_raw) and len(prev_raw) < 0.7 * typical
        short_end = short and (prev_raw[-1] in _SENTENCE_END + "”" or _looks_like_heading(prev_raw))
        short_end = short_end or (bool(prev_raw) and bool(_HEADING_LINE.match(prev_raw)) and len(prev_raw) <= 40
                                  and not re.search(r"[，,。；;]", prev_raw))
        # an unnumbered heading: a short line without punctuation between two paragraphs
        short_end = short_end or (short and after_sentence and len(prev_raw) <= 30
                                  and not re.search(r"[，,。；;：:、！？]", prev_raw))
        # a numbered heading (一、… / （二）…) after a finished sentence starts a paragraph
        heading_next = bool(prev_raw) and prev_raw[-1] in _SENTENCE_END + "”：:" and bool(_HEADING_LINE.match(line))
        # a short numbered line without punctuation (1.一般公共预算) is a heading when a numbered line follows
        heading_next = heading_next or (bool(prev_raw) and len(prev_raw) <= 20 and bool(_SUBHEADING_LINE.match(prev_raw))
                                        and not re.search(r"[，,。；;：:、]", prev_raw)
                                        and bool(_SUBHEADING_LINE.match(line) or _HEADING_LINE.match(line)))
        dateline = bool(re.match(r"^(?:——|――|—|（(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)", line))  # ——2026年1月27日在…
        title_line = _is_title_line(line) or _is_title_line(prev_raw)  # 2026年某省政府工作报告 stands alone
        # a page's headline (its first line, short, not a sentence) stands alone too; a title broken
        # over two short lines (…预算执行 / 情况和…草案的报告) is one line again
        headline = not paragraphs and current == prev_raw and 6 <= len(prev_raw) <= 80 \
            and prev_raw[-1] not in _SENTENCE_END + "0123456789." and not _is_title_line(prev_raw + line) \
            and (not wrapped or not re.search(r"[，,、]", prev_raw))  # a hard-wrapped first line runs on
        broken_title = (bool(prev_raw) and len(prev_raw) <= 40 and len(line) <= 40 and not _is_title_line(prev_raw)
                        and not re.search(r"[，,。；;：:！？]", prev_raw) and _is_title_line(prev_raw + line))
        title_line = (title_line or headline) and not broken_title
        # one paragraph a line: a line that ends a sentence, or a short one without a comma, is whole
        line_paragraph = not wrapped and bool(prev_raw) and (
            prev_raw[-1] in _SENTENCE_END + _CLOSERS + "：:"
            or (len(prev_raw) <= 40 and not re.search(r"[，,、]", prev_raw) and not prev_raw[-1].isdigit()))
        if broken_title:
            pass
        elif current and (indented or _is_heading(line) or _is_heading(current) or short_end or heading_next or dateline
                        or title_line or line_paragraph
                        or typical > LINE_IS_PARAGRAPH):
            paragraphs.append(current)
            current = ""
        after_sentence = (not paragraphs and not current) or (bool(prev_raw) and prev_raw[-1] in _SENTENCE_END + "”")
        current = _join(current, line)
        prev_raw = line
    if current:
        paragraphs.append(current)
    return _join_broken_paragraphs(paragraphs)


def _furniture_pattern() -> re.Pattern:
    return re.compile("|".join(f"(?:{row[1]})" for row in vocab.table("page_furniture")))


_FURNITURE: list[re.Pattern] = []
_MENU_ITEM = re.compile(r"[\u4e00-\u9fa5]{1,6}|[A-Za-z]{1,12}")  # 首页, 政务公开, English: a menu entry


def strip_page_furniture(lines: list[str]) -> list[str]:
    """A saved web page's furniture removed, each such line left blank (a paragraph break):
    navigation, metadata, sharing and footer lines (vocab/page_furniture.tsv), the site's menu
    above a breadcrumb (当前位置：首页 > …), and runs of three or more menu entries before the
    document starts. The document's own lines are never touched."""
    if not _FURNITURE:
        _FURNITURE.append(_furniture_pattern())
    furniture = _FURNITURE[0]
    out = list(lines)
    cleaned = [clean_line(x) for x in lines]
    # the page header ends at its breadcrumb: above it, only short lines (menus, logins)
    for i, line in enumerate(cleaned[:60]):
        if re.search(r"当前位置|當前位置|现在的位置|現在的位置|所在位置|您的位置", line) or re.match(r"(?:首页|首頁)\s*>", line):
            if all(len(x) <= 30 and not re.search(f"[{_SENTENCE_END}]", x) for x in cleaned[:i]):
                out[:i + 1] = [""] * (i + 1)
    started = False  # the document's first sentence: menus come only before it
    run: list[int] = []
    for i, line in enumerate(cleaned):
        if not line:
            continue
        if furniture.fullmatch(line):
            out[i] = ""
            continue
        if not started and _MENU_ITEM.fullmatch(line):
            run.append(i)
            continue
        if len(run) >= 4:
            for j in run:
                out[j] = ""
        run = []
        if re.search(f"[{_SENTENCE_END}]", line) or len(line) > 60:
            started = True
    return out


_INLINE_HEADING = re.compile(r"^(\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])[\u4e00-\u9fa5、]{2,12})[ \t\u3000]+(?=\S)")


def _split_inline_heading(line: str) -> list[str]:
    """六、财政金融 全年一般公共预算收入794.2亿元…: a numbered heading and its first paragraph saved on
    one line (a space between them) are two."""
    m = _INLINE_HEADING.match(line)
    if m and len(line) - m.end() > 10 and re.search(r"[。；;，,]", line[m.end():]):
        return [m.group(1), "", line[m.end():]]
    return [line]


def _join_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """A page or column break inside a sentence shows up as a blank line: a long paragraph
    that stops mid-sentence continues in the next one (unless that is a heading)."""
    out: list[str] = []
    for para in paragraphs:
        prev = out[-1] if out else ""
        mid_sentence = len(prev) >= 40 or bool(re.search(r"[，,、；;（(《“]", prev))
        if (prev and mid_sentence and prev[-1] not in _SENTENCE_END + _CLOSERS + "：:"
                and not _is_heading(prev) and not _is_heading(para) and _CJK_CHAR.match(para[0])
                and not _looks_like_heading(prev) and not (len(out) == 1 and len(prev) <= 80)  # a headline
                and not (len(prev) <= 30 and not re.search(r"[，,。；;：:、！？]", prev))):
            out[-1] = _join(out[-1], para)
        else:
            out.append(para)
    return out


def normalize_text(raw: str) -> str:
    """The normalized document text: paragraphs separated by one blank line."""
    return "\n\n".join(normalize_paragraphs(raw))


# ---------------------------------------------------------------- passages

def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of a text: the project's one sentence splitter. A sentence
    ends at 。！？!?；;… (with any closing quote or bracket) or at a line break; a '.' never ends one,
    so numbers stay whole."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.end() > m.start()]


def sentence_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The span of the sentence containing pos (spans from sentence_spans)."""
    i = bisect.bisect_right([s for s, _ in spans], pos) - 1
    return spans[max(i, 0)] if spans else (0, 0)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, each keeping its end punctuation; never splits a number
    (a '.' is not a sentence end, only Chinese and exclamation/question marks are)."""
    parts = [paragraph[a:b] for a, b in sentence_spans(paragraph)]
    out: list[str] = []
    for s in parts:
        while len(s) > PASSAGE_HARD_MAX:  # cut an overlong sentence at a clause break
            cut = max(s.rfind("，", 0, PASSAGE_HARD_MAX), s.rfind(",", 0, PASSAGE_HARD_MAX),
                      s.rfind("、", 0, PASSAGE_HARD_MAX))
            if cut <= 0:
                cut = PASSAGE_HARD_MAX
                while cut < len(s) and (s[cut - 1].isdigit() or s[cut - 1] == "."):
                    cut += 1  # never cut inside a number
            out.append(s[: cut + 1] if s[cut:cut + 1] in "，,、" else s[:cut])
            s = s[len(out[-1]):]
        if s:
            out.append(s)
    return out


def split_passages(text: str) -> list[Passage]:
    """Pack sentences into passages of about PASSAGE_TARGET characters. A heading (a short
    paragraph with no sentence end) stays with the text that follows it."""
    spans: list[tuple[int, int, bool]] = []  # (start, end, is_paragraph_start)
    pos = 0
    for para in text.split("\n\n"):
        offset = pos
        first = True
        for sentence in split_sentences(para):
            spans.append((offset, offset + len(sentence), first))
            offset += len(sentence)
            first = False
        pos += len(para) + 2
    passages: list[Passage] = []
    start = end = None
    heading_only = False
    for s, e, para_start in spans:
        if start is None:
            start, end = s, e
        elif (e - start > PASSAGE_TARGET and not heading_only) or (para_start and end - start > PASSAGE_TARGET * 0.6 and not heading_only):
            passages.append(Passage(len(passages), start, end, text[start:end]))
            start, end = s, e
        else:
            end = e
        para_text = text[s:e]
        heading_only = para_start and len(para_text) < 40 and para_text[-1] not in _SENTENCE_END and (end - start) < 80
    if start is not None:
        passages.append(Passage(len(passages), start, end, text[start:end]))
    return [p for p in passages if p.text.strip()]


# ---------------------------------------------------------------- title and date

_DATE_STATED = re.compile(r"(?:发布(?:日期|时间)|發布(?:日期|時間)|发布于|日期|时间|時間)\s*[:：]?\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})")
# a page's own date on a line of its header: 2024-11-22 (after a site name, before a time or a count)
_DATE_ISO = re.compile(r"(?<![\d.])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])")
_DATE_LINE = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日(?:\s*\d{1,2}(?:[:：]\d{2}|时\d{1,2}分?)(?:[:：]\d{2})?)?$")
# a report's dateline under its title, the whole line ending at the meeting (——2026年1月27日在…会议上)
_DATELINE = re.compile(r"^[（(]?\s*[—―－-]*\s*((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日\s*在[^。，,；;]{0,70}会(?:议)?上\s*[）)]?$")
_DATE_FULL = re.compile(r"(20\d{2}|19\d{2})年(\d{1,2})月(\d{1,2})日")
_DATE_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})年")
_TITLE_WORDS = re.compile(r"报告|通知|意见|办法|方案|规划|公报|决定|条例|纲要")
_BREADCRUMB = re.compile(r"当前位置|首页\s*>|>\s*正文|^\s*(?:上一篇|下一篇)")


def detect_title(paragraphs: list[str]) -> tuple[str, str]:
    """(title, confidence). A markdown heading or a short line naming a document type is sure;
    a page's first line, short and not a sentence, is its headline; otherwise the first short
    line without a sentence end is a guess."""
    head = [p for p in paragraphs[:12] if not _BREADCRUMB.search(p)]
    titled = [p for p in head if len(p) <= 60 and _TITLE_WORDS.search(p) and not re.search(f"[{_SENTENCE_END}]", p)]
    if titled and titled[0] in head[:3]:  # the page opens with its title
        return titled[0], "high"
    for p in head:
        if p.startswith("#"):
            return p.lstrip("#").strip(), "high"
    if titled:  # a caption ("政府工作报告。 贵州日报记者 摄") names a document type too, but is sentences
        return titled[0], "high"
    first = head[0] if head else ""
    if 6 <= len(first) <= 80 and first[-1] not in _SENTENCE_END + "，,：:" and not re.search("[。；;]", first) \
            and not _DATE_STATED.search(first) and not re.match(r"^[(（【]", first):
        return first, "medium"  # a news headline: 衡阳:一季度重大项目集中开工,144个项目、总投资513亿元
    for p in head:
        if 4 <= len(p) <= 40 and p[-1] not in _SENTENCE_END + "，,：:" and not _DATE_STATED.search(p):
            return p, "low"
    return "", "none"


_PLAN_AFTER_YEAR = re.compile(r"[^。；;]{0,15}?(?:将|力争|计划|目标|预计|要)")


def dominant_year(text: str) -> int | None:
    """The year a text reports on: the most mentioned year, not counting mentions that open a
    plan ('2025年,郑州将...'); ties go to the later year."""
    years = Counter(int(m.group(1)) for m in _YEAR.finditer(text)
                    if not _PLAN_AFTER_YEAR.match(text, m.end()))
    if not years:
        return None
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]


def detect_date(text: str) -> tuple[str | None, str]:
    """(ISO date, confidence): a stated publication date ('发布日期: 2024-02-09'), a header line's date or
    a report's dateline ('——2026年1月27日在…会议上') is 'stated' and beats any day in the running text;
    a dateline near the top ('12月24日') takes its year from the text and is 'inferred'."""
    m = _DATE_STATED.search(text[:2000])
    if m is None:  # a header line: "武汉通2024-11-22 55", "2025年02月09日" (07时41分), "2023" over "12/05"
        lines = [x.strip() for x in text[:1500].split("\n") if x.strip()][:12]
        for line, nxt in zip(lines, lines[1:] + [""]):
            m = (_DATE_ISO.search(line) if len(line) <= 60 else None) or _DATE_LINE.match(line) \
                or _DATE_ISO.fullmatch(f"{line}/{nxt}")
            if m:
                break
        m = m or next(filter(None, map(_DATELINE.match, lines[:6])), None)  # else the dateline under the title
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        y, mo, d = (int(x) for x in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}", "stated"
    top = text[:400]
    m = re.search(r"本报讯[^)）]*[)）]\s*" + _DATE_FULL.pattern, top)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}", "stated"
    m = re.search(r"本报讯[^)）]*[)）]\s*" + _DATE_MONTH_DAY.pattern, top) or _DATE_MONTH_DAY.search(text[:300])
    year = dominant_year(text)
    early = m is not None and int(m.group(1)) <= 3 and re.search(r"全年|一年来|过去一年", text)
    if year and ("去年" in text or early) and not re.search(rf"{year + 1}年", text):
        # an undated article that reports the year as 去年, or whole-year figures in its first
        # months (1月20日 … 全年), was written the year after
        year += 1
    if m and year:
        mo, d = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{year:04d}-{mo:02d}-{d:02d}", "inferred"
    return None, "none"


# ---------------------------------------------------------------- files

def doc_id_for(path: Path) -> str:
    """A stable id from the file name (not its content, so an edited file keeps its IRI)."""
    stem = path.stem
    safe = re.sub(r"[^0-9A-Za-z_.-]", "_", stem)
    if safe != stem or not safe:
        safe = f"{safe}_{hashlib.sha1(stem.encode()).hexdigest()[:8]}"
    return safe


def read_document(path: Path) -> Document:
    """Read, decode and normalize one file. Raise InputError with a one-line reason."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file too large ({size // 2**20} MiB > {MAX_FILE_BYTES // 2**20} MiB)")
        data = path.read_bytes()
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})") from None
    suffix = path.suffix.lower()
    published: Published | None = None
    if suffix in PUBLISHED_SUFFIXES:
        published = read_published(suffix, data)
        text, encoding = published.text, published.encoding
    else:
        text, encoding = decode(data)
    paragraphs = normalize_paragraphs(text)
    norm = "\n\n".join(paragraphs)
    tables: list[TableSpan] = []
    for table in published.tables if published else []:
        # a table's rows are written after the prose, a sentence a row, so each figure has a quote
        rows = "\n\n".join(clean_line(fold_width(p)) for p in render_table(table))
        start = len(norm) + 2 if norm else 0
        norm = f"{norm}\n\n{rows}" if norm else rows
        tables.append(TableSpan(table, start, len(norm)))
    if not norm.strip():
        raise InputError("empty (no text after normalization)")
    warnings = list(published.warnings) if published else []
    if not _CJK_CHAR.search(norm):
        warnings.append("no Chinese text found")  # not an error, but worth a word to the user
    if "replaced" in encoding:
        warnings.append(f"{text.count(chr(0xFFFD))} undecodable byte sequence(s) replaced by U+FFFD")
    title, title_conf = detect_title(paragraphs)
    if published and published.title:
        title, title_conf = clean_line(fold_width(published.title)), "high"
    # the page's date is often on a furniture line that normalization drops: read it from the page
    head = "\n".join(clean_line(x) for x in fold_width(unicodedata.normalize("NFC", text[:4000])).splitlines())
    # a PDF's first lines may be a table's cells (dates of projects): only a labelled date (发布时间：…) there
    pdf_head = published is not None and published.media_type == "application/pdf"
    date, date_conf = detect_date(head) if not pdf_head or _DATE_STATED.search(head[:2000]) else (None, "none")
    if published and published.date:
        date, date_conf = published.date, "stated"
    if date is None:
        date, date_conf = detect_date(norm)
    doc = Document(
        doc_id=doc_id_for(path), source_file=path.name, encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(), text=norm, title=title,
        title_confidence=title_conf, date=date, date_confidence=date_conf, warnings=warnings,
        media_type=MEDIA_TYPES.get(suffix, "text/plain"), tables=tables,
        ocr_confidence=published.ocr_confidence if published and published.ocr_pages else None,
    )
    doc.passages = split_passages(norm)
    if published and published.ocr_pages:
        warnings.append(f"pages {', '.join(map(str, published.ocr_pages))} read by OCR "
                        f"(mean confidence {published.ocr_confidence:.0f}/100)")
    if published and published.pages:
        _number_pages(doc, published.pages)
    return doc


def _number_pages(doc: Document, pages: list[str]) -> None:
    """Each passage's page: where each page's first line lies in the normalized text."""
    starts: list[tuple[int, int]] = []  # (offset, page number)
    cursor = 0
    for number, page in enumerate(pages, start=1):
        for line in page.split("\n")[:5]:
            probe = clean_line(fold_width(unicodedata.normalize("NFC", line)))
            if len(probe) < 6:
                continue
            found = doc.text.find(probe[:30], cursor)
            if found >= 0:
                starts.append((found, number))
                cursor = found
                break
    in_tables = [(t.start, t.end, t.table.page) for t in doc.tables]
    for passage in doc.passages:
        table_page = next((pg for s, e, pg in in_tables if s <= passage.start < e), None)
        if table_page is not None:
            passage.page = table_page
            continue
        before = [n for offset, n in starts if offset <= passage.start]
        passage.page = before[-1] if before else (starts[0][1] if starts else None)


def corpus_files(corpus: Path) -> list[Path]:
    """The text files of a corpus folder, sorted; symlink loops and unreadable folders are
    reported, not followed forever."""
    if not corpus.exists():
        raise InputError(f"corpus folder not found: {corpus}")
    if not corpus.is_dir():
        raise InputError(f"corpus is not a folder: {corpus}")
    files = []
    # os.walk does not follow directory symlinks, so a symlink loop cannot trap it
    for root, dirs, names in os.walk(corpus, onerror=None):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.suffix.lower() in CORPUS_SUFFIXES and path.is_file():  # False for broken links
                files.append(path)
    if not files:
        raise InputError(f"no .txt, .md, .html, .pdf or .docx files in {corpus}")
    return files
