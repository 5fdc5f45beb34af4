"""Search and ask across many places: the 22 provincial reports of ../shared/provinces plus the
bundled corpus, built once into one workspace, then

1. passage search on questions that name a place the way an analyst types
   (bench/place_questions.jsonl, written for this bench from the reports themselves): recall@1/@5
   and MRR@10 for the default fused ranking, the same without the place and year priors, vector
   only and lexical only; the bundled corpus' questions (bench/tune_questions.jsonl and, reported
   only, ../shared/eval/search_dev.jsonl) must not drop in the bigger corpus;
2. `kg ask` on questions across places (../shared/eval/ask_provinces_dev.jsonl if present: list
   recall and top-1 of rankings) and its latency with the model loaded (median of 20 questions).

    .venv/bin/python bench/places_bench.py [--workspace DIR]   # DIR is built if it has no build
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import load_questions as load, nospace  # noqa: E402  (one reader for question files)

SHARED = ROOT.parent / "shared"
SETS = [("place questions (bench)", ROOT / "bench" / "place_questions.jsonl"),
        ("bundled tuning questions", ROOT / "bench" / "tune_questions.jsonl"),
        ("bundled dev questions (shared/eval)", SHARED / "eval" / "search_dev.jsonl")]
ASK_DEV = SHARED / "eval" / "ask_provinces_dev.jsonl"
VARIANTS = [("fused (default)", "fused", None), ("fused, no place/year prior", "fused", {"place_prior": 0, "year_prior": 0}),
            ("vector only", "vector", None), ("lexical only", "lexical", None)]


def build(workspace: Path) -> None:
    import kg

    corpus = Path(tempfile.mkdtemp(prefix="kg-places-corpus-"))
    try:
        for folder in (SHARED / "provinces", ROOT / "data" / "corpus"):
            for f in sorted(folder.glob("*.txt")):
                shutil.copy(f, corpus / f.name)
        started = time.perf_counter()
        report = kg.build(corpus, workspace)
        print(f"built {len(report.documents)} documents, "
              f"{sum(len(d.passages) for d in report.documents)} passages in {time.perf_counter() - started:.0f}s")
    finally:
        shutil.rmtree(corpus, ignore_errors=True)


def search_scores(searcher, items: list[dict], mode: str, params) -> tuple[float, float, float]:
    r1 = r5 = mrr = 0.0
    for it in items:
        hits = searcher.search(it["question"], k=10, mode=mode, params=params)
        ranks = [i for i, h in enumerate(hits) if it["answer_contains"] in nospace(h["text"])]
        if ranks:
            r1 += ranks[0] == 0
            r5 += ranks[0] < 5
            mrr += 1 / (ranks[0] + 1)
    n = len(items) or 1
    return r1 / n, r5 / n, mrr / n


def short_place(name: str) -> str:
    for suffix in ("省", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > 2:
            return name[:-len(suffix)]
    return name


def ask_scores(graph, items: list[dict]) -> tuple[float, float]:
    shares, tops = [], []
    for it in items:
        facts = graph.ask(it["question"])["facts"]
        got = [(short_place(f["place"]), Decimal(str(f["value"]))) for f in facts]
        want = [(short_place(e["place"]), Decimal(str(e["value"]))) for e in it["expect"]]
        if it["kind"] == "list":
            shares.append(sum(w in got for w in want) / len(want))
        else:
            tops.append(bool(got) and got[0] == want[0])
    return (sum(shares) / len(shares) if shares else 0.0), (sum(tops) / len(tops) if tops else 0.0)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, default=None, help="reuse (or build into) this workspace")
    args = ap.parse_args(argv)
    if not (SHARED / "provinces").is_dir():
        sys.exit("places_bench: ../shared/provinces is not beside the checkout")
    import kg

    temp = None
    workspace = args.workspace
    if workspace is None:
        temp = Path(tempfile.mkdtemp(prefix="kg-places-ws-"))
        workspace = temp / ".kg"
    try:
        if not (workspace / "current").exists():
            build(workspace)
        graph = kg.open(workspace)
        searcher = graph.searcher
        print(f"{searcher.n} passages, {len(searcher.passages_of)} places with documents")
        graph.search("预热", k=1)  # load the model once, outside the timings
        print(f"\n{'question set':38} {'ranking':28} {'n':>3} {'R@1':>6} {'R@5':>6} {'MRR@10':>7}")
        for name, path in SETS:
            items = load(path)
            if not items:
                continue
            for label, mode, params in VARIANTS:
                r1, r5, mrr = search_scores(searcher, items, mode, params)
                print(f"{name:38} {label:28} {len(items):>3} {r1:6.3f} {r5:6.3f} {mrr:7.3f}")
        asks = load(ASK_DEV)
        if asks:
            share, top = ask_scores(graph, asks)
            print(f"\nask across places ({ASK_DEV.name}): list recall {share:.3f}, highest/lowest {top:.3f}")
        questions = [it["question"] for it in load(SETS[0][1])[:10]] + [it["question"] for it in asks[:10]]
        times = []
        for q in questions:
            t = time.perf_counter()
            graph.ask(q)
            times.append(time.perf_counter() - t)
        if times:
            print(f"kg ask latency, model loaded: median {statistics.median(times) * 1000:.0f} ms, "
                  f"max {max(times) * 1000:.0f} ms over {len(times)} questions")
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
