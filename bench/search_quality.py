"""Search quality on every set at once, in one process (the model loaded once per workspace):
recall@1, recall@5 and MRR@10 of `kg search`'s ranking, as ../shared/eval/score.py counts them (a hit
is a passage whose text, white space removed, contains answer_contains).

    .venv/bin/python bench/search_quality.py \\
        .kg=../shared/eval/search_dev.jsonl .kg-genres=../shared/eval/search_genres_dev.jsonl \\
        --questions bench/natural_questions.jsonl --ws provinces=.kg-provinces --ws genres=.kg-genres ...

Besides the search sets (WORKSPACE=FILE), --questions turns the natural questions written for the
ask bench into paraphrase search questions: a figure question's answer is its value as written in
its evidence (the passage must hold it), a passage question's is its key text. They were written
from the documents before anything was run, so they are a fair paraphrase set.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.index.tuning import FUSION, TUNING_FILE  # noqa: E402


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def from_natural(questions: list[dict], corpus: str) -> list[dict]:
    """Search questions from natural questions of one corpus: (question, answer_contains)."""
    out = []
    for q in questions:
        if q.get("corpus") != corpus or q["kind"] in ("max", "min", "list", "absent", "program"):
            continue  # across places or absent: no one passage holds the answer
        key = q.get("key") or {}
        contains = None
        if q["kind"] == "passage" and isinstance(key.get("contains"), str):
            contains = key["contains"]
        elif "value" in key and q.get("evidence"):
            value = str(key["value"])
            written = re.search(rf"{re.escape(value)}(?:\.0)?\s*{re.escape(key.get('unit') or '')}", q["evidence"])
            contains = written.group(0).replace(" ", "") if written else None
        if contains:
            out.append({"id": q["id"], "question": q["question"], "answer_contains": contains})
    return out


def score(workspace: str, items: list[dict], k: int = 10, verbose: bool = False, params: dict | None = None) -> dict:
    import kg

    g = kg.open(workspace)
    r1 = r5 = mrr = 0.0
    for item in items:
        hits = g.searcher.search(item["question"], k=k, params=params) if params else g.search(item["question"], k=k)
        want = re.sub(r"\s+", "", item["answer_contains"])
        rank = next((i + 1 for i, h in enumerate(hits) if want in re.sub(r"\s+", "", h["text"])), None)
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        mrr += 1.0 / rank if rank else 0.0
        if verbose and (rank is None or rank > 1):
            print(f"    {item['id']} rank {rank}: {item['question']}  [{want}]")
    n = len(items) or 1
    return {"n": len(items), "recall@1": r1 / n, "recall@5": r5 / n, "mrr@10": mrr / n}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="*", help="WORKSPACE=FILE (a search_*.jsonl of ../shared/eval)")
    ap.add_argument("--questions", type=Path, help="natural questions (bench/natural_questions.jsonl)")
    ap.add_argument("--ws", action="append", default=[], help="CORPUS=WORKSPACE for --questions")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--param", action="append", default=[],
                    help="NAME=VALUE: a fusion weight to try (Searcher.search params), the others as in "
                         f"{TUNING_FILE.relative_to(ROOT)}: "
                         + ", ".join(f"{k}={v}" for k, v in FUSION.items()))
    args = ap.parse_args(argv)
    runs = []
    for spec in args.sets:
        workspace, file = spec.split("=", 1)
        runs.append((f"{Path(file).name} on {workspace}", workspace, load(Path(file))))
    if args.questions:
        natural = load(args.questions)
        for spec in args.ws:
            corpus, workspace = spec.split("=", 1)
            runs.append((f"natural {corpus} on {workspace}", workspace, from_natural(natural, corpus)))
    for name, workspace, items in runs:
        if args.verbose:
            print(name)
        tried = {k: float(v) for k, v in (x.split("=", 1) for x in args.param)}
        params = {**FUSION, **tried} if tried else None  # starting from the tuned values
        s = score(workspace, items, verbose=args.verbose, params=params)
        print(f"{name:45s} n={s['n']:3d}  recall@1 {s['recall@1']:.3f}  recall@5 {s['recall@5']:.3f}  "
              f"MRR@10 {s['mrr@10']:.3f}")


if __name__ == "__main__":
    main()
