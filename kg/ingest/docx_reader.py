"""A Word file's paragraphs in order, its tables as rows (python-docx).

May import kg.errors, the record types (kg.ingest.published) and kg.ingest.tables."""
from __future__ import annotations

import io
import zipfile

from kg.errors import InputError
from kg.ingest.published import Published, Table
from kg.ingest.tables import table_from_rows


def read_docx(data: bytes) -> Published:
    import docx  # lazy: python-docx is only needed for Word files
    from docx.opc.exceptions import PackageNotFoundError  # lazy: as above

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"damaged Word file ({type(exc).__name__})") from None
    paragraphs: list[str] = []
    tables: list[Table] = []
    title = ""
    body = document.element.body
    # paragraphs and tables in document order: the body's children are <w:p> and <w:tbl>
    para_of = {p._element: p for p in document.paragraphs}
    table_of = {t._element: t for t in document.tables}
    caption: list[str] = []
    for child in body.iterchildren():
        if child in para_of:
            para = para_of[child]
            text = para.text.strip()
            if not text:
                paragraphs.append("")
                continue
            style = (para.style.name or "").lower() if para.style is not None else ""
            if not title and (style.startswith("title") or style.startswith("heading 1")):
                title = text
            paragraphs.append(text)
            caption = (caption + [text])[-2:]
        elif child in table_of:
            rows = [[cell.text.strip() for cell in row.cells] for row in table_of[child].rows]
            table = table_from_rows(rows, caption)
            if table is not None:
                tables.append(table)
            else:  # not a table of figures: its cells are text
                paragraphs.extend(" ".join(dict.fromkeys(c for c in row if c)) for row in rows)
            caption = []
    core_title = (document.core_properties.title or "").strip()
    text = "\n\n".join(p for p in paragraphs)
    if not text.strip() and not tables:
        raise InputError("empty Word file (no text)")
    return Published(text=text, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     encoding="utf-8", title=title or core_title, tables=tables)
