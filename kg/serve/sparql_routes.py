"""The SPARQL 1.1 Protocol at /sparql (GET, and POST as a form or an application/sparql-query
body), read-only: updates are refused with 403 (the store is also opened read-only).

Queries run in killable worker processes (kg/serve/sparql_worker.py) with a per-query timeout
and a row cap; a query whose client goes away is stopped. Search SERVICE blocks are answered here
first (kg/query/search_service.py), within the same deadline. Errors are one line of text/plain,
as SPARQL clients expect.

Imports: fastapi, kg.errors, kg.query.search_service, kg.serve.sparql_protocol, kg.serve.state.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request  # at module level: FastAPI resolves the annotations by name
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from kg.errors import InputError, QueryError
from kg.query import search_service
from kg.serve.sparql_protocol import NotAcceptable, check_format_param, parse_accept
from kg.serve.state import Served, serve_state

MAX_BODY = 1 << 20  # bytes of a POSTed query
SPARQL_CONTENT = {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
        "query": {"type": "string", "description": "the SPARQL query"}}, "required": ["query"]}},
    "application/sparql-query": {"schema": {"type": "string", "description": "the SPARQL query"}},
}
SPARQL_RESPONSES = {
    200: {"description": "results: SPARQL JSON/XML/CSV/TSV (SELECT, ASK) or Turtle/N-Triples/RDF-XML/JSON-LD "
                         "(CONSTRUCT, DESCRIBE), by the Accept header or ?format=",
          "content": {m: {} for m in ("application/sparql-results+json", "application/sparql-results+xml",
                                      "text/csv", "text/tab-separated-values", "text/turtle",
                                      "application/n-triples", "application/rdf+xml", "application/ld+json")}},
    400: {"description": "malformed query, SERVICE, or a bad parameter (text/plain message)"},
    403: {"description": "a SPARQL update: the graph is read-only"},
    406: {"description": "no accepted media type can carry the result"},
    413: {"description": "query text larger than 1 MiB"},
    415: {"description": "unsupported POST content type (application/sparql-update is refused with 403)"},
    503: {"description": "the query ran past the server's timeout (or all workers stayed busy)"},
}
UPDATE_REFUSED = ("SPARQL updates are refused: this endpoint is read-only (the knowledge graph changes only "
                  "with `kg build`)")

router = APIRouter()


def sparql_error(status: int, message: str):
    return PlainTextResponse(message + "\n", status_code=status)


async def while_connected(request: Request, served: Served, work):
    """The result of work, or None when the client went away first (the page's Cancel, a closed
    tab): a SPARQL query then stops, its worker killed and replaced, so it holds no core."""
    running = asyncio.ensure_future(work)
    while not running.done():
        await asyncio.wait({running}, timeout=0.2)
        if not running.done() and await request.is_disconnected():
            running.cancel()
            served.pool.stats["cancelled"] += 1
            with contextlib.suppress(asyncio.CancelledError):
                await running
            return None
    return running.result()


async def answer_search_blocks(request: Request, served: Served, query: str, deadline: float):
    """The query with its search SERVICE blocks answered as VALUES (kg/query/search_service.py), as
    kg sparql and g.sparql answer them; the queries giving a text variable's values run in the
    worker pool like any query, all within the one deadline. A Response when it cannot be."""
    if "SERVICE" not in query.upper():
        return query
    loop = asyncio.get_running_loop()
    try:
        plan = search_service.plan(query)
    except search_service.ServiceError as exc:
        return sparql_error(400, f"search SERVICE: {exc}")
    if not plan.blocks:
        return query  # another SERVICE: the worker refuses it
    values: dict[str, list[str]] = {}
    for block in plan.blocks:
        if block.probe is None or block.probe in values:
            continue
        got = await while_connected(request, served, served.pool.query(
            block.probe, [("application/sparql-results+json", 1.0)], None, timeout=deadline - loop.time()))
        if got is None:
            return Response(status_code=499)
        if got.status != 200:
            return sparql_error(got.status, got.error or "query failed")
        rows = json.loads(got.body)["results"]["bindings"]
        values[block.probe] = [(v["value"], search_service.literal_term(v["value"], v.get("xml:lang"), v.get("datatype")))
                               for r in rows for v in r.values() if v.get("type") in ("literal", "typed-literal")]

    def search():
        with served.lock:  # search and ask one at a time per build (lazy caches, the encoder)
            return served.graph.answer_search(query, probe=values.__getitem__)

    try:
        return await while_connected(request, served, asyncio.wait_for(
            run_in_threadpool(search), max(0.001, deadline - loop.time()))) or Response(status_code=499)
    except asyncio.TimeoutError:
        served.pool.stats["timeouts"] += 1
        return sparql_error(503, f"query stopped: its searches ran longer than the server's limit of "
                                 f"{served.pool.timeout:g} s")
    except QueryError as exc:
        return sparql_error(400, str(exc))


def _refusal(query: str | None, params: dict[str, list[str]], fmt: str | None):
    """The error response for a request that cannot be run as given, else None."""
    if "update" in params:
        return sparql_error(403, UPDATE_REFUSED)
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
        if params.get(name):
            return sparql_error(400, f"{name} is not supported: the graph has only its default graph, "
                                     "which every query reads")
    if query is None:
        return sparql_error(400, "missing query: send ?query=... (GET), a form with query=... or an "
                                 "application/sparql-query body (POST); the web page is at /")
    try:
        check_format_param(fmt)
    except NotAcceptable as exc:
        return sparql_error(406, str(exc))
    if not query.strip():
        return sparql_error(400, "empty SPARQL query")
    return None


async def run_sparql(request: Request, query: str | None, params: dict[str, list[str]]):
    fmt = (params.get("format") or params.get("output") or params.get("results") or [None])[0]
    refused = _refusal(query, params, fmt)
    if refused is not None:
        return refused
    state = serve_state(request)
    served = await state.follower.acquire()
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + served.pool.timeout  # one limit for the searches and the query
        answered = await answer_search_blocks(request, served, query, deadline)
        if isinstance(answered, Response):
            return answered
        answer = await while_connected(request, served, served.pool.query(
            answered, parse_accept(request.headers.get("accept")), fmt, timeout=deadline - loop.time()))
        if answer is None:
            return Response(status_code=499)  # nobody reads it: the client closed the connection
    finally:
        await state.follower.release(served)
    if answer.status != 200:
        return sparql_error(answer.status, answer.error or "query failed")
    headers = {"Vary": "Accept", "X-KG-Rows": str(answer.rows), "X-KG-Seconds": f"{answer.seconds:.3f}"}
    if answer.truncated:
        headers["X-SPARQL-MaxRows"] = str(state.config.max_rows)
    media = answer.media_type + ("" if answer.media_type.endswith("json") else "; charset=utf-8")
    return Response(answer.body, media_type=media, headers=headers)


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise InputError(f"more than one {name} parameter")
    return values[0]


@router.get("/sparql", tags=["SPARQL"], responses=SPARQL_RESPONSES,
            summary="SPARQL 1.1 查询（GET，只读）")
async def sparql_get(request: Request, query: str | None = Query(None, description="the SPARQL query"),
                     format: str | None = Query(None, description="json, xml, csv, tsv, turtle, nt, jsonld "
                                                "(overrides Accept)")):  # noqa: A002
    params = parse_qs(request.url.query, keep_blank_values=True)
    try:
        query = _single(params, "query")
    except InputError as exc:
        return sparql_error(400, str(exc))
    return await run_sparql(request, query, params)


@router.post("/sparql", tags=["SPARQL"], responses=SPARQL_RESPONSES,
             summary="SPARQL 1.1 查询（POST：表单或 application/sparql-query）",
             openapi_extra={"requestBody": {"required": True, "content": SPARQL_CONTENT}})
async def sparql_post(request: Request):
    params = parse_qs(request.url.query, keep_blank_values=True)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        return sparql_error(413, f"the request body is larger than {MAX_BODY} bytes")
    if ctype == "application/sparql-update":
        return sparql_error(403, UPDATE_REFUSED)
    body = await request.body()
    if len(body) > MAX_BODY:
        return sparql_error(413, f"the request body is larger than {MAX_BODY} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return sparql_error(400, "the request body is not UTF-8")
    try:
        if ctype == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True)
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
            query = _single(params, "query")
        elif ctype == "application/sparql-query":
            if "query" in params:
                return sparql_error(400, "send the query either in the body or in ?query=, not both")
            query = text
        else:
            return sparql_error(415, f"unsupported content type {ctype or '(none)'}: POST a form "
                                     "(application/x-www-form-urlencoded) with query=..., or an "
                                     "application/sparql-query body")
    except InputError as exc:
        return sparql_error(400, str(exc))
    return await run_sparql(request, query, params)
