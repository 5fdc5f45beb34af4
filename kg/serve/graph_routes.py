"""The page's views of the graph: /documents, /document, /passage, /vocabulary, /entities and
/neighbourhood. The queries live in kg/query/graph_views.py and in KnowledgeGraph; this module
only runs them on the build being served.

Imports: fastapi, kg.query.graph_views, kg.serve.http_errors, kg.serve.state.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request  # at module level: FastAPI resolves the annotations by name
from fastapi.responses import JSONResponse

from kg.query.graph_views import entity_neighbourhood, find_entities, find_passage, query_vocabulary
from kg.serve.http_errors import json_error
from kg.serve.state import ServeState, serve_state

router = APIRouter()


@router.get("/documents", tags=["graph"], summary="全部文件：标题、类型、地区、日期、段落数")
async def documents(state: ServeState = Depends(serve_state)):
    return JSONResponse(await state.on_graph(lambda g: g.documents()))


@router.get("/passage", tags=["graph"], summary="一个段落：原文、位置、所属文件")
async def passage(request: Request, iri: str = Query(..., description="a gk:Passage IRI"),
                  state: ServeState = Depends(serve_state)):
    out = await state.on_graph(find_passage, iri)
    if out is None:
        return json_error(404, f"no passage {iri}", request)
    return out


@router.get("/document", tags=["graph"], summary="阅读一份文件：全文、章节、段落（同 KnowledgeGraph.document）")
async def document(file: str = Query(..., description="a source file name (as in /documents) or a document IRI"),
                   state: ServeState = Depends(serve_state)):
    return await state.on_graph(lambda g: g.document(file))


@router.get("/vocabulary", tags=["SPARQL"], summary="查询补全用的前缀、本体术语和数据术语")
async def vocabulary(state: ServeState = Depends(serve_state)):
    return await state.on_graph(query_vocabulary)


@router.get("/entities", tags=["graph"], summary="名称或别名包含 q 的实体")
async def entities(q: str = Query(..., description="part of a label"), limit: int = Query(20, ge=1, le=200),
                   state: ServeState = Depends(serve_state)):
    return await state.on_graph(find_entities, q, limit)


@router.get("/neighbourhood", tags=["graph"], summary="一个实体：属性及按关系分组的相邻实体")
async def neighbourhood(request: Request, iri: str = Query(..., description="an entity IRI"),
                        per_predicate: int = Query(12, ge=1, le=200, description="neighbours per relation (page size)"),
                        relation: str | None = Query(None, description="only this relation (a key from `relations`): one page"),
                        offset: int = Query(0, ge=0, description="with relation: the page's first neighbour"),
                        state: ServeState = Depends(serve_state)):
    """Neighbours grouped by relation, most mentioned first; `relations` lists every relation with
    its total; with `relation`, one page of it (`page`: offset, limit, total)."""
    out = await state.on_graph(entity_neighbourhood, iri, per_predicate, relation, offset)
    if out is None:
        return json_error(404, f"nothing in the graph is called {iri}", request)
    return out
