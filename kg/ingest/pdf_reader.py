"""A PDF's text page by page (pdfplumber), its tables of figures apart, page headers, footers
and page numbers dropped, two-column pages read column by column; pages without a text layer
(scans) read by OCR when tesseract with its Chinese model is installed.

May import kg.errors, the record types (kg.ingest.published) and kg.ingest.tables."""
from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
from collections import Counter

from kg.errors import InputError
from kg.ingest.published import Published, Table
from kg.ingest.tables import find_tables, group_lines

_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?(?:\s*共\s*\d+\s*页)?[-—–－\s]*$"
                          r"|^[-—–－]\s*[ivxlcIVXLC]+\s*[-—–－]$")
OCR_LANGUAGE = "chi_sim"
OCR_DPI = 300


def read_pdf(data: bytes) -> Published:
    import pdfplumber  # lazy: pdfplumber and pdfminer are only needed for PDFs
    from pdfminer.pdfdocument import PDFPasswordIncorrect  # lazy: as above
    from pdfminer.pdfparser import PDFSyntaxError  # lazy: as above
    from pdfplumber.utils.exceptions import PdfminerException  # lazy: as above

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except (PDFPasswordIncorrect,) as exc:
        raise InputError("encrypted PDF (needs a password)") from exc
    except (PDFSyntaxError, PdfminerException, ValueError, KeyError, TypeError, AssertionError) as exc:
        reason = "encrypted PDF (needs a password)" if "password" in repr(exc).lower() else "damaged PDF"
        raise InputError(f"{reason} ({type(exc).__name__})") from None
    warnings: list[str] = []
    page_lines: list[list[str]] = []
    tables: list[Table] = []
    ocr_pages: list[int] = []
    confidences: list[float] = []
    try:
        for number, page in enumerate(pages, start=1):
            try:
                words = page.extract_words(x_tolerance=1.5, keep_blank_chars=False, use_text_flow=False)
            except Exception as exc:  # noqa: BLE001 - one broken page (bad fonts, streams) is skipped, not the file
                warnings.append(f"page {number} unreadable ({type(exc).__name__}); skipped")
                page_lines.append([])
                continue
            if not words:
                if page.images:
                    lines, confidence = _ocr_page(page, number, warnings)
                    if lines:
                        ocr_pages.append(number)
                        confidences.append(confidence)
                    page_lines.append(lines)
                else:
                    page_lines.append([])
                continue
            if len(pages) == 1:  # more pages: repeated lines show the headers (_drop_running_lines)
                words = _without_margin_notes(words, page.height)
            found, taken = find_tables(words, number)
            tables.extend(found)
            lines = group_lines(words)
            page_lines.append(_reading_order(lines, taken, page.width))
    finally:
        pdf.close()
    if not any(page_lines) and not tables:
        if any(w.startswith("OCR unavailable") for w in warnings):
            raise InputError("scanned PDF without a text layer, and OCR is unavailable "
                             "(install tesseract-ocr and tesseract-ocr-chi-sim)")
        raise InputError("no text in the PDF (empty pages)")
    page_lines = _drop_running_lines(page_lines)
    page_texts = ["\n".join(lines) for lines in page_lines]
    text = "\n".join(t for t in page_texts)
    title = _first_heading(page_lines)
    first_table = next((t for t in tables if t.page == 1), None)
    if first_table is not None and first_table.caption and (not title or len(page_lines[0]) < 5):
        # a PDF of tables: its first table's caption names it
        title = re.sub(r"^表\s*[\d一二三四五六七八九十-]+[：:\s]*|\s*单位\s*[:：].*$", "", first_table.caption).strip()
    return Published(text=text, media_type="application/pdf", encoding="pdf", title=title, pages=page_texts,
                     tables=tables, ocr_pages=ocr_pages,
                     ocr_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
                     warnings=warnings)


def _reading_order(lines: list[list[dict]], taken: set[int], width: float) -> list[str]:
    """The page's prose lines in reading order: a two-column page (a gutter no word crosses,
    with words on both sides on most lines) is read left column first."""
    prose = [line for k, line in enumerate(lines) if k not in taken]
    gutter = _gutter(prose, width)
    if gutter is None:
        return _indented(prose)
    left = [[w for w in line if w["x1"] <= gutter] for line in prose]
    right = [[w for w in line if w["x0"] >= gutter] for line in prose]
    return _indented([ln for ln in left if ln]) + _indented([ln for ln in right if ln])


def _indented(lines: list[list[dict]]) -> list[str]:
    """Lines as text; a line that starts two characters in from the column's margin opens a
    paragraph (Chinese paragraphs are indented so), and keeps that indent for ingest to see."""
    if not lines:
        return []
    starts = Counter(round(line[0]["x0"]) for line in lines)
    margin = min(x for x, n in starts.items() if n >= max(2, 0.2 * starts.most_common(1)[0][1])) \
        if len(lines) >= 4 else min(starts)
    out = []
    for line in lines:
        size = max(4.0, sorted(w["bottom"] - w["top"] for w in line)[len(line) // 2])
        indent = 1.5 * size <= line[0]["x0"] - margin <= 3.5 * size
        out.append(("\u3000\u3000" if indent else "") + " ".join(w["text"] for w in line))
    return out


def _gutter(lines: list[list[dict]], width: float) -> float | None:
    if len(lines) < 6:
        return None
    for x in sorted(range(int(width * 0.35), int(width * 0.65), 2), key=lambda x: abs(x - width / 2)):
        crossing = sum(1 for line in lines for w in line if w["x0"] < x < w["x1"])
        both = sum(1 for line in lines if any(w["x1"] < x for w in line) and any(w["x0"] > x for w in line))
        if crossing <= len(lines) * 0.03 and both >= 0.6 * len(lines):
            return float(x)
    return None


def _without_margin_notes(words: list[dict], height: float) -> list[dict]:
    """A line set in the top or bottom margin in a smaller type than the body is a running
    header or footer even on a one-page document, where no repetition shows it (a table's
    number, note or unit there stays)."""
    sizes = [w["bottom"] - w["top"] for w in words]
    weighted = [size for w, size in zip(words, sizes) for _ in w["text"]]  # a Chinese line is one word
    if len(weighted) < 40:
        return words
    body = statistics.median(weighted)
    return [w for w, size in zip(words, sizes)
            if not (size < 0.9 * body and (w["bottom"] < 0.08 * height or w["top"] > 0.92 * height)
                    and not re.match(r"表|注|单位|资料来源|数据来源", w["text"]))]


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Page headers and footers (a line repeated at the top or bottom of several pages, numbers
    aside) and page numbers (- 3 -, 第3页, 3/29) are layout, not text."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))

    edges = Counter()
    for lines in pages:
        for line in set(lines[:2] + lines[-2:]):
            edges[key(line)] += 1
    repeated = {k for k, n in edges.items() if n >= max(2, 0.4 * len(pages)) and len(k) <= 60}
    out = []
    for lines in pages:
        kept = list(lines)
        dropped = set()  # one line of a key per page: a title below a header that repeats it stays
        for idx in list(range(min(2, len(kept)))) + list(range(max(0, len(kept) - 2), len(kept))):
            line = kept[idx]
            if line is None:
                continue
            if _PAGE_NUMBER.match(line.strip()) or (key(line) in repeated and key(line) not in dropped):
                dropped.add(key(line))
                kept[idx] = None
        out.append([x for x in kept if x is not None])
    return out


_MEETING_LINE = re.compile(r"文件|会议|人大|政协|^\[\d+\]|^[\d\s]+$|^表\s*[\d-]+$")


def _first_heading(pages: list[list[str]]) -> str:
    """The title: the first lines of the first page that end in a document type (a title set
    over two or three lines is one), a meeting's file mark (…会议文件十三) and a page's table
    number left out; else ''."""
    head = [re.sub(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])", "", x) for x in (pages[0] if pages else [])[:8]]
    head = [re.sub(r"^\[\d+\]|^\d{1,3}(?=[\u4e00-\u9fff])", "", x) for x in head]
    for m in range(1, len(head) + 1):
        for n in range(max(0, m - 3), m):
            candidate = "".join(head[n:m])
            if _MEETING_LINE.search(head[n]) or len(candidate) > 60 or re.search(r"[。；;，,]", candidate):
                continue
            if re.search(r"(?:报告|公报|纲要|规划|通知|意见|方案|决定|情况表|决算表|预算表)$", candidate):
                return candidate
    return ""


def ocr_available() -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return OCR_LANGUAGE in out.stdout.split()


def _ocr_page(page, number: int, warnings: list[str]) -> tuple[list[str], float]:
    """(lines, mean word confidence) of a scanned page, by tesseract's Chinese model."""
    if not ocr_available():
        if not any(w.startswith("OCR unavailable") for w in warnings):
            warnings.append("OCR unavailable: pages without a text layer skipped (install tesseract-ocr "
                            "and tesseract-ocr-chi-sim)")
        return [], 0.0
    image = page.to_image(resolution=OCR_DPI).original
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    try:
        out = subprocess.run(["tesseract", "stdin", "stdout", "-l", OCR_LANGUAGE, "--psm", "6", "tsv"],
                             input=buffer.getvalue(), capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        warnings.append(f"page {number}: OCR failed ({type(exc).__name__})")
        return [], 0.0
    rows = out.stdout.decode("utf-8", errors="replace").splitlines()[1:]
    lines: dict[tuple, list[str]] = {}
    confidences = []
    for row in rows:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        conf = float(cols[10])
        if conf < 0:
            continue
        lines.setdefault((int(cols[2]), int(cols[3]), int(cols[4])), []).append(cols[11])
        confidences.append(conf)
    text_lines = [" ".join(words) for _, words in sorted(lines.items())]
    return text_lines, (sum(confidences) / len(confidences)) if confidences else 0.0
