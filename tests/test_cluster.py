"""kg build --ray on a real local Ray cluster: a head node and one worker node started by the
test on loopback (`ray start --block`, stopped by their PIDs), the bundled corpus built through
it, and the workspace compared with a local build: the same triples, vectors within tolerance."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from .conftest import CORPUS, run_kg
from .test_incremental import _triples

pytestmark = pytest.mark.slow
pytest.importorskip("ray", reason="kg build --ray needs pip install 'govkg[ray]' (make test installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    """`ray start --head` and one `ray start --address` worker, in the foreground (--block) so
    that each node is one process of ours to stop."""

    def __init__(self, root: Path):
        ray_cli = Path(sys.executable).parent / "ray"
        self.port = _free_port()
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


def test_a_build_on_a_ray_cluster_equals_a_local_build(tmp_path):
    cluster = LocalCluster(tmp_path)
    try:
        env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "ray-cache")}  # nothing cached: all on the cluster
        proc = run_kg("build", "--corpus", CORPUS, "--workspace", tmp_path / "ray", "--ray", cluster.address,
                      env=env, timeout=900, check=True)
        assert "ray" in proc.stderr  # its stage was reported
    finally:
        cluster.stop()
    assert all(p.poll() is not None for p in cluster.nodes)
    run_kg("build", "--corpus", CORPUS, "--workspace", tmp_path / "local", "--jobs", "1",
           env={**os.environ, "KG_CACHE_DIR": str(tmp_path / "local-cache")}, timeout=900, check=True)
    assert _triples(tmp_path / "ray") == _triples(tmp_path / "local")
    a, b = (np.load(next((tmp_path / ws / "builds").glob("*")) / "search" / "vectors.npy") for ws in ("ray", "local"))
    assert a.shape == b.shape and len(a) > 0 and np.allclose(a, b, atol=1e-4)


def test_an_unreachable_cluster_is_a_one_line_error(tmp_path):
    proc = run_kg("build", "--corpus", CORPUS, "--workspace", tmp_path / "ws", "--ray", f"127.0.0.1:{_free_port()}",
                  timeout=300)
    assert proc.returncode == 1 and not (tmp_path / "ws" / "current").exists()
    lines = [x for x in proc.stderr.strip().splitlines() if x.startswith("kg build: error:")]
    assert len(lines) == 1 and "Ray cluster" in lines[0], proc.stderr
