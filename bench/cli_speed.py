"""How long `kg ask` and `kg search` take from the shell, one process per question, as a user
types them: median and 90th percentile seconds (process start, imports, workspace open, the
encoder when a passage search is needed, the answer).

    .venv/bin/python bench/cli_speed.py ../shared/provinces data/corpus ../shared/genres:9 \\
        --questions bench/natural_questions.jsonl --corpora provinces,bundled

A workspace of the corpora given (FOLDER or FOLDER:N for its first N files; the issue's setting is
36 documents: 22 provincial reports, the 5 bundled documents and 9 bulletins and budget reports)
is built once into bench/out/ (kept between runs); the questions of the named corpora are asked
through the CLI, then searched through it. Each call is timed with the wall clock.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / ".venv" / "bin" / "kg"


def corpus_of(specs: list[str], out: Path) -> int:
    """A corpus folder of links to the files the specs name; returns how many."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    n = 0
    for spec in specs:
        folder, _, take = spec.partition(":")
        files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".txt", ".md"))
        for path in files[: int(take)] if take else files:
            (out / path.name).symlink_to(path.resolve())
            n += 1
    return n


def timed(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="+", help="FOLDER or FOLDER:N")
    ap.add_argument("--questions", type=Path, default=ROOT / "bench" / "natural_questions.jsonl")
    ap.add_argument("--corpora-of-questions", "--corpora", dest="which", default="provinces,bundled")
    ap.add_argument("--kg", default=str(KG))
    args = ap.parse_args(argv)
    out = ROOT / "bench" / "out"
    corpus = out / "speed-corpus"
    n = corpus_of(args.corpora, corpus)
    workspace = out / "speed-ws"
    subprocess.run([args.kg, "build", "--corpus", str(corpus), "--workspace", str(workspace), "-q"], check=True)
    which = set(args.which.split(","))
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip() and json.loads(line).get("corpus") in which]
    print(f"workspace of {n} documents, {len(questions)} questions")
    for name, command in (("ask", ["ask"]), ("search", ["search"])):
        times, failed = [], 0
        for q in questions:
            seconds, rc = timed([args.kg, *command, q, "--workspace", str(workspace), "--format", "json"])
            times.append(seconds)
            failed += rc != 0
        times.sort()
        print(f"kg {name:6s} median {statistics.median(times):.2f} s  p90 {times[int(0.9 * (len(times) - 1))]:.2f} s  "
              f"max {times[-1]:.2f} s  (n={len(times)}, failed {failed})")


if __name__ == "__main__":
    sys.exit(main())
