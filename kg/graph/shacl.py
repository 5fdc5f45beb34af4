"""The ontology and SHACL validation: load_ontology, the shapes (all, or those of a document's own
nodes), validate() and its Violations.

Imports the terms (kg.graph.terms) and the ontology files (kg.resources); pyshacl lazily.
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Graph, Namespace

from kg.graph.terms import GK, new_graph
from kg.resources import ONTOLOGY_DIR  # ontology/ in a checkout, kg/ontology in a wheel

def load_ontology() -> Graph:
    g = new_graph()
    g.parse(ONTOLOGY_DIR / "govkg.ttl", format="turtle")
    return g


@dataclass
class Violation:
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.focus} {self.path}: {self.message}"


# The classes of a document's own nodes (GraphWriter's parts); every other class is shared.
DOCUMENT_CLASSES = frozenset([*(GK[c] for c in ("Document", "Section", "Passage", "Observation")), RDF.Statement])
SH = Namespace("http://www.w3.org/ns/shacl#")


def shapes_graph(document: bool | None = None) -> Graph:
    """ontology/shapes.ttl; with `document` True only the shapes that target DOCUMENT_CLASSES, with
    False only the others (each shape has its own targets: see the file's header)."""
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    if document is not None:
        for shape in set(shapes.subjects(SH.targetClass, None)):
            if (set(shapes.objects(shape, SH.targetClass)) <= DOCUMENT_CLASSES) != document:
                shapes.remove((shape, None, None))
    return shapes


def validate(g: Graph, shapes: Graph | None = None, has_ontology: bool = False) -> list[Violation]:
    """SHACL validation against `shapes` (default: all of ontology/shapes.ttl), with the ontology's
    class hierarchy (mixed into `g` already when `has_ontology`, which spares pyshacl a copy of the
    whole graph)."""
    from pyshacl import validate as shacl_validate  # lazy: ~0.26 s to import, only a build validates

    conforms, report, _ = shacl_validate(g, shacl_graph=shapes if shapes is not None else shapes_graph(),
                                         ont_graph=None if has_ontology else load_ontology(),
                                         inference="none", allow_warnings=True)
    if conforms:
        return []
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        out.append(Violation(str(report.value(result, SH.focusNode)),
                             str(report.value(result, SH.resultPath)),
                             str(report.value(result, SH.resultMessage))))
    return sorted(out, key=lambda v: (v.focus, v.path))


def validate_each(parts, ontology: Graph) -> list[list[Violation]]:
    """The violations of each (graph, context, shapes), one list a part: `g`'s of `shapes`, with
    `context` (types of nodes described in another part) and the ontology added to `g` for the
    checks that read them."""
    out = []
    for g, context, shapes in parts:
        for t in context:
            g.add(t)
        for t in ontology:
            g.add(t)
        out.append(validate(g, shapes, has_ontology=True))
    return out
