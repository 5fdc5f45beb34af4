"""/search, /ask and /compare: the JSON of `kg search`, `kg ask` and `kg compare`, run in the
server process one at a time per build (the model is loaded once, at start-up).

k and year stay text parameters checked here (not Query(ge=...)): their error messages are the
CLI's, which FastAPI's validation messages would replace.

Imports: fastapi, kg.vocab (section names), kg.errors, kg.query.search (check_k), kg.serve.state.
"""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query  # at module level: FastAPI resolves the annotations by name
from fastapi.responses import JSONResponse

from kg import vocab
from kg.errors import InputError
from kg.query.search import check_k
from kg.serve.state import ServeState, serve_state

router = APIRouter()


def _year(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not re.fullmatch(r"(?:19|20)\d{2}", text.strip()):
        raise InputError(f"year must be a four-digit year such as 2025, not {text!r}")
    return int(text)


@router.get("/search", tags=["search"], summary="语义检索段落，最相关的在前（同 `kg search --format json`）")
async def search(q: str = Query(..., description="the question or keywords"),
                 k: str = Query("10", description="number of passages (1-1000)"),
                 place: str | None = Query(None, description="only documents about this place or a place in it (河南, 郑州)"),
                 kind: str | None = Query(None, description="WorkReport, StatisticalBulletin, BudgetReport, PlanReport, PlanOutline, News, Other"),
                 year: str | None = Query(None, description="only passages about this year"),
                 doc: str | None = Query(None, description="only this document: file name or part of its title"),
                 section: str | None = Query(None, description="only sections of this role: AnnualTargets, ReviewLastYear, "
                                             "AnnualTasks … (or 主要预期目标, 工作回顾 …)"),
                 mentions: str | None = Query(None, description="only passages that mention this program, agency, place "
                                              "or indicator, or an agency or program linked to it"),
                 facets: bool = Query(False, description="answer {hits, facets}: each hit with its highlights, and "
                                      "counts by place, kind and year of the candidates above the relevance floor"),
                 state: ServeState = Depends(serve_state)):
    """An empty list when no passage matches well (the page says 没有匹配良好的段落); an unknown
    place, document, section or entity is 400 {"error": ...}."""
    if not q.strip():
        raise InputError("empty query: give some text to search for")
    k_int, year_int = check_k(k), _year(year)
    filters = {"place": place, "kind": kind, "year": year_int, "doc": doc, "section": section, "mentions": mentions}

    def run(g):
        hits = g.search(q, k=k_int, **filters)
        if not facets:
            return hits
        roles = vocab.section_roles()
        for h in hits:  # what the search matched (the query's whole terms, as spans) and the section's name
            h["highlights"] = g.searcher.highlights(q, h["text"])
            h["section"] = roles[h["role"]][1][0] if h.get("role") in roles and roles[h["role"]][1] else None
        return {"hits": hits, "facets": g.searcher.facets(q, **filters)}
    return JSONResponse(await state.on_graph(run, locked=True))


@router.get("/ask", tags=["search"], summary="问答：附原文出处的回答（同 `kg ask --format json`）")
async def ask(q: str = Query(..., description="the question, e.g. 2024年郑州市优良天数是多少"),
              k: str = Query("5", description="passages to cite"),
              explain: bool = Query(False, description="add the linked entities, the SPARQL and the fusion scores"),
              place: str | None = Query(None, description="only documents about this place"),
              kind: str | None = Query(None, description="WorkReport, StatisticalBulletin, BudgetReport, PlanReport, PlanOutline, News, Other"),
              year: str | None = Query(None, description="only figures and passages of this year"),
              state: ServeState = Depends(serve_state)):
    if not q.strip():
        raise InputError("empty question")
    k_int, year_int = check_k(k), _year(year)
    return JSONResponse(await state.on_graph(
        lambda g: g.ask(q, k=k_int, explain=explain, place=place, kind=kind, year=year_int), locked=True))


@router.get("/compare", tags=["search"], summary="指标对比：一个指标在各地或历年的数值（同 `kg compare --format json`）")
async def compare(indicator: str = Query(..., description="an indicator by any name or synonym (地区生产总值, GDP)"),
                  year: str | None = Query(None, description="the year the figures are about"),
                  status: str | None = Query(None, description="target or actual"),
                  growth: bool = Query(False, description="the growth rate, not the level"),
                  place: list[str] = Query([], description="only these places (repeatable); no year: over the years"),
                  level: str | None = Query(None, description="province, city or district"),
                  uncertain: bool = Query(False, description="also figures of low confidence (bounds, parts of a place)"),
                  state: ServeState = Depends(serve_state)):
    year_int = _year(year)
    return JSONResponse(await state.on_graph(lambda g: g.compare(indicator, year=year_int, status=status or None,
                                                                 growth=growth, places=place, level=level or None,
                                                                 uncertain=uncertain),
                                             locked=True))
