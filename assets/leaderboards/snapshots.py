"""How the leaderboard snapshots are collected: the GitHub listings and the files they name.

- LMArena: every page of the commits listing of the tracked CSV
  (``lmarena_history/commits-page-<n>``), following ``Link: rel="next"``; the CSV of each
  version is fetched by its partition run (pinned to a commit, so fetched once).
- LiveBench: the ``public/`` contents listing and the commits listing of every release's
  table and categories file; the file at each commit is fetched by its partition run.
"""
from __future__ import annotations

import json

import pandas as pd

from assets.leaderboards import arena, livebench
from assets.leaderboards.github import LeaderboardError, VersionListingError, iter_pages
from assets.leaderboards.livebench_history import (
    FILE_KINDS,
    livebench_versions,
    release_file,
)
from assets.leaderboards.tables import ARENA_SOURCE, LIVEBENCH_SOURCE
from assets.registry import load_sources
from pipelines.fetching import Fetcher, RequestStatus, stamp_newest_version
from pipelines.snapshots import SnapshotRecord, SnapshotStore

ARENA = load_sources()[ARENA_SOURCE]
LIVEBENCH = load_sources()[LIVEBENCH_SOURCE]


def commit_pages(fetcher: Fetcher, source, stream_prefix: str, first_url: str,
                 statuses: list[RequestStatus], records: list[SnapshotRecord]) -> list[list]:
    """Snapshot every page of a GitHub commits listing (live) or read the stored pages
    (offline), following ``Link: rel="next"``: page ``n`` is stream
    ``<stream_prefix>-page-<n>``; its status row and record are appended to ``statuses`` and
    ``records``. Returns the decoded pages in order: the pages read before a failure (a
    partial listing, the newest versions, is better than none; none when the first page has
    neither a good answer nor a stored snapshot), the failure in the status rows."""
    page_no = 0

    def fetch(url: str):
        nonlocal page_no
        page_no += 1
        row, rec = fetcher.fetch(source, f"{stream_prefix}-page-{page_no}", url,
                                 expect="json_array_nonempty" if page_no == 1 else
                                 "json_array")
        statuses.append(row)
        if rec is None:
            raise VersionListingError(f"{stream_prefix}: page {page_no} ({url}) "
                                      f"unavailable: {row.error}")
        records.append(rec)
        return json.loads(fetcher.store.read(rec)), rec.extra.get("link")

    pages: list[list] = []
    try:
        for page in iter_pages(fetch, first_url):
            pages.append(page)
    except (VersionListingError, json.JSONDecodeError) as exc:
        if statuses and statuses[-1].status != "failed" and statuses[-1].sha256:
            statuses[-1].status, statuses[-1].error = "failed", str(exc)
    return pages


def collect_arena_listing(fetcher: Fetcher):
    """Snapshot every page of the arena commits listing (live) or read the stored pages
    (offline), streams ``lmarena_history/commits-page-<n>``. Returns ``(status rows,
    records, pages)`` (see :func:`commit_pages`)."""
    statuses: list[RequestStatus] = []
    records: list[SnapshotRecord] = []
    pages = commit_pages(fetcher, ARENA, f"{ARENA.id}/commits", ARENA.url, statuses, records)
    stamp_newest_version(statuses, _newest_commit(pages))
    return statuses, records, pages


def _newest_commit(pages: list[list]):
    """The newest commit time of the arena listing ``pages``, or None when there is none or
    the listing cannot be read (that is reported where the versions are read)."""
    try:
        return arena.arena_versions(pages)["committed_at"].max()
    except LeaderboardError:
        return None


def arena_file_statuses(pages: list[list], fetcher: Fetcher) -> list[RequestStatus]:
    """Status rows for the arena versions whose CSV is already stored: pinned to a commit,
    the file cannot change, so no request is made (``unchanged`` live, ``offline``
    otherwise). Versions without a stored CSV are fetched by their partition run."""
    rows = []
    for sha in arena.arena_versions(pages)["sha"]:
        rec = fetcher.store.latest(arena_stream(sha))
        if rec is not None:
            rows.append(RequestStatus.of(
                ARENA.id, rec.stream, arena.arena_csv_url(ARENA.file_url, sha), fetcher.mode,
                "unchanged" if fetcher.live else "offline", rec))
    return rows


def arena_stream(sha: str) -> str:
    """The snapshot stream of the arena CSV at commit ``sha``."""
    return f"{ARENA.id}/csv/{sha}"


def collect_arena(fetcher: Fetcher):
    """The arena snapshot asset's collector: the listing pages and the stored CSVs."""
    statuses, records, pages = collect_arena_listing(fetcher)
    return statuses + arena_file_statuses(pages, fetcher), records


def stored_arena_versions(store: SnapshotStore) -> pd.DataFrame:
    """The versions of the newest stored listing pages (offline read, no request)."""
    _, _, pages = collect_arena_listing(Fetcher("offline", store))
    return arena.arena_versions(pages)


#: The commits listing of one file of ``public/`` (``{file}``), every page followed.
LIVEBENCH_COMMITS_URL = ("https://api.github.com/repos/LiveBench/livebench.github.io/commits"
                         "?path=public/{file}&per_page=100")


def collect_livebench(fetcher: Fetcher):
    """Snapshot the LiveBench ``public/`` listing and the commits listing (every page) of
    each release's table and categories file; the files at each commit are fetched by the
    partition runs of ``livebench_history``. Returns ``(status rows, records, versions)``;
    ``versions`` is the frame of
    :func:`assets.leaderboards.livebench_history.livebench_versions` (empty when the
    listing is unavailable). Each row is stamped with the newest version's commit time (the
    source's freshness)."""
    row, rec = fetcher.fetch(LIVEBENCH, f"{LIVEBENCH.id}/listing", LIVEBENCH.url,
                             expect="json_array_nonempty")
    statuses, records = [row], [rec] if rec else []
    if rec is None:
        return statuses, records, livebench_versions({})
    releases = livebench.livebench_releases(fetcher.store.read(rec))
    listings: dict[str, dict[str, list]] = {}
    for release in releases["release"]:
        for kind in FILE_KINDS:
            file = release_file(kind, release)
            pages = commit_pages(fetcher, LIVEBENCH, f"{LIVEBENCH.id}/commits/{file}",
                                 LIVEBENCH_COMMITS_URL.format(file=file), statuses, records)
            listings.setdefault(release, {})[kind] = pages
    versions = livebench_versions(listings)
    rows = statuses + livebench_file_statuses(versions, fetcher)
    stamp_newest_version(rows, versions["committed_at"].max())
    return rows, records, versions


def livebench_file_statuses(versions: pd.DataFrame, fetcher: Fetcher) -> list[RequestStatus]:
    """Status rows for the release files at a commit that are already stored: pinned to a
    commit, a file cannot change, so no request is made (``unchanged`` live, ``offline``
    otherwise). Files not stored yet are fetched by their partition run."""
    rows, seen = [], set()
    for v in versions.itertuples():
        for kind in FILE_KINDS:
            file, sha = release_file(kind, str(v.release)), getattr(v, f"{kind}_sha")
            rec = fetcher.store.latest(livebench_file_stream(file, sha))
            if rec is None or rec.stream in seen:
                continue
            seen.add(rec.stream)
            rows.append(RequestStatus.of(
                LIVEBENCH.id, rec.stream, livebench_file_url(file, sha), fetcher.mode,
                "unchanged" if fetcher.live else "offline", rec))
    return rows


def fetch_release_file(fetcher: Fetcher, kind: str, file: str, sha: str):
    """Fetch (once: pinned to a commit) or look up ``public/<file>`` at commit ``sha``; the
    body must pass its parser's check first (:func:`assets.leaderboards.livebench.check_table`
    for a ``table``, ``check_categories`` for ``categories``), else it is kept aside and the
    request is ``failed``. Returns ``(status row, record or None)``."""
    table = kind == "table"
    return fetcher.fetch(LIVEBENCH, livebench_file_stream(file, sha),
                         livebench_file_url(file, sha), refetch=False,
                         expect="csv" if table else "json",
                         validate=livebench.check_table if table else livebench.check_categories)


def livebench_file_url(file: str, sha: str) -> str:
    """The URL of ``public/<file>`` at commit ``sha`` (sources.yaml ``file_url``)."""
    return LIVEBENCH.file_url.format(sha=sha, file=file)


def livebench_file_stream(file: str, sha: str) -> str:
    """The snapshot stream of ``public/<file>`` at commit ``sha``."""
    return f"{LIVEBENCH.id}/{sha}/{file}"


def stored_livebench_versions(store: SnapshotStore) -> pd.DataFrame:
    """The versions of the newest stored listings (offline read, no request)."""
    _, _, versions = collect_livebench(Fetcher("offline", store))
    return versions.copy()
