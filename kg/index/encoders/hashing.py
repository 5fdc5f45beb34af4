"""hash: vectors with no model — each character bigram of a text hashed (seeded blake2b) to a signed
unit in one of 384 dimensions, summed and normalized (the "hashing trick"). For measuring the
build's other stages at scale (bench/scale_bench.py) and for tests that need vectors but not their
meaning: a passage's vector depends on its text alone, texts sharing bigrams come out close, and
nothing is loaded. Not a search model: `kg build --model hash` says what it is in the manifest.
Imports base and numpy."""
from __future__ import annotations

import hashlib

import numpy as np

from kg.index.encoders.base import Encoder, normalize

SEED = b"govkg-hash-1"


class HashEncoder(Encoder):
    """Seeded hash of character bigrams into 384 signed dimensions; no model, no download."""

    name = "hash"
    dim = 384

    @staticmethod
    def fingerprint() -> dict:
        return {"name": HashEncoder.name, "seed": SEED.decode(), "dim": HashEncoder.dim}

    def info(self) -> dict:
        return {"name": self.name, "model": "seeded hash of character bigrams (no model; for benchmarks)",
                "version": "1", "dim": self.dim, "license": "n/a", "engine": "numpy"}

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        grams = [text[i:i + 2] for i in range(max(1, len(text) - 1))]
        for gram, count in _counts(grams).items():
            h = hashlib.blake2b(gram.encode("utf-8"), digest_size=4, key=SEED).digest()
            n = int.from_bytes(h, "little")
            v[n % self.dim] += count if n & 0x80000000 else -count
        return v

    def encode_passages(self, texts):
        if not texts:
            return self.empty()
        return normalize(np.stack([self._vector(t) for t in texts]))

    def encode_queries(self, texts):
        return self.encode_passages(texts)


def _counts(items) -> dict:
    out: dict = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out
