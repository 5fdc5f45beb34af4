"""The one interface every passage encoder implements (Encoder), and `normalize`, which makes the
unit-length float32 rows they all return. Imports only numpy."""
from __future__ import annotations

import numpy as np


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

    def empty(self) -> np.ndarray:
        """No vectors: what encoding no text gives."""
        return np.zeros((0, self.dim), np.float32)


def normalize(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms, dtype=np.float32)
