"""Load test of `kg serve`: concurrent clients mixing /sparql, /search and /ask on loopback.

    .venv/bin/python bench/load_bench.py [--workspace .kg] [--clients 50] [--duration 60]
    .venv/bin/python bench/load_bench.py --url http://127.0.0.1:8000   # a server already running

Without --url it starts `kg serve` on a free loopback port (and stops it afterwards). Only
loopback addresses are accepted. Each client sends one request at a time, picked at random
(seeded) from the mix, until the duration is over; nothing runs longer than duration + the
request timeout. Prints throughput, p50/p99 latency per endpoint and the errors (any status other
than 200, or a failed request); exits 1 when there was an error. Writes bench/out/load_bench.json.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
MIX = {"sparql": 0.5, "search": 0.3, "ask": 0.2}
EXTRA_SPARQL = [
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    "SELECT ?label WHERE { ?m a gk:Metric ; rdfs:label ?label } ORDER BY ?label LIMIT 50",
    'SELECT ?p ?label WHERE { ?p gk:locatedIn+ ?c . ?c rdfs:label "郑州市"@zh . ?p rdfs:label ?label }',
    "ASK { ?o a gk:Observation ; gk:status gk:Target }",
    "CONSTRUCT { ?p gk:locatedIn ?c } WHERE { ?p gk:locatedIn ?c }",
]
ACCEPTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"]
GRAPH_ACCEPTS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        sys.exit(f"load_bench: refusing {url}: only loopback addresses (127.0.0.0/8, ::1, localhost)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workspace: str, timeout: float, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--workspace", workspace, "--port", str(port),
                             "--timeout", str(timeout), "--quiet"], cwd=ROOT,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"load_bench: kg serve exited with {proc.returncode}; see {log}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    sys.exit("load_bench: kg serve did not start within 300 s")


def requests_pool() -> dict[str, list]:
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "bench" / "tune_questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    sparql = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.rq"))] + EXTRA_SPARQL
    return {"sparql": sparql, "search": questions, "ask": questions}


async def client(http: httpx.AsyncClient, rng: random.Random, pool: dict, deadline: float, results: list,
                 max_requests: int) -> None:
    kinds, weights = list(MIX), list(MIX.values())
    while time.monotonic() < deadline and len(results) < max_requests:
        kind = rng.choices(kinds, weights)[0]
        t = time.perf_counter()
        try:
            if kind == "sparql":
                q = rng.choice(pool["sparql"])
                accept = rng.choice(GRAPH_ACCEPTS if q.lstrip().startswith("CONSTRUCT") else ACCEPTS)
                if rng.random() < 0.5:
                    r = await http.get("/sparql", params={"query": q}, headers={"Accept": accept})
                else:
                    r = await http.post("/sparql", content=q.encode("utf-8"),
                                        headers={"Content-Type": "application/sparql-query", "Accept": accept})
            elif kind == "search":
                r = await http.get("/search", params={"q": rng.choice(pool["search"]), "k": 10})
            else:
                r = await http.get("/ask", params={"q": rng.choice(pool["ask"])})
            await r.aread()
            status = r.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        results.append((kind, status, time.perf_counter() - t))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


async def run(url: str, clients: int, duration: float, request_timeout: float, seed: int) -> tuple[list, float]:
    pool = requests_pool()
    results: list = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=request_timeout, limits=limits) as http:
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(*(client(http, random.Random(seed + i), pool, deadline, results, 10_000_000)
                               for i in range(clients)))
        elapsed = time.monotonic() - start
    return results, elapsed


def report(results: list, elapsed: float, clients: int) -> dict:
    out = {"clients": clients, "seconds": round(elapsed, 1), "requests": len(results),
           "throughput_rps": round(len(results) / elapsed, 1), "endpoints": {}}
    errors = [r for r in results if r[1] != 200]
    out["errors"] = len(errors)
    out["error_examples"] = sorted({f"{k} {s}" for k, s, _ in errors})[:10]
    for kind in [*MIX, "all"]:
        lat = [s for k, st, s in results if (kind == "all" or k == kind)]
        ok = [s for k, st, s in results if (kind == "all" or k == kind) and st == 200]
        out["endpoints"][kind] = {"requests": len(lat), "rps": round(len(lat) / elapsed, 1),
                                  "p50_ms": round(percentile(ok, 50) * 1000, 1),
                                  "p99_ms": round(percentile(ok, 99) * 1000, 1),
                                  "mean_ms": round(statistics.fmean(ok) * 1000, 1) if ok else None,
                                  "errors": len(lat) - len(ok)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=None, help="a running server on loopback (default: start one)")
    ap.add_argument("--workspace", default=".kg", help="workspace for the server this script starts")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds (at most 600)")
    ap.add_argument("--request-timeout", type=float, default=60.0)
    ap.add_argument("--server-timeout", type=float, default=30.0, help="kg serve --timeout")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "load_bench.json"))
    args = ap.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.duration <= 600:
        sys.exit("load_bench: --clients must be 1-500 and --duration 0-600 s")
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    proc = None
    if args.url:
        url = args.url.rstrip("/")
        check_loopback(url)
    else:
        proc, url = start_server(args.workspace, args.server_timeout, out_path.with_suffix(".server.log"))
    try:
        health = httpx.get(url + "/health", timeout=10).json()
        # one request of each kind first, so the numbers do not include any first-use cost
        pool = requests_pool()
        httpx.get(url + "/search", params={"q": pool["search"][0]}, timeout=120)
        httpx.get(url + "/ask", params={"q": pool["ask"][0]}, timeout=120)
        print(f"load_bench: {args.clients} clients, {args.duration:g} s, mix {MIX}, against {url} "
              f"(build {health.get('build')}, {health['sparql']['workers']} SPARQL workers, {os.cpu_count()} cores)")
        results, elapsed = asyncio.run(run(url, args.clients, args.duration, args.request_timeout, args.seed))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    summary = report(results, elapsed, args.clients)
    print(f"{'endpoint':<8} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, s in summary["endpoints"].items():
        print(f"{kind:<8} {s['requests']:>9} {s['rps']:>7} {s['p50_ms']:>8} {s['p99_ms']:>8} {s['errors']:>7}")
    print(f"total {summary['requests']} requests in {summary['seconds']} s: {summary['throughput_rps']} req/s, "
          f"{summary['errors']} errors {summary['error_examples'] or ''}")
    out_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
