"""Where the files that ship with kg are: the ontology and SHACL shapes (top-level ontology/) and
the example queries (top-level examples/). In a source checkout they are beside the package; in
an installed wheel the build maps them into it (kg/ontology, kg/examples: see pyproject.toml).

A shared utility: imports only the standard library (no kg module)."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """kg/<name> in an installed wheel, else <checkout>/<name>."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


ONTOLOGY_DIR = shipped_dir("ontology")
EXAMPLES_DIR = shipped_dir("examples")
STATIC_DIR = _PACKAGE / "static"  # the page, the export template and the vendored front-end files
