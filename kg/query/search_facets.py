"""Facets of a search: how many of the query's candidate passages (the fused ranking's pool, after
the filters and the relevance floor: `Searcher.facets`) lie in each place, document kind and year,
for the page to offer as filters with counts.

Imports: kg.vocab only (the kinds' Chinese names).
"""
from __future__ import annotations

from collections import Counter
from typing import Callable

from kg import vocab


def count_facets(rows: list[dict], place_docs: Callable[[str], set[str]] | None = None) -> dict:
    """{"total": n, "place": [...], "kind": [...], "year": [...]}: each a list of {value, name,
    count}, most passages first (years newest first). Counted as the filters choose, so that a
    facet's count is what clicking it shows: a place counts the passages of the documents about it
    or a place inside it (place_docs, the --place filter's rule; else its subject place alone), a
    year every year the passage's sections report on (else its document's report year)."""
    kinds = vocab.kind_names()
    places = sorted({r["place"] for r in rows if r.get("place")})
    if place_docs is None:
        place = Counter(r["place"] for r in rows if r.get("place"))
    else:
        place = Counter({p: n for p in places if (n := sum(r["doc"] in place_docs(p) for r in rows))})
    kind = Counter(r["kind"] for r in rows if r.get("kind"))
    year = Counter(y for r in rows for y in _years(r))
    return {"total": len(rows),
            "place": [{"value": v, "name": v, "count": n} for v, n in sorted(place.items(), key=lambda x: (-x[1], x[0]))],
            "kind": [{"value": v, "name": kinds.get(v, v), "count": n}
                     for v, n in sorted(kind.items(), key=lambda x: (-x[1], x[0]))],
            "year": [{"value": v, "name": f"{v}年", "count": n} for v, n in sorted(year.items(), reverse=True)]}


def _years(row: dict) -> set[int]:
    """The years a passage is found under (Searcher.about_year's rule)."""
    years = set(row.get("years") or ([row["year"]] if row.get("year") else []))
    return {int(y) for y in years} or ({int(row["report_year"])} if row.get("report_year") else set())

__all__ = ["count_facets"]
