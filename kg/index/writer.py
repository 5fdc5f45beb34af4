"""Writes a build's search folder, `<build>/search/` (build_search_index):
    passages.json   IRI, document, offsets, text and genre prior of every passage, in index order
    vectors.npy     normalized passage vectors (row i = passage i)
    vectors.faiss   FAISS inner-product index (exact below ann.ANN_THRESHOLD, HNSW above, IVF-PQ
                    past ann.IVFPQ_THRESHOLD)
    bm25/           bm25s index over jieba tokens + character bigrams
    userdict.txt    entity and metric names added to jieba's dictionary (lexicon_of the extraction)
    index.json      model, index kind, fusion parameters
The passages' rows and what each is about (place, kind, years, indicators), and the embedding of
the passages in a background thread while the build runs (PendingEmbeddings). Imports kg.graph
(passage IRIs) and the modules beside it: lexical, embeddings, encoders, ann, tuning.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from kg.graph import passage_iri
from kg.index.ann import (ANN_THRESHOLD, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M, IVF_NPROBE,
                          IVFPQ_THRESHOLD, RERANK, build_index, recall_against_exact, save_index)
from kg.index.embeddings import EmbedReport, embed_passages
from kg.index.encoders import check_model, get_encoder
from kg.index.lexical import BM25_B, BM25_K1, write_lexical_files
from kg.index.tuning import FUSION

INDEX_DIR = "search"


def passage_rows(documents) -> list[dict]:
    return [{"passage": str(passage_iri(doc.doc_id, p.order)), "doc": doc.source_file,
             "start": p.start, "end": p.end, "text": p.text}
            for doc in documents for p in doc.passages]


def passage_meta(documents, structures: dict) -> list[dict]:
    """For each passage (in passage_rows order): its document's subject place (name and short
    forms), kind and report year, its section's role, year and status (Actual, Target or None) and
    the years of the sections it covers (kg/structure.py)."""
    out = []
    for doc in documents:
        s = structures.get(doc.doc_id)
        place = s.subject if s is not None else None
        names = sorted({place.name, *place.aliases}) if place is not None else []
        for p in doc.passages:
            sec = s.section_at(p.start) if s is not None else None
            # a passage may run over a section break: it is about every year of the sections it covers
            years = sorted({x.year for x in s.sections if x.year and x.start < p.end and x.end > p.start}) \
                if s is not None else []
            out.append({"place": place.name if place is not None else None, "place_names": names,
                        "kind": s.kind if s is not None else None,
                        "report_year": s.report_year if s is not None else None,
                        "role": sec.role if sec is not None else None,
                        "year": sec.year if sec is not None else None, "years": years,
                        "section_status": sec.status if sec is not None else None})
    return out


class PendingEmbeddings:
    """Embeds the passages in a background thread while the rest of the build runs (the
    encoders release the GIL), so a build costs little more than the encoding itself."""

    def __init__(self, documents, model: str | None, cache_dir: Path | None, progress=None):
        check_model(model)  # a bad --model fails now, not after the graph is built
        self.rows = passage_rows(documents)
        self._model, self._cache_dir = model, cache_dir
        self._progress = progress  # called from the thread with "128/400 passages"
        self._result: EmbedReport | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kg-embed", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            encoder = get_encoder(self._model)
            self._result = embed_passages([r["text"] for r in self.rows], encoder, self._cache_dir,
                                          progress=self._progress)
        except BaseException as exc:  # noqa: BLE001 -- re-raised in the build's thread by wait()
            self._error = exc

    def wait(self) -> EmbedReport:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def search_rows(documents, structures: dict | None = None, rows: list[dict] | None = None,
                extraction=None) -> list[dict]:
    """passage_rows (or `rows`, the same list made earlier, e.g. by PendingEmbeddings) with each
    passage's passage_meta, and the standard indicators its figures of high or medium confidence
    are (the indicator prior of a query that names one)."""
    rows = passage_rows(documents) if rows is None else rows
    if structures:
        for row, meta in zip(rows, passage_meta(documents, structures)):
            row.update(meta)
    if extraction is not None:
        stated: dict[str, set[str]] = {}
        for obs in extraction.observations:
            if obs.indicator is not None and obs.confidence != "low":
                stated.setdefault(str(passage_iri(*extraction.passage_for(obs))), set()).add(obs.indicator.name)
        for row in rows:
            if row["passage"] in stated:
                row["indicators"] = sorted(stated[row["passage"]])
    return rows


def build_search_index(documents, build_dir: Path, model: str | None = None,
                       cache_dir: Path | None = None, lexicon: Iterable[str] = (),
                       progress: Callable[[str, str], None] | None = None,
                       ann_threshold: int = ANN_THRESHOLD,
                       pending: PendingEmbeddings | None = None, structures: dict | None = None,
                       lexical: dict | None = None) -> dict:
    """Embed (through the cache), index and save every passage of `documents`; returns the
    manifest entries {"model": ..., "search": ...}. With `pending` (started earlier by the
    build), its vectors are used; with `lexical` (what write_lexical_files returned, the build
    having run it already, beside the graph), the lexical half is not written again."""
    say = progress or (lambda stage, item: None)
    started = time.perf_counter()
    say("embed", "passages")
    if pending is None:
        pending = PendingEmbeddings(documents, model, cache_dir)
    out = Path(build_dir) / INDEX_DIR
    if lexical is None:
        lexical = write_lexical_files(out, search_rows(documents, structures, pending.rows), lexicon, progress=say)
    emb = pending.wait()
    info = write_vector_files(out, emb.vectors, emb.model, lexical, ann_threshold=ann_threshold, progress=say)
    info["search"].update({"embedded": emb.embedded, "cached": emb.cached,
                           "encode_seconds": round(emb.encode_seconds, 3),
                           "seconds": round(time.perf_counter() - started, 3)})
    write_json(out / "index.json", info)
    return info


def write_search_files(out: Path, rows: list[dict], vectors: np.ndarray, model_info: dict,
                       lexicon: Iterable[str] = (), ann_threshold: int = ANN_THRESHOLD,
                       index_kind: str | None = None, progress=None) -> dict:
    """Write the search folder for `rows` (passage, doc, start, end, text) and their vectors."""
    lexical = write_lexical_files(out, rows, lexicon, progress=progress)
    return write_vector_files(out, vectors, model_info, lexical, ann_threshold=ann_threshold,
                              index_kind=index_kind, progress=progress)


def write_vector_files(out: Path, vectors: np.ndarray, model_info: dict, lexical: dict,
                       ann_threshold: int = ANN_THRESHOLD, index_kind: str | None = None,
                       progress=None) -> dict:
    """The other half: vectors.npy, the FAISS index and index.json (with `lexical`, what
    write_lexical_files said). Returns index.json's content."""
    say = progress or (lambda stage, item: None)
    out.mkdir(parents=True, exist_ok=True)
    n = lexical["passages"]
    if len(vectors) != n:
        raise ValueError(f"{len(vectors)} vectors for {n} passages")
    np.save(out / "vectors.npy", np.asarray(vectors, np.float32))
    say("index", "FAISS")
    index, kind = build_index(vectors, kind=index_kind, threshold=ann_threshold)
    save_index(index, out / "vectors.faiss")
    ann_recall = None
    if kind != "flat" and n:  # how approximate: recall@10 against exact search
        rng = np.random.default_rng(0)
        sample = np.asarray(vectors[rng.choice(n, min(200, n), replace=False)], np.float32)
        sample = sample + rng.normal(scale=0.02, size=sample.shape).astype(np.float32)
        sample /= np.linalg.norm(sample, axis=1, keepdims=True)
        ann_recall = round(recall_against_exact(vectors, sample, index, k=10), 4)

    model_info = {k: v for k, v in model_info.items() if v is not None}
    search_info = {
        "passages": n, "index": kind, "dim": int(np.asarray(vectors).shape[1]) if n else
        int(model_info.get("dim", 0)), "ann_threshold": ann_threshold, "lexicon_words": lexical["lexicon_words"],
        "fusion": {"method": "z-score pool", "lexical": FUSION["lexical"], "vector": FUSION["vector"],
                   "status_prior": FUSION["status_prior"], "candidates": FUSION["candidates"],
                   "bm25": {"k1": BM25_K1, "b": BM25_B}},
    }
    if ann_recall is not None:
        search_info["ann_recall_at_10"] = ann_recall
    if kind == "hnsw":
        search_info["hnsw"] = {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION,
                               "efSearch": HNSW_EF_SEARCH}
    if kind == "ivfpq":
        search_info["ivfpq"] = {"lists": int(index.nlist), "bytes_per_vector": int(index.pq.M),
                                "nprobe": IVF_NPROBE, "rerank": RERANK,
                                "ivfpq_threshold": IVFPQ_THRESHOLD}
    info = {"model": model_info, "search": search_info}
    write_json(out / "index.json", info)
    return info



def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
