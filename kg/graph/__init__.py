"""RDF terms, graph assembly and the Oxigraph store.

The build assembles an rdflib Graph (the natural API for writing triples and for pyshacl),
validates it against ontology/shapes.ttl, then bulk-loads it into an on-disk Oxigraph store
that answers SPARQL. Queries are read-only: the store is opened read-only and updates are
refused before they reach it.

    terms       namespaces, PREFIXES, curie() and the IRI of every kind of node
    assemble    the triples of a document and of what documents share (add_document, add_shared, ...)
    shacl       the ontology, the SHACL shapes, validate() and Violation
    writer      GraphWriter and write_graph: the graph into a new store, a document at a time
    units       GraphUnit (a document's triples, reused by later builds) and change_store (a store
                made from the previous one by the difference)
    store       the read-only Store, check_query and serialize_result

This file only re-exports their public names (kg.graph.Store, kg.graph.PREFIXES, ...).
"""
from __future__ import annotations

from rdflib.namespace import PROV  # noqa: F401 -- kg.graph.PROV (tests read passages' provenance)

from kg.graph.assemble import (RELATION_PREDICATES, add_document, add_indicator, add_mentions, add_observations,
                               add_relations, add_shared, add_structure, relation_triples)
from kg.graph.shacl import DOCUMENT_CLASSES, SH, Violation, load_ontology, shapes_graph, validate
from kg.graph.store import Store, check_query, serialize_result
from kg.graph.terms import (GK, GKR, ORG, PREFIXES, curie, doc_iri, entity_iri, indicator_iri, metric_iri, new_graph,
                            observation_iri, passage_iri, place_iri, relation_iri, resource, section_iri)
from kg.graph.units import GraphUnit, StoreBase
from kg.graph.writer import SHARED_FILE, GraphWriter, class_counts, write_graph

__all__ = [
    "GK", "GKR", "ORG", "PREFIXES", "curie", "resource", "doc_iri", "passage_iri", "place_iri", "entity_iri",
    "metric_iri", "indicator_iri", "section_iri", "observation_iri", "relation_iri", "new_graph",
    "add_document", "add_structure", "add_indicator", "add_shared", "add_observations", "add_relations",
    "add_mentions", "relation_triples", "RELATION_PREDICATES",
    "load_ontology", "shapes_graph", "validate", "Violation", "DOCUMENT_CLASSES", "SH",
    "GraphWriter", "write_graph", "class_counts", "GraphUnit", "StoreBase", "SHARED_FILE",
    "Store", "check_query", "serialize_result",
]
