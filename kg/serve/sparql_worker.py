"""SPARQL queries in worker processes that can be stopped.

pyoxigraph has no query timeout and a query cannot be interrupted from another thread, so the
server never evaluates a client's SPARQL in its own process. `WorkerPool` keeps a few worker
processes (`python -m kg.serve.sparql_worker STORE`), each with the store opened read-only; a query
is sent to an idle worker as one JSON line and the serialized result comes back as a JSON header
line plus the body. A worker that misses the deadline is killed (SIGKILL) and replaced, so a
runaway query costs its client an error and nobody else anything. Each worker also runs under a
memory limit (RLIMIT_DATA): a query that would exhaust the machine's memory kills only its worker.

Protocol (one request at a time per worker):
    request   {"query": str, "accept": [[media, q], ...], "format": str|null, "max_rows": int}\\n
    response  {"status": int, "media_type": str, "kind": str, "rows": int, "truncated": bool,
               "length": int} | {"status": int, "error": str, "length": 0}\\n  then `length` bytes
"""
from __future__ import annotations

import asyncio
import json
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError, UpdateRefused, WorkspaceError
from kg.graph import PREFIXES, Store
from kg.serve.sparql_protocol import NotAcceptable, choose_format, serialize

READY = b'{"ready": true}\n'
SPAWN_TIMEOUT = 120.0


# ------------------------------------------------------------------ the worker process

def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource  # lazy: Unix only (ImportError elsewhere: no limit)

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the server process dies, even in the middle of a query."""
    try:
        import ctypes  # lazy: only this Linux-only call needs it

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def handle(store, request: dict) -> tuple[dict, bytes]:
    """Run one query and serialize it; errors become a status and a one-line message."""
    accept = [(str(m), float(q)) for m, q in request.get("accept") or []]
    fmt_param = request.get("format")
    try:
        result = store.query(request["query"])
        out = serialize(result, lambda kind: choose_format(kind, accept, fmt_param),
                        int(request.get("max_rows") or 10000), PREFIXES)
    except UpdateRefused as exc:
        return {"status": 403, "error": str(exc)}, b""
    except QueryError as exc:
        return {"status": 400, "error": str(exc)}, b""
    except NotAcceptable as exc:
        return {"status": 406, "error": str(exc)}, b""
    except WorkspaceError as exc:
        return {"status": 500, "error": str(exc)}, b""
    except MemoryError:
        return {"status": 507, "error": "the query needs more memory than the server allows"}, b""
    except Exception as exc:  # noqa: BLE001 -- evaluation errors (e.g. from pyoxigraph) go to the client
        message = str(exc).splitlines()[0] if str(exc) else ""
        return {"status": 500, "error": f"query evaluation failed: {type(exc).__name__}: {message}"}, b""
    return {"status": 200, "media_type": out.media_type, "kind": out.kind, "rows": out.rows,
            "truncated": out.truncated}, out.body


def worker_main(argv: list[str]) -> int:
    store_path, memory_mb = argv[0], int(argv[1]) if len(argv) > 1 else 0
    _die_with_parent()
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but the protocol goes to the server
    store = Store(Path(store_path))
    _limit_memory(memory_mb)
    out.write(READY)
    out.flush()
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError:
            header, body = {"status": 400, "error": "bad worker request"}, b""
        else:
            header, body = handle(store, request)
        header["length"] = len(body)
        out.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
        out.write(body)
        out.flush()
    return 0


# ------------------------------------------------------------------ the pool (in the server)

@dataclass
class QueryAnswer:
    status: int
    body: bytes = b""
    media_type: str = "text/plain"
    error: str | None = None
    kind: str | None = None
    rows: int = 0
    truncated: bool = False
    seconds: float = 0.0


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        self.queries = 0

    def kill(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass


class WorkerPool:
    """`size` worker processes; `query()` waits at most `timeout` seconds in all (for an idle
    worker and for the answer) and returns at most `max_rows` solutions or triples."""

    def __init__(self, store_path: Path, size: int = 2, timeout: float = 30.0, max_rows: int = 10000,
                 memory_mb: int = 2048):
        self.store_path = Path(store_path)
        self.size, self.timeout, self.max_rows, self.memory_mb = size, timeout, max_rows, memory_mb
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        self.stats = {"queries": 0, "timeouts": 0, "cancelled": 0, "crashes": 0, "respawns": 0, "spawn_failures": 0}
        self.problem: str | None = None  # why workers cannot start, while they cannot

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)

    async def _spawn(self) -> _Worker:
        proc = await asyncio.create_subprocess_exec(  # kg is installed (wheel or editable): importable as is
            sys.executable, "-m", "kg.serve.sparql_worker", str(self.store_path), str(self.memory_mb),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        worker = _Worker(proc)
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), SPAWN_TIMEOUT)
        except asyncio.TimeoutError:
            line = b""
        if line != READY:
            worker.kill()
            await proc.wait()
            raise RuntimeError(f"a SPARQL worker failed to start on {self.store_path} (exit code {proc.returncode})")
        self._all.add(worker)
        self.problem = None
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (a runaway or broken one) and start its replacement in the background."""
        worker.kill()
        self._all.discard(worker)
        if self._closed:
            return
        self.stats["respawns"] += 1
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, old: _Worker) -> None:
        await old.proc.wait()
        delay = 0.5
        while not self._closed:
            try:
                worker = await self._spawn()
            except (RuntimeError, OSError) as exc:
                self.stats["spawn_failures"] += 1
                self.problem = f"{exc}; retrying every {delay:g} s"
                print(f"kg serve: {self.problem}", file=sys.stderr, flush=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            if self._closed:
                worker.kill()
                return
            self._idle.put_nowait(worker)
            return

    @property
    def idle(self) -> int:
        return self._idle.qsize() if self._idle is not None else 0

    @property
    def live(self) -> int:
        """Workers running (idle or busy)."""
        return len(self._all)

    @property
    def healthy(self) -> bool:
        """Queries can be answered: a worker is running, or none has failed to start."""
        return self.live > 0 or self.problem is None

    async def query(self, query: str, accept: list[tuple[str, float]], format_param: str | None = None,
                    timeout: float | None = None) -> QueryAnswer:
        """timeout: what is left of the server's limit when part of the request already ran (the
        search blocks of a query, kg/search_service.py); the message names the server's limit."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        limit = self.timeout if timeout is None else max(0.001, min(timeout, self.timeout))
        deadline = started + limit
        self.stats["queries"] += 1
        if not self.healthy:  # no worker and none can start: say so at once, never hang
            return QueryAnswer(503, error=f"no SPARQL worker is running ({self.problem})")
        try:
            worker = await asyncio.wait_for(self._idle.get(), limit)
        except asyncio.TimeoutError:
            self.stats["timeouts"] += 1
            return QueryAnswer(503, error=f"all {self.size} query workers stayed busy for {self.timeout:g} s "
                                          "(the server's query timeout); try again later")
        done = False
        try:
            request = {"query": query, "accept": accept, "format": format_param, "max_rows": self.max_rows}
            worker.proc.stdin.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
            await worker.proc.stdin.drain()
            head = await asyncio.wait_for(worker.proc.stdout.readline(), max(0.001, deadline - loop.time()))
            if not head:
                raise EOFError
            header = json.loads(head)
            body = b""
            if header.get("length"):
                body = await asyncio.wait_for(worker.proc.stdout.readexactly(header["length"]),
                                              max(0.001, deadline - loop.time()))
            done = True
            worker.queries += 1
        except asyncio.TimeoutError:
            self.stats["timeouts"] += 1
            return QueryAnswer(503, error=f"query stopped: it ran longer than the server's limit of "
                                          f"{self.timeout:g} s (add a LIMIT or narrow the patterns)",
                               seconds=loop.time() - started)
        except (EOFError, asyncio.IncompleteReadError, BrokenPipeError, ConnectionResetError, ValueError):
            self.stats["crashes"] += 1
            try:
                code = await asyncio.wait_for(worker.proc.wait(), 2.0)
            except asyncio.TimeoutError:
                code = None
            why = ("it ran out of the memory allowed to one query" if code in (-signal.SIGABRT, -signal.SIGSEGV,
                                                                                 -signal.SIGKILL, 134, 137)
                   else f"the query worker exited with code {code}")
            return QueryAnswer(500, error=f"query stopped: {why}", seconds=loop.time() - started)
        finally:
            if done:
                self._idle.put_nowait(worker)
            else:  # timed out, crashed, or the request was cancelled mid-query
                self._retire(worker)
        seconds = loop.time() - started
        if header["status"] != 200:
            return QueryAnswer(header["status"], error=header.get("error") or "query failed", seconds=seconds)
        return QueryAnswer(200, body=body, media_type=header["media_type"], kind=header["kind"],
                           rows=header["rows"], truncated=header["truncated"], seconds=seconds)

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        workers = list(self._all)
        while self._idle is not None and not self._idle.empty():
            workers.append(self._idle.get_nowait())
        for w in set(workers):
            w.kill()
        for w in set(workers):
            try:
                await asyncio.wait_for(w.proc.wait(), 5.0)
            except asyncio.TimeoutError:
                pass
        self._all.clear()


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
