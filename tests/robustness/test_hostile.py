"""Hostile content: HTML/JS in documents, characters special to RDF, SPARQL results, IRIs and
file names that need escaping. Every output stays well-formed and inert."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from rdflib import Graph

from ..conftest import run_kg

HOSTILE = ('2024年,郑州市新增城镇就业13.93万人。<script>alert("x")</script> 标签"引号"\\反斜杠 '
           ']]> &amp; <img src=x onerror=alert(1)> 《“郑好办”平台》。\n\n'
           '2025年,郑州将新建5G基站4000个以上。\u0000\u202e反向文字 #井号 ?问号 /斜杠。')


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "a b#<x>?.txt").write_text(HOSTILE.replace("\u0000", ""), encoding="utf-8")
    ws = tmp_path_factory.mktemp("ws") / "ws"
    run_kg("build", "--corpus", corpus, "--workspace", ws, check=True)
    return ws


def test_text_is_stored_as_written(hostile_ws):
    rows = json.loads(run_kg("sparql", "SELECT ?t WHERE { ?p a gk:Passage ; gk:text ?t }", "--format", "json",
                             "--workspace", hostile_ws, check=True).stdout)["results"]["bindings"]
    text = "".join(r["t"]["value"] for r in rows)
    assert '<script>alert("x")</script>' in text and "\\反斜杠" in text


def test_iris_are_valid_and_file_names_are_kept(hostile_ws):
    out = run_kg("sparql", "SELECT ?d ?f WHERE { ?d gk:sourceFile ?f }", "--format", "json",
                 "--workspace", hostile_ws, check=True)
    [row] = json.loads(out.stdout)["results"]["bindings"]
    assert row["f"]["value"] == "a b#<x>?.txt"
    iri = row["d"]["value"]
    assert not any(c in iri[len("https://"):] for c in ' <>"{}|\\^`#?')


@pytest.mark.parametrize("fmt", ["xml", "csv", "tsv", "json"])
def test_select_results_are_well_formed(hostile_ws, fmt):
    out = run_kg("sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "--format", fmt, "--workspace", hostile_ws,
                 check=True).stdout
    if fmt == "xml":
        ET.fromstring(out)
    elif fmt == "json":
        json.loads(out)
    else:
        assert out.count("\n") > 10


def test_construct_turtle_parses_back(hostile_ws):
    ttl = run_kg("sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--format", "ttl",
                 "--workspace", hostile_ws, check=True).stdout
    n = json.loads(run_kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json",
                          "--workspace", hostile_ws, check=True).stdout)["results"]["bindings"][0]["n"]["value"]
    assert len(Graph().parse(data=ttl, format="turtle")) == int(n)


@pytest.mark.parametrize("fmt, parse", [
    ("nt", lambda p: len(Graph().parse(p, format="nt"))),
    ("ttl", lambda p: len(Graph().parse(p, format="turtle"))),
    ("jsonld", lambda p: len(Graph().parse(p, format="json-ld"))),
    ("graphml", lambda p: nx.read_graphml(p).number_of_nodes()),
    ("gexf", lambda p: nx.read_gexf(p).number_of_nodes()),
    ("cytoscape", lambda p: len(json.loads(open(p, encoding="utf-8").read())["elements"])),
])
def test_exports_stay_well_formed(hostile_ws, tmp_path, fmt, parse):
    out = tmp_path / f"graph.{fmt}"
    run_kg("export", "--format", fmt, "-o", out, "--include-passages", "--workspace", hostile_ws, check=True)
    assert parse(out) > 0


def test_html_export_escapes_document_text(hostile_ws, tmp_path):
    out = tmp_path / "graph.html"
    run_kg("export", "--format", "html", "-o", out, "--include-passages", "--workspace", hostile_ws, check=True)
    html = out.read_text(encoding="utf-8")
    assert '<script>alert("x")</script>' not in html
    assert "<img src=x onerror" not in html
    import re

    assert not re.search(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=[\"']?(?:https?:)?//", html)
