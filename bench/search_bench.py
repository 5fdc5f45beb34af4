"""Search benchmark: encode throughput, build ratios, latency (corpus and 100k synthetic), quality.

    .venv/bin/python bench/search_bench.py                     # default model, everything
    .venv/bin/python bench/search_bench.py --models e5-small,m3e-small
    .venv/bin/python bench/search_bench.py --scale 0           # skip the 100k scale-up

1. raw encode: the model (loaded) embeds every corpus passage once, no cache: passages/s.
2. `kg build` (CLI, fresh workspace and cache) wall time as a ratio to (1); an unchanged rebuild
   (`kg build` again: nothing changed, nothing built) and a forced rebuild (`--force`: the whole
   pipeline again, every vector from the cache) as ratios to the full build.
3. quality: vector-only, lexical-only and fused recall@1/@5 and MRR@10 on bench/tune_questions.jsonl
   (questions written for tuning) and, side by side, on ../shared/eval/search_dev.jsonl if present
   (only reported: nothing is tuned on it). A sweep of the fusion weights on the tuning questions.
4. latency: single queries through the API with the model loaded (p50/p95), and one cold CLI call.
5. scale: a synthetic corpus of N passages (default 100k; sentences of the real passages shuffled,
   vectors mixed from theirs plus noise; made in a temp folder, never committed) written as a real
   search index, searched through the same Searcher, in a child process whose peak memory is read;
   exact, HNSW and IVF-PQ: index size (what it holds in RAM), latency, and recall@10 against
   exact; the flat-search latency curve that sets ann.ANN_THRESHOLD.
Numbers depend on the machine and on other load: README "Search" shows a run on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import ingest_corpus  # noqa: E402
from kg.index.ann import build_index, recall_against_exact  # noqa: E402
from kg.index.encoders import DEFAULT_MODEL, get_encoder  # noqa: E402
from kg.index.tuning import load_tuning  # noqa: E402
from kg.index.writer import INDEX_DIR, write_search_files  # noqa: E402
from kg.query.search import Searcher  # noqa: E402

TUNE = ROOT / "bench" / "tune_questions.jsonl"
DEV = ROOT.parent / "shared" / "eval" / "search_dev.jsonl"
KG = [sys.executable, "-m", "kg"]


def load_questions(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def nospace(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def quality(searcher, items, mode, params=None) -> tuple[float, float, float]:
    r1 = r5 = mrr = 0.0
    for item in items:
        hits = searcher.search(item["question"], k=10, mode=mode, params=params)
        want = nospace(item["answer_contains"])
        rank = next((i + 1 for i, h in enumerate(hits) if want in nospace(h["text"])), None)
        if rank:
            r1 += rank == 1
            r5 += rank <= 5
            mrr += 1.0 / rank
    n = len(items) or 1
    return r1 / n, r5 / n, mrr / n


def fmt3(t) -> str:
    return " / ".join(f"{x:.3f}" for x in t)


def table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(f"\n{title}")
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)) + " |")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cli(*args, env=None) -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of one CLI call (its CPU time: children_cpu() before and after)."""
    started = time.perf_counter()
    proc = subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        sys.exit(f"kg {' '.join(map(str, args))} failed: {proc.stderr}")
    return time.perf_counter() - started, proc


def bench_model(model: str, corpus: Path, tmp: Path, results: dict) -> None:
    print(f"\n=== model {model} ===", flush=True)
    documents, _ = ingest_corpus(corpus)
    texts = [p.text for d in documents for p in d.passages]
    t = time.perf_counter()
    encoder = get_encoder(model)
    load_s = time.perf_counter() - t
    encoder.encode_passages(texts[:2])  # warm-up
    t, c = time.perf_counter(), time.process_time()
    encoder.encode_passages(texts)
    raw_s, raw_cpu = time.perf_counter() - t, time.process_time() - c
    out = {"passages": len(texts), "model_load_s": load_s, "raw_encode_s": raw_s, "raw_encode_cpu_s": raw_cpu,
           "passages_per_s": len(texts) / raw_s, "model": encoder.info()}

    ws = tmp / f"ws-{model}"
    env = {"KG_CACHE_DIR": ""}  # the workspace's own cache, empty at first
    os.environ.pop("KG_CACHE_DIR", None)
    c = children_cpu()
    full_s, _ = run_cli("build", "--corpus", corpus, "--workspace", ws, "--model", model, "--quiet", env=env)
    full_cpu = children_cpu() - c
    for _ in range(3):  # (code edited meanwhile changes the fingerprint: that build is real, try again)
        unchanged_s, proc = run_cli("build", "--corpus", corpus, "--workspace", ws, "--model", model, "--quiet",
                                    env=env)
        if "up to date" in proc.stdout:
            break
    else:
        sys.exit(f"kg build of an unchanged corpus rebuilt: {proc.stdout}")
    c = children_cpu()
    forced_s, _ = run_cli("build", "--corpus", corpus, "--workspace", ws, "--model", model, "--quiet", "--force",
                          env=env)
    forced_cpu = children_cpu() - c
    manifest = json.loads((ws / "current" / "manifest.json").read_text(encoding="utf-8"))
    out.update({"build_cpu_s": full_cpu, "build_cpu_ratio": full_cpu / raw_cpu, "forced_cpu_s": forced_cpu,
                "build_s": full_s, "build_ratio": full_s / raw_s, "unchanged_rebuild_s": unchanged_s,
                "unchanged_ratio": unchanged_s / full_s, "forced_rebuild_s": forced_s,
                "forced_ratio": forced_s / full_s, "forced_embedded": manifest["search"]["embedded"]})
    table(f"build ({model}, {len(texts)} passages)", ["step", "wall s", "CPU s", "ratio (wall; CPU)"], [
        ["model load (in process)", f"{load_s:.2f}", "", ""],
        ["raw encode, all passages", f"{raw_s:.2f}", f"{raw_cpu:.1f}", f"{len(texts) / raw_s:.1f} passages/s"],
        ["kg build (CLI, empty cache)", f"{full_s:.2f}", f"{full_cpu:.1f}",
         f"{full_s / raw_s:.2f}x raw encode; {full_cpu / raw_cpu:.2f}x"],
        ["kg build again, unchanged", f"{unchanged_s:.2f}", "", f"{unchanged_s / full_s:.1%} of full build"],
        ["kg build --force (warm cache)", f"{forced_s:.2f}", f"{forced_cpu:.1f}",
         f"{forced_s / full_s:.1%}; {forced_cpu / full_cpu:.1%} of full build, "
         f"{manifest['search']['embedded']} embedded"],
    ])

    searcher = Searcher(ws / "current")
    searcher.search("预热", k=1)
    tune, dev = load_questions(TUNE), load_questions(DEV)
    rows, qual = [], {}
    for mode in ("vector", "lexical", "fused"):
        qt, qd = quality(searcher, tune, mode), quality(searcher, dev, mode) if dev else None
        qual[mode] = {"tune": qt, "dev": qd}
        rows.append([mode, fmt3(qt), fmt3(qd) if qd else "-"])
    qt = quality(searcher, tune, "fused", {"rrf": 60})
    qd = quality(searcher, dev, "fused", {"rrf": 60}) if dev else None
    qual["rrf60"] = {"tune": qt, "dev": qd}
    rows.append(["plain RRF k=60", fmt3(qt), fmt3(qd) if qd else "-"])
    table(f"quality ({model}): recall@1 / recall@5 / MRR@10",
          ["ranking", f"tune ({len(tune)} q)", f"dev ({len(dev)} q, report only)"], rows)
    out["quality"] = qual

    if model == DEFAULT_MODEL:
        sweep = []
        for lw in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            for sp in (0.0, 0.4, 0.8, 1.2):
                r = quality(searcher, tune, "fused", {"lexical": lw, "vector": 1 - lw, "status_prior": sp})
                sweep.append([f"{lw:.1f}", f"{1 - lw:.1f}", f"{sp:.1f}", fmt3(r)])
        tuned = load_tuning()["fusion"]  # the weights chosen before: kg/index/search_tuning.toml
        chosen = f"{tuned['lexical']:.1f}", f"{tuned['vector']:.1f}", f"{tuned['status_prior']:.1f}"
        for r in sweep:
            if tuple(r[:3]) == chosen:
                r[3] += "  <- chosen"
        table("fusion sweep on the tuning questions (recall@1 / recall@5 / MRR@10)",
              ["lexical", "vector", "status prior", "tune"], sweep)
        out["sweep"] = sweep

        questions = [q["question"] for q in tune + dev]
        lat = []
        for q in questions * 2:
            t = time.perf_counter()
            searcher.search(q, k=10)
            lat.append(time.perf_counter() - t)
        cold_s, _ = run_cli("search", questions[0], "-k", "10", "--format", "json", "--workspace", ws)
        out["latency"] = {"p50_ms": 1000 * statistics.median(lat),
                          "p95_ms": 1000 * float(np.percentile(lat, 95)), "cli_cold_s": cold_s}
        table("search latency (model loaded, single queries, k=10)", ["n passages", "p50 ms", "p95 ms"],
              [[len(texts), f"{out['latency']['p50_ms']:.1f}", f"{out['latency']['p95_ms']:.1f}"]])
        print(f"one cold CLI call (`kg search TEXT`, process start to exit): {cold_s:.2f}s")
        out["questions"] = questions
    results[model] = out


# ------------------------------------------------------------------ synthetic scale-up

def make_synthetic(ws: Path, n: int, seed: int = 0):
    """N passages from shuffled sentences of the real ones; vectors mixed from theirs + noise."""
    searcher = Searcher(ws / "current")
    rows, vecs = searcher.rows, np.asarray(searcher.vectors)
    sentences = [(i, s) for i, r in enumerate(rows) for s in re.findall(r"[^。；！？]+[。；！？]?", r["text"]) if s.strip()]
    rng = np.random.default_rng(seed)
    out_rows, out_vecs = [], np.empty((n, vecs.shape[1]), np.float32)
    for j in range(n):
        pick = rng.integers(0, len(sentences), rng.integers(2, 5))
        text = "".join(sentences[i][1] for i in pick)
        src = [sentences[i][0] for i in pick]
        v = vecs[src].mean(axis=0) + rng.normal(scale=0.02, size=vecs.shape[1])
        out_vecs[j] = v / np.linalg.norm(v)
        out_rows.append({"passage": f"https://w3id.org/govkg/resource/passage/synthetic/{j}",
                         "doc": f"synthetic-{j // 40}.txt", "start": 0, "end": len(text), "text": text})
    return out_rows, out_vecs, searcher.model_info


def scale_worker(ws: Path, n: int, kind: str, folder: Path, questions: list[str], out_file: Path) -> None:
    """Child 1: make the synthetic corpus and write its index (peak memory of building)."""
    t = time.perf_counter()
    rows, vecs, model_info = make_synthetic(ws, n)
    make_s = time.perf_counter() - t
    t = time.perf_counter()
    info = write_search_files(folder / INDEX_DIR, rows, vecs, model_info, index_kind=kind)
    faiss_mb = (folder / INDEX_DIR / "vectors.faiss").stat().st_size / 2**20  # what it holds in RAM
    out_file.write_text(json.dumps({"n": n, "kind": kind, "make_s": make_s, "index_s": time.perf_counter() - t,
                                    "ann_recall_at_10": info["search"].get("ann_recall_at_10"),
                                    "index_mb": faiss_mb,
                                    "build_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
                        encoding="utf-8")


def scale_search_worker(folder: Path, questions: list[str], out_file: Path) -> None:
    """Child 2: open the index like `kg search` does and query it (peak memory of searching)."""
    res = json.loads(out_file.read_text(encoding="utf-8"))
    kind = res["kind"]
    searcher = Searcher(folder)
    searcher.search(questions[0], k=10)
    lat = []
    for q in questions:
        t = time.perf_counter()
        searcher.search(q, k=10)
        lat.append(time.perf_counter() - t)
    res.update({"p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * float(np.percentile(lat, 95)),
                "search_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    if kind != "flat":  # recall of the real questions' top-10 against exact search
        qv = searcher.encoder.encode_queries(questions)
        res["question_recall_at_10"] = recall_against_exact(np.asarray(searcher.vectors), qv, searcher.index)
    out_file.write_text(json.dumps(res), encoding="utf-8")


def flat_curve(dim: int, sizes: list[int]) -> list[list]:
    rng = np.random.default_rng(1)
    rows = []
    for n in sizes:
        data = rng.normal(size=(n, dim)).astype(np.float32)
        data /= np.linalg.norm(data, axis=1, keepdims=True)
        index, _ = build_index(data, "flat")
        q = data[:50] + 0.01
        lat = []
        for i in range(50):
            t = time.perf_counter()
            index.search(q[i:i + 1], 100)
            lat.append(time.perf_counter() - t)
        rows.append([n, f"{1000 * statistics.median(lat):.2f}", f"{1000 * float(np.percentile(lat, 95)):.2f}"])
        del data, index
    return rows


def bench_scale(ws: Path, n: int, questions: list[str], tmp: Path, results: dict,
                kinds=("flat", "hnsw", "ivfpq")) -> None:
    print(f"\n=== scale-up: {n} synthetic passages ===", flush=True)
    rows = []
    for kind in kinds:
        folder = tmp / f"scale-{kind}"
        out_file = tmp / f"scale-{kind}.json"
        code = ("import sys; sys.path.insert(0, %r); from pathlib import Path; import bench.search_bench as b; "
                "b.scale_worker(Path(%r), %d, %r, Path(%r), %r, Path(%r))"
                % (str(ROOT), str(ws), n, kind, str(folder), questions, str(out_file)))
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        code = ("import sys; sys.path.insert(0, %r); from pathlib import Path; import bench.search_bench as b; "
                "b.scale_search_worker(Path(%r), %r, Path(%r))" % (str(ROOT), str(folder), questions, str(out_file)))
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        res = json.loads(out_file.read_text(encoding="utf-8"))
        results.setdefault("scale", {})[kind] = res
        shutil.rmtree(folder, ignore_errors=True)
        recall = res.get("question_recall_at_10") or res.get("ann_recall_at_10")
        rows.append([n, kind, f"{res['index_s']:.1f}", f"{res['index_mb']:.0f}", f"{res['build_peak_rss_mb']:.0f}", f"{res['p50_ms']:.1f}",
                     f"{res['p95_ms']:.1f}", f"{res['search_peak_rss_mb']:.0f}",
                     f"{recall:.3f}" if recall else "1 (exact)"])
    table("search at scale (fused, model loaded, k=10; recall: the questions' top-10 vector hits vs exact)",
          ["passages", "index", "index build s", "index MB", "build peak MB", "p50 ms", "p95 ms", "search peak MB",
           "recall@10 vs exact"], rows)
    curve = flat_curve(384, [25_000, 50_000, 100_000, 200_000, 400_000])
    results["flat_curve"] = curve
    table("exact (flat) FAISS search alone, top-100, 384-d", ["vectors", "p50 ms", "p95 ms"], curve)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=DEFAULT_MODEL)
    ap.add_argument("--corpus", default=str(ROOT / "data" / "corpus"))
    ap.add_argument("--scale", type=int, default=100_000, help="synthetic passages (0: skip)")
    ap.add_argument("--kinds", default="flat,hnsw,ivfpq", help="index kinds of the scale-up")
    ap.add_argument("--json", default=str(ROOT / "bench" / "out" / "search_bench.json"))
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="kg-search-bench-") as tmp:
        tmp = Path(tmp)
        for model in args.models.split(","):
            bench_model(model.strip(), Path(args.corpus), tmp, results)
        if args.scale and DEFAULT_MODEL in results:
            bench_scale(tmp / f"ws-{DEFAULT_MODEL}", args.scale, results[DEFAULT_MODEL]["questions"], tmp,
                        results, args.kinds.split(","))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}; results in {args.json}")


if __name__ == "__main__":
    main()
