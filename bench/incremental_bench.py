"""Incremental builds on a real corpus: what adding and removing one document cost against a
full build, what an unchanged rebuild costs, and whether the result equals a full build triple
for triple.

    .venv/bin/python bench/incremental_bench.py ../shared/provinces [--repeat 3]

Every build here starts from an empty cache (embeddings and per-document results) unless the
step is about reusing it:
1. full: all documents, cold cache -> seconds; a document's share = full x its passages / all.
   Also `--force` with the embeddings cached: the full build's work other than encoding.
2. add: the corpus without its last document is built (cold), then the last document is added;
   the add is timed --repeat times, each from a copy of the cache as it was before the add (so
   the added document is read, extracted and encoded: nothing of it is cached).
3. remove: from the full corpus (built, cached), one document removed; --repeat times.
4. unchanged: `build` again with nothing changed (median of 5).
5. equal: the triples of the incremental workspace against the full one, and which way each
   build made its store (manifest: "changed" from the previous build's, or "loaded").
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed_build(corpus: Path, workspace: Path, cache: Path, force: bool = False):
    from kg.build import build

    os.environ["KG_CACHE_DIR"] = str(cache)
    started = time.perf_counter()
    report = build(corpus, workspace, force=force)
    return time.perf_counter() - started, report


def store_way(report) -> str:
    import json

    return json.loads((report.build_dir / "manifest.json").read_text())["graph"]["store"]


def triples(workspace: Path) -> set[str]:
    import kg

    graph = kg.open(workspace)
    try:
        return {" ".join(map(str, t)) for t in graph.store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")}
    finally:
        graph.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--add", type=Path, help="the document added (default: the corpus's last); with a file from "
                                             "elsewhere, the full build is the corpus with it")
    args = ap.parse_args()
    from kg.ingest import corpus_files

    files = corpus_files(args.corpus)
    if args.add is not None and args.add.resolve() not in {f.resolve() for f in files}:
        files.append(args.add)
    added = args.add or files[-1]
    files = [f for f in files if f.resolve() != added.resolve()] + [added]
    with tempfile.TemporaryDirectory(prefix="kg-incremental-") as tmp:
        tmp = Path(tmp)
        args.corpus = tmp / "whole"  # the corpus as links: the files, the added one last
        args.corpus.mkdir()
        for f in files:
            os.symlink(f.resolve(), args.corpus / f.name)
        full_seconds, full = timed_build(args.corpus, tmp / "full", tmp / "cache-full", force=True)
        passages = {d.source_file: len(d.passages) for d in full.documents}
        share = full_seconds * passages[added.name] / sum(passages.values())
        print(f"full build, cold cache: {full_seconds:.1f} s for {len(files)} documents, "
              f"{sum(passages.values())} passages; {added.name}: {passages[added.name]} passages, "
              f"share {share:.1f} s")

        partial = tmp / "partial"
        partial.mkdir()
        for f in files[:-1]:
            os.symlink(f.resolve(), partial / f.name)
        before_seconds, _ = timed_build(partial, tmp / "ws", tmp / "cache", force=True)
        print(f"build without {added.name}, cold cache: {before_seconds:.1f} s")
        shutil.copytree(tmp / "ws", tmp / "ws-before", symlinks=True)
        shutil.copytree(tmp / "cache", tmp / "cache-before")
        adds = []
        for i in range(args.repeat):
            if i:  # back to the state before the add: workspace and caches
                shutil.rmtree(tmp / "ws"), shutil.rmtree(tmp / "cache")
                shutil.copytree(tmp / "ws-before", tmp / "ws", symlinks=True)
                shutil.copytree(tmp / "cache-before", tmp / "cache")
                (partial / added.name).unlink()
            os.symlink(added.resolve(), partial / added.name)
            seconds, report = timed_build(partial, tmp / "ws", tmp / "cache")
            adds.append(seconds)
            print(f"  add {added.name}: {seconds:.1f} s ({report.reused} documents reused, "
                  f"store {store_way(report)})")
        add = statistics.median(adds)
        print(f"adding one document: {add:.1f} s (median of {len(adds)}) = {add / share:.2f}x its share "
              f"of a full build ({share:.1f} s); {add / full_seconds:.1%} of the full build")

        unchanged = [timed_build(partial, tmp / "ws", tmp / "cache")[0] for _ in range(5)]
        print(f"unchanged rebuild: {statistics.median(unchanged):.2f} s (median of 5)")
        same = triples(tmp / "ws") == triples(tmp / "full")
        print(f"incremental result equals the full build: {same}")

        # the full build's work but encoding: --force with every passage's vector cached
        warm = statistics.median(timed_build(args.corpus, tmp / "full", tmp / "cache", force=True)[0]
                                 for _ in range(args.repeat))
        print(f"full build, --force, embeddings cached: {warm:.1f} s (median of {args.repeat}); "
              f"the add is {add / warm:.1%} of it")

        # remove: from the whole corpus, built and cached (ws-full), its first document removed
        removed = files[0]
        timed_build(partial, tmp / "ws", tmp / "cache", force=True)
        shutil.copytree(tmp / "ws", tmp / "ws-full", symlinks=True)
        removes = []
        for i in range(args.repeat):
            if i:
                shutil.rmtree(tmp / "ws")
                shutil.copytree(tmp / "ws-full", tmp / "ws", symlinks=True)
                os.symlink(removed.resolve(), partial / removed.name)
            (partial / removed.name).unlink()
            seconds, report = timed_build(partial, tmp / "ws", tmp / "cache")
            removes.append(seconds)
            print(f"  remove {removed.name}: {seconds:.1f} s (store {store_way(report)})")
        remove = statistics.median(removes)
        print(f"removing one document: {remove:.1f} s (median of {len(removes)}); {remove / full_seconds:.1%} of "
              f"the full build, {remove / warm:.1%} of the full build with embeddings cached")
        timed_build(partial, tmp / "full-less", tmp / "cache", force=True)
        same = triples(tmp / "ws") == triples(tmp / "full-less")
        print(f"after the removal, the result equals a full build without it: {same}")


if __name__ == "__main__":
    main()
