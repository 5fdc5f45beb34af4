"""What the build's steps share: BuildContext (the inputs, the options and everything a step hands
to the next) and BuildReport (what build() returns).

Imports kg.ingest (Document), kg.graph (Violation) and kg.workspace: names for the fields, no work.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from kg.graph import Violation
from kg.ingest import Document
from kg.workspace import Workspace


@dataclass
class BuildReport:
    build_dir: Path
    documents: list[Document]
    skipped: list[tuple[str, str]]  # (file, reason): not read, or read but not extracted
    counts: dict[str, int]
    violations: list[Violation] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: bool = False  # corpus, code and model as in the current build: nothing built
    reused: int = 0  # documents taken from the per-document cache (not read or extracted again)


@dataclass
class BuildContext:
    """One build's state. The first block is given; each step reads what the steps before it
    filled in and fills in its own (kg/build/steps.py says which step fills what)."""

    corpus: Path
    ws: Workspace
    say: Callable[[str, str], None]  # progress(stage, item)
    started: float  # time.perf_counter() at the start
    model: str | None = None
    force: bool = False
    jobs: int | None = None
    ray: str | None = None

    fingerprint: str = ""
    cache: Any = None  # the DocumentCache
    documents: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    parts: dict = field(default_factory=dict)  # doc_id -> Extraction (cached, or extracted now)
    keys: dict = field(default_factory=dict)  # doc_id -> its cache key
    cached: set = field(default_factory=set)  # doc_ids whose extraction came from the cache
    todo: list = field(default_factory=list)  # documents still to extract
    forking: bool = False  # the stages after the graph run in forked processes (--jobs > 1)
    pool: Any = None  # the DocumentPool extracting `todo` (--jobs > 1), until extraction ends
    build_dir: Path | None = None  # the new build's folder (removed if the build fails)
    embedding: Any = None  # the PendingEmbeddings encoding passages in a thread
    extraction: Any = None  # the merged Extraction
    stages: dict = field(default_factory=dict)  # forked or running stages to stop if the build fails
    lexical_job: tuple = ()  # write_lexical_files' arguments
    graph_base: Any = None  # the StoreBase the store is changed from (None: loaded anew)
    counts: dict = field(default_factory=dict)
    triples: int = 0
    manifest: dict = field(default_factory=dict)
    violations: list = field(default_factory=list)
    report: BuildReport | None = None  # set by a step that ends the build early (nothing to build)
