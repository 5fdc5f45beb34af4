"""The build pipeline: corpus -> ingest -> extract -> graph (+ vectors) -> an atomic swap.

Stages are called in one direction; each returns plain data the next consumes. The build is a list
of steps (kg/build/steps.py: STEPS) over one BuildContext (context.py), run by a small runner
(runner.py) that owns the workspace lock, the checkpoints, forking and clean-up; the per-document
cache is cache.py, the fingerprints and checksums fingerprint.py, --ray cluster.py, `kg doctor`
doctor.py. This file holds build() and re-exports the public names.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from kg.build.cache import DocumentCache, ingest_cached, ingest_corpus
from kg.build.context import BuildContext, BuildReport
from kg.build.runner import Step, checkpoint, extraction_jobs, run_steps
from kg.errors import KGError
from kg.workspace import Workspace

DEFAULT_CORPUS = Path("data/corpus")


def build(corpus: Path | str = DEFAULT_CORPUS, workspace: Path | str | None = None,
          progress: Callable[[str, str], None] | None = None, model: str | None = None,
          force: bool = False, jobs: int | None = None, ray: str | None = None) -> BuildReport:
    """Build a workspace from a corpus folder. The previous build stays in use until this one
    is complete; any failure leaves it untouched. jobs: processes that extract documents (default:
    one per core; 1 does everything in this process); above 1, the lexical search index and then
    SHACL validation also run in forked processes, beside the graph and the store. ray: a Ray cluster's
    address ("local": a Ray started for this build) that extracts the documents and encodes the
    passages (kg/build/cluster.py)."""
    from kg.build.steps import STEPS  # lazy: the steps import extraction and the search index (~0.3 s), which `import kg` must not pay

    ctx = BuildContext(Path(corpus), Workspace(workspace), progress or (lambda stage, item: None),
                       time.perf_counter(), model=model, force=force, jobs=jobs, ray=ray)
    return run_steps(ctx, STEPS)


__all__ = ["build", "BuildReport", "BuildContext", "Step", "DEFAULT_CORPUS", "KGError", "DocumentCache",
           "ingest_cached", "ingest_corpus", "checkpoint", "extraction_jobs"]
