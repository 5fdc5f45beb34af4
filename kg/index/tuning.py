"""The search parameters tuned on the bundled corpus's questions, read once from
search_tuning.toml beside this module (which names the bench that tuned each): FUSION, the fusion
weights, priors and candidate count Searcher.search starts from (and a build records in its
index.json), and VECTOR_FLOOR, the relevance floor's cosine per model. Imports nothing of kg."""
from __future__ import annotations

import tomllib
from pathlib import Path

TUNING_FILE = Path(__file__).resolve().with_name("search_tuning.toml")


def load_tuning(path: Path = TUNING_FILE) -> dict:
    """The tuning file as a dict: {"fusion": {...}, "vector_floor": {model: cosine}}."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


_TUNING = load_tuning()
# lexical, vector, status_prior, candidates, place_prior, indicator_prior, year_prior: the names
# of Searcher.search's params
FUSION: dict[str, float] = _TUNING["fusion"]
VECTOR_FLOOR: dict[str, float] = _TUNING["vector_floor"]
