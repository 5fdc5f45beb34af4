"""The API's errors: one line of JSON, {"error": message}, for every failure outside /sparql
(which answers in text/plain, as the SPARQL protocol's clients expect: kg/serve/sparql_routes.py).
A client that prefers Chinese (Accept-Language: zh…, as the web page sends) also gets
"message_zh", the message in Chinese (kg/serve/messages_zh.py); others get the same JSON as ever.

Imports: fastapi/starlette, kg.errors and kg.serve.messages_zh only.
"""
from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import KGError, WorkspaceError
from kg.serve.messages_zh import message_zh


def prefers_chinese(request) -> bool:
    """Accept-Language names Chinese first (zh, zh-CN …)."""
    first = (request.headers.get("accept-language") or "").split(",")[0].strip().lower() if request else ""
    return first.startswith("zh")


def json_error(status: int, message: str, request=None) -> JSONResponse:
    body = {"error": message}
    if prefers_chinese(request):
        body["message_zh"] = message_zh(message)
    return JSONResponse(body, status_code=status)


async def _kg_error(request, exc: KGError):
    status = 503 if isinstance(exc, WorkspaceError) else 400
    return json_error(status, str(exc), request)


async def _bad_params(request, exc: RequestValidationError):
    problems = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {e.get('msg', 'invalid')}")
    return json_error(400, "bad request: " + "; ".join(problems), request)


async def _http_error(request, exc: StarletteHTTPException):
    return json_error(exc.status_code, str(exc.detail), request)


async def _internal(request, exc: Exception):
    return json_error(500, f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def add_error_handlers(app) -> None:
    """KGError is 400 (503 for a workspace that cannot be read), bad parameters 400, HTTP errors
    keep their status, anything else 500: each as one line of JSON."""
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(RequestValidationError, _bad_params)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal)
