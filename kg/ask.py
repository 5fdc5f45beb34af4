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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from . import vocab
from .errors import InputError

MAX_QUESTION = 2000
# the question's intent from the shared vocabulary (kg/vocab): plan and actual words, relative years
_TARGET_WORDS = vocab.target_question()
_ACTUAL_WORDS = vocab.actual_question()
_GROWTH_WORDS = re.compile(r"增长|增速|增幅|增长率|涨幅|提高了?多少|下降")
_FIGURE_WORDS = re.compile(r"多少|(?<!哪)几|多大|多长|多高|多远|规模|总量|数量|比例|比重|率|目标是|达到|金额|多久")
_LIST_WORDS = re.compile(r"哪些|哪几|有什么|包括|列举")
_YESNO_WORDS = re.compile(r"会不会|是否|能不能|有没有|是不是|可不可以|吗[？?]?$")
_STATUS_LABEL = {"Actual": "实际", "Target": "目标"}
_MEASURE_LABEL = {"GrowthRate": "增速", "Change": "增减", "Level": ""}


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
        p.places = self._link_names(q, "Place")
        for word, iri in (("全市", t["city"]), ("我市", t["city"]), ("全省", t["province"]), ("我省", t["province"])):
            if word in q and iri and not any(x["iri"] == iri for x in p.places):
                p.places.append({"iri": iri, "label": t["labels"][iri]})
        p.unknown_places = self._unknown_places(q, p.places)
        p.entities = self._link_names(q, "Agency") + self._link_names(q, "Program")
        p.metrics = self._link_metrics(q)
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
        p.figure = bool(_FIGURE_WORDS.search(q)) or p.growth
        p.list_intent = bool(_LIST_WORDS.search(q))
        p.yes_no = bool(_YESNO_WORDS.search(q))
        return p

    def _link_names(self, q: str, kind: str) -> list[dict]:
        names = self.tables["names"][kind]
        found, taken = [], []
        for name in sorted((n for n in names if len(n) >= 2 and n in q), key=len, reverse=True):
            start = q.find(name)
            if any(s <= start < e for s, e in taken):
                continue
            taken.append((start, start + len(name)))
            for iri in names[name]:
                if not any(f["iri"] == iri for f in found):
                    found.append({"iri": iri, "label": self.tables["labels"][iri], "type": kind})
        return found

    def _words(self, q: str) -> list[str]:
        """jieba's words of a question, with the graph's names in its dictionary (社零, 规上工业增加值:
        the search index's own tokenizer, loaded once); its own longer words stay whole (经济效益)."""
        return self.kg.searcher.tokenizer.cut(q)

    def _unknown_places(self, q: str, linked: list[dict]) -> list[str]:
        """Places a question names that the corpus knows nothing about (上海市 in a Zhengzhou corpus)."""
        from .extract.places import Home, find_places, gazetteer

        gaz = gazetteer()
        known = {x["label"] for x in linked}
        out = []
        for m in find_places(q, gaz, Home(None, None)):
            if not m.deictic and m.place.name not in known and m.place.level <= 3 \
                    and not any(m.surface in k or k in m.surface for k in known):
                out.append(m.place.name)
        return out

    def _link_metrics(self, q: str) -> list[dict]:
        """Metrics whose label or synonym is in the question (score 1), or that share a long
        enough piece with it (score = shared characters / label length)."""
        names = self.tables["names"]["Metric"]
        scored: dict[str, float] = {}
        core = re.sub(r"(?:19|20)\d{2}年|去年|今年|明年|多少|是多少|哪些|什么|怎么|[？?。，,！!]", " ", q)
        bounds, pos = {0}, 0
        for token in self._words(q):  # a name is written whole only on word boundaries (经济 ≠ 经济效益)
            pos += len(token)
            bounds.add(pos)
        for name, iris in names.items():
            if len(name) < 2:
                continue
            whole = any(m.start() in bounds and m.end() in bounds for m in re.finditer(re.escape(name), q))
            if whole:
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
                       ?qualifier ?period ?passage ?doc ?pstart ?pend ?qstart ?qend WHERE {{
            VALUES ?linked {{ {values} }}
            {{ ?o gk:metric ?linked }} UNION {{ ?o gk:indicator ?linked }}
            ?o gk:metric ?metric ; gk:value ?value ; gk:unit ?unit ; gk:year ?year ; gk:status ?status ;
               gk:measure ?measure ; gk:place ?place ; gk:quote ?quote ; prov:wasDerivedFrom ?passage ;
               gk:charStart ?qstart ; gk:charEnd ?qend .
            ?metric rdfs:label ?mlabel . ?place rdfs:label ?plabel .
            ?passage gk:inDocument/gk:sourceFile ?doc ; gk:charStart ?pstart ; gk:charEnd ?pend .
            OPTIONAL {{ ?o gk:qualifier ?qualifier }} OPTIONAL {{ ?o gk:period ?period }}
        }}"""
        rows = self.kg.sparql(query)
        if not rows:
            return [], query
        place_iris = [x["iri"] for x in p.places] or [self.tables["city"]]
        under = self._places_under(place_iris)
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
            scored.append((s, r, status, measure))
        scored.sort(key=lambda x: -x[0])
        facts = [self._fact(r, status, measure, s) for s, r, status, measure in scored[:10]]
        return facts, query

    def _places_under(self, iris: list[str]) -> set[str]:
        if not iris:
            return set()
        values = " ".join(f"<{i}>" for i in iris if i)
        rows = self.kg.sparql(f"SELECT DISTINCT ?p WHERE {{ VALUES ?top {{ {values} }} ?p gk:locatedIn+ ?top }}")
        return {r["p"] for r in rows}

    def _sub_places(self, iri: str) -> list[str]:
        rows = self.kg.sparql(f"""SELECT ?l WHERE {{ ?p gk:locatedIn <{iri}> ; rdfs:label ?l ; a gk:District }}
                                  ORDER BY ?l""")
        return [r["l"] for r in rows]

    @staticmethod
    def _fact(r: dict, status: str, measure: str, score: float) -> dict:
        return {"observation": r["o"], "metric": r["mlabel"], "value": r["value"], "unit": r["unit"],
                "year": int(r["year"][:4]), "place": r["plabel"], "status": status, "measure": measure,
                "qualifier": r.get("qualifier"), "period": r.get("period"), "quote": r["quote"],
                "passage": r["passage"], "doc": r["doc"], "start": int(r["pstart"]), "end": int(r["pend"]),
                "quote_start": int(r["qstart"]), "quote_end": int(r["qend"]), "score": round(score, 3)}

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
        self.kg.searcher.allowed(**filters)  # a bad filter fails now, with its reason
        p = self.parse(question)
        if place:  # the filter's place is the question's place
            p.places = [x for x in self._link_names(place, "Place")] or p.places
        if year:
            p.year, p.year_relative = int(year), False
        across = self._across_places(p, k, explain, kind)
        if across is not None:
            return across
        facts, sparql = self.observations(p)
        if kind:
            facts = [f for f in facts if self._doc_kind(f["doc"]) == _kind_name(kind)]
        hits = self.kg.search(question, k=max(10, k), **filters)
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
            passages.append({"passage": h["passage"], "doc": h["doc"], "start": h["start"], "end": h["end"],
                             "score": round(h["rerank"], 6), "text": h["text"], "sentence": sentence,
                             "sentence_start": h["start"] + s_start, "sentence_end": h["start"] + s_end})
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

    def compare(self, indicator: str, *, year: int | None = None, status: str | None = None,
                growth: bool = False, places: list[str] | None = None, level: str | None = None,
                uncertain: bool = False) -> dict:
        """One indicator across places (or over years for named places): its value by place for a
        year and status, best first, one cited fact per place, places without a figure named.
        The indicator is named by any label or synonym (地区生产总值, GDP, 规上工业增加值)."""
        from .compare import AcrossPlaces, Intent

        name = (indicator or "").strip()
        if not name:
            raise InputError("name an indicator, e.g. 地区生产总值")
        exact = self.tables["names"]["Metric"].get(name)
        if exact:  # a label or synonym as given: its indicator first
            iris = sorted(exact, key=lambda i: "/indicator/" not in i)
            metrics = [{"iri": i, "label": self.tables["labels"][i], "score": 2.0, "type": "Metric"} for i in iris]
        else:
            metrics = [m for m in self._link_metrics(name) if len(m["label"]) >= len(name) - 2]
        if not metrics or metrics[0]["score"] < 1.0:  # the whole name, not a word inside it
            near = "、".join(dict.fromkeys(m["label"] for m in metrics[:5]))
            raise InputError(f"no indicator or metric called {name!r} in the graph"
                             + (f" (near: {near})" if near else ""))
        linked = []
        for place in places or []:
            found = self._link_names(place, "Place")
            if not found:
                raise InputError(f"no place called {place!r} in the graph")
            linked.append(found[0])
        levels = {"province": "Province", "city": "City", "district": "District"}
        if level is not None and level.lower() not in levels:
            raise InputError(f"--level must be one of {', '.join(levels)}, not {level!r}")
        status_name = {"target": "Target", "actual": "Actual", None: None}.get(status.lower() if status else None)
        if status and status_name is None:
            raise InputError(f"--status must be target or actual, not {status!r}")
        over_years = bool(linked) and year is None
        intent = Intent("trend" if over_years else "compare" if linked else "list",
                        levels.get(level.lower()) if level else None, places=linked)
        question = name + ("增速" if growth else "")
        across = AcrossPlaces(self.kg, self.tables, uncertain=uncertain)
        result = across.answer(intent, metrics, year, status_name, question)
        answer, facts, sparql = result if result is not None else ("", [], "")
        if over_years and status_name:
            facts = [f for f in facts if f["status"] == status_name]
        missing = across.missing
        return {"indicator": metrics[0]["label"], "linked": metrics[:3], "year": year, "status": status_name,
                "growth": growth, "over_years": over_years, "answer": answer, "facts": facts,
                "missing": missing, "sparql": sparql}

    def _across_places(self, p: Parsed, k: int, explain: bool, kind: str | None = None) -> dict | None:
        """Lists, rankings, comparisons and trends across places (kg/compare.py), answered from
        the graph alone; the passages cited are those of the facts."""
        from .compare import AcrossPlaces, detect, strip_question_words

        intent = detect(p.question, p.places)
        if intent is None:
            return None
        # the scope and ranking words (各省区市, 最高 …) name no metric: link without them
        metrics = self._link_metrics(strip_question_words(p.question)) or p.metrics
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
        return {"passage": fact["passage"], "doc": fact["doc"], "start": fact["start"], "end": fact["end"],
                "score": None, "text": text, "sentence": fact["quote"],
                "sentence_start": fact["start"] + max(rel, 0), "sentence_end": fact["start"] + max(rel, 0) + len(fact["quote"])}

    def _coverage(self, question: str, text: str) -> float:
        """IDF-weighted share of the question's content words found in a passage (document
        frequencies from the lexical index: nothing is counted at question time)."""
        from .search import STOPWORDS

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
            same = [f for f in facts if (f["metric"], f["place"], f["year"], f["status"], f["measure"], f["period"])
                    == (best["metric"], best["place"], best["year"], best["status"], best["measure"], best["period"])]
            differing = [f for f in same if (f["value"], f["unit"]) != (best["value"], best["unit"])]
            text = _fact_sentence(best)
            used = [best]
            if differing:
                other = differing[0]
                text += (f" 注意：来源之间不一致，{other['doc']}写作「{other['quote']}」"
                         f"（{other['value']}{other['unit']}）。")
                used.append(other)
            used += [f for f in facts[1:4] if f not in used]
            return text, used
        if p.list_intent and p.places and re.search(r"区县|区|县|下辖|辖区", p.question) and not p.metrics:
            names = self._sub_places(p.places[0]["iri"])
            if names:
                return f"{p.places[0]['label']}下辖（图谱中）：{'、'.join(names)}。", []
        if p.figure and p.metrics and p.places and not facts:
            year = f"{p.year}年" if p.year else ""
            places = "、".join(x["label"] for x in p.places)
            return f"语料中没有{year}{places}{p.metrics[0]['label']}的数据。", []
        if not hits or coverage < 0.34:
            return "语料中没有找到与这个问题相关的内容。", []
        sentence, _, _ = best_sentence(p.question, hits[0]["text"])
        return sentence, []


def _kind_name(kind: str) -> str:
    from .search import KIND_NAMES

    return KIND_NAMES.get(kind.strip(), kind.strip())


_FLOW_LABEL = re.compile(f"^(?:{vocab.alternation('flow_words')})")


def _fact_sentence(f: dict) -> str:
    kind = _MEASURE_LABEL.get(f["measure"], "")
    if f["measure"] == "Change" and _FLOW_LABEL.match(f["metric"]):
        kind = ""  # 新增城镇就业 is already a change
    qualifier = f" {f['qualifier']}" if f.get("qualifier") else ""
    period = f"（{f['period']}）" if f.get("period") else ""
    return (f"{f['year']}年{f['place']}{f['metric']}{kind}{period}：{f['value']}{f['unit']}{qualifier}"
            f"（{_STATUS_LABEL[f['status']]}）。原文：「{f['quote']}」——{f['doc']}")


def best_sentence(question: str, text: str) -> tuple[str, int, int]:
    """The sentence of a passage that shares most characters pairs with the question."""
    q_pairs = {question[i:i + 2] for i in range(len(question) - 1)}
    best, best_score, span = text, -1.0, (0, len(text))
    from .ingest import sentence_spans

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


def format_text(result: dict) -> str:
    """Answer first, then numbered citations (for a terminal)."""
    lines = [result["answer"], ""]
    n = 1
    for f in result["facts"]:
        lines.append(f"[{n}] {f['doc']} {f['start']}-{f['end']}  「{f['quote']}」  "
                     f"{f['place']} {f['year']} {_STATUS_LABEL[f['status']]}  {f['passage']}")
        n += 1
    for h in result["passages"]:
        lines.append(f"[{n}] {h['doc']} {h['start']}-{h['end']}  {h['sentence']}")
        n += 1
    return "\n".join(lines)
