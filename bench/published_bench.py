"""Facts recall of the same documents published as text, PDF, web page, Word file and scan.

Each text document of a folder is published here in every format the way governments do it: a
PDF hard-wrapped at 38 characters a line with a running header and a page number on every page
(reportlab, a standard CJK font), a web page with navigation and a footer, a Word file, and a
scan (the PDF's pages drawn as 200 dpi images, read back by OCR). Each format is built into its
own workspace and scored with ../shared/eval/score.py facts on the same facts file, so a loss
shows what a format costs. The text never comes from the evaluation sets' published originals.

    .venv/bin/python bench/published_bench.py bench/fresh/corpus/budget --facts FACTS [--scan]
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
LINE = 38  # characters a line, as a PDF of an A4 report sets them
LINES = 44  # lines a page
FONT_FILES = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]


def paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if p.strip()]


def wrapped_pages(paras: list[str], header: str) -> list[list[str]]:
    """Lines of each page: paragraphs indented two spaces and hard-wrapped, as a PDF prints them."""
    lines = []
    for para in paras:
        text = "\u3000\u3000" + para
        lines.extend(text[i:i + LINE] for i in range(0, len(text), LINE))
    return [[header] + lines[i:i + LINES] for i in range(0, len(lines), LINES)]


def write_pdf(paras: list[str], header: str, out: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(out), pagesize=(595, 842))
    for n, page in enumerate(wrapped_pages(paras, header), start=1):
        c.setFont("STSong-Light", 9)
        c.drawString(230, 810, page[0])
        c.drawString(285, 30, f"- {n} -")
        c.setFont("STSong-Light", 11.5)
        for k, line in enumerate(page[1:]):
            c.drawString(70, 770 - 17 * k, line)
        c.showPage()
    c.save()


def write_scan(paras: list[str], header: str, out: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font_file = next(f for f in FONT_FILES if os.path.exists(f))
    pages = []
    for n, page in enumerate(wrapped_pages(paras, header), start=1):
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        draw.text((640, 60), page[0], fill=0, font=ImageFont.truetype(font_file, 26))
        body = ImageFont.truetype(font_file, 34)
        for k, line in enumerate(page[1:]):
            draw.text((190, 150 + 47 * k), line, fill=0, font=body)
        draw.text((790, 2250), f"- {n} -", fill=0, font=ImageFont.truetype(font_file, 28))
        pages.append(image.convert("RGB"))
    pages[0].save(out, "PDF", resolution=200.0, save_all=True, append_images=pages[1:])


def write_html(paras: list[str], out: Path) -> None:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paras[1:])
    out.write_text(f"""<html><head><meta charset="utf-8"><title>{html.escape(paras[0])} _ 政府信息公开 _ 人民政府门户网站</title>
</head><body><div class="nav"><a href="/">首页</a> <a href="/zw">政务公开</a> <a href="/hd">互动交流</a> <a href="/bs">办事服务</a></div>
<div class="crumb">当前位置：首页 > 政务公开 > 统计信息</div><div class="article"><h1>{html.escape(paras[0])}</h1>
{body}</div><div class="footer">主办：人民政府办公室 网站标识码 0000000000 ICP备案号 00000000号 版权所有</div></body></html>""",
                   encoding="utf-8")


def write_docx(paras: list[str], out: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading(paras[0], level=1)
    for p in paras[1:]:
        d.add_paragraph(p)
    d.save(out)


def score(corpus: Path, facts: Path, work: Path) -> str:
    ws = work / f".kg-{corpus.name}"
    build = subprocess.run([KG, "build", "--corpus", str(corpus), "--workspace", str(ws), "-q"],
                           capture_output=True, text=True, timeout=3600)
    if build.returncode != 0:
        return f"build failed: {build.stderr.strip()[-200:]}"
    out = subprocess.run([sys.executable, str(SCORE), "facts", str(facts), "--workspace", str(ws), "--kg", KG],
                         capture_output=True, text=True, timeout=1200)
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of .txt documents")
    parser.add_argument("--facts", type=Path, required=True, help="the facts of those documents (score.py format)")
    parser.add_argument("--scan", action="store_true", help="also publish each document as a scan, read by OCR")
    parser.add_argument("--keep", type=Path, help="write the corpora and workspaces here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        formats = ["txt", "pdf", "html", "docx"] + (["scan"] if args.scan else [])
        for fmt in formats:
            (work / fmt).mkdir(parents=True, exist_ok=True)
        for path in sorted(args.folder.glob("*.txt")):
            paras = paragraphs(path)
            header = re.sub(r"\d{4}年", "", paras[0])[:20]
            (work / "txt" / path.name).write_text("\n".join(paras), encoding="utf-8")
            write_pdf(paras, header, work / "pdf" / (path.stem + ".pdf"))
            write_html(paras, work / "html" / (path.stem + ".html"))
            write_docx(paras, work / "docx" / (path.stem + ".docx"))
            if args.scan:
                write_scan(paras, header, work / "scan" / (path.stem + ".pdf"))
        results = {fmt: score(work / fmt, args.facts, work) for fmt in formats}
        for fmt, line in results.items():
            print(f"{fmt:5s} {line}")
        print(json.dumps({fmt: line.rsplit("=", 1)[-1].strip() for fmt, line in results.items()}))


if __name__ == "__main__":
    main()
