"""The property graph the export draws: Node, Edge, Subgraph, the node types and their styles, and
Universe, every node and link read once from the store (observations folded onto Place -> Metric
edges).

Imports no kg module; reads the store through the KnowledgeGraph it is given (kg.store.select), and a
document's display title from its display_titles() (kg/query/titles.py).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

TYPES = ("Place", "Agency", "Program", "Metric")
PASSAGE_TYPES = ("Passage", "Document")
TYPE_STYLE = {  # colour, Chinese name
    "Place": ("#2f7ebc", "地点"), "Agency": ("#e5812d", "机构"), "Program": ("#36a25b", "项目/政策"),
    "Metric": ("#8d5cc4", "指标"), "Passage": ("#9aa0a6", "段落"), "Document": ("#4a4f55", "文件"),
}
# most specific first
PLACE_KINDS = ("DevelopmentZone", "Town", "District", "City", "Province")
OBSERVATION = "gk:Observation"


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


class Universe:
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

        titles = kg.display_titles()  # a document as a reader knows it (kg/query/titles.py)
        self.documents: dict[str, Node] = _documents(sel, titles)
        self.passages: dict[str, Node] = {}
        for row in sel("""SELECT ?p ?text ?doc ?order ?start ?end WHERE { ?p a gk:Passage ; gk:text ?text ;
                            gk:inDocument ?doc ; gk:order ?order ; gk:charStart ?start ; gk:charEnd ?end }"""):
            doc = self.documents.get(row["doc"])
            file = doc.extra["file"] if doc else ""
            name = doc.label if doc else ""
            self.passages[row["p"]] = Node(row["p"], "Passage", f"{name[:16]} ¶{row['order']}",
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
            row["display_title"] = titles.get(row.get("file") or "", row.get("file"))
            self.observations.append({"iri": row.pop("o"), **row})


def observation_edge(ob: dict) -> Edge:
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
             "passage": ob.get("passage"), "doc": ob.get("file"), "display_title": ob.get("display_title"),
             "period": ob.get("period"),
             "qualifier": ob.get("qualifier"), "direction": ob.get("direction"),
             "normalized_value": float(ob["nv"]) if ob.get("nv") else None, "normalized_unit": ob.get("nu"),
             "conflicts_with": " ".join(ob["conflicts"]) or None}
    label = " ".join(x for x in (str(year or ""), f"{value_text}{unit}", "目标" if status == "Target" else "") if x)
    return Edge(ob["iri"], ob["place"], ob["metric"], OBSERVATION, label,
                {k: v for k, v in attrs.items() if v is not None and v != ""})



def _documents(sel, titles: dict[str, str]) -> dict[str, Node]:
    """Document IRI -> its node, labelled by its display title (file -> title: kg/query/titles.py)."""
    out: dict[str, Node] = {}
    for row in sel("""SELECT ?d ?file ?title ?date WHERE { ?d a gk:Document ; gk:sourceFile ?file .
                        OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date } }"""):
        extra = {"file": row["file"]}
        if row["title"]:
            extra["title"] = row["title"]
        if row["date"]:
            extra["date"] = row["date"]
        label = titles.get(row["file"]) or row["title"] or row["file"]
        extra["display_title"] = label
        out[row["d"]] = Node(row["d"], "Document", label, "Document", extra=extra)
    return out
