"""Observations from published tables, read by their headers, not by the prose rules.

A table says what a cell is in its row label and column header:
- rows of places, columns of indicators (a debt table: 长春市 | 2018年债务限额 一般债务 …): the cell
  is the row's place's figure for the column's indicator and year;
- rows of items, columns of measures (a bulletin's 指标 | 绝对数 | 比上年增长（%）, a budget table's
  项目 | 预算数 | 执行数): the cell is the document's place's figure for the row's item, a level,
  a growth rate or a share by its column, a target (预算数) or an actual (执行数, 决算数).
Each figure quotes its whole row, as written in the document text (kg.ingest.tables.render_table).
"""
from __future__ import annotations

import re
from decimal import Decimal

from kg.extract.metric_names import find_indicator
from kg.extract.numbers import normalize
from kg.extract.observation_record import Observation, assess
from kg.gazetteer import find_places
from kg.ingest import clean_line, fold_width
from kg.ingest.tables import column_unit, strip_unit

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d))\s*")
_CHILD = re.compile(r"^(?:其中[：:]?|#+|＃+)\s*")
_YEAR = re.compile(r"((?:19|20)\d{2})年(?:末|初|底|度)?")
_STATUS_WORDS = re.compile(r"(?:预计执行数|执行数|决算数|实际数|预算数|完成数)$")
_PLACE_TOTAL = re.compile(r"^(?:全市|全省|全区|全县|全州|全盟|全旗|年末|全年)")
_UNIT_IN_LABEL = re.compile(r"[（(]([^（()）]{1,6})[）)]$")


def table_observations(doc, span, ctx, gaz) -> list[Observation]:
    """The observations of one table of a document (span: kg.ingest.TableSpan)."""
    table = span.table
    home = ctx.home
    subject = home.default
    caption_year = _year_of(table.caption) or ctx.reporting_year or ctx.publication_year
    row_places = [_row_place(label, gaz, home) for label, _ in table.rows]
    by_place = sum(1 for p in row_places if p is not None) >= max(2, 0.6 * len(table.rows))
    out: list[Observation] = []
    cursor = span.start
    parent = ""
    seen = set()
    for (label, cells), row_place in zip(table.rows, row_places):
        written = clean_line(fold_width(label.rstrip("：:"))) + "："
        start = doc.text.find(written, cursor, span.end)
        if start < 0:
            continue
        end = doc.text.find("。", start, span.end)
        end = end if end >= 0 else span.end
        cursor = end
        row_end, cell_pos = end, start
        item, row_year, row_status, row_unit = _item(label)
        if not _CHILD.match(label):
            parent = item
        elif parent and len(item) <= 2 and not set(item) & set(_core(parent)):
            item = item + _core(parent)  # 其中：城镇 under 全市常住人口 -> 城镇常住人口
        for column, cell in zip(table.columns, cells):
            if cell is None:
                continue
            # the quote runs from the row's label to this cell, so it names place or item and column
            written_cell = clean_line(fold_width(f"{strip_unit(column) or '数值'}{cell}{column_unit(column) or table.unit}"))
            found = doc.text.find(written_cell, cell_pos, row_end)
            if found < 0:
                continue
            cell_pos = end = found + len(written_cell)
            quote = doc.text[start:end]
            head = strip_unit(column)
            col_year = _year_of(head)
            col_status = _status_of(head)
            head = re.sub(r"[（(](?:预计执行数|执行数|决算数|实际数|预算数|完成数)[）)]", "", head)
            head = _STATUS_WORDS.sub("", _YEAR.sub("", head)).strip("（）() ")
            unit = column_unit(column) or row_unit or table.unit
            if by_place:
                if row_place is None or not head:
                    continue
                place = row_place[0]
                metric = ("本级" if row_place[1] else "") + head
                measure = "GrowthRate" if re.search(r"增长|增速|涨跌", head) else "Level"
            else:
                reading = _item_reading(item, head, unit, column, table.caption)
                if subject is None or reading is None:
                    continue
                place, (metric, measure, unit) = subject, reading
            status, estimated = row_status or col_status or ("Actual", False)
            year = row_year or col_year or caption_year
            if year is None or not unit:
                continue
            value = Decimal(cell)
            key = (metric, year, status, place.key, measure, value)
            if key in seen:
                continue  # 实际数 under both 预算数 and 执行数: one figure
            seen.add(key)
            nv, nu = normalize(value, unit)
            obs = Observation(
                doc_id=doc.doc_id, start=start, end=end, quote=quote, metric=metric, metric_surface=metric,
                value=value, unit=unit, year=year, status=status, place=place, measure=measure,
                direction=None, normalized_value=nv, normalized_unit=nu,
                year_basis="explicit" if (row_year or col_year) else "table",
                indicator=find_indicator(metric), estimated=estimated)
            obs.confidence, obs.confidence_reason = assess(obs)
            out.append(obs)
    return out


def _item_reading(item: str, head: str, unit: str, column: str, caption: str) -> tuple[str, str, str] | None:
    """(metric, measure, unit) of a cell in a table of items: the row's item, a level, a growth rate or
    a share by its column's head; None for an index or a column nothing names."""
    if not item:
        return None
    metric, measure = item, "Level"
    if head.endswith("本级"):  # 本地区 | 本级: the whole area's figure and its own government's
        metric = "本级" + item
    if re.search(r"增长|增速|涨跌|增减", head) or (not head and re.search(r"涨跌|增长", caption)):
        measure, unit = "GrowthRate", unit if unit in ("%", "个百分点") else "%"
    elif "比重" in head or "占比" in head:
        metric, unit = item + "比重", "%"
    elif "指数" in head or (not head and not column_unit(column)):
        return None  # an index, or a column nothing names
    return metric, measure, unit


def _row_place(label: str, gaz, home):
    """(place, own level only) when a row label names a place: 长春市, 长春市本级."""
    name = _NUMBERING.sub("", label).strip()
    own = name.endswith("本级")
    name = name[:-2] if own else name
    if not name or len(name) > 12:
        return None
    mentions = find_places(name, gaz, home)
    if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(name) and not mentions[0].deictic:
        return mentions[0].place, own
    return None


def _item(label: str) -> tuple[str, int | None, tuple[str, bool] | None, str]:
    """(item, its year, its status, its unit) from a row label: 一、2024年末地方政府一般债务余额实际数
    -> 地方政府一般债务余额, 2024, Actual; 小麦粉（万吨） -> 小麦粉, unit 万吨."""
    text = _CHILD.sub("", _NUMBERING.sub("", label.strip()))
    unit = ""
    m = _UNIT_IN_LABEL.search(text)
    if m and re.match(r"^[万亿千百十]?[\u4e00-\u9fff]{1,4}$|^%$", m.group(1)):
        unit, text = m.group(1), text[:m.start()]
    status = _status_of(text)
    text = _STATUS_WORDS.sub("", text)
    year_match = _YEAR.search(text)
    year = int(year_match.group(1)) if year_match else None
    text = _YEAR.sub("", text).strip("：: ")
    return text, year, status, unit


def _status_of(text: str) -> tuple[str, bool] | None:
    if re.search(r"预计执行数|预计完成", text):
        return "Actual", True
    if re.search(r"执行数|决算|实际数|完成数", text):
        return "Actual", False
    if re.search(r"预算数|预算草案|计划数|目标", text):
        return "Target", False
    return None


def _year_of(text: str) -> int | None:
    m = _YEAR.search(text or "")
    return int(m.group(1)) if m else None


def _core(item: str) -> str:
    """全市常住人口 -> 常住人口: what a 其中 row's share is of."""
    return _PLACE_TOTAL.sub("", item)
