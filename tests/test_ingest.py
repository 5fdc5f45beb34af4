"""Ingest: decoding, normalization of PDF/OCR artifacts, passages and offsets."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import (corpus_files, decode, detect_date, detect_title, normalize_paragraphs,
                       normalize_text, read_document, split_passages)

from .conftest import CORPUS


@pytest.mark.parametrize("raw, expected", [
    ("共 计 4749.1301 亿 元 ，其 中", "共计4749.1301亿元，其中"),
    ("10 年 期 为 49.1674 亿 元", "10年期为49.1674亿元"),
    ("发 行 利 率 1.77%", "发行利率1.77%"),
    ("研发投入强度 2.8 %", "研发投入强度2.8%"),
    ("ＧＤＰ增长７．４％", "GDP增长7.4%"),
    ("\u3000\u3000现在,我代表市人民政府", "现在,我代表市人民政府"),
    ("推动 PM2.5 和臭氧协同控制", "推动PM2.5和臭氧协同控制"),
    ("free trade zone", "free trade zone"),
])
def test_spaces_removed_inside_chinese_and_before_units(raw, expected):
    assert normalize_text(raw) == expected


def test_hard_line_breaks_rejoined_but_paragraphs_kept():
    raw = "本报讯 12月24日，我省在深\n圳成功发行政府债券 89.9468 亿元，至\n此圆满完成。\n\n第二段\n继续。"
    assert normalize_paragraphs(raw) == ["本报讯12月24日，我省在深圳成功发行政府债券89.9468亿元，至此圆满完成。",
                                         "第二段继续。"]


def test_number_broken_across_lines_is_rejoined():
    assert normalize_text("全年完成投资1058.\n8亿元") == "全年完成投资1058.8亿元"
    assert normalize_text("共 计 4749\n.1301 亿 元") == "共计4749.1301亿元"


def test_indented_lines_and_headings_start_paragraphs():
    raw = "## 深化改革\n  第一段。\n  第二段。"
    assert normalize_paragraphs(raw) == ["## 深化改革", "第一段。", "第二段。"]


def test_chinese_punctuation_is_kept_as_written():
    assert normalize_text("本报讯（记者 王红）：“郑好办”") == "本报讯（记者王红）：“郑好办”"


def test_passages_index_the_normalized_text_and_never_cut_sentences():
    text = normalize_text("\n\n".join("第%d段。" % i + "这是一个很长的句子，包含数字123.45亿元。" * 8 for i in range(10)))
    passages = split_passages(text)
    assert len(passages) > 3
    for i, p in enumerate(passages):
        assert p.order == i
        assert text[p.start:p.end] == p.text
        assert p.text.endswith("。")
        assert len(p.text) <= 600
    covered = "".join(p.text for p in passages)
    assert covered.replace("\n", "") == text.replace("\n", "")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("郑州市亿元增长。，、 \n\t　０１2.3%ab()（）#")), max_size=300))
def test_normalization_is_idempotent_and_keeps_every_character(raw):
    norm = normalize_text(raw)
    assert normalize_text(norm) == norm
    folded = raw.replace("０", "0").replace("１", "1").replace("　", "")
    kept = [c for c in folded if not c.isspace()]
    assert [c for c in norm if not c.isspace()] == kept
    for p in split_passages(norm):
        assert norm[p.start:p.end] == p.text


def test_utf8_gbk_and_bom_give_the_same_passages(tmp_path):
    original = CORPUS / "000_31bf77c2c3e8b364.txt"
    text = original.read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ref = read_document(original)
    for name in ("gbk.txt", "bom.txt"):
        doc = read_document(tmp_path / name)
        assert [p.text for p in doc.passages] == [p.text for p in ref.passages]
    assert read_document(tmp_path / "gbk.txt").encoding == "gb18030"
    assert read_document(tmp_path / "bom.txt").encoding == "utf-8-sig"


def test_bundled_corpus_normalizes_known_figures():
    doc = read_document(CORPUS / "000_31bf77c2c3e8b364.txt")
    assert "共计4749.1301亿元" in doc.text
    assert "发行利率为2.17%" in doc.text


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"   \n\n \t ", "empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>stream\x00\x01", "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_empty_and_binary_files_are_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason):
        read_document(path)


def test_decode_falls_back_from_utf8_to_gb18030():
    assert decode("郑州市".encode("gbk")) == ("郑州市", "gb18030")


def test_title_and_date_detection():
    paras = ["当前位置: 首页 > 要闻", "郑州市2024年政府工作报告", "发布日期: 2024-02-09 | 浏览次数: 1"]
    assert detect_title(paras) == ("郑州市2024年政府工作报告", "high")
    assert detect_date("\n\n".join(paras)) == ("2024-02-09", "stated")
    # a dateline without a year takes the year the text reports on, not the year it plans for
    text = "本报讯（记者 张立）12月29日，会议召开。2024年，全市经济向好。2024年完成任务。2025年，全市将继续推进。"
    assert detect_date(text) == ("2024-12-29", "inferred")


def test_corpus_folder_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        corpus_files(tmp_path / "missing")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(InputError, match=r"no \.txt, \.md, \.html, \.pdf or \.docx files"):
        corpus_files(tmp_path)


def test_symlink_loop_does_not_hang(tmp_path):
    (tmp_path / "a.txt").write_text("郑州市。", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path)
    assert [p.name for p in corpus_files(tmp_path)] == ["a.txt"]


def test_a_numbered_sub_heading_of_a_pdf_stands_alone():
    raw = ("（一）2019年预算收支情况\n1.一般公共预算\n（1）全市收支情况。全市一般公\n共预算收入完成154.9亿元，增长\n"
           "1.5%。\n2.政府性基金预算\n（1）全市收支情况。全市政府性基金预算收入完成80.2亿元。")
    assert normalize_paragraphs(raw) == [
        "（一）2019年预算收支情况", "1.一般公共预算", "（1）全市收支情况。全市一般公共预算收入完成154.9亿元，增长1.5%。",
        "2.政府性基金预算", "（1）全市收支情况。全市政府性基金预算收入完成80.2亿元。"]


def test_a_dateline_beats_a_day_named_in_the_text():
    # the dateline under the title (the day the report was given) is the date, not 11月6日 in the text
    text = ("某省政府工作报告\n——2026年1月27日在某省第七届人民代表大会第五次会议上\n省长 某某\n各位代表：\n"
            "11月6日，全省重点项目集中开工，2025年全省经济稳中有进。")
    assert detect_date(text) == ("2026-01-27", "stated")
    text = "政府工作报告\n（2026年1月25日在某省第十四届人民代表大会第四次会议上）\n各位代表：\n11月6日，某某考察。"
    assert detect_date(text) == ("2026-01-25", "stated")
    # an issue date with its time on a header line beats the dateline and the text
    text = ("2026年某省人民政府工作报告\n2026年02月10日 07时41分\n来源：某某日报\n"
            "2026年2月3日在某省第十四届人民代表大会第五次会议上\n11月6日，会议召开。")
    assert detect_date(text) == ("2026-02-10", "stated")
    # a sentence of the text broken over lines (a PDF) is no dateline, though it names a meeting
    text = "某市政府工作报告\n2023年5月1日在某市召开的全市经济工作会议上，市长强调要加快发展，\n11月6日，会议召开。"
    assert detect_date(text)[0] != "2023-05-01"
    text = "某省政府工作报告\n2026年2月3日在某省第十四届人民代表大会第五次会议上\n各位代表："  # a bare dateline
    assert detect_date(text) == ("2026-02-03", "stated")
    # a sentence that opens with a full date is text, not a dateline
    text = "某市政府工作报告\n各位代表：\n" + "过去一年，经济向好。" * 5 + "\n2025年11月6日在某地召开推进会。"
    assert detect_date(text)[0] != "2025-11-06"
