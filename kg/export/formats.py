"""The property-graph formats of the export: a networkx MultiDiGraph, GraphML, GEXF (with colours,
sizes and positions) and Cytoscape.js JSON.

Imports the model (kg.export.model) and the picture's geometry (kg.export.layout); networkx lazily.
"""
from __future__ import annotations

import io
import json
from collections import defaultdict

from kg.export.layout import layout, node_size
from kg.export.model import OBSERVATION, TYPE_STYLE, Node, Subgraph


def node_attrs(node: Node, degree: int = 0, observations: int = 0) -> dict:
    attrs = {"label": node.label, "type": node.type, "kind": node.kind or node.type, "iri": node.iri,
             "color": TYPE_STYLE[node.type][0], "degree": degree, "observations": observations}
    if node.aliases:
        attrs["aliases"] = "、".join(node.aliases)
    for k, v in node.extra.items():
        if v is not None and v != "" and k != "document":
            attrs[k] = v
    return attrs


def to_networkx(sub: Subgraph):
    """A networkx MultiDiGraph: nodes keyed by IRI, edges keyed by id, scalar attributes only."""
    import networkx as nx  # lazy: ~0.14 s to import; the RDF formats need no property graph

    G = nx.MultiDiGraph(name="govkg", description=sub.description)
    deg = sub.degrees()
    obs_count = defaultdict(int)
    for e in sub.edges:
        if e.predicate == OBSERVATION:
            obs_count[e.source] += 1
            obs_count[e.target] += 1
    for iri, node in sub.nodes.items():
        G.add_node(iri, **node_attrs(node, deg[iri], obs_count[iri]))
    for e in sub.edges:
        G.add_edge(e.source, e.target, key=e.id, predicate=e.predicate, label=e.label, **e.attrs)
    return G


def to_graphml(sub: Subgraph) -> bytes:
    import networkx as nx  # lazy: ~0.14 s to import; the RDF formats need no property graph

    buf = io.BytesIO()
    nx.write_graphml(to_networkx(sub), buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def to_gexf(sub: Subgraph) -> bytes:
    import networkx as nx  # lazy: ~0.14 s to import; the RDF formats need no property graph

    G = to_networkx(sub)
    pos = layout(G)
    for iri, data in G.nodes(data=True):
        color = data["color"].lstrip("#")
        x, y = pos.get(iri, (0.0, 0.0))
        data["viz"] = {"color": {"r": int(color[0:2], 16), "g": int(color[2:4], 16), "b": int(color[4:6], 16),
                                 "a": 1.0},
                       "size": node_size(data["degree"]), "position": {"x": x, "y": -y, "z": 0.0}}
    for _, _, key, data in G.edges(keys=True, data=True):
        data["id"] = key  # the GEXF edge id
    buf = io.BytesIO()
    nx.write_gexf(G, buf, encoding="utf-8", prettyprint=True, version="1.2draft")
    return buf.getvalue()


def to_cytoscape(sub: Subgraph, version: str = "") -> bytes:
    """Cytoscape.js JSON (also what Cytoscape desktop reads as .cyjs)."""
    G = to_networkx(sub)
    pos = layout(G)
    nodes = []
    for iri, data in G.nodes(data=True):
        x, y = pos.get(iri, (0.0, 0.0))
        nodes.append({"data": {"id": iri, **{k: v for k, v in data.items() if k != "iri"}},
                      "position": {"x": x, "y": y}, "classes": data["type"]})
    edges = []
    for u, v, key, data in G.edges(keys=True, data=True):
        edges.append({"data": {"id": key, "source": u, "target": v, **data},
                      "classes": "observation" if data["predicate"] == OBSERVATION else "link"})
    doc = {"format_version": "1.0", "generated_by": f"govkg {version}".strip(),
           "target_cytoscapejs_version": "~3", "data": {"name": "govkg", "description": sub.description},
           "elements": {"nodes": nodes, "edges": edges}}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
