"""Passage vectors through a cache: `embed_passages` computes only the vectors the cache lacks.

The cache keeps every passage vector ever computed under `<workspace>/cache/embeddings/<model>/`
(outside the per-build folders, so it survives rebuilds; KG_CACHE_DIR moves it), keyed by a hash of
the model identity and the exact text. New vectors go into a new shard file written atomically
(temp file, fsync, rename); a killed build leaves at most a stray temp file, which the next build
removes. Imports kg.atomic and kg.index.encoders.base (the Encoder interface).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kg.atomic import write_atomic
from kg.index.encoders.base import Encoder


def cache_root(workspace_root: Path) -> Path:
    """Where embeddings are cached: `<workspace>/cache/` (KG_CACHE_DIR overrides, e.g. to share
    one cache between several workspaces)."""
    env = os.environ.get("KG_CACHE_DIR")
    return Path(env) if env else Path(workspace_root) / "cache"


def text_key(model_key: str, text: str) -> str:
    return hashlib.sha256(f"{model_key}\x00passage\x00{text}".encode("utf-8")).hexdigest()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", name)[:120]


def _atomic_save_npz(path: Path, **arrays) -> None:
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
