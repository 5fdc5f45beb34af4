"""RDF terms, graph assembly and the Oxigraph store.

The build assembles an rdflib Graph (the natural API for writing triples and for pyshacl),
validates it against ontology/shapes.ttl, then bulk-loads it into an on-disk Oxigraph store
that answers SPARQL. Queries are read-only: the store is opened read-only and updates are
refused before they reach it.
"""
from __future__ import annotations

import functools
import gc
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from decimal import Decimal
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg import vocab
from kg.errors import QueryError, UpdateRefused, WorkspaceError

GK = Namespace("https://w3id.org/govkg/ontology#")
GKR = Namespace("https://w3id.org/govkg/resource/")
ORG = Namespace("http://www.w3.org/ns/org#")
from kg.resources import ONTOLOGY_DIR  # noqa: E402  (ontology/ in a checkout, kg/ontology in a wheel)
PREFIXES = {
    "gk": str(GK), "gkr": str(GKR), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
    "skos": str(SKOS), "prov": str(PROV), "dcterms": str(DCTERMS), "org": str(ORG), "owl": str(OWL),
}


def curie(iri: str) -> str:
    """gk:Program, gkr:place/郑州市: an IRI under one of PREFIXES written short (the longest
    namespace wins), any other IRI as it is. (rdflib's NamespaceManager.curie splits at the last
    '/' or '#', so it cannot write gkr:place/郑州市.)"""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default="")
    return f"{next(p for p, ns in PREFIXES.items() if ns == best)}:{iri[len(best):]}" if best else iri


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
    g.add((d, DCTERMS["format"], Literal(getattr(doc, "media_type", "text/plain"))))
    if getattr(doc, "ocr_confidence", None) is not None:
        g.add((d, GK.ocrConfidence, Literal(Decimal(str(doc.ocr_confidence)))))
    for p in doc.passages:
        piri = passage_iri(doc.doc_id, p.order)
        g.add((piri, RDF.type, GK.Passage))
        g.add((piri, GK.inDocument, d))
        g.add((piri, GK.text, Literal(p.text)))
        g.add((piri, GK.charStart, Literal(p.start)))
        g.add((piri, GK.charEnd, Literal(p.end)))
        g.add((piri, GK.order, Literal(p.order)))
        if getattr(p, "page", None) is not None:
            g.add((piri, GK.page, Literal(p.page)))


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


_ROLE_TERMS = {role: term for role, (term, _names) in vocab.section_roles().items()}


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


def observation_iri(obs) -> URIRef:
    return resource("obs", obs.doc_id, f"{obs.start}-{obs.end}")


def add_shared(g: Graph, ex) -> None:
    """What documents have in common: places (with hierarchy and aliases), agencies, programs,
    metrics and indicators, and the conflict flags between observations of different documents.
    (Each document's own nodes -- add_document, add_structure, add_observations, add_mentions --
    point into these, never the other way but for conflicts.)"""
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
    for triple in relation_triples(getattr(ex, "relations", ())):
        g.add(triple)
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
    for a, b in ex.conflicts:
        g.add((observation_iri(a), GK.conflictsWith, observation_iri(b)))
        g.add((observation_iri(b), GK.conflictsWith, observation_iri(a)))


def add_observations(g: Graph, ex, observations) -> None:
    """Observations (of one document, or any) with their value, unit, year, place, status, source
    passage and quote."""
    from kg.extract.numbers import decimal_text

    for obs in observations:
        doc_id, order = ex.passage_for(obs)
        iri = observation_iri(obs)
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
        g.add((iri, GK.confidence, Literal(obs.confidence)))
        if obs.confidence_reason:
            g.add((iri, GK.confidenceReason, Literal(obs.confidence_reason, lang="en")))
        if obs.program is not None:
            g.add((iri, GK.aboutProgram, entity_iri("Program", obs.program)))
        if obs.normalized_value is not None:
            g.add((iri, GK.normalizedValue, Literal(decimal_text(obs.normalized_value), datatype=XSD.decimal)))
            g.add((iri, GK.normalizedUnit, Literal(obs.normalized_unit or "")))


RELATION_PREDICATES = {"responsible": GK.responsibleAgency, "participating": GK.participatingAgency,
                       "partOf": GK.partOfProgram, "agreement": GK.agreementWith, "superior": ORG.subOrganizationOf,
                       "located": GK.locatedIn}


def _relation_end(ref: tuple) -> URIRef:
    kind, key = ref
    return place_iri(key) if kind == "Place" else entity_iri(kind, key)


def relation_iri(doc_id: str, rel) -> URIRef:
    return resource("rel", doc_id, f"{rel.start}-{rel.end}-{rel.kind}-{_segment(str(rel.object[1]))[:40]}")


def relation_triples(relations):
    """The direct triples (program gk:responsibleAgency agency) of (doc_id, Relation) pairs."""
    for _doc_id, rel in relations:
        yield _relation_end(rel.subject), RELATION_PREDICATES[rel.kind], _relation_end(rel.object)


def add_relations(g: Graph, relations) -> None:
    """Each (doc_id, Relation)'s source: an rdf:Statement of its direct triple (written in the
    shared part, add_shared) with the quote and the passage."""
    for doc_id, rel in relations:
        s, p, o = _relation_end(rel.subject), RELATION_PREDICATES[rel.kind], _relation_end(rel.object)
        st = relation_iri(doc_id, rel)
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, GK.quote, Literal(rel.quote)))
        g.add((st, PROV.wasDerivedFrom, passage_iri(doc_id, rel.passage)))
        g.add((st, GK.charStart, Literal(rel.start)))
        g.add((st, GK.charEnd, Literal(rel.end)))


def add_mentions(g: Graph, mentions) -> None:
    """What passages mention: ((doc_id, passage order), things) pairs, as in Extraction.mentions."""
    for (doc_id, order), things in mentions:
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


# The classes of a document's own nodes (GraphWriter's parts); every other class is shared.
DOCUMENT_CLASSES = frozenset([*(GK[c] for c in ("Document", "Section", "Passage", "Observation")), RDF.Statement])
SH = Namespace("http://www.w3.org/ns/shacl#")


def shapes_graph(document: bool | None = None) -> Graph:
    """ontology/shapes.ttl; with `document` True only the shapes that target DOCUMENT_CLASSES, with
    False only the others (each shape has its own targets: see the file's header)."""
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    if document is not None:
        for shape in set(shapes.subjects(SH.targetClass, None)):
            if (set(shapes.objects(shape, SH.targetClass)) <= DOCUMENT_CLASSES) != document:
                shapes.remove((shape, None, None))
    return shapes


def validate(g: Graph, shapes: Graph | None = None, has_ontology: bool = False) -> list[Violation]:
    """SHACL validation against `shapes` (default: all of ontology/shapes.ttl), with the ontology's
    class hierarchy (mixed into `g` already when `has_ontology`, which spares pyshacl a copy of the
    whole graph)."""
    from pyshacl import validate as shacl_validate

    conforms, report, _ = shacl_validate(g, shacl_graph=shapes if shapes is not None else shapes_graph(),
                                         ont_graph=None if has_ontology else load_ontology(),
                                         inference="none", allow_warnings=True)
    if conforms:
        return []
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        out.append(Violation(str(report.value(result, SH.focusNode)),
                             str(report.value(result, SH.resultPath)),
                             str(report.value(result, SH.resultMessage))))
    return sorted(out, key=lambda v: (v.focus, v.path))


class GraphWriter:
    """Writes the graph into a new Oxigraph store a part at a time, so that a build holds in memory
    only the part being built (whole documents, about PART_TRIPLES triples) and never the whole
    graph (about 950 bytes a triple in rdflib, 50 triples a passage).

    Each part is counted, appended as N-Triples to a file beside the store and validated against
    the shapes; close() bulk-loads the file and the ontology. First comes the shared part
    (add_shared: places, agencies, programs, metrics), validated with the shapes of those classes.
    Then parts of whole documents (a document's nodes -- itself, its sections, passages and
    observations -- are all in one part), validated with the shapes of DOCUMENT_CLASSES and the
    types of the shared nodes they point to, which is all their sh:class constraints read. The two
    reports together are the whole graph's (tests/test_graph.py). With `fork`, each part is
    validated in a forked process (kg/forked.py) while the build goes on, one at a time."""

    PART_TRIPLES = 200_000

    def __init__(self, path: Path, fork: bool = False):
        self.path = Path(path)
        self.nt_path = self.path.with_name(self.path.name + ".nt")
        self._nt = open(self.nt_path, "wb")
        self.fork = fork
        self.counts: dict[str, int] = {}
        self.triples = 0
        self._types: dict = {}  # shared node -> its rdf:type objects
        self._ontology = load_ontology()
        self._shapes = {kind: shapes_graph(kind) for kind in (False, True)}  # document shapes or not
        self._violations: list[Violation] = []
        self._queued: list[tuple] = []  # parts written out, not yet validated: (graph, context, shapes)
        self._validating = None  # the Forked validation of the parts before

    def add_shared(self, g: Graph) -> None:
        """The shared part (add_shared), before any other; it is the writer's afterwards."""
        for s, _, o in g.triples((None, RDF.type, None)):
            self._types.setdefault(s, []).append(o)
        self._write(g, [], self._shapes[False])

    def add_part(self, g: Graph) -> None:
        """A part made of whole documents (add_document, add_structure, add_observations,
        add_mentions); it is the writer's afterwards (validation adds to it)."""
        context = [(o, RDF.type, t) for o in set(g.objects()) if o in self._types for t in self._types[o]]
        self._write(g, context, self._shapes[True])
        self._validate()

    def _write(self, g: Graph, context, shapes: Graph) -> None:
        # The parts handed over before are garbage now, but rdflib graphs hold reference cycles and
        # the build pauses the cyclic collector (kg/build.py): collected here, or they would add up.
        gc.collect()
        if not len(g):
            return
        for name, n in class_counts(g).items():
            self.counts[name] = self.counts.get(name, 0) + n
        self.triples += len(g)
        g.serialize(self._nt, format="nt", encoding="utf-8")
        self._queued.append((g, context, shapes))
        if not self.fork:
            self._validate()

    def _validate(self) -> None:
        """Validate what is queued: here, or (fork) in one forked process while the build goes on
        (the shared part waits for the first document part, to save a fork), one at a time, so
        that at most one part is held beside the one being built."""
        queued, self._queued = self._queued, []
        if not queued:
            return
        if not self.fork:
            self._violations += _validate_parts(queued, self._ontology)
            return
        from kg.forked import Forked

        self._collect()
        self._validating = Forked(_validate_parts, queued, self._ontology)

    def _collect(self) -> None:
        if self._validating is not None:
            self._violations += self._validating.result()
            self._validating = None

    def close(self) -> None:
        """Load the store (the ontology with it: SPARQL reads the labels of terms)."""
        import pyoxigraph as ox

        gc.collect()  # the last part (see _write)
        self._ontology.serialize(self._nt, format="nt", encoding="utf-8")
        self._nt.close()
        store = ox.Store(str(self.path))
        store.bulk_load(path=str(self.nt_path), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        store.optimize()
        del store
        self.nt_path.unlink()

    def violations(self) -> list[Violation]:
        """Every part's violations (waiting for the last validation)."""
        self._validate()
        self._collect()
        return sorted(self._violations, key=lambda v: (v.focus, v.path))

    def cancel(self) -> None:
        if self._validating is not None:
            self._validating.cancel()
            self._validating = None
        if not self._nt.closed:
            try:
                self._nt.close()
            except OSError:  # the build is failing already (a full disk, say); its folder goes
                pass


def write_graph(documents, extraction, writer: GraphWriter, progress=None) -> None:
    """The whole graph through `writer`: the shared part, then the documents in their order, whole,
    a new part every PART_TRIPLES triples. progress(name) before each."""
    say = progress or (lambda name: None)
    say("places, agencies, programs, metrics")
    shared = new_graph()
    add_shared(shared, extraction)
    writer.add_shared(shared)
    del shared
    observations, mentions, relations = defaultdict(list), defaultdict(list), defaultdict(list)
    for obs in extraction.observations:
        observations[obs.doc_id].append(obs)
    for doc_id, rel in getattr(extraction, "relations", ()):
        relations[doc_id].append((doc_id, rel))
    for (doc_id, order), things in extraction.mentions.items():
        mentions[doc_id].append(((doc_id, order), things))
    part = new_graph()
    for doc in documents:
        say(doc.source_file)
        add_document(part, doc)
        if doc.doc_id in extraction.structures:  # none for a document whose extraction failed
            add_structure(part, doc, extraction.structures[doc.doc_id])
        add_observations(part, extraction, observations.pop(doc.doc_id, ()))
        add_mentions(part, mentions.pop(doc.doc_id, ()))
        add_relations(part, relations.pop(doc.doc_id, ()))
        if len(part) >= writer.PART_TRIPLES:
            writer.add_part(part)
            part = new_graph()
    writer.add_part(part)


def _validate_parts(parts, ontology: Graph) -> list[Violation]:
    """The violations of each (graph, context, shapes): `g`'s of `shapes`, with `context` (types of
    nodes described in another part) and the ontology added to `g` for the checks that read them."""
    out = []
    for g, context, shapes in parts:
        for t in context:
            g.add(t)
        for t in ontology:
            g.add(t)
        out += validate(g, shapes, has_ontology=True)
    return out


def class_counts(g: Graph) -> dict[str, int]:
    """Instances of the ontology's classes in `g`, by class name (the manifest's counts)."""
    counts: dict[str, int] = {}
    for cls in ("Document", "Passage", "Place", "Agency", "Program", "Metric", "Observation"):
        counts[cls] = 0
    for _, _, cls in g.triples((None, RDF.type, None)):
        if str(cls).startswith(str(GK)):
            name = str(cls).rsplit("#", 1)[-1]
            counts[name] = counts.get(name, 0) + 1
    return counts


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
