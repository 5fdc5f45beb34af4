"""Extraction: documents -> places, agencies, programs, metrics, observations and the passage
mentions of each, plus flags on observations that disagree. Pure data; kg.graph writes it as RDF.
"""
from __future__ import annotations

import bisect
import copy
import dataclasses
import multiprocessing
import os
import re
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import jieba

from kg.extract.entities import EntityMention, find_abbreviations, find_agencies, find_programs
from kg.extract.metric_names import program_investment
from kg.extract.numbers import decimal_text
from kg.extract.figure_time import document_context
from kg.extract.observation_record import Observation
from kg.extract.observations import extract_observations
from kg.extract.tables import table_observations
from kg.forked import die_with_parent
from kg.gazetteer import Place, find_places, gazetteer, jionlp_module
from kg.structure import analyse
from kg.extract.relations import Relation, _sentence, find_relations


@dataclass
class Entity:
    kind: str  # Agency | Program
    name: str  # the label
    key: tuple[str, ...] = ()  # what identifies it across documents (EntityMention.key)
    aliases: set[str] = field(default_factory=set)
    place: Place | None = None  # an agency's jurisdiction, a local program's place
    national: bool = False
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
    conflicts: list[tuple[Observation, Observation]] = field(default_factory=list)
    relations: list[tuple[str, Relation]] = field(default_factory=list)  # (doc_id, relation with its quote)
    home_cities: set[Place] = field(default_factory=set)
    structures: dict[str, object] = field(default_factory=dict)  # doc_id -> kg.structure.DocStructure
    failed: dict[str, str] = field(default_factory=dict)  # doc_id -> why its extraction failed

    def passage_for(self, obs: Observation) -> tuple[str, int]:
        return obs.doc_id, obs.passage


def extract(documents, progress=None, parts: dict | None = None, pool: "DocumentPool | None" = None) -> Extraction:
    """All documents' extraction: each document on its own (extract_document, or its result
    from `parts`, doc_id -> Extraction, which receives the new ones), then what spans documents: entities
    and metrics merged by key, every place's ancestors, conflicts between documents.
    pool: a DocumentPool to which the caller has submitted the documents not in `parts` (kg build
    --jobs); the result is the same as without one, since documents are merged in their order."""
    gaz = gazetteer()
    done: dict[str, Extraction] = {}
    if pool is not None:
        names = {doc.doc_id: doc.source_file for doc in documents}
        for doc_id, part in pool.results():
            if progress:
                progress(names[doc_id])
            done[doc_id] = part
    result = Extraction()
    for doc in documents:
        part = parts.get(doc.doc_id) if parts is not None else None
        if progress and doc.doc_id not in done:  # (the pool's were reported as they finished)
            progress(doc.source_file)
        if part is None:
            part = done.get(doc.doc_id) or extract_document(doc, gaz)
            if parts is not None:
                parts[doc.doc_id] = part  # the caller may cache it
        merge_into(result, part)
    _add_home_divisions(result, gaz)
    result.conflicts = find_conflicts(result.observations, result.passage_for)
    return result


def pending(documents, parts: dict | None) -> list:
    """The documents whose extraction is not in `parts` yet."""
    return [doc for doc in documents if parts is None or parts.get(doc.doc_id) is None]


class DocumentPool:
    """Worker processes that extract documents, one document a task, results in completion order.
    Forked after the gazetteer and jieba's dictionary are loaded, so a worker starts with them at
    no cost (copy-on-write). With the fork start method every worker is created at the first
    submit, before the pool's own manager thread starts; build() submits before it starts its
    encoding thread, so nothing is forked while another thread of ours is running. A worker dies
    with the build (PR_SET_PDEATHSIG, as kg/forked.py's children): a killed build leaves none behind."""

    def __init__(self, jobs: int):
        gazetteer()
        _warm_jieba()
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                            initializer=die_with_parent, initargs=(os.getpid(),))
        self.futures: list = []

    def submit(self, documents) -> None:
        # longest first: the last task to finish is a short one, so no worker idles long at the end
        for doc in sorted(documents, key=lambda d: -len(d.text)):
            self.futures.append(self.executor.submit(_extract_one, doc))

    def results(self):
        """(doc_id, Extraction) for every submitted document, as they finish."""
        futures, self.futures = self.futures, []
        for future in as_completed(futures):
            yield future.result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def _extract_one(doc):
    return doc.doc_id, extract_document(doc)


def _warm_jieba() -> None:
    import jieba.posseg  # noqa: F401  (lazy like kg.extract.entity_names._pseg: its dictionary too, once per pool)

    jieba.initialize()


def merge_into(result: Extraction, part: Extraction) -> None:
    """Add one document's extraction: an entity or metric already known (same key) gains the
    document's aliases and relations; the first document that names it gives its label and place."""
    result.structures.update(part.structures)
    result.failed.update(part.failed)
    result.home_cities |= part.home_cities
    result.places |= part.places
    for key, entity in part.entities.items():
        mine = result.entities.get(key)
        if mine is None:
            result.entities[key] = copy.deepcopy(entity)  # the cached part stays as it was
        else:
            mine.aliases |= entity.aliases
            mine.parent = mine.parent or entity.parent
    for label, aliases in part.metrics.items():
        result.metrics.setdefault(label, set()).update(aliases)
    result.indicators |= part.indicators
    result.observations.extend(part.observations)
    result.relations.extend(part.relations)
    for where, things in part.mentions.items():
        result.mentions[where] |= things


def extract_document(doc, gaz=None) -> Extraction:
    """One document's places, agencies, programs, metrics, observations and mentions: depends on
    nothing but the document (and the code and vocabulary), so a build can cache it.

    A document whose extraction raises is one bad document, not a bad build: it yields nothing
    but the reason (Extraction.failed), its passages stay searchable, and the others go on."""
    result = Extraction()
    try:
        _extract_document(doc, gaz or gazetteer(), result)
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 -- reported per document by the build
        result = Extraction()
        result.failed[doc.doc_id] = f"extraction failed ({type(exc).__name__}: {str(exc)[:120]})"
    return result


def simplified_view(doc):
    """The document as read by the rules: traditional characters (繁體 pages, 億元, 增長) mapped one
    character to one simplified character, so every offset, passage and quote still indexes the
    text as written. The document itself when nothing changes."""
    text = to_simplified(doc.text)
    if text == doc.text:
        return doc
    passages = [dataclasses.replace(p, text=text[p.start:p.end]) for p in doc.passages]
    return dataclasses.replace(doc, text=text, title=to_simplified(doc.title), passages=passages)


# characters the table maps although simplified text uses them too (覆盖, 显著)
_KEEP_AS_WRITTEN = set("覆著乾吒蹚槃濛")


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese, character by character (jionlp's table): the same length.
    Only a text written in traditional characters is converted (a simplified text keeps even the
    rare character the table would change)."""
    if not text or text.isascii():
        return text
    out = jionlp_module().tra2sim(text, mode="char")
    if len(out) != len(text):
        return text
    changed = [i for i, (a, b) in enumerate(zip(text, out)) if a != b and a not in _KEEP_AS_WRITTEN]
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if len(changed) < max(3, han // 200):  # fewer than 1 in 200: a simplified text
        return text
    chars = list(text)
    for i in changed:
        chars[i] = out[i]
    return "".join(chars)


def _extract_document(doc, gaz, result: Extraction) -> None:
    if os.environ.get("KG_FAIL_EXTRACTION") == doc.source_file:  # fault injection (tests)
        raise RuntimeError("injected failure")

    written = doc
    doc = simplified_view(doc)
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
    programs = find_programs(doc.text, place_mentions, home, agencies)
    for m in agencies + programs:
        entity = result.entities.setdefault((m.kind, m.key), Entity(m.kind, m.name, m.key, place=m.place,
                                                                   national=m.national))
        entity.aliases |= m.aliases | {m.surface, written.text[m.start:m.end]}
        entity.parent = entity.parent or m.parent
        if m.place is not None:
            result.places.add(m.place)
        result.mentions[(doc.doc_id, passage_at(m.start))].add((m.kind, m.key))
    for rel in find_relations(doc.text, agencies, programs, place_mentions, home):
        order = passage_at(rel.start)
        if passage_at(max(rel.end - 1, rel.start)) != order:
            continue  # a quote lies inside one passage
        rel.passage, rel.quote = order, written.text[rel.start:rel.end]
        if rel.named is not None:  # a body named only in a task's 牵头单位 list or inside another's name
            m = rel.named
            entity = result.entities.setdefault(("Agency", m.key), Entity("Agency", m.name, m.key, place=m.place,
                                                                          national=m.national))
            entity.aliases |= {m.name, m.surface}
            result.mentions[(doc.doc_id, passage_at(m.start))].add(("Agency", m.key))
        result.relations.append((doc.doc_id, rel))
    for full, short in find_abbreviations(doc.text):
        for entity in result.entities.values():
            if full == entity.name or full in entity.aliases:
                entity.aliases.add(short)
    observations = extract_observations(doc, ctx, gaz)
    if getattr(doc, "tables", None):  # a table's rows are read by its headers, not by the prose rules
        observations = [o for o in observations if not any(t.start <= o.start < t.end for t in doc.tables)]
        for span in doc.tables:
            observations.extend(table_observations(doc, span, ctx, gaz))
    for obs, program in _counted_programs(doc.text, observations, programs):
        obs.program = program.key
        if "元" in obs.unit:  # 襄阳至南漳至宜昌高速公路襄阳段完成投资 -> 完成投资 (the old label stays its alias)
            obs.metric = program_investment(obs.metric, doc.text[program.start:program.end])
    for obs in observations:
        obs.quote = written.text[obs.start:obs.end]  # the quote as written (traditional stays traditional)
        order = passage_at(obs.start)
        passage = doc.passages[order]
        if not (passage.start <= obs.start and obs.end <= passage.end):
            continue  # a quote must lie inside one passage (traceability)
        obs.passage = order
        result.observations.append(obs)
        result.places.add(obs.place)
        aliases = result.metrics.setdefault(obs.metric, set())
        if obs.metric_surface != obs.metric:
            aliases.add(obs.metric_surface)
        if obs.indicator is not None:
            result.indicators.add(obs.indicator)
        result.mentions[(doc.doc_id, order)].add(("Metric", obs.metric))


_STARTED = r"(?:同步|正式|集中|全面)?(?:开工|建成|投产|投用|竣工|签约|落地)?(?:建设|投产|投用|运营|达产)?"


def _counted_programs(text: str, observations, programs: list[EntityMention]):
    """(observation, program) where the figure counts or measures the program named just before
    it in the same clause (“双百双新”项目634个, 陇电入浙工程投资120亿元), the money written before it
    (总投资410亿元的X项目), or 该项目's (the project just named, in this or the last sentence)."""
    for obs in observations:
        before = re.search(r"(?:该|此)(?:项目|工程)$", text[max(0, obs.start - 3):obs.start])
        this = obs.start - 3 if before else obs.start if re.match(r"(?:该|此)(?:项目|工程)", text[obs.start:obs.end]) else None
        if this is not None:  # …项目开工。该项目总投资53亿元: the project just named
            opening = _sentence(text, this)[0]
            # the project just named: in this sentence, or the last sentence's where this one names
            # no other before 该项目 (…实施年产2万吨…项目，该项目总投资: not the one named before)
            named = [p for p in programs if p.end <= this and this - p.end <= 80
                     and (p.start >= opening or not re.search(r"项目|工程", text[opening:this]))]
            if named:
                yield obs, named[-1]
                continue
        for p in programs:
            gap = text[p.end:obs.start] if p.end <= obs.start else ""
            inside = obs.start <= p.start and p.end <= obs.end and "的" not in text[p.end:obs.end]  # 实施“万企兴万村”项目856个
            if text[p.end:p.end + 1] == "、" or any(q.end == p.start - 1 for q in programs if text[p.start - 1:p.start] == "、"):
                continue  # A、B获得奖补资金2.4亿元: the list's money, not A's or B's (…项目634个、B项目856个: B's own)
            # (纳入X工程的重大项目完成投资…: the projects' money, not X's)
            # X项目，总投资… / X项目开工(建设)，总投资…: the money of the project just named
            own_investment = re.fullmatch(rf"(?:{_STARTED})?[，,]", gap) \
                and re.match(r"(?:计划|预计|估算)?总?投资", text[obs.start:])
            # 总投资410亿元的巨化硅氟新材料项目 (总投资86亿元、位于遂川县的…): the figure stands before the program
            before = obs.end <= p.start and re.fullmatch(r"(?:、位于[\u4e00-\u9fa5]{2,8})?的", text[obs.end:p.start]) \
                and re.search(r"投资|资金", text[obs.start:obs.end]) and not re.match(r"[和与及、]", text[p.end:p.end + 1])
            # (总投资36亿元的A项目和B项目: the two projects' money, not A's)
            if inside or own_investment or before or (p.end <= obs.start and len(gap) <= 8 and not any(c in gap for c in "，。；：、和与及\n")
                                                  and ("的" not in gap or re.match(r"总?投资", text[obs.start:]))):
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
    return (o.metric, o.program, o.place.key, o.year, o.status, o.measure, o.period or "", o.period_start, o.direction or "",
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


__all__ = ["extract", "extract_document", "merge_into", "Extraction", "Entity", "Observation", "decimal_text"]
