"""Relations (who runs, takes part in, contains, signs with, is under what) scored on passages
labelled by hand before any output was looked at: bench/relations_dev.jsonl over ../shared's dev
corpora, bench/fresh_entities/relations_fresh.jsonl over held-out documents.

    .venv/bin/python bench/relations_bench.py bench/relations_dev.jsonl [-v]
    .venv/bin/python bench/relations_bench.py bench/fresh_entities/relations_fresh.jsonl \
        --corpus bench/fresh_entities/corpus

A predicted relation is judged where its quote lies inside a labelled passage of the same file:
right if a gold relation of its type has a subject form among the subject's names and an object
form among the object's names (investment: the figure's value and unit), optional if the passage
lists it as debatable, else wrong. Recall counts the gold relations found. The label types map to
the graph's predicates: responsible gk:responsibleAgency, participating gk:participatingAgency,
parent gk:partOfProgram, agreement gk:agreementWith, superior org:subOrganizationOf, investment
gk:aboutProgram of an observation, located gk:locatedIn (a project's site as stated).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOLDERS = {"provinces": ROOT.parent / "shared" / "provinces", "genres": ROOT.parent / "shared" / "genres",
           "news": ROOT.parent / "shared" / "news"}
KIND = {"responsible": "responsible", "participating": "participating", "partOf": "parent",
        "agreement": "agreement", "superior": "superior", "located": "located"}


def fold(s: str) -> str:
    return re.sub(r"[\s“”\"'《》]", "", unicodedata.normalize("NFKC", s or ""))


def names_of(ex, ref) -> set[str]:
    kind, key = ref
    if kind == "Place":
        return {fold(key.name), *(fold(a) for a in getattr(key, "aliases", ()))}
    entity = ex.entities.get((kind, key))
    return {fold(n) for n in ({entity.name, *entity.aliases} if entity else {str(key[-1])})}


def predicted(documents, ex):
    """(file, type, subject names, object names or (value, unit), quote)."""
    from kg.extract.numbers import decimal_text

    files = {d.doc_id: d.source_file.rsplit("/", 1)[-1] for d in documents}
    out = []
    for doc_id, rel in ex.relations:
        out.append((files[doc_id], KIND[rel.kind], names_of(ex, rel.subject), names_of(ex, rel.object), rel.quote))
    for obs in ex.observations:
        if obs.program is not None and "元" in obs.unit and re.search(r"投资|资金|补助|奖补", obs.metric):
            # the labels' investment: money invested in or granted to the program (not a brand's value)
            out.append((files[obs.doc_id], "investment", names_of(ex, ("Program", obs.program)),
                        (decimal_text(obs.value), obs.unit), obs.quote))
    return out


def matches(gold: dict, kind: str, subj: set[str], obj) -> bool:
    if gold["type"] != kind or not ({fold(n) for n in gold["subject"]} & subj):
        return False
    if kind == "investment":
        value, unit = obj
        return fold(str(gold.get("value"))).replace(",", "") == value and fold(gold.get("unit", "")) == fold(unit)
    return bool({fold(n) for n in gold.get("object", [])} & obj)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", type=Path)
    ap.add_argument("--corpus", type=Path, help="the corpus of the labels' files (default: ../shared by folder)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    from kg.extract import extract
    from kg.ingest import read_document

    spans = [json.loads(line) for line in open(args.labels, encoding="utf-8") if line.strip()]
    paths = {}
    for s in spans:
        folder = args.corpus or FOLDERS[s.get("folder", "provinces")]
        paths[s["doc"]] = folder / s["doc"]
    documents = [read_document(p) for p in sorted(set(paths.values()))]
    ex = extract(documents)
    preds = predicted(documents, ex)
    right = wrong = ignored = found = total = 0
    by_type = Counter()
    found_by_type = Counter()
    for s in spans:
        text = fold(s["span"])
        gold = s.get("relations", [])
        hit = set()
        for file, kind, subj, obj, quote in preds:
            if file != s["doc"] or not fold(quote) or fold(quote) not in text:
                continue
            matched = [i for i, g in enumerate(gold) if matches(g, kind, subj, obj)]
            if matched:
                right += 1
                hit.update(matched)
            elif any(matches(o, kind, subj, obj) if isinstance(o, dict) else (kind in o and any(n in fold(o) for n in subj))
                     for o in s.get("optional", [])):  # a debatable relation, as text or in the gold's shape
                ignored += 1
            else:
                wrong += 1
                if args.verbose:
                    shown = sorted(obj)[:2] if isinstance(obj, set) else obj
                    print(f"  wrong {s['id']}: {kind} {sorted(subj)[:2]} -> {shown}  «{quote[:50]}»")
        for i, g in enumerate(gold):
            by_type[g["type"]] += 1
            total += 1
            if i in hit:
                found += 1
                found_by_type[g["type"]] += 1
            elif args.verbose:
                print(f"  missed {s['id']}: {g['type']} {g['subject'][0]} -> {(g.get('object') or [g.get('value')])[0]}"
                      f"  «{g.get('quote', '')[:50]}»")
    precision = right / max(right + wrong, 1)
    recall = found / max(total, 1)
    print(f"{len(spans)} passages, {total} relations; predicted in them: {right + wrong + ignored} ({ignored} optional)")
    print("recall by type: " + ", ".join(f"{t} {found_by_type[t]}/{n}" for t, n in sorted(by_type.items())))
    print(f"relations: precision {right}/{right + wrong} = {precision:.3f}  recall {found}/{total} = {recall:.3f}")


if __name__ == "__main__":
    main()
