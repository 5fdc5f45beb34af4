"""Which part of the graph an export shows: select() with its filters (types, place, max_nodes,
passages), the connector places that link a type selection, the cap to the best-connected nodes,
and the Chinese description of what was left out. The rules are in kg/export/__init__.py's
docstring.

Imports the property-graph model (kg.export.model) and kg.graph's terms.
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict

from kg.errors import InputError
from kg.export.model import (OBSERVATION, PASSAGE_TYPES, TYPE_STYLE, TYPES, Edge, Subgraph, Universe,
                             observation_edge)
from kg.graph import GK, curie

ALL = "all"  # max_nodes=ALL: no cap, whatever the format


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


def select(kg, types=None, place: str | None = None, max_nodes=None, include_passages: bool = False,
           connectors: bool = True) -> Subgraph:
    """The part of the graph to export (see kg/export/__init__.py for the rules). max_nodes: None or
    "all" keep everything; connectors: with a type filter without Place, keep the places that link
    the selected nodes (the property-graph formats; RDF exports pass False)."""
    types = check_types(types)
    cap = check_max_nodes(max_nodes) or None
    u = Universe(kg, include_passages)
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
            edges.append(observation_edge(ob))
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


def _cap(u: Universe, sub: Subgraph, cap: int, nbrs: dict[str, set[str]], joined: set[str],
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


def _neighbours(u: Universe) -> dict[str, set[str]]:
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


def resolve_place(u: Universe, name: str) -> list[str]:
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


def _under_places(u: Universe, roots: list[str]) -> set[str]:
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


def _snippets(u: Universe, sub: Subgraph, per_node: int = 3, width: int = 48) -> dict[str, list[dict]]:
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
