"""A build at scale, on one machine: peak memory and the cost of adding and removing one document
on a synthetic corpus of real reports with places and numbers varied (≥ 100k passages), encoded by
the hash encoder (`--model hash`: no model) so that the stages other than encoding are measured.

    .venv/bin/python bench/scale_bench.py ../shared/provinces --passages 100000 [--keep DIR]

1. corpus: copies of the source reports until --passages is reached; copy k names every province
   (full and short form) as the province k places further in a fixed list and multiplies every
   figure by a seeded factor between 0.8 and 1.25 (same digits after the point), so no two copies
   share a passage, a figure or a subject place.
2. full: `kg build --model hash --jobs 2` in a subprocess, cold caches: seconds, peak RSS of the
   build process (its own high-water mark, read from the kernel when it exits) and the sampled
   peak of the whole process tree (build + forked children), every 0.5 s from /proc.
3. add: one more document (a source report, once more varied) -> seconds and peak RSS;
   remove: that document removed again -> seconds; each in a subprocess like a user's `kg build`.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVINCES = ["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
             "陕西", "甘肃", "青海", "宁夏", "新疆"]
NUMBER = re.compile(r"(?<![\d.])(\d+)(\.\d+)?(?=\s*(?:%|万|亿|元|个|家|人|公里|千米|吨|项|所|倍))")


def vary(text: str, k: int, rng: random.Random) -> str:
    """Copy k of a report: provinces shifted k places, figures scaled."""
    names = sorted(PROVINCES, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, names)))
    text = pattern.sub(lambda m: PROVINCES[(PROVINCES.index(m.group(0)) + k) % len(PROVINCES)], text)

    def scaled(m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2) or ""
        if len(whole) == 4 and whole.startswith("20") and not frac:
            return m.group(0)  # a year
        value = float(whole + frac) * rng.uniform(0.8, 1.25)
        return f"{value:.{max(0, len(frac) - 1)}f}"

    return NUMBER.sub(scaled, text)


def make_corpus(sources: list[Path], out: Path, passages: int) -> tuple[int, int]:
    """Copies of the sources into out/ until about `passages` passages (counted as kg reads them)."""
    from kg.ingest import read_document

    per_copy = sum(len(read_document(p).passages) for p in sources)
    copies = -(-passages // per_copy)
    rng = random.Random(27)
    out.mkdir(parents=True, exist_ok=True)
    for k in range(copies):
        for p in sources:
            (out / f"c{k:03d}_{p.name}").write_text(vary(p.read_text(encoding="utf-8"), k + 1, rng), encoding="utf-8")
    return copies * len(sources), copies * per_copy


def tree_rss(pid: int) -> int:
    """Resident bytes of pid and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def run_build(corpus: Path, workspace: Path, cache: Path) -> dict:
    env = dict(os.environ, KG_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", "--corpus", str(corpus), "--workspace", str(workspace),
                             "--model", "hash", "--jobs", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    seconds = time.perf_counter() - started
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"kg build failed ({proc.returncode}):\n{output[-3000:]}")
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": seconds, "peak_process": maxrss if maxrss > before * 1024 else None, "peak_tree": peak[0],
            "last": output.strip().splitlines()[-2:]}


def mb(n) -> str:
    return "n/a" if n is None else f"{n / 2**20:,.0f} MB"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sources", type=Path, help="a folder of reports to copy (../shared/provinces)")
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="keep the corpus, workspace and caches here (default: a temporary folder)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    sources = sorted(args.sources.glob("*.txt"))
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    try:
        corpus, ws, cache = tmp / "corpus", tmp / "ws", tmp / "cache"
        docs, passages = make_corpus(sources, corpus, args.passages)
        print(f"corpus: {docs} documents, about {passages:,} passages ({corpus})", flush=True)
        full = run_build(corpus, ws, cache)
        print(f"full build: {full['seconds']:.0f} s; peak RSS: build process {mb(full['peak_process'])}, "
              f"process tree (sampled) {mb(full['peak_tree'])}; {full['last'][0]}", flush=True)
        extra = corpus / f"added_{sources[0].name}"
        extra.write_text(vary(sources[0].read_text(encoding="utf-8"), 1000, random.Random(1)), encoding="utf-8")
        add = run_build(corpus, ws, cache)
        print(f"add one document: {add['seconds']:.1f} s; peak RSS {mb(add['peak_process'])} "
              f"(tree {mb(add['peak_tree'])}); {add['last'][0]}", flush=True)
        extra.unlink()
        remove = run_build(corpus, ws, cache)
        print(f"remove it: {remove['seconds']:.1f} s; peak RSS {mb(remove['peak_process'])} "
              f"(tree {mb(remove['peak_tree'])}); {remove['last'][0]}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
