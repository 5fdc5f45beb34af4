"""What the routers share: ServeState (one per app, at app.state.serve) with the options, the
build being served and whether start-up warming is done.

The server follows its workspace: when a `kg build` moves `current`, the new build is opened (its
store, workers, search index and ask tables, warmed) beside the old one, then new requests go to
it while requests already running finish on the old one; the old build is let go (its in-use lock
released, so a clean-up may remove it) after its last request.

Imports: kg.query.knowledge_graph (to open a build), kg.errors, kg.serve.options, kg.serve.sparql_worker; no router.
"""
from __future__ import annotations

import asyncio
import sys
import threading
import time

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from kg.errors import KGError
from kg.query.knowledge_graph import open as open_graph
from kg.serve.options import ServerConfig
from kg.serve.sparql_worker import WorkerPool


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

    def _pool(self, graph):
        c = self.config
        return WorkerPool(graph.build_dir / "store", size=c.workers, timeout=c.timeout, max_rows=c.max_rows,
                          memory_mb=c.memory_mb)

    async def start(self, graph) -> None:
        pool = self._pool(graph)
        await pool.start()
        self.served = Served(graph, pool)
        if self.config.warm:
            await run_in_threadpool(warm_up, graph, self.served.lock)

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
        old = self.served
        try:
            graph = await run_in_threadpool(open_graph, old.graph.workspace.root)
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
            await run_in_threadpool(warm_up, graph, new.lock)
        self.served, self.problem = new, None
        old.retired = True
        print(f"kg serve: now serving build {graph.build_dir.name} (was {old.graph.build_dir.name})",
              file=sys.stderr, flush=True)
        if old.users == 0:
            await self._let_go(old)

    async def _let_go(self, s: Served) -> None:
        await s.pool.close()
        s.graph.close()
        await run_in_threadpool(s.graph.workspace.try_clean)  # no build running: remove it now

    async def close(self) -> None:
        if self._switch is not None:
            self._switch.cancel()
        if self.served is not None:
            await self.served.pool.close()
            self.served.graph.close()


class ServeState:
    """The options, the follower (the build being served: graph, SPARQL workers, search/ask lock)
    and `ready`, set once the first build is opened and warmed."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.follower = Follower(config)
        self.ready = False

    async def on_graph(self, fn, *args, locked: bool = False):
        """fn(graph, *args) in a worker thread, on the build being served when the request came
        (search and ask one at a time per build: lazy caches, and the encoder uses all cores)."""
        s = await self.follower.acquire()
        try:
            def call():
                if locked:
                    with s.lock:
                        return fn(s.graph, *args)
                return fn(s.graph, *args)

            return await run_in_threadpool(call)
        finally:
            await self.follower.release(s)


def serve_state(request: Request) -> ServeState:
    """The app's ServeState, for routes (as a FastAPI dependency)."""
    return request.app.state.serve


def warm_up(graph, lock) -> None:
    """Load the model, the indexes and ask's tables before the first client waits for them."""
    with lock:
        try:
            graph.search("地区生产总值", k=1)
            graph.ask("地区生产总值增长多少")
        except Exception as exc:  # noqa: BLE001 -- the SPARQL endpoint still works without search
            print(f"kg serve: warning: search/ask not available: {exc}", file=sys.stderr)
