"""The read-only Oxigraph store of a built workspace: Store, check_query (what a read-only endpoint
refuses) and serialize_result (SPARQL results as text).

Imports the terms (PREFIXES) and kg.errors.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, UpdateRefused, WorkspaceError
from kg.graph.terms import PREFIXES

_UPDATE_WORDS = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def _strip_literals(query: str) -> str:
    """The query with strings, IRIs and comments blanked, to look for keywords safely."""
    query = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', '""', query)
    query = re.sub(r"<[^<>\s]*>", "<>", query)
    return re.sub(r"#[^\n]*", "", query)


def check_query(query: str) -> None:
    """Refuse what a read-only endpoint must not run: updates and federated SERVICE calls."""
    if not query or not query.strip():
        raise QueryError("empty SPARQL query")
    bare = _strip_literals(query)
    if _SERVICE.search(bare):
        raise QueryError("SERVICE (federated query) is not allowed: this endpoint queries only its own graph")


class Store:
    """A read-only Oxigraph store of a built workspace."""

    def __init__(self, path: Path):
        try:
            self._store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise WorkspaceError(f"cannot open the graph store ({exc}): run `kg build` again") from None
        self._ox = ox

    def query(self, query: str):
        """Run a SPARQL query; QueryError (one line) for updates and syntax errors."""
        check_query(query)
        try:
            return self._store.query(query, prefixes=PREFIXES)
        except SyntaxError as exc:
            if _UPDATE_WORDS.search(_strip_literals(query)) and _is_update(query):
                raise UpdateRefused("SPARQL updates are refused: the knowledge graph is read-only "
                                    "(rebuild it with `kg build` to change it)") from None
            raise QueryError(f"malformed SPARQL query: {str(exc).splitlines()[0]}") from None
        except OSError as exc:
            raise WorkspaceError(f"graph store read failed: {exc}") from None

    def select(self, query: str) -> list[dict]:
        """SELECT results as a list of {variable: python value} (strings and numbers)."""
        result = self.query(query)
        if not isinstance(result, self._ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                term = solution[name]
                row[name] = None if term is None else term.value
            rows.append(row)
        return rows

    def count(self, cls: str) -> int:
        rows = self.select(f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a {cls} }}")
        return int(rows[0]["n"]) if rows else 0


def _is_update(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate  # lazy: ~0.08 s to import, only for a query that failed to parse

    try:
        parseUpdate(query)
        return True
    except Exception:  # noqa: BLE001 -- any parse failure means "not an update"
        return False


def serialize_result(result, fmt: str) -> str:
    """SPARQL results as text: json (SPARQL 1.1 Query Results JSON), csv, tsv, xml for
    SELECT/ASK; turtle, nt or json (JSON-LD) for CONSTRUCT/DESCRIBE."""
    if isinstance(result, ox.QueryTriples):
        rdf_format = {"json": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
                      "csv": ox.RdfFormat.N_TRIPLES}.get(fmt, ox.RdfFormat.TURTLE)
        if rdf_format == ox.RdfFormat.TURTLE:
            return ox.serialize(result, format=rdf_format, prefixes=PREFIXES).decode("utf-8")
        return ox.serialize(result, format=rdf_format).decode("utf-8")
    results_format = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                      "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}[fmt]
    return result.serialize(format=results_format).decode("utf-8")
