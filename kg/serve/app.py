"""`kg serve`: the SPARQL 1.1 Protocol at /sparql, /search and /ask (the CLI's JSON), and a web
page at / for analysts (kg/static/, no request leaves the server).

This module builds the app (create_app: the middleware, the error handlers, the static files and
one router per area) and runs it (serve). The routers: page_routes (/), sparql_routes (/sparql),
search_routes (/search, /ask, /compare), service_routes (/health, /info, /overview, /examples),
graph_routes (/documents, /document, /passage, /vocabulary, /entities, /neighbourhood). They share
one ServeState (kg/serve/state.py: the options, the build being served and its workers).

Imports: fastapi, uvicorn, kg.errors, kg.query.knowledge_graph (to open the build), kg.resources,
kg.version and the kg.serve modules.
"""
from __future__ import annotations

import ipaddress
import socket
import sys
from contextlib import asynccontextmanager

import uvicorn
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from kg.errors import InputError, KGError
from kg.query.knowledge_graph import open as open_graph
from kg.resources import STATIC_DIR  # the page and its files
from kg.serve.graph_routes import router as graph_router
from kg.serve.http_errors import add_error_handlers
from kg.serve.options import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, ServerConfig, check_options
from kg.serve.page_routes import router as page_router
from kg.serve.search_routes import router as search_router
from kg.serve.service_routes import router as service_router
from kg.serve.sparql_routes import router as sparql_router
from kg.serve.state import ServeState
from kg.version import __version__

# in this order (the order of the API docs)
ROUTERS = (page_router, sparql_router, search_router, service_router, graph_router)
API_TAGS = [{"name": "SPARQL", "description": "SPARQL 查询（只读）及查询补全用的词表"},
            {"name": "search", "description": "检索、问答与指标对比"},
            {"name": "service", "description": "服务状态、语料概况与示例查询"},
            {"name": "graph", "description": "文件、段落与图谱中的实体"}]


def create_app(graph=None, workspace=None, config: ServerConfig | None = None):
    """The FastAPI application over one opened KnowledgeGraph."""
    config = config or ServerConfig()
    graph = graph if graph is not None else open_graph(workspace)
    state = ServeState(config)

    @asynccontextmanager
    async def lifespan(app):
        await state.follower.start(graph)
        app.state.follower = state.follower
        state.ready = True
        try:
            yield
        finally:
            await state.follower.close()

    app = FastAPIOffline(
        title="govkg 政务知识图谱 API", version=__version__, lifespan=lifespan, openapi_tags=API_TAGS,
        description="政府文件的知识图谱与语义检索：/sparql 提供只读的 SPARQL 1.1 查询协议，/search 检索段落，"
                    "/ask 给出附原文出处的回答，/compare 对比指标，网页在 / 。出错时返回一行 JSON "
                    "{\"error\": 英文说明}；请求头 Accept-Language 以 zh 开头时另附 \"message_zh\"（中文说明）。"
                    "（Knowledge graph and semantic search over Chinese government documents.）")
    app.state.serve = state
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Accept", "Content-Type"],
                       expose_headers=["X-SPARQL-MaxRows", "X-KG-Rows", "X-KG-Seconds"], max_age=600)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    add_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app


# ------------------------------------------------------------------ kg serve

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
    port, timeout, max_rows, workers, memory_mb = check_options(host, port, timeout, max_rows, workers, memory_mb)
    graph = open_graph(workspace)  # a missing workspace fails here, in one line
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


__all__ = ["create_app", "serve", "ServerConfig", "check_options"]
