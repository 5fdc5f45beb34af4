"""Write entities_fresh.jsonl and relations_fresh.jsonl from tools/labels.py and check them.
Checks: every span is a line of its document; every first name form, optional surface, relation
quote and relation subject/object first form is a substring of its span; ids are unique."""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from labels import L, R, RO

CORPUS = os.path.join(ROOT, "corpus")
errors, warnings = [], []

def lines_of(doc):
    with open(os.path.join(CORPUS, doc), encoding="utf-8") as f:
        return f.read().split("\n")

def rel_obj(t, doc, n, span):
    typ, subj, obj, quote = t
    o = {"type": typ, "subject": list(subj)}
    if typ == "investment":
        o["value"], o["unit"] = obj
    else:
        o["object"] = list(obj)
    o["quote"] = quote
    if quote not in span:
        errors.append(f"{doc}:{n} quote not in span: {quote}")
    if subj[0] not in span:
        errors.append(f"{doc}:{n} subject first form not in span: {subj[0]}")
    if typ == "investment":
        if obj[0] not in quote:
            errors.append(f"{doc}:{n} investment value not in quote: {obj[0]}")
    elif obj[0] not in span:
        errors.append(f"{doc}:{n} object first form not in span: {obj[0]}")
    return o

ent_rows, rel_rows, ids = [], [], set()
docs = sorted(os.listdir(CORPUS))
for doc in docs:
    if doc not in L:
        errors.append(f"no labels for {doc}")
        continue
    lines = lines_of(doc)
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if not (8 <= len(lines) <= 15):
        errors.append(f"{doc}: {len(lines)} paragraphs")
    if any(not l.strip() for l in lines):
        errors.append(f"{doc}: blank line")
    stem = doc[:-4]
    labelled = L[doc]
    if len(labelled) < 5:
        errors.append(f"{doc}: only {len(labelled)} labelled paragraphs")
    for n in sorted(labelled):
        span = lines[n - 1]
        lab = labelled[n]
        for kind in ("a", "p"):
            for ent in lab[kind]:
                if ent[0] not in span:
                    errors.append(f"{doc}:{n} first form not in span: {ent[0]}")
                if len(set(ent)) != len(ent):
                    warnings.append(f"{doc}:{n} duplicate form in {ent}")
        for s in lab["o"]:
            if s not in span:
                errors.append(f"{doc}:{n} optional not in span: {s}")
        rid = f"{stem}-s{n}"
        if rid in ids:
            errors.append(f"dup id {rid}")
        ids.add(rid)
        ent_rows.append({"id": rid, "doc": doc, "span": span,
                         "agencies": [{"names": list(e)} for e in lab["a"]],
                         "programs": [{"names": list(e)} for e in lab["p"]],
                         "optional": list(lab["o"])})
    # lines that are not labelled: print for manual review
    for i, l in enumerate(lines, 1):
        if i not in labelled:
            warnings.append(f"unlabelled {doc}:{i}: {l[:60]}")
    rel_lines = sorted(set(R.get(doc, {})) | set(RO.get(doc, {})))
    for n in rel_lines:
        span = lines[n - 1]
        if n not in labelled:
            errors.append(f"{doc}:{n} relation line is not entity-labelled")
        rels = [rel_obj(t, doc, n, span) for t in R.get(doc, {}).get(n, [])]
        opt = [rel_obj(t, doc, n, span) for t in RO.get(doc, {}).get(n, [])]
        # consistency: gold relation ends that are agencies/programs should be labelled in the line
        names = set()
        for kind in ("a", "p"):
            for ent in labelled.get(n, {"a": [], "p": []})[kind]:
                names.update(ent)
        for r in rels:
            if r["subject"][0] not in names:
                warnings.append(f"{doc}:{n} relation subject not an entity of the line: {r['subject'][0]}")
            if r["type"] not in ("investment", "located") and r["object"][0] not in names and r["object"][0] not in labelled[n]["o"]:
                warnings.append(f"{doc}:{n} relation object not an entity of the line: {r['object'][0]}")
        rid = f"{stem}-r{n}"
        if rid in ids:
            errors.append(f"dup id {rid}")
        ids.add(rid)
        rel_rows.append({"id": rid, "doc": doc, "span": span, "relations": rels, "optional": opt})

TYPES = {"responsible", "participating", "parent", "agreement", "investment", "superior", "located"}
for row in rel_rows:
    for r in row["relations"] + row["optional"]:
        if r["type"] not in TYPES:
            errors.append(f"{row['id']} bad type {r['type']}")

with open(os.path.join(ROOT, "entities_fresh.jsonl"), "w", encoding="utf-8") as f:
    for r in ent_rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(os.path.join(ROOT, "relations_fresh.jsonl"), "w", encoding="utf-8") as f:
    for r in rel_rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")

from collections import Counter
na = sum(len(r["agencies"]) for r in ent_rows)
npg = sum(len(r["programs"]) for r in ent_rows)
nop = sum(len(r["optional"]) for r in ent_rows)
nrel = sum(len(r["relations"]) for r in rel_rows)
nropt = sum(len(r["optional"]) for r in rel_rows)
tc = Counter(x["type"] for r in rel_rows for x in r["relations"])
print(f"docs {len(docs)}, entity spans {len(ent_rows)} (empty {sum(1 for r in ent_rows if not r['agencies'] and not r['programs'])}), "
      f"agencies {na}, programs {npg}, optional {nop}")
print(f"relation spans {len(rel_rows)}, relations {nrel}, optional relations {nropt}, by type {dict(tc)}")
for w in warnings:
    print("WARN", w)
for e in errors:
    print("ERROR", e)
sys.exit(1 if errors else 0)
