"""How often `kg ask` answers the dev questions: the answer text or the first cited passage
contains the expected text (the issue's measure), and the figure questions written from the dev
facts return the right value first. Also the median answer latency (model loaded).

    .venv/bin/python bench/ask_bench.py [--workspace .kg] [--eval ../shared/eval]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import kg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.test_ask import plain_question  # noqa: E402  -- the same questions the tests ask


def nospace(text):
    return re.sub(r"\s+", "", text or "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", default=".kg")
    ap.add_argument("--eval", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval"))
    args = ap.parse_args()
    g = kg.open(args.workspace)
    g.ask("预热")  # load the model once
    items = [json.loads(x) for x in open(Path(args.eval) / "search_dev.jsonl", encoding="utf-8") if x.strip()]
    hits, times = 0, []
    for it in items:
        t = time.perf_counter()
        r = g.ask(it["question"])
        times.append(time.perf_counter() - t)
        want = nospace(it["answer_contains"])
        first = nospace(r["passages"][0]["text"]) if r["passages"] else ""
        ok = want in nospace(r["answer"]) or want in first
        hits += ok
        if not ok:
            print(f"  miss {it['id']}: {it['question']} -> {r['answer'][:60]}")
    facts = [json.loads(x) for x in open(Path(args.eval) / "facts_dev.jsonl", encoding="utf-8") if x.strip()]
    right = 0
    for f in facts:
        r = g.ask(plain_question(f))
        top = r["facts"][0] if r["facts"] else None
        right += bool(top and float(top["value"]) == float(f["value"]) and top["unit"] == f["unit"])
    print(f"answer or first cited passage contains the expected text: {hits}/{len(items)} = {hits / len(items):.3f}")
    print(f"figure questions from the dev facts, right value first: {right}/{len(facts)} = {right / len(facts):.3f}")
    print(f"latency per question: median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms (n={len(times)})")


if __name__ == "__main__":
    main()
