"""Tables of figures as published: found in a grid of cells (a Word or HTML table) or in a PDF
page's words by their positions, and written back as one sentence a row so each figure keeps a
quote that names its row and column.

A table of figures has a label column (places, or items such as 地区生产总值) and value columns
whose header says what a cell is (2018年债务限额 / 一般债务, 预算数, 比上年增长（%）). A header of
two levels is merged into one label per column (一般债务 under 债务限额 -> 一般债务限额).

May import only the record types (kg.ingest.published); the readers import it.
"""
from __future__ import annotations

import re

from kg.ingest.published import Table

_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_EMPTY = {"", "-", "—", "－", "–", "…", "/", "——", "0"}
_FORMULA = re.compile(r"^[A-Z](?:[=+\-][A-Z]+)*$|^公式$")  # A=B+C, B: a column's letter
_UNIT = re.compile(r"单位\s*[:：]\s*([^\s，,；;）)]{1,8})")
_CAPTION = re.compile(r"^表\s*[\d一二三四五六七八九十]|表\s*[\d-]+$|(?:情况|统计|明细|一览|汇总|决算|预算)表|单位\s*[:：]")
_UNIT_TOKEN = re.compile(r"^(?:[万亿千百十]?(?:元|吨|人|户|个|家|所|张|件|辆|台|头|只|套|项|条|座|公里|千米|米|平方米|亩|公顷|千瓦|千瓦时|立方米|人次|吨公里|人公里|千升|重量箱|块|支|双|部|标箱|次)|[万亿千]?(?:千瓦小时|平方公里)|%|‰)$")


def cell_number(cell: str | None) -> str | None:
    """The number a cell states, without thousands separators; None for an empty cell."""
    if cell is None:
        return None
    text = re.sub(r"\s+", "", cell).replace("−", "-")
    if text in _EMPTY - {"0"} or not _NUMBER.match(text):
        return None
    return text.replace(",", "")


def merge_header(top: str, sub: str) -> str:
    """One column label from a two-level header: the sub-label completed by the top one where
    they overlap (一般债务 + 债务限额 -> 一般债务限额), else the two joined (top's year kept)."""
    if not top or top == sub:
        return sub
    if not sub:
        return top
    year = re.match(r"^((?:19|20)\d{2}年(?:末|初|度)?)", top)
    head = top[year.end():] if year else top
    for k in range(min(len(sub), len(head)), 1, -1):
        if sub.endswith(head[:k]):
            return (year.group(1) if year else "") + sub + head[k:]
    return (year.group(1) if year else "") + head + sub if not sub.startswith(head) else top + sub[len(head):]


def _squeeze(text: str) -> str:
    """Layout spaces inside Chinese text gone (地 区 -> 地区, 项 目 -> 项目)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    return re.sub(r"(?<=[\u4e00-\u9fff（）()：:、#])\s+|\s+(?=[\u4e00-\u9fff（）()：:、#])", "", text)


def _unit_of(lines: list[str]) -> str:
    for line in lines:
        m = _UNIT.search(line)
        if m:
            return m.group(1)
    return ""


def table_from_rows(rows: list[list[str | None]], caption_lines: list[str], page: int | None = None) -> Table | None:
    """A table of figures from a grid of cells (first column the labels), or None when the grid
    holds text rather than figures (a layout table, a list of names)."""
    rows = [[_squeeze(c) if c else "" for c in row] for row in rows if any(c for c in row)]
    first_data = next((i for i, row in enumerate(rows)
                       if row and row[0] and cell_number(row[0]) is None and any(cell_number(c) for c in row[1:])), None)
    if first_data is None:
        return None
    body = [row for row in rows[first_data:] if row and row[0] and cell_number(row[0]) is None]
    if sum(1 for row in body if any(cell_number(c) for c in row[1:])) < 2:
        return None
    width = max(len(row) for row in rows) - 1
    header = [row for row in rows[:first_data] if not all(_FORMULA.match(c) or not c for c in row[1:])]
    columns = []
    for j in range(1, width + 1):
        label = ""
        for level, row in enumerate(header):
            cell = row[j] if j < len(row) else ""
            if not cell and level < len(header) - 1:  # a spanning cell of an upper level, written once
                cell = next((row[k] for k in range(j - 1, 0, -1) if k < len(row) and row[k]), "")
            label = merge_header(label, cell) if cell else label
        columns.append(label)
    unit = _unit_of(caption_lines + [" ".join(c for c in row if c) for row in header])
    data = [(row[0], [cell_number(row[j]) if j < len(row) else None for j in range(1, width + 1)]) for row in body
            if not all(_FORMULA.match(c) or not c for c in row[1:])]
    return Table(caption=" ".join(_squeeze(c) for c in caption_lines if c), unit=unit, columns=columns,
                 rows=data, page=page)


def render_table(table: Table) -> list[str]:
    """Paragraphs that state the table: its caption, then one sentence a row naming every cell's
    column (长春市：2018年债务限额1299.32亿元，…。), so a figure's quote says what it is."""
    out = []
    caption = table.caption or "表"
    if table.unit and table.unit not in caption:
        caption += f"（单位：{table.unit}）"
    out.append(caption)
    for label, cells in table.rows:
        parts = []
        for column, cell in zip(table.columns, cells):
            if cell is None:
                continue
            unit = column_unit(column) or table.unit
            parts.append(f"{strip_unit(column) or '数值'}{cell}{unit}")
        if parts:
            out.append(f"{label.rstrip('：:')}：{'，'.join(parts)}。")
    return out


_COLUMN_UNIT = re.compile(r"[（(]\s*([^（()）]{1,6})\s*[）)]\s*$")


def column_unit(column: str) -> str:
    """年末数（万人） -> 万人; 比上年增长（%） -> %."""
    m = _COLUMN_UNIT.search(column)
    return m.group(1) if m and _UNIT_TOKEN.match(m.group(1)) else ""


def strip_unit(column: str) -> str:
    return _COLUMN_UNIT.sub("", column) if column_unit(column) else column


# ---------------------------------------------------------------- tables among a PDF page's words

def _lines_of(words: list[dict]) -> list[list[dict]]:
    """Words grouped into lines by their vertical position, each line left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _data_line(line: list[dict]) -> tuple[str, list[dict]] | None:
    """(label, numeric words) when a line is a table row: a label, perhaps a unit, then numbers only."""
    texts = [w["text"] for w in line]
    k = 0
    while k < len(texts) and cell_number(texts[k]) is None and texts[k] not in _EMPTY:
        k += 1
    unit = texts[k - 1] if k > 1 and _UNIT_TOKEN.match(texts[k - 1]) else ""  # 小麦粉 万吨 23.79: a unit column
    label = _squeeze(" ".join(texts[:k - 1] if unit else texts[:k]))
    label = f"{label}（{unit}）" if unit else label
    rest = line[k:]
    if not label or not rest or re.search(r"[。；;，,]$", label):
        return None
    if not all(cell_number(w["text"]) is not None or w["text"] in _EMPTY for w in rest):
        return None
    return label, rest


def find_tables(words: list[dict], page: int) -> tuple[list[Table], set[int]]:
    """The tables of figures on a page, and the indexes (in _lines_of order) of the lines they
    take, so the page's prose leaves them out."""
    lines = _lines_of(words)
    rows = [_data_line(line) for line in lines]
    tables, used = [], set()
    i = 0
    while i < len(lines):
        if rows[i] is None:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and (rows[j + 1] is not None or (
                j + 2 < len(lines) and rows[j + 2] is not None and _label_only(lines[j + 1]))):
            j += 1
        run = range(i, j + 1)
        if sum(1 for k in run if rows[k] is not None) >= 3:
            table, taken = _table_of(lines, rows, i, j, page)
            if table is not None:
                tables.append(table)
                used |= taken
        i = j + 1
    return tables, used


def _label_only(line: list[dict]) -> bool:
    text = _squeeze(" ".join(w["text"] for w in line))
    return len(text) <= 40 and not re.search(r"[。；;，,]", text)


def _table_of(lines, rows, first: int, last: int, page: int):
    """The table whose data rows are lines[first..last] (with the header and caption lines above
    them), and the indexes of the lines it takes; (None, set()) when nothing says what its cells are."""
    rights, centres = _value_columns(rows, first, last)
    label_words = [w for k in range(first, last + 1) if rows[k] for w in lines[k] if w not in rows[k][1]]
    label_centre = sum((w["x0"] + w["x1"]) / 2 for w in label_words) / len(label_words)
    header_lines, caption_lines, taken = _header_and_caption(lines, first, last)
    columns = _column_labels(header_lines, rights, centres, label_centre)
    data = _table_rows(lines, rows, first, last, rights)
    caption_lines = [re.sub(r"^\d{1,3}(?=[\u4e00-\u9fff])", "", x) for x in caption_lines]  # 46海南省…表: a page's number
    if not any(columns) and not caption_lines:
        return None, set()  # nothing says what its cells are
    unit = _unit_of(caption_lines + [" ".join(w["text"] for w in ln) for ln in header_lines])
    caption = " ".join(caption_lines)
    return Table(caption=caption, unit=unit, columns=columns, rows=data, page=page), taken


def _value_columns(rows, first: int, last: int) -> tuple[list[float], list[float]]:
    """(right edge, centre) of each value column of the rows first..last."""
    # value columns: numbers are right-aligned, so their right edges cluster
    edges = sorted(w["x1"] for k in range(first, last + 1) if rows[k] for w in rows[k][1])
    clusters: list[list[float]] = []
    for x in edges:
        if clusters and x - clusters[-1][-1] <= 12:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    rights = [sum(c) / len(c) for c in clusters]
    centres = []
    for c in range(len(rights)):
        cells = [w for k in range(first, last + 1) if rows[k] for w in rows[k][1] if _nearest(rights, w["x1"]) == c]
        centres.append(sum((w["x0"] + w["x1"]) / 2 for w in cells) / len(cells))
    return rights, centres


def _over_values(w, centres: list[float], label_centre: float) -> bool:
    """A header word over the value columns, not over the labels (地 区, 项 目) nor a formula."""
    centre = (w["x0"] + w["x1"]) / 2
    return (min(abs(c - centre) for c in centres) < abs(label_centre - centre)
            and not _FORMULA.match(w["text"]))


def _header_and_caption(lines, first: int, last: int) -> tuple[list[list[dict]], list[str], set[int]]:
    """(header lines, caption lines, indexes of the lines the table takes)."""
    # header lines just above the rows; caption lines above them
    header_lines, caption_lines, taken = [], [], set(range(first, last + 1))
    k = first - 1
    while k >= 0 and first - k <= 6:
        text = _squeeze(" ".join(w["text"] for w in lines[k]))
        if re.search(r"[。；;]", text) or len(text) > 60:
            break
        if _CAPTION.search(text):
            caption_lines.insert(0, text)
        elif caption_lines:
            break
        else:
            header_lines.insert(0, lines[k])
        taken.add(k)
        k -= 1
    while k >= 0 and len(caption_lines) < 3 and _CAPTION.search(_squeeze(" ".join(w["text"] for w in lines[k]))) \
            and first - k <= 8:
        caption_lines.insert(0, _squeeze(" ".join(w["text"] for w in lines[k])))
        taken.add(k)
        k -= 1
    return header_lines, caption_lines, taken


def _column_labels(header_lines, rights: list[float], centres: list[float], label_centre: float) -> list[str]:
    """One label per value column from the header lines."""
    # each header line's words over the value columns: the lowest line names columns by overlap,
    # upper lines span several columns (each column takes the nearest label of that line)
    levels: list[list[str]] = []
    value_lines = [ln for ln in header_lines if any(_over_values(w, centres, label_centre) for w in ln)]
    for n, ln in enumerate(value_lines):
        words = _merge_words([w for w in ln if _over_values(w, centres, label_centre)])
        names = [""] * len(rights)
        if n == len(value_lines) - 1:  # each label names the column nearest to its centre
            for w in words:
                c = _nearest(centres, (w["x0"] + w["x1"]) / 2)
                if abs(centres[c] - (w["x0"] + w["x1"]) / 2) < 60:
                    names[c] = w["text"]
        else:
            for c in range(len(rights)):
                names[c] = min(words, key=lambda w: abs((w["x0"] + w["x1"]) / 2 - centres[c]))["text"]
        levels.append(names)
    columns = []
    for c in range(len(rights)):
        label = ""
        for names in levels:
            label = merge_header(label, _squeeze(names[c])) if names[c] else label
        columns.append(label)
    return columns


def _table_rows(lines, rows, first: int, last: int, rights: list[float]) -> list[tuple[str, list[str | None]]]:
    """(label, one cell per value column) for each line first..last; a label-only line has no cells."""
    data = []
    for k in range(first, last + 1):
        if rows[k] is None:
            label = _squeeze(" ".join(w["text"] for w in lines[k]))
            data.append((label, [None] * len(rights)))
            continue
        label, values = rows[k]
        cells: list[str | None] = [None] * len(rights)
        for w in values:
            cells[_nearest(rights, w["x1"])] = cell_number(w["text"])
        data.append((label, cells))
    return data


def _nearest(values: list[float], x: float) -> int:
    return min(range(len(values)), key=lambda c: abs(values[c] - x))


def _merge_words(words: list[dict]) -> list[dict]:
    """Words of one label split by a layout space (年末数 （万人）) joined again."""
    out: list[dict] = []
    for w in words:
        if out and w["x0"] - out[-1]["x1"] <= 6:
            out[-1] = {**out[-1], "text": out[-1]["text"] + w["text"], "x1": w["x1"]}
        else:
            out.append(dict(w))
    return out


def group_lines(words: list[dict]) -> list[list[dict]]:
    return _lines_of(words)
