"""Run settings from the environment, checked up front (documented in the README).

- ``AI_NUMBERS_DATA_DIR``: where snapshots, status and published tables live (default ``./data``).
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
    """``AI_NUMBERS_DATA_DIR`` as an absolute path (default ``./data``)."""
    return str(Path(os.environ.get("AI_NUMBERS_DATA_DIR") or "data").resolve())


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

    def effective_data_dir(self) -> Path:
        return Path(self.data_dir).resolve() if self.data_dir else Path(env_data_dir())

    def snapshots(self) -> SnapshotStore:
        return SnapshotStore(self.effective_data_dir())

    def status_dir(self) -> Path:
        return self.effective_data_dir() / "status"
