"""The build pipeline: corpus -> ingest -> extract -> graph (+ vectors) -> an atomic swap.

Stages are called in one direction; each returns plain data the next consumes.
"""
from __future__ import annotations

import importlib.metadata
import os
import sys
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import graph as kg_graph
from .errors import InputError, KGError
from .ingest import Document, corpus_files, read_document
from .workspace import Workspace

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
    skipped: list[tuple[str, str]]  # (file, reason)
    counts: dict[str, int]
    violations: list[kg_graph.Violation] = field(default_factory=list)
    seconds: float = 0.0


def package_versions() -> dict[str, str]:
    names = ["govkg", "rdflib", "pyoxigraph", "pyshacl", "jieba", "jionlp", "cn2an",
             "sentence-transformers", "faiss-cpu", "bm25s", "torch"]
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def ingest_corpus(corpus: Path, progress: Callable[[str], None] | None = None):
    """Read every text file; a file that cannot be read is skipped with its reason."""
    documents, skipped = [], []
    for path in corpus_files(corpus):
        if progress:
            progress(path.name)
        try:
            documents.append(read_document(path))
        except InputError as exc:
            skipped.append((str(path.relative_to(corpus)), str(exc)))
    if not documents:
        reasons = "; ".join(f"{f}: {r}" for f, r in skipped[:3])
        raise InputError(f"no readable documents in {corpus} ({reasons})")
    return documents, skipped


def build(corpus: Path | str = DEFAULT_CORPUS, workspace: Path | str | None = None,
          progress: Callable[[str, str], None] | None = None) -> BuildReport:
    """Build a workspace from a corpus folder. The previous build stays in use until this one
    is complete; any failure leaves it untouched."""
    started = time.perf_counter()
    corpus = Path(corpus)
    ws = Workspace(workspace)
    say = progress or (lambda stage, item: None)
    with ws.lock():
        ws.clean()  # leftovers of a killed build
        documents, skipped = ingest_corpus(corpus, lambda name: say("ingest", name))
        build_dir = ws.new_build_dir()
        try:
            g = kg_graph.new_graph()
            for doc in documents:
                say("graph", doc.source_file)
                kg_graph.add_document(g, doc)
            say("validate", "SHACL shapes")
            violations = kg_graph.validate(g)
            say("store", "Oxigraph")
            checkpoint("store")
            kg_graph.write_store(g, build_dir / "store")
            counts = class_counts(g)
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
                "triples": len(g),
                "shacl": {"conforms": not violations, "violations": len(violations),
                          "sample": [str(v) for v in violations[:20]]},
                "versions": package_versions(),
            }
            checkpoint("publish")
            ws.publish(build_dir, manifest)
            checkpoint("published")
        except BaseException:
            import shutil

            shutil.rmtree(build_dir, ignore_errors=True)
            raise
    return BuildReport(build_dir, documents, skipped, counts, violations,
                       time.perf_counter() - started)


def class_counts(g) -> dict[str, int]:
    from rdflib import RDF

    counts: dict[str, int] = {}
    for cls in ("Document", "Passage", "Place", "Agency", "Program", "Metric", "Observation"):
        counts[cls] = 0
    for _, _, cls in g.triples((None, RDF.type, None)):
        name = str(cls).rsplit("#", 1)[-1]
        if str(cls).startswith(str(kg_graph.GK)):
            counts[name] = counts.get(name, 0) + 1
    return counts


__all__ = ["build", "BuildReport", "DEFAULT_CORPUS", "KGError"]
