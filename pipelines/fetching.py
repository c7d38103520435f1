"""Fetching sources into the snapshot store, and the ``source_status`` rows of each request.

:class:`Fetcher` is the one place a snapshot stream is fetched (live) or looked up
(offline):

- live and auto: GET the URL (conditional on the newest snapshot's ETag / Last-Modified), record a
  new snapshot only when the bytes changed and the body passes its checks (the body kind,
  then the source's own parser, passed in by the domain as ``validate``); on failure keep
  the last good snapshot and report ``failed`` with the HTTP status. A call the rate limit
  defers (:mod:`pipelines.ratelimit`) keeps the last snapshot too and is reported
  ``deferred`` (with the reset time), not failed: the next run asks again.
- offline: use the newest local snapshot; when there is none, downstream assets fall back
  to the bundled reference figures.

Each request gives one :class:`RequestStatus`; a source's rows are written to
``<data_dir>/status/<source_id>.json`` and collected into the published ``source_status``.
Nothing here knows a particular source: domains pass their streams and parsers in.
"""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pandas as pd

from pipelines.http import HttpSource
from pipelines.paths import confined
from pipelines.settings import FETCHING_MODES
from pipelines.snapshots import SnapshotRecord, SnapshotStore, atomic_write
from pipelines.tables import (
    FLOAT,
    INT32,
    INT64,
    STR,
    TIMESTAMP,
    Column,
    TableSpec,
    register,
)

#: What a body must look like, by ``expect`` (sources.yaml ``expect``, or given per stream).
BODY_KINDS = ("zip", "json", "json_array", "json_array_nonempty", "csv", "text")
#: A parser run on a fetched body before it is kept; raises when the body cannot be used.
BodyCheck = Callable[[bytes], object]


@dataclass(frozen=True)
class Source:
    """One upstream source, as registered in ``assets/registry/sources.yaml``.

    ``kind`` says how its URLs are found: ``file`` (one URL), ``hf_model_info`` (one URL per
    registry model with a Hub repo), ``github_commits`` / ``github_contents`` (listings
    whose files are discovered). ``expect`` is the body kind of :data:`BODY_KINDS` a
    response must have; ``file_url`` the URL template of a listed file (``{sha}``, and
    ``{file}`` for a source with several files). A ``github_commits`` source follows the
    history of one file, ``path``, and after its deletion the ``successors`` (paths of the
    same repository, in order), each listed by ``commits_url`` (``{file}``); a
    ``github_contents`` source lists the history of each of its files by ``commits_url``.
    ``cadence_days`` is how often upstream is expected to publish a new version (days; None
    for a file pinned to a commit, which never changes): the source is stale when its
    newest version is older than that (:mod:`pipelines.freshness`).
    """

    id: str
    group: str
    kind: str
    publisher: str
    title: str
    url: str
    license: str
    citation: str
    expect: str | None = None
    file_url: str | None = None
    commits_url: str | None = None
    cadence_days: float | None = None
    path: str | None = None
    successors: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "successors", tuple(self.successors or ()))


@dataclass
class RequestStatus:
    """One source request of a run (a row of ``source_status``).

    ``newest_version_at`` (ISO 8601 UTC) is when the data in use were last changed upstream
    as far as this request tells: the snapshot's ``Last-Modified``, else its fetch time; for
    a history, the newest version's commit time, stamped on every row of its listing with
    ``version_dated`` (:func:`stamp_newest_version`), which then speaks for the source.
    """

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
    newest_version_at: str | None = None
    version_dated: bool = False

    @classmethod
    def of(cls, source_id: str, stream: str, url: str, mode: str, status: str,
           record: SnapshotRecord | None, http_status: int | None = None,
           error: str | None = None) -> RequestStatus:
        """A status row for ``record`` (the snapshot in use, or None), checked now."""
        return cls(source_id=source_id, stream=stream, url=url, mode=mode, status=status,
                   http_status=http_status, sha256=record.sha256 if record else None,
                   bytes=record.bytes if record else None,
                   snapshot_retrieved_at=record.retrieved_at if record else None,
                   error=error,
                   checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   newest_version_at=record_version_at(record) if record else None)


def record_version_at(record: SnapshotRecord) -> str:
    """When a snapshot's bytes last changed upstream, as far as known (ISO 8601 UTC): its
    ``Last-Modified`` header when it has a readable one, else the time it was fetched."""
    if record.last_modified:
        try:
            when = parsedate_to_datetime(record.last_modified)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return when.astimezone(timezone.utc).isoformat(timespec="seconds")
    return record.retrieved_at


def stamp_newest_version(rows: Iterable[RequestStatus], newest) -> None:
    """Mark ``rows`` (a history's listing requests) with the newest version's time
    (a ``datetime`` / ``pd.Timestamp``, UTC, or None when no version is known): for the
    source's freshness that time counts, not when files were fetched."""
    if newest is None or pd.isna(newest):
        return
    when = pd.Timestamp(newest)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    iso = when.isoformat()
    for row in rows:
        row.newest_version_at, row.version_dated = iso, True


def check_body(expect: str | None, body: bytes) -> str | None:
    """Why ``body`` is not a plausible ``expect`` (see :data:`BODY_KINDS`), or None.

    Catches what a server sends instead of the file (an HTML error or rate-limit page with
    status 200), truncated archives, and listings that are not JSON arrays.

    Raises:
        ValueError: ``expect`` is not one of :data:`BODY_KINDS`.
    """
    if expect is None:
        return None
    if expect not in BODY_KINDS:
        raise ValueError(f"unknown body kind {expect!r}; expected one of {BODY_KINDS}")
    head = body[:512].lstrip().lower()
    if expect != "zip" and (head.startswith(b"<!doctype html") or head.startswith(b"<html")):
        return "an HTML page, not the expected " + expect
    if expect == "zip":
        return _zip_problem(body)
    if expect.startswith("json"):
        return _json_problem(expect, body)
    return _text_problem(expect, body)


def _zip_problem(body: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        return f"not a readable zip archive ({exc})"
    return f"zip member {bad!r} is corrupt (CRC mismatch)" if bad else None


def _json_problem(expect: str, body: bytes) -> str | None:
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return f"not JSON ({exc})"
    if expect.startswith("json_array") and not isinstance(doc, list):
        return f"a JSON {type(doc).__name__}, not an array"
    if expect == "json_array_nonempty" and not doc:
        return "an empty JSON array (the listing has no entries)"
    return None


def _text_problem(expect: str, body: bytes) -> str | None:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text ({exc})"
    if expect == "csv" and "," not in (text.splitlines() or [""])[0]:
        return "not CSV (no comma in the first line)"
    if not text.strip():
        return "empty"
    return None


class Fetcher:
    """Fetches (``mode`` ``live`` or ``auto``) or looks up (``offline``) snapshot streams.
    Auto and live fetch alike (a host that does not resolve or refuses is not asked again in
    the run, :class:`pipelines.http.HttpSource`); they differ in what the command line makes
    of a run where every request failed (auto: a fallback, live: exit code 3).

    Use as a context manager: a live fetcher keeps one HTTP session for its requests.
    """

    def __init__(self, mode: str, store: SnapshotStore, http: HttpSource | None = None):
        self.mode, self.store, self.http = mode, store, http
        self.live = mode in FETCHING_MODES and http is not None
        self._session = None

    def __enter__(self) -> Fetcher:
        if self.live:
            self._session = self.http.session()
        return self

    def __exit__(self, *exc) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def fetch(self, source: Source, stream: str, url: str, *, expect: str | None = None,
              validate: BodyCheck | None = None, refetch: bool = True,
              ) -> tuple[RequestStatus, SnapshotRecord | None]:
        """Fetch (live) or look up (offline) ``url`` as snapshot stream ``stream``.

        Live: a conditional GET from the newest snapshot's ETag / Last-Modified; the bytes
        are recorded only when they changed, look like ``expect`` (default: the source's;
        see :func:`check_body`) and pass ``validate`` (the source's own parser); a rejected
        body is kept aside under ``<stream>/rejected/`` and never used. ``refetch=False``
        skips the request when a snapshot exists (immutable URLs pinned to a commit). A
        newest snapshot whose bytes no longer match their sha256 is set aside and fetched
        again unconditionally. A failure keeps the last good snapshot, and so does a call
        the rate limit defers (``deferred``, :mod:`pipelines.ratelimit`). Never raises for
        an upstream failure.

        Returns:
            The status row and the snapshot record in use (None when there is none).
        """
        prev = self.store.latest(stream)
        if not self.live:
            error = (None if prev else
                     "no local snapshot; offline runs use the bundled reference figures")
            return RequestStatus.of(source.id, stream, url, self.mode, "offline", prev,
                                    error=error), prev
        notes: list[str] = []
        prev = self._repair(stream, prev, notes)
        if prev is not None and not refetch:
            return RequestStatus.of(source.id, stream, url, self.mode, "unchanged", prev), prev
        res = self.http.get(url, etag=prev.etag if prev else None,
                            last_modified=prev.last_modified if prev else None,
                            session=self._session)
        status, rec = self._outcome(source, stream, res, prev, expect or source.expect,
                                    validate, notes)
        if status in ("failed", "deferred") and prev is not None:
            notes.append(f"last good snapshot {prev.sha256[:12]} kept")
        return RequestStatus.of(source.id, stream, url, self.mode, status, rec,
                                http_status=res.http_status,
                                error="; ".join(notes) or None), rec

    def _repair(self, stream: str, prev: SnapshotRecord | None,
                notes: list[str]) -> SnapshotRecord | None:
        """Set aside a newest snapshot altered on disk; the stream's newest good one."""
        if prev is None or self.store.verify(prev):
            return prev
        moved = self.store.quarantine(prev)
        notes.append(f"snapshot {prev.sha256[:12]} was altered on disk, set aside as "
                     f"{moved}; fetched again")
        return self.store.latest(stream)

    def _outcome(self, source: Source, stream: str, res, prev: SnapshotRecord | None,
                 expect: str | None, validate: BodyCheck | None,
                 notes: list[str]) -> tuple[str, SnapshotRecord | None]:
        """The status of one answer and the record in use after it."""
        if res.status == "deferred":
            notes.append(res.error)
            return "deferred", prev
        if res.status == "not_modified":
            if prev is None:
                notes.append("304 Not Modified but no local snapshot to reuse")
            return ("unchanged" if prev else "failed"), prev
        if res.status != "fetched":
            notes.append(res.error)
            return "failed", prev
        problem = check_body(expect, res.body) or _parser_problem(validate, res.body)
        if problem:
            kept = self.store.reject(stream, res.body)
            notes.append(f"rejected the body: {problem}; kept aside at {kept}")
            return "failed", prev
        rec, created = self.store.save(stream, source.id, res, source.license)
        return ("fetched" if created else "unchanged"), rec


def _parser_problem(validate: BodyCheck | None, body: bytes) -> str | None:
    if validate is None:
        return None
    try:
        validate(body)
    except Exception as exc:  # the parser's own error names the problem
        return f"{type(exc).__name__}: {exc}"
    return None


def fetch_streams(fetcher: Fetcher, source: Source, streams: Iterable[tuple[str, str]],
                  validate_for: Callable[[str, str], BodyCheck | None] | None = None,
                  ) -> tuple[list[RequestStatus], list[SnapshotRecord]]:
    """Fetch or look up each ``(stream, url)`` of ``source``; ``validate_for(stream, url)``
    gives each body's parser check. Returns the status rows and the records in use (the
    newest good snapshot of each stream that has one). Never raises for an upstream
    failure."""
    statuses, records = [], []
    for stream, url in streams:
        check = validate_for(stream, url) if validate_for else None
        row, rec = fetcher.fetch(source, stream, url, validate=check)
        statuses.append(row)
        if rec is not None:
            records.append(rec)
    return statuses, records


def one_file(source: Source, parse: Callable[[bytes, str], object]):
    """The collector of a one-URL source (stream = source id) whose body must pass
    ``parse(body, url)``: ``collect(fetcher) -> (status rows, records in use)``."""
    def collect(fetcher: Fetcher) -> tuple[list[RequestStatus], list[SnapshotRecord]]:
        return fetch_streams(fetcher, source, [(source.id, source.url)],
                             lambda stream, url: lambda body: parse(body, url))
    return collect


def snapshot_source(source: Source, mode: str, store: SnapshotStore, http: HttpSource | None,
                    streams: Iterable[tuple[str, str]] | None = None,
                    validate_for: Callable[[str, str], BodyCheck | None] | None = None,
                    ) -> tuple[list[RequestStatus], list[SnapshotRecord]]:
    """:func:`fetch_streams` in one session; ``streams`` defaults to the source's one URL
    (stream = source id)."""
    with Fetcher(mode, store, http) as fetcher:
        return fetch_streams(fetcher, source, streams or [(source.id, source.url)],
                             validate_for)


def latest_snapshot_body(store: SnapshotStore,
                         stream: str) -> tuple[bytes, SnapshotRecord] | None:
    """The newest snapshot body of ``stream`` and its record, or None when there is none.

    Raises:
        ValueError: the body on disk no longer matches its sha256.
    """
    rec = store.latest(stream)
    if rec is None:
        return None
    return store.read(rec), rec


# --- status files and the source_status table ----------------------------------------------

def write_status(status_dir: Path, name: str, rows: list[RequestStatus]) -> None:
    """Replace ``<status_dir>/<name>.json`` with this run's rows; ``name`` is a source id, or
    ``<source id>/<part>`` for requests made by a partition run (each part a folder or file
    name made safe by :func:`pipelines.paths.confined`: a version named by upstream never
    leaves ``status_dir``)."""
    atomic_write(confined(status_dir, f"{name}.json"),
                 json.dumps([asdict(r) for r in rows], indent=2).encode())


def read_status(status_dir: Path, sources: Iterable[Source | str],
                now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every source's last status rows, in the columns of ``source_status``.

    Only files of ``sources`` (the registered sources, or their ids) are read; each row's
    ``cadence_days`` is its :class:`Source`'s (NaN for a source given by id only). A stream reported by two
    runs (a partition run, then a later discovery run) keeps its latest row.
    ``newest_version_at`` is the source's (the same on each of its rows): the newest of its
    version-dated rows (a history's listing) when it has any, else of all its rows;
    ``age_days`` is ``now`` (default: the current UTC time) less that, in days.

    Raises:
        ValueError: a status file is not valid JSON (names it).
    """
    rows = []
    sources = list(sources)
    known = {getattr(s, "id", s) for s in sources}
    cadence = {s.id: s.cadence_days for s in sources if isinstance(s, Source)}
    for path in sorted(status_dir.rglob("*.json")):
        if path.relative_to(status_dir).parts[0].removesuffix(".json") not in known:
            continue
        try:
            rows.extend(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise ValueError(f"status file {path}: not JSON: {exc}") from exc
    df = pd.DataFrame(rows, columns=[*SOURCE_STATUS.column_names, "version_dated"])
    for col in ("checked_at", "snapshot_retrieved_at", "newest_version_at"):
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    df = df.sort_values("checked_at", kind="stable")
    df = df.drop_duplicates(["source_id", "stream"], keep="last").reset_index(drop=True)
    df["cadence_days"] = df["source_id"].map(cadence).astype("float64")
    return source_age(df, now).drop(columns="version_dated")


def source_age(df: pd.DataFrame, now: pd.Timestamp | None = None) -> pd.DataFrame:
    """``df`` (status rows with ``newest_version_at`` per row and a bool ``version_dated``)
    with each source's ``newest_version_at`` on all of its rows and ``age_days`` (float,
    days from it to ``now``; NaN when unknown)."""
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    dated = df["version_dated"].fillna(False).astype(bool)
    newest = {}
    for source_id, rows in df.groupby("source_id", sort=False):
        use = rows[dated.loc[rows.index]] if dated.loc[rows.index].any() else rows
        newest[source_id] = use["newest_version_at"].max()
    df = df.copy()
    df["newest_version_at"] = pd.to_datetime(df["source_id"].map(newest), utc=True)
    df["age_days"] = ((now - df["newest_version_at"]).dt.total_seconds() / 86400.0
                      ).astype("float64")
    return df


SOURCE_ID = Column("source_id", STR, "Source id of assets/registry/sources.yaml",
                   nullable=False)

SOURCE_STATUS, = register(TableSpec(
    name="source_status",
    title="Upstream source requests of the last run",
    description=(
        "One row per source request of the last run: mode, outcome (fetched, unchanged, "
        "One row per source request of the last run: mode, outcome (fetched, unchanged, "
        "failed, deferred, offline; discontinued: a tracked file deleted upstream), HTTP "
        "status, the snapshot in use, any error, and how old the source's newest version is."
    ),
    group="sources",
    primary_key=("source_id", "stream"),
    license="CC BY 4.0 (this project's run log)",
    columns=(
        SOURCE_ID,
        Column("stream", STR, "Snapshot stream (source id, or source id/sub key)",
               nullable=False),
        Column("url", STR, "Upstream URL (before any mirror rewrite)", nullable=False),
        Column("mode", STR, "auto, offline or live", nullable=False),
        Column("status", STR, "fetched, unchanged, failed, deferred (rate limit: asked again "
               "by the next run), offline, or discontinued (a tracked file deleted upstream: "
               "the deleting commit and its date in error)", nullable=False),
        Column("http_status", INT32, "Last HTTP status (null offline or on a network error)"),
        Column("sha256", STR, "sha256 of the snapshot in use (null when none)"),
        Column("bytes", INT64, "Size of the snapshot in use", unit="bytes"),
        Column("snapshot_retrieved_at", TIMESTAMP, "When the snapshot in use was fetched"),
        Column("error", STR, "What went wrong, or why no snapshot is in use"),
        Column("checked_at", TIMESTAMP, "When the request was made or skipped (UTC)",
               nullable=False),
        Column("newest_version_at", TIMESTAMP,
               "When the source's newest data in use were published upstream (UTC): a "
               "history's newest version (commit time), else the snapshot's Last-Modified "
               "or fetch time; the same on every row of a source"),
        Column("age_days", FLOAT, "Age of the source's newest version when the table was "
               "built (days)", unit="days"),
        Column("cadence_days", FLOAT, "How often the source is expected to publish a new "
               "version (sources.yaml; null: pinned, never changes); stale when age_days "
               "exceeds it", unit="days"),
    ),
))
