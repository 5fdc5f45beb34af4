"""The built wheel is a working tool outside the checkout: it carries the ontology, the SHACL
shapes, the vocabulary and the example queries. The wheel is installed into a fresh venv; its
dependencies come from this environment's site-packages through a .pth line (so the test does
not download torch again), and nothing of the source checkout is importable there."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_builds_queries_and_checks_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, cwd=tmp_path, capture_output=True, timeout=600)  # isolated: setuptools from PyPI
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' scratch folder
    wheel = next(dist.glob("govkg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {"kg/ontology/govkg.ttl", "kg/ontology/shapes.ttl", "kg/examples/programs_of_place.rq",
            "kg/vocab/indicators.tsv", "kg/static/index.html"} <= set(names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # this environment's packages (rdflib, torch, …) after the venv's own, without its .pth files
    # (the editable install of the checkout is one of those, and must not be seen)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)

    work = tmp_path / "elsewhere"
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    for name in sorted(os.listdir(ROOT / "data" / "corpus"))[:2]:
        shutil.copy(ROOT / "data" / "corpus" / name, corpus / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    kg = [str(venv / "bin" / "kg")]

    def run(*args):
        proc = subprocess.run(kg + list(args), cwd=work, env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout

    where = subprocess.run([str(py), "-c", "import kg, kg.resources as r; print(kg.__file__); print(r.ONTOLOGY_DIR)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert str(venv) in where[0] and str(venv) in where[1], where  # the installed copy, not the checkout

    run("build", "--corpus", "corpus", "--workspace", ".kg")
    rows = json.loads(run("sparql", "@examples/passages_per_document.rq", "--workspace", ".kg", "--format", "json"))
    assert len(rows["results"]["bindings"]) == 2
    doctor = [line for line in run("doctor", "--workspace", ".kg").splitlines() if line.strip()]
    assert any("shapes" in line for line in doctor) and all(line.startswith("ok") for line in doctor), doctor
