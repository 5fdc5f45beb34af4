"""Writing the graph into a new Oxigraph store a document at a time (GraphWriter, write_graph).

Imports the terms, the assembly, the SHACL checks and the units of kg.graph, and kg.forked
(validation in a forked process).
"""
from __future__ import annotations

import gc
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph

from kg.forked import Forked
from kg.graph.assemble import add_document, add_mentions, add_observations, add_relations, add_shared, add_structure
from kg.graph.shacl import Violation, load_ontology, shapes_graph, validate_each
from kg.graph.terms import GK, new_graph
from kg.graph.units import GraphUnit, StoreBase, change_store

SHARED_FILE = "shared.nt"  # beside the store: the shared part as written, what the next build diffs


class GraphWriter:
    """Writes the graph into a new Oxigraph store a document at a time, so that a build holds in
    memory only the documents being validated (about PART_TRIPLES triples) and never the whole
    graph (about 950 bytes a triple in rdflib, 50 triples a passage).

    First comes the shared part (add_shared: places, agencies, programs, metrics), validated with
    the shapes of those classes and kept as N-Triples beside the store (SHARED_FILE). Then each
    document (add_document): its own nodes -- itself, its sections, passages and observations --
    counted, serialized as one GraphUnit and validated with the shapes of DOCUMENT_CLASSES and the
    types of the shared nodes they point to, which is all their sh:class constraints read; the two
    reports together are the whole graph's (tests/test_graph.py). A document unchanged since an
    earlier build comes as its GraphUnit (add_unit): nothing to build or validate. Documents are
    validated in batches of about PART_TRIPLES triples; with `fork`, each batch in a forked process
    (kg/forked.py) while the build goes on, one at a time. `save_unit(key, unit)` receives each new
    unit once validated (the build caches it).

    close() makes the store: from nothing, bulk-loading the shared part, every unit and the ontology
    (written to a file as they come); or, given a StoreBase (the previous build's store), by
    changing a checkpoint of it by the difference (kg.graph.units.change_store)."""

    PART_TRIPLES = 200_000

    def __init__(self, path: Path, fork: bool = False, base: StoreBase | None = None, save_unit=None):
        self.path = Path(path)
        self.base = base
        self.nt_path = self.path.with_name(self.path.name + ".nt")
        self._nt = open(self.nt_path, "wb") if base is None else None
        self.fork = fork
        self.save_unit = save_unit
        self.counts: dict[str, int] = {}
        self.triples = 0
        self._types: dict = {}  # shared node -> its rdf:type objects
        self._ontology = load_ontology()
        self._shapes = {kind: shapes_graph(kind) for kind in (False, True)}  # document shapes or not
        self._violations: list[Violation] = []
        self._queued: list[tuple] = []  # written out, not yet validated: (graph, context, shapes, key, unit)
        self._queued_triples = 0
        self._validating = None  # the Forked validation of the batch before, and its (key, unit)s
        self._shared_nt = b""
        self._added: list[GraphUnit] = []  # with a base: the units it lacks

    def add_shared(self, g: Graph) -> None:
        """The shared part (add_shared), before any other; it is the writer's afterwards."""
        for s, _, o in g.triples((None, RDF.type, None)):
            self._types.setdefault(s, []).append(o)
        self._shared_nt = g.serialize(format="nt", encoding="utf-8")
        (self.path.parent / SHARED_FILE).write_bytes(self._shared_nt)
        self._count(class_counts(g), len(g))
        if self._nt is not None:
            self._nt.write(self._shared_nt)
        self._queue(g, [], self._shapes[False], None, None)
        if not self.fork:
            self._validate()

    def add_document(self, key: str | None, g: Graph) -> None:
        """A document's own nodes (add_document, add_structure, add_observations, add_mentions,
        add_relations), `key` naming its unit for save_unit (None: not cached); `g` is the
        writer's afterwards (validation adds to it)."""
        gc.collect()  # see _queue
        unit = GraphUnit.of(g.serialize(format="nt", encoding="utf-8"), class_counts(g), len(g))
        self._add(key, unit)
        context = [(o, RDF.type, t) for o in set(g.objects()) if o in self._types for t in self._types[o]]
        self._queue(g, context, self._shapes[True], key, unit)
        if self._queued_triples >= self.PART_TRIPLES or not self.fork:
            self._validate()

    def add_unit(self, key: str, unit: GraphUnit) -> None:
        """A document unchanged since the build that made `unit`: counted, its violations taken."""
        self._add(key, unit)
        self._violations += unit.violations

    def _add(self, key: str | None, unit: GraphUnit) -> None:
        self._count(unit.counts, unit.triples)
        if self._nt is not None:
            self._nt.write(unit.nt())
        elif key is None or key not in self.base.units:
            self._added.append(unit)

    def _count(self, counts: dict[str, int], triples: int) -> None:
        for name, n in counts.items():
            self.counts[name] = self.counts.get(name, 0) + n
        self.triples += triples

    def _queue(self, g: Graph, context, shapes: Graph, key, unit) -> None:
        # The batches handed over before are garbage now, but rdflib graphs hold reference cycles and
        # the build pauses the cyclic collector (kg/build/): collected in add_document, or they would add up.
        if len(g):
            self._queued.append((g, context, shapes, key, unit))
            self._queued_triples += len(g)

    def _validate(self) -> None:
        """Validate what is queued: here, or (fork) in one forked process while the build goes on
        (the shared part waits for the first batch of documents, to save a fork), one at a time, so
        that at most one batch is held beside the one being built."""
        queued, self._queued, self._queued_triples = self._queued, [], 0
        if not queued:
            return
        parts = [(g, context, shapes) for g, context, shapes, _key, _unit in queued]
        owners = [(key, unit) for _g, _c, _s, key, unit in queued]
        if not self.fork:
            self._take(owners, validate_each(parts, self._ontology))
            return
        self._collect()
        self._validating = (Forked(validate_each, parts, self._ontology), owners)

    def _collect(self) -> None:
        if self._validating is not None:
            forked, owners = self._validating
            self._validating = None
            self._take(owners, forked.result())

    def _take(self, owners, reports) -> None:
        for (key, unit), violations in zip(owners, reports):
            self._violations += violations
            if unit is not None:
                unit.violations = violations
                if key is not None and self.save_unit is not None:
                    self.save_unit(key, unit)

    def close(self) -> None:
        """Make the store (the ontology with it: SPARQL reads the labels of terms)."""
        gc.collect()  # the last batch (see _queue)
        ontology = self._ontology.serialize(format="nt", encoding="utf-8")
        if self.base is not None:
            change_store(self.base, self.path, self._shared_nt, self._added, keep=ontology)
            self._added = []
            return
        self._nt.write(ontology)
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
            self._validating[0].cancel()
            self._validating = None
        if self._nt is not None and not self._nt.closed:
            try:
                self._nt.close()
            except OSError:  # the build is failing already (a full disk, say); its folder goes
                pass


def write_graph(documents, extraction, writer: GraphWriter, progress=None, unit_of=None) -> None:
    """The whole graph through `writer`: the shared part, then the documents in their order, each
    built or, when unit_of(doc) gives (key, GraphUnit or None), taken as it was. progress(name)
    before each."""
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
    for doc in documents:
        say(doc.source_file)
        key, unit = unit_of(doc) if unit_of is not None else (None, None)
        if unit is not None:
            writer.add_unit(key, unit)
            continue
        part = new_graph()
        add_document(part, doc)
        if doc.doc_id in extraction.structures:  # none for a document whose extraction failed
            add_structure(part, doc, extraction.structures[doc.doc_id])
        add_observations(part, extraction, observations.pop(doc.doc_id, ()))
        add_mentions(part, mentions.pop(doc.doc_id, ()))
        add_relations(part, relations.pop(doc.doc_id, ()))
        writer.add_document(key, part)


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
