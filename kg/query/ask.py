"""`kg ask`: answer a question from the graph and the passages together, with citations.

No generator: the answer is assembled from observations (for a figure question) or from the best
sentence of the best passage. Steps, each visible with --explain:
1. parse: link places (graph labels and aliases, 全市/全省 -> the corpus' city/province), metrics
   (labels and synonyms; partial overlaps scored), agencies and programs; years (explicit, or
   去年/今年/明年 relative to the corpus' latest publication year); intent (figure, target vs
   actual, growth, list, yes/no);
2. traverse: observations of the linked metrics, scored on place (exact, then places under it),
   year, status and kind of figure; passages that mention the linked entities;
3. retrieve: hybrid search; passages found by both the graph and the search rank first;
4. compose: the figure with unit, year, place, status and quote (and a note when sources
   disagree), or the best sentence; every fact and passage carries its passage IRI, document and
   character offsets. When nothing in the corpus covers the question, the answer says so.

Across places (lists, rankings, trends) the answer is kg.query.compare's, who runs what
kg.query.ask_relations'; facts are built and written by kg.query.facts. Imports: kg.vocab,
kg.errors, kg.ingest (sentences), kg.index.lexical (stopwords), kg.gazetteer and kg.query.search
(lazily), and those siblings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from kg import vocab
from kg.errors import InputError
from kg.index.lexical import STOPWORDS
from kg.ingest import sentence_spans
from kg.query.ask_relations import relation_answer
from kg.query.compare import AcrossPlaces, detect, strip_question_words
from kg.query.facts import ASK_KEYS, GROWTH_QUESTION_WORDS, fact_from_row
from kg.query.facts import sentence as fact_sentence, source_name
from kg.query.thresholds import disagree

MAX_QUESTION = 2000
# the question's intent from the shared vocabulary (kg/vocab): plan and actual words, relative years
_TARGET_WORDS = vocab.target_question()
_ACTUAL_WORDS = vocab.actual_question()
_GROWTH_WORDS = re.compile(f"{GROWTH_QUESTION_WORDS}|提高了?多少")
_FIGURE_WORDS = re.compile(r"多少|(?<!哪)几|多大|多长|多高|多远|规模|总量|数量|比例|比重|率|目标是|达到|金额|多久")
_LIST_WORDS = re.compile(r"哪些|哪几|有什么|包括|列举")
_DECLINE_WORDS = re.compile(r"下降|降了|减少|少了|回落|跌了|降幅")
_MULTI_YEAR_WORDS = re.compile(r"年均|十[三四五]五(?:期间|时期|以来)?|五年(?:来|间|中|里)?|累计|这几年|近年来")
# 多少斤 / 多少个亿 / 几万吨: the unit an answer should also be given in
_UNIT_ASKED = re.compile(r"(?:多少|几)个?((?:万亿|亿|万)?(?:斤|公斤|吨|元|人|亩)|万亿|亿|万)")
_YESNO_WORDS = re.compile(r"会不会|是否|能不能|有没有|是不是|可不可以|吗[？?]?$")


@dataclass
class Parsed:
    question: str
    places: list[dict] = field(default_factory=list)  # {iri, label}
    unknown_places: list[str] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)  # {iri, label, score}
    entities: list[dict] = field(default_factory=list)  # agencies and programs
    year: int | None = None
    year_relative: bool = False
    status: str | None = None  # Actual | Target
    growth: bool = False
    decline: bool = False  # 降了多少, 下降
    multi_year: bool = False  # 年均, 十四五期间, 五年来: a figure over several years
    unit: str | None = None  # the unit asked for (多少斤, 多少亿)
    figure: bool = False
    list_intent: bool = False
    yes_no: bool = False


class Asker:
    """Question answering over one KnowledgeGraph; lookup tables are read from the graph once."""

    def __init__(self, kgraph):
        self.kg = kgraph
        self._tables = None

    # ---------------------------------------------------------- lookup tables
    @property
    def tables(self) -> dict:
        if self._tables is None:
            rows = self.kg.sparql("""SELECT ?e ?type ?name ?label WHERE {
                VALUES ?type { gk:Place gk:Metric gk:Agency gk:Program }
                ?e a ?type ; rdfs:label ?label . { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }""")
            names: dict[str, dict[str, list]] = {"Place": {}, "Metric": {}, "Agency": {}, "Program": {}}
            labels = {}
            for r in rows:
                kind = r["type"].rsplit("#", 1)[-1]
                names[kind].setdefault(r["name"], []).append(r["e"])
                labels[r["e"]] = r["label"]
            dates = self.kg.sparql("SELECT (MAX(?d) AS ?latest) WHERE { ?doc dcterms:date ?d }")
            latest = dates[0]["latest"] if dates and dates[0]["latest"] else None
            main = self.kg.sparql("""SELECT ?p ?kind (COUNT(?o) AS ?n) WHERE {
                ?o gk:place ?p . ?p a ?kind . VALUES ?kind { gk:City gk:Province } }
                GROUP BY ?p ?kind ORDER BY DESC(?n)""")
            # 全市/全省 in a question: the corpus' one subject city (province) when it has one; a
            # corpus of many places has no such default
            subjects = self.kg.sparql("""SELECT DISTINCT ?p ?kind WHERE { ?d gk:subjectPlace ?p . ?p a ?kind .
                VALUES ?kind { gk:City gk:Province } }""")
            if subjects:
                cities = {r["p"] for r in subjects if r["kind"].endswith("City")}
                provinces = {r["p"] for r in subjects if r["kind"].endswith("Province")}
                city = next(iter(cities)) if len(cities) == 1 else None
                province = next(iter(provinces)) if len(provinces) == 1 else None
            else:
                city = next((r["p"] for r in main if r["kind"].endswith("City")), None)
                province = next((r["p"] for r in main if r["kind"].endswith("Province")), None)
            self._tables = {"names": names, "labels": labels,
                            "latest_year": int(latest[:4]) if latest else None,
                            "city": city, "province": province}
        return self._tables

    # ---------------------------------------------------------- 1. parse
    def parse(self, question: str) -> Parsed:
        q = (question or "").strip()
        if not q:
            raise InputError("empty question")
        if len(q) > MAX_QUESTION:
            raise InputError(f"question too long ({len(q)} characters, at most {MAX_QUESTION})")
        t = self.tables
        p = Parsed(q)
        p.places = self.link_names(q, "Place")
        short, unknown_short = self._link_short_places(q)  # 蒙去年经济总量, 龙江GDP
        p.places += [x for x in short if not any(y["iri"] == x["iri"] for y in p.places)]
        for word, iri in (("全市", t["city"]), ("我市", t["city"]), ("全省", t["province"]), ("我省", t["province"])):
            if word in q and iri and not any(x["iri"] == iri for x in p.places):
                p.places.append({"iri": iri, "label": t["labels"][iri]})
        p.unknown_places = self._unknown_places(q, p.places) + unknown_short
        p.entities = self.link_names(q, "Agency") + self.link_names(q, "Program")
        p.metrics = self.link_metrics(q)
        m = re.search(r"((?:19|20)\d{2})年", q)
        latest = t["latest_year"]
        if m:
            p.year = int(m.group(1))
        elif latest and vocab.relative_offset(q) is not None:
            p.year, p.year_relative = latest + vocab.relative_offset(q), True
        if _TARGET_WORDS.search(q):
            p.status = "Target"
        elif _ACTUAL_WORDS.search(q):
            p.status = "Actual"
        p.growth = bool(_GROWTH_WORDS.search(q))
        p.decline = bool(_DECLINE_WORDS.search(q))
        p.multi_year = bool(_MULTI_YEAR_WORDS.search(q))
        asked = _UNIT_ASKED.search(q)
        p.unit = asked.group(1) if asked else None
        p.figure = bool(_FIGURE_WORDS.search(q)) or p.growth
        p.list_intent = bool(_LIST_WORDS.search(q))
        p.yes_no = bool(_YESNO_WORDS.search(q))
        return p

    def link_names(self, q: str, kind: str) -> list[dict]:
        names = self.tables["names"][kind]
        found, taken = [], []
        for name in sorted((n for n in names if len(n) >= 2 and n in q), key=len, reverse=True):
            start = q.find(name)
            if any(s <= start < e for s, e in taken):
                continue
            taken.append((start, start + len(name)))
            iris = names[name]
            if kind == "Place" and len(iris) > 1:  # 河北: the province, not Tianjin's 河北区 (a shorter path)
                depth = min(i.count("/") for i in iris)
                iris = [i for i in iris if i.count("/") == depth]
            for iri in iris:
                if not any(f["iri"] == iri for f in found):
                    found.append({"iri": iri, "label": self.tables["labels"][iri], "type": kind})
        return found

    def _link_short_places(self, q: str) -> tuple[list[dict], list[str]]:
        """Provinces a question names in short (vocab/place_short_names.tsv): 龙江, 内蒙 anywhere; a
        one-character form (蒙, 桂, 沪) only where a place stands — the question's start or after
        和/与/、/比 — and never as the first character of a word (新增, 青年, 云计算). Returns the
        linked places and the provinces named that the graph does not hold."""
        names = self.tables["names"]["Place"]
        found, unknown = [], []
        for full, forms in vocab.place_short_names().items():
            for form in forms:
                if len(form) == 1:
                    named = any((m.start() == 0 or q[m.start() - 1] in "和与、比及，, ")
                                and not self.kg.searcher.tokenizer.is_word(q[m.start():m.start() + 2])
                                for m in re.finditer(re.escape(form), q))
                else:
                    named = form in q
                if named:
                    if names.get(full):
                        found += [{"iri": i, "label": self.tables["labels"][i], "type": "Place"} for i in names[full]]
                    else:
                        unknown.append(full)
                    break
        return found, unknown

    def _words(self, q: str) -> list[str]:
        """jieba's words of a question, with the graph's names in its dictionary (社零, 规上工业增加值:
        the search index's own tokenizer, loaded once); its own longer words stay whole (经济效益)."""
        return self.kg.searcher.tokenizer.cut(q)

    def _unknown_places(self, q: str, linked: list[dict]) -> list[str]:
        """Places a question names that the corpus knows nothing about (上海市 in a Zhengzhou corpus):
        a name of the national gazetteer that resolves alone (one place, or the highest of several)."""
        from kg.gazetteer import gazetteer  # lazy: ~0.4 s to import; kg compare never needs it

        gaz = gazetteer()
        known = {x["label"] for x in linked}
        out = []
        for _start, _end, surface in gaz.names_in(q):
            place = gaz.find(surface)
            if place is not None and place.name not in known and not any(surface in k or k in surface for k in known) \
                    and (surface == place.name or len(surface) >= 2 and place.level <= 2):
                out.append(place.name)
        return out

    def _whole_names(self, q: str, present: list[str]) -> set[str]:
        """The names written whole in the question: not inside a longer name written there, and a
        short one (under four characters) only on jieba's word boundaries (经济 ≠ 经济效益) — jieba is
        loaded for that case only."""
        covered: list[tuple[int, int]] = []
        whole, short = set(), []
        for name in sorted(present, key=len, reverse=True):
            spans = [(m.start(), m.end()) for m in re.finditer(re.escape(name), q)]
            free = [(a, b) for a, b in spans if not any(x <= a and b <= y and y - x > b - a for x, y in covered)]
            if not free:
                continue
            if len(name) >= 4:
                whole.add(name)
                covered += free
            else:
                short.append((name, free))
        if short:
            bounds, pos = {0}, 0
            for token in self._words(q):
                pos += len(token)
                bounds.add(pos)
            whole |= {name for name, free in short if any(a in bounds and b in bounds for a, b in free)}
        return whole

    def link_metrics(self, q: str) -> list[dict]:
        """Metrics whose label or synonym is in the question (score 1), or that share a long
        enough piece with it (score = shared characters / label length)."""
        names = self.tables["names"]["Metric"]
        scored: dict[str, float] = {}
        meant: list[str] = []  # the indicators a colloquial name means (老百姓收入 -> 居民人均可支配收入)
        for phrase, indicator in vocab.question_synonyms():
            if phrase in q and indicator not in q:
                q = q.replace(phrase, indicator)  # also matched in part (机场旅客吞吐量 ~ 郑州机场旅客吞吐量)
                meant += names.get(indicator, [])
        core = re.sub(r"(?:19|20)\d{2}年|去年|今年|明年|多少|是多少|哪些|什么|怎么|[？?。，,！!]", " ", q)
        written = self._whole_names(q, [n for n in names if len(n) >= 2 and n in q])
        for name, iris in names.items():
            if len(name) < 2:
                continue
            if name in written:
                score = 1.0 + len(name) / 100  # longer exact names win ties
            else:
                sm = SequenceMatcher(None, core, name, autojunk=False)
                blocks = [b.size for b in sm.get_matching_blocks() if b.size >= 2]
                shared = sum(blocks)
                if not blocks or max(blocks) < 2:
                    continue
                score = shared / max(len(name), 4) * (0.9 if max(blocks) >= 3 else 0.8)
            for iri in iris:
                scored[iri] = max(scored.get(iri, 0), score)
        for iri in meant:
            scored[iri] = max(scored.get(iri, 0), 1.15 + len(self.tables["labels"].get(iri, "")) / 100)
        best = sorted(scored.items(), key=lambda kv: -kv[1])
        if not best or best[0][1] < 0.45:
            return []
        top = best[0][1]
        return [{"iri": iri, "label": self.tables["labels"][iri], "score": round(s, 3), "type": "Metric"}
                for iri, s in best[:8] if s >= max(0.45, top - 0.25)]

    # ---------------------------------------------------------- 2. traverse
    def observations(self, p: Parsed) -> tuple[list[dict], str]:
        if not p.metrics:
            return [], ""
        values = " ".join(f"<{m['iri']}>" for m in p.metrics)
        # a linked name is a metric of the documents or a standard indicator (every metric that is it)
        query = f"""SELECT ?o ?linked ?metric ?mlabel ?value ?unit ?year ?status ?measure ?place ?plabel ?quote
                       ?qualifier ?period ?from ?to ?direction ?confidence ?max ?passage ?doc ?pstart ?pend ?qstart ?qend WHERE {{
            VALUES ?linked {{ {values} }}
            {{ ?o gk:metric ?linked }} UNION {{ ?o gk:indicator ?linked }}
            ?o gk:metric ?metric ; gk:value ?value ; gk:unit ?unit ; gk:year ?year ; gk:status ?status ;
               gk:measure ?measure ; gk:place ?place ; gk:quote ?quote ; prov:wasDerivedFrom ?passage ;
               gk:charStart ?qstart ; gk:charEnd ?qend .
            ?metric rdfs:label ?mlabel . ?place rdfs:label ?plabel .
            ?passage gk:inDocument/gk:sourceFile ?doc ; gk:charStart ?pstart ; gk:charEnd ?pend .
            OPTIONAL {{ ?o gk:qualifier ?qualifier }} OPTIONAL {{ ?o gk:period ?period }}
            OPTIONAL {{ ?o gk:periodStart ?from ; gk:periodEnd ?to }} OPTIONAL {{ ?o gk:direction ?direction }}
            OPTIONAL {{ ?o gk:confidence ?confidence }} OPTIONAL {{ ?o gk:maxValue ?max }}
        }}"""
        rows = self.kg.sparql(query)
        if not rows:
            return [], query
        place_iris = [x["iri"] for x in p.places] or [self.tables["city"]]
        under = self.places_under(place_iris)
        metric_score = {m["iri"]: m["score"] for m in p.metrics}
        best_link: dict[str, dict] = {}
        for r in rows:  # one row per observation: the best-scored name that links it
            seen = best_link.get(r["o"])
            if seen is None or metric_score[r["linked"]] > metric_score[seen["linked"]]:
                best_link[r["o"]] = r
        scored = []
        for r in best_link.values():
            status = r["status"].rsplit("#", 1)[-1]
            measure = r["measure"].rsplit("#", 1)[-1]
            s = 3.0 * metric_score[r["linked"]]
            if r["place"] in place_iris:
                s += 3
            elif r["place"] in under:
                s += 1
            elif p.places:
                continue  # a place the question did not ask about
            year = int(r["year"][:4])
            if p.year is not None:
                if year == p.year:
                    s += 2
                elif not p.year_relative:
                    continue  # an explicit year is a filter
                else:
                    s -= 0.5 * abs(year - p.year)
            if p.status:
                s += 2 if status == p.status else -1.5
            else:  # no status words: what happened, unless the year is still to come
                latest = self.tables["latest_year"]
                future = p.year is not None and latest is not None and p.year > latest
                s += 1 if status == ("Target" if future else "Actual") else 0
            if p.growth == (measure == "GrowthRate"):
                s += 1
            elif measure == "Change":
                s -= 0.5
            if r.get("period"):
                s -= 0.5  # a partial-period figure answers a whole-year question less well
            if bool(r.get("from")) != p.multi_year:
                s -= 2  # 年均/十四五期间 asks for a five-year figure, anything else for one year's
            if r.get("confidence") == "low":
                s -= 4  # a bound (超过6万亿元) or a part of the place: the exact figure first
            elif r.get("confidence") == "medium":
                s -= 0.3
            if p.decline and r.get("direction") == "down":
                s += 1
            scored.append((s, r))
        scored.sort(key=lambda x: -x[0])
        facts = [self._fact(r, s) for s, r in scored[:10]]
        return facts, query

    def places_under(self, iris: list[str]) -> set[str]:
        if not iris:
            return set()
        values = " ".join(f"<{i}>" for i in iris if i)
        rows = self.kg.sparql(f"SELECT DISTINCT ?p WHERE {{ VALUES ?top {{ {values} }} ?p gk:locatedIn+ ?top }}")
        return {r["p"] for r in rows}

    def _sub_places(self, iri: str) -> list[str]:
        rows = self.kg.sparql(f"""SELECT ?l WHERE {{ ?p gk:locatedIn <{iri}> ; rdfs:label ?l ; a gk:District }}
                                  ORDER BY ?l""")
        return [r["l"] for r in rows]

    def _fact(self, r: dict, score: float) -> dict:
        return fact_from_row(r, ASK_KEYS, score=round(score, 3), display_title=self.title_of(r["doc"]))

    def title_of(self, doc: str) -> str:  # a source file's display title (kg/query/titles.py)
        return self.kg.display_titles().get(doc, doc)

    def mentioned_passages(self, p: Parsed) -> set[str]:
        iris = [x["iri"] for x in p.places + p.entities + p.metrics[:3]]
        if not iris:
            return set()
        values = " ".join(f"<{i}>" for i in iris)
        rows = self.kg.sparql(f"SELECT DISTINCT ?p WHERE {{ VALUES ?e {{ {values} }} ?p gk:mentions ?e }}")
        return {r["p"] for r in rows}

    # ---------------------------------------------------------- 3 + 4
    def ask(self, question: str, k: int = 5, explain: bool = False, place: str | None = None,
            kind: str | None = None, year: int | None = None) -> dict:
        filters = {"place": place, "kind": kind, "year": year}
        if place or kind or year:
            self.kg.searcher.allowed(**filters)  # a bad filter fails now, with its reason
        p = self.parse(question)
        if place:  # the filter's place is the question's place
            p.places = [x for x in self.link_names(place, "Place")] or p.places
        if year:
            p.year, p.year_relative = int(year), False
        if not (kind or year):  # who runs what: answered from the relations' statements, cited
            related = relation_answer(self, p, k)
            if related is not None:
                return related
        across = self._across_places(p, k, explain, kind)
        if across is not None:
            return across
        facts, sparql = self.observations(p)
        if kind:
            facts = [f for f in facts if self._doc_kind(f["doc"]) == _kind_name(kind)]
        # a figure the graph answers needs no search (nor the encoder): its facts cite their passages
        answered = bool(facts) and (p.figure or any(m["score"] >= 1.0 for m in p.metrics)) \
            and not (p.unknown_places and not p.places)
        hits = [] if answered and not explain else self.kg.search(question, k=max(10, k), **filters)
        mentioned = self.mentioned_passages(p)
        fact_passages = {f["passage"] for f in facts[:3]}
        for rank, h in enumerate(hits):
            h["fused_rank"] = rank + 1
            h["graph_boost"] = (0.5 if h["passage"] in mentioned else 0.0) + (1.0 if h["passage"] in fact_passages else 0.0)
            h["rerank"] = 1.0 / (rank + 1) + 0.15 * h["graph_boost"]
        hits.sort(key=lambda h: -h["rerank"])
        coverage = self._coverage(question, hits[0]["text"]) if hits else 0.0
        answer, used_facts = self._compose(p, facts, hits, coverage)
        passages = []
        # citations support the answer: a figure answer cites its facts' passages, "nothing
        # found" cites nothing, a sentence answer cites the passages it was chosen from
        cited = [] if used_facts or answer.startswith("语料中没有") else hits[:k]
        for f in used_facts:
            if f["passage"] not in {x["passage"] for x in passages} and len(passages) < max(k, 1):
                passages.append(self._passage_of_fact(f))
        for h in cited:
            sentence, s_start, s_end = best_sentence(question, h["text"])
            passages.append({"passage": h["passage"], "doc": h["doc"], "display_title": self.title_of(h["doc"]),
                             "start": h["start"], "end": h["end"], "score": round(h["rerank"], 6), "text": h["text"],
                             "sentence": sentence, "sentence_start": h["start"] + s_start, "sentence_end": h["start"] + s_end})
        out = {"question": question, "answer": answer, "facts": used_facts, "passages": passages,
               "entities": [{"type": "Place", **x} if "type" not in x else x for x in p.places]
                           + p.entities + p.metrics}
        if explain:
            out["explain"] = {
                "parsed": {"places": p.places, "unknown_places": p.unknown_places, "metrics": p.metrics,
                           "entities": p.entities, "year": p.year, "year_relative": p.year_relative,
                           "status": p.status, "growth": p.growth, "figure": p.figure,
                           "list": p.list_intent, "yes_no": p.yes_no},
                "sparql": sparql.strip(), "coverage": round(coverage, 3),
                "fusion": [{"passage": h["passage"], "fused_rank": h["fused_rank"], "fused_score": h["score"],
                            "scores": h.get("scores"), "graph_boost": h["graph_boost"], "final": round(h["rerank"], 4)}
                           for h in hits[:k]]}
        return out

    def _doc_kind(self, doc: str) -> str | None:
        if getattr(self, "_kinds", None) is None:
            rows = self.kg.sparql("SELECT ?f ?k WHERE { ?d gk:sourceFile ?f ; gk:documentKind ?k }")
            self._kinds = {r["f"]: r["k"].rsplit("#", 1)[-1] for r in rows}
        return self._kinds.get(doc)

    def _across_places(self, p: Parsed, k: int, explain: bool, kind: str | None = None) -> dict | None:
        """Lists, rankings, comparisons and trends across places (kg/compare.py), answered from
        the graph alone; the passages cited are those of the facts."""
        intent = detect(p.question, p.places)
        if intent is None:
            return None
        # the scope and ranking words (各省区市, 最高 …) name no metric: link without them
        metrics = self.link_metrics(strip_question_words(p.question)) or p.metrics
        if not metrics:
            return None
        result = AcrossPlaces(self.kg, self.tables).answer(intent, metrics, p.year, p.status, p.question)
        if result is None:
            return None
        answer, facts, sparql = result
        if kind:
            facts = [f for f in facts if self._doc_kind(f["doc"]) == _kind_name(kind)]
        passages, seen = [], set()
        for f in facts:
            if f["passage"] not in seen and len(passages) < max(k, 1):
                seen.add(f["passage"])
                passages.append(self._passage_of_fact(f))
        out = {"question": p.question, "answer": answer, "facts": facts, "passages": passages,
               "entities": [{"type": "Place", **x} if "type" not in x else x for x in p.places] + metrics,
               "intent": {"kind": intent.kind, "level": intent.level, "top": intent.top}}
        if explain:
            out["explain"] = {"parsed": {"places": p.places, "metrics": metrics, "year": p.year,
                                         "status": p.status, "intent": intent.kind, "scope": intent.level},
                              "sparql": sparql.strip()}
        return out

    def _passage_of_fact(self, fact: dict) -> dict:
        rows = self.kg.sparql(f"SELECT ?t WHERE {{ <{fact['passage']}> gk:text ?t }}")
        text = rows[0]["t"] if rows else ""
        rel = text.find(fact["quote"])
        return {"passage": fact["passage"], "doc": fact["doc"], "display_title": self.title_of(fact["doc"]),
                "start": fact["start"], "end": fact["end"],
                "score": None, "text": text, "sentence": fact["quote"],
                "sentence_start": fact["start"] + max(rel, 0), "sentence_end": fact["start"] + max(rel, 0) + len(fact["quote"])}

    def _coverage(self, question: str, text: str) -> float:
        """IDF-weighted share of the question's content words found in a passage (document
        frequencies from the lexical index: nothing is counted at question time)."""
        searcher = self.kg.searcher
        words = [w for w in self._words(question) if len(w) >= 2 and w not in STOPWORDS and not w.isdigit()]
        if not words:
            return 1.0
        idf = [searcher.idf(w) for w in words]
        total = sum(idf)
        found = sum(x for w, x in zip(words, idf) if w in text)
        return found / total if total else 0.0

    def _compose(self, p: Parsed, facts: list[dict], hits: list[dict], coverage: float):
        if p.unknown_places and not p.places:
            names = "、".join(p.unknown_places)
            return f"语料中没有关于{names}的内容，无法回答。", []
        # graph first: a question that names a metric the graph holds (exactly, by a label or a
        # synonym) is answered from its observations, however short the question
        named = any(m["score"] >= 1.0 for m in p.metrics)
        if facts and (p.figure or named or not hits or coverage < 0.5):
            best = facts[0]
            key = ("metric", "place", "year", "status", "measure", "period", "period_start")
            same = [f for f in facts if all(f.get(x) == best.get(x) for x in key)]
            # a bound (迈上5万亿元台阶, 5%以上) that the other figure meets is no disagreement
            differing = [f for f in same if (f["value"], f["unit"]) != (best["value"], best["unit"]) and disagree(f, best)]
            text = fact_sentence(best, p.unit)
            used = [best]
            if differing:
                other = differing[0]
                text += (f" 注意：来源之间不一致，{source_name(other)}写作「{other['quote']}」"
                         f"（{other['value']}{other['unit']}）。")
                used.append(other)
            used += [f for f in facts[1:4] if f not in used]
            return text, used
        if p.list_intent and p.places and re.search(r"区县|区|县|下辖|辖区", p.question) and not p.metrics:
            names = self._sub_places(p.places[0]["iri"])
            if names:
                return f"{p.places[0]['label']}下辖（图谱中）：{'、'.join(names)}。", []
        # passages always: no figure in the graph fits, so the answer is the sentence of the best
        # passages that holds one (or that answers), and it says where it comes from
        found = answer_sentence(p.question, hits, figure=p.figure, places=[x["label"] for x in p.places],
                                unit=p.unit, metrics=[m["label"] for m in p.metrics[:3]]) \
            if hits and coverage >= 0.34 else None
        if found is not None:
            sentence, hit = found
            source = "（图谱中没有这项数据，以下据原文）" if p.figure and p.metrics else ""
            return f"{source}{sentence}——《{self.title_of(hit['doc'])}》", []
        if p.figure and p.metrics and p.places:
            year = f"{p.year}年" if p.year else ""
            places = "、".join(x["label"] for x in p.places)
            return f"语料中没有{year}{places}{p.metrics[0]['label']}的数据（图谱和原文段落中都没有找到）。", []
        return "语料中没有找到与这个问题相关的内容。", []


def _kind_name(kind: str) -> str:
    return vocab.kind_lookup().get(kind.strip(), kind.strip())


_NUMBER = re.compile(r"\d")


def answer_sentence(question: str, hits: list[dict], figure: bool = False, places: list[str] = (),
                    unit: str | None = None, metrics: list[str] = ()) -> tuple[str, dict] | None:
    """The sentence of the top passages that best answers: most of the question's character pairs,
    the better-ranked passage, a figure when one is asked for (多少), the place asked about; a
    sentence that opens a list (…：) runs on to the list's end. A figure question is answered only by
    a sentence of a passage about the place asked that names the metric (most of its characters)
    and holds a number in the unit asked: never another figure. None when no sentence qualifies."""
    q_pairs = {question[i:i + 2] for i in range(len(question) - 1)} - _FILLER_PAIRS
    best, best_score = None, 0.0
    for rank, h in enumerate(hits[:4]):
        text = h["text"]
        about = not places or not h.get("place") or any(pl[:2] in (h.get("place") or "") or (h.get("place") or "")[:2] in pl
                                                         for pl in places)
        spans = sentence_spans(text)
        for i, (a, b) in enumerate(spans):
            s = text[a:b].strip()
            if len(s) < 6:
                continue
            if not (about or any(pl[:2] in s for pl in places)):
                continue  # a passage about another place answers nothing about this one
            if figure and metrics:
                named = any(_shared_run(m, s) >= min(len(m), 4) for m in metrics)
                in_unit = unit is None or re.search(rf"\d(?:万亿|亿|万|千)?{re.escape(unit[-1])}", s)
                if not (named and in_unit):
                    continue
            pairs = {s[j:j + 2] for j in range(len(s) - 1)}
            shared = len(q_pairs & pairs) / max(len(q_pairs), 1)
            score = shared / (1 + 0.001 * len(s)) + 0.15 / (rank + 1)
            if figure:
                score += 0.25 if _NUMBER.search(s) else -0.25
            if places and any(pl[:2] in s for pl in places):
                score += 0.1
            if score > best_score:
                if s.endswith(("：", ":")) and i + 1 < len(spans):  # 主要有：… the list after it
                    s = text[a:spans[min(i + 3, len(spans) - 1)][1]].strip()
                best, best_score = (s, h), score
    return best if best is not None and best_score >= 0.3 else None


_FILLER_PAIRS = {"多少", "是多", "什么", "哪些", "怎么", "为什", "如何", "有多", "了多", "年的", "的是"}


def _shared_run(a: str, b: str) -> int:
    """The longest run of characters a and b share."""
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size


def best_sentence(question: str, text: str) -> tuple[str, int, int]:
    """The sentence of a passage that shares most characters pairs with the question."""
    q_pairs = {question[i:i + 2] for i in range(len(question) - 1)}
    best, best_score, span = text, -1.0, (0, len(text))
    for a, b in sentence_spans(text):
        raw = text[a:b]
        s = raw.strip()
        if len(s) < 4:
            continue
        pairs = {s[i:i + 2] for i in range(len(s) - 1)}
        score = len(q_pairs & pairs) / (1 + 0.002 * len(s))
        if score > best_score:
            best, best_score = s, score
            offset = a + (len(raw) - len(raw.lstrip()))
            span = (offset, offset + len(s))
    return best, span[0], span[1]

