"""Search inside SPARQL: `SERVICE <https://w3id.org/govkg/search> { ... }` (DESIGN.md contract).

    SELECT ?passage ?score ?doc WHERE {
      SERVICE <https://w3id.org/govkg/search> { ?passage gk:matches "低空经济" ; gk:score ?score ; gk:k 50 . }
      ?passage gk:inDocument ?doc .
    }

Oxigraph has no hook for a SERVICE, so the block is answered before the query runs and replaced by
a VALUES block of its rows: `?passage` binds the passages `kg search TEXT -k K` returns, with the same
scores (k: gk:k, default 20, at most MAX_K). gk:place "四川省", gk:year 2026, gk:documentKind
gk:WorkReport, gk:sectionRole gk:AnnualTargets, gk:mentions "…" and gk:sourceFile "…" filter the
search as kg search's --place, --year, --kind, --section, --mentions and --doc do. With `a gk:Program` (gk:Agency, gk:Place, gk:Indicator, gk:Metric) inside the block, the entities of that class whose label or alias matches the text. The
text may be a variable bound elsewhere in the query: the query's own pattern, without the block,
gives its distinct values first (at most MAX_TEXTS), one search each, and the VALUES block carries
the text too, so it joins where the variable is bound. Any other SERVICE stays in the query and is
refused as before (kg/graph.py check_query). The rows are literals and IRIs the engine wrote, so a
hostile text in gk:matches is inert: it is only ever searched for.

Steps are apart so the server can run the probe queries in its worker pool (with their timeout):
`plan(query)` finds the blocks and the probe queries they need, `render(plan, ...)` writes the query.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SERVICE_IRI = "https://w3id.org/govkg/search"
GK = "https://w3id.org/govkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DEFAULT_K = 20
MAX_K = 200
MAX_TEXTS = 50  # distinct values of a text variable searched in one query
ENTITY_CLASSES = {"Program", "Agency", "Place", "Indicator", "Metric"}
# passage filters, named as the graph names what they filter on: kg search's --place, --year, --kind, --doc
FILTERS = {GK + "place": "place", GK + "year": "year", GK + "documentKind": "kind", GK + "sourceFile": "doc",
           GK + "sectionRole": "section", GK + "mentions": "mentions"}

_TOKEN = re.compile(r"""
    (?P<var>[?$][A-Za-z_][\w]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')(?:@[A-Za-z\-]+|\^\^(?:<[^>]*>|[A-Za-z][\w\-]*:[\w\-]*))?
  | (?P<number>[+-]?\d+(?:\.\d+)?)
  | (?P<pname>[A-Za-z][\w\-]*:[\w\-.]*[\w\-]|[A-Za-z][\w\-]*:|:[\w\-]+)
  | (?P<a>\ba\b)
  | (?P<punct>[;.,])
  | (?P<space>\s+)
""", re.VERBOSE)


class ServiceError(ValueError):
    """A search block that cannot be answered (one line for the user)."""


@dataclass
class Block:
    start: int  # offsets of SERVICE … } in the query
    end: int
    subject: str  # the variable bound to passages or entities
    text: str | None = None  # the text searched for, or None when it is a variable
    text_var: str | None = None
    score_var: str | None = None
    k: int = DEFAULT_K
    entity_class: str | None = None  # Program, Agency … (None: passages)
    filters: dict = field(default_factory=dict)  # kg search's place/kind/year/doc (passages only)
    probe: str | None = None  # the query that gives a text variable's values


@dataclass
class Plan:
    query: str
    blocks: list[Block] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)


def _blank(query: str) -> str:
    """The query with strings and comments blanked (the same length): keywords and braces are
    found outside them only."""
    out, i, n = list(query), 0, len(query)
    while i < n:
        c = query[i]
        if c in "\"'":
            triple = query[i:i + 3] in ('"""', "'''")
            quote = query[i:i + 3] if triple else c
            j = i + len(quote)
            while j < n and query[j:j + len(quote)] != quote:
                j += 2 if query[j] == "\\" else 1
            end = min(n, j + len(quote))
            for x in range(i, end):
                out[x] = " " if query[x] != "\n" else "\n"
            i = end
        elif c == "#" and (i == 0 or query[i - 1] != "<"):
            j = query.find("\n", i)
            j = n if j < 0 else j
            for x in range(i, j):
                out[x] = " "
            i = j
        elif c == "<":  # an IRI stays as written (so the service IRI can be read), its # is no comment
            j = query.find(">", i)
            i = n if j < 0 else j + 1
        else:
            i += 1
    return "".join(out)


def _declared_prefixes(query: str, blank: str) -> dict[str, str]:
    from kg.graph import PREFIXES  # predeclared by kg sparql and the endpoint

    prefixes = dict(PREFIXES)
    for m in re.finditer(r"PREFIX\s+([\w\-]*):\s*<([^>]*)>", blank, re.IGNORECASE):
        prefixes[m.group(1)] = m.group(2)
    return prefixes


def _expand(term: str, prefixes: dict[str, str]) -> str | None:
    if term.startswith("<"):
        return term[1:-1]
    if term == "a":
        return RDF_TYPE
    prefix, _, local = term.partition(":")
    return prefixes[prefix] + local if prefix in prefixes else None


def _literal_value(token: str) -> str:
    body = re.match(r'"((?:\\.|[^"\\])*)"|\'((?:\\.|[^\'\\])*)\'', token)
    raw = body.group(1) if body.group(1) is not None else body.group(2)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), raw)


def plan(query: str) -> Plan:
    """The search blocks of a query (none: the query is left as it is)."""
    blank = _blank(query)
    out = Plan(query, prefixes=_declared_prefixes(query, blank))
    for m in re.finditer(r"\bSERVICE\s+(?:SILENT\s+)?<([^>]*)>\s*\{", blank, re.IGNORECASE):
        if m.group(1) != SERVICE_IRI:
            continue  # refused later, with the other federated queries
        depth, j = 1, m.end()
        while j < len(blank) and depth:
            depth += {"{": 1, "}": -1}.get(blank[j], 0)
            j += 1
        if depth:
            raise ServiceError("the search SERVICE block is not closed")
        block = _parse_block(query[m.end():j - 1], out.prefixes)
        block.start, block.end = m.start(), j
        out.blocks.append(block)
    for block in out.blocks:
        if block.text_var is not None:
            block.probe = _probe(query, blank, out.blocks, block.text_var)
    return out


def _parse_block(body: str, prefixes: dict[str, str]) -> Block:
    tokens = []
    pos = 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if m is None:
            raise ServiceError(f"cannot read the search SERVICE block near {body[pos:pos + 20]!r}: write "
                               "?x gk:matches \"text\" ; gk:score ?s ; gk:k 20 .")
        pos = m.end()
        if m.lastgroup != "space":
            tokens.append((m.lastgroup, m.group(0)))
    subject, predicate, block = None, None, Block(0, 0, "")
    expect = "subject"
    for kind, value in tokens:
        if expect == "subject":
            if kind != "var":
                raise ServiceError("the search SERVICE block binds a variable: ?x gk:matches \"text\"")
            if subject is not None and value != subject:
                raise ServiceError("the search SERVICE block has one subject variable")
            subject, expect = value, "predicate"
        elif expect == "predicate":
            predicate, expect = _expand(value, prefixes), "object"
            if predicate is None:
                raise ServiceError(f"unknown prefix in {value!r}")
        elif expect == "object":
            if predicate == GK + "matches":
                if kind == "string":
                    block.text = _literal_value(value)
                elif kind == "var":
                    block.text_var = value
                else:
                    raise ServiceError("gk:matches takes a text or a variable")
            elif predicate == GK + "score":
                if kind != "var":
                    raise ServiceError("gk:score takes a variable")
                block.score_var = value
            elif predicate == GK + "k":
                if kind not in ("number", "string") or not re.fullmatch(r"\d+", _literal_value(value) if kind == "string" else value):
                    raise ServiceError("gk:k takes a whole number")
                block.k = max(1, min(MAX_K, int(_literal_value(value) if kind == "string" else value)))
            elif predicate in FILTERS:
                name = FILTERS[predicate]
                if kind in ("pname", "iri") and name in ("kind", "section"):  # gk:documentKind gk:WorkReport
                    given = (_expand(value, prefixes) or value).rsplit("#", 1)[-1]
                elif kind in ("string", "number"):
                    given = _literal_value(value) if kind == "string" else value
                else:
                    raise ServiceError(f"{predicate.replace(GK, 'gk:')} takes a text, as kg search --{name}")
                if name == "year":
                    if not re.fullmatch(r"\d{4}", given):
                        raise ServiceError("gk:year takes a year: gk:year 2026")
                    given = int(given)
                block.filters[name] = given
            elif predicate == RDF_TYPE:
                cls = _expand(value, prefixes) if kind in ("iri", "pname") else None
                name = cls.rsplit("#", 1)[-1] if cls and cls.startswith(GK) else None
                if name not in ENTITY_CLASSES:
                    raise ServiceError(f"the search SERVICE searches passages or one of gk:{', gk:'.join(sorted(ENTITY_CLASSES))}")
                block.entity_class = name
            else:
                raise ServiceError("the search SERVICE knows gk:matches, gk:score, gk:k, gk:place, gk:year, "
                                   "gk:documentKind, gk:sectionRole, gk:mentions, gk:sourceFile and a (rdf:type), "
                                   f"not {predicate}")
            expect = "separator"
        elif expect == "separator":
            if value == ";":
                expect = "predicate"
            elif value == ".":
                expect = "subject"
            elif value == ",":
                expect = "object"
            else:
                raise ServiceError(f"unexpected {value!r} in the search SERVICE block")
    if block.entity_class and block.filters:
        raise ServiceError("gk:place, gk:year, gk:documentKind, gk:sectionRole, gk:mentions and gk:sourceFile "
                           "filter passages, not entities")
    if subject is None or (block.text is None and block.text_var is None):
        raise ServiceError("the search SERVICE block needs ?x gk:matches \"text\" (or a variable)")
    block.subject = subject
    return block


def _probe(query: str, blank: str, blocks: list[Block], variable: str) -> str:
    """SELECT DISTINCT ?t WHERE { the query's outermost pattern without its search blocks }."""
    head = re.search(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", blank, re.IGNORECASE)
    brace = blank.find("{", head.end() if head else 0)
    if brace < 0:
        raise ServiceError("no graph pattern for the text variable of the search SERVICE")
    depth, j = 1, brace + 1
    while j < len(blank) and depth:
        depth += {"{": 1, "}": -1}.get(blank[j], 0)
        j += 1
    body = query[brace + 1:j - 1]
    for b in sorted(blocks, key=lambda b: -b.start):
        if brace < b.start < j:
            s, e = b.start - brace - 1, b.end - brace - 1
            body = body[:s] + "{}" + body[e:]
    prologue = query[:head.start()] if head else ""
    return f"{prologue}SELECT DISTINCT {variable} WHERE {{ {body} }} LIMIT {MAX_TEXTS}"


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def literal_term(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal as SPARQL writes it, language tag or datatype kept (a VALUES row joins only with
    the very term the graph holds: "营商环境"@zh is not "营商环境")."""
    term = _literal(value)
    if lang:
        return term + "@" + re.sub(r"[^A-Za-z0-9\-]", "", lang)
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return term + "^^<" + re.sub(r"[<>\"{}|^`\\\s]", "", datatype) + ">"
    return term


def render(p: Plan, results: dict[tuple[int, str], list[tuple[str, float]]],
           texts: dict[int, list[tuple[str, str]]]) -> str:
    """The query with each search block replaced by the VALUES block of its rows. results:
    (block index, text) -> [(IRI, score)]; texts: block index -> the values of its text variable,
    each (text, the term as SPARQL writes it)."""
    query = p.query
    for i in range(len(p.blocks) - 1, -1, -1):
        block = p.blocks[i]
        names = ([block.text_var] if block.text_var else []) + [block.subject] + ([block.score_var] if block.score_var else [])
        rows = []
        for text, term in (texts.get(i, []) if block.text_var else [(block.text, None)]):
            for iri, score in results.get((i, text), []):
                row = ([term] if block.text_var else []) + [f"<{iri}>"]
                if block.score_var:
                    row.append(f'"{score:.6f}"^^<http://www.w3.org/2001/XMLSchema#double>')
                rows.append("(" + " ".join(row) + ")")
        values = f"{{ VALUES ({' '.join(names)}) {{ {' '.join(rows)} }} }}"
        query = query[:block.start] + values + query[block.end:]
    return query


def answer(query: str, passages, entities, probe) -> str:
    """The query with its search blocks answered: passages(text, k, place=, kind=, year=, doc=) ->
    [(IRI, score)] (kg search), entities(text, class, k) -> [(IRI, score)], probe(query) -> the
    literals a text variable takes, each (text, term as SPARQL writes it: literal_term)."""
    p = plan(query)
    if not p.blocks:
        return query
    results, texts = {}, {}
    for i, block in enumerate(p.blocks):
        wanted = probe(block.probe)[:MAX_TEXTS] if block.text_var else []
        texts[i] = [(t, term) for t, term in dict.fromkeys(wanted) if t and t.strip()]
        for text in [t for t, _ in texts[i]] if block.text_var else [block.text]:
            if (i, text) not in results:  # one search per distinct text, within this query
                results[(i, text)] = entities(text, block.entity_class, block.k) if block.entity_class \
                    else passages(text, block.k, **block.filters)
    return render(p, results, texts)
