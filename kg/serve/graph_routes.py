"""The page's views of the graph: /documents, /document, /passage, /vocabulary, /entities and
/neighbourhood. The queries live in kg/query/graph_views.py and in KnowledgeGraph; this module
only runs them on the build being served.

Imports: fastapi, kg.query.graph_views, kg.serve.http_errors, kg.serve.state.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query  # at module level: FastAPI resolves the annotations by name
from fastapi.responses import JSONResponse

from kg.query.graph_views import entity_neighbourhood, find_entities, find_passage, query_vocabulary
from kg.serve.http_errors import json_error
from kg.serve.state import ServeState, serve_state

router = APIRouter()


@router.get("/documents", tags=["graph"], summary="every document: title, kind, place, date, passages")
async def documents(state: ServeState = Depends(serve_state)):
    return JSONResponse(await state.on_graph(lambda g: g.documents()))


@router.get("/passage", tags=["graph"], summary="one passage: text, offsets, document")
async def passage(iri: str = Query(..., description="a gk:Passage IRI"), state: ServeState = Depends(serve_state)):
    out = await state.on_graph(find_passage, iri)
    if out is None:
        return json_error(404, f"no passage {iri}")
    return out


@router.get("/document", tags=["graph"], summary="one document to read: text, sections, passages (as KnowledgeGraph.document)")
async def document(file: str = Query(..., description="a source file name (as in /documents) or a document IRI"),
                   state: ServeState = Depends(serve_state)):
    return await state.on_graph(lambda g: g.document(file))


@router.get("/vocabulary", tags=["SPARQL"], summary="prefixes and the terms of the ontology and the data, for query completion")
async def vocabulary(state: ServeState = Depends(serve_state)):
    return await state.on_graph(query_vocabulary)


@router.get("/entities", tags=["graph"], summary="entities whose label or alias contains q")
async def entities(q: str = Query(..., description="part of a label"), limit: int = Query(20, ge=1, le=200),
                   state: ServeState = Depends(serve_state)):
    return await state.on_graph(find_entities, q, limit)


@router.get("/neighbourhood", tags=["graph"], summary="an entity, its properties and its neighbours")
async def neighbourhood(iri: str = Query(..., description="an entity IRI"),
                        per_predicate: int = Query(12, ge=1, le=100), state: ServeState = Depends(serve_state)):
    out = await state.on_graph(entity_neighbourhood, iri, per_predicate)
    if out is None:
        return json_error(404, f"nothing in the graph is called {iri}")
    return out
