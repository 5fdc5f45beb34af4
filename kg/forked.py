"""A build stage run in a forked child process while the build goes on (kg build --jobs N > 1).

SHACL validation of a part of the graph only reads it and reports, and the lexical search index
needs only the passages: they can run beside the rest of the build, on another core. A forked child
sees the parent's objects as they were at the fork (copy-on-write), so nothing is serialized to hand
them over; only the stage's result (a list of violations, a few numbers) comes back through a pipe.

Only for pure-Python work: a child has just the forking thread, so a library whose thread pool was
started in the parent (Oxigraph's loader, ONNX Runtime) would wait forever for its threads there.

A child dies with its parent (PR_SET_PDEATHSIG) and closes every inherited descriptor but its pipe
and the standard streams, so a killed build leaves no process behind and nothing holding the
workspace lock. An exception in the child is raised again in the parent by `result()`.

A shared utility: imports only the standard library (no kg module).
"""
from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys

_PR_SET_PDEATHSIG = 1
_STARTED = b"+"


def die_with_parent(parent: int) -> None:
    """In a forked child: be killed when `parent` dies (Linux), or exit now if it already has."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's cancel() is the only guard
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class Forked:
    """`fn(*args)` in a forked child; `result()` waits for its return value (or its exception)."""

    def __init__(self, fn, *args):
        self.name = getattr(fn, "__name__", "stage")
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 0
            try:
                die_with_parent(parent)
                os.closerange(3, write)
                os.closerange(write + 1, os.sysconf("SC_OPEN_MAX"))
                os.write(write, _STARTED)
                try:
                    payload = pickle.dumps((True, fn(*args)))
                except BaseException as exc:  # noqa: BLE001 -- handed to the parent as it is
                    code = 1
                    try:
                        payload = pickle.dumps((False, exc))
                    except Exception:  # noqa: BLE001 -- an exception that does not pickle
                        payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self._read = pid, read
        # Wait until the child has closed what it inherited: from here on it holds no lock of ours.
        os.read(read, len(_STARTED))

    def result(self):
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        self._read = None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            ok, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 -- an empty or cut pipe: the child was killed
            raise RuntimeError(f"the {self.name} process ended without a result "
                               f"({_describe(status)})") from None
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child (the build failed elsewhere) and reap it."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
        if self._read is not None:
            os.close(self._read)
            self._read = None


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
