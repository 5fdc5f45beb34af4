"""The lexical half of the search folder: jieba tokens plus character bigrams (Tokenizer, which the
query side uses too), the graph's names for jieba's dictionary (lexicon_of), the genre prior of a
passage (passage_status), and write_lexical_files (passages.json, the BM25 index, jieba's extra
words and the queries' smaller dictionary), with each document's tokens kept between builds
(passage_tokens). Imports kg.vocab and kg.atomic; jieba, bm25s and pyahocorasick when used.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import time
from pathlib import Path
from typing import Iterable

from kg import vocab
from kg.atomic import write_atomic
from kg.errors import InputError

QUERY_DICTIONARY = "query_dict.txt"  # jieba's dictionary for queries (Tokenizer.query_dictionary)
BM25_K1, BM25_B = 1.5, 0.75

# Question fillers that carry no content (jieba tokens; the bigram stream is not filtered).
STOPWORDS = frozenset("""
的 了 是 在 和 与 及 有 多少 哪些 哪个 哪 什么 怎么 怎样 如何 吗 呢 吧 啊 几 几个 多 多大 多长 为 被 把
都 也 就 要 会 能 去年 今年 明年 一年 一共 全市 我市 到 一 个 想 打算 准备 达到 多少钱 多久 规模 情况 方面
哪几个 啥 呀 么 这 那 其 之 以 上 对 从 给 让 还 又 等 目前 现在 已经 能够 可以 怎么样 什么样 是否 有没有 谁
""".split())
_PUNCT = re.compile(r"^[\W_]+$")
_NON_WORD = re.compile(r"[\W_]+")

# Genre prior: government reports mix results (完成, 同比, 累计...) and targets (力争, 确保, 以上...).
# (kg/vocab: plan words, estimate words, task verbs, qualifiers of targets; result verbs, actual words)
_PASSAGE_TARGET = re.compile("|".join((vocab.alternation("plan_words"), vocab.alternation("estimate_words"),
                                       vocab.alternation("task_verbs"), "目标|将|以上|左右")))
_PASSAGE_ACTUAL = re.compile("|".join((vocab.alternation("result_verbs"), vocab.alternation("actual_words"),
                                       "累计|去年")))


def passage_status(text: str) -> float:
    """+1 for a passage that states targets, -1 for one that states results, 0 for neither."""
    t, a = len(_PASSAGE_TARGET.findall(text)), len(_PASSAGE_ACTUAL.findall(text))
    return (t - a) / (t + a + 1.0)


# ------------------------------------------------------------------ tokens

class Tokenizer:
    """jieba (search mode: words and their sub-words) with extra dictionary words, plus
    character bigrams, lower-cased, punctuation and question fillers dropped."""

    def __init__(self, words: Iterable[str] = (), dictionary: Path | None = None):
        import jieba  # lazy: ~0.5 s to import, and a graph answer needs no tokenizer

        jieba.setLogLevel(logging.WARNING)
        # a query's tokenizer may read a smaller dictionary (query_dictionary): the corpus' own words
        # and the common ones, a quarter of jieba's, a quarter of its load time
        self._jieba = jieba.Tokenizer(str(dictionary)) if dictionary is not None else jieba.Tokenizer()
        if dictionary is not None:  # its prefix table is cached beside it (made by the build), not in /tmp
            self._jieba.tmp_dir, self._jieba.cache_file = str(dictionary.parent), dictionary.name + ".cache"
        default = jieba.dt
        if dictionary is None and default.initialized and default.dictionary == self._jieba.dictionary:
            # jieba's own dictionary is loaded already (extraction read it; nothing adds to it): a copy
            # of its table, not a second read of the file (~0.5 s of an incremental build)
            self._jieba.FREQ, self._jieba.total = dict(default.FREQ), default.total
            self._jieba.initialized = True
        else:
            self._jieba.initialize()
        self.words = sorted({w.strip() for w in words if w and 2 <= len(w.strip()) <= 30 and " " not in w.strip()})
        total = self._jieba.total
        for w in self.words:
            self._jieba.add_word(w, freq=1000)
        # The extra words leave jieba's total as it was: a text's tokens then depend on the text and
        # on the extra words found in it alone (not on how many the corpus has), so a document's
        # tokens stay valid from build to build while its words are the same (passage_tokens).
        self._jieba.total = total

    def words_in(self, text: str) -> list[str]:
        """The extra words that occur in `text` (lower-cased, as cut): all that its tokens depend on
        beyond the text (Aho-Corasick over the words, built once)."""
        if not hasattr(self, "_automaton"):
            import ahocorasick  # lazy: only a build with a token cache looks words up

            self._automaton = ahocorasick.Automaton()
            for w in self.words:
                self._automaton.add_word(w, w)
            if self.words:
                self._automaton.make_automaton()
        if not self.words:
            return []
        return sorted({w for _end, w in self._automaton.iter(text.lower())})

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


TOKENS_KEEP_DAYS = 7


def _tokens_salt() -> bytes:
    """What cached tokens were cut by: this module (the Tokenizer's rules) and jieba's version."""
    import jieba  # lazy: ~0.5 s to import; only a build with a token cache asks its version

    return hashlib.sha256(Path(__file__).read_bytes() + str(jieba.__version__).encode()).digest()


def passage_tokens(rows: list[dict], tokenizer: "Tokenizer", cache: Path | None = None):
    """Each row's tokens (an empty passage: one placeholder token), yielded a document at a time as
    (row indices, their token lists). With a cache folder, a document's token lists are kept there
    under a key made of its passages' texts and the extra words found in them
    (Tokenizer.words_in), which is all they depend on, and taken from there while that key holds:
    adding a document to a corpus cuts only its passages and those in which a new name occurs.
    Entries no build used for TOKENS_KEEP_DAYS are removed."""
    def cut(r):
        return tokenizer(r["text"]) or ["\x00empty"]

    by_doc: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_doc.setdefault(r.get("doc", ""), []).append(i)
    salt = _tokens_salt() if cache is not None else b""
    for doc, idx in by_doc.items():
        if cache is None:
            yield idx, [cut(rows[i]) for i in idx]
            continue
        h = hashlib.sha256(salt)
        for i in idx:
            h.update(b"\0" + rows[i]["text"].encode("utf-8"))
            h.update(b"\1" + "\n".join(tokenizer.words_in(rows[i]["text"])).encode("utf-8"))
        path = cache / f"{h.hexdigest()}.pickle"
        try:
            with open(path, "rb") as fh:
                kept = pickle.load(fh)
            os.utime(path)
        except Exception:  # noqa: BLE001 -- missing or damaged: cut again
            kept = None
        if not isinstance(kept, list) or len(kept) != len(idx):
            kept = [cut(rows[i]) for i in idx]
            try:
                cache.mkdir(parents=True, exist_ok=True)
                write_atomic(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
            except (InputError, OSError):
                pass  # a cache that cannot be written only costs time
        yield idx, kept
    if cache is not None and cache.is_dir():
        stale = time.time() - TOKENS_KEEP_DAYS * 86400
        for path in cache.glob("*.pickle"):
            if path.stat().st_mtime < stale:
                path.unlink(missing_ok=True)


def token_ids(rows: list[dict], tokenizer: "Tokenizer", cache: Path | None = None):
    """(ids, vocabulary): each row's tokens as numbers of one vocabulary (token -> number), which
    is what bm25s indexes. A token is held once, in the vocabulary, and a row's list points at the
    shared numbers: 8 bytes a token instead of a string each (at 100k passages, about 60 million
    tokens: half a gigabyte instead of five)."""
    vocab: dict[str, int] = {}
    ids: list = [None] * len(rows)
    for idx, lists in passage_tokens(rows, tokenizer, cache):
        for i, tokens in zip(idx, lists):
            ids[i] = [vocab.setdefault(t, len(vocab)) for t in tokens]
    return ids, vocab


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


# ------------------------------------------------------------------ files

def write_lexical_files(out: Path, rows: list[dict], lexicon: Iterable[str] = (), progress=None,
                        cache: Path | None = None) -> dict:
    """The half of the search folder that needs no vectors: passages.json, the BM25 index and
    jieba's extra words. Returns what index.json says of it. (kg build runs it in a forked
    process while the graph is built: it reads only `rows` and `lexicon`, and writes only here
    and in the token cache `cache`.)"""
    import bm25s  # lazy: imports scipy; only a build writes the index

    say = progress or (lambda stage, item: None)
    out.mkdir(parents=True, exist_ok=True)
    say("index", "BM25")
    tokenizer = Tokenizer(lexicon)
    (out / "userdict.txt").write_text("\n".join(tokenizer.words) + ("\n" if tokenizer.words else ""),
                                      encoding="utf-8")
    if rows:
        retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        ids, vocab = token_ids(rows, tokenizer, cache)
        retriever.index((ids, vocab), show_progress=False)
        del ids
        retriever.save(str(out / "bm25"), show_progress=False)
        (out / QUERY_DICTIONARY).write_text(tokenizer.query_dictionary(vocab), encoding="utf-8")
        Tokenizer((), out / QUERY_DICTIONARY)  # writes its prefix table's cache, so a query loads it
        cache = out / (QUERY_DICTIONARY + ".cache")
        if cache.is_file():
            cache.chmod(0o644)  # jieba writes it private; the workspace is read by whoever queries it
    rows = [dict(r, status=round(passage_status(r["text"]), 4)) for r in rows]
    (out / "passages.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return {"passages": len(rows), "lexicon_words": len(tokenizer.words)}

