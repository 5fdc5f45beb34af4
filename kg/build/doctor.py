"""`kg doctor`: verify a workspace without trusting it — every check opens the real files.

Checks: the current build and its manifest; the store opens read-only and its class counts match
the manifest; the search index (passage table, vectors, FAISS index) holds one row per passage of
the store; the embedding model loads offline; the graph conformed to the SHACL shapes.

Imports kg.graph (the store) and kg.index (the vector index; the encoders only for the model check).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from kg.errors import KGError
from kg.graph import Store
from kg.index.ann import load_index
from kg.workspace import Workspace


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def run_checks(workspace=None, model: bool = True) -> list[Check]:
    """Every check, in order (the later ones only when the manifest could be read)."""
    ws = Workspace(workspace)
    checks: list[Check] = []
    state: dict = {}  # what the checks found: build, manifest, passages
    if not _check(checks, "manifest", lambda: _manifest(ws, state)):
        return checks
    _check(checks, "store", lambda: _store(state))
    _check(checks, "search index", lambda: _index(state))
    if model:
        _check(checks, "model", lambda: _model_loads(state))
    _check(checks, "shapes", lambda: _shacl(state))
    return checks


def _check(checks: list[Check], name: str, fn) -> bool:
    try:
        detail = fn()
        checks.append(Check(name, True, detail or "ok"))
        return True
    except KGError as exc:
        checks.append(Check(name, False, str(exc)))
    except Exception as exc:  # noqa: BLE001 -- a corrupt file can fail in any way; report it
        checks.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
    return False


def _manifest(ws: Workspace, state: dict) -> str:
    state["build"] = ws.current()
    state["manifest"] = ws.manifest()
    return f"build {state['build'].name}, built {state['manifest'].get('built_at')}"


def _store(state: dict) -> str:
    s = Store(state["build"] / "store")
    expected = state["manifest"].get("counts", {})
    wrong = []
    for cls in ("Document", "Passage", "Place", "Agency", "Program", "Metric", "Observation"):
        n = s.count(f"gk:{cls}")
        if cls in expected and n != expected[cls]:
            wrong.append(f"{cls} {n} (manifest {expected[cls]})")
    state["passages"] = s.count("gk:Passage")
    if wrong:
        raise KGError("store counts differ from the manifest: " + ", ".join(wrong) + "; run `kg build` again")
    return f"{state['passages']} passages, counts match the manifest"


def _index(state: dict) -> str:
    folder = state["build"] / "search"
    rows = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
    vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    faiss_index = load_index(folder / "vectors.faiss")
    n = state.get("passages")
    sizes = {"passage table": len(rows), "vectors": vectors.shape[0], "FAISS index": faiss_index.ntotal}
    bad = {k: v for k, v in sizes.items() if n is not None and v != n}
    if bad:
        raise KGError("search index size differs from the passage count "
                      f"({n}): {bad}; run `kg build` again")
    return f"{len(rows)} passages indexed ({state['manifest'].get('search', {}).get('index', '?')} index)"


def _model_loads(state: dict) -> str:
    from kg.index.encoders import get_encoder  # lazy: ~0.15 s to import, and `kg doctor --no-model` skips this

    info = state["manifest"].get("model") or {}
    encoder = get_encoder(info.get("path") or info.get("name"))
    vec = encoder.encode_queries(["地区生产总值增长"])
    if vec.shape[1] != encoder.dim:
        raise KGError("the model gave vectors of the wrong size")
    return f"{info.get('name')} ({info.get('package')} {info.get('version')}) loads offline, {encoder.dim}-d"


def _shacl(state: dict) -> str:
    report = state["manifest"].get("shacl") or {}
    if not report.get("conforms", False):
        raise KGError(f"{report.get('violations')} SHACL violation(s) at build time: see `kg info`")
    return "the graph conformed to ontology/shapes.ttl at build time"
