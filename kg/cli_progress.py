"""Build progress for a log (kg build in a script or CI): a line when a stage ends and a line every
few seconds while one runs. The CLI (kg/cli.py) picks it when stderr is no terminal; imports only
the standard library."""
from __future__ import annotations

import threading
import time


class StageLines:
    """Build progress for a log: a line when a stage ends (items and seconds), and a line every
    `every` seconds while a stage runs (from a timer, so a stage waiting on the encoder still
    shows), with the background encoder's progress (stages named "~…" are such notes)."""

    def __init__(self, out, every: float = 10.0, clock=None, tick: float = 1.0):
        self.out, self.every, self.clock = out, every, clock or time.monotonic
        self.stage, self.items, self.last = None, 0, ""
        self.notes: dict[str, str] = {}
        self.started = self.said = self.clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timer = None
        if tick:
            self._timer = threading.Thread(target=self._tick, args=(tick,), name="kg-progress", daemon=True)
            self._timer.start()

    def __call__(self, stage: str, item: str) -> None:
        with self._lock:
            if stage.startswith("~"):
                self.notes[stage[1:]] = item
                return
            now = self.clock()
            if stage != self.stage:
                self._end(now)
                self.stage, self.items, self.started, self.said = stage, 0, now, now
            self.items += 1
            self.last = item
            self._maybe_say(now)

    def _tick(self, every: float) -> None:
        while not self._stop.wait(every):
            with self._lock:
                self._maybe_say(self.clock())

    def _maybe_say(self, now: float) -> None:
        if self.stage is None or now - self.said < self.every:
            return
        notes = "".join(f"; {k} {v}" for k, v in self.notes.items())
        self._say(f"kg build: {self.stage}: {self.items} so far, {now - self.started:.0f} s ({self.last}){notes}")
        self.said = now

    def _end(self, now: float) -> None:
        if self.stage is not None:
            self._say(f"kg build: {self.stage}: {self.items} done in {now - self.started:.1f} s")

    def finish(self) -> None:
        self._stop.set()
        with self._lock:
            self._end(self.clock())
            self.stage = None

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)
