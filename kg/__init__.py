"""govkg: a knowledge graph with semantic search over Chinese government documents.

    import kg
    kg.build("data/corpus")                 # writes .kg/ atomically
    g = kg.open()                           # the built workspace
    g.sparql("SELECT ...")                  # rows as dicts
"""
from __future__ import annotations

__version__ = "0.1.0"

from .api import KnowledgeGraph, open  # noqa: A004 -- kg.open() is the public entry point
from .build import build
from .errors import InputError, KGError, QueryError, WorkspaceError

__all__ = ["KnowledgeGraph", "open", "build", "KGError", "InputError", "QueryError", "WorkspaceError"]
