"""Bad corpus input and bad queries: a clear one-line message, a skip with a warning or a refused
build, never a traceback, never a half-written workspace."""
from __future__ import annotations

import json
import os

import pytest

from kg.errors import InputError
from kg.ingest import read_document

from ..conftest import one_line_error, run_kg

GOOD = "2024年,郑州市新增城镇就业13.93万人,农村劳动力转移就业3.56万人。"


def build(corpus, ws):
    return run_kg("build", "--corpus", corpus, "--workspace", ws)


def info(ws):
    return json.loads(run_kg("info", "--format", "json", "--workspace", ws, check=True).stdout)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_bad_files_are_skipped_and_good_ones_built(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "report.txt").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nstream\x00\x9c\x78")
    (corpus / "photo.md").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (corpus / "huge.txt").write_bytes(b"a" * (50 * 1024 * 1024))  # 50 MB: over the size limit
    (corpus / "numbers.txt").write_text("123 456 789\n" * 200, encoding="utf-8")
    (corpus / "longline.txt").write_text("郑州" * 200_000, encoding="utf-8")  # one 400k-character line
    (corpus / "trad.txt").write_text("2024年,鄭州市新增城鎮就業13.93萬人。", encoding="utf-8")
    (corpus / "mixed.txt").write_bytes(GOOD.encode("utf-8") * 5 + "郑州".encode("gbk") + "。".encode("utf-8"))
    (corpus / "loop").symlink_to(corpus)
    ws = tmp_path / "ws"
    proc = build(corpus, ws)
    assert proc.returncode == 0, proc.stderr
    for name, reason in [("empty.txt", "empty"), ("report.txt", "binary"), ("photo.md", "binary"),
                         ("huge.txt", "too large")]:
        assert f"skipped {name}: " in proc.stderr and reason in proc.stderr
    data = info(ws)
    assert {f["file"] for f in data["corpus"]["files"]} == {"good.txt", "numbers.txt", "longline.txt", "trad.txt",
                                                           "mixed.txt"}
    mixed = next(f for f in data["corpus"]["files"] if f["file"] == "mixed.txt")
    assert "replaced" in mixed["encoding"]
    assert data["counts"]["Observation"] >= 2


def test_a_corpus_with_no_text_files_is_refused(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "scan.png").write_bytes(b"\x89PNG")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04")
    msg = one_line_error(build(folder, tmp_path / "ws"))
    assert "no .txt, .md, .html, .pdf or .docx files" in msg
    assert not (tmp_path / "ws" / "current").exists()


def test_a_corpus_of_only_bad_files_is_refused_and_the_old_build_stays(corpus, tmp_path):
    ws = tmp_path / "ws"
    assert build(corpus, ws).returncode == 0
    before = info(ws)["build"]
    (corpus / "good.txt").write_bytes(b"")
    msg = one_line_error(build(corpus, ws))
    assert "no readable documents" in msg
    assert info(ws)["build"] == before


def test_unreadable_file_is_a_reason_not_a_crash(tmp_path, monkeypatch):
    # tests run as root, for whom chmod 000 does not stop reading: make the read itself fail
    path = tmp_path / "locked.txt"
    path.write_text(GOOD, encoding="utf-8")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    with pytest.raises(InputError, match="permission denied"):
        read_document(path)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    folder = tmp_path_factory.mktemp("c")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    target = tmp_path_factory.mktemp("w") / "ws"
    run_kg("build", "--corpus", folder, "--workspace", target, check=True)
    return target


@pytest.mark.parametrize("query, words", [
    ("SELECT ?s WHERE { ?s ", "malformed"),
    ("INSERT DATA { gkr:x rdfs:label 'x' }", "read-only"),
    ("LOAD <http://example.org/x.ttl>", "read-only"),
    ("CLEAR ALL", "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("", "empty"),
])
def test_bad_sparql_in_the_cli(ws, query, words):
    assert words in one_line_error(run_kg("sparql", query, "--workspace", ws))


@pytest.mark.parametrize("args, words", [
    (["search", ""], "empty"),
    (["search", "郑州", "-k", "0"], "at least 1"),
    (["ask", ""], "empty"),
])
def test_bad_search_and_ask_input(ws, args, words):
    assert words in one_line_error(run_kg(*args, "--workspace", ws))


def test_huge_k_and_long_queries_are_answered(ws):
    out = run_kg("search", "郑州", "-k", "100000", "--format", "json", "--workspace", ws, check=True)
    assert len(json.loads(out.stdout)) == 1  # clamped to what there is
    out = run_kg("search", "就业" * 5000, "--format", "json", "--workspace", ws)
    assert out.returncode == 0 or "too long" in one_line_error(out)


@pytest.mark.parametrize("command", [["sparql", "ASK {}"], ["search", "郑州"], ["ask", "郑州"], ["info"], ["doctor"]])
def test_missing_workspace_names_the_fix(tmp_path, command):
    assert "kg build" in one_line_error(run_kg(*command, "--workspace", tmp_path / "none"))
