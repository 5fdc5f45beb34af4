"""`kg serve`: the SPARQL 1.1 Protocol at /sparql, /search and /ask (the CLI's JSON), and a web
page at / for analysts (kg/static/, no request leaves the server).

SPARQL queries run in killable worker processes (kg/sparql_worker.py) with a per-query timeout
and a row cap; updates are refused (the store is also opened read-only). Search and ask run in
the server process, one at a time (the model is loaded once, at start-up).

The server follows its workspace: when a `kg build` moves `current`, the new build is opened (its
store, workers, search index and ask tables, warmed) beside the old one, then new requests go to
it while requests already running finish on the old one; the old build is let go (its in-use lock
released, so a clean-up may remove it) after its last request.
"""
from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import socket
import sys
import threading
import time
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

from fastapi import Query, Request  # at module level: FastAPI resolves the annotations by name

from kg.errors import InputError, KGError, QueryError, WorkspaceError
from kg.graph import PREFIXES, curie

from kg.resources import STATIC_DIR  # noqa: E402  (the page and its files)
from kg.resources import EXAMPLES_DIR  # noqa: E402  (examples/ in a checkout, kg/examples in a wheel)
MAX_BODY = 1 << 20  # bytes of a POSTed query
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10000
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
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


class ServerConfig:
    def __init__(self, timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, workers: int = 2,
                 memory_mb: int = 2048, warm: bool = True):
        self.timeout, self.max_rows, self.workers, self.memory_mb, self.warm = timeout, max_rows, workers, memory_mb, warm


class Served:
    """One build being served: its graph (holding the build's in-use lock), its SPARQL workers
    and the lock that runs its search and ask one at a time."""

    def __init__(self, graph, pool):
        self.graph, self.pool = graph, pool
        self.lock = threading.Lock()
        self.users = 0
        self.retired = False


class Follower:
    """Serves the workspace's current build and switches to a new one when `current` moves."""

    CHECK_EVERY = 0.25  # seconds between two looks at the `current` link

    def __init__(self, config: ServerConfig):
        self.config = config
        self.served: Served | None = None
        self.problem: str | None = None  # why the newest build could not be opened, while it cannot
        self._checked = 0.0
        self._switch: asyncio.Task | None = None
        self._closing: set[asyncio.Task] = set()

    def _pool(self, graph):
        from kg.serve.sparql_worker import WorkerPool

        c = self.config
        return WorkerPool(graph.build_dir / "store", size=c.workers, timeout=c.timeout, max_rows=c.max_rows,
                          memory_mb=c.memory_mb)

    async def start(self, graph) -> None:
        from starlette.concurrency import run_in_threadpool

        pool = self._pool(graph)
        await pool.start()
        self.served = Served(graph, pool)
        if self.config.warm:
            await run_in_threadpool(_warm_up, graph, self.served.lock)

    async def acquire(self) -> Served:
        self._look()
        s = self.served
        s.users += 1
        return s

    async def release(self, s: Served) -> None:
        s.users -= 1
        if s.retired and s.users == 0:
            await self._let_go(s)

    def _look(self) -> None:
        """Start a switch in the background if `current` points elsewhere (requests meanwhile
        are answered from the build being served)."""
        now = time.monotonic()
        if now - self._checked < self.CHECK_EVERY or (self._switch is not None and not self._switch.done()):
            return
        self._checked = now
        ws = self.served.graph.workspace
        target = ws.current_target()
        if target is not None and target != self.served.graph.build_dir:
            self._switch = asyncio.get_running_loop().create_task(self._switch_to_current())

    async def _switch_to_current(self) -> None:
        from starlette.concurrency import run_in_threadpool

        import kg

        old = self.served
        try:
            graph = await run_in_threadpool(kg.open, old.graph.workspace.root)
        except KGError as exc:
            self.problem = f"the new build cannot be opened: {exc}"
            print(f"kg serve: {self.problem}; still serving build {old.graph.build_dir.name}", file=sys.stderr)
            return
        pool = self._pool(graph)
        try:
            await pool.start()
        except (RuntimeError, OSError) as exc:
            await pool.close()
            graph.close()
            self.problem = f"the new build's query workers cannot start: {exc}"
            print(f"kg serve: {self.problem}; still serving build {old.graph.build_dir.name}", file=sys.stderr)
            return
        new = Served(graph, pool)
        if self.config.warm:
            await run_in_threadpool(_warm_up, graph, new.lock)
        self.served, self.problem = new, None
        old.retired = True
        print(f"kg serve: now serving build {graph.build_dir.name} (was {old.graph.build_dir.name})",
              file=sys.stderr, flush=True)
        if old.users == 0:
            await self._let_go(old)

    async def _let_go(self, s: Served) -> None:
        from starlette.concurrency import run_in_threadpool

        await s.pool.close()
        s.graph.close()
        await run_in_threadpool(s.graph.workspace.try_clean)  # no build running: remove it now

    async def close(self) -> None:
        if self._switch is not None:
            self._switch.cancel()
        if self.served is not None:
            await self.served.pool.close()
            self.served.graph.close()


def create_app(graph=None, workspace=None, config: ServerConfig | None = None):
    """The FastAPI application over one opened KnowledgeGraph."""
    import kg
    from fastapi.exceptions import RequestValidationError
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
    from fastapi.staticfiles import StaticFiles
    from fastapi_offline import FastAPIOffline
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from kg.serve.sparql_protocol import NotAcceptable, check_format_param, parse_accept

    config = config or ServerConfig()
    graph = graph if graph is not None else kg.open(workspace)
    follower = Follower(config)
    state = {"warm": False}

    @asynccontextmanager
    async def lifespan(app):
        await follower.start(graph)
        app.state.follower = follower
        state["warm"] = True
        try:
            yield
        finally:
            await follower.close()

    async def on_graph(fn, *args, locked: bool = False):
        """fn(graph, *args) in a worker thread, on the build being served when the request came
        (search and ask one at a time per build: lazy caches, and the encoder uses all cores)."""
        s = await follower.acquire()
        try:
            def call():
                if locked:
                    with s.lock:
                        return fn(s.graph, *args)
                return fn(s.graph, *args)

            return await run_in_threadpool(call)
        finally:
            await follower.release(s)

    app = FastAPIOffline(
        title="govkg", version=kg.__version__, lifespan=lifespan,
        description="Knowledge graph and semantic search over Chinese government documents: the SPARQL 1.1 "
                    "Protocol at /sparql (read-only), passage search at /search, cited answers at /ask, "
                    "and a web page at /.")
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Accept", "Content-Type"],
                       expose_headers=["X-SPARQL-MaxRows", "X-KG-Rows", "X-KG-Seconds"], max_age=600)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # -------------------------------------------------------------- errors: one line, JSON
    def error(status: int, message: str):
        return JSONResponse({"error": message}, status_code=status)

    @app.exception_handler(KGError)
    async def _kg_error(request, exc):
        status = 503 if isinstance(exc, WorkspaceError) else 400
        return error(status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _bad_params(request, exc):
        problems = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return error(400, "bad request: " + "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request, exc):
        return error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _internal(request, exc):
        return error(500, f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")

    # -------------------------------------------------------------- page
    @app.get("/", include_in_schema=False)
    async def page():
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff",
                                     "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"})

    # -------------------------------------------------------------- SPARQL 1.1 Protocol
    def sparql_error(status: int, message: str):
        return PlainTextResponse(message + "\n", status_code=status)

    async def while_connected(request: Request, served, work):
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

    async def answer_search_blocks(request: Request, served, query: str, deadline: float):
        """The query with its search SERVICE blocks answered as VALUES (kg/search_service.py), as
        kg sparql and g.sparql answer them; the queries giving a text variable's values run in the
        worker pool like any query, all within the one deadline. A Response when it cannot be."""
        from kg.query import search_service

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

    async def run_sparql(request: Request, query: str | None, params: dict[str, list[str]]):
        if "update" in params:
            return sparql_error(403, UPDATE_REFUSED)
        for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
            if params.get(name):
                return sparql_error(400, f"{name} is not supported: the graph has only its default graph, "
                                         "which every query reads")
        if query is None:
            return sparql_error(400, "missing query: send ?query=... (GET), a form with query=... or an "
                                     "application/sparql-query body (POST); the web page is at /")
        fmt = (params.get("format") or params.get("output") or params.get("results") or [None])[0]
        try:
            check_format_param(fmt)
        except NotAcceptable as exc:
            return sparql_error(406, str(exc))
        if not query.strip():
            return sparql_error(400, "empty SPARQL query")
        served = await follower.acquire()
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
            await follower.release(served)
        if answer.status != 200:
            return sparql_error(answer.status, answer.error or "query failed")
        headers = {"Vary": "Accept", "X-KG-Rows": str(answer.rows), "X-KG-Seconds": f"{answer.seconds:.3f}"}
        if answer.truncated:
            headers["X-SPARQL-MaxRows"] = str(config.max_rows)
        media = answer.media_type + ("" if answer.media_type.endswith("json") else "; charset=utf-8")
        return Response(answer.body, media_type=media, headers=headers)

    def _single(params: dict[str, list[str]], name: str) -> str | None:
        values = params.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise InputError(f"more than one {name} parameter")
        return values[0]

    @app.get("/sparql", tags=["SPARQL"], responses=SPARQL_RESPONSES,
             summary="SPARQL 1.1 query via GET (read-only)")
    async def sparql_get(request: Request, query: str | None = Query(None, description="the SPARQL query"),
                         format: str | None = Query(None, description="json, xml, csv, tsv, turtle, nt, jsonld "
                                                    "(overrides Accept)")):  # noqa: A002
        params = parse_qs(request.url.query, keep_blank_values=True)
        try:
            query = _single(params, "query")
        except InputError as exc:
            return sparql_error(400, str(exc))
        return await run_sparql(request, query, params)

    @app.post("/sparql", tags=["SPARQL"], responses=SPARQL_RESPONSES,
              summary="SPARQL 1.1 query via POST (form or application/sparql-query)",
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

    # -------------------------------------------------------------- search and ask (the CLI's JSON)
    @app.get("/search", tags=["search"], summary="passages for a question, best first (as `kg search --format json`)")
    async def search(q: str = Query(..., description="the question or keywords"),
               k: str = Query("10", description="number of passages (1-1000)"),
               place: str | None = Query(None, description="only documents about this place or a place in it (河南, 郑州)"),
               kind: str | None = Query(None, description="WorkReport, StatisticalBulletin, BudgetReport, PlanReport, PlanOutline, News, Other"),
               year: str | None = Query(None, description="only passages about this year"),
               doc: str | None = Query(None, description="only this document: file name or part of its title"),
               section: str | None = Query(None, description="only sections of this role: AnnualTargets, ReviewLastYear, "
                                           "AnnualTasks … (or 主要预期目标, 工作回顾 …)"),
               mentions: str | None = Query(None, description="only passages that mention this program, agency, place "
                                            "or indicator, or an agency or program linked to it")):
        """An empty list when no passage matches well (the page says 没有匹配良好的段落); an unknown
        place, document, section or entity is 400 {"error": ...}."""
        from kg.query.search import check_k

        if not q.strip():
            raise InputError("empty query: give some text to search for")
        k_int, year_int = check_k(k), _year(year)
        return JSONResponse(await on_graph(lambda g: g.search(q, k=k_int, place=place, kind=kind, year=year_int,
                                                              doc=doc, section=section, mentions=mentions),
                                           locked=True))

    @app.get("/ask", tags=["search"], summary="a cited answer (as `kg ask --format json`)")
    async def ask(q: str = Query(..., description="the question, e.g. 2024年郑州市优良天数是多少"),
            k: str = Query("5", description="passages to cite"),
            explain: bool = Query(False, description="add the linked entities, the SPARQL and the fusion scores"),
            place: str | None = Query(None, description="only documents about this place"),
            kind: str | None = Query(None, description="WorkReport, StatisticalBulletin, BudgetReport, PlanReport, PlanOutline, News, Other"),
            year: str | None = Query(None, description="only figures and passages of this year")):
        from kg.query.search import check_k

        if not q.strip():
            raise InputError("empty question")
        k_int, year_int = check_k(k), _year(year)
        return JSONResponse(await on_graph(
            lambda g: g.ask(q, k=k_int, explain=explain, place=place, kind=kind, year=year_int), locked=True))

    @app.get("/compare", tags=["search"], summary="one indicator across places or years (as `kg compare --format json`)")
    async def compare(indicator: str = Query(..., description="an indicator by any name or synonym (地区生产总值, GDP)"),
                      year: str | None = Query(None, description="the year the figures are about"),
                      status: str | None = Query(None, description="target or actual"),
                      growth: bool = Query(False, description="the growth rate, not the level"),
                      place: list[str] = Query([], description="only these places (repeatable); no year: over the years"),
                      level: str | None = Query(None, description="province, city or district"),
                      uncertain: bool = Query(False, description="also figures of low confidence (bounds, parts of a place)")):
        year_int = _year(year)
        return JSONResponse(await on_graph(lambda g: g.compare(indicator, year=year_int, status=status or None,
                                                               growth=growth, places=place, level=level or None,
                                                               uncertain=uncertain),
                                           locked=True))

    def _year(text: str | None) -> int | None:
        if text is None or not text.strip():
            return None
        if not re.fullmatch(r"(?:19|20)\d{2}", text.strip()):
            raise InputError(f"year must be a four-digit year such as 2025, not {text!r}")
        return int(text)

    # -------------------------------------------------------------- service
    @app.get("/health", tags=["service"], summary="liveness and what is served")
    async def health(request: Request):
        s = follower.served
        pool = s.pool
        body = {"status": "ok", "build": s.graph.build_dir.name, "built_at": s.graph.manifest.get("built_at"),
                "ready": state["warm"], "sparql": {"workers": pool.size, "live": pool.live, "idle": pool.idle,
                                                   "timeout": config.timeout, "max_rows": config.max_rows,
                                                   **pool.stats}}
        if follower.problem:
            body["newer_build"] = follower.problem  # still serving the build above
        if not pool.healthy:  # it cannot answer queries: say why, with 503
            body.update(status="unavailable", reason=f"no SPARQL worker is running ({pool.problem})")
            return JSONResponse(body, status_code=503)
        return body

    @app.get("/info", tags=["service"], summary="counts per class and per document (as `kg info --format json`)")
    async def info():
        return JSONResponse(await on_graph(lambda g: g.info()))

    @app.get("/overview", tags=["service"], summary="the corpus at a glance and example questions built from it")
    async def overview():
        def build(g):
            counts = {k: g.store.count(f"gk:{k}") for k in ("Document", "Passage", "Place", "Agency", "Program",
                                                          "Indicator", "Observation")}
            return {"counts": counts, "questions": g.example_questions()}
        return JSONResponse(await on_graph(build, locked=True))

    @app.get("/documents", tags=["graph"], summary="every document: title, kind, place, date, passages")
    async def documents():
        return JSONResponse(await on_graph(lambda g: g.documents()))

    @app.get("/examples", tags=["service"], summary="the example SPARQL queries (examples/*.rq)")
    def examples():
        return load_examples()

    # -------------------------------------------------------------- page helpers
    @app.get("/passage", tags=["graph"], summary="one passage: text, offsets, document")
    async def passage(iri: str = Query(..., description="a gk:Passage IRI")):
        node = _iri(iri)
        rows = await on_graph(lambda g: g.sparql(f"""SELECT ?text ?start ?end ?order ?file ?title ?doc WHERE {{
            {node} a gk:Passage ; gk:text ?text ; gk:charStart ?start ; gk:charEnd ?end ; gk:order ?order ;
               gk:inDocument ?doc . ?doc gk:sourceFile ?file . OPTIONAL {{ ?doc dcterms:title ?title }} }} LIMIT 1"""))
        if not rows:
            return error(404, f"no passage {iri}")
        r = rows[0]
        return {"passage": iri, "doc": r["file"], "document": r["doc"], "title": r["title"],
                "start": int(r["start"]), "end": int(r["end"]), "order": int(r["order"]), "text": r["text"]}

    @app.get("/document", tags=["graph"], summary="one document to read: text, sections, passages (as KnowledgeGraph.document)")
    async def document(file: str = Query(..., description="a source file name (as in /documents) or a document IRI")):
        return await on_graph(lambda g: g.document(file))

    @app.get("/vocabulary", tags=["SPARQL"], summary="prefixes and the terms of the ontology and the data, for query completion")
    async def vocabulary():
        return await on_graph(query_vocabulary)

    @app.get("/entities", tags=["graph"], summary="entities whose label or alias contains q")
    async def entities(q: str = Query(..., description="part of a label"), limit: int = Query(20, ge=1, le=200)):
        return await on_graph(find_entities, q, limit)

    @app.get("/neighbourhood", tags=["graph"], summary="an entity, its properties and its neighbours")
    async def neighbourhood(iri: str = Query(..., description="an entity IRI"),
                            per_predicate: int = Query(12, ge=1, le=100)):
        out = await on_graph(entity_neighbourhood, iri, per_predicate)
        if out is None:
            return error(404, f"nothing in the graph is called {iri}")
        return out

    return app


# ------------------------------------------------------------------ helpers

def _warm_up(graph, lock) -> None:
    """Load the model, the indexes and ask's tables before the first client waits for them."""
    with lock:
        try:
            graph.search("地区生产总值", k=1)
            graph.ask("地区生产总值增长多少")
        except Exception as exc:  # noqa: BLE001 -- the SPARQL endpoint still works without search
            print(f"kg serve: warning: search/ask not available: {exc}", file=sys.stderr)


def load_examples() -> list[dict]:
    """examples/*.rq: name, title (the first comment line) and query text."""
    out = []
    for path in sorted(EXAMPLES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.lstrip("#").strip() if first.startswith("#") else path.stem
        # the page's title: a "# 标题：" comment line, else the first comment line
        title_zh = next((line.split("：", 1)[1].strip() for line in text.splitlines()
                         if line.startswith("# 标题：")), title)
        out.append({"name": path.stem, "title": title, "title_zh": title_zh, "query": text})
    if not out:
        out.append({"name": "count_by_class", "title": "Instances per class", "title_zh": "每个类的实例数",
                    "query": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"})
    return out


def _iri(value: str) -> str:
    """An IRI as a SPARQL term, validated (QueryError for anything that is not an absolute IRI)."""
    import pyoxigraph as ox

    if not value or len(value) > 2000:
        raise QueryError("give an entity IRI")
    try:
        return str(ox.NamedNode(value))
    except ValueError:
        raise QueryError(f"not a valid IRI: {value[:200]}") from None


def _literal(value: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(value))


KINDS = ("Observation", "Passage", "Document", "Metric", "Agency", "Program", "Province", "City",
         "DevelopmentZone", "District", "Town", "Place")
GROUPS = {"Province": "Place", "City": "Place", "District": "Place", "DevelopmentZone": "Place", "Town": "Place"}


def _kind(types: set[str]) -> str:
    local = {t.rsplit("#", 1)[-1] for t in types if t.startswith("https://w3id.org/govkg/ontology#")}
    for k in KINDS:
        if k in local:
            return k
    return "Class" if any(t.endswith(("#Class", "#ObjectProperty", "#DatatypeProperty")) for t in types) else "Other"


def query_vocabulary(graph) -> dict:
    """The prefixes the endpoint declares, and every class and property of the ontology plus every
    predicate the data uses, each with its short form and Chinese/English labels."""

    rows = graph.sparql("""SELECT ?t ?k ?zh ?en WHERE {
        { ?t a ?k VALUES ?k { owl:Class owl:ObjectProperty owl:DatatypeProperty rdf:Property } }
        UNION { SELECT DISTINCT ?t WHERE { ?s ?t ?o } }
        OPTIONAL { ?t rdfs:label ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }
        OPTIONAL { ?t rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) } }""")
    terms: dict[str, dict] = {}
    for r in rows:
        t = terms.setdefault(r["t"], {"iri": r["t"], "short": curie(r["t"]), "kind": "property",
                                      "label": None})
        if r.get("k") and r["k"].endswith("#Class"):
            t["kind"] = "class"
        t["label"] = t["label"] or r.get("zh") or r.get("en")
    return {"prefixes": dict(PREFIXES), "terms": sorted(terms.values(), key=lambda t: t["short"])}


def find_entities(graph, q: str, limit: int = 20) -> list[dict]:
    text = q.strip()
    if not text:
        raise InputError("empty search text")
    if len(text) > 200:
        raise InputError("search text longer than 200 characters")
    rows = graph.sparql(f"""SELECT ?e ?name ?label ?type WHERE {{
        VALUES ?type {{ gk:Place gk:Agency gk:Program gk:Metric gk:Document }}
        ?e a ?type ; rdfs:label ?label . {{ ?e rdfs:label ?name }} UNION {{ ?e skos:altLabel ?name }}
        FILTER(CONTAINS(LCASE(STR(?name)), LCASE({_literal(text)})))
    }} LIMIT 2000""")
    best: dict[str, dict] = {}
    for r in rows:
        score = (0 if r["name"] == text else 1 if r["name"].startswith(text) else 2, len(r["name"]))
        kind = r["type"].rsplit("#", 1)[-1]
        cur = best.get(r["e"])
        if cur is None or score < cur["_score"]:
            best[r["e"]] = {"iri": r["e"], "label": r["label"], "matched": r["name"], "type": kind, "_score": score}
    out = sorted(best.values(), key=lambda x: (x["_score"], x["label"]))[:limit]
    for x in out:
        del x["_score"]
    return out


def entity_neighbourhood(graph, iri: str, per_predicate: int = 12) -> dict | None:
    """The entity's literal properties, and its neighbours (both directions) grouped by predicate,
    at most `per_predicate` of each (the rest counted)."""
    node = _iri(iri)
    out_rows = graph.sparql(f"SELECT ?p ?o WHERE {{ {node} ?p ?o }} LIMIT 3000")
    in_rows = graph.sparql(f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} LIMIT 5000")
    if not out_rows and not in_rows:
        return None
    import pyoxigraph as ox

    raw = graph.query_raw(f"SELECT ?p ?o WHERE {{ {node} ?p ?o FILTER(isLiteral(?o)) }} LIMIT 500")
    properties = [{"predicate": s["p"].value, "name": curie(s["p"].value), "value": s["o"].value,
                   "lang": s["o"].language, "datatype": curie(s["o"].datatype.value)}
                  for s in raw if isinstance(s["o"], ox.Literal)]
    center_types = {r["o"] for r in out_rows if r["p"].endswith("22-rdf-syntax-ns#type")}
    links: list[tuple[str, str, str]] = []  # (predicate, direction, neighbour)
    for r in out_rows:
        o = r["o"]
        if r["p"].endswith("22-rdf-syntax-ns#type") or not o or not o.startswith(("http://", "https://")):
            continue
        if any(p["value"] == o and p["predicate"] == r["p"] for p in properties):
            continue
        links.append((r["p"], "out", o))
    links += [(r["p"], "in", r["s"]) for r in in_rows]
    info = _describe(graph, sorted({n for _, _, n in links} | {iri}))
    # group by predicate, direction and the neighbour's kind (so districts and agencies located
    # in a city both show), at most per_predicate of each group
    groups: dict[tuple[str, str, str], list[str]] = {}
    for pred, direction, n in links:
        groups.setdefault((pred, direction, info.get(n, {}).get("group", "Other")), []).append(n)
    kept: dict[tuple[str, str, str], list[str]] = {}
    omitted = []
    for key, items in sorted(groups.items()):
        items = sorted(set(items), key=lambda n: (info.get(n, {}).get("label") or n, n))
        kept[key] = items[:per_predicate]
        if len(items) > per_predicate:
            omitted.append({"predicate": curie(key[0]), "direction": key[1], "group": key[2],
                            "count": len(items) - per_predicate})
    neighbours = sorted({n for items in kept.values() for n in items})
    nodes = [{"iri": n, **info.get(n, {"label": curie(n), "type": "Other", "group": "Other"})} for n in neighbours]
    # a link is labelled with its property's Chinese name from the ontology, else its short IRI
    names = {p: d["label"] for p, d in _describe(graph, sorted({k[0] for k in kept})).items()
             if d.get("label") and _prefer(d["label"], curie(p))}
    edges = []
    for (pred, direction, _), items in kept.items():
        for n in items:
            source, target = (iri, n) if direction == "out" else (n, iri)
            edges.append({"source": source, "target": target, "predicate": pred, "label": curie(pred),
                          "name": names.get(pred, curie(pred))})
    kind = _kind(center_types)
    center = {"iri": iri, "type": kind, "group": GROUPS.get(kind, kind), **info.get(iri, {"label": curie(iri)})}
    return {"center": center, "properties": properties, "nodes": nodes, "edges": edges, "omitted": omitted}


def _describe(graph, iris: list[str]) -> dict[str, dict]:
    """Label and kind of each IRI (passages get their document and number as a label)."""
    out: dict[str, dict] = {}
    for i in range(0, len(iris), 200):
        chunk = iris[i:i + 200]
        values = " ".join(_iri(x) for x in chunk)
        rows = graph.sparql(f"""SELECT ?x ?type ?label ?file ?order ?title WHERE {{ VALUES ?x {{ {values} }}
            OPTIONAL {{ ?x a ?type }} OPTIONAL {{ ?x rdfs:label ?label }}
            OPTIONAL {{ ?x gk:inDocument ?d ; gk:order ?order . ?d gk:sourceFile ?file
                        OPTIONAL {{ ?d dcterms:title ?title }} }} }}""")
        types: dict[str, set[str]] = {}
        for r in rows:
            types.setdefault(r["x"], set())
            if r["type"]:
                types[r["x"]].add(r["type"])
            entry = out.setdefault(r["x"], {"label": None})
            if r["label"] and (entry["label"] is None or _prefer(r["label"], entry["label"])):
                entry["label"] = r["label"]
            if r["file"] is not None and entry["label"] is None:  # a passage: its number in its document
                entry["label"] = f"段落{r['order']} · {r.get('title') or r['file']}"
        for x, ts in types.items():
            kind = _kind(ts)
            out[x]["type"] = kind
            out[x]["group"] = GROUPS.get(kind, kind)
            if out[x]["label"] is None:
                out[x]["label"] = curie(x)
    return out


def _prefer(new: str, old: str) -> bool:
    """Chinese labels over English ones (the ontology has both)."""
    zh = re.compile(r"[\u4e00-\u9fff]")
    return bool(zh.search(new)) and not zh.search(old)


# ------------------------------------------------------------------ kg serve

def check_options(host: str, port, timeout, max_rows, workers, memory_mb=2048) -> tuple[int, float, int, int, int]:
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise InputError(f"--port must be a number, not {port!r}") from None
    if not 0 <= port <= 65535:
        raise InputError(f"--port must be between 0 and 65535, not {port}")
    try:
        timeout = float(timeout)
    except (TypeError, ValueError):
        raise InputError(f"--timeout must be a number of seconds, not {timeout!r}") from None
    if not 0 < timeout <= 86400:
        raise InputError(f"--timeout must be more than 0 and at most 86400 seconds, not {timeout:g}")
    try:
        max_rows = int(max_rows)
    except (TypeError, ValueError):
        raise InputError(f"--max-rows must be a whole number, not {max_rows!r}") from None
    if not 1 <= max_rows <= 10_000_000:
        raise InputError(f"--max-rows must be between 1 and 10000000, not {max_rows}")
    try:
        workers = int(workers)
    except (TypeError, ValueError):
        raise InputError(f"--workers must be a whole number, not {workers!r}") from None
    if not 1 <= workers <= 64:
        raise InputError(f"--workers must be between 1 and 64, not {workers}")
    try:
        memory_mb = int(memory_mb)
    except (TypeError, ValueError):
        raise InputError(f"--max-memory must be a whole number of MB, not {memory_mb!r}") from None
    if not 256 <= memory_mb <= 1_048_576:
        raise InputError(f"--max-memory must be between 256 and 1048576 MB, not {memory_mb}")
    if not host or not host.strip():
        raise InputError("--host must not be empty")
    return port, timeout, max_rows, workers, memory_mb


def _listen(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve --host {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY only on such sockets, and without it
    # every keep-alive response waits ~40 ms for a delayed ACK (Nagle)
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(workspace=None, host: str = "127.0.0.1", port=8000, timeout=DEFAULT_TIMEOUT, max_rows=DEFAULT_MAX_ROWS,
          workers=2, memory_mb=2048, quiet: bool = False) -> None:
    """Run the server until interrupted (SIGINT/SIGTERM)."""
    import uvicorn

    import kg

    port, timeout, max_rows, workers, memory_mb = check_options(host, port, timeout, max_rows, workers, memory_mb)
    graph = kg.open(workspace)  # a missing workspace fails here, in one line
    sock = _listen(host, port)
    bound = sock.getsockname()[1]
    if not _is_loopback(host):
        print(f"kg serve: warning: listening on {host}, reachable from other machines (no authentication)",
              file=sys.stderr)
    app = create_app(graph, config=ServerConfig(timeout=timeout, max_rows=max_rows, workers=workers,
                                                memory_mb=memory_mb))
    shown = f"[{host}]" if ":" in host else host
    print(f"kg serve: http://{shown}:{bound}/  (build {graph.build_dir.name}; SPARQL at /sparql, timeout "
          f"{timeout:g} s, at most {max_rows} rows; API docs at /docs)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning" if quiet else "info", access_log=not quiet,
                            timeout_graceful_shutdown=5, lifespan="on")
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        raise KGError("the server did not start (see the messages above)")


__all__ = ["create_app", "serve", "ServerConfig", "load_examples", "find_entities", "entity_neighbourhood"]
