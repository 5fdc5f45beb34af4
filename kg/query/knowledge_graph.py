"""The Python API the CLI and the server call: one object per built workspace.

Imports: kg.graph (the store), kg.workspace, kg.vocab, kg.errors and the query modules (ask,
compare, search_service; kg.query.search lazily); kg.export only inside export(), the one method
that reaches up a stage.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from kg import graph as kg_graph
from kg import vocab
from kg.errors import InputError, QueryError
from kg.query import search_service, titles
from kg.query.ask import Asker
from kg.query.compare import compare_indicator
from kg.workspace import Workspace


class KnowledgeGraph:
    """A built workspace, opened read-only."""

    def __init__(self, workspace: str | Path | None = None):
        self.workspace = Workspace(workspace)
        # a shared lock on the build: a rebuild never removes it while this object reads it
        self.build_dir, self._in_use = self.workspace.hold_current()
        self.manifest = self.workspace.read_manifest(self.build_dir)
        self.store = kg_graph.Store(self.build_dir / "store")

    def close(self) -> None:
        """Let the build go (it may be removed once it is no longer current)."""
        self._in_use.close()

    def sparql(self, query: str):
        """SELECT -> list of {variable: value}; ASK -> bool; CONSTRUCT/DESCRIBE -> list of
        (s, p, o) strings. Use query_raw() for the pyoxigraph result (to serialize it)."""
        result = self.store.query(self.answer_search(query))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return [(t.subject.value, t.predicate.value, t.object.value) for t in result]

    def query_raw(self, query: str):
        return self.store.query(self.answer_search(query))

    def answer_search(self, query: str, probe=None) -> str:
        """The query with its search blocks (SERVICE <https://w3id.org/govkg/search> { … }) answered
        as VALUES (kg/search_service.py); any other query as it is. probe(query) -> values runs the
        query that gives a text variable's values (default: here, on the store)."""
        if not query or "SERVICE" not in query.upper():
            return query
        try:
            return search_service.answer(query, self._service_passages, self.entity_matches,
                                         probe or self._probe_values)
        except search_service.ServiceError as exc:
            raise QueryError(f"search SERVICE: {exc}") from None

    def _service_passages(self, text: str, k: int, **filters) -> list[tuple[str, float]]:
        if not text.strip():
            return []
        try:
            return [(h["passage"], h["score"]) for h in self.search(text, k=k, **filters)]
        except InputError as exc:
            if filters:  # an unknown place, kind or document: say so, as kg search does
                raise QueryError(f"search SERVICE: {exc}") from None
            return []  # an overlong text finds nothing

    def _probe_values(self, query: str) -> list[tuple[str, str]]:
        """The literals a search block's text variable takes (kg/search_service.py)."""
        out = []
        for solution in self.store.query(query):
            for term in solution:
                if isinstance(term, ox.Literal):
                    out.append((term.value, search_service.literal_term(term.value, term.language, term.datatype.value)))
        return out

    def entity_matches(self, text: str, kind: str, k: int = 20) -> list[tuple[str, float]]:
        """Entities of a class (Program, Agency, Place, Indicator, Metric) whose label or alias
        matches a text, best first: a name equal to it 1.0, a name holding it len(text)/len(name),
        a name (two characters or more) inside it 0.9 × len(name)/len(text)."""
        if getattr(self, "_entity_names", None) is None:
            self._entity_names = {}
        if kind not in self._entity_names:
            rows = self.store.select(f"""SELECT ?e ?name WHERE {{ ?e a gk:{kind} .
                {{ ?e rdfs:label ?name }} UNION {{ ?e skos:altLabel ?name }} }}""")
            names: dict[str, set[str]] = {}
            for r in rows:
                names.setdefault(r["e"], set()).add(r["name"])
            self._entity_names[kind] = names
        want = (text or "").strip().lower()
        if not want:
            return []
        scored = []
        for iri, names in self._entity_names[kind].items():
            best = 0.0
            for name in names:
                n = name.lower()
                if n == want:
                    best = 1.0
                elif want in n:
                    best = max(best, len(want) / len(n))
                elif len(n) >= 2 and n in want:
                    best = max(best, 0.9 * len(n) / len(want))
            if best > 0:
                scored.append((iri, round(best, 6)))
        scored.sort(key=lambda x: (-x[1], x[0]))
        return scored[:k]

    @property
    def searcher(self):
        """The passage search indexes (kg/search.py), opened on first use."""
        if getattr(self, "_searcher", None) is None:
            from kg.query.search import Searcher  # lazy: ~0.5 s (numpy, FAISS); only searches need it

            self._searcher = Searcher(self.build_dir, documents_about=self._documents_about,
                                      documents_named=self._documents_named,
                                      passages_mentioning=self._passages_mentioning)
        return self._searcher

    def search(self, query: str, k: int = 10, mode: str = "fused", *, place: str | None = None,
               kind: str | None = None, year: int | None = None, doc: str | None = None,
               section: str | None = None, mentions: str | None = None) -> list[dict]:
        """Passages for a natural-language query, best first: dicts with passage (IRI), doc
        (source file), display_title, start, end, score, text. The model is loaded once, on the first call.
        An empty list when no passage matches well (none shares a content word or an indicator
        synonym with the query, none is clearly close in meaning: see kg/search.py).
        mode: fused (default), vector or lexical. Filters: place (by label or alias, as kg ask and
        kg compare name places: 江苏, 郑州; the documents about it or a place located in it), kind
        (WorkReport, StatisticalBulletin, BudgetReport, PlanReport, PlanOutline, News, Other or 政府工作报告 …), year (the year
        a passage's section reports on), doc (a file name, or part of a title: the documents it
        names), section (a section's role: AnnualTargets, 主要预期目标, 工作回顾 …), mentions (an
        entity's name or alias: the passages that mention it, or an agency or program linked to it,
        or state a figure of that indicator). An unknown place, document, section or entity is an
        InputError. A place or year the query names is preferred even without a filter."""
        hits = self.searcher.search(query, k=k, mode=mode, place=place, kind=kind, year=year, doc=doc,
                                    section=section, mentions=mentions)
        names = self.display_titles()
        for h in hits:  # the document as a reader knows it (the file name stays in doc)
            h["display_title"] = names.get(h["doc"], h["doc"])
        return hits

    def _passages_mentioning(self, name: str) -> set[str]:
        """Passages that mention an entity named so (label or alias), or its neighbours in the graph
        (the agency running a program, the programs an agency runs, an agency's parent or parts),
        or state a figure of an indicator or metric so named."""
        literal_term = search_service.literal_term
        names = f"{literal_term(name)} {literal_term(name, 'zh')}"
        rows = self.store.select(f"""SELECT DISTINCT ?p WHERE {{
            VALUES ?name {{ {names} }}
            ?e rdfs:label|skos:altLabel ?name .
            {{ ?p gk:mentions ?e }}
            UNION {{ ?e gk:responsibleAgency|^gk:responsibleAgency|org:subOrganizationOf|^org:subOrganizationOf ?n .
                     ?n a ?c . VALUES ?c {{ gk:Agency gk:Program }} ?p gk:mentions ?n }}
            UNION {{ ?o gk:indicator|gk:metric ?e ; prov:wasDerivedFrom ?p }} }}""")
        return {r["p"] for r in rows}

    def _documents_about(self, place: str) -> set[str]:
        """Source files of the documents whose subject place is `place` (a label or alias, linked
        as kg ask and kg compare link it) or lies in it (gk:locatedIn). Empty when none."""
        asker = self._ask_engine()
        iris = asker.tables["names"]["Place"].get(place) or [x["iri"] for x in asker.link_names(place, "Place")[:1]]
        if not iris:
            return set()
        values = " ".join(f"<{i}>" for i in iris)
        rows = self.sparql(f"""SELECT DISTINCT ?file WHERE {{ VALUES ?top {{ {values} }}
            ?d gk:subjectPlace ?p ; gk:sourceFile ?file . ?p gk:locatedIn* ?top }}""")
        return {r["file"] for r in rows}

    def _documents_named(self, text: str) -> set[str]:
        """Source files a doc filter names: a file name, or part of a title (kg/search.py)."""
        from kg.query.search import match_documents  # lazy: ~0.5 s (numpy, FAISS); only a doc filter needs it

        return match_documents(text, [(d["file"], d["title"]) for d in self.documents()])

    def ask(self, question: str, k: int = 5, explain: bool = False, *, place: str | None = None,
            kind: str | None = None, year: int | None = None) -> dict:
        """Answer a question from the graph and the passages: {"answer", "facts", "passages",
        "entities"} (and "explain" with the linked entities, SPARQL and fusion scores)."""
        return self._ask_engine().ask(question, k=k, explain=explain, place=place, kind=kind, year=year)

    def compare(self, indicator: str, *, year: int | None = None, status: str | None = None,
                growth: bool = False, places: list[str] | None = None, level: str | None = None,
                uncertain: bool = False) -> dict:
        """One indicator across places for a year and status (target/actual), best first, one
        cited fact per place, or over the years for the named places (no year): {"indicator",
        "facts", "missing", "answer", ...}. growth: the growth rate, not the level. level:
        province, city or district. uncertain: also figures of low confidence (gk:confidence
        "low": a bound such as 突破, a part of the place such as 县域, a year from a file name)."""
        return compare_indicator(self._ask_engine(), indicator, year=year, status=status, growth=growth,
                                 places=places, level=level, uncertain=uncertain)

    def _ask_engine(self):
        if getattr(self, "_asker", None) is None:
            self._asker = Asker(self)
        return self._asker

    def export(self, format: str | None = "ttl", output: str | Path | None = None, *,  # noqa: A002
               types=None, place: str | None = None, max_nodes: int | None = None,
               include_passages: bool = False):
        """The graph as ttl, nt, jsonld, graphml, gexf, cytoscape or html (kg/export.py): returned
        as text, or written atomically to `output` (then the Path is returned). Filters: types
        (Place, Agency, Program, Metric), place (a label or alias: it and what lies in it),
        max_nodes (the best-connected), include_passages (Passage and Document nodes)."""
        from kg.export import export  # lazy: the export stage sits above query (and imports the graph's helpers)

        return export(self, format, output, types=types, place=place, max_nodes=max_nodes,
                      include_passages=include_passages)

    def documents(self) -> list[dict]:
        """Every document: file, title, kind (and its Chinese name), subject place, date, report
        year, passage count and display title (kg/query/titles.py) — what a reader needs instead of
        a file name."""
        rows = self.store.select("""
            SELECT ?file ?title ?kind ?place ?date ?year (COUNT(DISTINCT ?p) AS ?passages) WHERE {
              ?d a gk:Document ; gk:sourceFile ?file .
              OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d gk:documentKind ?kind }
              OPTIONAL { ?d gk:subjectPlace/rdfs:label ?place } OPTIONAL { ?d dcterms:date ?date }
              OPTIONAL { ?d gk:reportYear ?year }
              OPTIONAL { ?p gk:inDocument ?d ; a gk:Passage }  # passages only, as document() lists them (not sections)
            } GROUP BY ?file ?title ?kind ?place ?date ?year ORDER BY ?file""")
        names = vocab.kind_names()
        out = []
        for r in rows:
            kind = (r.get("kind") or "").rsplit("#", 1)[-1] or None
            d = {"file": r["file"], "title": r.get("title"), "kind": kind, "kind_name": names.get(kind),
                 "place": r.get("place"), "date": r.get("date"),
                 "report_year": int(r["year"][:4]) if r.get("year") else None,
                 "passages": int(r["passages"])}
            d["display_title"] = titles.of_document(d)
            out.append(d)
        return out

    def display_titles(self) -> dict[str, str]:
        """Source file -> the document's display title (kg/query/titles.py), read once."""
        if getattr(self, "_display_titles", None) is None:
            self._display_titles = {d["file"]: d["display_title"] for d in self.documents()}
        return self._display_titles

    def document(self, file: str) -> dict:
        """One document to read: what documents() says of it, its normalized text (the passages at
        their offsets; the line breaks between them kept as line breaks), its sections (offsets,
        heading, role such as 上年工作回顾 or 主要预期目标, the year and status they report on) and
        its passages (IRI, number, offsets, the PDF page) and its published format. A file name or a document IRI; unknown → InputError."""
        doc = next((d for d in self.documents() if file in (d["file"], d["file"].rsplit(".", 1)[0])
                    or file.endswith("/doc/" + d["file"].rsplit(".", 1)[0])), None)
        if doc is None:
            raise InputError(f"no document {file!r} in this workspace (kg info lists them)")
        lit = json.dumps(doc["file"], ensure_ascii=False)
        passages = self.store.select(f"""
            SELECT ?p ?order ?start ?end ?text ?page WHERE {{
              ?d gk:sourceFile {lit} . ?p gk:inDocument ?d ; a gk:Passage ; gk:order ?order ;
                 gk:charStart ?start ; gk:charEnd ?end ; gk:text ?text OPTIONAL {{ ?p gk:page ?page }}
            }} ORDER BY ?start""")
        media = self.store.select(f"SELECT ?f WHERE {{ ?d gk:sourceFile {lit} ; dcterms:format ?f }}")
        sections = self.store.select(f"""
            SELECT ?order ?start ?end ?heading ?role ?role_name ?year ?status WHERE {{
              ?d gk:sourceFile {lit} . ?s a gk:Section ; gk:inDocument ?d ; gk:order ?order ;
                 gk:charStart ?start ; gk:charEnd ?end .
              OPTIONAL {{ ?s gk:heading ?heading }} OPTIONAL {{ ?s gk:defaultYear ?year }}
              OPTIONAL {{ ?s gk:defaultStatus ?status }}
              OPTIONAL {{ ?s gk:sectionRole ?role OPTIONAL {{ ?role rdfs:label ?role_name
                                                             FILTER(LANGMATCHES(LANG(?role_name), "zh")) }} }}
            }} ORDER BY ?start""")
        text, at = [], 0
        for r in passages:
            start, end = int(r["start"]), int(r["end"])
            if start < at:  # overlapping passages: the text is already there
                text.append(r["text"][at - start:])
            else:
                text.append("\n" * min(2, start - at) + " " * max(0, start - at - 2))
                text.append(r["text"])
            at = max(at, end)
        local = lambda v: v.rsplit("#", 1)[-1] if v else None  # noqa: E731
        return {**doc, "text": "".join(text), "format": media[0]["f"] if media else "text/plain",
                "sections": [{"order": int(r["order"]), "start": int(r["start"]), "end": int(r["end"]),
                              "heading": r.get("heading"), "role": local(r.get("role")),
                              "role_name": r.get("role_name"), "year": int(r["year"]) if r.get("year") else None,
                              "status": local(r.get("status"))} for r in sections],
                "passages": [{"passage": r["p"], "order": int(r["order"]), "start": int(r["start"]),
                              "end": int(r["end"]), "page": int(r["page"]) if r.get("page") else None}
                             for r in passages]}

    def example_questions(self, n: int = 6) -> list[str]:
        """Questions this corpus can answer, built from it: the indicators stated for the most
        places, asked about one subject place and year, or across places when the corpus holds
        reports of several places of one level; each kept only if ask answers it with a fact."""
        if getattr(self, "_examples", None) is not None:
            return self._examples
        subjects = self.store.select("""SELECT DISTINCT ?p ?label ?kind WHERE { ?d gk:subjectPlace ?p .
            ?p rdfs:label ?label ; a ?kind . VALUES ?kind { gk:Province gk:City gk:District } }""")
        kinds: dict[str, list[str]] = {}
        for r in subjects:
            kinds.setdefault(r["kind"].rsplit("#", 1)[-1], []).append(r["label"])
        level, many = max(kinds.items(), key=lambda kv: len(kv[1]), default=(None, []))
        scope = {"Province": "各省", "City": "各市", "District": "各区县"}.get(level, "各地")
        top = self.store.select("""SELECT ?label (COUNT(DISTINCT ?p) AS ?places) (COUNT(?o) AS ?n) WHERE {
            ?o gk:indicator ?i ; gk:place ?p . ?i rdfs:label ?label } GROUP BY ?label
            ORDER BY DESC(?places) DESC(?n) LIMIT 12""")
        questions: list[str] = []
        for k, row in enumerate(top):
            label = row["label"]
            # the year, status and kind of figure most places state it for (a headline figure)
            obs = self.store.select(f"""SELECT ?y ?s ?m (SAMPLE(?pl) AS ?place) (COUNT(DISTINCT ?pl) AS ?k) WHERE {{
                ?o gk:indicator ?i ; gk:year ?y ; gk:status ?s ; gk:measure ?m ; gk:place/rdfs:label ?pl .
                FILTER NOT EXISTS {{ ?o gk:periodStart ?start }}
                ?i rdfs:label {json.dumps(label, ensure_ascii=False)}@zh . ?d gk:subjectPlace/rdfs:label ?pl }}
                GROUP BY ?y ?s ?m ORDER BY DESC(?k) DESC(?y) LIMIT 1""")
            if not obs:
                continue
            year, status = str(obs[0]["y"])[:4], obs[0]["s"].rsplit("#", 1)[-1]
            growth = "增速" if obs[0]["m"].endswith("GrowthRate") else ""
            target = "目标" if status == "Target" else ""
            if len(many) >= 3 and k % 2 == 0:
                q = f"列出{year}年{scope}的{label}{growth}{target}"
            else:
                q = f"{year}年{obs[0]['place']}{label}{growth}{target}是多少"
            try:
                if self.ask(q, k=1)["facts"]:
                    questions.append(q)
            except Exception:  # noqa: BLE001 -- an example that cannot be asked is left out
                continue
            if len(questions) >= n:
                break
        self._examples = questions
        return questions

    def info(self) -> dict:
        """Counts per class (from the store), per document, corpus and versions."""
        counts = {name: self.store.count(f"gk:{name}") for name in
                  ("Document", "Passage", "Place", "Agency", "Program", "Metric", "Observation")}
        per_doc = self.store.select("""
            SELECT ?file (COUNT(DISTINCT ?p) AS ?passages) (COUNT(DISTINCT ?o) AS ?observations) WHERE {
              ?d a gk:Document ; gk:sourceFile ?file .
              ?p gk:inDocument ?d ; a gk:Passage .  # not its sections
              OPTIONAL { ?o prov:wasDerivedFrom ?p ; a gk:Observation }
            } GROUP BY ?file ORDER BY ?file""")
        return {"workspace": str(self.workspace.root), "build": self.build_dir.name,
                "built_at": self.manifest.get("built_at"), "counts": counts,
                "documents": per_doc, "corpus": self.manifest.get("corpus", {}),
                "shacl": self.manifest.get("shacl"), "model": self.manifest.get("model"),
                "versions": self.manifest.get("versions")}


def open(workspace: str | Path | None = None) -> KnowledgeGraph:  # noqa: A001
    """Open a built workspace (default `.kg/`); WorkspaceError if there is none."""
    return KnowledgeGraph(workspace)
