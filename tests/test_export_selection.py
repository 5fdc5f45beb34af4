"""kg export: which part of the graph is shown. The HTML page is capped to the best-connected
nodes by default and says what it left out; the other formats are not capped; a type filter
keeps the places that link the selected nodes as connectors; --all exports everything."""
from __future__ import annotations

import json
import re
from collections import defaultdict

import networkx as nx
import pytest
import rdflib

from kg.export import HTML_MAX_NODES, OBSERVATION, render, select
from kg.export.selection import _connectors

from .conftest import run_kg
from .test_export import browser  # noqa: F401  (the Chromium fixture, for the slow test)

GK = "https://w3id.org/govkg/ontology#"
GKR = "https://w3id.org/govkg/resource/"
ORGANIZATIONS = ["Agency", "Program"]


def page_nodes(page: str) -> list[dict]:
    data = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(data)["nodes"]


def neighbours(sub) -> dict[str, set[str]]:
    nbrs = defaultdict(set)
    for e in sub.edges:
        if e.source != e.target:
            nbrs[e.source].add(e.target)
            nbrs[e.target].add(e.source)
    return nbrs


@pytest.fixture(scope="module")
def full(kgraph):
    return select(kgraph)


@pytest.fixture(scope="module")
def organizations(kgraph):
    """--type Agency --type Program, with and without connecting places."""
    return select(kgraph, types=ORGANIZATIONS), select(kgraph, types=ORGANIZATIONS, connectors=False)


# ------------------------------------------------------------------ the default HTML cap

def test_default_html_is_capped_to_the_best_connected_and_says_what_it_left_out(kgraph, full):
    total = len(full.nodes)
    assert total > HTML_MAX_NODES + 100  # the bundled graph is far bigger than the cap
    summary = {}
    page = render(kgraph, "html", summary=summary)
    nodes = page_nodes(page.decode("utf-8"))
    assert len(nodes) == summary["nodes"] == HTML_MAX_NODES
    expected = f"显示连接最多的 {HTML_MAX_NODES} 个节点（共 {total} 个；省略 {total - HTML_MAX_NODES} 个，用 --all 导出全部）"
    assert summary["description"] == expected
    assert expected in page.decode("utf-8")  # in the page's header
    # the best-connected: no node left out has more links than a node shown, but for one whose
    # links all lead out of the picture (it would be a lone dot)
    degree = full.degrees()
    shown = {n["id"] for n in nodes}
    links = {i: set() for i in full.nodes}
    for e in full.edges:
        links[e.source].add(e.target)
        links[e.target].add(e.source)
    left_linked = [i for i in full.nodes if i not in shown and links[i] & shown]
    assert min(degree[i] for i in shown) >= max(degree[i] for i in left_linked)
    assert GKR + "place/郑州市" in shown


def test_the_capped_page_has_no_isolated_dots(kgraph):
    sub = select(kgraph, max_nodes=HTML_MAX_NODES)
    degree = sub.degrees()
    assert len(sub.nodes) == HTML_MAX_NODES
    assert [sub.nodes[i].label for i, d in degree.items() if d == 0] == []
    assert len(sub.edges) > HTML_MAX_NODES  # a picture of links, not of dots


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape"])
def test_other_formats_are_not_capped(kgraph, full, tmp_path, fmt):
    path = kgraph.export(fmt, tmp_path / f"g.{fmt}")
    if fmt == "cytoscape":
        doc = json.loads(path.read_text(encoding="utf-8"))
        count = len(doc["elements"]["nodes"])
        assert doc["data"]["description"] == "全图"
    else:
        count = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path).number_of_nodes()
    assert count == len(full.nodes) > HTML_MAX_NODES


def test_rdf_is_not_capped(kgraph, full):
    g = rdflib.Graph().parse(data=kgraph.export("nt"), format="nt")
    kinds = {rdflib.URIRef(GK + t) for t in ("Place", "Agency", "Program", "Metric")}
    entities = {s for s, o in g.subject_objects(rdflib.RDF.type) if o in kinds}
    assert len(entities) == len(full.nodes)


def test_all_gives_the_whole_graph_in_html(kgraph, full):
    summary = {}
    page = render(kgraph, "html", max_nodes="all", summary=summary)
    assert len(page_nodes(page.decode("utf-8"))) == summary["nodes"] == len(full.nodes)
    assert summary["description"] == "全图"


def test_cli_all_and_max_nodes(built_workspace, full, tmp_path):
    out = tmp_path / "all.html"
    proc = run_kg("export", "-o", out, "--all", "--workspace", built_workspace, check=True)
    assert len(page_nodes(out.read_text(encoding="utf-8"))) == len(full.nodes)
    assert "全图" in proc.stderr
    proc = run_kg("export", "-o", out, "--max-nodes", "all", "--workspace", built_workspace, check=True)
    assert len(page_nodes(out.read_text(encoding="utf-8"))) == len(full.nodes)

    proc = run_kg("export", "-o", out, "--workspace", built_workspace, check=True)  # the default cap
    assert len(page_nodes(out.read_text(encoding="utf-8"))) == HTML_MAX_NODES
    assert f"省略 {len(full.nodes) - HTML_MAX_NODES} 个，用 --all 导出全部" in proc.stderr

    proc = run_kg("export", "--format", "html", "--max-nodes", "40", "--workspace", built_workspace, check=True)
    assert len(page_nodes(proc.stdout)) == 40
    assert f"显示连接最多的 40 个节点（共 {len(full.nodes)} 个" in proc.stderr  # stdout is the page alone

    proc = run_kg("export", "--format", "html", "--all", "--max-nodes", "5", "--workspace", built_workspace)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip() == "kg export: error: give --max-nodes N or --all, not both"
    proc = run_kg("export", "--format", "html", "--max-nodes", "0", "--workspace", built_workspace)
    assert proc.returncode == 1 and "--all exports every node" in proc.stderr


# ------------------------------------------------------------------ places kept as connectors

def test_a_type_filter_keeps_the_places_that_link_agencies_and_programs(organizations):
    sub, bare = organizations
    selected = {i for i, n in sub.nodes.items() if n.type in ORGANIZATIONS}
    assert selected == set(bare.nodes) and len(selected) > 300
    places = {i for i, n in sub.nodes.items() if n.type == "Place"}
    assert places == set(sub.connectors) and len(places) >= 5
    assert set(sub.nodes) == selected | places
    # far more links than the bare selection (only the bodies' own links: 隶属, 牵头…): each program
    # now reaches its place
    assert len(sub.edges) > 300 and len(sub.edges) > 30 * max(1, len(bare.edges))
    predicates = {e.predicate for e in sub.edges}
    assert {"gk:locatedIn", "gk:jurisdiction"} <= predicates
    # every connector touches a selected node and has two distinct neighbours: no dead ends
    nbrs = neighbours(sub)
    for p in places:
        assert nbrs[p] & selected, sub.nodes[p].label
        assert len(nbrs[p]) >= 2, sub.nodes[p].label
    # agencies and programs are linked through places, not isolated dots
    g = nx.Graph([(e.source, e.target) for e in sub.edges])
    largest = max(nx.connected_components(g), key=len)
    assert len(largest & selected) > 200
    assert {sub.nodes[i].type for i in largest} == {"Agency", "Program", "Place"}
    g_bare = nx.Graph([(e.source, e.target) for e in bare.edges])
    # without the places only a body and its units hang together (中国科学院 and its institutes)
    assert max((len(c) for c in nx.connected_components(g_bare)), default=0) * 20 < len(largest)
    assert sub.description == f"仅 机构、项目/政策，保留 {len(places)} 个连接它们的地点"
    assert bare.description == "仅 机构、项目/政策"


def test_the_city_links_an_agency_and_a_program_in_a_district(organizations):
    sub, _ = organizations
    city, district = GKR + "place/郑州市", GKR + "place/郑州市/中原区"
    assert {city, district} <= set(sub.connectors)
    g = nx.Graph([(e.source, e.target) for e in sub.edges])
    program = next(e.source for e in sub.edges if e.target == district and sub.nodes[e.source].type == "Program")
    agency = next(e.source for e in sub.edges if e.target == city and e.predicate == "gk:jurisdiction")
    path = nx.shortest_path(g, program, agency)
    assert district in path and city in path


def test_a_place_filter_bounds_the_connectors(kgraph):
    sub = select(kgraph, types=["Program"], place="郑州市")
    assert sub.connectors and GKR + "place/河南省" not in sub.nodes  # outside the place asked for
    assert all(sub.nodes[p].label == "郑州市" or GKR + "place/郑州市/" in p for p in sub.connectors)
    assert sub.description.startswith("郑州市 及其下辖；仅 项目/政策，保留 ")


def test_rdf_keeps_only_the_types_asked_for(kgraph):
    g = rdflib.Graph().parse(data=kgraph.export("ttl", types=ORGANIZATIONS), format="turtle")
    assert set(g.subjects(rdflib.RDF.type, rdflib.URIRef(GK + "Program")))
    assert not set(g.subjects(rdflib.RDF.type, rdflib.URIRef(GK + "Place")))


def test_the_default_html_of_a_type_filter_is_capped_with_its_connectors(kgraph, organizations):
    sub, _ = organizations
    summary = {}
    page = render(kgraph, "html", types=ORGANIZATIONS, summary=summary).decode("utf-8")
    nodes = page_nodes(page)
    assert len(nodes) == HTML_MAX_NODES == summary["nodes"]
    shown = {n["id"] for n in nodes}
    places = {n["id"] for n in nodes if n["type"] == "Place"}
    assert places and places <= set(sub.connectors) and summary["connectors"] == len(places)
    total = len(sub.nodes)
    assert summary["description"] == (
        f"仅 机构、项目/政策，保留 {len(places)} 个连接它们的地点；"
        f"显示连接最多的 {HTML_MAX_NODES} 个节点（共 {total} 个；省略 {total - HTML_MAX_NODES} 个，用 --all 导出全部）")
    # a connector still links what is shown: no place is left as a dead end
    capped = select(kgraph, types=ORGANIZATIONS, max_nodes=HTML_MAX_NODES)
    assert set(capped.nodes) == shown
    nbrs = neighbours(capped)
    for p in places:
        assert len(nbrs[p]) >= 2 and nbrs[p] - places, capped.nodes[p].label


@pytest.mark.parametrize("cap", [3, 10, 60])
def test_a_small_cap_with_connectors_never_exceeds_it(kgraph, cap):
    sub = select(kgraph, types=ORGANIZATIONS, max_nodes=cap)
    assert len(sub.nodes) == cap
    assert set(sub.connectors) == {i for i, n in sub.nodes.items() if n.type == "Place"}
    assert all(e.source in sub.nodes and e.target in sub.nodes for e in sub.edges)


def test_connector_rule():
    """Places on paths between selected nodes stay; dead ends and groups touching one node go."""
    edges = [("A1", "X"), ("P1", "X"),          # X links two selected nodes
             ("P2", "Y"), ("Y", "Z"), ("X", "Z"),  # Y touches one, but its parent Z joins it to X
             ("A1", "W"),                       # W: a dead end
             ("V", "Z"),                        # V: no selected node at all
             ("P3", "Q1"), ("Q1", "Q2"), ("P3", "Q2")]  # Q1, Q2: a group touching one selected node
    nbrs = defaultdict(set)
    for a, b in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    places = {"X", "Y", "Z", "W", "V", "Q1", "Q2"}
    assert _connectors(nbrs, {"A1", "P1", "P2", "P3"}, places) == {"X", "Y", "Z"}
    assert _connectors(nbrs, {"A1", "P1"}, places) == {"X"}
    assert _connectors(nbrs, {"A1"}, places) == set()


def test_observations_follow_connecting_places(kgraph):
    """--type Metric: the places observed link the metrics, with their figures on the edges."""
    sub = select(kgraph, types=["Metric"], max_nodes="all")
    assert sub.connectors and GKR + "place/郑州市" in sub.connectors
    observations = [e for e in sub.edges if e.predicate == OBSERVATION]
    assert len(observations) > 300
    assert all(e.source in sub.connectors for e in observations)


# ------------------------------------------------------------------ in a real browser (slow)

@pytest.mark.slow
def test_the_capped_and_the_whole_page_in_an_offline_browser(browser, kgraph, full, tmp_path):
    from .test_export import OfflinePage

    counts = {}
    for name, max_nodes in (("capped", None), ("all", "all")):
        summary = {}
        path = tmp_path / f"{name}.html"
        path.write_bytes(render(kgraph, "html", max_nodes=max_nodes, summary=summary))
        view = OfflinePage(browser)
        try:
            page = view.open(path)
            counts[name] = page.evaluate("Object.keys(window.govkg.network.getPositions()).length")
            assert summary["description"] in page.inner_text("body")  # the header says what was left out
            assert view.errors == [] and view.network == []
        finally:
            view.close()
    assert counts == {"capped": HTML_MAX_NODES, "all": len(full.nodes)}
