"""The CLI end to end: build, sparql, info, errors, and atomic builds under SIGKILL."""
from __future__ import annotations

import json
import os
from .conftest import run_kg

COUNT_PER_DOC = ("SELECT ?file (COUNT(?p) AS ?n) WHERE { ?p gk:inDocument/gk:sourceFile ?file } "
                 "GROUP BY ?file ORDER BY ?file")


def test_sparql_json_is_sparql_results_json(built_workspace):
    out = run_kg("sparql", COUNT_PER_DOC, "--format", "json", "--workspace", built_workspace, check=True)
    data = json.loads(out.stdout)
    assert data["head"]["vars"] == ["file", "n"]
    rows = data["results"]["bindings"]
    assert len(rows) == 5
    assert rows[0]["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_sparql_csv_table_and_query_file(built_workspace, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text(COUNT_PER_DOC, encoding="utf-8")
    out = run_kg("sparql", f"@{q}", "--format", "csv", "--workspace", built_workspace, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0].strip() == "file,n" and len(lines) == 6
    out = run_kg("sparql", COUNT_PER_DOC, "--workspace", built_workspace, check=True)
    assert "5 row(s)" in out.stdout


def test_insert_is_refused_with_one_line_and_nothing_changes(built_workspace):
    before = run_kg("sparql", COUNT_PER_DOC, "--format", "json", "--workspace", built_workspace).stdout
    out = run_kg("sparql", "INSERT DATA { gkr:x rdfs:label 'x' }", "--workspace", built_workspace)
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1 and "read-only" in out.stderr
    assert "Traceback" not in out.stderr
    after = run_kg("sparql", COUNT_PER_DOC, "--format", "json", "--workspace", built_workspace).stdout
    assert before == after


def test_missing_workspace_names_the_fix(tmp_path):
    out = run_kg("sparql", "ASK {}", "--workspace", tmp_path / "nowhere")
    assert out.returncode == 1
    assert "kg build" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_missing_query_file_and_bad_corpus(tmp_path):
    out = run_kg("sparql", "@/no/such/file.rq", "--workspace", tmp_path)
    assert out.returncode == 1 and "cannot read query file" in out.stderr
    out = run_kg("build", "--corpus", tmp_path / "missing", "--workspace", tmp_path / "ws")
    assert out.returncode == 1 and "corpus folder not found" in out.stderr
    assert not (tmp_path / "ws" / "current").exists()


def test_info_reports_counts_per_class_and_document(built_workspace):
    out = run_kg("info", "--format", "json", "--workspace", built_workspace, check=True)
    info = json.loads(out.stdout)
    assert info["counts"]["Document"] == 5 and info["counts"]["Passage"] > 100
    assert len(info["documents"]) == 5
    assert info["shacl"]["conforms"] is True
    assert info["versions"]["pyoxigraph"]


def test_bad_files_are_skipped_with_a_warning(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("郑州市2024年地区生产总值增长5.5%。", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "scan.txt").write_bytes(b"%PDF-1.4\x00\x01\x02")
    out = run_kg("build", "--corpus", corpus, "--workspace", tmp_path / "ws")
    assert out.returncode == 0, out.stderr
    assert "skipped empty.txt" in out.stderr and "skipped scan.txt" in out.stderr
    info = json.loads(run_kg("info", "--format", "json", "--workspace", tmp_path / "ws").stdout)
    assert info["counts"]["Document"] == 1
    assert {s["file"] for s in info["corpus"]["skipped"]} == {"empty.txt", "scan.txt"}


def test_a_document_whose_extraction_fails_is_skipped_and_reported(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("郑州市2024年政府工作报告\n\n2024年，郑州市地区生产总值增长5.5%。", encoding="utf-8")
    (corpus / "bad.txt").write_text("开封市2024年政府工作报告\n\n2024年，开封市地区生产总值增长5.1%。", encoding="utf-8")
    env = {**os.environ, "KG_FAIL_EXTRACTION": "bad.txt"}  # its extraction raises (kg/extract)
    out = run_kg("build", "--corpus", corpus, "--workspace", tmp_path / "ws", env=env)
    assert out.returncode == 0, out.stderr
    assert "skipped bad.txt: extraction failed (RuntimeError: injected failure)" in out.stderr
    info = json.loads(run_kg("info", "--format", "json", "--workspace", tmp_path / "ws").stdout)
    assert [s["file"] for s in info["corpus"]["skipped"]] == ["bad.txt"]
    assert info["counts"]["Document"] == 2  # its passages stay searchable …
    rows = json.loads(run_kg("sparql", "SELECT ?v WHERE { ?o a gk:Observation ; gk:value ?v }", "--format", "json",
                             "--workspace", tmp_path / "ws").stdout)["results"]["bindings"]
    assert [r["v"]["value"] for r in rows] == ["5.5"]  # … but it gives no facts, the other one does


def test_build_progress_in_a_log_is_one_line_per_stage():
    from io import StringIO

    from kg.cli_progress import StageLines

    now = [0.0]
    out = StringIO()
    lines = StageLines(out, every=10, clock=lambda: now[0], tick=0)
    for i in range(3):
        lines("ingest", f"doc{i}.txt")
        now[0] += 1
    lines("~encoding", "64/300 passages")  # a background note: no stage change
    lines("extract", "doc0.txt")
    now[0] += 12
    lines("extract", "doc1.txt")  # inside a long stage: a line every ~10 s, with the note
    now[0] += 1
    lines.finish()
    said = out.getvalue().splitlines()
    assert said[0] == "kg build: ingest: 3 done in 3.0 s"
    assert said[1].startswith("kg build: extract: 2 so far, 12 s (doc1.txt); encoding 64/300 passages")
    assert said[2] == "kg build: extract: 2 done in 13.0 s"


def test_build_in_a_script_prints_its_stages(tmp_path, small_corpus):
    proc = run_kg("build", "--corpus", small_corpus, "--workspace", tmp_path / ".kg", check=True)
    stages = [line.split(":")[1].strip() for line in proc.stderr.splitlines() if line.startswith("kg build:")]
    assert {"ingest", "extract", "graph", "store", "index"} <= set(stages), proc.stderr
