"""Extraction alone (ingest -> structure -> extract, no store, no encoder) on a corpus folder,
scored with ../shared/eval/score.py's own matchers: spans precision/recall, facts recall and
agencies/programs precision/recall.

    python bench/extract_bench.py ../shared/provinces \
        --spans ../shared/eval/spans_provinces_dev.jsonl --facts ../shared/eval/facts_provinces_dev.jsonl \
        --entities ../shared/eval/entities_provinces_dev.jsonl [-v]

Seconds per stage are printed too (median of --repeat runs), so a rule change that slows
extraction shows up here before it shows in a full build.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("govkg_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def observation_rows(documents, ex):
    """The rows score.py reads through SPARQL, built from the extraction in memory."""
    from kg.extract.numbers import decimal_text

    by_doc = {d.doc_id: d for d in documents}
    metric_names = {m: {m, *aliases} for m, aliases in ex.metrics.items()}
    rows, place_names = [], {}
    for obs in ex.observations:
        doc_id, order = ex.passage_for(obs)
        doc = by_doc[doc_id]
        names = set(metric_names.get(obs.metric, {obs.metric}))
        if getattr(obs, "indicator", None) is not None:
            names |= {obs.indicator.name, *obs.indicator.synonyms}
        key = "/".join(obs.place.key)
        place_names[key] = {obs.place.name, *obs.place.aliases}
        rows.append({
            "m": obs.metric, "mlabel": "|".join(sorted(names)), "value": decimal_text(obs.value),
            "unit": obs.unit, "year": str(obs.year), "status": "gk#" + obs.status, "place": key,
            "nv": decimal_text(obs.normalized_value) if obs.normalized_value is not None else None,
            "nu": obs.normalized_unit, "quote": obs.quote, "ptext": doc.passages[order].text,
            "file": doc.source_file,
        })
    for r in rows:
        if r["nv"] is None:
            r.pop("nv"), r.pop("nu")
    return rows, place_names


def entity_rows(documents, ex):
    """The rows of score.py's ENTITY_NAMES query (entity, type, name, file), from memory."""
    from kg.graph import entity_iri

    files = {d.doc_id: d.source_file for d in documents}
    rows = []
    for (doc_id, _order), things in ex.mentions.items():
        for kind, key in things:
            if kind not in ("Agency", "Program"):
                continue
            e = ex.entities[(kind, key)]
            for name in {e.name, *e.aliases}:
                rows.append({"e": str(entity_iri(kind, key)), "type": "gk#" + kind, "name": name,
                             "file": files[doc_id]})
    return rows


def score_entities(scorer, rows, entities_file, verbose):
    import argparse as _argparse

    scorer.sparql = lambda *_a, **_k: rows  # the scorer's own matching, on rows built in memory
    args = _argparse.Namespace(file=entities_file, verbose=verbose, min_precision=None, min_recall=None,
                               workspace=None)
    scorer.score_entities(args, None)


def score(scorer, rows, place_names, spans_file, facts_file, verbose):
    out = {}
    if spans_file:
        spans = [json.loads(l) for l in open(spans_file, encoding="utf-8") if l.strip()]
        by_file = {}
        for r in rows:
            by_file.setdefault(r["file"], []).append(r)
        right = wrong = ignored = found = total = 0
        for span in spans:
            text = scorer.folded(span["span"])
            optional = {scorer.written(v) for v in span.get("optional", [])}
            hit = set()
            for obs in by_file.get(Path(span["doc"]).name, []):  # bench/fresh labels name news/x.txt
                if not scorer.in_span(obs, text):
                    continue
                matched = [i for i, f in enumerate(span["facts"]) if scorer.fact_matches(f, obs, place_names)]
                if matched:
                    right += 1
                    hit.update(matched)
                elif scorer.written(obs["value"]) in optional:
                    ignored += 1
                else:
                    wrong += 1
                    if verbose:
                        print(f"  wrong {span['id']}: {obs['quote'][:40]!r} [{obs['mlabel'].split('|')[0]} {obs['year']} "
                              f"{obs['status'][3:]}] -> {scorer.why_wrong(obs, span['facts'], place_names)}")
            found += len(hit)
            total += len(span["facts"])
            if verbose:
                for i, f in enumerate(span["facts"]):
                    if i not in hit:
                        print(f"  missed {span['id']}: {f['place']} {f['year']} {f['metric_keywords'][0]} "
                              f"{f['value']}{f['unit']} {f['status']}  «{f.get('quote', '')[:40]}»")
        out["spans_precision"] = right / max(right + wrong, 1)
        out["spans_recall"] = found / max(total, 1)
        print(f"spans: precision {right}/{right + wrong} = {out['spans_precision']:.3f}  "
              f"recall {found}/{total} = {out['spans_recall']:.3f}  ({ignored} optional)")
    if facts_file:
        facts = [json.loads(l) for l in open(facts_file, encoding="utf-8") if l.strip()]
        answered = 0
        for fact in facts:
            ok = any(scorer.fact_matches(fact, obs, place_names) for obs in rows)
            answered += ok
            if verbose and not ok:
                print(f"  miss {fact['id']}: {fact['place']} {fact['year']} {fact['metric_keywords'][0]} "
                      f"{fact['value']}{fact['unit']} {fact['status']}  «{fact.get('quote', '')[:50]}»")
        out["facts_recall"] = answered / max(len(facts), 1)
        print(f"facts: recall {answered}/{len(facts)} = {out['facts_recall']:.3f}")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--spans", type=Path)
    ap.add_argument("--facts", type=Path)
    ap.add_argument("--entities", type=Path)
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score.py")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    from kg.build import ingest_corpus
    from kg.extract import extract
    from kg.gazetteer import gazetteer

    gazetteer()  # loaded once; not part of the per-run time
    ingest_t, extract_t = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        documents, _skipped = ingest_corpus(args.corpus)
        t1 = time.perf_counter()
        ex = extract(documents)
        t2 = time.perf_counter()
        ingest_t.append(t1 - t0)
        extract_t.append(t2 - t1)
    print(f"{len(documents)} documents, {sum(len(d.passages) for d in documents)} passages, "
          f"{len(ex.observations)} observations, {len(ex.metrics)} metrics; "
          f"ingest {statistics.median(ingest_t):.2f}s, extract {statistics.median(extract_t):.2f}s (median of {args.repeat})")
    rows, place_names = observation_rows(documents, ex)
    scorer = load_scorer(args.scorer)
    score(scorer, rows, place_names, args.spans, args.facts, args.verbose)
    if args.entities:
        score_entities(scorer, entity_rows(documents, ex), args.entities, args.verbose)


if __name__ == "__main__":
    main()
