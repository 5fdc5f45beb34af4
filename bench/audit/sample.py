"""Draw an audit sample: 60 agencies, 60 programs and 30 relations that extraction finds in a
held-out audit corpus (bench/audit/roundN/corpus, written by a helper for the audit before any
extraction ran on it), each with the sentence it was read from, for a judge who has not seen the code.

    .venv/bin/python bench/audit/sample.py bench/audit/round2 > bench/audit/round2/sample.jsonl
    .venv/bin/python bench/audit/sample.py bench/audit/round2 --count   # count the judge's verdicts

Random with a fixed seed over everything found (not the first N), so the sample is neither chosen
nor re-drawn. The judge writes ROUND/verdicts.jsonl ({"id", "verdict": right|wrong, "why"}).
A round's documents are audited once: after its failures were read, fixes are checked on the next
round's new documents, not by re-drawing this one.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SEED = 31


def sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in "。；！？\n") + 1
    ends = [i for i in (text.find(c, end) for c in "。；！？\n") if i >= 0]
    return text[left:(min(ends) + 1 if ends else len(text))].strip()


def count(round_dir: Path) -> None:
    rows = {json.loads(line)["id"]: json.loads(line) for line in open(round_dir / "sample.jsonl", encoding="utf-8")}
    verdicts = [json.loads(line) for line in open(round_dir / "verdicts.jsonl", encoding="utf-8")]
    for kind in ("Agency", "Program", "relation"):
        judged = [v for v in verdicts if rows[v["id"]]["kind"] == kind]
        print(f"{kind}: {sum(v['verdict'] == 'right' for v in judged)}/{len(judged)} right")


def main() -> None:
    round_dir = Path(sys.argv[1])
    if "--count" in sys.argv:
        return count(round_dir)
    from kg.extract import extract_document
    from kg.extract.entities import find_agencies, find_programs
    from kg.gazetteer import find_places, gazetteer
    from kg.ingest import read_document
    from kg.structure import analyse

    gaz = gazetteer()
    rows = {"Agency": [], "Program": [], "relation": []}
    for path in sorted((round_dir / "corpus").glob("*.txt")):
        doc = read_document(path)
        home = analyse(doc, gaz).home
        mentions = find_places(doc.text, gaz, home)
        agencies = find_agencies(doc.text, mentions, home)
        seen = set()
        for m in agencies + find_programs(doc.text, mentions, home, agencies):
            if (m.kind, m.key) in seen:
                continue  # one row per entity and document: its first mention
            seen.add((m.kind, m.key))
            rows[m.kind].append({"doc": path.name, "kind": m.kind, "name": m.name, "as_written": m.surface,
                                 "place": m.place.name if m.place else None,
                                 "sentence": sentence(doc.text, m.start, m.end)})
        ex = extract_document(doc)

        def name(ref):
            kind, key = ref
            return key.name if kind == "Place" else ex.entities[(kind, key)].name

        for _d, r in ex.relations:
            rows["relation"].append({"doc": path.name, "kind": "relation", "type": r.kind, "subject": name(r.subject),
                                     "object": name(r.object), "quote": r.quote,
                                     "sentence": sentence(doc.text, r.start, r.end)})
        for o in ex.observations:
            if o.program is not None and "元" in o.unit and re.search(r"投资|资金", o.metric):
                rows["relation"].append({"doc": path.name, "kind": "relation", "type": "investment",
                                         "subject": ex.entities[("Program", o.program)].name,
                                         "object": f"{o.metric} {o.value}{o.unit}", "quote": o.quote,
                                         "sentence": sentence(doc.text, o.start, o.end)})
    rng = random.Random(SEED)
    for kind, n in (("Agency", 60), ("Program", 60), ("relation", 30)):
        found = rows[kind]
        print(f"{kind}: {len(found)} found, {min(n, len(found))} drawn", file=sys.stderr)
        for i, row in enumerate(rng.sample(found, min(n, len(found)))):
            print(json.dumps({"id": f"{kind[0].lower()}{i + 1:02d}", **row}, ensure_ascii=False))


if __name__ == "__main__":
    main()
