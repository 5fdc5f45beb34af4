"""govkg: a knowledge graph with semantic search over Chinese government documents.

    import kg
    kg.build("data/corpus")                 # writes .kg/ atomically
    g = kg.open()                           # the built workspace
    g.sparql("SELECT ...")                  # rows as dicts
"""
from __future__ import annotations

from kg.version import __version__  # noqa: F401 -- kg.__version__

from kg.query.knowledge_graph import KnowledgeGraph, open  # noqa: A004 -- kg.open() is the public entry point
from kg.build import build
from kg.errors import InputError, KGError, QueryError, WorkspaceError

__all__ = ["KnowledgeGraph", "open", "build", "KGError", "InputError", "QueryError", "WorkspaceError"]
