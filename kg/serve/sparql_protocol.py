"""SPARQL 1.1 Protocol pieces that do not need a server: content negotiation and result
serialization with a row cap.

pyoxigraph serializes a whole result iterator and cannot be told to stop after N rows, so the
four SPARQL result formats (JSON, XML, CSV, TSV) are written here from the solutions, row by row,
in the same shape as pyoxigraph's own serializers (tests/test_server.py compares them). Graph
results (CONSTRUCT/DESCRIBE) are cut at N triples and written by pyoxigraph.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# format key -> media type, for solutions/booleans and for graphs; the first is the default
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
# media ranges a client may send, beyond the canonical ones above
RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
GRAPH_ALIASES = {"application/x-turtle": "ttl", "text/plain": "nt", "application/xml": "rdfxml",
                 "text/xml": "rdfxml", "application/json": "jsonld", "text/n3": "ttl", "text/rdf+n3": "ttl"}
# ?format= / ?output= values (SPARQLWrapper sends them, and they are handy in a browser or curl)
FORMAT_PARAM = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", "nt"), "tsv": ("tsv", "nt"),
    "turtle": ("json", "ttl"), "ttl": ("json", "ttl"), "n3": ("json", "ttl"),
    "nt": ("json", "nt"), "ntriples": ("json", "nt"), "n-triples": ("json", "nt"),
    "jsonld": ("json", "jsonld"), "json-ld": ("json", "jsonld"), "rdf": ("xml", "rdfxml"),
    "rdf+xml": ("xml", "rdfxml"), "rdfxml": ("xml", "rdfxml"),
}


class NotAcceptable(ValueError):
    """No format the client accepts can carry this kind of result."""


@dataclass
class Serialized:
    body: bytes
    media_type: str
    kind: str  # select | ask | graph
    rows: int  # solutions or triples written (1 for ASK)
    truncated: bool


# ------------------------------------------------------------------ negotiation

def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """`Accept` as [(media range, q)], in the order given; [] when absent."""
    out = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(f[2:])))
                except ValueError:
                    q = 0.0
        out.append((media, q))
    return out


def check_format_param(value: str | None) -> None:
    if value and value.strip().lower() not in FORMAT_PARAM and value.strip().lower() not in (
            *RESULT_TYPES.values(), *GRAPH_TYPES.values()):
        raise NotAcceptable(f"unknown format {value!r}: use one of {', '.join(sorted(FORMAT_PARAM))}")


def choose_format(kind: str, accept: list[tuple[str, float]], format_param: str | None = None) -> str:
    """The format key for a result of `kind` (select/ask/graph): ?format= wins, then the best
    q-value of Accept (exact media type > type/* > */*), ties going to the server's order."""
    graph = kind == "graph"
    types, aliases = (GRAPH_TYPES, GRAPH_ALIASES) if graph else (RESULT_TYPES, RESULT_ALIASES)
    if format_param:
        value = format_param.strip().lower()
        if value in FORMAT_PARAM:
            return FORMAT_PARAM[value][1 if graph else 0]
        for key, media in types.items():
            if value == media:
                return key
        raise NotAcceptable(f"format {format_param!r} cannot carry a {_kind_name(kind)} result")
    if not accept:
        return next(iter(types))
    candidates = [(media, key) for key, media in types.items()] + [(m, k) for m, k in aliases.items()]
    best, best_q, best_rank = None, 0.0, None
    for order, (media, key) in enumerate(candidates):
        q, specificity = _q_for(media, accept)
        if q <= 0:
            continue
        rank = (q, specificity, -order)
        if best_rank is None or rank > best_rank:
            best, best_q, best_rank = key, q, rank
    if best is None:
        offered = ", ".join(types.values())
        raise NotAcceptable(f"none of the accepted media types can carry a {_kind_name(kind)} result; "
                            f"offered: {offered}")
    return best


def _q_for(media: str, accept: list[tuple[str, float]]) -> tuple[float, int]:
    main = media.split("/")[0]
    found, q = -1, 0.0
    for rng, rq in accept:
        if rng == media:
            spec = 2
        elif rng == f"{main}/*":
            spec = 1
        elif rng == "*/*" or rng == "*":
            spec = 0
        else:
            continue
        if spec > found:
            found, q = spec, rq
    return q, found


def _kind_name(kind: str) -> str:
    return {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT/DESCRIBE"}[kind]


def media_type_of(fmt: str) -> str:
    return RESULT_TYPES.get(fmt) or GRAPH_TYPES[fmt]


# ------------------------------------------------------------------ serialization

def serialize(result, fmt_for, max_rows: int, prefixes: dict | None = None) -> Serialized:
    """Serialize a pyoxigraph result; `fmt_for(kind)` picks the format once the kind is known
    (it may raise NotAcceptable). At most `max_rows` solutions or triples are written."""
    if isinstance(result, ox.QueryBoolean):
        fmt = fmt_for("ask")
        ox_fmt = getattr(ox.QueryResultsFormat, fmt.upper())
        return Serialized(result.serialize(format=ox_fmt), media_type_of(fmt), "ask", 1, False)
    if isinstance(result, ox.QueryTriples):
        fmt = fmt_for("graph")
        triples, truncated = [], False
        for t in result:
            if len(triples) >= max_rows:
                truncated = True
                break
            triples.append(t)
        ox_fmt = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
                  "jsonld": ox.RdfFormat.JSON_LD}[fmt]
        if fmt == "ttl" and prefixes:
            body = ox.serialize(triples, format=ox_fmt, prefixes=prefixes)
        else:
            body = ox.serialize(triples, format=ox_fmt)
        return Serialized(body or b"", media_type_of(fmt), "graph", len(triples), truncated)
    fmt = fmt_for("select")
    names = [v.value for v in result.variables]
    rows, truncated = [], False
    for solution in result:
        if len(rows) >= max_rows:
            truncated = True
            break
        rows.append([solution[n] for n in names])
    writer = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[fmt]
    return Serialized(writer(names, rows), media_type_of(fmt), "select", len(rows), truncated)


def _is_literal(term) -> bool:
    return hasattr(term, "datatype")


def _is_bnode(term) -> bool:
    return isinstance(term, ox.BlankNode)


def _is_triple(term) -> bool:
    return isinstance(term, ox.Triple)


def _json_term(term) -> dict:
    if _is_triple(term):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    if _is_bnode(term):
        return {"type": "bnode", "value": term.value}
    if not _is_literal(term):
        return {"type": "uri", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _json(names: list[str], rows: list[list]) -> bytes:
    bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """Text for XML 1.0: escaped, and characters XML cannot carry replaced by U+FFFD."""
    return _xml_escape(_XML_INVALID.sub("\ufffd", text))


def _xml_term(term) -> str:
    if _is_triple(term):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    if _is_bnode(term):
        return f"<bnode>{_x(term.value)}</bnode>"
    if not _is_literal(term):
        return f"<uri>{_x(term.value)}</uri>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_x(term.value)}</literal>"
    if term.datatype.value != XSD + "string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{_x(term.value)}</literal>"
    return f"<literal>{_x(term.value)}</literal>"


def _xml(names: list[str], rows: list[list]) -> bytes:
    out = ['<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(n)}/>" for n in names]
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out += [f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>" for n, t in zip(names, row) if t is not None]
        out.append("</result>")
    out.append("</results></sparql>")
    return "".join(out).encode("utf-8")


def _csv_value(term) -> str:
    if term is None:
        return ""
    if _is_triple(term):
        return " ".join(_csv_value(t) for t in (term.subject, term.predicate, term.object))
    if _is_bnode(term):
        return "_:" + term.value
    return term.value


def _csv(names: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(names)
    for row in rows:
        w.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


_BARE = {XSD + "integer": re.compile(r"[+-]?\d+"), XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
         XSD + "double": re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+"),
         XSD + "boolean": re.compile(r"true|false")}


def _tsv_value(term) -> str:
    """Turtle syntax (numbers and booleans bare, as pyoxigraph writes them); tabs and line breaks
    inside literals are escaped so a row stays one line."""
    if term is None:
        return ""
    if _is_triple(term):
        return f"<< {_tsv_value(term.subject)} {_tsv_value(term.predicate)} {_tsv_value(term.object)} >>"
    if _is_literal(term) and not term.language:
        bare = _BARE.get(term.datatype.value)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
    text = str(term)
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _tsv(names: list[str], rows: list[list]) -> bytes:
    lines = ["\t".join("?" + n for n in names)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
