"""Export benchmark: every `kg export` format on the bundled corpus, median of 3 runs.

    .venv/bin/python bench/export_bench.py [--workspace .kg] [--runs 3] [--cli]

Times `KnowledgeGraph.export(format)` in process (the graph opened once; each run reads the store,
selects, serializes), for the whole graph, the whole graph with passages, and a filtered picture.
--cli also times the command line end to end (`kg export -f FORMAT -o FILE`, Python start-up
included). Without a built workspace the bundled corpus is built into a temporary one first.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402
from kg.export import FORMATS, select  # noqa: E402

CASES = [  # (name, options)
    ("whole graph", {}),
    ("+ passages", {"include_passages": True}),
    ("--place 郑州市 --max-nodes 150", {"place": "郑州市", "max_nodes": 150}),
]


def median_time(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", default=str(ROOT / ".kg"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cli", action="store_true", help="also time the CLI end to end")
    args = ap.parse_args()

    workspace = Path(args.workspace)
    if not (workspace / "current").exists():
        workspace = Path(tempfile.mkdtemp(prefix="govkg-bench-")) / ".kg"
        print(f"building data/corpus into {workspace} ...", file=sys.stderr)
        kg.build(ROOT / "data" / "corpus", workspace)
    graph = kg.open(workspace)
    counts = graph.info()["counts"]
    print(f"workspace {workspace}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"median of {args.runs} runs, in process (graph opened once)\n")
    print(f"| {'selection':<32} | {'nodes':>5} | {'edges':>5} | " + " | ".join(f"{f:>9}" for f in FORMATS) + " |")
    print(f"|{'-' * 34}|{'-' * 7}|{'-' * 7}|" + "|".join("-" * 11 for _ in FORMATS) + "|")
    sizes = {}
    for name, options in CASES:
        sub = select(graph, **options)
        cells = []
        for fmt in FORMATS:
            seconds, text = median_time(lambda: graph.export(fmt, **options), args.runs)
            sizes[(name, fmt)] = len(text.encode("utf-8"))
            cells.append(f"{seconds:>8.2f}s")
        print(f"| {name:<32} | {len(sub.nodes):>5} | {len(sub.edges):>5} | " + " | ".join(cells) + " |")
    print("\nsize of the output (whole graph): " + ", ".join(
        f"{fmt} {sizes[('whole graph', fmt)] / 1e6:.2f} MB" for fmt in FORMATS))

    if args.cli:
        kg_bin = Path(sys.executable).parent / "kg"
        print(f"\nCLI end to end (`kg export -f FORMAT -o FILE`), median of {args.runs}:")
        with tempfile.TemporaryDirectory() as tmp:
            cells = []
            for fmt in FORMATS:
                cmd = [str(kg_bin), "export", "-f", fmt, "-o", str(Path(tmp) / f"g.{fmt}"), "-w", str(workspace)]
                seconds, _ = median_time(lambda: subprocess.run(cmd, check=True, capture_output=True), args.runs)
                cells.append(f"{fmt} {seconds:.2f}s")
            print(", ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
