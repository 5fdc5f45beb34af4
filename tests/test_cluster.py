"""kg build --ray on a real local Ray cluster: a head node and one worker node started by the
test on loopback (`ray start --block`, stopped by their PIDs), the bundled corpus built through
it, and the workspace compared with a local build: the same triples, vectors within tolerance."""
from __future__ import annotations

import os

import numpy as np
import pytest

from kg.build.cluster import LocalCluster, free_port

from .conftest import CORPUS, run_kg
from .test_incremental import _triples

pytestmark = pytest.mark.slow
pytest.importorskip("ray", reason="kg build --ray needs pip install 'govkg[ray]' (make test installs it)")


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
    proc = run_kg("build", "--corpus", CORPUS, "--workspace", tmp_path / "ws", "--ray", f"127.0.0.1:{free_port()}",
                  timeout=300)
    assert proc.returncode == 1 and not (tmp_path / "ws" / "current").exists()
    lines = [x for x in proc.stderr.strip().splitlines() if x.startswith("kg build: error:")]
    assert len(lines) == 1 and "Ray cluster" in lines[0], proc.stderr
