"""Export the graph: RDF serializations, property-graph formats and a self-contained HTML page.

    ttl, nt      straight from the Oxigraph store (pyoxigraph's serializers; Turtle with the
                 govkg prefixes, triples sorted by subject)
    jsonld       rdflib's JSON-LD serializer with a compact @context (gk:, gkr:, rdfs:, skos:,
                 prov:, dcterms:, xsd:, ...); resource IRIs in @id are compacted to gkr:...
    graphml      networkx write_graphml   (Gephi, Cytoscape desktop, yEd)
    gexf         networkx write_gexf      (Gephi; with colours, sizes and a layout in viz:)
    cytoscape    Cytoscape.js JSON: {"elements": {"nodes": [{"data": ...}], "edges": [...]}}
    html         one file, vis-network inlined from the pyvis package (kg/export_html.py)

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
"""
from __future__ import annotations

import difflib
import io
import json
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.atomic import check_output, write_atomic  # noqa: F401  (check_output: also used by the CLI)
from kg.errors import InputError
from kg.graph import GK, PREFIXES, curie

FORMATS = ("ttl", "nt", "jsonld", "graphml", "gexf", "cytoscape", "html")
RDF_FORMATS = ("ttl", "nt", "jsonld")
TYPES = ("Place", "Agency", "Program", "Metric")
PASSAGE_TYPES = ("Passage", "Document")
# by file extension, when no format is given
SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".graphml": "graphml", ".gexf": "gexf",
            ".cyjs": "cytoscape", ".html": "html", ".htm": "html"}
TYPE_STYLE = {  # colour, Chinese name
    "Place": ("#2f7ebc", "地点"), "Agency": ("#e5812d", "机构"), "Program": ("#36a25b", "项目/政策"),
    "Metric": ("#8d5cc4", "指标"), "Passage": ("#9aa0a6", "段落"), "Document": ("#4a4f55", "文件"),
}
# most specific first
PLACE_KINDS = ("DevelopmentZone", "Town", "District", "City", "Province")
OBSERVATION = "gk:Observation"
JSONLD_CONTEXT_PREFIXES = ("gk", "gkr", "rdf", "rdfs", "skos", "prov", "dcterms", "xsd", "org", "owl")
# The HTML page draws every node with its label, and layout() spreads n nodes over about
# 2·(40·√n + 150) px: 150 nodes take ~1300 px, one laptop screen at zoom 1 where every 14 px label
# is legible; the bundled corpus's ~870 nodes take ~2700 px, shown whole only at zoom ≈ 0.4 where
# the labels are unreadable and the hub's hundreds of edges make a hairball. So the default page
# shows the 150 best-connected nodes and says how many it left out; max_nodes="all" (`--all`)
# draws everything.
HTML_MAX_NODES = 150
ALL = "all"  # max_nodes=ALL: no cap, whatever the format


# ------------------------------------------------------------------ the selected subgraph

@dataclass
class Node:
    iri: str
    type: str
    label: str
    kind: str = ""
    aliases: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class Edge:
    id: str
    source: str
    target: str
    predicate: str  # a CURIE (gk:locatedIn) or gk:Observation for a folded observation
    label: str
    attrs: dict = field(default_factory=dict)


@dataclass
class Subgraph:
    nodes: dict[str, Node]
    edges: list[Edge]
    filtered: bool  # False: no filter was asked for (RDF formats dump the whole store)
    include_passages: bool = False
    description: str = ""  # in Chinese: what was selected, what was left out (the HTML header, CLI stderr)
    connectors: list[str] = field(default_factory=list)  # places kept only to link the selected types
    total_nodes: int = 0  # nodes of the selection before max_nodes
    snippets: dict = field(default_factory=dict)  # entity IRI -> passages mentioning it (for the HTML)

    @property
    def observation_iris(self) -> list[str]:
        return [e.id for e in self.edges if e.predicate == OBSERVATION]

    def degrees(self) -> dict[str, int]:
        deg = dict.fromkeys(self.nodes, 0)
        for e in self.edges:
            deg[e.source] += 1
            deg[e.target] += 1
        return deg


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


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


def check_types(types) -> tuple[str, ...] | None:
    if not types:
        return None
    if isinstance(types, str):
        types = [types]
    wanted = []
    for item in types:
        for name in str(item).split(","):
            name = name.strip()
            if not name:
                continue
            match = next((t for t in TYPES if t.lower() == name.lower().removeprefix("gk:")), None)
            if match is None:
                hint = " (observations are exported as Place -> Metric edges)" if name.lower() == "observation" else ""
                raise InputError(f"unknown node type {name!r}: choose from {', '.join(TYPES)}{hint}")
            if match not in wanted:
                wanted.append(match)
    return tuple(wanted) or None


def check_max_nodes(value) -> int | None:
    """None: not given (the format's default); 0: "all", no cap; else the cap (at least 1)."""
    if value is None or value == "":
        return None
    if str(value).strip().lower() == ALL:
        return 0
    try:
        n = int(str(value).strip())
    except ValueError:
        raise InputError(f"--max-nodes must be a positive whole number, not {value!r} "
                         f"(--all exports every node)") from None
    if n < 1:
        raise InputError(f"--max-nodes must be at least 1, not {n} (--all exports every node)")
    return n


class _Universe:
    """Every node and link of the property graph, read once from the store."""

    def __init__(self, kg, include_passages: bool):
        sel = kg.store.select
        self.nodes: dict[str, Node] = {}
        for row in sel("""SELECT ?s ?type ?label WHERE {
                            VALUES ?type { gk:Place gk:Agency gk:Program gk:Metric }
                            ?s a ?type . OPTIONAL { ?s rdfs:label ?label } }"""):
            if row["s"] in self.nodes or row["s"].startswith("_:"):
                continue
            t = _local(row["type"])
            self.nodes[row["s"]] = Node(row["s"], t, row["label"] or _local(row["s"]), kind=t)
        kinds: dict[str, set] = defaultdict(set)
        for row in sel("SELECT ?s ?k WHERE { ?s a gk:Place, ?k . FILTER(STRSTARTS(STR(?k), STR(gk:))) }"):
            kinds[row["s"]].add(_local(row["k"]))
        for iri, ks in kinds.items():
            if iri in self.nodes:
                self.nodes[iri].kind = next((k for k in PLACE_KINDS if k in ks), "Place")
        for row in sel("SELECT ?s ?a WHERE { ?s skos:altLabel ?a } ORDER BY ?s ?a"):
            if row["s"] in self.nodes and row["a"] not in self.nodes[row["s"]].aliases:
                self.nodes[row["s"]].aliases.append(row["a"])
        for row in sel("SELECT ?s ?c WHERE { ?s gk:divisionCode ?c }"):
            if row["s"] in self.nodes:
                self.nodes[row["s"]].extra["division_code"] = row["c"]

        self.documents: dict[str, Node] = {}
        for row in sel("""SELECT ?d ?file ?title ?date WHERE { ?d a gk:Document ; gk:sourceFile ?file .
                            OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date } }"""):
            extra = {"file": row["file"]}
            if row["title"]:
                extra["title"] = row["title"]
            if row["date"]:
                extra["date"] = row["date"]
            self.documents[row["d"]] = Node(row["d"], "Document", row["title"] or row["file"], "Document",
                                            extra=extra)
        self.passages: dict[str, Node] = {}
        for row in sel("""SELECT ?p ?text ?doc ?order ?start ?end WHERE { ?p a gk:Passage ; gk:text ?text ;
                            gk:inDocument ?doc ; gk:order ?order ; gk:charStart ?start ; gk:charEnd ?end }"""):
            doc = self.documents.get(row["doc"])
            file = doc.extra["file"] if doc else ""
            self.passages[row["p"]] = Node(row["p"], "Passage", f"{file.rsplit('.', 1)[0][:16]} ¶{row['order']}",
                                           "Passage", extra={"text": row["text"], "doc": file, "document": row["doc"],
                                                             "order": int(row["order"]), "start": int(row["start"]),
                                                             "end": int(row["end"])})
        self.mentions: dict[str, list[str]] = defaultdict(list)  # entity -> passages
        self.mentioned: dict[str, list[str]] = defaultdict(list)  # passage -> entities
        for row in sel("SELECT ?p ?e WHERE { ?p gk:mentions ?e }"):
            self.mentions[row["e"]].append(row["p"])
            self.mentioned[row["p"]].append(row["e"])

        # links between nodes: every IRI-valued triple other than rdf:type
        linkable = set(self.nodes) | (set(self.passages) | set(self.documents) if include_passages else set())
        self.links: list[tuple[str, str, str]] = []
        for row in sel("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o) && ?p != rdf:type) }"):
            if row["s"] in linkable and row["o"] in linkable and row["s"] != row["o"]:
                self.links.append((row["s"], row["p"], row["o"]))
        self.links.sort()

        conflicts: dict[str, list[str]] = defaultdict(list)
        for row in sel("SELECT ?a ?b WHERE { ?a gk:conflictsWith ?b }"):
            conflicts[row["a"]].append(row["b"])
        self.observations: list[dict] = []
        for row in sel("""SELECT ?o ?metric ?place ?value ?unit ?year ?status ?measure ?quote ?passage ?file
                                 ?period ?qualifier ?direction ?nv ?nu WHERE {
                            ?o a gk:Observation ; gk:metric ?metric ; gk:place ?place ; gk:value ?value .
                            OPTIONAL { ?o gk:unit ?unit } OPTIONAL { ?o gk:year ?year }
                            OPTIONAL { ?o gk:status ?status } OPTIONAL { ?o gk:measure ?measure }
                            OPTIONAL { ?o gk:quote ?quote } OPTIONAL { ?o gk:period ?period }
                            OPTIONAL { ?o gk:qualifier ?qualifier } OPTIONAL { ?o gk:direction ?direction }
                            OPTIONAL { ?o gk:normalizedValue ?nv } OPTIONAL { ?o gk:normalizedUnit ?nu }
                            OPTIONAL { ?o prov:wasDerivedFrom ?passage
                                       OPTIONAL { ?passage gk:inDocument/gk:sourceFile ?file } }
                          } ORDER BY ?o"""):
            if row["o"] in {o["iri"] for o in self.observations[-1:]}:
                continue  # a second value of an optional field: keep the first row
            row["conflicts"] = sorted(conflicts.get(row["o"], []))
            self.observations.append({"iri": row.pop("o"), **row})


def select(kg, types=None, place: str | None = None, max_nodes=None, include_passages: bool = False,
           connectors: bool = True) -> Subgraph:
    """The part of the graph to export (see the module docstring for the rules). max_nodes: None or
    "all" keep everything; connectors: with a type filter without Place, keep the places that link
    the selected nodes (the property-graph formats; RDF exports pass False)."""
    types = check_types(types)
    cap = check_max_nodes(max_nodes) or None
    u = _Universe(kg, include_passages)
    keep = set(u.nodes)
    notes = []
    if place is not None:
        roots = resolve_place(u, place)
        keep = _under_places(u, roots)
        notes.append("、".join(u.nodes[r].label for r in roots) + " 及其下辖")
    joined: set[str] = set()
    nbrs: dict[str, set[str]] = {}
    if types:
        scope = keep
        keep = {iri for iri in keep if u.nodes[iri].type in types}
        if connectors and "Place" not in types:
            nbrs = _neighbours(u)
            joined = _connectors(nbrs, keep, {iri for iri in scope if u.nodes[iri].type == "Place"})
    nodes = {iri: u.nodes[iri] for iri in sorted(keep | joined)}
    edges: list[Edge] = []
    for i, (s, p, o) in enumerate(u.links):
        edges.append(Edge(f"e{i}", s, o, curie(p), curie(p)))
    for ob in u.observations:
        if ob["place"] in nodes and ob["metric"] in nodes:
            edges.append(_observation_edge(ob))
    if include_passages:
        if place is None and not types:
            wanted = set(u.passages)
        else:  # the passages of the selected nodes (not of the connectors) and of the kept observations
            wanted = {p for iri in keep for p in u.mentions.get(iri, ())}
            wanted |= {e.attrs["passage"] for e in edges if e.predicate == OBSERVATION and e.attrs.get("passage")}
        for p in sorted(wanted):
            if p in u.passages:
                nodes[p] = u.passages[p]
                doc = u.passages[p].extra["document"]
                if doc in u.documents:
                    nodes[doc] = u.documents[doc]
    edges = [e for e in edges if e.source in nodes and e.target in nodes]
    sub = Subgraph(nodes, edges, filtered=bool(place is not None or types or cap),
                   include_passages=include_passages, total_nodes=len(nodes))
    if cap is not None and len(sub.nodes) > cap:
        joined = _cap(u, sub, cap, nbrs, joined, linked=not types)
    sub.connectors = sorted(joined)
    if types:
        note = "仅 " + "、".join(TYPE_STYLE[t][1] for t in types)
        if joined:
            note += f"，保留 {len(joined)} 个连接它们的地点"
        notes.append(note)
    if len(sub.nodes) < sub.total_nodes:
        notes.append(f"显示连接最多的 {len(sub.nodes)} 个节点（共 {sub.total_nodes} 个；"
                     f"省略 {sub.total_nodes - len(sub.nodes)} 个，用 --all 导出全部）")
    sub.description = "；".join(notes) or "全图"
    sub.snippets = _snippets(u, sub)
    return sub


def _cap(u: _Universe, sub: Subgraph, cap: int, nbrs: dict[str, set[str]], joined: set[str],
         linked: bool = False) -> set[str]:
    """Keep the `cap` best-connected nodes of `sub` (in place): by degree in the selection, then by
    the passages that mention them. With connectors, rank the selected nodes only and take as many
    as fit together with the places that still link them; `linked` (the whole graph): no lone dots.
    The connectors kept are returned."""
    deg = sub.degrees()
    order = {t: i for i, t in enumerate(TYPES + PASSAGE_TYPES)}
    ranked = sorted((n for n in sub.nodes.values() if n.iri not in joined),
                    key=lambda n: (-deg[n.iri], -len(u.mentions.get(n.iri, ())), order.get(n.type, 9), n.label, n.iri))
    def links(chosen: list) -> set[str]:  # the connectors the chosen nodes need
        return _connectors(nbrs, {n.iri for n in chosen if n.iri in u.nodes}, joined) if joined else set()

    k = min(cap, len(ranked))
    conn = links(ranked[:k])
    while k + len(conn) > cap:  # fewer selected nodes never need more connectors: this ends
        k = max(0, cap - len(conn))
        conn = links(ranked[:k])
    chosen = ranked[:k]
    misses = 0
    for n in ranked[k:]:  # fill what is left with the best that still fit (with their connectors)
        if len(chosen) + len(conn) >= cap or misses > 200:
            break
        more = links(chosen + [n])
        if len(chosen) + 1 + len(more) <= cap:
            chosen, conn, misses = chosen + [n], more, 0
        else:
            misses += 1
    kept = {n.iri for n in chosen} | conn
    if linked:
        kept = _without_lone_dots(sub, ranked, kept)
    sub.nodes = {iri: n for iri, n in sub.nodes.items() if iri in kept}
    sub.edges = [e for e in sub.edges if e.source in kept and e.target in kept]
    return conn


def _without_lone_dots(sub: Subgraph, ranked: list, kept: set[str]) -> set[str]:
    """A node whose links all lead out of the picture (a parent body whose units were left out)
    shows as a lone dot: give its place to the next best-connected node that links to the picture."""
    nbrs: dict[str, set[str]] = defaultdict(set)
    for e in sub.edges:
        nbrs[e.source].add(e.target)
        nbrs[e.target].add(e.source)
    kept = set(kept)
    rest = [n.iri for n in ranked if n.iri not in kept]
    while True:
        lone = sorted(iri for iri in kept if nbrs[iri] and not nbrs[iri] & kept)
        if not lone:
            return kept
        kept -= set(lone)
        for _ in lone:  # the best-ranked that links, looked for again after each one added
            iri = next((iri for iri in rest if nbrs[iri] & kept), None)
            if iri is None:
                return kept  # nothing left that links to the picture: fewer nodes, no dots
            kept.add(iri)
            rest.remove(iri)


def _neighbours(u: _Universe) -> dict[str, set[str]]:
    """Node -> the distinct nodes it is linked to (RDF links and observations, both directions)."""
    nbrs: dict[str, set[str]] = defaultdict(set)
    pairs = [(s, o) for s, _, o in u.links] + [(ob["place"], ob["metric"]) for ob in u.observations]
    for a, b in pairs:
        if a in u.nodes and b in u.nodes and a != b:
            nbrs[a].add(b)
            nbrs[b].add(a)
    return nbrs


def _connectors(nbrs: dict[str, set[str]], selected: set[str], candidates: set[str]) -> set[str]:
    """The candidate places that lie on paths between selected nodes. Start from every candidate;
    drop, until none is left to drop, a place with fewer than two distinct neighbours among the
    selected nodes and the places still kept (a dead end), and a group of linked places that
    touches fewer than two selected nodes (it links nothing to anything else). What stays: the
    places a selected node is linked to when another selected node is reachable through them, and
    the parents (gk:locatedIn) that join such places."""
    kept = set(candidates) - set(selected)
    while True:
        todo = list(kept)
        while todo:
            p = todo.pop()
            if p in kept and sum(1 for n in nbrs.get(p, ()) if n in selected or n in kept) < 2:
                kept.discard(p)
                todo.extend(n for n in nbrs.get(p, ()) if n in kept)
        dropped = False
        seen: set[str] = set()
        for p in sorted(kept):
            if p in seen:
                continue
            group, stack = {p}, [p]
            while stack:
                for n in nbrs.get(stack.pop(), ()):
                    if n in kept and n not in group:
                        group.add(n)
                        stack.append(n)
            seen |= group
            if len({n for q in group for n in nbrs.get(q, ()) if n in selected}) < 2:
                kept -= group
                dropped = True
        if not dropped:
            return kept


def _observation_edge(ob: dict) -> Edge:
    value_text = ob["value"]
    try:
        value = float(value_text)
    except (TypeError, ValueError):
        value = None
    unit = ob.get("unit") or ""
    year = ob.get("year")
    status = _local(ob["status"]) if ob.get("status") else ""
    attrs = {"iri": ob["iri"], "value": value, "value_text": value_text, "unit": unit,
             "year": int(year) if year and str(year).isdigit() else None, "status": status,
             "measure": _local(ob["measure"]) if ob.get("measure") else None, "quote": ob.get("quote"),
             "passage": ob.get("passage"), "doc": ob.get("file"), "period": ob.get("period"),
             "qualifier": ob.get("qualifier"), "direction": ob.get("direction"),
             "normalized_value": float(ob["nv"]) if ob.get("nv") else None, "normalized_unit": ob.get("nu"),
             "conflicts_with": " ".join(ob["conflicts"]) or None}
    label = " ".join(x for x in (str(year or ""), f"{value_text}{unit}", "目标" if status == "Target" else "") if x)
    return Edge(ob["iri"], ob["place"], ob["metric"], OBSERVATION, label,
                {k: v for k, v in attrs.items() if v is not None and v != ""})


def resolve_place(u: _Universe, name: str) -> list[str]:
    """Places whose label (or else alias) is `name`; InputError naming close matches if none."""
    wanted = re.sub(r"\s+", "", str(name))
    if not wanted:
        raise InputError("--place needs a place name (a label or an alias, e.g. 郑州市 or 郑州)")
    places = [n for n in u.nodes.values() if n.type == "Place"]
    hits = [n.iri for n in places if n.label == wanted]
    if not hits:
        hits = [n.iri for n in places if wanted in n.aliases]
    if not hits:
        names = sorted({n.label for n in places} | {a for n in places for a in n.aliases})
        close = [x for x in names if wanted in x or x in wanted][:5] or difflib.get_close_matches(wanted, names, 5, 0.4)
        hint = f"; did you mean {', '.join(close)}?" if close else (
            f"; places in the graph include {', '.join(names[:8])}" if names else "; the graph has no places")
        raise InputError(f"unknown place {name!r}: no place has that label or alias{hint}")
    return sorted(hits)


def _under_places(u: _Universe, roots: list[str]) -> set[str]:
    located = [(s, o) for s, p, o in u.links if p == str(GK.locatedIn)]
    children = defaultdict(set)
    for s, o in located:
        if u.nodes.get(s) is not None and u.nodes[s].type == "Place":
            children[o].add(s)
    places, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in places:
                places.add(child)
                todo.append(child)
    keep = set(places)
    for s, o in located:
        if o in places and s in u.nodes and u.nodes[s].type in ("Agency", "Program"):
            keep.add(s)
    for s, p, o in u.links:  # the agencies responsible for the kept programs
        if p == str(GK.responsibleAgency) and s in keep and o in u.nodes:
            keep.add(o)
    keep |= {ob["metric"] for ob in u.observations if ob["place"] in places}
    return keep


def _snippets(u: _Universe, sub: Subgraph, per_node: int = 3, width: int = 48) -> dict[str, list[dict]]:
    """For each kept entity, a few passages that mention it: a window of text around the mention."""
    out = {}
    for iri, node in sub.nodes.items():
        if node.type in PASSAGE_TYPES:
            continue
        items = []
        for p in sorted(u.mentions.get(iri, ()), key=lambda p: (u.passages[p].extra["doc"], u.passages[p].extra["order"])
                        if p in u.passages else ("", 0)):
            passage = u.passages.get(p)
            if passage is None:
                continue
            text = passage.extra["text"]
            at, hit = -1, ""
            for name in [node.label, *sorted(node.aliases, key=len, reverse=True)]:
                at = text.find(name)
                if at >= 0:
                    hit = name
                    break
            if at < 0:
                at, hit = 0, ""
            start, end = max(0, at - width), min(len(text), at + len(hit) + width)
            items.append({"passage": p, "doc": passage.extra["doc"],
                          "text": ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")})
            if len(items) >= per_node:
                break
        if items:
            out[iri] = items
    return out


# ------------------------------------------------------------------ RDF formats

def _triples(kg, sub: Subgraph):
    """The triples to write: the whole store, or those whose subject is kept."""
    if not sub.filtered:
        result = kg.query_raw("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        triples = list(result)
    else:
        subjects = list(sub.nodes) + sub.observation_iris
        triples = []
        for i in range(0, len(subjects), 400):
            values = " ".join(f"<{s}>" for s in subjects[i:i + 400])
            triples.extend(kg.query_raw(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"))
    triples.sort(key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))
    return triples


def to_rdf(kg, sub: Subgraph, fmt: str) -> bytes:
    import pyoxigraph as ox

    triples = _triples(kg, sub)
    if fmt == "ttl":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return to_jsonld(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def jsonld_context() -> dict[str, str]:
    return {p: PREFIXES[p] for p in JSONLD_CONTEXT_PREFIXES if p in PREFIXES}


def to_jsonld(ntriples: bytes) -> bytes:
    """rdflib's JSON-LD serializer with the govkg @context; resource IRIs in @id compacted to
    gkr:... (valid compact IRIs: the prefix ends with '/'); nodes sorted by @id."""
    from rdflib import Graph

    g = Graph()
    g.parse(data=ntriples, format="nt")
    context = jsonld_context()
    doc = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
    gkr = PREFIXES["gkr"]

    def compact(obj):
        if isinstance(obj, dict):
            return {k: (("gkr:" + v[len(gkr):]) if k == "@id" and isinstance(v, str) and v.startswith(gkr)
                        and not v[len(gkr):].startswith("//") else compact(v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [compact(x) for x in obj]
        return obj

    graph = doc.get("@graph")
    if graph is None:  # a single node object
        graph = [{k: v for k, v in doc.items() if k != "@context"}] if len(doc) > 1 else []
    graph = sorted(compact(graph), key=lambda n: str(n.get("@id", "")))
    return (json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ------------------------------------------------------------------ property-graph formats

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
    import networkx as nx

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


def layout(G, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions for the picture, in screen pixels: a force-directed (Fruchterman-Reingold)
    layout with a little gravity, so that unconnected nodes stay near the rest. Vectorised numpy,
    deterministic (seeded); fewer iterations for big graphs to stay within seconds."""
    import numpy as np

    ids = list(G.nodes)
    n = len(ids)
    if n == 0:
        return {}
    index = {iri: i for i, iri in enumerate(ids)}
    pairs = sorted({(index[u], index[v]) for u, v in G.edges() if u != v})
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    rng = np.random.default_rng(seed)
    x, y = rng.random(n) - 0.5, rng.random(n) - 0.5
    iterations = max(20, min(100, int(100 * (1500 / n) ** 2)))
    k2 = 1.0 / n
    k = math.sqrt(k2)
    gravity = 2.0 * k * math.sqrt(n)
    temperature = 0.1
    cool = temperature / (iterations + 1)
    block = 1024
    for _ in range(iterations):
        fx, fy = np.empty(n), np.empty(n)
        for a in range(0, n, block):  # repulsion between every pair: k^2 / d
            dx = x[a:a + block, None] - x[None, :]
            dy = y[a:a + block, None] - y[None, :]
            w = dx * dx
            w += dy * dy
            np.maximum(w, 1e-6, out=w)
            np.divide(k2, w, out=w)
            fx[a:a + block] = (w * dx).sum(1)
            fy[a:a + block] = (w * dy).sum(1)
        if len(src):  # attraction along edges: d^2 / k
            ex, ey = x[src] - x[dst], y[src] - y[dst]
            dist = np.sqrt(ex * ex + ey * ey) / k
            np.subtract.at(fx, src, ex * dist)
            np.add.at(fx, dst, ex * dist)
            np.subtract.at(fy, src, ey * dist)
            np.add.at(fy, dst, ey * dist)
        fx -= x * gravity
        fy -= y * gravity
        length = np.sqrt(fx * fx + fy * fy)
        np.maximum(length, 1e-9, out=length)
        step = np.minimum(length, temperature) / length
        x += fx * step
        y += fy * step
        temperature -= cool
    x, y = x - x.mean(), y - y.mean()
    extent = max(float(np.abs(x).max()), float(np.abs(y).max()), 1e-9)
    scale = (40.0 * math.sqrt(n) + 150) / extent
    return {iri: (round(float(x[i]) * scale, 1), round(float(y[i]) * scale, 1)) for i, iri in enumerate(ids)}


def _size(degree: int) -> float:
    return round(8 + 5 * math.log2(1 + degree), 1)


def to_graphml(sub: Subgraph) -> bytes:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(to_networkx(sub), buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def to_gexf(sub: Subgraph) -> bytes:
    import networkx as nx

    G = to_networkx(sub)
    pos = layout(G)
    for iri, data in G.nodes(data=True):
        color = data["color"].lstrip("#")
        x, y = pos.get(iri, (0.0, 0.0))
        data["viz"] = {"color": {"r": int(color[0:2], 16), "g": int(color[2:4], 16), "b": int(color[4:6], 16),
                                 "a": 1.0},
                       "size": _size(data["degree"]), "position": {"x": x, "y": -y, "z": 0.0}}
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
    from kg import __version__

    if fmt == "cytoscape":
        return to_cytoscape(sub, __version__)
    from kg.export.html import to_html

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
