"""Do the SPARQL examples (examples/*.rq, as the web page offers them) answer in under a second on the
issue's 36-document workspace (the 22 provincial reports, the 5 bundled documents and the first 9 of
../shared/genres, as bench/cli_speed.py builds it)? Each example is POSTed to /sparql of
a started `kg serve` as the page sends it (application/sparql-query, Accept JSON), so the time is
the server's whole path: search SERVICE blocks, the worker pool, pyoxigraph, the JSON. One warm-up,
then the median of --runs; exits 1 when an example takes 1 s or more (or fails).

    .venv/bin/python bench/sparql_examples_bench.py                  # builds the workspace (~3-4 min)
    .venv/bin/python bench/sparql_examples_bench.py --corpus ../shared/provinces data/corpus   # 27 documents
    .venv/bin/python bench/sparql_examples_bench.py --workspace WS   # an existing one
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from load_bench import start_server  # the same `kg serve` on a free port, waited for (bench/ is on the path)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = [str(SHARED / "provinces"), str(ROOT / "data" / "corpus"), str(SHARED / "genres") + ":9"]
LIMIT = 1.0  # seconds: the bar for each example


def build_workspace(specs: list[str], into: Path) -> Path:
    """The files the specs name (FOLDER or FOLDER:N, the first N by name) copied into one corpus
    folder, built."""
    corpus, ws = into / "corpus", into / "ws"
    corpus.mkdir(parents=True)
    for spec in specs:
        folder, _, take = spec.partition(":")
        if not Path(folder).is_dir():
            sys.exit(f"no folder {folder}: pass --corpus, or --workspace of a built workspace")
        files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".txt", ".md"))
        for f in files[: int(take)] if take else files:
            shutil.copy(f, corpus / f.name)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", "--corpus", str(corpus), "--workspace", str(ws), "--quiet"],
                   cwd=ROOT, check=True)
    print(f"built {ws} from {len(list(corpus.iterdir()))} documents in {time.perf_counter() - t:.0f} s")
    return ws


def run_example(client: httpx.Client, query: str) -> tuple[int, float]:
    """Rows and seconds of one run, timed as the page sees it (request sent to body read)."""
    t = time.perf_counter()
    r = client.post("/sparql", content=query.encode("utf-8"),
                    headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    seconds = time.perf_counter() - t
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text.strip()}")
    return len(r.json()["results"]["bindings"]), seconds


def bench(url: str, runs: int) -> bool:
    ok = True
    with httpx.Client(base_url=url, timeout=120) as client:
        documents = run_example(client, "SELECT ?d WHERE { ?d a gk:Document }")[0]
        examples = client.get("/examples").json()
        print(f"{documents} documents; each example: one warm-up, then the median of {runs} runs (HTTP, as the page)")
        print(f"{'example':32s} {'rows':>6s} {'first s':>8s} {'median s':>9s} {'max s':>7s}")
        for x in examples:
            try:
                rows, first = run_example(client, x["query"])  # warm: the encoder, indexes, store caches
                times = [run_example(client, x["query"])[1] for _ in range(runs)]
            except RuntimeError as exc:
                print(f"{x['name']:32s} failed: {exc}")
                ok = False
                continue
            median = statistics.median(times)
            slow = median >= LIMIT
            ok = ok and not slow
            print(f"{x['name']:32s} {rows:6d} {first:8.3f} {median:9.3f} {max(times):7.3f}{'  ≥ 1 s' if slow else ''}")
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, help="a built workspace (default: build one in a temporary folder)")
    ap.add_argument("--corpus", nargs="+", default=CORPUS, metavar="FOLDER[:N]",
                    help="what to build when no --workspace is given (default: the 36 documents)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sparql-bench-") as tmp:
        ws = args.workspace or build_workspace(args.corpus, Path(tmp))
        proc, url = start_server(str(ws), 60, Path(tmp) / "serve.log")
        try:
            ok = bench(url, args.runs)
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    print("all examples under 1 s" if ok else "FAILED: an example took 1 s or more, or failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
