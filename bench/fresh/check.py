"""Consistency checks for the fresh hand-labelled test set (stdlib only).

python bench/fresh/check.py            # errors only
python bench/fresh/check.py --review   # also list numbers in documents that no label mentions

Documents are read from bench/fresh/corpus/<doc>; the "doc" fields are relative to corpus/.

Checks: every fact and span names an existing document; every quote and span is found verbatim in its
document; the fact's value (and value_max) is written in its quote; every span fact's quote lies in the
span; every number written in a span is a value of one of its facts, an optional value or a non-fact;
ids are unique; status, year, period and direction are well formed.
"""
import json
import os
import re
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")  # documents live in corpus/; "doc" fields are relative to it
NUM = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?")
FIELDS = {"id", "doc", "metric_keywords", "place", "year", "value", "unit", "status", "quote"}
EXTRA = {"period", "direction", "value_max"}


def written(value):
    return format(Decimal(str(value).replace(",", "")).normalize(), "f")


def numbers(text):
    return [(m.start(), m.end(), written(m.group())) for m in NUM.finditer(text)]


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main():
    review = "--review" in sys.argv
    errors = []
    facts, spans = load("facts_fresh.jsonl"), load("spans_fresh.jsonl")
    docs = {}

    def text(doc):
        if doc not in docs:
            path = os.path.join(CORPUS, doc)
            if not os.path.exists(path):
                errors.append(f"missing document {doc}")
                docs[doc] = ""
            else:
                docs[doc] = open(path, encoding="utf-8").read()
        return docs[doc]

    def check_fact(where, fact, container):
        keys = set(fact)
        need = FIELDS - {"id", "doc"} if where.startswith("span") else FIELDS
        if need - keys or keys - FIELDS - EXTRA:
            errors.append(f"{where}: fields {sorted(keys)}")
        if fact["quote"] not in container:
            errors.append(f"{where}: quote not found: {fact['quote']!r}")
        values = {n for _, _, n in numbers(fact["quote"])}
        if written(fact["value"]) not in values:
            errors.append(f"{where}: value {fact['value']} not written in quote {fact['quote']!r}")
        if "value_max" in fact and written(fact["value_max"]) not in values:
            errors.append(f"{where}: value_max {fact['value_max']} not in quote")
        if fact["status"] not in ("actual", "target"):
            errors.append(f"{where}: status {fact['status']}")
        if not isinstance(fact["year"], int) or not 2000 <= fact["year"] <= 2035:
            errors.append(f"{where}: year {fact['year']}")
        if fact.get("direction", "down") != "down":
            errors.append(f"{where}: direction {fact['direction']}")
        if "period" in fact and not re.fullmatch(r"\d{1,2}-\d{1,2}月|\d{4}-\d{4}", fact["period"]):
            errors.append(f"{where}: period {fact['period']}")
        if not fact["metric_keywords"] or not all(fact["metric_keywords"]):
            errors.append(f"{where}: metric_keywords")

    ids = set()
    for fact in facts:
        if fact["id"] in ids:
            errors.append(f"duplicate id {fact['id']}")
        ids.add(fact["id"])
        check_fact(f"fact {fact['id']}", fact, text(fact["doc"]))
    for span in spans:
        if span["id"] in ids:
            errors.append(f"duplicate id {span['id']}")
        ids.add(span["id"])
        body = text(span["doc"])
        if span["span"] not in body:
            errors.append(f"span {span['id']}: span not found in {span['doc']}")
        for i, fact in enumerate(span["facts"]):
            check_fact(f"span {span['id']} fact {i}", fact, span["span"])
        allowed = {written(f["value"]) for f in span["facts"]}
        allowed |= {written(f["value_max"]) for f in span["facts"] if "value_max" in f}
        allowed |= {written(v) for v in span["optional"]} | {written(v) for v in span["not_facts"]}
        for _, _, n in numbers(span["span"]):
            if n not in allowed:
                errors.append(f"span {span['id']}: number {n} is neither a fact, optional nor a non-fact")

    by_doc = {}
    for fact in facts:
        by_doc.setdefault(fact["doc"], []).append(fact)
    for doc in sorted({f["doc"] for f in facts} | {s["doc"] for s in spans}):
        body = text(doc)
        covered = set()
        for fact in by_doc.get(doc, []):
            vals = {written(fact["value"])} | ({written(fact["value_max"])} if "value_max" in fact else set())
            for m in re.finditer(re.escape(fact["quote"]), body):
                for s, e, n in numbers(fact["quote"]):
                    if n in vals:
                        covered.add(m.start() + s)
        for span in spans:
            if span["doc"] != doc:
                continue
            base = body.find(span["span"])
            other = {written(v) for v in span["optional"]} | {written(v) for v in span["not_facts"]}
            for s, e, n in numbers(span["span"]):
                if n in other:
                    covered.add(base + s)
            # span-only copies of facts (e.g. table cells quoted from the cells) label their numbers too
            for fact in span["facts"]:
                vals = {written(fact["value"])} | ({written(fact["value_max"])} if "value_max" in fact else set())
                for m in re.finditer(re.escape(fact["quote"]), span["span"]):
                    for s, e, n in numbers(fact["quote"]):
                        if n in vals:
                            covered.add(base + m.start() + s)
        if review:
            for s, e, n in numbers(body):
                if s not in covered:
                    ctx = body[max(0, s - 14):e + 8].replace("\n", "⏎")
                    print(f"  unlabelled {doc}: {n}  …{ctx}…")

    for e in errors:
        print("ERROR", e)
    per = {}
    for fact in facts:
        per.setdefault(fact["doc"].split("/")[0], [0, 0, set()])
        per[fact["doc"].split("/")[0]][0] += 1
    for span in spans:
        per.setdefault(span["doc"].split("/")[0], [0, 0, set()])
        per[span["doc"].split("/")[0]][1] += 1
    for d in list(docs):
        per.setdefault(d.split("/")[0], [0, 0, set()])[2].add(d)
    for genre, (nf, ns, ds) in sorted(per.items()):
        print(f"{genre}: {len(ds)} documents, {nf} facts, {ns} spans")
    print(f"total: {len(docs)} documents, {len(facts)} facts, {len(spans)} spans; {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
