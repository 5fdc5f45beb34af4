"""Facets of a search: how many of the query's candidate passages (the fused ranking's pool, after
the filters and the relevance floor: `Searcher.facets`) lie in each place, document kind and year,
for the page to offer as filters with counts.

Imports: kg.vocab only (the kinds' Chinese names).
"""
from __future__ import annotations

from collections import Counter

from kg import vocab


def count_facets(rows: list[dict]) -> dict:
    """{"total": n, "place": [...], "kind": [...], "year": [...]}: each a list of {value, name,
    count}, most passages first (years newest first). A passage counts under its document's
    subject place and kind and its section's year (else its document's report year)."""
    kinds = vocab.kind_names()
    place = Counter(r["place"] for r in rows if r.get("place"))
    kind = Counter(r["kind"] for r in rows if r.get("kind"))
    year = Counter(r.get("year") or r.get("report_year") for r in rows if r.get("year") or r.get("report_year"))
    return {"total": len(rows),
            "place": [{"value": v, "name": v, "count": n} for v, n in sorted(place.items(), key=lambda x: (-x[1], x[0]))],
            "kind": [{"value": v, "name": kinds.get(v, v), "count": n}
                     for v, n in sorted(kind.items(), key=lambda x: (-x[1], x[0]))],
            "year": [{"value": v, "name": f"{v}年", "count": n} for v, n in sorted(year.items(), reverse=True)]}


__all__ = ["count_facets"]
