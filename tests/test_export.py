"""kg export: RDF round trips, property-graph formats read back, filters, errors, atomic writes,
and the HTML page and Cytoscape JSON in a real (headless, offline) Chromium."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.export import FORMATS, OBSERVATION, select, to_networkx
from kg.export.html import script_json

from .conftest import ROOT, run_kg

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
GK = "https://w3id.org/govkg/ontology#"
GKR = "https://w3id.org/govkg/resource/"
RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


# ------------------------------------------------------------------ RDF formats

@pytest.fixture(scope="module")
def store_graph(kgraph) -> rdflib.Graph:
    """Every triple of the store, read with a CONSTRUCT (independent of the exporter)."""
    g = rdflib.Graph()
    for t in kgraph.query_raw("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"):
        g.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))
    return g


def _rdflib_term(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(rdflib.XSD.string):
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_rdf_exports_parse_back_isomorphic_to_the_store(kgraph, store_graph, fmt):
    text = kgraph.export(fmt)
    g = rdflib.Graph().parse(data=text, format=RDF_PARSERS[fmt])
    assert len(g) == len(store_graph) > 5000
    assert isomorphic(g, store_graph)


def test_turtle_uses_prefixes_and_jsonld_has_a_compact_context(kgraph):
    ttl = kgraph.export("ttl")
    assert "@prefix gk: <https://w3id.org/govkg/ontology#> ." in ttl
    assert "a gk:Observation" in ttl
    doc = json.loads(kgraph.export("jsonld"))
    ctx = doc["@context"]
    for prefix in ("gk", "gkr", "rdfs", "skos", "prov", "dcterms", "xsd"):
        assert prefix in ctx
    assert ctx["gk"] == GK and ctx["gkr"] == GKR
    ids = [n["@id"] for n in doc["@graph"]]
    assert ids == sorted(ids)
    obs = next(n for n in doc["@graph"] if n.get("@type") == "gk:Observation")
    assert obs["@id"].startswith("gkr:obs/")
    assert obs["gk:place"]["@id"].startswith("gkr:place/")
    assert obs["gk:value"]["@type"] == "xsd:decimal"


def test_filtered_rdf_is_the_selected_subgraph(kgraph):
    g = rdflib.Graph().parse(data=kgraph.export("ttl", place="中原区"), format="turtle")
    place = rdflib.URIRef(GKR + "place/郑州市/中原区")
    assert (place, rdflib.RDFS.label, rdflib.Literal("中原区", lang="zh")) in g
    observations = set(g.subjects(rdflib.RDF.type, rdflib.URIRef(GK + "Observation")))
    assert observations
    assert {g.value(o, rdflib.URIRef(GK + "place")) for o in observations} == {place}
    # no passages unless asked, no other city's places
    assert not set(g.subjects(rdflib.RDF.type, rdflib.URIRef(GK + "Passage")))
    assert (rdflib.URIRef(GKR + "place/郑州市"), None, None) not in g


# ------------------------------------------------------------------ property-graph formats

@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back_with_the_same_counts(kgraph, tmp_path, fmt, reader):
    expected = to_networkx(select(kgraph))
    path = kgraph.export(fmt, tmp_path / f"graph.{fmt}")
    assert path == tmp_path / f"graph.{fmt}"
    g = reader(path)
    assert g.number_of_nodes() == expected.number_of_nodes() > 300
    assert g.number_of_edges() == expected.number_of_edges() > 300
    node = g.nodes[GKR + "place/郑州市"]
    assert node["label"] == "郑州市" and node["type"] == "Place" and node["kind"] == "City"
    obs = [d for _, _, d in g.edges(data=True) if d.get("predicate") == OBSERVATION]
    assert len(obs) > 300
    assert all({"value", "unit", "year", "status", "quote"} <= set(d) for d in obs)
    assert {d["status"] for d in obs} == {"Actual", "Target"}
    assert any(d.get("predicate") == "gk:locatedIn" for _, _, d in g.edges(data=True))


def test_gexf_has_colours_and_positions_for_gephi(kgraph):
    text = kgraph.export("gexf")
    assert "<viz:color" in text and "<viz:position" in text and "<viz:size" in text


def test_cytoscape_json_elements(kgraph):
    doc = json.loads(kgraph.export("cytoscape"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes] + [e["data"]["id"] for e in edges]
    assert len(ids) == len(set(ids))
    node_ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in node_ids and e["data"]["target"] in node_ids for e in edges)
    zz = next(n for n in nodes if n["data"]["id"] == GKR + "place/郑州市/中原区")
    assert zz["data"]["label"] == "中原区" and zz["data"]["type"] == "Place" and "x" in zz["position"]
    assert any(e["data"]["predicate"] == OBSERVATION and e["data"]["unit"] for e in edges)


# ------------------------------------------------------------------ filters

def test_type_filter(kgraph):
    sub = select(kgraph, types=["Place", "metric"])
    assert {n.type for n in sub.nodes.values()} == {"Place", "Metric"}
    assert {e.predicate for e in sub.edges} <= {OBSERVATION, "gk:locatedIn", "gk:indicator"}  # metric -> its indicator
    only_places = select(kgraph, types="Place")
    assert {n.type for n in only_places.nodes.values()} == {"Place"}
    assert all(e.predicate == "gk:locatedIn" for e in only_places.edges)


def test_place_filter_takes_what_lies_under_it_by_label_or_alias(kgraph):
    city = select(kgraph, place="郑州市")
    alias = select(kgraph, place="郑州")  # an alias
    assert set(city.nodes) == set(alias.nodes)
    assert GKR + "place/郑州市/中原区" in city.nodes
    assert GKR + "place/河南省" not in city.nodes
    assert any(n.type == "Metric" for n in city.nodes.values())
    district = select(kgraph, place="中原区")
    assert set(district.nodes) < set(city.nodes)
    places = {n.label for n in district.nodes.values() if n.type == "Place"}
    assert places == {"中原区"}
    for e in district.edges:
        if e.predicate == OBSERVATION:
            assert e.source == GKR + "place/郑州市/中原区"


def test_max_nodes_keeps_the_best_connected(kgraph):
    full = select(kgraph)
    degree = full.degrees()
    sub = select(kgraph, max_nodes=25)
    assert len(sub.nodes) == 25
    assert GKR + "place/郑州市" in sub.nodes
    # the best-connected, but for a node whose links all lead out of the picture (a lone dot)
    links = {i: set() for i in full.nodes}
    for e in full.edges:
        links[e.source].add(e.target)
        links[e.target].add(e.source)
    left_linked = [i for i in full.nodes if i not in sub.nodes and links[i] & set(sub.nodes)]
    assert min(degree[i] for i in sub.nodes) >= max(degree[i] for i in left_linked)
    assert all(links[i] & set(sub.nodes) for i in sub.nodes)  # no lone dot
    assert all(e.source in sub.nodes and e.target in sub.nodes for e in sub.edges)


def test_include_passages_adds_passages_and_documents(kgraph, tmp_path):
    plain = select(kgraph)
    with_passages = select(kgraph, include_passages=True)
    types = {n.type for n in with_passages.nodes.values()}
    assert {"Passage", "Document"} <= types and not {"Passage", "Document"} & {n.type for n in plain.nodes.values()}
    predicates = {e.predicate for e in with_passages.edges}
    assert {"gk:mentions", "gk:inDocument"} <= predicates
    g = nx.read_graphml(kgraph.export("graphml", tmp_path / "p.graphml", include_passages=True))
    assert g.number_of_nodes() == len(with_passages.nodes)
    assert g.number_of_edges() == len(with_passages.edges)


# ------------------------------------------------------------------ CLI, errors, atomic writes

def test_cli_stdout_and_output_file(built_workspace, tmp_path):
    out = run_kg("export", "--format", "nt", "--workspace", built_workspace, check=True)
    g = rdflib.Graph().parse(data=out.stdout, format="nt")
    assert len(g) > 5000
    target = tmp_path / "zz.gexf"
    out = run_kg("export", "-o", target, "--place", "中原区", "--workspace", built_workspace, check=True)  # format from suffix
    assert nx.read_gexf(target).number_of_nodes() > 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zz.gexf"]  # no temporary file left


@pytest.mark.parametrize("args,message", [
    (["--format", "svg"], "unknown export format 'svg'"),
    (["--format", "ttl", "--place", "火星市"], "unknown place '火星市'"),
    (["--format", "ttl", "-o", "/no/such/folder/g.ttl"], "folder /no/such/folder does not exist"),
    (["--format", "html", "--max-nodes", "lots"], "--max-nodes must be a positive whole number"),
    (["--format", "html", "--max-nodes", "0"], "--max-nodes must be at least 1"),
    (["--format", "graphml", "--type", "Planet"], "unknown node type 'Planet'"),
    (["-o", "graph.xyz"], "cannot tell the format"),
])
def test_bad_input_is_one_line_without_traceback(built_workspace, args, message):
    out = run_kg("export", *args, "--workspace", built_workspace)
    assert out.returncode == 1
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("kg export: error:")
    assert "Traceback" not in out.stderr


def test_a_failed_export_leaves_the_previous_file(built_workspace, tmp_path):
    target = tmp_path / "g.ttl"
    target.write_text("old", encoding="utf-8")
    out = run_kg("export", "-o", target, "--place", "不存在的地方", "--workspace", built_workspace)
    assert out.returncode == 1
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


def test_every_format_from_the_api(kgraph):
    for fmt in FORMATS:
        text = kgraph.export(fmt, max_nodes=40)
        assert len(text) > 200, fmt


# ------------------------------------------------------------------ HTML: static checks

def test_script_json_cannot_end_the_script_element():
    text = script_json({"t": "</script><script>alert(1)</script><!-- ]]> & \u2028"})
    assert "</" not in text and "<!--" not in text and "<" not in text and ">" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script><!-- ]]> & \u2028"}


def test_html_is_self_contained(kgraph):
    page = kgraph.export("html")
    assert not re.search(r"<(script|link|img|iframe|source|embed|object)\b[^>]*\b(src|href|data)\s*=", page, re.I)
    assert "default-src 'none'" in page  # the CSP forbids any request
    assert len(re.findall(r"</script", page, re.I)) == 3  # vis-network, the data, the app: nothing else
    data = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data and json.loads(data)["nodes"]


# ------------------------------------------------------------------ in a real browser (slow)

def _have_cjk_font() -> bool:
    try:
        return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())
    except OSError:
        return False


def ensure_chromium() -> None:
    """Debian's chromium (and a CJK font, for readable screenshots), installed when missing."""
    missing = [] if os.path.exists(CHROMIUM) else ["chromium"]
    if not _have_cjk_font():
        missing.append("fonts-wqy-microhei")
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        if "chromium" in missing:
            pytest.skip(f"{CHROMIUM} is missing and cannot be installed here (needs apt-get as root)")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=900)
    proc = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env, capture_output=True, text=True,
                          timeout=1800)
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"apt-get install chromium failed: {proc.stderr.strip()[-500:]}")


@pytest.fixture(scope="module")  # closed with this module: Playwright's sync API keeps an event loop
def browser():                     # running while open, which would break asyncio in later test modules
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class OfflinePage:
    """A page whose http(s) requests are aborted and recorded, with JS errors and dialogs recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.network, self.errors, self.dialogs = [], [], []
        self.context.route(re.compile(r"^(https?|wss?|ftp)://.*"), self._abort)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:"))
                     else self.network.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _abort(self, route):
        self.network.append(route.request.url)
        route.abort()

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-ready='1']", timeout=30000)
        return self.page

    def close(self):
        self.context.close()


def _click_node(page, iri: str) -> None:
    """Centre the view on a node, zoomed in, and click it with the mouse."""
    page.evaluate("""iri => { const n = window.govkg.network;
        n.moveTo({position: n.getPosition(iri), scale: 3.0}); }""", iri)
    page.wait_for_timeout(200)
    x, y = page.evaluate("""iri => { const n = window.govkg.network;
        const p = n.canvasToDOM(n.getPosition(iri));
        const r = document.querySelector('#graph canvas').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", iri)
    page.mouse.click(x, y)


@pytest.mark.slow
def test_html_export_in_an_offline_browser(browser, kgraph, tmp_path):
    html_file = kgraph.export("html", tmp_path / "graph.html", max_nodes="all")
    view = OfflinePage(browser)
    try:
        page = view.open(html_file)
        info = page.evaluate("""() => ({nodes: window.govkg.nodes.length, data: window.govkg.data.nodes.length,
                                         drawn: Object.keys(window.govkg.network.getPositions()).length,
                                         canvas: !!document.querySelector('#graph canvas')})""")
        assert info["canvas"] and info["nodes"] == info["data"] == info["drawn"] > 300
        assert "地点" in page.inner_text("#legend")

        iri = GKR + "place/郑州市/中原区"
        _click_node(page, iri)
        page.wait_for_function("document.querySelector('#panel h2') !== null")
        panel = page.inner_text("#panel")
        assert panel.startswith("中原区") and "数据 Facts" in panel
        quote = next(e.attrs["quote"] for e in select(kgraph, place="中原区").edges if e.predicate == OBSERVATION)
        assert quote in panel  # a source quote of one of its facts
        ARTIFACTS.mkdir(exist_ok=True)
        page.evaluate("iri => window.govkg.network.moveTo({position: window.govkg.network.getPosition(iri), "
                      "scale: 0.9})", iri)
        page.mouse.move(5, 5)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "export_html_click.png"))

        # search by name (an alias works too), Enter selects and shows the node
        page.fill("#search", "郑州")
        page.wait_for_selector("#results li")
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('#panel h2').textContent === '郑州市'")
        assert page.evaluate("window.govkg.network.getSelectedNodes()") == [GKR + "place/郑州市"]
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / "export_html_search.png"))

        # the legend hides a type
        page.click("#legend button[data-type='Metric']")
        hidden = page.evaluate("window.govkg.nodes.get({filter: n => n.hidden}).length")
        assert hidden == page.evaluate("window.govkg.data.types.Metric.count")
        assert view.network == [] and view.errors == [] and view.dialogs == []
    finally:
        view.close()


EVIL = """郑州市<script>window.__pwned=1;alert(1)</script>工作报告

发布日期: 2025-01-20

2024年,郑州市地区生产总值增长5.5%,全市开展“<b>粗体</b>”行动,完成投资10亿元</script><!--<script>window.__pwned=3</script>。中原区<img src=x onerror="window.__pwned=4">新增市场主体3.2万户。
"""


@pytest.fixture(scope="module")
def evil_workspace(tmp_path_factory) -> Path:
    import kg

    root = tmp_path_factory.mktemp("evil")
    (root / "corpus").mkdir()
    (root / "corpus" / "evil.txt").write_text(EVIL, encoding="utf-8")
    kg.build(root / "corpus", root / "ws")
    return root / "ws"


@pytest.mark.slow
def test_document_text_cannot_inject_script(browser, evil_workspace, tmp_path):
    import kg

    graph = kg.open(evil_workspace)
    html_file = graph.export("html", tmp_path / "evil.html", include_passages=True)
    page_text = html_file.read_text(encoding="utf-8")
    assert "window.__pwned" in page_text  # the text is there, escaped
    view = OfflinePage(browser)
    try:
        page = view.open(html_file)
        page.wait_for_timeout(300)
        # the place's source quotes and a passage show the markup as text
        _click_node(page, GKR + "place/郑州市")
        page.wait_for_function("document.querySelector('#panel h2') !== null")
        assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("#panel")
        passage = page.evaluate("window.govkg.data.nodes.find(n => n.type === 'Passage' "
                                "&& n.extra.text.includes('onerror')).id")
        page.evaluate("id => window.govkg.select(id)", passage)
        assert '<img src=x onerror="window.__pwned=4">' in page.inner_text("#panel")
        program = page.evaluate("window.govkg.data.nodes.find(n => n.type === 'Program').id")
        page.evaluate("id => window.govkg.select(id)", program)
        assert page.inner_text("#panel h2") == "“<b>粗体</b>”行动"
        assert page.locator("#panel b, #panel img, #panel script").count() == 0
        page.screenshot(path=str(ARTIFACTS / "export_html_injection.png"))
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert view.dialogs == [] and view.errors == [] and view.network == []
    finally:
        view.close()


@pytest.fixture(scope="session")
def cytoscape_js(tmp_path_factory) -> Path:
    """cytoscape from the npm registry, installed into a temporary folder (nothing vendored)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not available: cannot install cytoscape from the npm registry")
    prefix = tmp_path_factory.mktemp("npm")
    proc = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent",
                           "cytoscape@3"], capture_output=True, text=True, timeout=600)
    script = prefix / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js"
    assert proc.returncode == 0 and script.is_file(), f"npm install cytoscape failed: {proc.stderr[-500:]}"
    return script


@pytest.mark.slow
def test_cytoscape_json_loads_in_cytoscape_js(browser, cytoscape_js, kgraph, tmp_path):
    doc = json.loads(kgraph.export("cytoscape"))
    page_file = tmp_path / "cy.html"
    page_file.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><div id="cy" style="width:1200px;height:800px"></div>'
        f'<script src="{cytoscape_js.resolve().as_uri()}"></script>'
        '<script>document.body.setAttribute("data-ready", "1")</script>', encoding="utf-8")
    view = OfflinePage(browser)
    try:
        page = view.open(page_file)
        result = page.evaluate("""doc => {
            const cy = cytoscape({container: document.getElementById('cy'), elements: doc.elements,
                                  layout: {name: 'preset'},
                                  style: [{selector: 'node', style: {'background-color': 'data(color)', label: 'data(label)'}}]});
            const zz = cy.getElementById('https://w3id.org/govkg/resource/place/郑州市/中原区');
            return {nodes: cy.nodes().length, edges: cy.edges().length, label: zz.data('label'),
                    degree: zz.degree(), again: cytoscape({elements: cy.json().elements, headless: true}).elements().length};
        }""", doc)
        assert result["nodes"] == len(doc["elements"]["nodes"])
        assert result["edges"] == len(doc["elements"]["edges"])
        assert result["again"] == result["nodes"] + result["edges"]
        assert result["label"] == "中原区" and result["degree"] > 0
        page.screenshot(path=str(ARTIFACTS / "export_cytoscape.png"))
        assert view.errors == [] and view.network == []
    finally:
        view.close()


def test_the_page_and_the_export_colour_entity_types_alike():
    import re
    from pathlib import Path

    from kg.export import TYPE_STYLE

    css = (Path(__file__).resolve().parent.parent / "kg" / "static" / "graph.css").read_text(encoding="utf-8")
    for kind, (colour, _name) in TYPE_STYLE.items():
        m = re.search(rf"--{kind.lower()}:\s*(#[0-9a-fA-F]{{6}})", css)
        assert m and m.group(1).lower() == colour.lower(), kind
