"""Per-document incremental builds: an unchanged document is neither read nor extracted again,
and the result equals a full --force build triple for triple."""
from __future__ import annotations

import json

import os
import shutil

import pytest

import kg
from kg.build import build

from .conftest import CORPUS


def _triples(ws) -> set[str]:
    graph = kg.open(ws)
    try:
        return {" ".join(str(t) for t in triple) for triple in graph.store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")}
    finally:
        graph.close()


@pytest.mark.slow
def test_adding_a_document_reuses_the_others_and_equals_a_full_build(tmp_path):
    names = sorted(os.listdir(CORPUS))[:3]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names[:2]:
        shutil.copy(CORPUS / name, corpus / name)
    incremental = tmp_path / "incremental"
    build(corpus, incremental, force=True)
    # the third document with a sentence of its own: bytes no earlier build (of this session) saw
    text = (CORPUS / names[2]).read_text(encoding="utf-8") + "\n2025年全市新增城镇就业11.2万人。\n"
    (corpus / names[2]).write_text(text, encoding="utf-8")
    report = build(corpus, incremental)
    assert report.reused == 2 and len(report.documents) == 3
    full = build(corpus, tmp_path / "full", force=True)
    assert full.reused == 0
    assert _triples(incremental) == _triples(tmp_path / "full")


@pytest.mark.slow
def test_an_edited_document_is_extracted_again(tmp_path):
    names = sorted(os.listdir(CORPUS))[:2]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names:
        shutil.copy(CORPUS / name, corpus / name)
    ws = tmp_path / ".kg"
    build(corpus, ws)
    edited = corpus / names[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n2025年全市新增城镇就业9.9万人。\n", encoding="utf-8")
    report = build(corpus, ws)
    assert report.reused == 1
    values = {r["v"] for r in kg.open(ws).sparql("SELECT ?v WHERE { ?o gk:value ?v }")}
    assert "9.9" in values


@pytest.mark.slow
def test_documents_extracted_by_two_processes_give_the_same_workspace(tmp_path, monkeypatch):
    """kg build --jobs 2 (a forked DocumentPool) and --jobs 1 (all in one process): the same
    triples, the same passage vectors."""
    import numpy as np

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))  # one embedding cache: encoded once
    serial = build(CORPUS, tmp_path / "serial", force=True, jobs=1)
    parallel = build(CORPUS, tmp_path / "parallel", force=True, jobs=2)  # force: nothing from the document cache
    assert parallel.reused == 0 and len(parallel.documents) == len(serial.documents) >= 3
    assert _triples(tmp_path / "serial") == _triples(tmp_path / "parallel")
    # validation ran in a forked process with --jobs 2: the same report
    manifests = [json.loads((r.build_dir / "manifest.json").read_text()) for r in (serial, parallel)]
    assert [{k: m[k] for k in ("counts", "triples", "shacl")} for m in manifests] == \
        [{k: manifests[0][k] for k in ("counts", "triples", "shacl")}] * 2
    a, b = (np.load(report.build_dir / "search" / "vectors.npy") for report in (serial, parallel))
    assert a.shape == b.shape and len(a) > 0 and np.allclose(a, b, atol=1e-6)
    # the lexical half of the search index was written by a forked process with --jobs 2: the same
    # passages, words and BM25 ranking (bm25s numbers its vocabulary in a process's hash order)
    for name in ("passages.json", "userdict.txt"):
        assert (serial.build_dir / "search" / name).read_bytes() == (parallel.build_dir / "search" / name).read_bytes()
    from kg.query.search import Searcher

    searchers = [Searcher(r.build_dir) for r in (serial, parallel)]
    for question in ("城镇新增就业", "地区生产总值增长"):
        scores = [s.lexical_scores(question) for s in searchers]
        assert scores[0].max() > 0 and np.allclose(scores[0], scores[1], atol=1e-5)


def test_jobs_must_be_a_positive_number():
    from kg.build import extraction_jobs
    from kg.errors import InputError

    assert extraction_jobs(4, 3) == 3 and extraction_jobs(2, 10) == 2 and extraction_jobs(1, 10) == 1
    assert extraction_jobs(4, 2) == 1 and extraction_jobs(None, 10) >= 1  # two documents: not worth a fork
    with pytest.raises(InputError):
        extraction_jobs(0, 10)


@pytest.mark.slow
def test_adding_changing_and_removing_documents_in_turns_equals_full_builds(tmp_path, monkeypatch):
    """Each turn changes the previous build's store by the difference (its manifest says so) and
    gives what a full --force build of the same corpus gives: triples, counts, SHACL report and
    vectors; a removed file leaves nothing of it in the graph."""
    import numpy as np

    from kg.query.search import Searcher

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))  # one embedding cache: encoded once
    names = sorted(os.listdir(CORPUS))
    assert len(names) >= 5
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names[:4]:
        shutil.copy(CORPUS / name, corpus / name)
    ws = tmp_path / "ws"
    build(corpus, ws, force=True)

    def add():
        shutil.copy(CORPUS / names[4], corpus / names[4])

    def change():
        edited = corpus / names[1]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n2025年全市新增城镇就业8.7万人。\n", encoding="utf-8")

    def remove():
        (corpus / names[2]).unlink()

    for turn, step in enumerate((add, change, remove)):
        step()
        report = build(corpus, ws)
        manifest = json.loads((report.build_dir / "manifest.json").read_text())
        assert manifest["graph"]["store"] == "changed", step.__name__
        full = build(corpus, tmp_path / f"full{turn}", force=True)
        full_manifest = json.loads((full.build_dir / "manifest.json").read_text())
        assert full_manifest["graph"]["store"] == "loaded"
        assert _triples(ws) == _triples(tmp_path / f"full{turn}"), step.__name__
        assert {k: manifest[k] for k in ("counts", "triples", "shacl")} == \
            {k: full_manifest[k] for k in ("counts", "triples", "shacl")}
        a, b = (np.load(r.build_dir / "search" / "vectors.npy") for r in (report, full))
        assert a.shape == b.shape and np.allclose(a, b, atol=1e-6)
        # the lexical index, its tokens partly from the token cache: the same passages and scores
        assert (report.build_dir / "search" / "passages.json").read_bytes() == \
            (full.build_dir / "search" / "passages.json").read_bytes()
        searchers = [Searcher(r.build_dir) for r in (report, full)]
        for question in ("城镇新增就业", "地区生产总值增长", "重点项目投资"):
            scores = [s.lexical_scores(question) for s in searchers]
            assert scores[0].max() > 0 and np.allclose(scores[0], scores[1], atol=1e-5), question
    values = {r["v"] for r in kg.open(ws).sparql("SELECT ?v WHERE { ?o gk:value ?v }")}
    assert "8.7" in values
    removed = kg.open(ws).sparql(f'SELECT ?d WHERE {{ ?d gk:sourceFile "{names[2]}" }}')
    assert removed == []


@pytest.mark.slow
def test_a_damaged_previous_build_is_never_the_base_and_a_failed_change_loads_anew(tmp_path, monkeypatch):
    """The previous build's store is changed into the next one only when its checksums hold: with a
    table damaged, the next build loads its store anew (and equals a full build). A failure while
    changing the base (injected here) also falls back to loading anew, and the build succeeds."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    names = sorted(os.listdir(CORPUS))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names[:3]:
        shutil.copy(CORPUS / name, corpus / name)
    ws = tmp_path / "ws"
    first = build(corpus, ws, force=True)
    table = max((first.build_dir / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    data = bytearray(table.read_bytes())
    data[len(data) // 2:len(data) // 2 + 64] = bytes(64)
    table.write_bytes(bytes(data))
    shutil.copy(CORPUS / names[3], corpus / names[3])
    report = build(corpus, ws)
    assert json.loads((report.build_dir / "manifest.json").read_text())["graph"]["store"] == "loaded"
    full = build(corpus, tmp_path / "full", force=True)
    assert _triples(ws) == _triples(tmp_path / "full")

    import kg.graph.writer as writer_module

    def failing(*args, **kwargs):
        raise OSError("injected: the base could not be changed")

    monkeypatch.setattr(writer_module, "change_store", failing)
    (corpus / names[0]).unlink()
    after = build(corpus, ws)
    assert (after.build_dir / "store").is_dir() and after.counts == build(corpus, tmp_path / "full2", force=True).counts
    assert _triples(ws) == _triples(tmp_path / "full2")
    assert full.counts != after.counts
