"""`kg ask`: figures from the graph with citations, sentences from passages, and saying so when
the corpus does not cover a question. Questions are written in plain words from the dev facts."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import run_kg

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def plain_question(fact: dict) -> str:
    """A question an analyst would type for a fact: 2024年郑州市优良天数是多少."""
    keyword = fact["metric_keywords"][0]
    rate = fact["unit"] == "%" and not re.search(r"(率|比重|强度|占比)$", keyword)
    tail = "的目标是多少" if fact["status"] == "target" else "是多少"
    return f"{fact['year']}年{fact['place']}{keyword}{'增长' if rate else ''}{tail}"


def _facts():
    path = EVAL / "facts_dev.jsonl"
    if not path.exists():
        pytest.skip("../shared/eval is not beside the repo")
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


@pytest.mark.slow
def test_fact_questions_return_the_value_with_its_citation(kgraph):
    for fact in _facts():
        result = kgraph.ask(plain_question(fact))
        assert result["facts"], plain_question(fact)
        top = result["facts"][0]
        assert float(top["value"]) == float(fact["value"]) and top["unit"] == fact["unit"], plain_question(fact)
        assert top["year"] == fact["year"] and top["status"].lower() == fact["status"]
        assert top["passage"].startswith("https://w3id.org/govkg/resource/passage/") and top["doc"].endswith(".txt")
        assert top["quote"] in result["passages"][0]["text"]  # the first cited passage holds the quote
        assert top["end"] > top["start"]


def test_figure_answer_names_year_place_status_and_quote(kgraph):
    result = kgraph.ask("2024年郑州市优良天数是多少")
    assert "231天" in result["answer"] and "2024" in result["answer"] and "实际" in result["answer"]
    assert "优良天数231天" in result["answer"]
    assert any(e["type"] == "Metric" and e["label"] == "优良天数" for e in result["entities"])


def test_relative_years_and_targets(kgraph):
    result = kgraph.ask("中原区明年经济增速目标")
    top = result["facts"][0]
    assert (top["place"], top["year"], top["status"], top["value"]) == ("中原区", 2025, "Target", "6")


def test_sentence_answer_for_a_non_figure_question(kgraph):
    result = kgraph.ask("城乡居民医保集中缴费哪天结束，会不会延期")
    assert "不再延" in result["answer"] + result["passages"][0]["text"]
    p = result["passages"][0]
    assert p["sentence"] in p["text"] and p["start"] <= p["sentence_start"] < p["sentence_end"] <= p["end"]


@pytest.mark.parametrize("question", ["2024年上海市优良天数是多少", "火星基地什么时候建成", "量子计算机的冷却温度是多少"])
def test_questions_the_corpus_does_not_cover_say_so(kgraph, question):
    result = kgraph.ask(question)
    assert "没有" in result["answer"]
    assert result["facts"] == []


def test_cli_text_is_answer_first_then_numbered_citations(built_workspace):
    out = run_kg("ask", "中欧班列去年跑了多少趟", "--workspace", built_workspace, check=True)
    lines = out.stdout.splitlines()
    assert "3601" in lines[0]
    assert lines[2].startswith("[1] ") and "001_2bba6ff831ee998f.txt" in lines[2]


def test_cli_json_and_explain(built_workspace):
    out = run_kg("ask", "2025年计划新增多少城镇就业岗位", "--format", "json", "--explain",
                 "--workspace", built_workspace, check=True)
    result = json.loads(out.stdout)
    assert set(result) >= {"answer", "facts", "passages", "entities", "explain"}
    assert "12.8" in result["answer"]
    assert "SELECT" in result["explain"]["sparql"] and result["explain"]["fusion"]
    for item in result["facts"] + result["passages"]:
        assert item["passage"] and item["doc"] and item["end"] > item["start"]


def test_bad_questions_are_one_line_errors(built_workspace):
    for bad in ("", "问" * 5000):
        out = run_kg("ask", bad, "--workspace", built_workspace)
        assert out.returncode == 1 and len(out.stderr.strip().splitlines()) == 1
