"""Oxigraph (the store govkg uses) against rdflib's in-memory SPARQL engine on the bundled graph.

    .venv/bin/python bench/store_bench.py [--workspace .kg] [--repeat 5]

Loads the built graph into both, runs the README's analyst queries, prints median times and
the ratio. Build the workspace first (`kg build`).
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

import kg
from kg.graph import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.rq"))}
QUERIES["count_by_class"] = "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
QUERIES["mentions_join"] = """SELECT ?file (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?p gk:mentions ?e ; gk:inDocument/gk:sourceFile ?file } GROUP BY ?file"""


def median_seconds(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", default=".kg")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    store_path = kg.open(args.workspace).build_dir / "store"
    nt = ox.serialize((q.triple for q in ox.Store.read_only(str(store_path))), format=ox.RdfFormat.N_TRIPLES)

    t = time.perf_counter()
    oxi = ox.Store()
    oxi.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    ox_load = time.perf_counter() - t
    t = time.perf_counter()
    g = Graph().parse(data=nt.decode("utf-8"), format="nt")
    rdflib_load = time.perf_counter() - t
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    print(f"triples: {len(g)}  load: oxigraph {ox_load * 1000:.0f} ms, rdflib {rdflib_load * 1000:.0f} ms")
    print(f"{'query':<24}{'rows':>6}{'oxigraph ms':>14}{'rdflib ms':>12}{'ratio':>8}")
    for name, query in QUERIES.items():
        q = prologue + query
        rows = len(list(oxi.query(q)))
        o = median_seconds(lambda: list(oxi.query(q)), args.repeat)
        r = median_seconds(lambda: list(g.query(q)), max(1, args.repeat // 2))
        print(f"{name:<24}{rows:>6}{o * 1000:>14.1f}{r * 1000:>12.1f}{r / o:>7.0f}x")


if __name__ == "__main__":
    main()
