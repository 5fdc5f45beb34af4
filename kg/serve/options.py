"""The server's options: their defaults, ServerConfig (what the app is built with), and one
validator per `kg serve` option.

Each validator is an argparse `type=` callable (it raises argparse.ArgumentTypeError with the
message the user sees); check_options runs them all for a Python caller and raises InputError.
Imports: argparse and kg.errors only.
"""
from __future__ import annotations

from argparse import ArgumentTypeError

from kg.errors import InputError

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10000


class ServerConfig:
    def __init__(self, timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, workers: int = 2,
                 memory_mb: int = 2048, warm: bool = True):
        self.timeout, self.max_rows, self.workers, self.memory_mb, self.warm = timeout, max_rows, workers, memory_mb, warm


def _converted(convert, value, must_be: str):
    """convert(value), or ArgumentTypeError("<must_be>, not <value>")."""
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{must_be}, not {value!r}") from None


def port_number(value) -> int:
    port = _converted(int, value, "--port must be a number")
    if not 0 <= port <= 65535:
        raise ArgumentTypeError(f"--port must be between 0 and 65535, not {port}")
    return port


def timeout_seconds(value) -> float:
    timeout = _converted(float, value, "--timeout must be a number of seconds")
    if not 0 < timeout <= 86400:
        raise ArgumentTypeError(f"--timeout must be more than 0 and at most 86400 seconds, not {timeout:g}")
    return timeout


def row_limit(value) -> int:
    max_rows = _converted(int, value, "--max-rows must be a whole number")
    if not 1 <= max_rows <= 10_000_000:
        raise ArgumentTypeError(f"--max-rows must be between 1 and 10000000, not {max_rows}")
    return max_rows


def worker_count(value) -> int:
    workers = _converted(int, value, "--workers must be a whole number")
    if not 1 <= workers <= 64:
        raise ArgumentTypeError(f"--workers must be between 1 and 64, not {workers}")
    return workers


def memory_megabytes(value) -> int:
    memory_mb = _converted(int, value, "--max-memory must be a whole number of MB")
    if not 256 <= memory_mb <= 1_048_576:
        raise ArgumentTypeError(f"--max-memory must be between 256 and 1048576 MB, not {memory_mb}")
    return memory_mb


def host_name(value: str) -> str:
    if not value or not value.strip():
        raise ArgumentTypeError("--host must not be empty")
    return value


def check_options(host: str, port, timeout, max_rows, workers, memory_mb=2048) -> tuple[int, float, int, int, int]:
    """The options as numbers, checked port first and host last; InputError names the first bad one."""
    try:
        checked = (port_number(port), timeout_seconds(timeout), row_limit(max_rows), worker_count(workers),
                   memory_megabytes(memory_mb))
        host_name(host)
    except ArgumentTypeError as exc:
        raise InputError(str(exc)) from None
    return checked


__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_MAX_ROWS", "ServerConfig", "check_options", "port_number", "timeout_seconds",
           "row_limit", "worker_count", "memory_megabytes", "host_name"]
