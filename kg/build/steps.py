"""The build's steps, in order (STEPS), each a function of the BuildContext (kg/build/context.py)
that reads what the steps before it filled in and fills in its own. kg/build/runner.py runs them.

    fingerprint  the workspace's leftovers cleaned; nothing to build if inputs are unchanged
    model        a bad --model fails before any work
    ingest       documents, through the per-document cache (unchanged ones come extracted)
    ray          with --ray, the cluster extracts the rest and fills the embedding cache
    pool         processes that extract the rest (--jobs), forked before the encoding thread
    build_dir    the new build's folder
    embed        passages encoded in a thread while extraction and the graph run
    extract      the extraction; new documents saved to the cache
    lexical      the lexical search index (forked with --jobs > 1)
    graph        the graph, a document at a time (an unchanged one as the unit an earlier build
                 cached), SHACL-validated as it goes
    store        the Oxigraph store: the previous build's changed by the difference, or loaded anew
    manifest     what was built, from what
    index        the search index (embeddings, FAISS, BM25)
    shapes       the SHACL report
    checksums    the checksums of the build's files
    publish      the atomic switch to the new build
    published    the per-document cache pruned

Imports the pipeline's stages (kg.ingest through kg.index), and the build's own modules.
"""
from __future__ import annotations

import shutil
import time

from kg.build.cache import DocumentCache, ingest_cached
from kg.build.cluster import run_on_ray
from kg.build.context import BuildContext, BuildReport
from kg.build.fingerprint import build_checksums, build_fingerprint, code_fingerprint, package_versions, up_to_date
from kg.build.runner import Step, extraction_jobs, forks_stages
from kg.extract import DocumentPool, extract, pending
from kg.forked import Forked
from kg.errors import WorkspaceError
from kg.graph import SHARED_FILE, GraphWriter, StoreBase, write_graph
from kg.index.embeddings import cache_root
from kg.index.encoders import check_model
from kg.index.lexical import lexicon_of, write_lexical_files
from kg.index.writer import INDEX_DIR, PendingEmbeddings, build_search_index, search_rows


def check_fingerprint(ctx: BuildContext) -> None:
    ctx.ws.clean()  # leftovers of a killed build
    ctx.fingerprint = build_fingerprint(ctx.corpus, ctx.model)
    if not ctx.force and up_to_date(ctx.ws, ctx.fingerprint):
        manifest = ctx.ws.manifest()
        skipped = [(s["file"], s["reason"]) for s in manifest.get("corpus", {}).get("skipped", [])]
        ctx.report = BuildReport(ctx.ws.current(), [], skipped, manifest.get("counts", {}), [],
                                 time.perf_counter() - ctx.started, unchanged=True)


def check_the_model(ctx: BuildContext) -> None:
    check_model(ctx.model)  # a bad --model fails before any work


def ingest(ctx: BuildContext) -> None:
    # unchanged documents come from the cache, ingested and extracted (--force: computed again)
    ctx.cache = DocumentCache(cache_root(ctx.ws.root), code_fingerprint())
    ctx.documents, ctx.skipped, ctx.parts, ctx.keys = ingest_cached(
        ctx.corpus, ctx.cache, not ctx.force, lambda name: ctx.say("ingest", name))
    ctx.cached = set(ctx.parts)
    ctx.todo = pending(ctx.documents, ctx.parts)


def extract_on_ray(ctx: BuildContext) -> None:
    if ctx.ray is not None:  # the cluster extracts them and fills the embedding cache (kg/build/cluster.py)
        ctx.parts.update(run_on_ray(ctx.ray, ctx.todo, ctx.documents, ctx.model, cache_root(ctx.ws.root),
                                    progress=ctx.say))
        ctx.todo = []


def start_pool(ctx: BuildContext) -> None:
    # documents not in the cache are extracted by `jobs` processes, forked here, before the
    # encoding thread starts (see DocumentPool); passages are embedded in that thread while
    # extraction and the graph run
    workers = extraction_jobs(ctx.jobs, len(ctx.todo))
    ctx.forking = forks_stages(ctx.jobs)  # the stages after the graph
    if workers > 1:
        ctx.pool = DocumentPool(workers)
        ctx.pool.submit(ctx.todo)


def make_build_dir(ctx: BuildContext) -> None:
    ctx.build_dir = ctx.ws.new_build_dir()


def start_embedding(ctx: BuildContext) -> None:
    ctx.embedding = PendingEmbeddings(ctx.documents, ctx.model, cache_root(ctx.ws.root),
                                      progress=lambda text: ctx.say("~encoding", text))


def extract_documents(ctx: BuildContext) -> None:
    ctx.extraction = extract(ctx.documents, progress=lambda name: ctx.say("extract", name), parts=ctx.parts,
                             pool=ctx.pool)
    if ctx.pool is not None:
        ctx.pool.close()
        ctx.pool = None
    # a document whose extraction failed keeps its passages (search) but gives no facts
    names = {d.doc_id: d.source_file for d in ctx.documents}
    ctx.skipped += [(names[doc_id], f"{reason}; no facts from it, its passages are searchable")
                    for doc_id, reason in ctx.extraction.failed.items()]
    for doc in ctx.documents:
        if doc.doc_id not in ctx.cached and ctx.keys.get(doc.doc_id):
            ctx.cache.save(ctx.keys[doc.doc_id], doc, ctx.parts[doc.doc_id])


def start_lexical_index(ctx: BuildContext) -> None:
    # The lexical half of the search index needs only the passages and the names extraction
    # found: with --jobs > 1 a forked process writes it while this one builds the graph.
    ctx.lexical_job = (ctx.build_dir / INDEX_DIR,
                       search_rows(ctx.documents, ctx.extraction.structures, ctx.embedding.rows, ctx.extraction),
                       lexicon_of(ctx.extraction), None, cache_root(ctx.ws.root) / "tokens")
    if ctx.forking:
        import bm25s  # noqa: F401 -- imported before forking, not in the child

        ctx.stages["lexical"] = Forked(write_lexical_files, *ctx.lexical_job)


def write_the_graph(ctx: BuildContext) -> None:
    # The graph, a document at a time (kg.graph.GraphWriter): first what documents share, then each
    # document, built, counted, written out and SHACL-validated (with --jobs > 1 in a forked
    # process, beside the next), or, unchanged since an earlier build, taken as the unit that build
    # cached. The store is made at the end: from the previous build's when few documents changed.
    # (Not forked: Oxigraph's loader uses a thread pool, which a forked child would lack.)
    if ctx.forking:
        import pyshacl  # noqa: F401 -- imported before forking, not in the child
    _write_graph(ctx, previous_store(ctx))


def _write_graph(ctx: BuildContext, base: StoreBase | None) -> None:
    ctx.graph_base = base
    writer = GraphWriter(ctx.build_dir / "store", fork=ctx.forking, base=base, save_unit=ctx.cache.save_unit)
    ctx.stages["graph"] = writer

    def unit_of(doc):
        key = ctx.keys.get(doc.doc_id)
        return key, (ctx.cache.load_unit(key) if key and not ctx.force else None)

    write_graph(ctx.documents, ctx.extraction, writer, progress=lambda name: ctx.say("graph", name), unit_of=unit_of)
    ctx.counts, ctx.triples = writer.counts, writer.triples


def previous_store(ctx: BuildContext) -> StoreBase | None:
    """The current build's store as the base of this one, when it can be changed into it: same code,
    every document's unit known on both sides, the units this build drops still cached, and at most
    half the units changed (beyond that, loading everything is as fast). None: load anew."""
    previous = None if ctx.force else ctx.ws.previous_build()
    if previous is None or not (previous / "store").is_dir() or not (previous / SHARED_FILE).is_file():
        return None
    try:
        manifest = ctx.ws.read_manifest(previous)
        # a damaged build is never the base of another (its store's tables, its shared part)
        if not manifest.get("checksums") or build_checksums(previous) != manifest["checksums"]:
            return None
    except (WorkspaceError, OSError):
        return None
    graph = manifest.get("graph") or {}
    old = set((graph.get("units") or {}).values())
    new = {ctx.keys.get(doc.doc_id) for doc in ctx.documents}
    if graph.get("code") != code_fingerprint() or not old or None in old or None in new \
            or 2 * len(old ^ new) > len(new):
        return None
    removed = [ctx.cache.load_unit(key) for key in old - new]
    if any(unit is None for unit in removed):
        return None
    return StoreBase(previous / "store", previous / SHARED_FILE, old, removed)


def load_store(ctx: BuildContext) -> None:
    ctx.say("store", "Oxigraph: changed by the difference" if ctx.graph_base is not None else "Oxigraph")
    try:
        ctx.stages["graph"].close()  # the GraphWriter bulk-loads what it wrote, or changes the base
    except Exception as exc:  # noqa: BLE001 -- any failure to change the base: the store is loaded anew
        if ctx.graph_base is None:
            raise
        ctx.say("store", f"the previous store could not be changed ({type(exc).__name__}): loaded anew")
        ctx.stages.pop("graph").cancel()
        shutil.rmtree(ctx.build_dir / "store", ignore_errors=True)
        _write_graph(ctx, None)  # the units cached so far are taken, not built again
        ctx.stages["graph"].close()


def start_manifest(ctx: BuildContext) -> None:
    ctx.manifest = {
        "format": 1,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": {
            "path": str(ctx.corpus.resolve()),
            "files": [{"file": d.source_file, "doc_id": d.doc_id, "sha256": d.sha256,
                       "encoding": d.encoding, "title": d.title, "date": d.date,
                       "passages": len(d.passages), "warnings": d.warnings}
                      for d in ctx.documents],
            "skipped": [{"file": f, "reason": r} for f, r in ctx.skipped],
        },
        "counts": ctx.counts,
        "triples": ctx.triples,
        # what the next build's store is made from (previous_store): each document's graph unit
        "graph": {"code": code_fingerprint(), "units": {d.doc_id: ctx.keys.get(d.doc_id) for d in ctx.documents},
                  "store": "changed" if ctx.graph_base is not None else "loaded"},
        "conflicts": len(ctx.extraction.conflicts),
        "versions": package_versions(),
    }
    ctx.manifest["fingerprint"] = ctx.fingerprint


def write_search_index(ctx: BuildContext) -> None:
    # passage search: embeddings (cached by text hash), FAISS, BM25 (kg/index/)
    ctx.say("index", "BM25")
    stages = ctx.stages
    lexical = stages.pop("lexical").result() if "lexical" in stages else write_lexical_files(*ctx.lexical_job)
    ctx.manifest.update(build_search_index(ctx.documents, ctx.build_dir, progress=ctx.say, pending=ctx.embedding,
                                           lexical=lexical))


def collect_violations(ctx: BuildContext) -> None:
    ctx.violations = violations = ctx.stages.pop("graph").violations()
    ctx.manifest["shacl"] = {"conforms": not violations, "violations": len(violations),
                             "sample": [str(v) for v in violations[:20]]}


def checksum(ctx: BuildContext) -> None:
    ctx.manifest["checksums"] = build_checksums(ctx.build_dir)


def publish(ctx: BuildContext) -> None:
    ctx.ws.publish(ctx.build_dir, ctx.manifest)


def prune_cache(ctx: BuildContext) -> None:
    ctx.cache.prune()


STEPS = [
    Step("fingerprint", check_fingerprint),
    Step("model", check_the_model),
    Step("ingest", ingest),
    Step("ray", extract_on_ray),
    Step("pool", start_pool),
    Step("build_dir", make_build_dir),
    Step("embed", start_embedding),
    Step("extract", extract_documents),
    # From here on the build makes a great many objects (the graph: about ten a triple) and
    # no garbage cycles worth collecting: the cyclic collector is paused, or its full passes
    # over everything alive cost seconds (2.1-2.4 s of a provincial build, measured).
    Step("lexical", start_lexical_index, pauses_collector=True),
    Step("graph", write_the_graph),
    Step("store", load_store),
    Step("manifest", start_manifest),
    Step("index", write_search_index),
    Step("shapes", collect_violations),
    Step("checksums", checksum),
    Step("publish", publish),
    Step("published", prune_cache),
]
