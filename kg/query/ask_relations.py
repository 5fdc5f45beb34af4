"""Questions about who does what, answered from the relations' statements (kg/extract/relations.py)
with their quotes: "谁负责X" / "X由哪个部门牵头" (a program's agencies), "Y负责哪些项目" (an agency's
programs), "Z有哪些项目及投资" (a place's programs with the figures that belong to them).
Each answer line cites the statement's passage; the asker falls back to its other steps when the
graph holds no such relation. Imports: kg.extract.numbers (lazily); the asker is passed in."""
from __future__ import annotations

import re
from decimal import Decimal

_WHO = re.compile(r"谁|哪个|哪些|哪家|什么(?:部门|单位|机构)|牵头单位|责任单位|主办单位|实施单位|承办单位")
_RUN_WORDS = re.compile(r"负责|牵头|实施|主办|承办|参与|组织|建设|推进|运营|印发|发布|举办")
_PROJECT_WORDS = re.compile(r"(?:哪些|什么|几个)(?:重点|重大)?(?:项目|工程)|项目.{0,6}投资|投资.{0,6}项目")

PREDICATE_NAMES = {"responsibleAgency": "牵头/负责", "participatingAgency": "参与", "partOfProgram": "属于",
                   "agreementWith": "签约合作", "subOrganizationOf": "隶属"}


def relation_answer(asker, p, k: int = 5) -> dict | None:
    """The answer dict (as Asker.ask's) for a who-runs-what question, or None."""
    q = p.question
    programs = [e for e in p.entities if e.get("type") == "Program"]
    agencies = [e for e in p.entities if e.get("type") == "Agency"]
    if programs and _WHO.search(q) and _RUN_WORDS.search(q):
        rows = _statements(asker, subjects=[e["iri"] for e in programs],
                           predicates=("responsibleAgency", "participatingAgency"))
        lines = [f"{r['olabel']}（{PREDICATE_NAMES[r['pred']]}）：{r['slabel']}" for r in rows]
        return _answer(asker, p, rows, lines, k, "语料中没有写明谁负责" + "、".join(e["label"] for e in programs))
    if agencies and _RUN_WORDS.search(q) and re.search(r"哪些|什么|几个|多少个", q):
        rows = _statements(asker, objects=[e["iri"] for e in agencies],
                           predicates=("responsibleAgency", "participatingAgency"))
        lines = [f"{r['slabel']}（{r['olabel']}{PREDICATE_NAMES[r['pred']]}）" for r in rows]
        return _answer(asker, p, rows, lines, k, "语料中没有写明" + "、".join(e["label"] for e in agencies) + "负责的项目")
    if p.places and not p.entities and _PROJECT_WORDS.search(q):
        return _projects_of_places(asker, p, k)
    return None


def _statements(asker, subjects=(), objects=(), predicates=()) -> list[dict]:
    where = []
    if subjects:
        where.append("VALUES ?s { " + " ".join(f"<{i}>" for i in subjects) + " }")
    if objects:
        where.append("VALUES ?o { " + " ".join(f"<{i}>" for i in objects) + " }")
    preds = " ".join(f"gk:{x}" if x != "subOrganizationOf" else "org:subOrganizationOf" for x in predicates)
    rows = asker.kg.sparql(f"""SELECT DISTINCT ?s ?slabel ?p ?o ?olabel ?quote ?passage ?doc ?title ?pstart ?pend ?qstart ?qend WHERE {{
        {' '.join(where)} VALUES ?p {{ {preds} }}
        ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; gk:quote ?quote ; prov:wasDerivedFrom ?passage ;
            gk:charStart ?qstart ; gk:charEnd ?qend .
        ?s rdfs:label ?slabel . ?o rdfs:label ?olabel .
        ?passage gk:inDocument ?d ; gk:charStart ?pstart ; gk:charEnd ?pend . ?d gk:sourceFile ?doc .
        OPTIONAL {{ ?d dcterms:title ?title }}
    }}""")
    rank = {name: i for i, name in enumerate(PREDICATE_NAMES)}
    rows.sort(key=lambda r: (r["slabel"], rank.get(r["p"].rsplit("#", 1)[-1], 9), r["olabel"]))
    seen, out = set(), []
    for r in rows:
        r["pred"] = r["p"].rsplit("#", 1)[-1]
        if (r["s"], r["p"], r["o"]) not in seen:  # one line a relation, cited by its first statement
            seen.add((r["s"], r["p"], r["o"]))
            out.append(r)
    return out


def _citation(r: dict) -> dict:
    start = int(r["pstart"])
    return {"passage": r["passage"], "doc": r["doc"], "start": start, "end": int(r["pend"]), "score": None,
            "text": "", "sentence": r["quote"], "sentence_start": int(r["qstart"]), "sentence_end": int(r["qend"])}


def _answer(asker, p, rows: list[dict], lines: list[str], k: int, nothing: str) -> dict:
    if not rows:
        return None
    passages = []
    for r in rows:
        if r["passage"] not in {x["passage"] for x in passages} and len(passages) < max(k, 1):
            cited = _citation(r)
            cited["text"] = _passage_text(asker, r["passage"])
            passages.append(cited)
    relations = [{"subject": r["slabel"], "predicate": r["pred"], "object": r["olabel"], "quote": r["quote"],
                  "passage": r["passage"], "doc": r["doc"]} for r in rows]
    answer = "\n".join(f"{i}. {line}（《{r.get('title') or r['doc']}》：“{r['quote']}”）" for i, (line, r) in enumerate(zip(lines, rows), 1))
    return {"question": p.question, "answer": answer or nothing, "facts": [], "relations": relations,
            "passages": passages, "entities": [{"type": "Place", **x} if "type" not in x else x for x in p.places]
            + p.entities + p.metrics}


def _passage_text(asker, passage: str) -> str:
    rows = asker.kg.sparql(f"SELECT ?t WHERE {{ <{passage}> gk:text ?t }}")
    return rows[0]["t"] if rows else ""


def _projects_of_places(asker, p, k: int) -> dict | None:
    """A place's programs (located in it or in a place under it) that figures belong to (总投资,
    个数), largest first, each figure cited by its quote."""
    places = [x["iri"] for x in p.places]
    under = set(places) | asker.places_under(places)
    values = " ".join(f"<{i}>" for i in under)
    rows = asker.kg.sparql(f"""SELECT ?prog ?label ?value ?unit ?year ?mlabel ?quote ?passage ?doc ?title ?pstart ?pend ?qstart ?qend WHERE {{
        VALUES ?place {{ {values} }}
        ?prog a gk:Program ; gk:locatedIn ?place ; rdfs:label ?label .
        ?o gk:aboutProgram ?prog ; gk:value ?value ; gk:unit ?unit ; gk:year ?year ; gk:metric/rdfs:label ?mlabel ;
           gk:quote ?quote ; prov:wasDerivedFrom ?passage ; gk:charStart ?qstart ; gk:charEnd ?qend .
        ?passage gk:inDocument ?d ; gk:charStart ?pstart ; gk:charEnd ?pend . ?d gk:sourceFile ?doc .
        OPTIONAL {{ ?d dcterms:title ?title }}
    }}""")
    if not rows:
        return None
    from kg.extract.numbers import normalize  # lazy: kg.extract loads its rules (~0.5 s); only this answer needs it

    def size(r):
        norm = normalize(Decimal(r["value"]), r["unit"])
        return -(norm[0] if norm and norm[0] is not None else Decimal(r["value"]))

    money = [r for r in rows if "元" in r["unit"]] or rows
    money.sort(key=size)
    seen, picked = set(), []
    for r in money:
        if r["prog"] not in seen:
            seen.add(r["prog"])
            picked.append(r)
    lines = [f"{r['label']}：{r['mlabel']}{r['value']}{r['unit']}（{r['year'][:4]}年）" for r in picked]
    return _answer(asker, p, [{**r, "slabel": r["label"], "pred": "aboutProgram", "olabel": r["mlabel"]} for r in picked],
                  lines, k, "")
