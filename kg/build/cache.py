"""The per-document cache of the build and the ingest through it: DocumentCache (a document's
Document and Extraction kept between builds), ingest_cached and ingest_corpus.

Imports kg.ingest (reading files) and kg.atomic (writing cache entries).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Callable

from kg.atomic import write_atomic
from kg.errors import InputError
from kg.ingest import corpus_files, read_document


def ingest_corpus(corpus: Path, progress: Callable[[str], None] | None = None):
    """Read every text file; a file that cannot be read is skipped with its reason."""
    documents, skipped, _parts, _keys = ingest_cached(corpus, None, False, progress)
    return documents, skipped


class DocumentCache:
    """What one document yields on its own — the ingested Document and its extraction, and its
    graph (kg.graph.GraphUnit) — kept between builds: <cache>/documents/<key>.pickle and
    <cache>/graphs/<key>.pickle, the key made of the file's name and bytes and the code/vocabulary
    fingerprint, so an unchanged document is neither read, extracted nor turned into triples again.
    Written by kg build itself into the workspace (or KG_CACHE_DIR), and trusted as such."""

    KEEP_UNUSED_DAYS = 7  # entries no build used for a week are removed

    def __init__(self, root: Path, code: str):
        self.dir = Path(root) / "documents"
        self.graphs = Path(root) / "graphs"
        self.code = code
        self.used: set[str] = set()

    def key(self, name: str, data: bytes) -> str:
        h = hashlib.sha256(self.code.encode())
        h.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()

    def load(self, key: str):
        """(Document, Extraction) or None (missing, or unreadable: recomputed)."""
        self.used.add(key)
        return _read(self.dir / f"{key}.pickle")

    def save(self, key: str, document, part) -> None:
        _write(self.dir / f"{key}.pickle", (document, part))
        self.used.add(key)

    def load_unit(self, key: str):
        """The document's GraphUnit, or None (missing or unreadable: built again)."""
        return _read(self.graphs / f"{key}.pickle")

    def save_unit(self, key: str, unit) -> None:
        _write(self.graphs / f"{key}.pickle", unit)

    def prune(self) -> None:
        """Entries no build used for KEEP_UNUSED_DAYS removed (a graph with its document)."""
        now = time.time()
        for folder in (self.dir, self.graphs):
            if not folder.is_dir():
                continue
            for path in folder.glob("*.pickle"):
                if path.stem in self.used:
                    os.utime(path)
                elif now - path.stat().st_mtime > self.KEEP_UNUSED_DAYS * 86400:
                    path.unlink(missing_ok=True)


def _read(path: Path):
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 -- a missing or damaged entry is recomputed
        return None


def _write(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except InputError:
        pass  # a cache that cannot be written only costs time


def ingest_cached(corpus: Path, cache: DocumentCache | None, use_cache: bool, progress=None):
    """Every text file of the corpus, through the per-document cache when there is one:
    (documents, skipped, parts, keys) where parts holds the cached extraction of unchanged
    documents (doc_id -> Extraction) and keys their cache keys."""
    documents, skipped, parts, keys = [], [], {}, {}
    for path in corpus_files(corpus):
        if progress:
            progress(path.name)
        name = str(path.relative_to(corpus))
        try:
            key = cache.key(name, path.read_bytes()) if cache is not None else None
        except OSError:
            key = None
        hit = cache.load(key) if key and use_cache else None
        if hit is not None:
            doc, part = hit
        else:
            try:
                doc, part = read_document(path), None
            except InputError as exc:
                skipped.append((name, str(exc)))
                continue
        documents.append(doc)
        keys[doc.doc_id] = key
        if part is not None:
            parts[doc.doc_id] = part
    if not documents:
        reasons = "; ".join(f"{f}: {r}" for f, r in skipped[:3])
        raise InputError(f"no readable documents in {corpus} ({reasons})")
    return documents, skipped, parts, keys
