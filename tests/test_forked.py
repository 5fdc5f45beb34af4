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
