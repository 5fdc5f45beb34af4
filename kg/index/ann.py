"""The FAISS index over normalized passage vectors, of one of three kinds by corpus size: exact
(flat) search, HNSW, or IVF-PQ re-scored exactly from the vectors. Build, search, save, load.
Imports kg.errors and kg.index.runtime; faiss itself on first use.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from kg.errors import WorkspaceError
from kg.index.runtime import prepare_native_engines

# Past this many passages the FAISS index is HNSW instead of exact (flat) search. Measured by
# bench/search_bench.py on 2 cores: exact search of 384-d vectors takes ~19 ms at 100k and ~39 ms
# at 200k per query, as much as the rest of a query (BM25 + encoding) from there on. efSearch
# 512: recall@10 0.93 against exact on a (hard, near-duplicate) synthetic 100k corpus.
ANN_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 512
# Past this many passages the index is IVF-PQ: a vector is held as one byte per PQ_DIMS dimensions
# (96 bytes for 384-d; HNSW holds all 1,536 bytes plus its links, ~1.7 KB a passage), and the top
# candidates are re-scored exactly from vectors.npy, which is memory-mapped. Measured by
# bench/search_bench.py --scale 100000 (README "Search"): on near-duplicate synthetic passages,
# 48 bytes a vector found 0.24-0.63 of the exact top 10 whatever the probes; 96 bytes with 256
# of ~1,300 lists probed and 32x candidates re-scored finds 0.91 (HNSW: 0.93) in ~1 ms.
IVFPQ_THRESHOLD = 500_000
PQ_DIMS = 4
IVF_NPROBE = 256
RERANK = 32  # candidates drawn from the compressed codes per hit wanted


def _faiss():
    prepare_native_engines()  # OMP_WAIT_POLICY before faiss's OpenMP runtime starts
    import faiss  # lazy: ~1 s to import, only building and searching vectors need it

    return faiss


def index_kind(n: int, threshold: int = ANN_THRESHOLD, pq_threshold: int = IVFPQ_THRESHOLD) -> str:
    return "ivfpq" if n >= pq_threshold else "hnsw" if n >= threshold else "flat"


def build_index(vectors: np.ndarray, kind: str | None = None, threshold: int = ANN_THRESHOLD,
                pq_threshold: int = IVFPQ_THRESHOLD):
    """Inner-product index over normalized vectors: exact (flat) below `threshold`, HNSW up to
    `pq_threshold`, IVF-PQ above (search it with `search_index`)."""
    faiss = _faiss()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    kind = kind or index_kind(n, threshold, pq_threshold)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "ivfpq":
        # about 4 * sqrt(n) lists, each trained on >= 39 vectors (faiss's minimum for k-means)
        lists = max(1, min(int(4 * np.sqrt(n)), n // 39))
        m = next(m for m in range(max(1, dim // PQ_DIMS), 0, -1) if dim % m == 0)  # bytes a vector
        index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, lists, m, 8, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).choice(n, min(n, lists * 64), replace=False)]
        index.train(sample)
        index.nprobe = IVF_NPROBE
    else:
        raise ValueError(f"unknown index kind {kind}")
    if n:
        index.add(vectors)
    return index, kind


def search_index(index, vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row ids of the top `k` passages for each query (-1 pads). An IVF-PQ index only holds
    compressed codes: RERANK times more candidates are drawn and re-scored with the exact
    vectors (memory-mapped), so its ranking is exact within them."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if not hasattr(index, "pq"):
        return index.search(queries, k)[1]
    _, candidates = index.search(queries, k * RERANK)
    out = np.full((len(queries), k), -1, np.int64)
    for row, (q, ids) in enumerate(zip(queries, candidates)):
        ids = np.sort(ids[ids >= 0])
        if len(ids):
            best = ids[np.argsort(-(np.asarray(vectors[ids], np.float32) @ q), kind="stable")[:k]]
            out[row, :len(best)] = best
    return out


def save_index(index, path: Path) -> None:
    _faiss().write_index(index, str(path))


def load_index(path: Path):
    faiss = _faiss()
    if not path.is_file():
        raise WorkspaceError(f"vector index missing ({path.name}): run `kg build` again")
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:  # faiss reports a damaged file as a C++ exception
        first = str(exc).strip().splitlines()[-1][:120]
        raise WorkspaceError(f"vector index {path.name} is corrupt ({first}): run `kg build` again") from None
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if hasattr(index, "nprobe"):
        index.nprobe = IVF_NPROBE
    return index


def recall_against_exact(vectors: np.ndarray, queries: np.ndarray, index, k: int = 10) -> float:
    """Share of the exact top-k that `index` returns (how approximate an ANN index is)."""
    exact, _ = build_index(vectors, "flat")
    _, want = exact.search(queries, k)
    got = search_index(index, vectors, queries, k)
    hits = sum(len(set(w) & set(g)) for w, g in zip(want.tolist(), got.tolist()))
    return hits / float(want.size or 1)
