"""Passage search, the read side: a lexical index (jieba + BM25) and a vector index, fused
(`Searcher.search()`). The search folder is written by a build (kg/index/writer.py); this module
reads it through kg.index (Tokenizer, the FAISS index, the encoders, the tuned parameters).

Query side, `Searcher.search()`: the top `candidates` of each ranking are pooled; both scores of
every pooled passage are z-normalized within the pool and mixed with the tuned weights, plus a
small genre prior (a question about a target -- 今年/计划/要 -- prefers passages stating targets,
one about results -- 去年/了 -- passages stating results). The weights and priors are in
kg/index/search_tuning.toml, which names the bench that measured each (on bench/tune_questions.jsonl
and the other search sets, not on the evaluation questions).

A relevance floor then drops what only looks similar: a passage is returned only when it shares a
content word of the query (or a synonym of a standard indicator the query names, or the name of its
document's place), or when its cosine with the query is clearly high (VECTOR_FLOOR). Embedding
cosines alone do not separate noise: with e5-small, markup, random letters and punctuation score
0.78-0.85 against the bundled corpus, as high as real answers. Nothing left: no hits.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from kg import vocab
from kg.errors import InputError, WorkspaceError
from kg.index.ann import load_index, search_index
from kg.index.encoders import Encoder, get_encoder
from kg.index.lexical import QUERY_DICTIONARY, Tokenizer
from kg.index.tuning import FUSION, VECTOR_FLOOR
from kg.index.writer import INDEX_DIR
from kg.query.search_facets import count_facets

MAX_K = 1000
MAX_QUERY_CHARS = 2000  # longer queries are refused (as `kg ask` refuses longer questions)
# what the CLI says when the floor leaves nothing (the page says 没有匹配良好的段落)
NO_MATCH = "no passage matches well"
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")
# the question half of the genre prior (the passage half: kg.index.lexical.passage_status)
_QUERY_TARGET = vocab.target_question()
_QUERY_ACTUAL = re.compile(vocab.actual_question().pattern + "|了")


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
        self._place_docs: dict[str, set[str]] = {}
        self._last_query: tuple[str, np.ndarray] | None = None
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
            self.index = load_index(self.dir / "vectors.faiss") if self.n else None
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
    def encoder(self) -> Encoder:
        if self._encoder is None:
            name = self.model_info.get("path") or self.model_info.get("name")
            encoder = get_encoder(name)
            if encoder.dim != self.info.get("dim"):
                raise WorkspaceError(f"model {name} makes {encoder.dim}-d vectors but the index holds "
                                     f"{self.info.get('dim')}-d ones: run `kg build` again")
            self._encoder = encoder
        return self._encoder

    @property
    def bm25(self):
        if self._bm25 is None:
            import bm25s  # lazy: imports scipy, and only lexical queries need it

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
        """The query's embedding; the last one is kept, since a faceted search (the page) encodes
        the same query for its hits and for its facets."""
        if self._last_query is None or self._last_query[0] != query:
            self._last_query = (query, self.encoder.encode_queries([query])[0])
        return self._last_query[1]

    def _vector_top(self, qv: np.ndarray, c: int) -> np.ndarray:
        ids = search_index(self.index, self.vectors, qv[None, :], c)[0]
        return ids[ids >= 0]

    # -- the relevance floor
    def query_terms(self, query: str) -> list[tuple[str, ...]]:
        """What a passage must share with the query to be returned, as groups of alternatives: the
        query's content words -- jieba words (search mode, with the graph's names in the
        dictionary) of two or more Chinese characters, Latin words and numbers of two or more
        characters, without question fillers (kg.index.lexical.STOPWORDS) and question words
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

    def _sharing(self, query: str, filtered: bool = False) -> Callable[[int], bool]:
        """Whether passage i shares a query term (or a synonym): written in its text, or the name
        of its document's subject place (a passage of 江苏's report is about 江苏 without naming it:
        新疆农民一年能挣多少钱 finds 农村居民人均可支配收入20793元 in 新疆's report). Under a filter
        (place, document, …) a place the query names counts only when the query has no other term:
        the filter already keeps to the place, and the place would let every passage it leaves
        through (郑州市优良天数 with --place 郑州: every passage of 郑州, down to negative scores)."""
        groups = self.query_terms(query)
        if filtered:
            groups = [g for g in groups if not self._place_term(g[0], query)] or groups
        alts = {a for group in groups for a in group}
        if not alts:
            return lambda i: False
        pattern = re.compile("|".join(term_pattern(a) for a in sorted(alts, key=len, reverse=True)))

        def shares(i: int) -> bool:
            r = self.rows[i]
            return bool(pattern.search(r["text"].lower())) or any(n.lower() in alts for n in r.get("place_names") or ())
        return shares

    def _place_term(self, term: str, query: str) -> bool:
        """Whether a query term is (part of) a place name the query names (郑州, 州市 of 郑州市)."""
        return any(term in name for name in self.place_names if name in query)

    def _floor(self, query: str, p: dict, filtered: bool = False) -> Callable[[int, float | None], bool]:
        """keep(i, cosine): the relevance floor for one query (everything passes with floor off)."""
        if not p["floor"]:
            return lambda i, cos: True
        shares, high = self._sharing(query, filtered), p["vector_floor"]
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
        p = {**FUSION, "rrf": None, "floor": True,
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
        keep = self._floor(query, p, allowed is not None)  # on the query as asked: its words and indicator synonyms
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
        pool = self._pool(lex, qv, c, places, allowed)
        b = lex[pool]
        v = np.asarray(self.vectors[pool] @ qv, np.float32)
        fused = self._fuse(query, pool, b, v, places, p)
        # the whole pool is scored as before (the floor changes no score), then the floor drops
        order = _first(np.argsort(-fused, kind="stable").tolist(), k, lambda j: keep(int(pool[j]), float(v[j])))
        return [self._row(int(pool[j]), float(fused[j]), lexical=float(b[j]), vector=float(v[j]))
                for j in order]

    def facets(self, query: str, place: str | None = None, kind: str | None = None, year: int | None = None,
               doc: str | None = None, section: str | None = None, mentions: str | None = None) -> dict:
        """Counts by place, kind and year (kg/query/search_facets.py) of the query's candidates: the
        fused ranking's pool under the same filters, passages above the relevance floor only."""
        p = {**FUSION, "floor": True, "vector_floor": VECTOR_FLOOR.get(self.model_info.get("name"))}
        query = (query or "").strip()
        allowed = self.allowed(place, kind, year, doc, section, mentions)
        if not query or self.n == 0 or (allowed is not None and not allowed.any()):
            return count_facets([])
        keep = self._floor(query, p, allowed is not None)
        query = expand_query(query)
        lex, qv = self.lexical_scores(query), self.query_vector(query)
        places = self.link_places(query) if p["place_prior"] else []
        pool = self._pool(lex, qv, min(self.n, int(p["candidates"])), places, allowed)
        cos = np.asarray(self.vectors[pool] @ qv, np.float32)
        return count_facets([self.rows[int(i)] for i, v in zip(pool, cos) if keep(int(i), float(v))],
                            self._place_documents if self.documents_about is not None else None)

    def _place_documents(self, place: str) -> set[str]:
        """documents_about(place), kept: a facet asks it of every place of the pool, every time."""
        if place not in self._place_docs:
            self._place_docs[place] = self.documents_about(place)
        return self._place_docs[place]

    def _pool(self, lex: np.ndarray, qv: np.ndarray, c: int, places: list[str],
              allowed: np.ndarray | None) -> np.ndarray:
        """The fused ranking's candidates: the top c of each ranking, every passage of a place the
        query names, and (with filters) the best c of each among the passages let through."""
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
        return pool

    def _fuse(self, query: str, pool: np.ndarray, b: np.ndarray, v: np.ndarray, places: list[str],
              p: dict) -> np.ndarray:
        """The fused score of each pooled passage from its BM25 score b and cosine v: z-scores
        mixed with the weights, plus the genre, place, indicator and year priors (or plain RRF)."""
        if p["rrf"]:  # reciprocal rank fusion, for comparison
            return 1.0 / (p["rrf"] + 1 + _ranks(b)) + 1.0 / (p["rrf"] + 1 + _ranks(v))
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
        return fused

    def _row(self, i: int, score: float, **parts) -> dict:
        r = self.rows[i]
        return {"passage": r["passage"], "doc": r["doc"], "start": r["start"], "end": r["end"],
                "score": round(score, 6), "text": r["text"], "place": r.get("place"),
                "role": r.get("role"), "year": r.get("year"), "status": r.get("section_status"),
                "scores": {name: round(v, 6) for name, v in parts.items()}}

    def highlights(self, query: str, text: str) -> list[tuple[int, int]]:
        """Character spans of `text` that match the query's terms or their synonyms (for display:
        what lets the passage through the relevance floor): whole terms, not the pieces of a longer
        query word that jieba's search mode adds (州市, 优良 of 郑州市, 优良天数) unless a piece is
        itself a name (a place: 郑州)."""
        groups = self.query_terms(query)
        whole = {g[0] for g in groups}
        terms = {a for group in groups for a in group
                 if not (a in whole and any(a != w and a in w for w in whole) and a not in self.place_names)}
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


KIND_NAMES = vocab.kind_lookup()


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
