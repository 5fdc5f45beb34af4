"""kg serve through rebuilds: the server follows the workspace while a client keeps querying.

Two rebuilds with a changed corpus; runaway queries force timeouts before and after each one (the
respawned workers must open a store that still exists). Expected: the new data is served after
each rebuild, no request hangs past the timeout + 5 s, no error other than the timeouts, /health
truthful, and the replaced builds removed once the server has let them go."""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import CORPUS, run_kg
from .test_server import RUNAWAY_COUNT, TIMEOUT, Server

DOCUMENTS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a gk:Document }"


@pytest.mark.slow
def test_the_server_follows_rebuilds_while_a_client_queries(tmp_path):
    names = sorted(os.listdir(CORPUS))[:3]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / names[0], corpus / names[0])
    ws = tmp_path / ".kg"
    run_kg("build", "--corpus", corpus, "--workspace", ws, check=True)
    server = Server(ws, tmp_path / "serve.log", "--workers", "2")
    answers: list[tuple[int, float, int | None, str]] = []  # status, seconds, documents, error text
    stop = threading.Event()

    def client():
        with httpx.Client(base_url=server.url, timeout=TIMEOUT + 30) as c:
            while not stop.is_set():
                t = time.monotonic()
                r = c.get("/sparql", params={"query": DOCUMENTS}, headers={"Accept": "application/sparql-results+json"})
                n = int(r.json()["results"]["bindings"][0]["n"]["value"]) if r.status_code == 200 else None
                answers.append((r.status_code, time.monotonic() - t, n, "" if r.status_code == 200 else r.text))
                time.sleep(0.05)

    def runaways():
        """Two queries past the timeout, one after the other (the client keeps the other worker):
        each kills its worker, which is respawned on the store being served."""
        results = []
        for _ in range(2):
            t = time.monotonic()
            r = httpx.get(server.url + "/sparql", params={"query": RUNAWAY_COUNT}, timeout=TIMEOUT + 30)
            results.append((r.status_code, time.monotonic() - t, r.text))
        return results

    def documents_served(n: int, limit: float = 120.0) -> float:
        t = time.monotonic()
        while time.monotonic() - t < limit:
            if answers and answers[-1][2] == n:
                return time.monotonic() - t
            time.sleep(0.2)
        raise AssertionError(f"{n} documents never served; last answers {answers[-3:]}; "
                             f"log: {server.log.read_text()[-2000:]}")

    try:
        server.wait_ready()
        worker = threading.Thread(target=client)
        worker.start()
        documents_served(1)
        forced = runaways()
        for count in (2, 3):
            shutil.copy(CORPUS / names[count - 1], corpus / names[count - 1])
            run_kg("build", "--corpus", corpus, "--workspace", ws, check=True)
            documents_served(count)
            forced += runaways()  # the old build's workers are gone; these run on the new store
            documents_served(count, 30)
        for _ in range(100):  # the last runaway's worker is being respawned
            health = httpx.get(server.url + "/health", timeout=10)
            if health.json()["sparql"]["live"] == 2:
                break
            time.sleep(0.1)
        stop.set()
        worker.join(60)
    finally:
        stop.set()
        server.stop()

    assert all(status == 503 and "longer than the server's limit" in text for status, _, text in forced), forced
    assert all(seconds <= TIMEOUT + 5 for _, seconds, _ in forced)
    errors = [a for a in answers if a[0] != 200]
    assert not errors, errors[:5]
    assert max(seconds for _, seconds, _, _ in answers) <= TIMEOUT + 5
    seen = [n for _, _, n, _ in answers]
    assert seen == sorted(seen), "a request after the switch was answered from an older build"
    assert health.status_code == 200 and health.json()["status"] == "ok"
    current = Path(os.readlink(ws / "current")).name
    assert health.json()["build"] == current
    assert health.json()["sparql"]["live"] == 2
    left = sorted(p.name for p in (ws / "builds").iterdir())
    assert left == [current], left  # the replaced builds were removed once let go


@pytest.mark.slow
def test_workers_that_cannot_start_fail_fast_and_health_says_why(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = sorted(os.listdir(CORPUS))[0]
    shutil.copy(CORPUS / name, corpus / name)
    ws = tmp_path / ".kg"
    run_kg("build", "--corpus", corpus, "--workspace", ws, check=True)
    store = (ws / "current").resolve() / "store"
    server = Server(ws, tmp_path / "serve.log", "--workers", "1")
    try:
        server.wait_ready()
        store.rename(store.with_name("store.away"))  # the store vanishes under the server
        r = httpx.get(server.url + "/sparql", params={"query": RUNAWAY_COUNT}, timeout=TIMEOUT + 30)
        assert r.status_code in (500, 503)  # the worker is killed; its replacement cannot open the store
        for _ in range(100):
            health = httpx.get(server.url + "/health", timeout=10)
            if health.status_code == 503:
                break
            time.sleep(0.1)
        assert health.status_code == 503 and "no SPARQL worker is running" in health.json()["reason"]
        t = time.monotonic()
        r = httpx.get(server.url + "/sparql", params={"query": DOCUMENTS}, timeout=TIMEOUT + 30)
        assert r.status_code == 503 and "no SPARQL worker is running" in r.text
        assert time.monotonic() - t < 1.0  # at once, not after the timeout
        store.with_name("store.away").rename(store)  # back: the pool's retries recover
        for _ in range(200):
            if httpx.get(server.url + "/health", timeout=10).status_code == 200:
                break
            time.sleep(0.1)
        r = httpx.get(server.url + "/sparql", params={"query": DOCUMENTS}, timeout=TIMEOUT + 30)
        assert r.status_code == 200
    finally:
        server.stop()
