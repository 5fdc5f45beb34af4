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


def _whole_number(option: str, low: int, high: int, unit: str = ""):
    """A validator of a whole number between low and high: "--OPTION must be between LOW and HIGH[ UNIT]"."""
    must_be = f"{option} must be a number" if option == "--port" else \
        f"{option} must be a whole number" + (f" of {unit}" if unit else "")

    def check(value) -> int:
        number = _converted(int, value, must_be)
        if not low <= number <= high:
            raise ArgumentTypeError(f"{option} must be between {low} and {high}{' ' + unit if unit else ''}, not {number}")
        return number

    return check


port_number = _whole_number("--port", 0, 65535)
row_limit = _whole_number("--max-rows", 1, 10_000_000)
worker_count = _whole_number("--workers", 1, 64)
memory_megabytes = _whole_number("--max-memory", 256, 1_048_576, "MB")


def timeout_seconds(value) -> float:
    timeout = _converted(float, value, "--timeout must be a number of seconds")
    if not 0 < timeout <= 86400:
        raise ArgumentTypeError(f"--timeout must be more than 0 and at most 86400 seconds, not {timeout:g}")
    return timeout


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
