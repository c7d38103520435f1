"""How the leaderboard snapshots are collected: the GitHub listings and the files they name.

- LMArena: every page of the commits listing of the tracked CSV
  (``lmarena_history/commits-page-<n>``), following ``Link: rel="next"``, and of its
  successors once it is deleted; the CSV of each version is fetched by its partition run
  (pinned to a commit, so fetched once); discovery asks for the newest one while it is not
  stored (to tell a deleting commit: its file answers 404).
- LiveBench: the ``public/`` contents listing and the commits listing of every release's
  table and categories file; the file at each commit is fetched by its partition run.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from assets.leaderboards import arena, arena_listing, livebench
from assets.leaderboards.github import LeaderboardError, VersionListingError, iter_pages
from assets.leaderboards.livebench_history import (
    FILE_KINDS,
    livebench_versions,
    release_file,
)
from assets.leaderboards.tables import ARENA_SOURCE, LIVEBENCH_SOURCE
from assets.registry import load_sources
from pipelines.fetching import Fetcher, RequestStatus, stamp_newest_version
from pipelines.http import FetchResult
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


@dataclass
class ArenaListing:
    """The arena commits listings as collected: path -> pages (the tracked file first, then
    each successor asked for because the path before it was deleted), and the shas whose
    file answered 404 (deleting commits; recorded as ``lmarena_history/removed/<sha>``).
    False when nothing is listed."""

    pages: dict[str, list[list]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return any(self.pages.values())

    def versions(self) -> pd.DataFrame:
        """The versions (:func:`assets.leaderboards.arena_listing.arena_versions`)."""
        return arena.arena_versions(self.pages, self.deleted)


def collect_arena_listing(fetcher: Fetcher):
    """Snapshot every page of the arena commits listing (live) or read the stored pages
    (offline): streams ``lmarena_history/commits-page-<n>`` for the tracked file,
    ``lmarena_history/commits/<path>-page-<n>`` for a successor. When a path's newest commit
    deletes it (:func:`newest_deleted`), a ``discontinued`` status row names the commit and
    its date, and the next successor of ``sources.yaml`` is listed (only then). Returns
    ``(status rows, records, ArenaListing)`` (see :func:`commit_pages`)."""
    statuses: list[RequestStatus] = []
    records: list[SnapshotRecord] = []
    listing = ArenaListing()
    paths = (ARENA.path, *ARENA.successors)
    for i, path in enumerate(paths):
        url, prefix = ((ARENA.url, f"{ARENA.id}/commits") if i == 0 else
                       (ARENA.commits_url.format(file=path), f"{ARENA.id}/commits/{path}"))
        pages = commit_pages(fetcher, ARENA, prefix, url, statuses, records)
        listing.pages[path] = pages
        gone = newest_deleted(fetcher, path, pages)
        if gone is None:
            break
        listing.deleted.add(gone.sha)
        after = paths[i + 1] if i + 1 < len(paths) else None
        statuses.append(RequestStatus.of(
            ARENA.id, f"{ARENA.id}/file/{path}", arena.arena_csv_url(ARENA.file_url, gone.sha,
                                                                     path),
            fetcher.mode, "discontinued", None, http_status=None,
            error=f"{path} deleted upstream by commit {gone.sha} on "
                  f"{gone.committed_at.strftime('%Y-%m-%d')} (no version made from it); "
                  + (f"the history continues from {after}" if after else
                     "no successor in sources.yaml: the history ends here")))
    stamp_newest_version(statuses, _newest_commit(listing))
    return statuses, records, listing


def _newest_commit(listing: "ArenaListing"):
    """The newest commit time of the arena listing, or None when there is none or the
    listing cannot be read (that is reported where the versions are read)."""
    try:
        return listing.versions()["committed_at"].max() if listing else None
    except LeaderboardError:
        return None


def removed_stream(sha: str) -> str:
    """The snapshot stream recording that the tracked file answered 404 at ``sha``."""
    return f"{ARENA.id}/removed/{sha}"


def newest_deleted(fetcher: Fetcher, path: str, pages: list[list]):
    """The newest commit of ``path``'s listing when it deletes the file, else None.

    Deleting: the listing's ``files`` say ``removed``; else, when the file at that commit is
    not stored: live, the file answers 404 there (asked on every live run until it answers,
    so a passing 404 heals), recorded as ``lmarena_history/removed/<sha>`` (a small JSON
    body: path, sha, URL, HTTP status); offline, such a record is stored. Any other answer
    is left alone: the version's partition run fetches and records the file (so its
    ``source_status`` row says ``fetched`` where it was)."""
    newest = arena_listing.newest_commit(pages, path) if pages else None
    if newest is None or newest.removed:
        return newest
    if fetcher.store.latest(arena_stream(newest.sha, path)) is not None:
        return None
    if not fetcher.live:
        return newest if fetcher.store.latest(removed_stream(newest.sha)) else None
    url = arena.arena_csv_url(ARENA.file_url, newest.sha, path)
    if fetcher.http.get(url).http_status != 404:   # the body is fetched by its partition
        return None
    body = json.dumps({"path": path, "sha": newest.sha, "url": url, "http_status": 404},
                      sort_keys=True).encode()
    fetcher.store.save(removed_stream(newest.sha), ARENA.id, FetchResult(
        url=url, requested_url=url, status="fetched", http_status=404, body=body,
        content_type="application/json"), ARENA.license)
    return newest


def arena_file_statuses(versions: pd.DataFrame, fetcher: Fetcher) -> list[RequestStatus]:
    """Status rows for the arena versions whose CSV is already stored: pinned to a commit,
    the file cannot change, so no request is made (``unchanged`` live, ``offline``
    otherwise). Versions without a stored CSV are fetched by their partition run."""
    rows = []
    for v in versions.itertuples():
        rec = fetcher.store.latest(arena_stream(v.sha, v.path))
        if rec is not None:
            rows.append(RequestStatus.of(
                ARENA.id, rec.stream, arena.arena_csv_url(ARENA.file_url, v.sha, v.path),
                fetcher.mode, "unchanged" if fetcher.live else "offline", rec))
    return rows


def arena_stream(sha: str, path: str | None = None) -> str:
    """The snapshot stream of the arena CSV ``path`` (default: the tracked file) at commit
    ``sha``: ``lmarena_history/csv/<sha>`` for the tracked file,
    ``lmarena_history/files/<path>/<sha>`` for a successor."""
    if path in (None, ARENA.path):
        return f"{ARENA.id}/csv/{sha}"
    return f"{ARENA.id}/files/{path}/{sha}"


def collect_arena(fetcher: Fetcher):
    """The arena snapshot asset's collector: the listing pages and the stored CSVs."""
    statuses, records, listing = collect_arena_listing(fetcher)
    return statuses + arena_file_statuses(listing.versions(), fetcher), records


def stored_arena_versions(store: SnapshotStore) -> pd.DataFrame:
    """The versions of the newest stored listing pages (offline read, no request)."""
    _, _, listing = collect_arena_listing(Fetcher("offline", store))
    return listing.versions()


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
                                 LIVEBENCH.commits_url.format(file=file), statuses, records)
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
