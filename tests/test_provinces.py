"""End to end on real reports: three provincial work reports of ../shared/provinces built with the
CLI, scored with ../shared/eval/score.py on their exhaustively labelled passages (precision: every
observation inside a span must be right) and their labelled facts (recall). Skipped when the
shared folder is not beside the checkout."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT, run_kg

SHARED = ROOT.parent / "shared"
PROVINCES = SHARED / "provinces"
EVAL = SHARED / "eval"
# three reports of different layouts: one paragraph a line with numbered headings, a five-year
# review opening the report, and a page saved with its toolbar lines
CHOSEN = ["anhui_2026_gov_work_report.txt", "hebei_2026_gov_work_report.txt", "sichuan_2026_gov_work_report.txt"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (PROVINCES.is_dir() and (EVAL / "score.py").is_file()),
                                 reason="../shared/provinces is not beside the checkout")]


@pytest.fixture(scope="module")
def three_provinces(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("provinces")
    for name in CHOSEN:
        shutil.copy(PROVINCES / name, corpus / name)
    ws = tmp_path_factory.mktemp("ws") / ".kg"
    run_kg("build", "--corpus", corpus, "--workspace", ws, check=True, timeout=1200)
    return ws


def _subset(tmp_path, name: str) -> str:
    rows = [line for line in (EVAL / name).read_text(encoding="utf-8").splitlines()
            if line.strip() and json.loads(line)["doc"] in CHOSEN]
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def _score(*args):
    kg_cmd = f"{sys.executable} -m kg"
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), *args, "--kg", kg_cmd],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_span_precision_and_recall(three_provinces, tmp_path):
    out = _score("spans", _subset(tmp_path, "spans_provinces_dev.jsonl"), "--workspace", str(three_provinces))
    m = re.search(r"span precision \d+/\d+ = ([\d.]+)\s+span recall \d+/\d+ = ([\d.]+)", out)
    assert m, out
    precision, recall = float(m.group(1)), float(m.group(2))
    assert precision >= 0.92, out
    assert recall >= 0.85, out


def test_facts_recall_and_trace(three_provinces, tmp_path):
    out = _score("facts", _subset(tmp_path, "facts_provinces_dev.jsonl"), "--workspace", str(three_provinces))
    m = re.search(r"facts recall: \d+/\d+ = ([\d.]+)", out)
    assert m and float(m.group(1)) >= 0.9, out
    out = _score("trace", "--workspace", str(three_provinces))
    assert "= 1.000" in out, out


def test_document_structure_is_queryable(three_provinces):
    rows = json.loads(run_kg("sparql", """SELECT ?file ?kind ?place ?year (COUNT(?s) AS ?sections) WHERE {
        ?d gk:sourceFile ?file ; gk:documentKind ?kind ; gk:subjectPlace/rdfs:label ?place ; gk:reportYear ?year .
        ?s a gk:Section ; gk:inDocument ?d } GROUP BY ?file ?kind ?place ?year ORDER BY ?file""",
                             "--format", "json", "--workspace", three_provinces, check=True).stdout)
    got = {(r["file"]["value"], r["kind"]["value"].rsplit("#", 1)[-1], r["place"]["value"], r["year"]["value"][:4])
           for r in rows["results"]["bindings"]}
    assert got == {("anhui_2026_gov_work_report.txt", "WorkReport", "安徽省", "2026"),
                   ("hebei_2026_gov_work_report.txt", "WorkReport", "河北省", "2026"),
                   ("sichuan_2026_gov_work_report.txt", "WorkReport", "四川省", "2026")}
    assert all(int(r["sections"]["value"]) >= 4 for r in rows["results"]["bindings"])


def test_gdp_growth_target_example(three_provinces):
    rows = json.loads(run_kg("sparql", "@examples/gdp_growth_target_2026.rq", "--format", "json",
                             "--workspace", three_provinces, check=True).stdout)["results"]["bindings"]
    got = {r["place"]["value"]: (r["value"]["value"], r.get("max", {}).get("value")) for r in rows}
    # 安徽 "增长5%—5.5%", 河北 "增长5%以上", 四川 "增长5.5%左右"
    assert got == {"安徽省": ("5", "5.5"), "河北省": ("5", None), "四川省": ("5.5", None)}


# ------------------------------------------------------------------ search inside SPARQL

ISSUE_EXAMPLE = """PREFIX gk: <https://w3id.org/govkg/ontology#>
SELECT ?passage ?score ?doc WHERE {
  SERVICE <https://w3id.org/govkg/search> {
    ?passage gk:matches "低空经济" ; gk:score ?score .
  }
  ?passage gk:inDocument ?doc .
}
ORDER BY DESC(?score)"""


def _three_ways(workspace, query, server):
    """The rows of a query through kg sparql, g.sparql and the endpoint (SPARQLWrapper: JSON, CSV)."""
    import csv
    import io

    from SPARQLWrapper import CSV, JSON, SPARQLWrapper

    import kg

    cli = [{k: v["value"] for k, v in b.items()} for b in json.loads(run_kg(
        "sparql", query, "--format", "json", "--workspace", workspace, check=True).stdout)["results"]["bindings"]]
    graph = kg.open(workspace)
    try:
        api = [{k: v for k, v in r.items() if v is not None} for r in graph.sparql(query)]
        hits = graph.search("低空经济", k=50)
    finally:
        graph.close()
    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(JSON)
    endpoint = [{k: v["value"] for k, v in b.items()} for b in sw.queryAndConvert()["results"]["bindings"]]
    sw.setReturnFormat(CSV)
    table = [{k: v for k, v in r.items() if v} for r in csv.DictReader(io.StringIO(sw.queryAndConvert().decode("utf-8")))]
    assert cli == api == endpoint == table
    return api, hits


def test_search_inside_sparql_on_provinces(three_provinces, tmp_path):
    from .test_server import Server

    server = Server(three_provinces, tmp_path / "serve.log")
    try:
        server.wait_ready()
        rows, hits = _three_ways(three_provinces, ISSUE_EXAMPLE, server)
        assert [(r["passage"], float(r["score"])) for r in rows] == [(h["passage"], h["score"]) for h in hits[:20]]
        example = (ROOT / "examples" / "search_with_growth_targets.rq").read_text(encoding="utf-8")
        rows, hits = _three_ways(three_provinces, example, server)
    finally:
        server.stop()
    # 安徽 5%—5.5% and 四川 5.5% reach 5.5%; 河北 5% does not
    assert {r["place"] for r in rows} == {"安徽省", "四川省"}
    assert {r["target"] for r in rows} == {"5–5.5%", "5.5%"}
    score = {h["text"]: h["score"] for h in hits}  # the search's passages (k 50), with its scores
    assert all(score[r["text"]] == float(r["score"]) for r in rows)
    assert any("低空" in r["text"] for r in rows)


def test_search_for_programs_of_a_province(three_provinces):
    import kg

    graph = kg.open(three_provinces)
    try:
        rows = graph.sparql((ROOT / "examples" / "search_programs_of_province.rq").read_text(encoding="utf-8"))
        sichuan = {r["name"] for r in graph.sparql("""SELECT DISTINCT ?name WHERE { ?x a gk:Program ; rdfs:label ?name ;
            gk:locatedIn/gk:locatedIn* ?p . ?p rdfs:label "四川省"@zh }""")}
    finally:
        graph.close()
    assert len(rows) >= 5 and {r["program"] for r in rows} <= sichuan
    best = [float(r["best"]) for r in rows]
    assert best == sorted(best, reverse=True)
