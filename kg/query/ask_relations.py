"""Questions about who does what, answered from the relations' statements (kg/extract/relations.py)
with their quotes: "谁负责X" / "X由哪个部门牵头" (a program's agencies), "Y负责哪些项目" (an agency's
programs), "Z有哪些项目及投资", "有哪些重点项目" (the projects, of a place or all, with their place, lead agency
and the figures that belong to them; or that the graph holds none).
Each answer line cites the statement's passage; the asker falls back to its other steps when the
graph holds no such relation. Imports: kg.vocab, kg.ingest (sentences), kg.extract.numbers (lazily); the asker is passed in."""
from __future__ import annotations

import re
from decimal import Decimal

from kg import vocab
from kg.ingest import sentence_spans

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
    if not p.entities and _PROJECT_WORDS.search(q):
        return _projects(asker, p, k)
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
    return {"passage": r["passage"], "doc": r["doc"], "display_title": r.get("display_title"), "start": start, "end": int(r["pend"]), "score": None,
            "text": "", "sentence": r["quote"], "sentence_start": int(r["qstart"]), "sentence_end": int(r["qend"])}


def _answer(asker, p, rows: list[dict], lines: list[str], k: int, nothing: str) -> dict:
    if not rows:
        return None
    for r in rows:
        r["display_title"] = asker.title_of(r["doc"])
    passages = []
    for r in rows:
        if r["passage"] not in {x["passage"] for x in passages} and len(passages) < max(k, 1):
            cited = _citation(r)
            cited["text"] = _passage_text(asker, r["passage"])
            passages.append(cited)
    relations = [{"subject": r["slabel"], "predicate": r["pred"], "object": r["olabel"], "quote": r["quote"],
                  "passage": r["passage"], "doc": r["doc"], "display_title": r["display_title"]} for r in rows]
    answer = "\n".join(f"{i}. {line}（《{r['display_title']}》：“{r['quote']}”）" for i, (line, r) in enumerate(zip(lines, rows), 1))
    return {"question": p.question, "answer": answer or nothing, "facts": [], "relations": relations,
            "passages": passages, "entities": [{"type": "Place", **x} if "type" not in x else x for x in p.places]
            + p.entities + p.metrics}


def _passage_text(asker, passage: str) -> str:
    rows = asker.kg.sparql(f"SELECT ?t WHERE {{ <{passage}> gk:text ?t }}")
    return rows[0]["t"] if rows else ""


def _projects(asker, p, k: int) -> dict:
    """The projects the graph holds (of the places asked about, or in them; all when none is named):
    the programs a figure of money belongs to, largest first, then the programs named as projects
    (vocab/project_words.tsv), each with its place and lead agency and cited by its quote or the
    sentence that names it. Says so when the graph holds none."""
    places = [x["iri"] for x in p.places]
    where = ""
    if places:
        values = " ".join(f"<{i}>" for i in set(places) | asker.places_under(places))
        where = f"VALUES ?place {{ {values} }} ?prog gk:locatedIn ?place ."
    heads = tuple(w for kind, w in vocab.table("project_words") if kind == "head")
    money_words = tuple(w for kind, w in vocab.table("project_words") if kind == "money")
    funded = {prog: r for prog, r in _money_of_programs(asker, where).items()
              if r["label"].endswith(heads) or r["mlabel"].endswith(money_words)}
    rows = asker.kg.sparql(f"""SELECT ?prog ?label (SAMPLE(?pl) AS ?plabel) (SAMPLE(?al) AS ?alabel) WHERE {{
        ?prog a gk:Program ; rdfs:label ?label . {where}
        OPTIONAL {{ ?prog gk:locatedIn/rdfs:label ?pl }} OPTIONAL {{ ?prog gk:responsibleAgency/rdfs:label ?al }}
    }} GROUP BY ?prog ?label ORDER BY ?label""")
    named = [r for r in rows if r["prog"] not in funded and r["label"].endswith(heads)]
    about = {r["prog"]: r for r in rows}
    cited = _mentions(asker, [r["prog"] for r in named])
    picked, lines = [], []
    for r in list(funded.values()) + [cited[r["prog"]] for r in named if r["prog"] in cited]:
        info = about.get(r["prog"], {})
        where_run = "、".join(x for x in (info.get("plabel"), f"牵头：{info['alabel']}" if info.get("alabel") else None) if x)
        money = f"：{r['mlabel']}{r['value']}{r['unit']}（{r['year'][:4]}年）" if r.get("value") else ""
        lines.append(f"{r['label']}{'（' + where_run + '）' if where_run else ''}{money}")
        picked.append({**r, "slabel": r["label"], "pred": "aboutProgram", "olabel": r.get("mlabel") or ""})
    scope = "、".join(x["label"] for x in p.places)
    if not picked:
        return {"question": p.question, "answer": f"语料中没有{scope}重点项目的记录（图谱中没有项目）。", "facts": [],
                "relations": [], "passages": [], "entities": _entities(p)}
    out = _answer(asker, p, picked[:_MAX_PROJECTS], lines[:_MAX_PROJECTS], k, "")
    head = f"{scope}项目（图谱中共{len(picked)}个" + (f"，列出前{_MAX_PROJECTS}个" if len(picked) > _MAX_PROJECTS else "") + "）："
    out["answer"] = head + "\n" + out["answer"]
    return out


_MAX_PROJECTS = 20


def _entities(p) -> list[dict]:
    return [{"type": "Place", **x} if "type" not in x else x for x in p.places] + p.entities + p.metrics


def _money_of_programs(asker, where: str) -> dict[str, dict]:
    """Program IRI -> its largest figure of money (总投资, or a count when it has none), cited."""
    rows = asker.kg.sparql(f"""SELECT ?prog ?label ?value ?unit ?year ?mlabel ?quote ?passage ?doc ?pstart ?pend ?qstart ?qend WHERE {{
        ?prog a gk:Program ; rdfs:label ?label . {where}
        ?o gk:aboutProgram ?prog ; gk:value ?value ; gk:unit ?unit ; gk:year ?year ; gk:metric/rdfs:label ?mlabel ;
           gk:quote ?quote ; prov:wasDerivedFrom ?passage ; gk:charStart ?qstart ; gk:charEnd ?qend .
        ?passage gk:inDocument ?d ; gk:charStart ?pstart ; gk:charEnd ?pend . ?d gk:sourceFile ?doc .
    }}""")
    if not rows:
        return {}
    from kg.extract.numbers import normalize  # lazy: kg.extract loads its rules (~0.5 s); only this answer needs it

    def size(r):
        norm = normalize(Decimal(r["value"]), r["unit"])
        return (0 if "元" in r["unit"] else 1, -(norm[0] if norm and norm[0] is not None else Decimal(r["value"])))

    out: dict[str, dict] = {}
    for r in sorted(rows, key=size):
        out.setdefault(r["prog"], r)
    return out


def _mentions(asker, programs: list[str]) -> dict[str, dict]:
    """Program IRI -> its first mention: the passage and the sentence in it that names the program."""
    if not programs:
        return {}
    values = " ".join(f"<{i}>" for i in programs)
    rows = asker.kg.sparql(f"""SELECT ?prog ?label ?passage ?text ?doc ?pstart ?pend WHERE {{
        VALUES ?prog {{ {values} }} ?prog rdfs:label ?label . ?passage gk:mentions ?prog ; gk:text ?text ;
        gk:inDocument/gk:sourceFile ?doc ; gk:charStart ?pstart ; gk:charEnd ?pend }} ORDER BY ?doc ?pstart""")
    out: dict[str, dict] = {}
    # a passage that writes the name out first (a mention may be by an alias or an abbreviation)
    for r in sorted(rows, key=lambda r: r["label"] not in r["text"]):
        if r["prog"] in out:
            continue
        at = r["text"].find(r["label"])
        spans = sentence_spans(r["text"])
        a, b = next(((a, b) for a, b in spans if a <= max(at, 0) < b), spans[0] if spans else (0, len(r["text"])))
        start = int(r["pstart"])
        out[r["prog"]] = {**r, "quote": r["text"][a:b].strip(), "qstart": str(start + a), "qend": str(start + b)}
    return out
