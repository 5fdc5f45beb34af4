"""Export the graph: RDF serializations, property-graph formats and a self-contained HTML page.

    ttl, nt      straight from the Oxigraph store (pyoxigraph's serializers; Turtle with the
                 govkg prefixes, triples sorted by subject)
    jsonld       rdflib's JSON-LD serializer with a compact @context (gk:, gkr:, rdfs:, skos:,
                 prov:, dcterms:, xsd:, ...); resource IRIs in @id are compacted to gkr:...
    graphml      networkx write_graphml   (Gephi, Cytoscape desktop, yEd)
    gexf         networkx write_gexf      (Gephi; with colours, sizes and a layout in viz:)
    cytoscape    Cytoscape.js JSON: {"elements": {"nodes": [{"data": ...}], "edges": [...]}}
    html         one file, vis-network inlined from the pyvis package (kg/export/html.py)

The property graph (graphml, gexf, cytoscape, html) has one node per Place, Agency, Program and
Metric (id = IRI, label = the Chinese rdfs:label, type, kind = most specific class, aliases), and
with include_passages one per Passage and Document. Edges are the RDF links between these nodes,
labelled by predicate (gk:locatedIn, gk:responsibleAgency, and with passages gk:mentions and
gk:inDocument). Each gk:Observation is folded onto one edge Place -> Metric (predicate
gk:Observation, id = the observation's IRI) carrying value, value_text, unit, year, status,
measure, quote, passage, doc, and period/qualifier/normalized value/conflicts where stated.

Filters (every format): types keeps nodes of those types; place keeps a place, the places
located in it (transitively), the agencies and programs located there (and the agencies
responsible for those programs), and the metrics observed there; max_nodes keeps the
best-connected nodes; an observation is kept when both its place and its metric are. RDF formats
without any filter dump the whole store (data + ontology, passages included); with a filter, they
hold the triples whose subject is a kept node or a kept observation.

In the property-graph formats a type filter without Place keeps, as connectors, the places on
paths between the selected nodes (an agency's jurisdiction, a program's locatedIn place, and the
parent places that join them), so agencies and programs are linked through places rather than
left as isolated dots. The html format shows at most HTML_MAX_NODES nodes unless told otherwise
(max_nodes="all", `kg export --all`); the other formats export everything unless max_nodes is
given. Subgraph.description says, in Chinese, what was selected and what was left out.

    model       the property graph: Node, Edge, Subgraph, node types and colours, the store read once
    selection   select(): the filters, the connectors, the cap and the description
    rdf         ttl, nt, jsonld
    formats     networkx, graphml, gexf, cytoscape
    layout      node positions and sizes
    html        the HTML page (and HTML_MAX_NODES, its default cap)

This file holds the entry points (render, export, check_format) and re-exports the public names.
"""
from __future__ import annotations

import os
from pathlib import Path

from kg.atomic import check_output, write_atomic  # noqa: F401  (check_output: also used by the CLI)
from kg.errors import InputError
from kg.export.formats import node_attrs, to_cytoscape, to_gexf, to_graphml, to_networkx
from kg.export.html import HTML_MAX_NODES, to_html
from kg.export.layout import layout, node_size
from kg.export.model import OBSERVATION, PASSAGE_TYPES, PLACE_KINDS, TYPE_STYLE, TYPES, Edge, Node, Subgraph
from kg.export.rdf import JSONLD_CONTEXT_PREFIXES, jsonld_context, to_jsonld, to_rdf
from kg.export.selection import ALL, check_max_nodes, check_types, resolve_place, select
from kg.version import __version__

FORMATS = ("ttl", "nt", "jsonld", "graphml", "gexf", "cytoscape", "html")
RDF_FORMATS = ("ttl", "nt", "jsonld")
# by file extension, when no format is given
SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".graphml": "graphml", ".gexf": "gexf",
            ".cyjs": "cytoscape", ".html": "html", ".htm": "html"}


def check_format(fmt: str | None, output: str | os.PathLike | None = None) -> str:
    """The format name, from --format or else from the output file's extension (default ttl)."""
    if fmt is None or fmt == "":
        if output is not None:
            suffix = Path(output).suffix.lower()
            if suffix in SUFFIXES:
                return SUFFIXES[suffix]
            raise InputError(f"cannot tell the format from the file name {Path(output).name!r}: "
                             f"give --format ({', '.join(FORMATS)})")
        return "ttl"
    name = str(fmt).strip().lower()
    name = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "cyjs": "cytoscape",
            "cytoscape.js": "cytoscape", "htm": "html"}.get(name, name)
    if name not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return name


# ------------------------------------------------------------------ entry points

def render(kg, fmt: str | None, *, types=None, place: str | None = None, max_nodes=None,
           include_passages: bool = False, output=None, summary: dict | None = None) -> bytes:
    """The export as bytes (UTF-8). max_nodes: None for the format's default (HTML_MAX_NODES for
    html, everything otherwise), "all" for everything, or a number. `summary`, when given, is
    filled with the subgraph's description, nodes, edges, total_nodes and connectors."""
    fmt = check_format(fmt, output)
    if fmt in RDF_FORMATS and place is None and not check_types(types) and not check_max_nodes(max_nodes):
        if summary is not None:
            summary.update(description="全图", nodes=None, edges=None)
        return to_rdf(kg, Subgraph({}, [], filtered=False), fmt)  # the whole store: nothing to select
    if fmt == "html" and check_max_nodes(max_nodes) is None:
        max_nodes = HTML_MAX_NODES
    sub = select(kg, types=types, place=place, max_nodes=max_nodes, include_passages=include_passages,
                 connectors=fmt not in RDF_FORMATS)
    if summary is not None:
        summary.update(description=sub.description, nodes=len(sub.nodes), edges=len(sub.edges),
                       total_nodes=sub.total_nodes, connectors=len(sub.connectors))
    if fmt in RDF_FORMATS:
        return to_rdf(kg, sub, fmt)
    if fmt == "graphml":
        return to_graphml(sub)
    if fmt == "gexf":
        return to_gexf(sub)
    if fmt == "cytoscape":
        return to_cytoscape(sub, __version__)
    G = to_networkx(sub)
    return to_html(sub, G, layout(G), title=_title(kg, sub), version=__version__)


def _title(kg, sub: Subgraph) -> str:
    return f"govkg · {sub.description}"


def export(kg, fmt: str | None = None, output: str | os.PathLike | None = None, *, types=None,
           place: str | None = None, max_nodes=None, include_passages: bool = False, summary: dict | None = None):
    """Render the export; return it as text, or write it atomically to `output` and return the Path."""
    if output is not None:
        check_output(output)
    data = render(kg, fmt, types=types, place=place, max_nodes=max_nodes, include_passages=include_passages,
                  output=output, summary=summary)
    if output is None:
        return data.decode("utf-8")
    return write_atomic(output, data)


__all__ = [
    "FORMATS", "RDF_FORMATS", "SUFFIXES", "TYPES", "PASSAGE_TYPES", "TYPE_STYLE", "PLACE_KINDS", "OBSERVATION",
    "JSONLD_CONTEXT_PREFIXES", "HTML_MAX_NODES", "ALL", "Node", "Edge", "Subgraph",
    "check_format", "check_types", "check_max_nodes", "check_output", "select", "resolve_place",
    "to_rdf", "to_jsonld", "jsonld_context", "node_attrs", "to_networkx", "layout", "node_size",
    "to_graphml", "to_gexf", "to_cytoscape", "to_html", "render", "export",
]
