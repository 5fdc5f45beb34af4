"""A document's graph as a unit a later build reuses (GraphUnit), and a new store made from the
previous build's store and the difference (StoreBase, change_store), so that adding, editing or
removing a document costs that document, not the corpus.

Why this works: a document's own triples (kg.graph.assemble's document part: the document, its
sections, passages, observations, mentions and relation statements) depend on nothing but the
document and the code, and no two documents share one (every subject is the document's own IRI or
below it); what documents share (places, agencies, programs, metrics, relations, conflicts) is a
small part (about a quarter of the triples) rebuilt by every build and changed by its difference.

Imports pyoxigraph only.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox


@dataclass
class GraphUnit:
    """One document's own triples as N-Triples (zlib: about a tenth of the size), their class counts
    and SHACL violations: all a later build needs of an unchanged document's graph."""

    packed: bytes  # zlib of the N-Triples
    counts: dict[str, int]
    triples: int
    violations: list = field(default_factory=list)

    @classmethod
    def of(cls, nt: bytes, counts: dict[str, int], triples: int) -> "GraphUnit":
        return cls(zlib.compress(nt, 1), counts, triples)

    def nt(self) -> bytes:
        return zlib.decompress(self.packed)


@dataclass
class StoreBase:
    """The previous build's store, changed into this build's instead of loading everything: its store
    folder, its shared part as written (N-Triples), the keys of the units it holds, and the units it
    holds that this build drops (their N-Triples, to delete)."""

    store: Path
    shared: Path
    units: set[str]
    removed: list[GraphUnit]


def change_store(base: StoreBase, path: Path, shared_nt: bytes, added: list[GraphUnit], keep: bytes = b"") -> None:
    """A new store at `path`: a checkpoint of base.store (RocksDB hard links: no copy, and the
    previous build stays as it was for its readers), then in one update each the dropped units and
    the shared triples no longer there deleted, the new shared triples and the added units loaded.
    Lines of `keep` (the ontology) are never deleted. Nothing here has blank nodes, so N-Triples
    lines are SPARQL data as they are."""
    old_shared = set(base.shared.read_bytes().splitlines())
    new_shared = set(shared_nt.splitlines())
    never = set(keep.splitlines())
    gone = [line for line in old_shared - new_shared if line not in never]
    for unit in base.removed:
        gone += unit.nt().splitlines()
    source = ox.Store.read_only(str(base.store))
    source.backup(str(path))
    del source
    store = ox.Store(str(path))
    for start in range(0, len(gone), 50_000):  # one update a slice: a bounded request
        chunk = b"\n".join(line for line in gone[start:start + 50_000] if line.strip())
        if chunk:
            store.update("DELETE DATA {\n" + chunk.decode("utf-8") + "\n}")
    fresh = b"\n".join(sorted(new_shared - old_shared))
    for data in [fresh, *(unit.nt() for unit in added)]:
        if data.strip():
            store.load(data, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store
