"""Writing the graph into a new Oxigraph store a part at a time (GraphWriter, write_graph).

Imports the terms, the assembly and the SHACL checks of kg.graph, and kg.forked (validation in a
forked process).
"""
from __future__ import annotations

import gc
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph

from kg.forked import Forked
from kg.graph.assemble import add_document, add_mentions, add_observations, add_relations, add_shared, add_structure
from kg.graph.shacl import Violation, load_ontology, shapes_graph, validate_parts
from kg.graph.terms import GK, new_graph


class GraphWriter:
    """Writes the graph into a new Oxigraph store a part at a time, so that a build holds in memory
    only the part being built (whole documents, about PART_TRIPLES triples) and never the whole
    graph (about 950 bytes a triple in rdflib, 50 triples a passage).

    Each part is counted, appended as N-Triples to a file beside the store and validated against
    the shapes; close() bulk-loads the file and the ontology. First comes the shared part
    (add_shared: places, agencies, programs, metrics), validated with the shapes of those classes.
    Then parts of whole documents (a document's nodes -- itself, its sections, passages and
    observations -- are all in one part), validated with the shapes of DOCUMENT_CLASSES and the
    types of the shared nodes they point to, which is all their sh:class constraints read. The two
    reports together are the whole graph's (tests/test_graph.py). With `fork`, each part is
    validated in a forked process (kg/forked.py) while the build goes on, one at a time."""

    PART_TRIPLES = 200_000

    def __init__(self, path: Path, fork: bool = False):
        self.path = Path(path)
        self.nt_path = self.path.with_name(self.path.name + ".nt")
        self._nt = open(self.nt_path, "wb")
        self.fork = fork
        self.counts: dict[str, int] = {}
        self.triples = 0
        self._types: dict = {}  # shared node -> its rdf:type objects
        self._ontology = load_ontology()
        self._shapes = {kind: shapes_graph(kind) for kind in (False, True)}  # document shapes or not
        self._violations: list[Violation] = []
        self._queued: list[tuple] = []  # parts written out, not yet validated: (graph, context, shapes)
        self._validating = None  # the Forked validation of the parts before

    def add_shared(self, g: Graph) -> None:
        """The shared part (add_shared), before any other; it is the writer's afterwards."""
        for s, _, o in g.triples((None, RDF.type, None)):
            self._types.setdefault(s, []).append(o)
        self._write(g, [], self._shapes[False])

    def add_part(self, g: Graph) -> None:
        """A part made of whole documents (add_document, add_structure, add_observations,
        add_mentions); it is the writer's afterwards (validation adds to it)."""
        context = [(o, RDF.type, t) for o in set(g.objects()) if o in self._types for t in self._types[o]]
        self._write(g, context, self._shapes[True])
        self._validate()

    def _write(self, g: Graph, context, shapes: Graph) -> None:
        # The parts handed over before are garbage now, but rdflib graphs hold reference cycles and
        # the build pauses the cyclic collector (kg/build/): collected here, or they would add up.
        gc.collect()
        if not len(g):
            return
        for name, n in class_counts(g).items():
            self.counts[name] = self.counts.get(name, 0) + n
        self.triples += len(g)
        g.serialize(self._nt, format="nt", encoding="utf-8")
        self._queued.append((g, context, shapes))
        if not self.fork:
            self._validate()

    def _validate(self) -> None:
        """Validate what is queued: here, or (fork) in one forked process while the build goes on
        (the shared part waits for the first document part, to save a fork), one at a time, so
        that at most one part is held beside the one being built."""
        queued, self._queued = self._queued, []
        if not queued:
            return
        if not self.fork:
            self._violations += validate_parts(queued, self._ontology)
            return
        self._collect()
        self._validating = Forked(validate_parts, queued, self._ontology)

    def _collect(self) -> None:
        if self._validating is not None:
            self._violations += self._validating.result()
            self._validating = None

    def close(self) -> None:
        """Load the store (the ontology with it: SPARQL reads the labels of terms)."""
        gc.collect()  # the last part (see _write)
        self._ontology.serialize(self._nt, format="nt", encoding="utf-8")
        self._nt.close()
        store = ox.Store(str(self.path))
        store.bulk_load(path=str(self.nt_path), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        store.optimize()
        del store
        self.nt_path.unlink()

    def violations(self) -> list[Violation]:
        """Every part's violations (waiting for the last validation)."""
        self._validate()
        self._collect()
        return sorted(self._violations, key=lambda v: (v.focus, v.path))

    def cancel(self) -> None:
        if self._validating is not None:
            self._validating.cancel()
            self._validating = None
        if not self._nt.closed:
            try:
                self._nt.close()
            except OSError:  # the build is failing already (a full disk, say); its folder goes
                pass


def write_graph(documents, extraction, writer: GraphWriter, progress=None) -> None:
    """The whole graph through `writer`: the shared part, then the documents in their order, whole,
    a new part every PART_TRIPLES triples. progress(name) before each."""
    say = progress or (lambda name: None)
    say("places, agencies, programs, metrics")
    shared = new_graph()
    add_shared(shared, extraction)
    writer.add_shared(shared)
    del shared
    observations, mentions, relations = defaultdict(list), defaultdict(list), defaultdict(list)
    for obs in extraction.observations:
        observations[obs.doc_id].append(obs)
    for doc_id, rel in getattr(extraction, "relations", ()):
        relations[doc_id].append((doc_id, rel))
    for (doc_id, order), things in extraction.mentions.items():
        mentions[doc_id].append(((doc_id, order), things))
    part = new_graph()
    for doc in documents:
        say(doc.source_file)
        add_document(part, doc)
        if doc.doc_id in extraction.structures:  # none for a document whose extraction failed
            add_structure(part, doc, extraction.structures[doc.doc_id])
        add_observations(part, extraction, observations.pop(doc.doc_id, ()))
        add_mentions(part, mentions.pop(doc.doc_id, ()))
        add_relations(part, relations.pop(doc.doc_id, ()))
        if len(part) >= writer.PART_TRIPLES:
            writer.add_part(part)
            part = new_graph()
    writer.add_part(part)


def class_counts(g: Graph) -> dict[str, int]:
    """Instances of the ontology's classes in `g`, by class name (the manifest's counts)."""
    counts: dict[str, int] = {}
    for cls in ("Document", "Passage", "Place", "Agency", "Program", "Metric", "Observation"):
        counts[cls] = 0
    for _, _, cls in g.triples((None, RDF.type, None)):
        if str(cls).startswith(str(GK)):
            name = str(cls).rsplit("#", 1)[-1]
            counts[name] = counts.get(name, 0) + 1
    return counts
