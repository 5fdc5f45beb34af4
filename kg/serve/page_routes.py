"""The web page at / (kg/static/index.html) with its Content-Security-Policy: nothing it loads or
sends leaves the server. Its scripts and styles are mounted at /static by kg/serve/app.py.

Imports: fastapi and kg.resources only.
"""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from kg.resources import STATIC_DIR  # the page and its files

PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

router = APIRouter()


@router.get("/", include_in_schema=False)
async def page():
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff",
                                 "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"})
