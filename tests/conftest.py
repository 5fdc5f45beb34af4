"""Shared fixtures: the bundled corpus built once per test session, a CLI runner."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"

# One embedding cache for every build of the session (in-process and CLI subprocesses): the
# bundled corpus is embedded once, later builds of its documents in other workspaces reuse it.
# Tests of the per-workspace cache itself unset it (tests/test_search.py).
_EMBEDDINGS = tempfile.mkdtemp(prefix="kg-test-embeddings-")
os.environ.setdefault("KG_CACHE_DIR", _EMBEDDINGS)
atexit.register(shutil.rmtree, _EMBEDDINGS, True)


# `kg build` in a script prints one progress line per stage (kg.cli_progress.StageLines): not an error
PROGRESS_LINE = re.compile(r"^kg build: [\w~-]+: \d+ (?:done in|so far)")


def one_line_error(proc) -> str:
    """The failed command's message: exactly one line besides build progress, no traceback."""
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.strip().splitlines() if not PROGRESS_LINE.match(line)]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def run_kg(*args, input=None, env=None, timeout=600, check=False):
    """Run the real CLI in a subprocess (as a user would)."""
    proc = subprocess.run([sys.executable, "-m", "kg", *map(str, args)], input=input,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"kg {' '.join(map(str, args))} failed: {proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def built_workspace(tmp_path_factory) -> Path:
    """The bundled corpus built once; tests must not modify it."""
    ws = tmp_path_factory.mktemp("ws") / ".kg"
    import kg

    kg.build(CORPUS, ws)
    return ws


@pytest.fixture(scope="session")
def kgraph(built_workspace):
    import kg

    return kg.open(built_workspace)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A copy of two bundled documents, for tests that rebuild."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in sorted(os.listdir(CORPUS))[:2]:
        shutil.copy(CORPUS / name, corpus / name)
    return corpus
