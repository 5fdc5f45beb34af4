"""Passage encoders behind one interface (base.Encoder), one module each, and the factory that
maps a model name to its encoder. Re-exports the factory's public names and the interface."""
from __future__ import annotations

from kg.index.encoders.base import Encoder, normalize
from kg.index.encoders.factory import (ALIASES, DEFAULT_MODEL, MODELS, canonical_model, check_model, get_encoder,
                                       model_fingerprint)

__all__ = ["Encoder", "normalize", "ALIASES", "DEFAULT_MODEL", "MODELS", "canonical_model", "check_model",
           "get_encoder", "model_fingerprint"]
