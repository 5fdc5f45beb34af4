"""What searching inside SPARQL costs: a query with SERVICE <https://w3id.org/govkg/search> against
the search alone plus the graph part alone (the same query with the search's passages written in
as VALUES), in one process on one workspace, each the median of --runs after a warm-up.

    .venv/bin/python bench/cli_speed.py ../shared/provinces data/corpus ../shared/genres:9   # builds it
    .venv/bin/python bench/search_service_bench.py bench/out/speed-ws

The issue's bar: the service query within 1.5x of search + graph part. The queries are the
examples/search_*.rq that the workspace can answer and two of the README's.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "issue example": """SELECT ?passage ?score ?doc WHERE {
      SERVICE <https://w3id.org/govkg/search> { ?passage gk:matches "低空经济" ; gk:score ?score . }
      ?passage gk:inDocument ?doc . } ORDER BY DESC(?score)""",
    "growth targets": (ROOT / "examples" / "search_with_growth_targets.rq").read_text(encoding="utf-8"),
    "programs (filtered)": (ROOT / "examples" / "search_programs_of_province.rq").read_text(encoding="utf-8"),
    "place hierarchy": (ROOT / "examples" / "search_under_a_city.rq").read_text(encoding="utf-8"),
    "observations of passages": """SELECT ?metric ?value ?unit ?year ?score WHERE {
      SERVICE <https://w3id.org/govkg/search> { ?passage gk:matches "粮食产量" ; gk:score ?score ; gk:k 30 . }
      ?o prov:wasDerivedFrom ?passage ; gk:metric/rdfs:label ?metric ; gk:value ?value ; gk:unit ?unit ;
         gk:year ?year . } ORDER BY DESC(?score)""",
}


def median_seconds(fn, runs: int) -> float:
    fn()  # warm: the encoder, the indexes, the store's caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)

    import kg
    from kg.query import search_service

    graph = kg.open(args.workspace)
    print(f"{args.workspace}: {len(graph.sparql('SELECT ?d WHERE { ?d a gk:Document }'))} documents; "
          f"median of {args.runs} runs, seconds")
    print(f"{'query':26s} {'rows':>5s} {'service':>8s} {'search':>8s} {'graph':>8s} {'ratio':>6s}")
    ratios = []
    for name, query in QUERIES.items():
        plan = search_service.plan(query)
        written = graph.answer_search(query)  # the graph part: the search's rows as VALUES

        def searches():
            for b in plan.blocks:
                graph.search(b.text, k=b.k, **b.filters)

        service = median_seconds(lambda: list(graph.query_raw(query)), args.runs)
        search = median_seconds(searches, args.runs)
        graph_part = median_seconds(lambda: list(graph.store.query(written)), args.runs)
        ratio = service / (search + graph_part)
        ratios.append(ratio)
        rows = len(graph.sparql(query))
        print(f"{name:26s} {rows:5d} {service:8.3f} {search:8.3f} {graph_part:8.3f} {ratio:6.2f}")
    print(f"worst ratio {max(ratios):.2f} (bar: 1.5)")
    graph.close()


if __name__ == "__main__":
    main()
