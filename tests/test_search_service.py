"""Search inside SPARQL: SERVICE <https://w3id.org/govkg/search> (kg/search_service.py) through the
Python API and the CLI on the bundled corpus. The endpoint's side is in test_server.py, the
provincial examples in test_provinces.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.query import search_service
from kg.errors import QueryError

from .conftest import ROOT, run_kg

SEARCH = """SELECT ?passage ?score ?doc WHERE {{
  SERVICE <https://w3id.org/govkg/search> {{ ?passage gk:matches "{text}" ; gk:score ?score {more}. }}
  ?passage gk:inDocument ?doc .
}} ORDER BY DESC(?score)"""


def _rows(kgraph, text, more=""):
    return [(r["passage"], float(r["score"])) for r in kgraph.sparql(SEARCH.format(text=text, more=more))]


def _hits(kgraph, text, k, **filters):
    return [(h["passage"], h["score"]) for h in kgraph.search(text, k=k, **filters)]


@pytest.mark.parametrize("text", ["营商环境", "空气质量优良天数", "郑州市2024年地区生产总值增长多少"])
def test_the_service_binds_the_passages_and_scores_of_search(kgraph, text):
    rows = _rows(kgraph, text)
    assert rows and rows == _hits(kgraph, text, 20)  # same passages, scores and order (k 20 by default)
    assert _rows(kgraph, text, "; gk:k 3 ") == _hits(kgraph, text, 3)


def test_filters_are_those_of_search(kgraph):
    more = '; gk:place "中原区" ; gk:documentKind gk:News ; gk:k 5 '
    assert _rows(kgraph, "营商环境", more) == _hits(kgraph, "营商环境", 5, place="中原区", kind="News")
    assert _rows(kgraph, "营商环境", '; gk:year 2023 ') == _hits(kgraph, "营商环境", 20, year=2023)
    with pytest.raises(QueryError, match="火星"):  # an unknown place is said, as kg search says it
        _rows(kgraph, "营商环境", '; gk:place "火星" ')


def test_the_service_joins_with_graph_patterns(kgraph):
    """Passages about 营商环境 in documents about 郑州市 or places under it, their year beside."""
    rows = kgraph.sparql((ROOT / "examples" / "search_under_a_city.rq").read_text(encoding="utf-8"))
    assert rows and all(r["text"] and r["file"] for r in rows)
    under = {r["name"] for r in kgraph.sparql((ROOT / "examples" / "places_under_city.rq").read_text(encoding="utf-8"))}
    assert {r["place"] for r in rows} <= under | {"郑州市"}
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    found = {h["text"]: h["score"] for h in kgraph.search("营商环境", k=100)}
    assert all(found[r["text"]] == float(r["score"]) for r in rows)  # the search's passages, its scores
    assert any("营商环境" in r["text"] for r in rows)


def test_a_text_variable_is_searched_once_per_value(kgraph):
    rows = kgraph.sparql("""SELECT ?t ?p ?s WHERE { VALUES ?t { "营商环境" "优良天数" }
        SERVICE <https://w3id.org/govkg/search> { ?p gk:matches ?t ; gk:score ?s ; gk:k 4 } }""")
    for text in ("营商环境", "优良天数"):
        assert [(r["p"], float(r["s"])) for r in rows if r["t"] == text] == _hits(kgraph, text, 4)
    # the values may come from the graph: a program's name searched for
    rows = kgraph.sparql("""SELECT ?name ?p WHERE {
        ?prog a gk:Program ; rdfs:label ?name ; gk:locatedIn/rdfs:label "中原区"@zh .
        SERVICE <https://w3id.org/govkg/search> { ?p gk:matches ?name ; gk:k 1 } }""")
    assert rows and all(r["p"] == _hits(kgraph, r["name"], 1)[0][0] for r in rows)


def test_entities_are_found_by_label_and_alias(kgraph):
    rows = kgraph.sparql("""SELECT ?label ?s WHERE { SERVICE <https://w3id.org/govkg/search> {
        ?x gk:matches "郑州" ; a gk:Place ; gk:score ?s ; gk:k 5 } ?x rdfs:label ?label } ORDER BY DESC(?s) ?label""")
    labels = [r["label"] for r in rows]
    assert labels[0] == "郑州市" and all("郑州" in x for x in labels)  # 郑州 is the city's alias
    rows = kgraph.sparql("""SELECT ?x WHERE { SERVICE <https://w3id.org/govkg/search> {
        ?x gk:matches "营商环境" ; a gk:Program } FILTER NOT EXISTS { ?x a gk:Program } }""")
    assert rows == []  # what comes back is of the class asked for


@pytest.mark.parametrize("text", ['x" } } DELETE WHERE { ?a ?b ?c } #', "'); DROP ALL; --",
                                  '\\" . ?s ?p ?o . FILTER(true) #', "<https://evil.example/> }"])
def test_hostile_text_is_only_searched_for(kgraph, text):
    before = kgraph.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    rows = kgraph.sparql(f'SELECT ?p ?s WHERE {{ SERVICE <https://w3id.org/govkg/search> '
                         f'{{ ?p gk:matches "{escaped}" ; gk:score ?s }} }}')
    assert all(r["p"].startswith("https://w3id.org/govkg/resource/passage/") for r in rows)
    assert [(r["p"], float(r["s"])) for r in rows] == _hits(kgraph, text, 20)
    assert kgraph.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:score ?s } }", "gk:matches"),
    ("SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:matches 'a' ; gk:k 'ten' } }", "whole number"),
    ("SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:matches 'a' ; rdfs:label ?l } }", "knows"),
    ("SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:matches 'a' ; a gk:Observation } }", "Program"),
    ("SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:matches 'a' ", "not closed"),
    ("SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> { ?p gk:matches 'a' ; a gk:Program ; gk:year 2024 } }",
     "filter passages"),
])
def test_bad_service_blocks_are_refused_with_a_clear_error(kgraph, query, message):
    with pytest.raises(QueryError, match=message):
        kgraph.sparql(query)


def test_the_word_service_in_a_string_or_comment_is_no_block(kgraph):
    query = """SELECT ?x WHERE { BIND("SERVICE <https://w3id.org/govkg/search> { ?p gk:matches 'a' }" AS ?x) }
               # SERVICE <https://w3id.org/govkg/search> { ?p gk:matches "b" }"""
    assert search_service.plan(query).blocks == []
    assert kgraph.sparql(query) == [{"x": "SERVICE <https://w3id.org/govkg/search> { ?p gk:matches 'a' }"}]


def test_k_is_capped():
    block = search_service.plan('SELECT * WHERE { SERVICE <https://w3id.org/govkg/search> '
                                '{ ?p gk:matches "a" ; gk:k 100000 } }').blocks[0]
    assert block.k == search_service.MAX_K


def test_kg_sparql_gives_the_rows_of_kg_search(built_workspace, kgraph):
    query = SEARCH.format(text="优良天数", more="; gk:k 5 ")
    out = run_kg("sparql", query, "--format", "json", "--workspace", built_workspace, check=True).stdout
    rows = [(b["passage"]["value"], float(b["score"]["value"])) for b in json.loads(out)["results"]["bindings"]]
    hits = json.loads(run_kg("search", "优良天数", "-k", "5", "--format", "json", "--workspace", built_workspace,
                             check=True).stdout)
    assert rows == [(h["passage"], h["score"]) for h in hits] and len(rows) == 5
    assert rows == [(r["passage"], float(r["score"])) for r in kgraph.sparql(query)]
    bad = run_kg("sparql", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                 "--workspace", built_workspace)
    assert bad.returncode != 0 and "SERVICE" in bad.stderr and "Traceback" not in bad.stderr


def test_examples_name_only_terms_of_the_ontology():
    ontology = (ROOT / "ontology" / "govkg.ttl").read_text(encoding="utf-8")
    for term in ("matches", "score", "k"):
        assert f"gk:{term} a rdf:Property" in ontology
    examples = [p for p in Path(ROOT / "examples").glob("search_*.rq")]
    assert len(examples) == 3 and all("标题：" in p.read_text(encoding="utf-8") for p in examples)


# ------------------------------------------------------------------ graph-aware filters (kg search and the service)

def test_a_section_filter_keeps_passages_of_that_role(kgraph):
    hits = kgraph.search("经济增长", k=5, section="主要预期目标")
    roles = {r["p"]: r["role"] for r in kgraph.sparql(
        "SELECT ?p ?role WHERE { ?p gk:inSection/gk:sectionRole ?role }")}
    assert hits and all(roles[h["passage"]].endswith("#AnnualTargets") for h in hits)
    assert kgraph.search("经济增长", k=5, section="AnnualTargets") == hits
    assert _rows(kgraph, "经济增长", "; gk:sectionRole gk:AnnualTargets ; gk:k 5 ") == [(h["passage"], h["score"]) for h in hits]
    with pytest.raises(Exception, match="unknown section"):
        kgraph.search("经济增长", section="火星")


def test_a_mentions_filter_keeps_passages_naming_the_entity_or_its_neighbours(kgraph):
    name = kgraph.sparql("""SELECT ?l WHERE { ?a a gk:Agency ; rdfs:label ?l . ?p gk:mentions ?a }
                            GROUP BY ?l ORDER BY DESC(COUNT(?p)) ?l LIMIT 1""")[0]["l"]
    hits = kgraph.search("工作", k=50, mentions=name)
    mentioning = {r["p"] for r in kgraph.sparql(f"""SELECT ?p WHERE {{ ?a rdfs:label "{name}"@zh .
        {{ ?p gk:mentions ?a }} UNION {{ ?a gk:responsibleAgency|^gk:responsibleAgency|org:subOrganizationOf|^org:subOrganizationOf ?n .
        ?p gk:mentions ?n }} }}""")}
    assert hits and {h["passage"] for h in hits} <= mentioning
    assert _rows(kgraph, "工作", f'; gk:mentions "{name}" ; gk:k 50 ') == [(h["passage"], h["score"]) for h in hits]
    with pytest.raises(Exception, match="no passage mentions"):
        kgraph.search("工作", mentions="不存在的机构")


def test_kg_search_takes_the_graph_filters(built_workspace):
    out = run_kg("search", "经济增长", "--section", "AnnualTargets", "-k", "3", "--format", "json",
                 "--workspace", built_workspace, check=True).stdout
    assert len(json.loads(out)) >= 1
    bad = run_kg("search", "经济增长", "--section", "火星", "--workspace", built_workspace)
    assert bad.returncode != 0 and "AnnualTargets" in bad.stderr and "Traceback" not in bad.stderr
