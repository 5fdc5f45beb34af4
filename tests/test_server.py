"""kg serve: the real server (`kg serve` in a subprocess on a free loopback port) driven over HTTP
with httpx and SPARQLWrapper, and the web page in a headless, offline Chromium."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import rdflib

from .conftest import ROOT, run_kg

TIMEOUT = 3  # the server's --timeout in these tests, seconds
MAX_ROWS = 500
GK = "https://w3id.org/govkg/ontology#"
GKR = "https://w3id.org/govkg/resource/"
ARTIFACTS = ROOT / "tests" / "artifacts"
PER_DOC = "SELECT ?f (COUNT(?p) AS ?n) WHERE { ?p gk:inDocument/gk:sourceFile ?f } GROUP BY ?f ORDER BY ?f"
LABELS = """SELECT ?e ?label (1 AS ?one) (2.5 AS ?dec) ?missing WHERE {
  ?e a gk:Metric ; rdfs:label ?label } ORDER BY ?e LIMIT 40"""
CONSTRUCT = "CONSTRUCT { ?p gk:locatedIn ?c } WHERE { ?p gk:locatedIn ?c }"
RUNAWAY_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_SELECT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_ORDERED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
QUESTION = "2024年郑州市优良天数是多少"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workspace: Path, log: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = open(log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--workspace", str(workspace), "--port", str(self.port),
             "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), *extra],
            cwd=ROOT, stdout=self._log_file, stderr=subprocess.STDOUT)

    def wait_ready(self, limit: float = 300.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"kg serve exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"kg serve did not answer within {limit:.0f} s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


@pytest.fixture(scope="module")
def server(built_workspace, tmp_path_factory):
    srv = Server(built_workspace, tmp_path_factory.mktemp("serve") / "serve.log")
    workers: list[int] = []
    try:
        srv.wait_ready()
        yield srv
        workers = children(srv.proc.pid)
    finally:
        srv.stop()
    # a clean shutdown on SIGTERM (uvicorn re-raises the signal once it has shut down), workers gone
    assert srv.proc.returncode in (0, -signal.SIGTERM), srv.log.read_text()[-2000:]
    assert "Application shutdown complete" in srv.log.read_text()
    time.sleep(0.5)
    assert len(workers) == 2 and not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        out += [int(x) for x in task.read_text().split()]
    return out


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def sparql_url(server) -> str:
    return server.url + "/sparql"


# ------------------------------------------------------------------ protocol forms

def _bindings(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    data = response.json()
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_get_post_form_and_post_direct_agree_with_the_store(http, kgraph):
    expected = [{k: v for k, v in row.items()} for row in kgraph.sparql(PER_DOC)]
    assert len(expected) == 5
    accept = {"Accept": "application/sparql-results+json"}
    got_get = _bindings(http.get("/sparql", params={"query": PER_DOC}, headers=accept))
    got_form = _bindings(http.post("/sparql", data={"query": PER_DOC}, headers=accept))
    got_direct = _bindings(http.post("/sparql", content=PER_DOC.encode("utf-8"),
                                     headers={**accept, "Content-Type": "application/sparql-query; charset=utf-8"}))
    assert got_get == got_form == got_direct == expected


def test_chinese_literals_round_trip(http):
    q = 'SELECT ?p WHERE { ?p a gk:City ; rdfs:label "郑州市"@zh }'
    rows = _bindings(http.get("/sparql", params={"query": q}))
    assert rows == [{"p": GKR + "place/郑州市"}]


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", "JSON"), ("application/sparql-results+xml", "XML"),
    ("text/csv", "CSV"), ("text/tab-separated-values", "TSV")])
def test_each_result_format_matches_pyoxigraph(http, kgraph, accept, fmt):
    import pyoxigraph as ox

    r = http.get("/sparql", params={"query": LABELS}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    assert r.headers["x-kg-rows"] == "40"
    expected = kgraph.query_raw(LABELS).serialize(format=getattr(ox.QueryResultsFormat, fmt))
    body = r.content
    if fmt == "XML":  # the same document; pyoxigraph escapes " in text, which XML does not need
        expected = expected.replace(b"&quot;", b'"')
    assert body == expected


def test_result_formats_parse(http):
    r = http.get("/sparql", params={"query": LABELS}, headers={"Accept": "application/sparql-results+xml"})
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(r.content)
    assert [v.get("name") for v in root.find("s:head", ns)] == ["e", "label", "one", "dec", "missing"]
    results = root.findall("s:results/s:result", ns)
    assert len(results) == 40
    lit = results[0].find("s:binding[@name='label']/s:literal", ns)
    assert lit.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh" and lit.text

    r = http.get("/sparql", params={"query": LABELS}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["e", "label", "one", "dec", "missing"] and len(rows) == 41
    assert rows[1][2:] == ["1", "2.5", ""]

    r = http.get("/sparql", params={"query": LABELS}, headers={"Accept": "text/tab-separated-values"})
    lines = r.text.rstrip("\n").split("\n")
    assert lines[0] == "?e\t?label\t?one\t?dec\t?missing" and len(lines) == 41
    assert lines[1].split("\t")[2:] == ["1", "2.5", ""] and lines[1].startswith("<" + GKR)


def test_content_negotiation(http):
    def kind(accept=None, query=PER_DOC, **params):
        headers = {"Accept": accept} if accept is not None else {}
        r = http.get("/sparql", params={"query": query, **params}, headers=headers)
        return r.status_code, r.headers.get("content-type", "").split(";")[0]

    assert kind() == (200, "application/sparql-results+json")  # no Accept
    assert kind("*/*") == (200, "application/sparql-results+json")
    assert kind("text/csv;q=0.5, application/sparql-results+xml;q=0.9") == (200, "application/sparql-results+xml")
    assert kind("text/*") == (200, "text/csv")
    assert kind("application/json") == (200, "application/sparql-results+json")
    # a browser's Accept
    assert kind("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8") == (
        200, "application/sparql-results+xml")
    assert kind("text/csv", format="json") == (200, "application/sparql-results+json")  # ?format= wins
    assert kind("image/png")[0] == 406
    assert kind(None, query=CONSTRUCT) == (200, "text/turtle")
    assert kind("application/n-triples", query=CONSTRUCT) == (200, "application/n-triples")
    assert kind("application/rdf+xml", query=CONSTRUCT) == (200, "application/rdf+xml")
    assert kind("application/ld+json", query=CONSTRUCT) == (200, "application/ld+json")
    assert kind("application/sparql-results+json, text/turtle;q=0.9", query=CONSTRUCT) == (200, "text/turtle")
    assert kind("text/csv", query="ASK { ?s ?p ?o }") == (200, "text/csv")
    r = http.get("/sparql", params={"query": PER_DOC, "format": "bogus"})
    assert r.status_code == 406 and "unknown format" in r.text


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld")])
def test_construct_formats(http, kgraph, accept, rdflib_format):
    expected = len(kgraph.sparql(CONSTRUCT))
    assert 0 < expected <= MAX_ROWS
    r = http.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    g = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    assert len(g) == expected
    assert (rdflib.URIRef(GKR + "place/郑州市/中原区"), rdflib.URIRef(GK + "locatedIn"),
            rdflib.URIRef(GKR + "place/郑州市")) in g


def test_describe_and_ask(http):
    r = http.get("/sparql", params={"query": f"DESCRIBE <{GKR}place/郑州市>"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "郑州市" in r.text
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert len(g) > 3
    r = http.get("/sparql", params={"query": "ASK { ?p a gk:Passage }"})
    assert r.json() == {"head": {}, "boolean": True}
    r = http.get("/sparql", params={"query": "ASK { ?p a gk:Passage }"}, headers={"Accept": "application/sparql-results+xml"})
    assert b"<boolean>true</boolean>" in r.content


# ------------------------------------------------------------------ refusals and errors

@pytest.mark.parametrize("how", ["query-param", "update-form", "update-get", "sparql-update-body", "delete-where"])
def test_updates_are_refused(http, kgraph, how):
    update = f"INSERT DATA {{ <{GKR}x> <{GK}text> \"hacked\" }}"
    if how == "query-param":
        r = http.post("/sparql", data={"query": update})
    elif how == "update-form":
        r = http.post("/sparql", data={"update": update})
    elif how == "update-get":
        r = http.get("/sparql", params={"update": update})
    elif how == "sparql-update-body":
        r = http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    else:
        r = http.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert r.status_code == 403, r.text
    assert "read-only" in r.text and "\n" not in r.text.strip()
    assert kgraph.sparql("ASK { ?s ?p \"hacked\" }") is False
    assert http.get("/sparql", params={"query": "ASK { ?p a gk:Passage }"}).json()["boolean"] is True


def test_malformed_query_is_400_with_a_message(http):
    r = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400
    assert r.text.startswith("malformed SPARQL query:") and len(r.text.strip().splitlines()) == 1
    r = http.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400 and "SERVICE" in r.text
    assert http.get("/sparql").status_code == 400  # no query
    assert http.get("/sparql", params={"query": "  "}).status_code == 400
    r = http.get("/sparql", params=[("query", PER_DOC), ("query", PER_DOC)])
    assert r.status_code == 400 and "more than one" in r.text
    r = http.post("/sparql", content=PER_DOC, headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = http.get("/sparql", params={"query": PER_DOC, "default-graph-uri": "http://example.org/g"})
    assert r.status_code == 400 and "default-graph-uri" in r.text
    r = http.post("/sparql", content=b"x" * ((1 << 20) + 1), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_result_size_cap(http):
    r = http.get("/sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    r = http.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
    assert r.headers["x-sparql-maxrows"] == str(MAX_ROWS) and len(r.text.strip().splitlines()) == MAX_ROWS
    r = http.get("/sparql", params={"query": PER_DOC})
    assert "x-sparql-maxrows" not in r.headers


@pytest.mark.slow
def test_runaway_query_is_stopped_and_the_server_keeps_answering(http, server):
    other: list[tuple[int, float]] = []

    def meanwhile():  # other clients while the runaway runs: answered at once
        time.sleep(0.5)
        with httpx.Client(base_url=server.url, timeout=10) as c:
            for _ in range(5):
                t = time.monotonic()
                r = c.get("/sparql", params={"query": PER_DOC})
                other.append((r.status_code, time.monotonic() - t))

    side = threading.Thread(target=meanwhile)
    side.start()
    t0 = time.monotonic()
    r = http.get("/sparql", params={"query": RUNAWAY_COUNT})
    elapsed = time.monotonic() - t0
    side.join()
    assert r.status_code == 503, r.text
    assert "longer than the server's limit" in r.text
    assert TIMEOUT - 0.1 <= elapsed < TIMEOUT + 2
    assert [code for code, _ in other] == [200] * 5 and max(s for _, s in other) < 2

    # a streaming cross join is cut by the row cap, not by the clock
    t0 = time.monotonic()
    r = http.get("/sparql", params={"query": RUNAWAY_SELECT})
    assert r.status_code == 200 and r.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert time.monotonic() - t0 < TIMEOUT
    # one that must sort everything first is cut by a limit: the clock, or on a fast machine the
    # worker's memory first (500, README "Timeout and row cap"); either way at once, worker replaced
    t0 = time.monotonic()
    r = http.post("/sparql", data={"query": RUNAWAY_ORDERED})
    assert (r.status_code, "longer than the server's limit" in r.text or "out of the memory" in r.text) in \
        {(503, True), (500, True)}, r.text
    assert time.monotonic() - t0 < TIMEOUT + 2
    ordered_timed_out = r.status_code == 503  # (500: the memory limit came first; not a timeout)

    # the killed workers are replaced
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        health = http.get("/health").json()["sparql"]
        if health["idle"] == health["workers"]:
            break
        time.sleep(0.2)
    assert health["idle"] == health["workers"] and health["timeouts"] >= 1 + ordered_timed_out
    assert _bindings(http.get("/sparql", params={"query": PER_DOC}))


def test_a_query_past_the_memory_limit_stops_only_its_worker(built_workspace):
    import asyncio

    from kg.serve.sparql_worker import WorkerPool

    async def scenario():
        pool = WorkerPool(built_workspace / "current" / "store", size=1, timeout=60, max_rows=10, memory_mb=400)
        await pool.start()
        try:
            t = time.monotonic()
            hog = await pool.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f", [])
            hog_seconds = time.monotonic() - t
            after = await pool.query("ASK { ?p a gk:Passage }", [])
        finally:
            await pool.close()
        return hog, hog_seconds, after

    hog, seconds, after = asyncio.run(scenario())
    assert hog.status == 500 and "memory" in hog.error and seconds < 30
    assert after.status == 200 and json.loads(after.body) == {"head": {}, "boolean": True}


def test_cors(http):
    r = http.options("/sparql", headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    r = http.get("/sparql", params={"query": PER_DOC}, headers={"Origin": "http://localhost:3000"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "x-sparql-maxrows" in r.headers["access-control-expose-headers"].lower()


def test_keep_alive_responses_are_not_delayed(server):
    """Regression: without TCP_NODELAY every keep-alive response waited ~40 ms for a delayed ACK."""
    with httpx.Client(base_url=server.url, timeout=10) as c:
        c.get("/health")
        times = []
        for _ in range(9):
            t = time.perf_counter()
            assert c.get("/health").status_code == 200
            times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.025, times


# ------------------------------------------------------------------ search inside SPARQL

SEARCH_SERVICE = """SELECT ?passage ?score ?doc WHERE {
  SERVICE <https://w3id.org/govkg/search> { ?passage gk:matches "营商环境" ; gk:score ?score ; gk:k 8 . }
  ?passage gk:inDocument ?doc .
} ORDER BY DESC(?score)"""
# the text a variable bound by the graph: the pool runs the query giving its values first
SEARCH_BY_PROGRAM = """SELECT ?name ?p WHERE {
  ?prog a gk:Program ; rdfs:label ?name ; gk:locatedIn/rdfs:label "中原区"@zh .
  SERVICE <https://w3id.org/govkg/search> { ?p gk:matches ?name ; gk:k 1 } } ORDER BY ?name ?p"""


def test_search_service_rows_are_those_of_the_api_in_every_format(server, kgraph):
    from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper

    for query in (SEARCH_SERVICE, SEARCH_BY_PROGRAM):
        expected = kgraph.sparql(query)
        assert expected
        sw = SPARQLWrapper(sparql_url(server))
        sw.setQuery(query)
        sw.setReturnFormat(JSON)
        got = [{k: v["value"] for k, v in b.items()} for b in sw.queryAndConvert()["results"]["bindings"]]
        assert got == [{k: v for k, v in r.items() if v is not None} for r in expected]
        sw.setMethod(POST)
        sw.setReturnFormat(CSV)
        rows = list(csv.DictReader(io.StringIO(sw.queryAndConvert().decode("utf-8"))))
        assert rows == [{k: v or "" for k, v in r.items()} for r in expected]
    scores = [float(r["score"]) for r in kgraph.sparql(SEARCH_SERVICE)]
    assert [(r["passage"], float(r["score"])) for r in kgraph.sparql(SEARCH_SERVICE)] == \
        [(h["passage"], h["score"]) for h in kgraph.search("营商环境", k=8)] and len(scores) == 8


def test_search_service_errors_at_the_endpoint(http):
    r = http.get("/sparql", params={"query": 'SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> '
                                             '{ ?p gk:matches "营商环境" ; gk:place "火星" } }'})
    assert r.status_code == 400 and "火星" in r.text
    r = http.get("/sparql", params={"query": 'SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:k 3 } }'})
    assert r.status_code == 400 and "gk:matches" in r.text
    hostile = 'SELECT ?p WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:matches "x\\" } } DELETE { ?a ?b ?c } #" } }'
    r = http.get("/sparql", params={"query": hostile}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text


@pytest.mark.slow
def test_a_runaway_query_with_a_search_inside_is_stopped(http, server):
    query = """SELECT (COUNT(*) AS ?n) WHERE {
      SERVICE <https://w3id.org/govkg/search> { ?p gk:matches "营商环境" ; gk:k 200 }
      ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"""
    t0 = time.monotonic()
    r = http.post("/sparql", data={"query": query})
    assert r.status_code == 503 and "longer than the server's limit" in r.text, r.text
    assert time.monotonic() - t0 < TIMEOUT + 2  # one limit for the search and the query
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and http.get("/health").json()["sparql"]["idle"] < 2:
        time.sleep(0.2)
    assert _bindings(http.get("/sparql", params={"query": SEARCH_SERVICE}))


# ------------------------------------------------------------------ a real client

def test_sparqlwrapper_client(server, kgraph):
    from SPARQLWrapper import CSV, GET, JSON, POST, POSTDIRECTLY, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

    expected = {row["f"]: int(row["n"]) for row in kgraph.sparql(PER_DOC)}
    for method, request_method in ((GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)):
        sw = SPARQLWrapper(sparql_url(server))
        sw.setMethod(method)
        sw.setRequestMethod(request_method)
        sw.setQuery(PER_DOC)
        sw.setReturnFormat(JSON)
        res = sw.queryAndConvert()
        assert {b["f"]["value"]: int(b["n"]["value"]) for b in res["results"]["bindings"]} == expected

    sw = SPARQLWrapper(sparql_url(server))
    sw.setQuery(PER_DOC)
    sw.setReturnFormat(XML)
    doc = sw.queryAndConvert()  # an xml.dom document
    assert len(doc.getElementsByTagName("result")) == 5
    for fmt in (CSV, TSV):
        sw.setReturnFormat(fmt)
        text = sw.queryAndConvert().decode("utf-8")
        assert len(text.strip().splitlines()) == 6 and "001_2bba6ff831ee998f.txt" in text

    sw = SPARQLWrapper(sparql_url(server))
    sw.setQuery(CONSTRUCT)
    sw.setReturnFormat(XML)  # RDF/XML, read by SPARQLWrapper into an rdflib graph
    g = sw.queryAndConvert()
    assert len(g) == len(kgraph.sparql(CONSTRUCT))
    sw.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=sw.queryAndConvert(), format="turtle")
    assert len(g) == len(kgraph.sparql(CONSTRUCT))

    sw = SPARQLWrapper(sparql_url(server))
    sw.setQuery("ASK { ?p a gk:Passage }")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["boolean"] is True

    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(sparql_url(server))
    sw.setQuery("SELECT ?x WHERE { ?x ?y }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="malformed SPARQL query"):
        sw.queryAndConvert()

    import urllib.error

    sw = SPARQLWrapper(sparql_url(server))
    sw.setMethod(POST)
    sw.setQuery(f"INSERT DATA {{ <{GKR}x> <{GK}text> \"hacked\" }}")  # sent as update=...
    with pytest.raises(urllib.error.HTTPError) as err:
        sw.query()
    assert err.value.code == 403


# ------------------------------------------------------------------ search, ask, helpers

def test_search_and_ask_return_the_cli_json(http, built_workspace):
    cli = run_kg("search", "中欧班列开行了多少班", "-k", "3", "--format", "json", "--workspace", built_workspace)
    assert cli.returncode == 0, cli.stderr
    r = http.get("/search", params={"q": "中欧班列开行了多少班", "k": 3})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == json.loads(cli.stdout)

    cli = run_kg("ask", QUESTION, "--format", "json", "--workspace", built_workspace)
    assert cli.returncode == 0, cli.stderr
    r = http.get("/ask", params={"q": QUESTION})
    assert r.status_code == 200
    answer = r.json()
    assert answer == json.loads(cli.stdout)
    assert "231" in answer["answer"] and answer["facts"][0]["passage"].startswith(GKR + "passage/")


def test_compare_returns_the_cli_json(http, built_workspace):
    cli = run_kg("compare", "优良天数", "--place", "郑州", "--format", "json", "--workspace", built_workspace)
    assert cli.returncode == 0, cli.stderr
    r = http.get("/compare", params={"indicator": "优良天数", "place": "郑州"})
    assert r.status_code == 200 and r.json() == json.loads(cli.stdout)
    r = http.get("/compare", params={"indicator": "不存在的指标"})
    assert r.status_code == 400 and "no indicator" in r.json()["error"]


def test_documents_by_title_kind_place_and_date(http, kgraph):
    docs = http.get("/documents").json()
    assert len(docs) == 5 and docs == kgraph.documents()
    report = next(d for d in docs if d["kind"] == "WorkReport")
    assert report["title"].startswith("郑州市2024年") and report["kind_name"] == "政府工作报告"
    assert report["place"] == "郑州市" and report["passages"] > 0


def test_overview_questions_are_answered(http):
    o = http.get("/overview").json()
    assert o["counts"]["Document"] == 5 and 1 <= len(o["questions"]) <= 6
    for q in o["questions"][:2]:
        assert http.get("/ask", params={"q": q}).json()["facts"], q


def test_search_and_ask_errors(http):
    for path in ("/search", "/ask"):
        r = http.get(path)
        assert r.status_code == 400 and "q" in r.json()["error"]
        r = http.get(path, params={"q": "   "})
        assert r.status_code == 400 and "empty" in r.json()["error"]
        r = http.get(path, params={"q": "郑州", "k": "0"})
        assert r.status_code == 400 and r.json()["error"]
    r = http.get("/nowhere")
    assert r.status_code == 404 and r.json() == {"error": "Not Found"}


def test_health_info_examples_openapi(http):
    h = http.get("/health").json()
    assert h["status"] == "ok" and h["ready"] is True
    assert h["sparql"]["timeout"] == TIMEOUT and h["sparql"]["max_rows"] == MAX_ROWS
    assert http.get("/info").json()["counts"]["Document"] == 5
    names = [x["name"] for x in http.get("/examples").json()]
    assert names == sorted(p.stem for p in (ROOT / "examples").glob("*.rq"))
    spec = http.get("/openapi.json").json()
    assert {"/sparql", "/search", "/ask", "/health"} <= set(spec["paths"])
    assert {"get", "post"} <= set(spec["paths"]["/sparql"])
    docs = http.get("/docs").text
    assert "swagger-ui-bundle.js" in docs
    assert not re.search(r"""(src|href)=["']?https?://""", docs)  # served locally, no CDN
    for url in re.findall(r"""(?:src|href)=["']?(/[^"'\s>]+)""", docs):
        assert http.get(url).status_code == 200


def test_passage_entities_neighbourhood(http):
    p = http.get("/passage", params={"iri": GKR + "passage/004_40272a75c0343009/12"}).json()
    assert p["doc"] == "004_40272a75c0343009.txt" and "优良天数231天" in p["text"]
    assert p["end"] - p["start"] == len(p["text"])
    assert http.get("/passage", params={"iri": GKR + "passage/nope/1"}).status_code == 404
    assert http.get("/passage", params={"iri": "not an iri"}).status_code == 400

    found = http.get("/entities", params={"q": "郑州"}).json()
    assert found[0] == {"iri": GKR + "place/郑州市", "label": "郑州市", "matched": "郑州", "type": "Place"}

    g = http.get("/neighbourhood", params={"iri": GKR + "place/郑州市"}).json()
    assert g["center"]["label"] == "郑州市" and g["center"]["group"] == "Place"
    labels = {n["label"] for n in g["nodes"]}
    assert "中原区" in labels and "河南省" in labels
    assert any(o["predicate"] == "gk:mentions" for o in g["omitted"])
    assert all(e["source"] == g["center"]["iri"] or e["target"] == g["center"]["iri"] for e in g["edges"])
    assert http.get("/neighbourhood", params={"iri": GKR + "place/nowhere"}).status_code == 404


def test_page_is_self_contained(http):
    r = http.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text)
    static = Path(__file__).resolve().parent.parent / "kg" / "static"
    js = (static / "app.js").read_text(encoding="utf-8")
    # document text goes in with textContent only
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", js)
    assert not re.search(r"fetch\(\s*['\"]https?:", js)
    for name in ("app.js", "app.css"):
        assert http.get("/static/" + name).status_code == 200


# ------------------------------------------------------------------ command line

def test_serve_errors_are_one_line(tmp_path, built_workspace):
    cases = [
        (["serve", "--workspace", tmp_path / "none"], "no knowledge graph"),
        (["serve", "--workspace", built_workspace, "--port", "99999"], "--port"),
        (["serve", "--workspace", built_workspace, "--timeout", "0"], "--timeout"),
        (["serve", "--workspace", built_workspace, "--max-rows", "many"], "--max-rows"),
        (["serve", "--workspace", built_workspace, "--max-memory", "10"], "--max-memory"),
    ]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        cases.append((["serve", "--workspace", built_workspace, "--port", busy.getsockname()[1]], "cannot listen"))
        for args, message in cases:
            proc = run_kg(*args, timeout=120)
            assert proc.returncode == 1, (args, proc.stderr)
            lines = proc.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("kg serve: error:") and message in lines[0], proc.stderr


def wait_cancelled(http, before: dict) -> dict:
    """/health's SPARQL counters once one more query was cancelled and every worker is idle again;
    asserts that it was cancelled, not timed out."""
    deadline = time.monotonic() + TIMEOUT + 5
    while time.monotonic() < deadline:
        now = http.get("/health").json()["sparql"]
        if now["cancelled"] > before["cancelled"] and now["idle"] == now["workers"]:
            break
        time.sleep(0.1)
    assert now["cancelled"] == before["cancelled"] + 1 and now["timeouts"] == before["timeouts"]
    return now


def test_a_query_whose_client_goes_away_is_stopped(http, server):
    """The page's Cancel closes the request: the server kills the worker running it (counted as
    cancelled, not as a timeout) and has both workers again at once."""
    before = http.get("/health").json()["sparql"]
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(server.url + "/sparql", content=RUNAWAY_COUNT.encode(), timeout=httpx.Timeout(60, read=0.6),
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    now = wait_cancelled(http, before)
    assert now["idle"] == now["workers"] == 2
    assert http.post("/sparql", content=PER_DOC, headers={"Content-Type": "application/sparql-query"}).status_code == 200


def test_document_and_vocabulary(http, kgraph):
    docs = http.get("/documents").json()
    report = next(d for d in docs if d["kind"] == "WorkReport")
    d = http.get("/document", params={"file": report["file"]}).json()
    assert d["title"] == report["title"] and d["sections"] and d["passages"]
    # the text holds every passage at its offsets, and the sections cover it in order
    for p in d["passages"][:40]:
        text = kgraph.store.select(f"SELECT ?t WHERE {{ <{p['passage']}> gk:text ?t }}")[0]["t"]
        assert d["text"][p["start"]:p["end"]] == text
    assert [s["start"] for s in d["sections"]] == sorted(s["start"] for s in d["sections"])
    roles = {s["role"] for s in d["sections"]}
    assert "ReviewLastYear" in roles and any(s["role_name"] == "上年工作回顾" for s in d["sections"])
    bad = http.get("/document", params={"file": "no-such.txt"})
    assert bad.status_code == 400 and "no-such.txt" in bad.json()["error"]
    v = http.get("/vocabulary").json()
    shorts = {t["short"]: t for t in v["terms"]}
    assert v["prefixes"]["gk"] == GK and shorts["gk:locatedIn"]["label"] == "位于"
    assert shorts["gk:Agency"]["kind"] == "class" and "rdfs:label" in shorts
