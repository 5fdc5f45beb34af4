"""Workspace folder layout, manifest and atomic swap.

    .kg/
      current -> builds/<build-id>      a symlink, replaced atomically when a build completes
      builds/<build-id>/
        manifest.json                   corpus hashes, counts, model, versions
        store/                          the Oxigraph RDF store
        ...                             vector and lexical indexes (added by later stages)
      build.lock                        one build at a time
      builds/<build-id>/in-use.lock     held shared by every process reading that build

A build writes a new builds/<id> folder and only then points `current` at it (os.replace of
a symlink is atomic on POSIX), so a failed or killed build leaves the previous one in use.
A build that is no longer current is removed only when no process holds its in-use lock (a
server keeps answering from it until its last request is done), by the next build or by the
server that let it go.

A shared utility: may import only kg.errors.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from kg.errors import WorkspaceError

DEFAULT_WORKSPACE = Path(".kg")
MANIFEST = "manifest.json"
IN_USE = "in-use.lock"


def _in_use(build_dir: Path):
    """An exclusive lock on a build's in-use file if nobody reads the build (the open file, to
    keep it while the folder is removed), else None."""
    try:
        fh = open(build_dir / IN_USE, "a")
    except OSError:
        return open(os.devnull, "a")  # no lock file (a killed build's leftovers): nobody uses it
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


class Workspace:
    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root else DEFAULT_WORKSPACE

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def current(self) -> Path:
        """The folder of the build in use; WorkspaceError naming the fix if there is none."""
        link = self.current_link
        if not link.is_symlink() and not link.exists():
            raise WorkspaceError(f"no knowledge graph in {self.root}/: run `kg build` first")
        target = link.resolve()
        if not (target / MANIFEST).is_file():
            raise WorkspaceError(f"workspace {self.root}/ is corrupt (no manifest in the current build): "
                                 "run `kg build` again")
        return target

    def hold_current(self) -> tuple[Path, object]:
        """The current build and a shared lock on it (an open file; close it to let the build be
        removed once it is no longer current). Retries if a build swap removes it meanwhile."""
        for _ in range(5):
            build_dir = self.current()
            try:
                fh = open(build_dir / IN_USE, "a")
            except FileNotFoundError:
                continue  # removed between reading the link and opening the file
            fcntl.flock(fh, fcntl.LOCK_SH)  # waits while a clean-up is removing this build
            if (build_dir / MANIFEST).is_file():
                return build_dir, fh
            fh.close()
        raise WorkspaceError(f"workspace {self.root}/ keeps changing under this reader: try again")

    def current_target(self) -> Path | None:
        """Where `current` points now (cheap: one readlink), or None."""
        try:
            return (self.root / os.readlink(self.current_link)).resolve()
        except OSError:
            return None

    def manifest(self) -> dict:
        return self.read_manifest(self.current())

    @staticmethod
    def read_manifest(build_dir: Path) -> dict:
        path = build_dir / MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkspaceError(f"workspace manifest unreadable ({exc}): run `kg build` again") from None

    @contextmanager
    def lock(self):
        """An exclusive lock so two builds never write the same workspace at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "build.lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise WorkspaceError(f"another build is writing {self.root}/; wait for it to finish") from None
            yield

    def new_build_dir(self) -> Path:
        self.builds.mkdir(parents=True, exist_ok=True)
        build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        path = self.builds / build_id
        path.mkdir()
        return path

    def publish(self, build_dir: Path, manifest: dict) -> None:
        """Write the manifest last (a build without one is incomplete), fsync, then swap."""
        tmp = build_dir / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, build_dir / MANIFEST)
        link_tmp = self.root / f".current.{uuid.uuid4().hex[:8]}"
        os.symlink(Path("builds") / build_dir.name, link_tmp)
        os.replace(link_tmp, self.current_link)
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self.clean(keep=build_dir)

    def try_clean(self) -> bool:
        """clean() if no build is running (a server calls this after letting a build go)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "build.lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            self.clean()
            return True

    def clean(self, keep: Path | None = None) -> None:
        """Remove builds that are neither current nor `keep` nor in use by a reader (leftovers
        of killed builds, and builds replaced since). Call with the build lock held."""
        try:
            current = self.current_link.resolve() if self.current_link.is_symlink() else None
        except OSError:
            current = None
        for link_tmp in self.root.glob(".current.*"):
            link_tmp.unlink(missing_ok=True)
        if not self.builds.is_dir():
            return
        for path in self.builds.iterdir():
            if path.resolve() in {current, keep.resolve() if keep else None}:
                continue
            held = _in_use(path)
            if held is None:
                continue  # a server still answers from it: removed by a later clean-up
            with held:  # readers wait on this lock while the folder goes
                shutil.rmtree(path, ignore_errors=True)

    def previous_build(self) -> Path | None:
        try:
            return self.current()
        except WorkspaceError:
            return None
