"""kg build --ray: the per-document work on a Ray cluster, the merge on this machine.

Ray Data runs two pipelines on the cluster:
- extraction: every document not in the per-document cache is analysed and extracted
  (kg.structure + kg.extract: extract_document), one document a task;
- encoding: every passage text whose vector is not in the embedding cache goes through an actor
  pool, each actor holding the encoder once (num_gpus=1 a actor when the cluster has GPUs).
The results come back here as per-document extractions and vectors: the extractions go where the
local pool's would, the vectors into the embedding cache (the same keys a local build computes),
and the build then goes on as a local one: the graph, the Oxigraph store and the FAISS index are
written on this machine, atomically, as always. So a workspace built with --ray is the one a local
build gives (tested: same triples, vectors within float tolerance).

Files are read here (ingest) and sent as documents: the workers need only kg installed (the same
version), not the corpus. Ray is imported only by this module, only for --ray
(pip install 'govkg[ray]'). Imports kg.extract and kg.index (passage rows, encoders, the embedding
cache).
"""
from __future__ import annotations

import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from kg.errors import InputError
from kg.extract import extract_document
from kg.index.embeddings import EmbeddingCache, text_key
from kg.index.encoders import get_encoder
from kg.index.writer import passage_rows

ENCODE_BATCH = 64  # passages per encoder call, as embed_passages


def _check_reachable(address: str, seconds: float = 10.0) -> None:
    """Fail in seconds, with one line, when nothing listens at host:port (ray.init would retry
    for minutes). Addresses that are not host:port (auto) are left to Ray."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=seconds).close()
    except OSError as exc:
        raise InputError(f"cannot join the Ray cluster at {address}: nothing answers there "
                         f"({exc.strerror or exc}); start its head with `ray start --head`") from None


def _ray():
    try:
        import ray  # lazy: an optional dependency (govkg[ray]), only for --ray
        import ray.data  # noqa: F401 -- lazy, as ray
    except ImportError:
        raise InputError("--ray needs Ray: pip install 'govkg[ray]' (or pip install 'ray[data]')") from None
    return ray


class _Encode:
    """A Ray Data actor: loads the encoder once, then encodes batches of passage texts."""

    def __init__(self, model: str | None):
        self.encoder = get_encoder(model)

    def __call__(self, batch: dict) -> dict:
        vectors = self.encoder.encode_passages([str(t) for t in batch["text"]])
        return {"key": batch["key"], "vector": np.asarray(vectors, np.float32)}


def _extract(batch: dict) -> dict:
    """A Ray Data task: documents (pickled) -> their extractions (pickled)."""
    docs = [pickle.loads(b) for b in batch["doc"]]
    return {"doc_id": [d.doc_id for d in docs],
            "part": [pickle.dumps(extract_document(d), protocol=pickle.HIGHEST_PROTOCOL) for d in docs]}


def run_on_ray(address: str | None, todo: list, documents: list, model: str | None, cache_dir: Path,
               progress=None) -> dict:
    """Extract `todo` and encode the passages of `documents` missing from the embedding cache at
    `cache_dir` on the Ray cluster at `address` (None or "local": a Ray started for this build).
    Returns doc_id -> Extraction; the vectors are added to the cache."""
    ray = _ray()
    say = progress or (lambda stage, item: None)
    encoder = get_encoder(model)  # here only for its key and size: the cluster encodes
    cache = EmbeddingCache(cache_dir, encoder.key, encoder.dim)
    missing = {}
    for row in passage_rows(documents):
        key = text_key(encoder.key, row["text"])
        if cache.get(key) is None:
            missing.setdefault(key, row["text"])

    started_here = not ray.is_initialized()
    if started_here:
        target = None if address in (None, "", "local") else address
        if target is not None:
            _check_reachable(target)
        try:
            ray.init(address=target, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR", configure_logging=False)
        except Exception as exc:  # noqa: BLE001 -- a cluster that cannot be reached: one line
            raise InputError(f"cannot join the Ray cluster at {address}: {exc}") from None
    try:
        ray.data.DataContext.get_current().enable_progress_bars = False
        parts = {}
        if todo:
            say("ray", f"extracting {len(todo)} documents")
            ds = ray.data.from_items([{"doc": pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL)} for d in todo],
                                     override_num_blocks=len(todo))
            for row in ds.map_batches(_extract, batch_size=1).iter_rows():
                parts[row["doc_id"]] = pickle.loads(row["part"])
                say("ray", f"extracted {len(parts)}/{len(todo)}")
        if missing:
            gpus = ray.cluster_resources().get("GPU", 0)
            actors = max(1, int(gpus) if gpus else int(ray.cluster_resources().get("CPU", 1) // 2) or 1)
            say("ray", f"encoding {len(missing)} passages ({actors} encoder actors)")
            ds = ray.data.from_items([{"key": k, "text": t} for k, t in missing.items()])
            keys, vectors = [], []
            for batch in ds.map_batches(_Encode, fn_constructor_args=(model,), batch_size=ENCODE_BATCH,
                                        concurrency=actors, num_gpus=1 if gpus else 0,
                                        batch_format="numpy").iter_batches(batch_size=None, batch_format="numpy"):
                keys += [str(k) for k in batch["key"]]
                vectors.append(batch["vector"])
            cache.add(keys, np.concatenate(vectors).astype(np.float32))
        return parts
    finally:
        if started_here:
            ray.shutdown()


# ------------------------------------------------------------------ a cluster on this machine

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    """A Ray cluster on this machine, for the tests and bench/build_bench.py: `ray start --head`
    and one `ray start --address` worker on loopback, each in the foreground (--block) in its own
    process group, so stop() ends exactly these nodes (by PID), not every Ray of the user.
    Logs go to `root`/head.log and worker.log."""

    def __init__(self, root: Path):
        ray_cli = Path(sys.executable).parent / "ray"
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.nodes: list[subprocess.Popen] = []
        env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
        common = ["--block", "--num-cpus", "1", "--disable-usage-stats"]
        # the head's session folder must be short: Ray's Unix sockets live in it
        self.temp = Path(f"/tmp/kgray{self.port}")
        self.nodes.append(subprocess.Popen(
            [str(ray_cli), "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(self.port),
             "--include-dashboard", "false", "--temp-dir", str(self.temp), *common],
            stdout=open(root / "head.log", "wb"), stderr=subprocess.STDOUT, env=env, start_new_session=True))
        self._wait_for_nodes(1, root / "head.log")
        self.nodes.append(subprocess.Popen(
            [str(ray_cli), "start", "--address", self.address, "--node-ip-address", "127.0.0.1", *common],
            stdout=open(root / "worker.log", "wb"), stderr=subprocess.STDOUT, env=env, start_new_session=True))
        self._wait_for_nodes(2, root / "worker.log")

    def _wait_for_nodes(self, n: int, log: Path, limit: float = 180) -> None:
        probe = ("import ray; ray.init(address='%s', logging_level='ERROR', log_to_driver=False); "
                 "print(sum(1 for x in ray.nodes() if x['Alive'])); ray.shutdown()" % self.address)
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.nodes):
                raise AssertionError(f"a Ray node exited: {log.read_text(errors='replace')[-2000:]}")
            proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
            if proc.returncode == 0 and proc.stdout.strip().splitlines()[-1:] == [str(n)]:
                return
            time.sleep(2)
        raise AssertionError(f"the Ray cluster did not reach {n} nodes: {log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        for p in reversed(self.nodes):  # worker first; each node's process group, by PID
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.nodes:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        shutil.rmtree(self.temp, ignore_errors=True)
