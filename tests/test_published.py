"""Documents as published: PDFs (running headers and footers, numbers broken across lines, two
columns, tables, scans), web pages and Word files, read by kg.ingest's format readers. Fixtures
are made here (reportlab, python-docx, Pillow); the published dev files of ../shared are built
end to end when they are beside the checkout."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract import extract_document
from kg.ingest import corpus_files, read_document

from .conftest import ROOT, run_kg

SHARED = ROOT.parent / "shared"
PUBLISHED = SHARED / "published"
EVAL = SHARED / "eval"
FONT = "STSong-Light"  # a standard CJK font every PDF reader knows: nothing embedded


def _canvas(path: Path, **kw):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(595, 842), **kw)
    c.setFont(FONT, 11)
    return c


def _page(c, number: int, lines: list[str], x: float = 72, header: bool = True) -> None:
    c.setFont(FONT, 11)
    if header:
        c.drawString(200, 805, "某某市人民政府办公室")  # the running header of every page
        c.drawString(285, 40, f"- {number} -")  # and its page number
    y = 760
    for line in lines:
        c.drawString(x, y, line)
        y -= 18
    c.showPage()


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    """Three pages of a city's budget report, a header and a page number on each; a figure
    broken across two lines; the second paragraph running over a page break."""
    path = tmp_path_factory.mktemp("pdf") / "mock_2025_budget_report.pdf"
    c = _canvas(path)
    _page(c, 1, ["关于商丘市2025年预算执行情况和2026年", "预算草案的报告", "",
                 "一、2025年预算执行情况", "2025年，全市一般公共预算收入完成", "1234.5亿元，增长5.6%。"])
    _page(c, 2, ["全市一般公共预算支出完成2100亿元，增长", "3.2%。其中，教育支出完成310亿元，下降1.5%。"])
    _page(c, 3, ["二、2026年预算草案", "2026年全市一般公共预算收入预计完成1290亿元，增长4%左右。"])
    c.save()
    return path


def test_pdf_pages_lose_their_headers_and_numbers_and_keep_their_figures(report_pdf):
    doc = read_document(report_pdf)
    assert doc.media_type == "application/pdf"
    assert "某某市人民政府办公室" not in doc.text
    assert "- 2 -" not in doc.text and "-2-" not in doc.text
    assert "全市一般公共预算收入完成1234.5亿元" in doc.text  # the number broken across lines is whole
    assert "增长3.2%" in doc.text
    assert doc.title == "关于商丘市2025年预算执行情况和2026年预算草案的报告"
    page_of = {p.page for p in doc.passages if "2026年全市一般公共预算收入预计完成1290亿元" in p.text}
    assert page_of == {3}
    assert doc.passages[0].page == 1


def test_pdf_figures_are_extracted_like_text(report_pdf):
    ex = extract_document(read_document(report_pdf))
    found = {(o.metric, o.value, o.year, o.status) for o in ex.observations}
    assert ("一般公共预算收入", Decimal("1234.5"), 2025, "Actual") in found
    assert ("一般公共预算收入", Decimal("1290"), 2026, "Target") in found


def test_a_two_column_page_is_read_column_by_column(tmp_path):
    path = tmp_path / "two_columns.pdf"
    c = _canvas(path)
    left = ["全市粮食总产量达到二百一十万吨，比上年", "增长百分之三，其中夏粮产量一百万吨，秋", "粮产量一百一十万吨，均创历史新高。",
            "全年新建改建农村公路三百公里，新增", "高标准农田二十万亩，农村自来水普及", "率达到百分之九十五，比上年提高两个",
            "百分点，农民生活条件持续改善。"]
    right = ["全市新增就业五万人，城镇调查失业率", "保持在百分之五以内，新增市场主体三", "万户，其中新增企业八千户，民营经济",
             "活力持续增强。全年新建公园八个，新", "增绿地面积二百公顷，人均公园绿地面", "积达到十四平方米，城市面貌明显改",
             "善，群众获得感不断增强。"]
    c.setFont(FONT, 11)
    for n, (a, b) in enumerate(zip(left, right)):
        c.drawString(60, 760 - 18 * n, a)
        c.drawString(320, 760 - 18 * n, b)
    c.showPage()
    c.save()
    text = read_document(path).text
    assert "比上年增长百分之三，其中夏粮产量一百万吨，秋粮产量一百一十万吨" in text
    assert "城镇调查失业率保持在百分之五以内" in text
    assert text.index("农民生活条件") < text.index("全市新增就业")  # the whole left column comes first


def test_a_one_page_news_pdf_loses_its_small_running_header(tmp_path):
    """One page shows no repetition: the header is known by its small type in the top margin."""
    path = tmp_path / "one_page_news.pdf"
    c = _canvas(path)
    c.setFont(FONT, 8)
    c.drawString(230, 812, "某某日报 要闻 第2版")
    c.setFont(FONT, 11)
    lines = ["某某市2025年地区生产总值1234.5亿元", "来源：某某日报 2026-01-23",
             "　　2025年全市实现地区生产总值1234.5亿元，同比增长", "5.8%。全年规模以上工业增加值增长7.1%，社会消费品零",
             "售总额612.3亿元，增长4.9%，固定资产投资增长3.2%。"]
    for n, line in enumerate(lines):
        c.drawString(70, 770 - 17 * n, line)
    c.showPage()
    c.save()
    doc = read_document(path)
    assert "第2版" not in doc.text
    assert doc.text.lstrip("\u3000 ").startswith("某某市2025年地区生产总值1234.5亿元")
    assert "社会消费品零售总额612.3亿元" in doc.text


@pytest.fixture(scope="module")
def debt_table_pdf(tmp_path_factory) -> Path:
    """A province's debt table: a row per city, two levels of headers, a formula row."""
    path = tmp_path_factory.mktemp("table") / "henan_2024_debt_tables.pdf"
    c = _canvas(path)
    c.drawString(60, 800, "表3")
    c.drawString(150, 780, "河南省2024年地方政府债务限额及余额决算情况表")
    c.drawString(480, 760, "单位：亿元")
    c.drawString(210, 740, "2024年债务限额")
    c.drawString(390, 740, "2024年债务余额（决算数）")
    c.drawString(80, 722, "地 区")
    for x, word in ((230, "一般债务"), (300, "专项债务"), (420, "一般债务"), (490, "专项债务")):
        c.drawString(x, 722, word)
    c.drawString(80, 704, "公 式")
    for x, word in ((175, "A=B+C"), (250, "B"), (320, "C"), (370, "D=E+F"), (440, "E"), (510, "F")):
        c.drawString(x, 704, word)
    rows = [("河南省", "9,000.50", "4,000.25", "5,000.25", "8,500.00", "3,900.00", "4,600.00"),
            ("郑州市", "2,100.00", "900.10", "1,199.90", "2,000.00", "850.00", "1,150.00"),
            ("开封市", "600.40", "250.20", "350.20", "580.00", "240.00", "340.00"),
            ("洛阳市", "800.00", "350.00", "450.00", "760.00", "330.00", "430.00")]
    for n, row in enumerate(rows):
        y = 686 - 18 * n
        c.drawString(60, y, row[0])
        for x, cell in zip((224, 285, 346, 407, 468, 529), row[1:]):
            c.drawRightString(x, y, cell)
    c.showPage()
    c.save()
    return path


def test_a_debt_table_gives_one_observation_per_place_and_column(debt_table_pdf):
    doc = read_document(debt_table_pdf)
    assert len(doc.tables) == 1 and doc.title == "河南省2024年地方政府债务限额及余额决算情况表"
    ex = extract_document(doc)
    cells = {(o.place.name, o.metric): o for o in ex.observations}
    assert len(ex.observations) == 4 * 6
    kaifeng = cells[("开封市", "一般债务限额")]
    assert (kaifeng.value, kaifeng.unit, kaifeng.year, kaifeng.status) == (Decimal("250.20"), "亿元", 2024, "Actual")
    assert kaifeng.quote.startswith("开封市：") and kaifeng.quote.endswith("250.20亿元")
    assert cells[("郑州市", "债务限额")].value == Decimal("2100.00")
    assert cells[("洛阳市", "专项债务余额")].value == Decimal("430.00")
    assert cells[("河南省", "债务余额")].value == Decimal("8500.00")
    # the quote lies in its passage, which says the page
    passage = next(p for p in doc.passages if p.start <= kaifeng.start and kaifeng.end <= p.end)
    assert passage.page == 1 and kaifeng.quote in passage.text


def test_bad_pdfs_are_refused_in_one_line(tmp_path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF garbage \x00\x01")
    with pytest.raises(InputError, match="damaged PDF|no text"):
        read_document(damaged)
    locked = tmp_path / "locked.pdf"
    c = _canvas(locked, encrypt="secret")
    _page(c, 1, ["全市地区生产总值增长5%。"])
    c.save()
    with pytest.raises(InputError, match="encrypted"):
        read_document(locked)
    empty = tmp_path / "empty.pdf"
    c = _canvas(empty)
    c.showPage()
    c.save()
    with pytest.raises(InputError, match="no text"):
        read_document(empty)


def test_a_web_page_keeps_its_article_not_its_navigation(tmp_path):
    page = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>2025年某某市国民经济和社会发展统计公报 _ 统计数据 _ 某某市人民政府门户网站</title>
<meta name="publishdate" content="2026-03-20"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a> <a href="/b">互动交流</a> <a href="/c">办事服务</a></div>
<div class="article"><h1>2025年某某市国民经济和社会发展统计公报</h1>
<p>某某市统计局</p>
<p>初步核算，全年全市地区生产总值3456.7亿元，比上年增长5.8%。其中，第一产业增加值210.3亿元，增长3.1%。</p>
<p>全年全市一般公共预算收入260.1亿元，比上年增长2.4%。</p>
<table><tr><td>指标</td><td>绝对数（亿元）</td><td>比上年增长（%）</td></tr>
<tr><td>地区生产总值</td><td>3456.7</td><td>5.8</td></tr></table>
</div><div class="footer">版权所有：某某市人民政府 网站标识码 1234567890 ICP备案号 京ICP备12345678号</div>
</body></html>"""
    path = tmp_path / "bulletin.html"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert doc.media_type == "text/html" and doc.encoding == "gb18030"
    assert doc.title == "2025年某某市国民经济和社会发展统计公报"
    assert "全年全市地区生产总值3456.7亿元" in doc.text
    assert "政务公开" not in doc.text and "ICP" not in doc.text


def test_a_word_file_keeps_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("关于睢县2025年预算执行情况的报告", level=1)
    d.add_paragraph("2025年，全县一般公共预算收入完成45.6亿元，增长6.1%。")
    d.add_paragraph("表1 2025年睢县主要收入情况 单位：亿元")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([("项目", "预算数", "执行数"), ("税收收入", "30.0", "31.2"), ("非税收入", "14.0", "14.4")]):
        for k, cell in enumerate(row):
            t.cell(r, k).text = cell
    path = tmp_path / "county.docx"
    d.save(path)
    doc = read_document(path)
    assert doc.title == "关于睢县2025年预算执行情况的报告"
    assert "全县一般公共预算收入完成45.6亿元" in doc.text
    assert len(doc.tables) == 1
    ex = extract_document(doc)
    tax = {(o.metric, o.status): o.value for o in ex.observations}
    assert tax[("税收收入", "Target")] == Decimal("30.0") and tax[("税收收入", "Actual")] == Decimal("31.2")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="damaged Word file"):
        read_document(tmp_path / "broken.docx")


def test_the_corpus_takes_every_published_format(tmp_path):
    for name in ("a.txt", "b.md", "c.html", "d.htm", "e.pdf", "f.docx", "g.doc", "h.xlsx"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in corpus_files(tmp_path)] == ["a.txt", "b.md", "c.html", "d.htm", "e.pdf", "f.docx"]


def test_a_bad_file_is_skipped_with_a_warning_and_the_rest_built(tmp_path, report_pdf):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(report_pdf, corpus / report_pdf.name)
    (corpus / "damaged.pdf").write_bytes(b"%PDF-1.7 nothing else")
    ws = tmp_path / ".kg"
    proc = run_kg("build", "--corpus", corpus, "--workspace", ws, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "damaged.pdf" in proc.stderr and "PDF" in proc.stderr
    out = run_kg("sparql", "PREFIX gk: <https://w3id.org/govkg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
                 "SELECT ?f ?fmt (MAX(?pg) AS ?pages) WHERE { ?d gk:sourceFile ?f ; dcterms:format ?fmt . "
                 "?p gk:inDocument ?d ; gk:page ?pg } GROUP BY ?f ?fmt", "--workspace", ws, "--format", "json",
                 check=True)
    rows = _bindings(out.stdout)
    assert [(r["f"], r["fmt"], int(r["pages"])) for r in rows] == [(report_pdf.name, "application/pdf", 3)]
    import kg

    shown = kg.open(ws).document(report_pdf.name)  # what the workbench's document view shows
    assert shown["format"] == "application/pdf"
    assert [p["page"] for p in shown["passages"]][0] == 1 and shown["passages"][-1]["page"] == 3


def _bindings(sparql_json: str) -> list[dict]:
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(sparql_json)["results"]["bindings"]]


# ---------------------------------------------------------------- scanned pages (OCR)

def _ensure_tesseract() -> None:
    from kg.ingest.pdf_reader import ocr_available

    if ocr_available():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("tesseract with chi_sim is missing and cannot be installed here (needs apt-get as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=900)
    proc = subprocess.run(["apt-get", "install", "-y", "-qq", "tesseract-ocr", "tesseract-ocr-chi-sim",
                           "fonts-wqy-microhei"], env=env, capture_output=True, text=True, timeout=1800)
    if not ocr_available():
        pytest.fail(f"apt-get install tesseract-ocr failed: {proc.stderr.strip()[-500:]}")


@pytest.mark.slow
def test_a_scanned_page_is_read_by_ocr(tmp_path):
    _ensure_tesseract()
    from PIL import Image, ImageDraw, ImageFont

    fonts = [p for p in ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
             if os.path.exists(p)]
    if not fonts:
        pytest.skip("no CJK font to draw the scanned page with")
    image = Image.new("RGB", (1654, 2339), "white")  # an A4 page scanned at 200 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(fonts[0], 44)
    for n, line in enumerate(["2025年某某市国民经济和社会发展统计公报", "",
                              "初步核算，全年全市地区生产总值3456.7亿元，", "比上年增长5.8%。全年粮食产量211.3万吨。"]):
        draw.text((150, 200 + 80 * n), line, fill="black", font=font)
    path = tmp_path / "scanned_bulletin.pdf"
    image.save(path, "PDF", resolution=200.0)
    doc = read_document(path)
    assert doc.ocr_confidence is not None and doc.ocr_confidence > 50
    assert any("OCR" in w for w in doc.warnings)
    assert "3456.7亿元" in doc.text and "地区生产总值" in doc.text


# ---------------------------------------------------------------- the published dev files

@pytest.mark.slow
@pytest.mark.skipif(not (PUBLISHED.is_dir() and (EVAL / "score.py").is_file()),
                    reason="../shared/published is not beside the checkout")
def test_published_dev_files_build_and_their_facts_and_table_cells_are_found(tmp_path):
    ws = tmp_path / ".kg"
    run_kg("build", "--corpus", PUBLISHED, "--workspace", ws, check=True, timeout=1200)
    import sys

    score = subprocess.run([sys.executable, str(EVAL / "score.py"), "facts", str(EVAL / "facts_published_dev.jsonl"),
                            "--workspace", str(ws), "--kg", str(Path(sys.executable).parent / "kg")],
                           capture_output=True, text=True, timeout=600)
    recall = float(score.stdout.strip().splitlines()[-1].split("=")[-1])
    assert recall >= 0.85, score.stdout
    # a handful of cells of jilin_2018_debt_tables.pdf, read off the PDF by eye
    query = """PREFIX gk: <https://w3id.org/govkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?place ?metric ?value WHERE { ?o a gk:Observation ; gk:value ?value ; gk:year ?year ;
      gk:place/rdfs:label ?place ; gk:metric/rdfs:label ?metric ; gk:quote ?q .
      FILTER(STR(?year) = "2018" && STR(?metric) IN ("一般债务限额", "专项债务余额", "债务限额")) }"""
    rows = _bindings(run_kg("sparql", query, "--workspace", ws, "--format", "json", check=True).stdout)
    cells = {(r["place"], r["metric"]): Decimal(r["value"]) for r in rows}
    assert cells[("长春市", "一般债务限额")] == Decimal("673.19")
    assert cells[("长春市", "债务限额")] == Decimal("1299.32")
    assert cells[("宽城区", "专项债务余额")] == Decimal("2.74")
    assert cells[("吉林省", "专项债务余额")] == Decimal("1064.51")
    assert cells[("通化县", "一般债务限额")] == Decimal("17.29")
