"""The vocabulary the agency and program rules read (kg/vocab: national_agencies, enterprises,
department_abbreviations, national_programs, program_heads, program_verbs, generic_program_words,
generic_organizations), each file read once and cached, with the regex alternations built from it.
May import kg.vocab only.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import vocab


def _name_table(name: str) -> dict[str, tuple[str, set[str]]]:
    """surface form -> (canonical name, all forms) from a `name<TAB>alias|alias` file."""
    out: dict[str, tuple[str, set[str]]] = {}
    for row in vocab.table(name):
        canonical = row[0]
        forms = {canonical, *(a.strip() for a in (row[1] if len(row) > 1 else "").split("|") if a.strip())}
        for form in forms:
            out.setdefault(form, (canonical, forms))
    return out


@lru_cache(maxsize=None)
def _national_agencies():
    table = _name_table("national_agencies")
    # two-character aliases (中央, 央行) are words in other phrases (中央预算内投资)
    usable = [f for f in table if len(f) >= 3]
    return table, _alternation(usable)


@lru_cache(maxsize=None)
def _enterprises():
    table = _name_table("enterprises")
    return table, _alternation(table)


@lru_cache(maxsize=None)
def _departments() -> tuple[dict[str, str], str]:
    """short or full department name -> full name (发改委 -> 发展和改革委员会)."""
    full = {}
    for row in vocab.table("department_abbreviations"):
        if len(row) >= 2:
            full.setdefault(row[0], row[1])
            full.setdefault(row[1], row[1])
    return full, _alternation(full)


@lru_cache(maxsize=None)
def _national_programs():
    return _name_table("national_programs")


@lru_cache(maxsize=None)
def _heads() -> dict[str, str]:
    return {row[0]: row[1] for row in vocab.table("program_heads")}


@lru_cache(maxsize=None)
def _list_heads() -> frozenset[str]:
    return frozenset(row[0] for row in vocab.table("program_heads") if row[2] == "shared")


@lru_cache(maxsize=None)
def _verbs() -> dict[str, str]:
    return {row[0]: row[1] for row in vocab.table("program_verbs")}


@lru_cache(maxsize=None)
def _generic_words() -> frozenset[str]:
    return frozenset(vocab.words("generic_program_words"))


@lru_cache(maxsize=None)
def generic_organizations() -> frozenset[str]:
    return frozenset(vocab.words("generic_organizations"))


def _alternation(forms) -> str:
    return "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) or "(?!)"


@lru_cache(maxsize=None)
def _national_forms() -> tuple[str, ...]:
    return tuple(sorted(_national_programs(), key=len, reverse=True))


@lru_cache(maxsize=None)
def _NATIONAL_INSIDE() -> re.Pattern:
    return re.compile(_alternation(f for f in _national_programs() if len(f.strip("“”")) >= 4))


@lru_cache(maxsize=None)
def _head_anywhere() -> re.Pattern:
    return re.compile(_alternation(h for h, w in _heads().items() if w != "quoted"))


@lru_cache(maxsize=None)
def _head_at_end() -> re.Pattern:
    return re.compile(rf"(?:{_alternation(h for h, w in _heads().items() if w != 'quoted')})$")
