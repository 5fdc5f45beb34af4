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


@pytest.mark.parametrize("fork", [False, True])
def test_a_graph_written_in_parts_equals_the_whole(tmp_path, fork):
    """kg build writes the graph a part at a time (GraphWriter): the same store and the same SHACL
    report as the whole graph at once, here with every document a part of its own and faults
    planted in the shared part and in a document's part."""
    import pyoxigraph as ox
    from rdflib import RDF, RDFS

    from kg.build import ingest_corpus
    from kg.extract import extract

    documents, _ = ingest_corpus(CORPUS)
    ex = extract(documents)
    GK = kg_graph.GK
    obs = ex.observations[0]
    untyped = kg_graph.place_iri(obs.place)  # shared: the place of an observation loses its types
    unlabelled = next(kg_graph.place_iri(p) for p in ex.places if p != obs.place)  # and a place its label

    def shared_graph():
        g = kg_graph.new_graph()
        kg_graph.add_shared(g, ex)
        g.remove((untyped, RDF.type, None))
        g.remove((unlabelled, RDFS.label, None))
        return g

    def document_graph(doc):
        g = kg_graph.new_graph()
        kg_graph.add_document(g, doc)
        kg_graph.add_structure(g, doc, ex.structures[doc.doc_id])
        kg_graph.add_observations(g, ex, [o for o in ex.observations if o.doc_id == doc.doc_id])
        kg_graph.add_mentions(g, [(k, v) for k, v in ex.mentions.items() if k[0] == doc.doc_id])
        g.remove((kg_graph.observation_iri(obs), GK.year, None))  # a document's part: no year
        return g

    whole = shared_graph()
    for doc in documents:
        whole += document_graph(doc)
    expected = kg_graph.validate(whole)
    assert {v.path.rsplit("#", 1)[-1] for v in expected} >= {"place", "year", "label"}

    writer = kg_graph.GraphWriter(tmp_path / "store", fork=fork)
    writer.add_shared(shared_graph())
    for doc in documents:
        writer.add_document(doc.doc_id, document_graph(doc))
    writer.close()
    assert writer.violations() == expected
    assert writer.triples == len(whole) and writer.counts["Observation"] == len(ex.observations)
    whole += kg_graph.load_ontology()
    at_once = ox.Store()
    at_once.load(whole.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert {str(q) for q in ox.Store.read_only(str(tmp_path / "store"))} == {str(q) for q in at_once}
    assert not (tmp_path / "store.nt").exists()
