"""kg/forked.py: a build stage in a forked child. Its result and its exceptions come back, a killed
child is an error (not a hang), and a child neither outlives its parent nor holds the parent's
files (the workspace lock)."""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time

import pytest
from rdflib import Literal

from kg import graph as kg_graph
from kg.forked import Forked
from kg.ingest import read_document

from .conftest import CORPUS, ROOT


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is not alive
        return f.read().split(")")[-1].split()[0] != "Z"


def test_the_result_and_the_exception_come_back():
    assert Forked(sorted, [3, 1, 2]).result() == [1, 2, 3]
    with pytest.raises(ZeroDivisionError):
        Forked(divmod, 1, 0).result()


def test_a_killed_child_is_an_error_not_a_hang():
    stage = Forked(time.sleep, 30)
    os.kill(stage.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="killed by signal 9"):
        stage.result()


def test_cancel_stops_and_reaps_the_child():
    stage = Forked(time.sleep, 30)
    pid = stage.pid
    stage.cancel()
    assert not _alive(pid)
    stage.cancel()  # twice is harmless


def test_validation_in_a_child_equals_validation_here():
    doc = read_document(CORPUS / "001_2bba6ff831ee998f.txt")
    g = kg_graph.new_graph()
    kg_graph.add_document(g, doc)
    passage = kg_graph.passage_iri(doc.doc_id, 0)
    g.remove((passage, kg_graph.GK.inDocument, None))
    g.add((passage, kg_graph.GK.charStart, Literal(10**6)))
    here = kg_graph.validate(g)
    assert here and Forked(kg_graph.validate, g).result() == here


def test_the_child_does_not_hold_the_parents_lock(tmp_path):
    lock = tmp_path / "build.lock"
    fh = open(lock, "w")
    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    stage = Forked(time.sleep, 30)
    try:
        fh.close()  # the parent lets go: nobody else may still hold it
        other = open(lock, "w")
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if the child held it
        other.close()
    finally:
        stage.cancel()


def test_the_child_dies_with_its_parent():
    script = ("import time, sys; sys.path.insert(0, %r)\n"
              "from kg.forked import Forked\n"
              "s = Forked(time.sleep, 60); print(s.pid, flush=True); time.sleep(60)\n" % str(ROOT))
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _children(pid: int) -> set[int]:
    """The processes whose parent is pid (from /proc)."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    stat = fh.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry))
    return out


@pytest.mark.slow
def test_a_build_killed_during_extraction_leaves_no_worker(tmp_path):
    """kg build --jobs 2 killed with SIGKILL while its workers extract: a second later none is left
    (#27: two orphaned workers of ~200 MB each used to run on)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = sorted((ROOT / "data" / "corpus").glob("*.txt"))
    for i in range(40):  # enough documents that extraction lasts a few seconds
        source = texts[i % len(texts)]
        (corpus / f"{i:03d}_{source.name}").write_text(source.read_text(encoding="utf-8") + f"\n第{i}份。\n",
                                                       encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", "--corpus", str(corpus), "--workspace",
                              str(tmp_path / ".kg"), "--jobs", "2"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while len(workers) < 2 and build.poll() is None and time.monotonic() < deadline:
            workers = _children(build.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the build never started its workers"
    finally:
        build.kill()
        build.wait()
    time.sleep(1)
    assert not {w for w in workers if _alive(w)}
