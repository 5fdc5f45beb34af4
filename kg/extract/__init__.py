"""Extraction: documents -> places, agencies, programs, metrics, observations and the passage
mentions of each, plus flags on observations that disagree. Pure data; kg.graph writes it as RDF.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from .entities import EntityMention, find_abbreviations, find_agencies, find_programs, responsible_pairs
from .numbers import decimal_text
from .observations import Observation, document_context, extract_observations
from .places import Place, find_places, gazetteer


@dataclass
class Entity:
    kind: str  # Agency | Program
    name: str  # the label
    key: tuple[str, ...] = ()  # what identifies it across documents (EntityMention.key)
    aliases: set[str] = field(default_factory=set)
    place: Place | None = None  # an agency's jurisdiction, a local program's place
    national: bool = False
    agencies: set[tuple] = field(default_factory=set)  # for programs: keys of the agencies running it
    parent: str | None = None  # for a department: the name of its government, linked if present


@dataclass
class Extraction:
    places: set[Place] = field(default_factory=set)
    entities: dict[tuple, Entity] = field(default_factory=dict)  # (kind, key) -> Entity
    metrics: dict[str, set[str]] = field(default_factory=dict)  # label -> aliases seen
    indicators: set = field(default_factory=set)  # the standard indicators observations link to
    observations: list[Observation] = field(default_factory=list)
    # (doc_id, passage order) -> things mentioned: ("place", Place) / ("Agency", name) / ...
    mentions: dict[tuple[str, int], set] = field(default_factory=lambda: defaultdict(set))
    passage_of: dict[int, tuple[str, int]] = field(default_factory=dict)  # id(obs) -> passage
    program_of: dict[int, tuple] = field(default_factory=dict)  # id(obs) -> key of the program it counts
    conflicts: list[tuple[Observation, Observation]] = field(default_factory=list)
    home_cities: set[Place] = field(default_factory=set)
    structures: dict[str, object] = field(default_factory=dict)  # doc_id -> kg.structure.DocStructure

    def passage_for(self, obs: Observation) -> tuple[str, int]:
        return self.passage_of[id(obs)]


def extract(documents, progress=None) -> Extraction:
    gaz = gazetteer()
    result = Extraction()
    for doc in documents:
        if progress:
            progress(doc.source_file)
        _extract_document(doc, gaz, result)
    _add_home_divisions(result, gaz)
    result.conflicts = find_conflicts(result.observations, result.passage_for)
    return result


def _extract_document(doc, gaz, result: Extraction) -> None:
    from ..structure import analyse

    structure = analyse(doc, gaz)  # kind, subject place, report year, sections
    result.structures[doc.doc_id] = structure
    home = structure.home
    if home.city is not None:
        result.home_cities.add(home.city)
    if structure.subject is not None:
        result.places.add(structure.subject)
    ctx = document_context(doc, home, structure)
    starts = [p.start for p in doc.passages]

    def passage_at(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        return doc.passages[max(i, 0)].order

    place_mentions = find_places(doc.text, gaz, home)
    for m in place_mentions:
        result.places.add(m.place)
        result.mentions[(doc.doc_id, passage_at(m.start))].add(("place", m.place))
    agencies = find_agencies(doc.text, place_mentions, home)
    programs = find_programs(doc.text, place_mentions, home)
    for m in agencies + programs:
        entity = result.entities.setdefault((m.kind, m.key), Entity(m.kind, m.name, m.key, place=m.place,
                                                                   national=m.national))
        entity.aliases |= m.aliases | {m.surface}
        entity.parent = entity.parent or m.parent
        if m.place is not None:
            result.places.add(m.place)
        result.mentions[(doc.doc_id, passage_at(m.start))].add((m.kind, m.key))
    for program, agency in responsible_pairs(doc.text, agencies, programs):
        result.entities[("Program", program.key)].agencies.add(agency.key)
    for full, short in find_abbreviations(doc.text):
        for entity in result.entities.values():
            if full == entity.name or full in entity.aliases:
                entity.aliases.add(short)
    observations = extract_observations(doc, ctx, gaz)
    for obs, program in _counted_programs(doc.text, observations, programs):
        result.program_of[id(obs)] = program.key
    for obs in observations:
        order = passage_at(obs.start)
        passage = doc.passages[order]
        if not (passage.start <= obs.start and obs.end <= passage.end):
            continue  # a quote must lie inside one passage (traceability)
        result.observations.append(obs)
        result.passage_of[id(obs)] = (doc.doc_id, order)
        result.places.add(obs.place)
        aliases = result.metrics.setdefault(obs.metric, set())
        if obs.metric_surface != obs.metric:
            aliases.add(obs.metric_surface)
        if obs.indicator is not None:
            result.indicators.add(obs.indicator)
        result.mentions[(doc.doc_id, order)].add(("Metric", obs.metric))


def _counted_programs(text: str, observations, programs: list[EntityMention]):
    """(observation, program) where the figure counts or measures the program named just before
    it in the same clause (“双百双新”项目634个, 陇电入浙工程投资120亿元)."""
    for obs in observations:
        for p in programs:
            gap = text[p.end:obs.start] if p.end <= obs.start else ""
            inside = obs.start <= p.start and p.end <= obs.end  # 实施“万企兴万村”项目856个
            if inside or (p.end <= obs.start and len(gap) <= 8 and not any(c in gap for c in "，。；：、\n")):
                yield obs, p
                break


def _add_home_divisions(result: Extraction, gaz) -> None:
    """Every place's ancestors, so the hierarchy is complete (中原区 -> 郑州市 -> 河南省), and all
    county-level divisions of the documents' own cities, mentioned or not."""
    for place in list(result.places):
        result.places.update(place.ancestors())
    for city in result.home_cities:
        result.places.update(p for p in gaz.places if p.level == 3 and p.parent == city)


def conflict_key(o: Observation) -> tuple:
    return (o.metric, o.place.key, o.year, o.status, o.measure, o.period or "", o.direction or "",
            o.normalized_unit if o.normalized_value is not None else o.unit)


def find_conflicts(observations: list[Observation], passage_of=None) -> list[tuple[Observation, Observation]]:
    """Pairs stating different values for the same metric, place, year, status, period and kind,
    in different passages: two figures of one passage under one label are list items of
    different things (幼儿园学位6600个、高中学位9800个), not a disagreement. Two-character labels
    (面积, 投资) are too generic to call a disagreement."""
    groups: dict[tuple, list[Observation]] = defaultdict(list)
    for o in observations:
        if len(o.metric) >= 3:
            groups[conflict_key(o)].append(o)
    where = passage_of or (lambda o: (o.doc_id, o.start))
    pairs = []
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if where(a) == where(b):
                    continue
                va = a.normalized_value if a.normalized_value is not None else a.value
                vb = b.normalized_value if b.normalized_value is not None else b.value
                if va != vb and (a.qualifier or "") == (b.qualifier or ""):
                    pairs.append((a, b))
    return pairs


__all__ = ["extract", "Extraction", "Entity", "Observation", "decimal_text"]
