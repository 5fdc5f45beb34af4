"""The web page's views of the graph: the vocabulary for query completion, entities by name, an
entity's neighbourhood (its properties and neighbours, grouped) and one passage.

Each function takes an opened KnowledgeGraph and answers with plain JSON-ready values; the server
(kg/serve/graph_routes.py) calls them. Imports: pyoxigraph (terms), kg.errors and kg.graph (the
prefixes and short names); never kg.serve.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from kg.errors import InputError, QueryError
from kg.graph import PREFIXES, curie

# the entity kinds the page tells apart, most specific first
KINDS = ("Observation", "Passage", "Document", "Metric", "Agency", "Program", "Province", "City",
         "DevelopmentZone", "District", "Town", "Place")
GROUPS = {"Province": "Place", "City": "Place", "District": "Place", "DevelopmentZone": "Place", "Town": "Place"}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _iri(value: str) -> str:
    """An IRI as a SPARQL term, validated (QueryError for anything that is not an absolute IRI)."""
    if not value or len(value) > 2000:
        raise QueryError("give an entity IRI")
    try:
        return str(ox.NamedNode(value))
    except ValueError:
        raise QueryError(f"not a valid IRI: {value[:200]}") from None


def _literal(value: str) -> str:
    return str(ox.Literal(value))


def _kind(types: set[str]) -> str:
    local = {t.rsplit("#", 1)[-1] for t in types if t.startswith("https://w3id.org/govkg/ontology#")}
    for k in KINDS:
        if k in local:
            return k
    return "Class" if any(t.endswith(("#Class", "#ObjectProperty", "#DatatypeProperty")) for t in types) else "Other"


def _prefer(new: str, old: str) -> bool:
    """Chinese labels over English ones (the ontology has both)."""
    return bool(_CHINESE.search(new)) and not _CHINESE.search(old)


def query_vocabulary(graph) -> dict:
    """The prefixes the endpoint declares, and every class and property of the ontology plus every
    predicate the data uses, each with its short form and Chinese/English labels."""

    rows = graph.sparql("""SELECT ?t ?k ?zh ?en WHERE {
        { ?t a ?k VALUES ?k { owl:Class owl:ObjectProperty owl:DatatypeProperty rdf:Property } }
        UNION { SELECT DISTINCT ?t WHERE { ?s ?t ?o } }
        OPTIONAL { ?t rdfs:label ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }
        OPTIONAL { ?t rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) } }""")
    terms: dict[str, dict] = {}
    for r in rows:
        t = terms.setdefault(r["t"], {"iri": r["t"], "short": curie(r["t"]), "kind": "property",
                                      "label": None})
        if r.get("k") and r["k"].endswith("#Class"):
            t["kind"] = "class"
        t["label"] = t["label"] or r.get("zh") or r.get("en")
    return {"prefixes": dict(PREFIXES), "terms": sorted(terms.values(), key=lambda t: t["short"])}


def find_entities(graph, q: str, limit: int = 20) -> list[dict]:
    text = q.strip()
    if not text:
        raise InputError("empty search text")
    if len(text) > 200:
        raise InputError("search text longer than 200 characters")
    rows = graph.sparql(f"""SELECT ?e ?name ?label ?type WHERE {{
        VALUES ?type {{ gk:Place gk:Agency gk:Program gk:Metric gk:Document }}
        ?e a ?type ; rdfs:label ?label . {{ ?e rdfs:label ?name }} UNION {{ ?e skos:altLabel ?name }}
        FILTER(CONTAINS(LCASE(STR(?name)), LCASE({_literal(text)})))
    }} LIMIT 2000""")
    best: dict[str, dict] = {}
    for r in rows:
        score = (0 if r["name"] == text else 1 if r["name"].startswith(text) else 2, len(r["name"]))
        kind = r["type"].rsplit("#", 1)[-1]
        cur = best.get(r["e"])
        if cur is None or score < cur["_score"]:
            best[r["e"]] = {"iri": r["e"], "label": r["label"], "matched": r["name"], "type": kind, "_score": score}
    out = sorted(best.values(), key=lambda x: (x["_score"], x["label"]))[:limit]
    for x in out:
        del x["_score"]
    return out


def find_passage(graph, iri: str) -> dict | None:
    """One passage: its text, offsets, number and document; None when there is no such passage."""
    node = _iri(iri)
    rows = graph.sparql(f"""SELECT ?text ?start ?end ?order ?file ?title ?doc WHERE {{
            {node} a gk:Passage ; gk:text ?text ; gk:charStart ?start ; gk:charEnd ?end ; gk:order ?order ;
               gk:inDocument ?doc . ?doc gk:sourceFile ?file . OPTIONAL {{ ?doc dcterms:title ?title }} }} LIMIT 1""")
    if not rows:
        return None
    r = rows[0]
    return {"passage": iri, "doc": r["file"], "document": r["doc"], "title": r["title"],
            "display_title": graph.display_titles().get(r["file"], r["file"]),
            "start": int(r["start"]), "end": int(r["end"]), "order": int(r["order"]), "text": r["text"]}


def entity_neighbourhood(graph, iri: str, per_predicate: int = 12, relation: str | None = None,
                         offset: int = 0) -> dict | None:
    """The entity's literal properties, and its neighbours (both directions) grouped by relation
    (predicate, direction and the neighbour's kind), each group sorted by how many passages mention
    the neighbour (gk:mentions), then by label. Every relation is listed with its total in
    `relations`; without `relation` the first `per_predicate` of each group are returned (the rest
    counted in `omitted`); with `relation` (a key from `relations`) one page of that group only:
    `per_predicate` neighbours from `offset`, described in `page`. None when nothing is called iri."""
    node = _iri(iri)
    out_rows = graph.sparql(f"SELECT ?p ?o WHERE {{ {node} ?p ?o }} LIMIT 3000")
    in_rows = graph.sparql(f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} LIMIT 5000")
    if not out_rows and not in_rows:
        return None
    properties = _literal_properties(graph, node)
    center_types = {r["o"] for r in out_rows if r["p"].endswith("22-rdf-syntax-ns#type")}
    links: list[tuple[str, str, str]] = []  # (predicate, direction, neighbour)
    for r in out_rows:
        o = r["o"]
        if r["p"].endswith("22-rdf-syntax-ns#type") or not o or not o.startswith(("http://", "https://")):
            continue
        if any(p["value"] == o and p["predicate"] == r["p"] for p in properties):
            continue
        links.append((r["p"], "out", o))
    links += [(r["p"], "in", r["s"]) for r in in_rows]
    info = _describe(graph, sorted({n for _, _, n in links} | {iri}))
    groups = _group_links(links, info)
    names = {p: d["label"] for p, d in _describe(graph, sorted({k[0] for k in groups})).items()
             if d.get("label") and _prefer(d["label"], curie(p))}
    relations = [{"key": _relation_key(k), "predicate": curie(k[0]), "name": names.get(k[0], curie(k[0])),
                  "direction": k[1], "group": k[2], "total": len(items)} for k, items in groups.items()]
    page = None
    if relation is not None:
        key = next((k for k in groups if _relation_key(k) == relation), None)
        if key is None:
            raise QueryError(f"{iri} has no relation {relation!r} (its relations: "
                             f"{', '.join(r['key'] for r in relations[:10]) or 'none'})")
        offset = max(0, int(offset))
        kept = {key: groups[key][offset:offset + per_predicate]}
        page = {"relation": relation, "offset": offset, "limit": per_predicate, "total": len(groups[key])}
        omitted = []
    else:
        kept = {k: items[:per_predicate] for k, items in groups.items()}
        omitted = [{"predicate": curie(k[0]), "direction": k[1], "group": k[2], "key": _relation_key(k),
                    "count": len(items) - per_predicate} for k, items in groups.items() if len(items) > per_predicate]
    neighbours = sorted({n for items in kept.values() for n in items})
    nodes = [{"iri": n, **info.get(n, {"label": curie(n), "type": "Other", "group": "Other", "mentions": 0})}
             for n in neighbours]
    edges = []
    for (pred, direction, _), items in kept.items():
        for n in items:
            source, target = (iri, n) if direction == "out" else (n, iri)
            edges.append({"source": source, "target": target, "predicate": pred, "label": curie(pred),
                          "name": names.get(pred, curie(pred))})
    kind = _kind(center_types)
    center = {"iri": iri, "type": kind, "group": GROUPS.get(kind, kind), **info.get(iri, {"label": curie(iri)})}
    out = {"center": center, "properties": properties, "nodes": nodes, "edges": edges, "omitted": omitted,
           "relations": relations}
    if page is not None:
        out["page"] = page
    return out


def _relation_key(key: tuple[str, str, str]) -> str:
    """A relation's key for the API: direction, predicate IRI and the neighbours' kind."""
    return f"{key[1]} {key[0]} {key[2]}"


def _literal_properties(graph, node: str) -> list[dict]:
    """The entity's literal values, each with its predicate, language and datatype."""
    raw = graph.query_raw(f"SELECT ?p ?o WHERE {{ {node} ?p ?o FILTER(isLiteral(?o)) }} LIMIT 500")
    return [{"predicate": s["p"].value, "name": curie(s["p"].value), "value": s["o"].value,
             "lang": s["o"].language, "datatype": curie(s["o"].datatype.value)}
            for s in raw if isinstance(s["o"], ox.Literal)]


def _group_links(links: list[tuple[str, str, str]], info: dict[str, dict]) -> dict[tuple[str, str, str], list[str]]:
    """The links grouped by predicate, direction and the neighbour's kind (so districts and
    agencies located in a city both show); each group's neighbours most mentioned first (the count
    of passages that mention them), then by label."""
    groups: dict[tuple[str, str, str], set[str]] = {}
    for pred, direction, n in links:
        groups.setdefault((pred, direction, info.get(n, {}).get("group", "Other")), set()).add(n)

    def rank(n: str):
        d = info.get(n, {})
        return (-d.get("mentions", 0), d.get("order", 0), d.get("label") or n, n)
    return {key: sorted(items, key=rank) for key, items in sorted(groups.items())}


def _describe(graph, iris: list[str]) -> dict[str, dict]:
    """Label, kind and mention count (passages that gk:mentions it) of each IRI; a passage is
    labelled by its number and its document's title, with its first words as `excerpt`."""
    out: dict[str, dict] = {}
    for i in range(0, len(iris), 200):
        chunk = iris[i:i + 200]
        values = " ".join(_iri(x) for x in chunk)
        rows = graph.sparql(f"""SELECT ?x ?type ?label ?file ?order ?title ?start WHERE {{ VALUES ?x {{ {values} }}
            OPTIONAL {{ ?x a ?type }} OPTIONAL {{ ?x rdfs:label ?label }}
            OPTIONAL {{ ?x gk:inDocument ?d ; gk:order ?order . ?d gk:sourceFile ?file
                        OPTIONAL {{ ?d dcterms:title ?title }}
                        OPTIONAL {{ ?x gk:text ?text BIND(SUBSTR(?text, 1, 24) AS ?start) }} }} }}""")
        types: dict[str, set[str]] = {}
        for r in rows:
            types.setdefault(r["x"], set())
            if r["type"]:
                types[r["x"]].add(r["type"])
            entry = out.setdefault(r["x"], {"label": None})
            if r["label"] and (entry["label"] is None or _prefer(r["label"], entry["label"])):
                entry["label"] = r["label"]
            if r["file"] is not None and entry["label"] is None:  # a passage: its number in its document
                entry["label"] = f"第{int(r['order']) + 1}段 · {graph.display_titles().get(r['file'], r['file'])}"
                entry["order"] = int(r["order"])
                if r.get("start"):
                    entry["excerpt"] = " ".join(r["start"].split()) + "…"
        counts = _mention_counts(graph, values)
        for x, ts in types.items():
            kind = _kind(ts)
            out[x]["type"] = kind
            out[x]["group"] = GROUPS.get(kind, kind)
            out[x]["mentions"] = counts.get(x, 0)
            if out[x]["label"] is None:
                out[x]["label"] = curie(x)
    return out


def _mention_counts(graph, values: str) -> dict[str, int]:
    """How many passages mention each of the IRIs (a SPARQL VALUES list)."""
    rows = graph.sparql(f"""SELECT ?x (COUNT(DISTINCT ?p) AS ?n) WHERE {{ VALUES ?x {{ {values} }}
        ?p gk:mentions ?x }} GROUP BY ?x""")
    return {r["x"]: int(r["n"]) for r in rows}


__all__ = ["query_vocabulary", "find_entities", "find_passage", "entity_neighbourhood"]
