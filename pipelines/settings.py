"""Run settings from the environment, checked up front (documented in the README).

- ``AI_NUMBERS_DATA_DIR``: where snapshots, status and published tables live (default ``./data``):
  a folder, or a URL on object storage (``s3://bucket/prefix``, any fsspec protocol, with
  ``AI_NUMBERS_STORAGE_OPTIONS``): :mod:`pipelines.store`.
- ``AI_NUMBERS_MODE``: ``auto`` (default: fetch every registered source; a source whose host
  does not answer falls back to its newest local snapshot, then to the bundled reference
  figures), ``offline`` (no request: newest local snapshot, else the reference figures) or
  ``live`` (fetch every source; a run where every request fails is an error, exit code 3).
- ``AI_NUMBERS_UPSTREAM_MIRROR``: base URL; every request for ``https://{host}/{path}?{query}``
  goes to ``{mirror}/{host}/{path}?{query}`` instead (``shared/upstream/README.md``).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from dagster import ConfigurableResource

from pipelines.snapshots import SnapshotStore
from pipelines.store import (
    StoreError,
    StorePath,
    check_writable_remote,
    data_root,
    is_local,
    is_url,
)

MODES = ("auto", "offline", "live")
#: Modes that fetch (``Fetcher`` makes requests).
FETCHING_MODES = ("auto", "live")


class SettingsError(ValueError):
    """An ``AI_NUMBERS_*`` environment variable has a value the pipeline cannot use."""


def env_mode() -> str:
    """``AI_NUMBERS_MODE`` (``auto`` when unset). Raises SettingsError on other values."""
    mode = os.environ.get("AI_NUMBERS_MODE", "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise SettingsError(f"AI_NUMBERS_MODE={mode!r}: expected one of {MODES}")
    return mode


def env_data_dir() -> str:
    """``AI_NUMBERS_DATA_DIR`` as an absolute path (default ``./data``), or as the URL it is
    (``s3://bucket/prefix``, any fsspec protocol: :mod:`pipelines.store`)."""
    value = (os.environ.get("AI_NUMBERS_DATA_DIR") or "").strip() or "data"
    return value.rstrip("/") if is_url(value) else str(Path(value).resolve())


def env_mirror() -> str | None:
    """``AI_NUMBERS_UPSTREAM_MIRROR`` without a trailing slash, or None."""
    value = (os.environ.get("AI_NUMBERS_UPSTREAM_MIRROR") or "").strip().rstrip("/")
    if not value:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a port out of range)
    except ValueError as exc:
        raise SettingsError(f"AI_NUMBERS_UPSTREAM_MIRROR={value!r}: not a URL ({exc})") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"AI_NUMBERS_UPSTREAM_MIRROR={value!r}: not an http(s) URL")
    return value


def env_live_refresh() -> bool:
    """``AI_NUMBERS_LIVE_REFRESH``: ``1`` (or ``true``/``yes``/``on``) when this instance is
    set up for live refresh, so its schedule and sensors start RUNNING under ``make ui``;
    unset or ``0`` (the default): they are STOPPED until turned on.

    Raises:
        SettingsError: any other value.
    """
    value = (os.environ.get("AI_NUMBERS_LIVE_REFRESH") or "0").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"AI_NUMBERS_LIVE_REFRESH={value!r}: expected 1 or 0")


def env_sensor_timeout() -> float:
    """``AI_NUMBERS_SENSOR_TIMEOUT_SECONDS`` (default 5): connect and read timeout of each
    listing request a sensor tick makes (no retry), so a tick ends well inside Dagster's
    sensor deadline (60 s) even when a host hangs (it is then not asked again, see
    :class:`pipelines.http.HttpSource`).

    Raises:
        SettingsError: not a number in (0, 30].
    """
    raw = (os.environ.get("AI_NUMBERS_SENSOR_TIMEOUT_SECONDS") or "5").strip()
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 30:
        raise SettingsError(f"AI_NUMBERS_SENSOR_TIMEOUT_SECONDS={raw!r}: expected a number "
                            "of seconds in (0, 30]")
    return value



class PipelineSettings(ConfigurableResource):
    """Run settings: ``mode`` (auto/offline/live) and ``data_dir``; empty means "from the
    environment" (``AI_NUMBERS_MODE``, ``AI_NUMBERS_DATA_DIR``), read at run time."""

    mode: str = ""
    data_dir: str = ""

    def effective_mode(self) -> str:
        if self.mode:
            if self.mode not in MODES:
                raise SettingsError(f"mode={self.mode!r}: expected one of {MODES}")
            return self.mode
        return env_mode()

    def effective_data_dir(self) -> StorePath:
        """The data dir: an absolute local Path, or a UPath for a URL (pipelines.store)."""
        if not self.data_dir:
            return data_root(env_data_dir())
        return data_root(self.data_dir if is_url(self.data_dir)
                         else str(Path(self.data_dir).resolve()))

    def snapshots(self) -> SnapshotStore:
        return SnapshotStore(self.effective_data_dir())

    def status_dir(self) -> StorePath:
        return self.effective_data_dir() / "status"


def _env_number(name: str, kind=float):
    """``name`` from the environment as a positive ``kind``, or None when unset.

    Raises:
        SettingsError: set but not a positive number."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise SettingsError(f"{name}={raw!r}: expected a positive number")
    return value


def env_archive_limits() -> tuple[int | None, float | None]:
    """``(AI_NUMBERS_MAX_INFLATED_BYTES, AI_NUMBERS_MAX_INFLATE_RATIO)``: limits on one zip
    member's inflated size (bytes) and inflated/compressed ratio; None where unset (the
    reader's defaults apply). Raises SettingsError on a value that is not positive."""
    return _env_number("AI_NUMBERS_MAX_INFLATED_BYTES", int), \
        _env_number("AI_NUMBERS_MAX_INFLATE_RATIO", float)


def env_max_wait_seconds() -> float | None:
    """``AI_NUMBERS_MAX_WAIT_SECONDS``: the longest server-requested wait (``Retry-After``)
    the HTTP client obeys, in seconds; None when unset. Raises SettingsError."""
    return _env_number("AI_NUMBERS_MAX_WAIT_SECONDS", float)


def env_lock_wait_seconds() -> float | None:
    """``AI_NUMBERS_LOCK_WAIT_SECONDS``: how long an update waits for another update of the
    same data dir to finish before refusing (:mod:`pipelines.runlock`); None when unset.
    Raises SettingsError on a value that is not positive."""
    return _env_number("AI_NUMBERS_LOCK_WAIT_SECONDS", float)


#: Default number of GitHub API calls left unused (``AI_NUMBERS_RATE_LIMIT_RESERVE``).
RATE_LIMIT_RESERVE = 5


def env_rate_limit_reserve() -> int:
    """``AI_NUMBERS_RATE_LIMIT_RESERVE``: how many calls of a rate-limited API's budget
    (``X-RateLimit-Remaining``) are left unused for other tools on the same address or
    token; once no more than this many remain, the rest of the calls wait for the next run
    (default :data:`RATE_LIMIT_RESERVE`; ``0`` spends the whole budget).

    Raises:
        SettingsError: not a whole number >= 0."""
    raw = (os.environ.get("AI_NUMBERS_RATE_LIMIT_RESERVE") or "").strip()
    if not raw:
        return RATE_LIMIT_RESERVE
    if not raw.isdigit():
        raise SettingsError(f"AI_NUMBERS_RATE_LIMIT_RESERVE={raw!r}: expected a whole "
                            "number >= 0")
    return int(raw)


def env_mirror_tokens() -> bool:
    """``AI_NUMBERS_MIRROR_TOKENS``: ``1``/``true``/``yes`` lets ``HF_TOKEN`` and
    ``GITHUB_TOKEN`` go to the upstream mirror too (off by default: a mirror is another host).
    Raises SettingsError on another value."""
    raw = (os.environ.get("AI_NUMBERS_MIRROR_TOKENS") or "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise SettingsError(f"AI_NUMBERS_MIRROR_TOKENS={raw!r}: expected 1 or 0")


def check_writable(data_dir: str | Path) -> None:
    """Check, before a run, that the folders it writes can be written: ``data_dir`` itself,
    its ``snapshots/``, ``status/`` and ``published/`` (each that exists; a missing one must be
    creatable in its parent).

    Raises:
        SettingsError: naming the first folder that cannot be written (e.g. a read-only
            ``published/``) and what to do.
    """
    try:
        root = data_root(data_dir)
        if not is_local(root):  # object storage: no folders to check, one probe object
            check_writable_remote(root)
            return
    except StoreError as exc:
        raise SettingsError(str(exc)) from exc
    for folder in (root, root / "snapshots", root / "status", root / "published"):
        target = folder if folder.exists() else folder.parent
        if not target.exists():
            continue
        if not target.is_dir() or not os.access(target, os.W_OK | os.X_OK):
            raise SettingsError(
                f"{folder} is not writable (AI_NUMBERS_DATA_DIR={root}): the run writes its "
                f"{folder.name}/ there; make it writable or choose another AI_NUMBERS_DATA_DIR")
        try:
            probe = target / f".write-check-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise SettingsError(f"{folder} is not writable (AI_NUMBERS_DATA_DIR={root}): "
                                f"{exc.strerror or exc}") from exc
