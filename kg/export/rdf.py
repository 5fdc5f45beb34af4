"""The RDF formats of the export: Turtle and N-Triples from the store (pyoxigraph), JSON-LD through
rdflib with the govkg @context.

Imports kg.graph's PREFIXES and the Subgraph (kg.export.model) whose triples it writes.
"""
from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph

from kg.export.model import Subgraph
from kg.graph import PREFIXES

JSONLD_CONTEXT_PREFIXES = ("gk", "gkr", "rdf", "rdfs", "skos", "prov", "dcterms", "xsd", "org", "owl")


def _triples(kg, sub: Subgraph):
    """The triples to write: the whole store, or those whose subject is kept."""
    if not sub.filtered:
        result = kg.query_raw("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        triples = list(result)
    else:
        subjects = list(sub.nodes) + sub.observation_iris
        triples = []
        for i in range(0, len(subjects), 400):
            values = " ".join(f"<{s}>" for s in subjects[i:i + 400])
            triples.extend(kg.query_raw(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"))
    triples.sort(key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))
    return triples


def to_rdf(kg, sub: Subgraph, fmt: str) -> bytes:
    triples = _triples(kg, sub)
    if fmt == "ttl":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return to_jsonld(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def jsonld_context() -> dict[str, str]:
    return {p: PREFIXES[p] for p in JSONLD_CONTEXT_PREFIXES if p in PREFIXES}


def to_jsonld(ntriples: bytes) -> bytes:
    """rdflib's JSON-LD serializer with the govkg @context; resource IRIs in @id compacted to
    gkr:... (valid compact IRIs: the prefix ends with '/'); nodes sorted by @id."""
    g = Graph()
    g.parse(data=ntriples, format="nt")
    context = jsonld_context()
    doc = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
    gkr = PREFIXES["gkr"]

    def compact(obj):
        if isinstance(obj, dict):
            return {k: (("gkr:" + v[len(gkr):]) if k == "@id" and isinstance(v, str) and v.startswith(gkr)
                        and not v[len(gkr):].startswith("//") else compact(v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [compact(x) for x in obj]
        return obj

    graph = doc.get("@graph")
    if graph is None:  # a single node object
        graph = [{k: v for k, v in doc.items() if k != "@context"}] if len(doc) > 1 else []
    graph = sorted(compact(graph), key=lambda n: str(n.get("@id", "")))
    return (json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
