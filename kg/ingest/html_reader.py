"""A web page's main text, title and date (trafilatura), decoded by the charset it declares.

May import kg.errors and the record types (kg.ingest.published)."""
from __future__ import annotations

import re

from kg.errors import InputError
from kg.ingest.published import Published

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
# a page title carries the site's name after a separator: 关于…的报告 _ 财政报告 _ 某市人民政府门户网站
_TITLE_SEPARATOR = re.compile(r"\s+[_|\-—–]+\s+|\s*[|｜]\s*")
# the page's metadata set in its title element: 2026-05-15 来源：… 字号：大 中 小
_AFTER_TITLE = re.compile(r"\s*(?:(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|来源\s*[:：]|发布时间|发布日期|字号\s*[:：]).*$", re.S)
_SITE_NAME = re.compile(r"(?:网站|门户|首页|网|频道|政府网)$")


def declared_encoding(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    # GB2312 and GBK pages use GB18030's characters in practice: read them as GB18030
    return "gb18030" if name in ("gb2312", "gbk", "gb18030", "x-gbk") else name


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding): the meta tag's charset first, then UTF-8, then GB18030."""
    for encoding in filter(None, (declared_encoding(data), "utf-8", "gb18030")):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace"), "gb18030 (replaced)"


def page_title(raw_title: str | None) -> str:
    """The document's part of a page title: site names after a separator are dropped."""
    raw_title = _AFTER_TITLE.sub("", raw_title or "")
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(raw_title) if p.strip()]
    kept = [p for p in parts if not _SITE_NAME.search(p)]
    return max(kept or parts or [""], key=len)


def read_html(data: bytes) -> Published:
    import trafilatura  # lazy: ~0.3 s to import, only web pages need it

    html, encoding = decode_html(data)
    if not re.search(r"<(?:html|body|p|div|table)\b", html[:200_000], re.I):
        raise InputError("not an HTML page (no <html>, <body> or <p>)")
    text = trafilatura.extract(html, include_tables=True, include_comments=False, include_images=False,
                               favor_recall=True, deduplicate=False) or ""
    if not text.strip():
        raise InputError("no main text found in the page")
    meta = trafilatura.extract_metadata(html)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.I | re.S)
    h1_text = _AFTER_TITLE.sub("", re.sub(r"<[^>]+>", " ", h1.group(1))).strip() if h1 else ""
    h1_text = re.sub(r"\s+", "", h1_text)
    title = page_title(meta.title if meta else "")
    if 4 <= len(h1_text) <= 80 and (not title or h1_text in text[:2000]) and not (title and title in h1_text):
        title = h1_text
    # trafilatura writes a table row as "a | b | c": cells stay on one line, apart
    return Published(text=text, media_type="text/html", encoding=encoding, title=title,
                     date=meta.date if meta and meta.date else None)
