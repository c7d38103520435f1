"""Snapshots of upstream sources, and the ``source_status`` table of the last run.

:func:`snapshot_source` is the one place a source is fetched (live) or looked up (offline):

- live: GET each URL of the source (conditional on the newest snapshot's ETag /
  Last-Modified), record a new snapshot only when the bytes changed; on failure keep the
  last good snapshot and report ``failed`` with the HTTP status.
- offline: use the newest local snapshot; when there is none, downstream assets fall back
  to the bundled reference figures.

Each request gives one status row; a source's rows are written to
``<data_dir>/status/<source_id>.json`` and collected into the published ``source_status``.
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from assets.registry import load_models, load_sources
from assets.source_checks import validator_for
from pipelines.resources import (
    HttpSource,
    SnapshotRecord,
    SnapshotStore,
    _atomic_write,
)
from pipelines.schemas import INT32, INT64, STR, TIMESTAMP, Column, TableSpec



@dataclass
class RequestStatus:
    """One source request of a run (a row of ``source_status``)."""

    source_id: str
    stream: str
    url: str
    mode: str
    status: str
    http_status: int | None
    sha256: str | None
    bytes: int | None
    snapshot_retrieved_at: str | None
    error: str | None
    checked_at: str


def source_streams(source: dict) -> list[tuple[str, str]]:
    """``(stream, url)`` pairs of a registered source.

    A ``file`` source has one stream named after it; ``hf_model_info`` has one per model of
    ``models.yaml`` with open weights and a Hub repo (``hf_model_info/<owner>__<repo>``).
    """
    if source["kind"] == "file":
        return [(source["id"], source["url"])]
    if source["kind"] == "hf_model_info":
        out = []
        for model in load_models().values():
            repo = model.get("hf_repo")
            if repo and model.get("open_weights"):
                out.append((f"{source['id']}/{repo.replace('/', '__')}",
                            source["url"].format(repo_id=repo)))
        return out
    raise ValueError(f"sources.yaml: source {source['id']!r} has unknown kind {source['kind']!r}")


#: What a body must look like, by ``expect`` (sources.yaml ``expect``, or given per stream).
BODY_KINDS = ("zip", "json", "json_array", "json_array_nonempty", "csv", "text")


def hub_repo_id(stream: str) -> str:
    """The Hub repo id of an ``hf_model_info/<owner>__<repo>`` stream (see
    :func:`source_streams`)."""
    return stream.split("/", 1)[1].replace("__", "/")


def check_body(expect: str | None, body: bytes) -> str | None:
    """Why ``body`` is not a plausible ``expect`` (see :data:`BODY_KINDS`), or None.

    Catches what a server sends instead of the file (an HTML error or rate-limit page with
    status 200), truncated archives, and listings that are not JSON arrays.
    """
    if expect is None:
        return None
    if expect not in BODY_KINDS:
        raise ValueError(f"unknown body kind {expect!r}; expected one of {BODY_KINDS}")
    head = body[:512].lstrip().lower()
    if expect != "zip" and (head.startswith(b"<!doctype html") or head.startswith(b"<html")):
        return "an HTML page, not the expected " + expect
    if expect == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as zf:
                bad = zf.testzip()
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            return f"not a readable zip archive ({exc})"
        return f"zip member {bad!r} is corrupt (CRC mismatch)" if bad else None
    if expect.startswith("json"):
        try:
            doc = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return f"not JSON ({exc})"
        if expect.startswith("json_array") and not isinstance(doc, list):
            return f"a JSON {type(doc).__name__}, not an array"
        if expect == "json_array_nonempty" and not doc:
            return "an empty JSON array (the listing has no entries)"
        return None
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text ({exc})"
    if expect == "csv" and "," not in (text.splitlines() or [""])[0]:
        return "not CSV (no comma in the first line)"
    if not text.strip():
        return "empty"
    return None


def fetch_stream(
    source: dict, stream: str, url: str, mode: str, store: SnapshotStore,
    http: HttpSource | None, session=None, refetch: bool = True, expect: str | None = None,
    validate=None,
) -> tuple[RequestStatus, SnapshotRecord | None]:
    """Fetch (live) or look up (offline) one URL of a source as snapshot stream ``stream``.

    Live: a conditional GET from the newest snapshot's ETag / Last-Modified; the bytes are
    recorded only when they changed, and only when they look like ``expect`` (default: the
    source's ``expect``; see :func:`check_body`) and, when ``validate`` is given, only when
    ``validate(body)`` (the source's own parser) does not raise; a rejected body is kept
    aside under ``<stream>/rejected/`` for inspection and never used. ``refetch=False``
    skips the request when a snapshot exists (for immutable URLs pinned to a commit). A
    newest snapshot whose bytes no longer match their sha256 is set aside and fetched again
    unconditionally. A failure keeps the last good snapshot. Returns the status row and the snapshot record in
    use (None when there is none).
    """
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    expect = expect or source.get("expect")
    prev = store.latest(stream)
    rec, http_status, error = prev, None, None
    if mode != "live":
        status = "offline"
        if prev is None:
            error = "no local snapshot; offline runs use the bundled reference figures"
    else:
        notes = []
        if prev is not None and not store.verify(prev):
            moved = store.quarantine(prev)
            notes.append(f"snapshot {prev.sha256[:12]} was altered on disk, set aside as "
                         f"{moved}; fetched again")
            prev = rec = store.latest(stream)
        if prev is not None and not refetch:
            status = "unchanged"
        else:
            res = http.get(url, etag=prev.etag if prev else None,
                           last_modified=prev.last_modified if prev else None,
                           session=session)
            http_status = res.http_status
            problem = check_body(expect, res.body) if res.status == "fetched" else None
            if problem is None and res.status == "fetched" and validate is not None:
                try:
                    validate(res.body)
                except Exception as exc:  # the parser's own error names the problem
                    problem = f"{type(exc).__name__}: {exc}"
            if problem:
                kept = store.reject(stream, res.body)
                status = "failed"
                notes.append(f"rejected the body: {problem}; kept aside at {kept}")
            elif res.status == "fetched":
                rec, created = store.save(stream, source["id"], res, source.get("license"))
                status = "fetched" if created else "unchanged"
            elif res.status == "not_modified":
                status = "unchanged" if prev else "failed"
                if prev is None:
                    notes.append("304 Not Modified but no local snapshot to reuse")
            else:
                status = "failed"
                notes.append(res.error)
            if status == "failed" and prev is not None:
                notes.append(f"last good snapshot {prev.sha256[:12]} kept")
        error = "; ".join(notes) or None
    row = RequestStatus(
        source_id=source["id"], stream=stream, url=url, mode=mode, status=status,
        http_status=http_status, sha256=rec.sha256 if rec else None,
        bytes=rec.bytes if rec else None,
        snapshot_retrieved_at=rec.retrieved_at if rec else None, error=error, checked_at=now,
    )
    return row, rec


def snapshot_source(
    source: dict, mode: str, store: SnapshotStore, http: HttpSource | None
) -> tuple[list[RequestStatus], list[SnapshotRecord]]:
    """Fetch (live) or look up (offline) every URL of a ``file`` or ``hf_model_info`` source.

    Returns the status rows and the snapshot records in use (the newest good snapshot of
    each stream that has one). Never raises for an upstream failure.
    """
    statuses, records = [], []
    session = http.session() if (mode == "live" and http is not None) else None
    try:
        for stream, url in source_streams(source):
            row, rec = fetch_stream(source, stream, url, mode, store, http, session,
                                    validate=validator_for(source["id"], stream, url))
            statuses.append(row)
            if rec is not None:
                records.append(rec)
    finally:
        if session is not None:
            session.close()
    return statuses, records


def write_status(status_dir: Path, name: str, rows: list[RequestStatus]) -> None:
    """Replace ``<status_dir>/<name>.json`` with this run's rows; ``name`` is a source id, or
    ``<source id>/<part>`` for requests made by a partition run."""
    _atomic_write(status_dir / f"{name}.json",
                  json.dumps([asdict(r) for r in rows], indent=2).encode())


def read_status(status_dir: Path) -> pd.DataFrame:
    """Every source's last status rows, in the columns of ``source_status``.

    A stream reported by two runs (a partition run, then a later discovery run) keeps its
    latest row. Sources registered but never run get no rows; a status file that is not
    valid JSON raises ``ValueError`` naming it.
    """
    rows = []
    known = set(load_sources())
    for path in sorted(status_dir.rglob("*.json")):
        if path.relative_to(status_dir).parts[0].removesuffix(".json") not in known:
            continue
        try:
            rows.extend(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise ValueError(f"status file {path}: not JSON: {exc}") from exc
    df = pd.DataFrame(rows, columns=TABLES[0].column_names)
    for col in ("checked_at", "snapshot_retrieved_at"):
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    df = df.sort_values("checked_at", kind="stable")
    return df.drop_duplicates(["source_id", "stream"], keep="last").reset_index(drop=True)


def latest_snapshot_body(store: SnapshotStore, stream: str) -> tuple[bytes, SnapshotRecord] | None:
    """The newest snapshot body of ``stream`` and its record, or None when there is none."""
    rec = store.latest(stream)
    if rec is None:
        return None
    return store.read(rec), rec


TABLES = [
    TableSpec(
        name="source_status",
        title="Upstream source requests of the last run",
        description=(
            "One row per source request of the last run: mode, outcome (fetched, unchanged, "
            "failed, offline), HTTP status, the snapshot in use and any error."
        ),
        group="sources",
        primary_key=("source_id", "stream"),
        license="CC BY 4.0 (this project's run log)",
        columns=(
            Column("source_id", STR, "Source id of assets/registry/sources.yaml", nullable=False),
            Column("stream", STR, "Snapshot stream (source id, or source id/sub key)",
                   nullable=False),
            Column("url", STR, "Upstream URL (before any mirror rewrite)", nullable=False),
            Column("mode", STR, "offline or live", nullable=False),
            Column("status", STR, "fetched, unchanged, failed or offline", nullable=False),
            Column("http_status", INT32, "Last HTTP status (null offline or on a network error)"),
            Column("sha256", STR, "sha256 of the snapshot in use (null when none)"),
            Column("bytes", INT64, "Size of the snapshot in use", unit="bytes"),
            Column("snapshot_retrieved_at", TIMESTAMP, "When the snapshot in use was fetched"),
            Column("error", STR, "What went wrong, or why no snapshot is in use"),
            Column("checked_at", TIMESTAMP, "When the request was made or skipped (UTC)",
                   nullable=False),
        ),
    ),
]
