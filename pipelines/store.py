"""The data store: where ``AI_NUMBERS_DATA_DIR`` points, a local folder or object storage.

A plain path (the default ``./data``) is a local folder, used through :class:`pathlib.Path`
exactly as before. A URL with a scheme (``s3://bucket/prefix``, ``gs://...``, ``memory://...``:
any protocol of `fsspec`) is used through :class:`upath.UPath` (universal-pathlib), which
has the same path API (``/``, ``exists``, ``glob``, ``read_bytes``, ``open``...) over the
protocol's fsspec filesystem. The filesystem's options (``endpoint_url``, ``key``, ...) come
from ``AI_NUMBERS_STORAGE_OPTIONS`` (a JSON object) and otherwise from the protocol's own
configuration (for S3: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL_S3``,
``~/.aws``...).

Writes are atomic for readers both ways: a local file is written to a temporary name in its
folder and renamed over the old one; an object is written in one request of the whole body
(``pipe_file``: one S3 ``PUT``, or a multipart upload that only appears when completed), never
streamed to its final key, so a reader sees the old or the new object, never part of one.
Readers of Parquet go through :func:`read_parquet` / :func:`arrow_source`, which hand pandas
and pyarrow the filesystem along with the path.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

import pandas as pd

if TYPE_CHECKING:  # imported where used, off loading the definitions (README, Performance)
    import pyarrow as pa
    from upath import UPath

#: Protocols that are the local disk (a UPath of one of them is used as a plain Path).
_LOCAL = ("", "file", "local")

#: A data dir: a local folder or a path on an fsspec filesystem.
StorePath: TypeAlias = "Path | UPath"


def is_upath(value: object) -> bool:
    """Whether ``value`` is a :class:`upath.UPath` (without importing universal-pathlib,
    which is only imported, by :func:`data_root` or Dagster's IO manager, when one exists)."""
    module = sys.modules.get("upath")
    return module is not None and isinstance(value, module.UPath)


class StoreError(ValueError):
    """``AI_NUMBERS_DATA_DIR`` or ``AI_NUMBERS_STORAGE_OPTIONS`` cannot be used."""


def is_url(value: str) -> bool:
    """Whether ``value`` names object storage (a URL with a scheme other than ``file``),
    rather than a local folder."""
    scheme = urlsplit(value).scheme if "://" in value else ""
    return scheme.lower() not in _LOCAL and len(scheme) > 1  # "C:\\x" is not a URL


def env_storage_options() -> dict:
    """``AI_NUMBERS_STORAGE_OPTIONS``: keyword arguments of the data dir's fsspec filesystem
    (e.g. ``{"endpoint_url": "http://127.0.0.1:9000"}`` for S3), ``{}`` when unset.

    Raises:
        StoreError: the value is not a JSON object (names the variable)."""
    raw = (os.environ.get("AI_NUMBERS_STORAGE_OPTIONS") or "").strip()
    if not raw:
        return {}
    try:
        options = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"AI_NUMBERS_STORAGE_OPTIONS is not JSON ({exc})") from exc
    if not isinstance(options, dict):
        raise StoreError("AI_NUMBERS_STORAGE_OPTIONS: expected a JSON object of fsspec "
                         f"storage options, got {type(options).__name__}")
    return options


def data_root(value: str | PurePath) -> StorePath:
    """The data dir ``value`` as a path: a :class:`pathlib.Path` for a local folder (as
    given: relative stays relative), a :class:`upath.UPath` (with :func:`env_storage_options`)
    for a URL.

    Raises:
        StoreError: a URL whose protocol fsspec does not know, or bad storage options."""
    if is_upath(value):
        return value if not is_local(value) else Path(value.path)
    if isinstance(value, PurePath) or not is_url(value):
        return Path(value)
    try:
        from upath import UPath

        return UPath(value.rstrip("/"), **env_storage_options())
    except (ValueError, ImportError) as exc:
        raise StoreError(f"AI_NUMBERS_DATA_DIR={value!r}: cannot be opened ({exc})") from exc


def as_store_path(path: str | PurePath) -> StorePath:
    """``path`` (e.g. a UPath from Dagster's ``UPathIOManager``) as the store uses it: a
    local one as :class:`pathlib.Path`, a remote one unchanged."""
    if is_upath(path) and not is_local(path):
        return path
    return Path(path.path if is_upath(path) else path)


def is_local(path: str | PurePath) -> bool:
    """Whether ``path`` is on the local disk (a Path, or a UPath of the file protocol)."""
    if is_upath(path):
        return path.protocol in _LOCAL
    return not is_url(str(path))


def put_bytes(path: UPath, data: bytes) -> None:
    """Write the object ``path`` whole, in one request (see the module docstring)."""
    path.fs.pipe_file(path.path, data)


def parquet_bytes(arrow: pa.Table, **options) -> bytes:
    """``arrow`` as the bytes of a Parquet file (``options`` go to ``pq.write_table``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink, **options)
    return sink.getvalue().to_pybytes()


def arrow_source(path: StorePath) -> tuple[str, object | None]:
    """``(path, filesystem)`` to hand pyarrow (``pq.read_table(p, filesystem=fs)``, ...):
    the filesystem is None for a local path."""
    if is_local(path):
        return str(path.path if is_upath(path) else path), None
    return path.path, path.fs


def read_parquet(path: StorePath, **options) -> pd.DataFrame:
    """``pd.read_parquet`` of a local or remote file (``options``: ``columns``...).

    Raises:
        FileNotFoundError: no such file or object."""
    source, fs = arrow_source(path)
    return pd.read_parquet(source, filesystem=fs, **options)


def replace(src: StorePath, dst: StorePath) -> None:
    """Move ``src`` (a file or folder) to ``dst``: ``os.replace`` locally; on object
    storage a copy then a delete of each object."""
    if is_local(src):
        os.replace(src, dst)
    else:
        src.fs.mv(src.path, dst.path, recursive=True)


def check_writable_remote(root: UPath) -> None:
    """Write and delete a probe object under ``root``.

    Raises:
        StoreError: the object cannot be written (names the data dir and the cause)."""
    probe = root / f".write-check-{os.getpid()}"
    try:
        put_bytes(probe, b"")
        probe.fs.rm_file(probe.path)
    except Exception as exc:  # each fsspec backend raises its own errors
        raise StoreError(f"AI_NUMBERS_DATA_DIR={root}: cannot write there "
                         f"({type(exc).__name__}: {exc})") from exc
