"""Published formats: what a reader of an HTML page, a PDF or a Word file hands to ingest.

Each reader turns the file's bytes into plain text (paragraphs on lines of their own, a PDF's
pages in order), the document's own title and date where the file states them, and its tables
as rows of cells. Ingest then treats that text like any .txt file (the same layout-artifact
rules), so every format is read one way from there on.

Holds the record types (Published, Table) and the file suffixes of each format. Imports nothing
of kg: the readers (html_reader, pdf_reader, docx_reader), tables and the dispatcher (formats)
import it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
PUBLISHED_SUFFIXES = HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES
CORPUS_SUFFIXES = TEXT_SUFFIXES | PUBLISHED_SUFFIXES

MEDIA_TYPES = {".txt": "text/plain", ".md": "text/markdown", ".pdf": "application/pdf",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               **{s: "text/html" for s in HTML_SUFFIXES}}


@dataclass
class Table:
    """A table as published: its caption lines, the unit its header states (单位：亿元), one label
    per value column (a two-level header merged: 2018年债务限额 / 一般债务), and its rows, each a
    label (a place or an item) and one cell per column (None where the cell is empty)."""
    caption: str
    unit: str
    columns: list[str]
    rows: list[tuple[str, list[str | None]]]
    page: int | None = None


@dataclass
class Published:
    text: str  # plain text: paragraphs on their own lines; a PDF's pages one after the other
    media_type: str
    encoding: str = ""
    title: str = ""  # the document's own title (<h1>/<title>, a PDF's first heading)
    date: str | None = None  # ISO date the page states for itself
    pages: list[str] = field(default_factory=list)  # a PDF's text, page by page (for page numbers)
    tables: list[Table] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (1-based)
    ocr_confidence: float | None = None  # the OCR engine's mean word confidence, 0-100
    warnings: list[str] = field(default_factory=list)
