"""One update at a time per data dir, and the clean-up of what a killed run left.

:func:`run_lock` holds ``<data_dir>/.run.lock`` (an OS file lock, the ``filelock``
package: ``flock`` on POSIX, so the kernel releases it when the holder dies, even by
SIGKILL) for the whole update (:func:`pipelines.runner.update_all`). A second update on the
same data dir waits for the first, up to ``AI_NUMBERS_LOCK_WAIT_SECONDS`` (default one
hour), then refuses with :class:`RunLocked`. Published files and snapshots are written to
a temporary file and renamed (:func:`pipelines.snapshots.atomic_write`), so a killed run
leaves each file old or new; its temporary files (``.<name>.<pid>.*.tmp``) are removed by
the next update once their writer is gone (:func:`sweep_temporary_files`).

Runs launched by the Dagster daemon or UI (the jobs of ``pipelines.definitions``) do not
pass through ``update_all`` and so never take the update lock: two of them, or one beside
``ai-numbers run``, may run at once. Every step that writes into ``published/`` therefore
holds :func:`publish_lock` (``<data_dir>/.publish.lock``) while it writes: a table and its
stale marker (the Parquet IO manager), a history migration, the catalog (which hashes the
files it describes), the report and its charts. Each writer's files are then a whole set
from one run, and the catalog describes the files as they are when it is written.

A data dir on object storage (a URL, :mod:`pipelines.store`) has no OS file lock: its lock
is a local file named after the URL (:func:`lock_path`), which keeps the updates of one
machine apart (updates from several machines are kept apart by the deployment's run queue,
one run per source); objects are put whole, so there are no temporary files to sweep.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipelines.settings import env_lock_wait_seconds
from pipelines.store import is_local, is_url

LOCK_FILE = ".run.lock"
PUBLISH_LOCK_FILE = ".publish.lock"
#: Default longest wait for another update's lock, in seconds.
LOCK_WAIT_SECONDS = 3600.0
#: Temporary file of an atomic write: ``.<name>.<writer pid>.<random>.tmp``.
_TEMP = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")
_SWEPT = ("published", "snapshots", "status")


class RunLocked(RuntimeError):
    """Another update holds the data dir's lock longer than the wait allowed."""


@contextmanager
def run_lock(data_dir: str | Path, timeout: float | None = None,
             log=lambda msg: None) -> Iterator[Path]:
    """Hold the update lock of ``data_dir`` (``<data_dir>/.run.lock``) inside the block,
    then sweep the temporary files of dead writers. ``timeout`` (seconds; default
    ``AI_NUMBERS_LOCK_WAIT_SECONDS``, else :data:`LOCK_WAIT_SECONDS`) bounds the wait;
    ``log`` is told when the update has to wait. Yields the lock file's path.

    Raises:
        RunLocked: the lock was not free within ``timeout`` (names the lock file).
    """
    path = lock_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = timeout if timeout is not None else (env_lock_wait_seconds() or LOCK_WAIT_SECONDS)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"waiting for another update of {data_dir} to finish (lock {path}, up to "
            f"{wait:g} s)")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise RunLocked(f"another update of {data_dir} still holds {path} after "
                            f"{wait:g} s (AI_NUMBERS_LOCK_WAIT_SECONDS); this one did not "
                            "start") from None
    try:
        sweep_temporary_files(data_dir)
        yield path
    finally:
        lock.release()


def lock_path(data_dir: str | Path, name: str = LOCK_FILE) -> Path:
    """The lock file ``name`` of ``data_dir``: ``<data_dir>/<name>`` (default ``.run.lock``);
    for a URL, a local file ``<temp dir>/ai-numbers-locks/<sha256 of the URL, 16 hex><name>``."""
    if is_url(str(data_dir)):
        digest = hashlib.sha256(str(data_dir).rstrip("/").encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / "ai-numbers-locks" / f"{digest}{name}"
    return Path(data_dir) / name


@contextmanager
def publish_lock(data_dir: str | Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold ``<data_dir>/.publish.lock`` (an OS file lock, released by the kernel when its
    holder dies) inside the block: one writer into ``published/`` at a time, across
    processes and runs. Re-entrant within a process (one lock object per file). ``timeout``
    (seconds; default ``AI_NUMBERS_LOCK_WAIT_SECONDS``, else :data:`LOCK_WAIT_SECONDS`)
    bounds the wait. Yields the lock file's path.

    Raises:
        RunLocked: another writer held the lock longer than ``timeout`` (names the file).
    """
    path = lock_path(data_dir, PUBLISH_LOCK_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = timeout if timeout is not None else (env_lock_wait_seconds() or LOCK_WAIT_SECONDS)
    lock = FileLock(str(path.resolve()), is_singleton=True)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise RunLocked(f"another run kept writing into {Path(data_dir) / 'published'} "
                        f"(lock {path}) for more than {wait:g} s "
                        "(AI_NUMBERS_LOCK_WAIT_SECONDS); nothing was written") from None
    try:
        yield path
    finally:
        lock.release()


def sweep_temporary_files(data_dir: str | Path) -> list[Path]:
    """Remove the temporary files of atomic writes whose writer process is gone (a run
    killed mid-write) under ``published/``, ``snapshots/`` and ``status/``; returns them.
    A temporary file of a live process is left alone. None on object storage."""
    removed = []
    if not is_local(data_dir):
        return removed
    for folder in _SWEPT:
        for tmp in (Path(data_dir) / folder).rglob(".*.tmp"):
            match = _TEMP.match(tmp.name)
            if match and not _alive(int(match.group(1))):
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
