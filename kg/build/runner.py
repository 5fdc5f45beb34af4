"""The build runner: a list of Steps run in order over one BuildContext, under the workspace lock.

The runner owns what every step shares: the fault-injection checkpoint before each step, pausing
the cyclic garbage collector from the step that asks for it on, the decision to fork (how many
processes extract, whether the later stages fork), and clean-up when any step fails (forked stages
cancelled, the extraction pool closed, the unfinished build folder removed; the previous build
stays current). Imports kg.build.context and kg.errors only.
"""
from __future__ import annotations

import gc
import os
import shutil
import sys
import time
from dataclasses import dataclass
from typing import Callable

from kg.build.context import BuildContext, BuildReport
from kg.errors import InputError


@dataclass(frozen=True)
class Step:
    name: str  # also its checkpoint: KG_PAUSE_AT=<name> pauses the build before it
    run: Callable[[BuildContext], None]
    pauses_collector: bool = False  # from this step on the cyclic garbage collector is paused


def checkpoint(stage: str) -> None:
    """Fault-injection point for the robustness tests: with KG_PAUSE_AT=<stage> the build
    announces the stage on stderr and sleeps, so a test can SIGKILL it exactly there."""
    if os.environ.get("KG_PAUSE_AT") == stage:
        print(f"kg: paused at {stage}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("KG_PAUSE_SECONDS", "60")))


def extraction_jobs(jobs: int | None, documents: int) -> int:
    """How many processes extract `documents` documents: as asked (default: one per core), never
    more than the documents, and one (no pool) for fewer than three, where forking costs more than
    it saves."""
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise InputError(f"--jobs must be a whole number ≥ 1, not {jobs!r}")
    wanted = jobs if jobs is not None else (os.cpu_count() or 1)
    return 1 if documents < 3 else min(wanted, documents)


def forks_stages(jobs: int | None) -> bool:
    """Whether the stages after the graph run in forked processes: with more than one job (default:
    one per core)."""
    return (jobs if jobs is not None else os.cpu_count() or 1) > 1


def run_steps(ctx: BuildContext, steps: list[Step]) -> BuildReport:
    """Run `steps` over `ctx` under the workspace lock; a step that sets ctx.report ends the build
    there (nothing to build). Any failure stops what runs beside the build and removes its folder."""
    with ctx.ws.lock():
        collecting = gc.isenabled()
        try:
            for step in steps:
                checkpoint(step.name)
                if step.pauses_collector:
                    gc.disable()
                step.run(ctx)
                if ctx.report is not None:
                    return ctx.report
        except BaseException:
            _abandon(ctx)
            raise
        finally:
            if collecting:
                gc.enable()
    return BuildReport(ctx.build_dir, ctx.documents, ctx.skipped, ctx.counts, ctx.violations,
                       time.perf_counter() - ctx.started, reused=len(ctx.cached))


def _abandon(ctx: BuildContext) -> None:
    for stage in ctx.stages.values():
        stage.cancel()
    if ctx.pool is not None:
        ctx.pool.close()
    if ctx.build_dir is not None:
        shutil.rmtree(ctx.build_dir, ignore_errors=True)
