"""Graph store: SPARQL over the built workspace, read-only, SHACL validation."""
from __future__ import annotations

import pytest
from rdflib import Literal

from kg import graph as kg_graph
from kg.errors import QueryError
from kg.ingest import read_document

from .conftest import CORPUS


def test_passages_per_document(kgraph):
    rows = kgraph.sparql("""SELECT ?file (COUNT(?p) AS ?n) WHERE {
        ?p a gk:Passage ; gk:inDocument ?d . ?d gk:sourceFile ?file } GROUP BY ?file ORDER BY ?file""")
    assert [r["file"] for r in rows] == sorted(p.name for p in CORPUS.iterdir())
    assert all(int(r["n"]) > 5 for r in rows)


def test_passage_offsets_index_the_document_text(kgraph):
    doc = read_document(CORPUS / "003_174fcefad8d82ffa.txt")
    rows = kgraph.sparql(f"""SELECT ?text ?s ?e WHERE {{ ?p gk:inDocument ?d ; gk:text ?text ;
        gk:charStart ?s ; gk:charEnd ?e . ?d gk:sourceFile "{doc.source_file}" }}""")
    assert len(rows) == len(doc.passages)
    for r in rows:
        assert doc.text[int(r["s"]):int(r["e"])] == r["text"]


@pytest.mark.parametrize("update", [
    "INSERT DATA { gkr:x rdfs:label 'x' }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "LOAD <http://example.org/data.ttl>",
    "DROP DEFAULT",
])
def test_updates_are_refused(kgraph, update):
    before = kgraph.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="updates are refused"):
        kgraph.sparql(update)
    assert kgraph.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before


def test_service_and_malformed_queries_are_refused(kgraph):
    with pytest.raises(QueryError, match="SERVICE"):
        kgraph.sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="malformed"):
        kgraph.sparql("SELECT ?s WHERE { ?s ")
    with pytest.raises(QueryError, match="empty"):
        kgraph.sparql("  ")
    # the word SERVICE inside a string literal is not a federated call
    assert kgraph.sparql("SELECT ?x WHERE { BIND('SERVICE' AS ?x) }") == [{"x": "SERVICE"}]


def test_ask_and_construct(kgraph):
    assert kgraph.sparql("ASK { ?d a gk:Document }") is True
    triples = kgraph.sparql("CONSTRUCT { ?d dcterms:title ?t } WHERE { ?d dcterms:title ?t }")
    assert len(triples) == 5


def test_shacl_reports_a_broken_shape():
    doc = read_document(CORPUS / "001_2bba6ff831ee998f.txt")
    g = kg_graph.new_graph()
    kg_graph.add_document(g, doc)
    assert kg_graph.validate(g) == []
    passage = kg_graph.passage_iri(doc.doc_id, 0)
    g.remove((passage, kg_graph.GK.inDocument, None))          # a passage with no document
    g.add((passage, kg_graph.GK.charStart, Literal(10**6)))     # a second start, after its end
    violations = kg_graph.validate(g)
    paths = {v.path.rsplit("#", 1)[-1] for v in violations}
    assert {"inDocument", "charStart"} <= paths
    assert all(v.focus == str(passage) for v in violations)


def test_shacl_checks_each_kind_of_constraint():
    """ontology/shapes.ttl has one property shape per constraint (see its header): each kind still
    reports, on the node that breaks it, and a well-formed observation passes."""
    from rdflib import RDF, RDFS, XSD

    GK = kg_graph.GK
    doc = read_document(CORPUS / "001_2bba6ff831ee998f.txt")
    g = kg_graph.new_graph()
    kg_graph.add_document(g, doc)
    place, metric = kg_graph.resource("place", "江城市"), kg_graph.metric_iri("地区生产总值")
    g.add((place, RDF.type, GK.Place))
    g.add((place, RDFS.label, Literal("江城市", lang="zh")))
    g.add((metric, RDF.type, GK.Metric))
    g.add((metric, RDFS.label, Literal("地区生产总值", lang="zh")))

    def observation(name):
        obs = kg_graph.resource("obs", "test", name)
        for p, o in ((RDF.type, GK.Observation), (GK.metric, metric), (GK.place, place), (GK.status, GK.Actual),
                     (GK.value, Literal("5.4", datatype=XSD.decimal)), (GK.year, Literal("2024", datatype=XSD.gYear)),
                     (GK.quote, Literal("增长5.4%")), (kg_graph.PROV.wasDerivedFrom, kg_graph.passage_iri(doc.doc_id, 0))):
            g.add((obs, p, o))
        return obs

    good, bad_status, bad_class = observation("good"), observation("status"), observation("class")
    g.set((bad_status, GK.status, GK.Planned))                     # sh:in
    g.set((bad_class, GK.place, metric))                           # sh:class: a metric is not a place
    agency = kg_graph.entity_iri("Agency", ("发展改革委",))
    g.add((agency, RDF.type, GK.Agency))                            # no label: a shape with four target classes
    indicator = kg_graph.indicator_iri("地区生产总值增长")
    g.add((indicator, RDF.type, GK.Indicator))
    g.add((indicator, RDFS.label, Literal("地区生产总值增长", lang="zh")))
    g.add((indicator, GK.indicatorKind, Literal("speed")))          # sh:in on a literal
    found = {(v.focus, v.path.rsplit("#", 1)[-1]) for v in kg_graph.validate(g)}
    assert found == {(str(bad_status), "status"), (str(bad_class), "place"), (str(agency), "label"),
                     (str(indicator), "indicatorKind")}
    assert not any(focus == str(good) for focus, _ in found)


def test_iris_are_percent_encoded_where_needed():
    iri = kg_graph.resource("place", "郑州 市/<x>#1")
    assert str(iri) == "https://w3id.org/govkg/resource/place/郑州%20市%2F%3Cx%3E%231"
    assert str(kg_graph.resource("place", "郑州市")).endswith("place/郑州市")


# ------------------------------------------------------------------ the README's analyst queries

def _example(name):
    return (CORPUS.parent.parent / "examples" / f"{name}.rq").read_text(encoding="utf-8")


def test_example_targets_2025_in_a_place(kgraph):
    rows = kgraph.sparql(_example("targets_2025"))
    assert rows and all(r["quote"] and r["file"] for r in rows)
    assert {"郑州市", "中原区"} <= {r["place"] for r in rows}  # the city and places under it
    assert any(r["metric"] == "新增城镇就业" and r["value"] == "12.8" for r in rows)


def test_example_metric_over_years(kgraph):
    rows = kgraph.sparql(_example("metric_over_years"))
    years = {(r["year"], r["status"]) for r in rows}
    assert ("2024", "Actual") in years and ("2025", "Target") in years


def test_example_places_under_city(kgraph):
    rows = kgraph.sparql(_example("places_under_city"))
    names = {r["name"] for r in rows}
    assert {"中原区", "金水区", "新郑市", "郑州航空港经济综合实验区"} <= names
    assert "河南省" not in names and "郑州市" not in names


def test_example_conflicts(kgraph):
    rows = kgraph.sparql(_example("conflicts"))
    for r in rows:
        assert r["a_value"] != r["b_value"]
    flagged = kgraph.sparql("ASK { ?a gk:conflictsWith ?b . ?b gk:conflictsWith ?a }")
    assert flagged is bool(rows)


def test_example_programs_of_place(kgraph):
    rows = kgraph.sparql(_example("programs_of_place"))
    assert rows and all(r["program"] and int(r["passages"]) >= 1 for r in rows)
    places = {r["place"] for r in rows}
    assert "郑州市" in places and places <= _zhengzhou_and_below(kgraph)
    assert not {"一带一路", "乡村振兴战略"} & {r["program"] for r in rows}  # nationwide: no place


def _zhengzhou_and_below(kgraph):
    return {r["name"] for r in kgraph.sparql(_example("places_under_city"))} | {"郑州市"}
