"""RDF terms, graph assembly and the Oxigraph store.

The build assembles an rdflib Graph (the natural API for writing triples and for pyshacl),
validates it against ontology/shapes.ttl, then bulk-loads it into an on-disk Oxigraph store
that answers SPARQL. Queries are read-only: the store is opened read-only and updates are
refused before they reach it.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from .errors import QueryError, UpdateRefused, WorkspaceError

GK = Namespace("https://w3id.org/govkg/ontology#")
GKR = Namespace("https://w3id.org/govkg/resource/")
ORG = Namespace("http://www.w3.org/ns/org#")
from .resources import ONTOLOGY_DIR  # noqa: E402  (ontology/ in a checkout, kg/ontology in a wheel)
PREFIXES = {
    "gk": str(GK), "gkr": str(GKR), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
    "skos": str(SKOS), "prov": str(PROV), "dcterms": str(DCTERMS), "org": str(ORG), "owl": str(OWL),
}


# ------------------------------------------------------------------ IRIs

@functools.lru_cache(maxsize=1 << 16)  # the same labels come back in every document
def _segment(text: str) -> str:
    """An IRI path segment: Chinese stays readable (IRIs allow it), anything that is not an
    unreserved ASCII character, or is a space/control/format character, is percent-encoded."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 128:
            out.append(quote(ch, safe="-._~"))
        elif unicodedata.category(ch)[0] in "ZC" or ch in "\ufffd":
            out.append(quote(ch, safe=""))
        else:
            out.append(ch)
    return "".join(out) or "_"


def resource(kind: str, *parts: str) -> URIRef:
    return URIRef(str(GKR) + kind + "/" + "/".join(_segment(p) for p in parts))


def doc_iri(doc_id: str) -> URIRef:
    return resource("doc", doc_id)


def passage_iri(doc_id: str, order: int) -> URIRef:
    return resource("passage", doc_id, str(order))


# ------------------------------------------------------------------ assembly

def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def add_document(g: Graph, doc) -> None:
    """A gk:Document and its gk:Passages (text, offsets, order)."""
    d = doc_iri(doc.doc_id)
    g.add((d, RDF.type, GK.Document))
    g.add((d, GK.sourceFile, Literal(doc.source_file)))
    g.add((d, GK.encoding, Literal(doc.encoding)))
    g.add((d, DCTERMS.identifier, Literal(doc.doc_id)))
    if doc.title:
        g.add((d, DCTERMS.title, Literal(doc.title, lang="zh")))
        g.add((d, RDFS.label, Literal(doc.title, lang="zh")))
    g.add((d, GK.titleConfidence, Literal(doc.title_confidence)))
    if doc.date:
        g.add((d, DCTERMS.date, Literal(doc.date, datatype=XSD.date)))
        g.add((d, GK.dateConfidence, Literal(doc.date_confidence)))
    for p in doc.passages:
        piri = passage_iri(doc.doc_id, p.order)
        g.add((piri, RDF.type, GK.Passage))
        g.add((piri, GK.inDocument, d))
        g.add((piri, GK.text, Literal(p.text)))
        g.add((piri, GK.charStart, Literal(p.start)))
        g.add((piri, GK.charEnd, Literal(p.end)))
        g.add((piri, GK.order, Literal(p.order)))


def place_iri(place) -> URIRef:
    """Provinces and prefecture cities by name (gkr:place/郑州市); lower levels under their
    city, since county and town names repeat across the country (gkr:place/郑州市/中原区)."""
    if place.level <= 2:
        return resource("place", place.name)
    city = place.city() or place.province()
    parts = [city.name] if city is not None else []
    if place.level == 4 and place.parent is not None:
        parts.append(place.parent.name)
    return resource("place", *parts, place.name)


def entity_iri(kind: str, key) -> URIRef:
    """An agency or program: its name, and for a local program the place path before it."""
    return resource(kind.lower(), *((key,) if isinstance(key, str) else key))


def metric_iri(label: str) -> URIRef:
    return resource("metric", label)


def indicator_iri(name: str) -> URIRef:
    return resource("indicator", name)


def section_iri(doc_id: str, order: int) -> URIRef:
    return resource("section", doc_id, str(order))


_ROLE_TERMS = {"review_last_year": "ReviewLastYear", "review_five_year": "ReviewFiveYears",
               "five_year_plan": "FiveYearPlan", "targets": "AnnualTargets", "tasks": "AnnualTasks",
               "body": "Body"}


def add_structure(g: Graph, doc, structure) -> None:
    """A document's kind, subject place and report year; its sections with role, offsets and
    the year and status its figures default to; each passage's section."""
    d = doc_iri(doc.doc_id)
    g.add((d, GK.documentKind, GK[structure.kind]))
    if structure.subject is not None:
        g.add((d, GK.subjectPlace, place_iri(structure.subject)))
    if structure.report_year:
        g.add((d, GK.reportYear, Literal(str(structure.report_year), datatype=XSD.gYear)))
    for sec in structure.sections:
        if sec.end <= sec.start:
            continue
        s = section_iri(doc.doc_id, sec.order)
        g.add((s, RDF.type, GK.Section))
        g.add((s, GK.inDocument, d))
        g.add((s, GK.sectionRole, GK[_ROLE_TERMS[sec.role]]))
        g.add((s, GK.charStart, Literal(sec.start)))
        g.add((s, GK.charEnd, Literal(sec.end)))
        g.add((s, GK.order, Literal(sec.order)))
        if sec.heading:
            g.add((s, GK.heading, Literal(sec.heading)))
        if sec.year:
            g.add((s, GK.defaultYear, Literal(str(sec.year), datatype=XSD.gYear)))
        if sec.status:
            g.add((s, GK.defaultStatus, GK[sec.status]))
    for p in doc.passages:
        sec = structure.section_at(p.start)
        if sec is not None and sec.end > sec.start:
            g.add((passage_iri(doc.doc_id, p.order), GK.inSection, section_iri(doc.doc_id, sec.order)))


def add_indicator(g: Graph, ind) -> URIRef:
    iri = indicator_iri(ind.name)
    g.add((iri, RDF.type, GK.Indicator))
    g.add((iri, RDF.type, GK.Metric))
    g.add((iri, RDFS.label, Literal(ind.name, lang="zh")))
    g.add((iri, SKOS.prefLabel, Literal(ind.name, lang="zh")))
    for syn in ind.synonyms:
        if syn != ind.name:
            g.add((iri, SKOS.altLabel, Literal(syn, lang="zh")))
    g.add((iri, GK.indicatorKind, Literal(ind.kind)))
    g.add((iri, GK.unitFamily, Literal(ind.unit_family)))
    return iri


def add_extraction(g: Graph, ex) -> None:
    """Places (with hierarchy and aliases), agencies, programs, metrics, observations with their
    source passage and quote, passage mentions, and conflict flags."""
    from .extract.numbers import decimal_text

    for place in ex.places:
        iri = place_iri(place)
        g.add((iri, RDF.type, GK.Place))
        g.add((iri, RDF.type, GK[place.kind]))
        if place.kind == "DevelopmentZone":
            g.add((iri, RDF.type, GK.District))
        g.add((iri, RDFS.label, Literal(place.name, lang="zh")))
        g.add((iri, SKOS.prefLabel, Literal(place.name, lang="zh")))
        for alias in sorted(place.aliases):
            g.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
        if place.code:
            g.add((iri, GK.divisionCode, Literal(str(place.code))))
        if place.parent is not None:
            g.add((iri, GK.locatedIn, place_iri(place.parent)))
    for (kind, key), entity in ex.entities.items():
        iri = entity_iri(kind, key)
        g.add((iri, RDF.type, GK[kind]))
        if kind == "Agency":
            g.add((iri, RDF.type, ORG.Organization))
        g.add((iri, RDFS.label, Literal(entity.name, lang="zh")))
        g.add((iri, SKOS.prefLabel, Literal(entity.name, lang="zh")))
        for alias in sorted(entity.aliases - {entity.name}):
            g.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
        if entity.place is not None:
            g.add((iri, GK.locatedIn, place_iri(entity.place)))
            if kind == "Agency":
                g.add((iri, GK.jurisdiction, place_iri(entity.place)))
        if entity.national:
            g.add((iri, GK.nationwide, Literal(True)))
        if entity.parent and ("Agency", (entity.parent,)) in ex.entities:
            g.add((iri, ORG.subOrganizationOf, entity_iri("Agency", (entity.parent,))))
        for agency in sorted(entity.agencies):
            g.add((iri, GK.responsibleAgency, entity_iri("Agency", agency)))
    for label, aliases in ex.metrics.items():
        iri = metric_iri(label)
        g.add((iri, RDF.type, GK.Metric))
        g.add((iri, RDFS.label, Literal(label, lang="zh")))
        g.add((iri, SKOS.prefLabel, Literal(label, lang="zh")))
        for alias in sorted(aliases - {label}):
            g.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
    for ind in ex.indicators:
        add_indicator(g, ind)
    metric_indicator = {obs.metric: obs.indicator for obs in ex.observations if obs.indicator is not None}
    for label, ind in metric_indicator.items():
        if metric_iri(label) != indicator_iri(ind.name):
            g.add((metric_iri(label), GK.indicator, indicator_iri(ind.name)))
    obs_iris = {}
    for obs in ex.observations:
        doc_id, order = ex.passage_for(obs)
        iri = resource("obs", obs.doc_id, f"{obs.start}-{obs.end}")
        obs_iris[id(obs)] = iri
        g.add((iri, RDF.type, GK.Observation))
        g.add((iri, GK.metric, metric_iri(obs.metric)))
        g.add((iri, GK.value, Literal(decimal_text(obs.value), datatype=XSD.decimal)))
        g.add((iri, GK.unit, Literal(obs.unit)))
        g.add((iri, GK.year, Literal(str(obs.year), datatype=XSD.gYear)))
        g.add((iri, GK.place, place_iri(obs.place)))
        g.add((iri, GK.status, GK[obs.status]))
        g.add((iri, GK.measure, GK[obs.measure]))
        g.add((iri, GK.quote, Literal(obs.quote)))
        g.add((iri, PROV.wasDerivedFrom, passage_iri(doc_id, order)))
        g.add((iri, GK.charStart, Literal(obs.start)))
        g.add((iri, GK.charEnd, Literal(obs.end)))
        g.add((iri, RDFS.label, Literal(f"{obs.place.name} {obs.year} {obs.metric} {decimal_text(obs.value)}{obs.unit}",
                                        lang="zh")))
        if obs.qualifier:
            g.add((iri, GK.qualifier, Literal(obs.qualifier)))
        if obs.period:
            g.add((iri, GK.period, Literal(obs.period)))
        if obs.direction:
            g.add((iri, GK.direction, Literal(obs.direction)))
        if obs.indicator is not None:
            g.add((iri, GK.indicator, indicator_iri(obs.indicator.name)))
        if obs.max_value is not None:
            g.add((iri, GK.maxValue, Literal(decimal_text(obs.max_value), datatype=XSD.decimal)))
        if obs.period_start is not None:
            g.add((iri, GK.periodStart, Literal(str(obs.period_start), datatype=XSD.gYear)))
            g.add((iri, GK.periodEnd, Literal(str(obs.period_end), datatype=XSD.gYear)))
        if obs.estimated:
            g.add((iri, GK.estimated, Literal(True)))
        if obs.program is not None:
            g.add((iri, GK.aboutProgram, entity_iri("Program", obs.program)))
        if obs.normalized_value is not None:
            g.add((iri, GK.normalizedValue, Literal(decimal_text(obs.normalized_value), datatype=XSD.decimal)))
            g.add((iri, GK.normalizedUnit, Literal(obs.normalized_unit or "")))
    for a, b in ex.conflicts:
        g.add((obs_iris[id(a)], GK.conflictsWith, obs_iris[id(b)]))
        g.add((obs_iris[id(b)], GK.conflictsWith, obs_iris[id(a)]))
    for (doc_id, order), things in ex.mentions.items():
        piri = passage_iri(doc_id, order)
        for kind, value in things:
            if kind == "place":
                g.add((piri, GK.mentions, place_iri(value)))
            elif kind == "Metric":
                g.add((piri, GK.mentions, metric_iri(value)))
            else:
                g.add((piri, GK.mentions, entity_iri(kind, value)))


def load_ontology() -> Graph:
    g = new_graph()
    g.parse(ONTOLOGY_DIR / "govkg.ttl", format="turtle")
    return g


@dataclass
class Violation:
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.focus} {self.path}: {self.message}"


def add_ontology(g: Graph) -> Graph:
    """Mix the ontology into the finished graph, in place: the store holds it (SPARQL reads the
    labels of terms) and SHACL needs its class hierarchy. Once here, rather than a copy of the
    whole graph for each (pyshacl's ont_graph clones the data graph)."""
    g += load_ontology()
    return g


def validate(g: Graph, shapes_file: Path | None = None, has_ontology: bool = False) -> list[Violation]:
    """SHACL validation against ontology/shapes.ttl (with the ontology's class hierarchy, mixed
    in unless `has_ontology`: see add_ontology)."""
    from pyshacl import validate as shacl_validate

    shapes = Graph().parse(shapes_file or ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    conforms, report, _ = shacl_validate(g, shacl_graph=shapes, ont_graph=None if has_ontology else load_ontology(),
                                         inference="none", allow_warnings=True)
    if conforms:
        return []
    SH = Namespace("http://www.w3.org/ns/shacl#")
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        out.append(Violation(str(report.value(result, SH.focusNode)),
                             str(report.value(result, SH.resultPath)),
                             str(report.value(result, SH.resultMessage))))
    return sorted(out, key=lambda v: (v.focus, v.path))


def write_store(g: Graph, path: Path, has_ontology: bool = False) -> None:
    """Bulk-load the graph (plus the ontology, so SPARQL can read labels of terms, unless
    `has_ontology`) into a new on-disk Oxigraph store."""
    import pyoxigraph as ox

    store = ox.Store(str(path))
    data = (g if has_ontology else g + load_ontology()).serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store


# ------------------------------------------------------------------ queries

_UPDATE_WORDS = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def _strip_literals(query: str) -> str:
    """The query with strings, IRIs and comments blanked, to look for keywords safely."""
    query = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', '""', query)
    query = re.sub(r"<[^<>\s]*>", "<>", query)
    return re.sub(r"#[^\n]*", "", query)


def check_query(query: str) -> None:
    """Refuse what a read-only endpoint must not run: updates and federated SERVICE calls."""
    if not query or not query.strip():
        raise QueryError("empty SPARQL query")
    bare = _strip_literals(query)
    if _SERVICE.search(bare):
        raise QueryError("SERVICE (federated query) is not allowed: this endpoint queries only its own graph")


class Store:
    """A read-only Oxigraph store of a built workspace."""

    def __init__(self, path: Path):
        import pyoxigraph as ox

        try:
            self._store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise WorkspaceError(f"cannot open the graph store ({exc}): run `kg build` again") from None
        self._ox = ox

    def query(self, query: str):
        """Run a SPARQL query; QueryError (one line) for updates and syntax errors."""
        check_query(query)
        try:
            return self._store.query(query, prefixes=PREFIXES)
        except SyntaxError as exc:
            if _UPDATE_WORDS.search(_strip_literals(query)) and _is_update(query):
                raise UpdateRefused("SPARQL updates are refused: the knowledge graph is read-only "
                                    "(rebuild it with `kg build` to change it)") from None
            raise QueryError(f"malformed SPARQL query: {str(exc).splitlines()[0]}") from None
        except OSError as exc:
            raise WorkspaceError(f"graph store read failed: {exc}") from None

    def select(self, query: str) -> list[dict]:
        """SELECT results as a list of {variable: python value} (strings and numbers)."""
        result = self.query(query)
        if not isinstance(result, self._ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                term = solution[name]
                row[name] = None if term is None else term.value
            rows.append(row)
        return rows

    def count(self, cls: str) -> int:
        rows = self.select(f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a {cls} }}")
        return int(rows[0]["n"]) if rows else 0


def _is_update(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(query)
        return True
    except Exception:  # noqa: BLE001 -- any parse failure means "not an update"
        return False


def serialize_result(result, fmt: str) -> str:
    """SPARQL results as text: json (SPARQL 1.1 Query Results JSON), csv, tsv, xml for
    SELECT/ASK; turtle, nt or json (JSON-LD) for CONSTRUCT/DESCRIBE."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryTriples):
        rdf_format = {"json": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
                      "csv": ox.RdfFormat.N_TRIPLES}.get(fmt, ox.RdfFormat.TURTLE)
        if rdf_format == ox.RdfFormat.TURTLE:
            return ox.serialize(result, format=rdf_format, prefixes=PREFIXES).decode("utf-8")
        return ox.serialize(result, format=rdf_format).decode("utf-8")
    results_format = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                      "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}[fmt]
    return result.serialize(format=results_format).decode("utf-8")
