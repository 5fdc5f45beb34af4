"""The Python API the CLI and the server call: one object per built workspace."""
from __future__ import annotations

from pathlib import Path

from . import graph as kg_graph
from .workspace import Workspace


class KnowledgeGraph:
    """A built workspace, opened read-only."""

    def __init__(self, workspace: str | Path | None = None):
        self.workspace = Workspace(workspace)
        self.build_dir = self.workspace.current()
        self.manifest = self.workspace.manifest()
        self.store = kg_graph.Store(self.build_dir / "store")

    def sparql(self, query: str):
        """SELECT -> list of {variable: value}; ASK -> bool; CONSTRUCT/DESCRIBE -> list of
        (s, p, o) strings. Use query_raw() for the pyoxigraph result (to serialize it)."""
        import pyoxigraph as ox

        result = self.store.query(query)
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return [(t.subject.value, t.predicate.value, t.object.value) for t in result]

    def query_raw(self, query: str):
        return self.store.query(query)

    def info(self) -> dict:
        """Counts per class (from the store), per document, corpus and versions."""
        counts = {name: self.store.count(f"gk:{name}") for name in
                  ("Document", "Passage", "Place", "Agency", "Program", "Metric", "Observation")}
        per_doc = self.store.select("""
            SELECT ?file (COUNT(DISTINCT ?p) AS ?passages) (COUNT(DISTINCT ?o) AS ?observations) WHERE {
              ?d a gk:Document ; gk:sourceFile ?file .
              ?p gk:inDocument ?d .
              OPTIONAL { ?o prov:wasDerivedFrom ?p ; a gk:Observation }
            } GROUP BY ?file ORDER BY ?file""")
        return {"workspace": str(self.workspace.root), "build": self.build_dir.name,
                "built_at": self.manifest.get("built_at"), "counts": counts,
                "documents": per_doc, "corpus": self.manifest.get("corpus", {}),
                "shacl": self.manifest.get("shacl"), "model": self.manifest.get("model"),
                "versions": self.manifest.get("versions")}


def open(workspace: str | Path | None = None) -> KnowledgeGraph:  # noqa: A001
    """Open a built workspace (default `.kg/`); WorkspaceError if there is none."""
    return KnowledgeGraph(workspace)
