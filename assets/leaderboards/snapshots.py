"""How the leaderboard snapshots are collected: the GitHub listings and the files they name.

- LMArena: every page of the commits listing of the tracked CSV
  (``lmarena_history/commits-page-<n>``), following ``Link: rel="next"``; the CSV of each
  version is fetched by its partition run (pinned to a commit, so fetched once).
- LiveBench: the ``public/`` contents listing and every release's table and categories file.
"""
from __future__ import annotations

import json

import pandas as pd

from assets.leaderboards import arena, livebench
from assets.leaderboards.github import VersionListingError, iter_pages
from assets.leaderboards.tables import ARENA_SOURCE, LIVEBENCH_SOURCE
from assets.registry import load_sources
from pipelines.fetching import Fetcher, RequestStatus
from pipelines.snapshots import SnapshotRecord, SnapshotStore

ARENA = load_sources()[ARENA_SOURCE]
LIVEBENCH = load_sources()[LIVEBENCH_SOURCE]


def collect_arena_listing(fetcher: Fetcher):
    """Snapshot every page of the arena commits listing (live) or read the stored pages
    (offline). Returns ``(status rows, records, pages)`` with ``pages`` the decoded JSON
    pages in order: the pages read before a failure (none when the first page has neither
    a good answer nor a stored snapshot), the failure in the status rows."""
    statuses: list[RequestStatus] = []
    records: list[SnapshotRecord] = []

    def fetch(url: str):
        n = len(statuses) + 1
        row, rec = fetcher.fetch(ARENA, f"{ARENA.id}/commits-page-{n}", url,
                                 expect="json_array_nonempty" if n == 1 else "json_array")
        statuses.append(row)
        if rec is None:
            raise VersionListingError(f"{ARENA.id}: page {n} ({url}) unavailable: "
                                         f"{row.error}")
        records.append(rec)
        return json.loads(fetcher.store.read(rec)), rec.extra.get("link")

    pages: list[list] = []
    try:
        for page in iter_pages(fetch, ARENA.url):
            pages.append(page)
    except (VersionListingError, json.JSONDecodeError) as exc:
        # keep the pages read so far: a partial listing (the newest versions) is better
        # than none; the failed page is in the status rows
        if statuses and statuses[-1].status != "failed" and statuses[-1].sha256:
            statuses[-1].status, statuses[-1].error = "failed", str(exc)
    return statuses, records, pages


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


def collect_livebench(fetcher: Fetcher):
    """Snapshot the LiveBench ``public/`` listing and every release's table and categories
    file. Returns ``(status rows, records, releases)``; ``releases`` is the frame of
    :func:`assets.leaderboards.livebench.livebench_releases` (empty when the listing is
    unavailable)."""
    row, rec = fetcher.fetch(LIVEBENCH, f"{LIVEBENCH.id}/listing", LIVEBENCH.url,
                             expect="json_array_nonempty")
    statuses, records = [row], [rec] if rec else []
    if rec is None:
        return statuses, records, pd.DataFrame(columns=livebench.RELEASE_COLUMNS)
    releases = livebench.livebench_releases(fetcher.store.read(rec))
    for r in releases.itertuples():
        for url in _release_urls(r):
            stream = _release_stream(url)
            table = stream.endswith(".csv")
            row, frec = fetcher.fetch(
                LIVEBENCH, stream, url, expect="csv" if table else "json",
                validate=livebench.check_table if table else livebench.check_categories)
            statuses.append(row)
            if frec is not None:
                records.append(frec)
    return statuses, records, releases


def _release_urls(release) -> list[str]:
    """The table and categories URLs of a row of ``livebench_releases``, those present."""
    return [u for u in (release.table_url, release.categories_url)
            if isinstance(u, str) and u and u != "None"]


def _release_stream(url: str) -> str:
    """The snapshot stream of a LiveBench release file (named after the file)."""
    return f"{LIVEBENCH.id}/{url.rsplit('/', 1)[-1]}"


def stored_livebench(store: SnapshotStore) -> list[tuple[str, bytes, bytes]]:
    """``(release, table CSV, categories JSON)`` of every release whose two files are
    stored (offline read, no request)."""
    _, _, releases = collect_livebench(Fetcher("offline", store))
    out = []
    for r in releases.itertuples():
        urls = _release_urls(r)
        recs = [store.latest(_release_stream(u)) for u in urls]
        if len(recs) == 2 and all(recs):
            out.append((r.release, store.read(recs[0]), store.read(recs[1])))
    return out
