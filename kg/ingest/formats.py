"""The dispatcher from a published file's suffix to its reader (HTML page, PDF, Word file).

May import kg.errors, the record types (kg.ingest.published) and the readers (html_reader,
pdf_reader, docx_reader); no reader imports it back.
"""
from __future__ import annotations

from kg.errors import InputError
from kg.ingest.docx_reader import read_docx
from kg.ingest.html_reader import read_html
from kg.ingest.pdf_reader import read_pdf
from kg.ingest.published import DOCX_SUFFIXES, HTML_SUFFIXES, PDF_SUFFIXES, Published


def read_published(suffix: str, data: bytes) -> Published:
    """The reader for a file name's suffix; raise InputError with a one-line reason."""
    suffix = suffix.lower()
    if suffix in HTML_SUFFIXES:
        return read_html(data)
    if suffix in PDF_SUFFIXES:
        return read_pdf(data)
    if suffix in DOCX_SUFFIXES:
        return read_docx(data)
    raise InputError(f"unsupported format: {suffix or 'no suffix'}")
