"""Faults: a build killed at any stage, a full disk, corrupted index and store files. The previous
workspace stays usable, or the corruption is reported clearly with the fix."""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys

import pytest

from ..conftest import CORPUS, ROOT, one_line_error, run_kg

COUNT_PER_DOC = ("SELECT ?file (COUNT(?p) AS ?n) WHERE { ?p gk:inDocument/gk:sourceFile ?file } "
                 "GROUP BY ?file ORDER BY ?file")




@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One build of two bundled documents per module; each test gets its own copy."""
    corpus = tmp_path_factory.mktemp("corpus")
    for name in sorted(os.listdir(CORPUS))[:2]:
        shutil.copy(CORPUS / name, corpus / name)
    ws = tmp_path_factory.mktemp("template") / "ws"
    run_kg("build", "--corpus", corpus, "--workspace", ws, check=True)
    return corpus, ws


@pytest.fixture
def built(tmp_path, template, small_corpus):
    ws = tmp_path / "ws"
    shutil.copytree(template[1], ws, symlinks=True)
    return ws


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["store", "publish", "published"])
def test_sigkill_during_build_leaves_previous_workspace(built, small_corpus, stage):
    ws = built
    before = run_kg("sparql", COUNT_PER_DOC, "--format", "json", "--workspace", ws, check=True).stdout
    for name in sorted(os.listdir(CORPUS)):  # a bigger corpus, killed at a stage of its build
        (small_corpus / name).write_bytes((CORPUS / name).read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", "--corpus", str(small_corpus),
                             "--workspace", str(ws)], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "KG_PAUSE_AT": stage})
    line = proc.stderr.readline()
    while line and "paused at" not in line:
        line = proc.stderr.readline()
    assert f"paused at {stage}" in line, line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after = run_kg("sparql", COUNT_PER_DOC, "--format", "json", "--workspace", ws, check=True).stdout
    if stage == "published":  # killed after the swap: the new build is complete and in use
        assert len(json.loads(after)["results"]["bindings"]) == 5
    else:
        assert after == before
    assert run_kg("doctor", "--no-model", "--workspace", ws).returncode == 0
    # the next build cleans up what the killed one left
    (small_corpus / "extra.txt").write_text("2024年,郑州市新增绿地100万平方米。", encoding="utf-8")
    run_kg("build", "--corpus", small_corpus, "--workspace", ws, check=True)
    assert len(list((ws / "builds").iterdir())) == 1


def _limit_file_size(max_bytes):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    return preexec


@pytest.mark.slow
def test_full_disk_fails_cleanly_and_keeps_the_previous_build(built, small_corpus):
    ws = built
    before = run_kg("sparql", COUNT_PER_DOC, "--format", "json", "--workspace", ws, check=True).stdout
    (small_corpus / "extra.txt").write_text("2024年,郑州市新增绿地100万平方米。" * 50, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kg", "build", "--corpus", str(small_corpus),
                           "--workspace", str(ws)], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=_limit_file_size(64 * 1024), timeout=600)
    msg = one_line_error(proc)
    assert "error" in msg
    after = run_kg("sparql", COUNT_PER_DOC, "--format", "json", "--workspace", ws, check=True).stdout
    assert after == before
    assert len(list((ws / "builds").iterdir())) == 1  # the failed build's folder is gone


def test_corrupted_faiss_index_is_reported(built):
    ws = built
    (ws / "current" / "search" / "vectors.faiss").write_bytes(b"not a faiss index")
    msg = one_line_error(run_kg("search", "郑州", "--workspace", ws))
    assert "kg build" in msg
    doctor = run_kg("doctor", "--no-model", "--workspace", ws)
    assert doctor.returncode == 1 and "FAIL search index" in doctor.stdout


def test_corrupted_store_is_reported(built):
    ws = built
    store = ws / "current" / "store"
    for path in store.iterdir():
        if path.is_file() and path.stat().st_size > 0:
            path.write_bytes(b"\x00garbage" * 100)
    proc = run_kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--workspace", ws)
    assert "kg build" in one_line_error(proc) or proc.returncode != 0
    doctor = run_kg("doctor", "--no-model", "--workspace", ws)
    assert doctor.returncode == 1 and "FAIL" in doctor.stdout


def test_missing_manifest_is_reported(built):
    ws = built
    (ws / "current" / "manifest.json").unlink()
    assert "corrupt" in one_line_error(run_kg("sparql", "ASK {}", "--workspace", ws))


def test_store_that_disagrees_with_the_manifest_is_caught_by_doctor(built):
    ws = built
    manifest = ws / "current" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["counts"]["Passage"] += 1
    manifest.write_text(json.dumps(data), encoding="utf-8")
    doctor = run_kg("doctor", "--no-model", "--workspace", ws)
    assert doctor.returncode == 1 and "differ from the manifest" in doctor.stdout


def test_doctor_passes_on_a_good_workspace(built):
    out = run_kg("doctor", "--workspace", built)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("ok ") == 5
