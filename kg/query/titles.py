"""A document's display title: what every answer, citation, search hit, documents list entry, table
row and export label shows instead of a file name. Its own title (dcterms:title) when that names the
document; when the title is generic — only a kind of document (《政府工作报告》, 政府工作报告, 工作报告:
the kind names of kg/vocab/document_kinds.tsv and document_kind_names.tsv) — or missing, the subject
place, year and kind: 四川省2026年政府工作报告. The file name only when nothing else is known.
Imports: kg.vocab only."""
from __future__ import annotations

import re
from functools import lru_cache

from kg import vocab

_WRAPPING = re.compile(r"^[《〈<\s\"“]+|[》〉>\s\"”]+$")


@lru_cache(maxsize=1)
def _generic_titles() -> frozenset[str]:
    names = set(vocab.kind_names().values()) | {name for name, _kind in vocab.table("document_kind_names")}
    return frozenset(names)


def is_generic(title: str | None) -> bool:
    """Whether a title names only a kind of document (《政府工作报告》)."""
    bare = _WRAPPING.sub("", title or "")
    return not bare or bare in _generic_titles()


def display_title(title: str | None, place: str | None = None, kind_name: str | None = None,
                  year: int | str | None = None, file: str | None = None) -> str:
    """The title a reader knows a document by (see the module's doc): the title without 《》, or
    place + year + kind when the title is generic or missing, or the file name."""
    if not is_generic(title):
        return _WRAPPING.sub("", title)
    kind = kind_name or (_WRAPPING.sub("", title or "") or None)
    year_text = f"{str(year)[:4]}年" if year else ""
    built = f"{place or ''}{year_text}{kind or ''}"
    if place and kind:
        return built
    return _WRAPPING.sub("", title or "") or (file or "") or built  # 四川省2026年 alone names nothing


def of_document(d: dict) -> str:
    """The display title of a kg.query.knowledge_graph documents() entry."""
    year = d.get("report_year") or (d.get("date") or "")[:4] or None
    return display_title(d.get("title"), d.get("place"), d.get("kind_name"), year, d.get("file"))
