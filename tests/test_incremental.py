"""Per-document incremental builds: an unchanged document is neither read nor extracted again,
and the result equals a full --force build triple for triple."""
from __future__ import annotations

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
