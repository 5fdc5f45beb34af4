"""Graph assembly: the triples of a document (add_document, add_structure, add_observations,
add_mentions, add_relations) and of what documents share (add_shared).

Imports the terms (kg.graph.terms), the vocabulary (section roles) and kg.extract's number
formatting; writes into an rdflib Graph it is given.
"""
from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg import vocab
from kg.graph.terms import (GK, ORG, doc_iri, entity_iri, indicator_iri, metric_iri, observation_iri, passage_iri,
                            place_iri, relation_iri, section_iri)

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
    from kg.extract.numbers import decimal_text  # lazy: kg.extract costs ~0.13 s to import; only a build writes observations

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
