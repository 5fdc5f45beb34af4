"""The vocabulary of the graph: namespaces, PREFIXES, curie() and the IRI of every kind of node.

Imports rdflib only (no other kg module): every part of kg.graph, the export and the server read
their terms here.
"""
from __future__ import annotations

import functools
import unicodedata
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

GK = Namespace("https://w3id.org/govkg/ontology#")
GKR = Namespace("https://w3id.org/govkg/resource/")
ORG = Namespace("http://www.w3.org/ns/org#")
PREFIXES = {
    "gk": str(GK), "gkr": str(GKR), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
    "skos": str(SKOS), "prov": str(PROV), "dcterms": str(DCTERMS), "org": str(ORG), "owl": str(OWL),
}


def curie(iri: str) -> str:
    """gk:Program, gkr:place/郑州市: an IRI under one of PREFIXES written short (the longest
    namespace wins), any other IRI as it is. (rdflib's NamespaceManager.curie splits at the last
    '/' or '#', so it cannot write gkr:place/郑州市.)"""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default="")
    return f"{next(p for p, ns in PREFIXES.items() if ns == best)}:{iri[len(best):]}" if best else iri


def new_graph() -> Graph:
    """An empty rdflib Graph with PREFIXES bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


# ------------------------------------------------------------------ IRIs

@functools.lru_cache(maxsize=1 << 16)  # the same labels come back in every document
def _segment(text: str) -> str:
    """An IRI path segment: Chinese stays readable (IRIs allow it), anything that is not an
    unreserved ASCII character, or is a space/control/format character, is percent-encoded."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 128:
            out.append(quote(ch, safe="-._~"))
        elif unicodedata.category(ch)[0] in "ZC" or ch in "\ufffd":
            out.append(quote(ch, safe=""))
        else:
            out.append(ch)
    return "".join(out) or "_"


def resource(kind: str, *parts: str) -> URIRef:
    return URIRef(str(GKR) + kind + "/" + "/".join(_segment(p) for p in parts))


def doc_iri(doc_id: str) -> URIRef:
    return resource("doc", doc_id)


def passage_iri(doc_id: str, order: int) -> URIRef:
    return resource("passage", doc_id, str(order))


def place_iri(place) -> URIRef:
    """Provinces and prefecture cities by name (gkr:place/郑州市); lower levels under their
    city, since county and town names repeat across the country (gkr:place/郑州市/中原区)."""
    if place.level <= 2:
        return resource("place", place.name)
    city = place.city() or place.province()
    parts = [city.name] if city is not None else []
    if place.level == 4 and place.parent is not None:
        parts.append(place.parent.name)
    return resource("place", *parts, place.name)


def entity_iri(kind: str, key) -> URIRef:
    """An agency or program: its name, and for a local program the place path before it."""
    return resource(kind.lower(), *((key,) if isinstance(key, str) else key))


def metric_iri(label: str) -> URIRef:
    return resource("metric", label)


def indicator_iri(name: str) -> URIRef:
    return resource("indicator", name)


def section_iri(doc_id: str, order: int) -> URIRef:
    return resource("section", doc_id, str(order))


def observation_iri(obs) -> URIRef:
    return resource("obs", obs.doc_id, f"{obs.start}-{obs.end}")


def relation_iri(doc_id: str, rel) -> URIRef:
    return resource("rel", doc_id, f"{rel.start}-{rel.end}-{rel.kind}-{_segment(str(rel.object[1]))[:40]}")

