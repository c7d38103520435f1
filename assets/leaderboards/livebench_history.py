"""LiveBench as a dated history: the versions of each release's files, and the tables as
they stood on a date. Pure functions, no Dagster and no HTTP.

A LiveBench release (``public/table_<release>.csv`` + ``public/categories_<release>.json``)
changes after its release date: models are added to its table for months (Qwen2.5-Max was
added to the 2024-11-25 table on 2025-02-04). Each file's versions come from its GitHub
commits listing (``commits?path=public/<file>``); the file at a version is read at its
commit (``raw.githubusercontent.com/<owner>/<repo>/<sha>/public/<file>``).

Decisions, stated once:

- **Version key.** ``<release>@<version date>``: the release as it stood at the end of a
  UTC date on which its table or its categories file was committed. Each file is read at
  its last commit on or before the end of that date (of several commits on one date, the
  later wins, as for the arena). A date before both files exist is no version.
- **As of a date.** A release is visible on ``as_of`` when it has a version dated on or
  before ``as_of``; its rows are those of its newest such version.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from assets.leaderboards.arena_listing import listed_commits
from assets.leaderboards.github import as_date
from assets.leaderboards.tables import LIVEBENCH_VERSIONS, with_spec_dtypes

#: The two files of a release, by kind.
FILE_KINDS = ("table", "categories")


def release_file(kind: str, release: str) -> str:
    """The file name of ``kind`` (``table`` or ``categories``) of ``release`` (YYYY-MM-DD)
    under ``public/``: ``table_2024_11_25.csv``, ``categories_2024_11_25.json``."""
    ext = {"table": "csv", "categories": "json"}[kind]
    return f"{kind}_{release.replace('-', '_')}.{ext}"


def version_key(release: str, version_date: str) -> str:
    """The partition key ``<release>@<version date>``."""
    return f"{release}@{version_date}"


def split_version(key: str) -> tuple[date, date]:
    """``(release, version date)`` of a partition key.

    Raises:
        LeaderboardError: not ``YYYY-MM-DD@YYYY-MM-DD``.
    """
    release, _, day = key.partition("@")
    return as_date(release, "LiveBench version release"), as_date(day, f"LiveBench version "
                                                                      f"{key!r} date")


def livebench_versions(listings: dict[str, dict[str, list[list[dict]]]]) -> pd.DataFrame:
    """The versions of every release from its files' commits listings.

    ``listings``: release (YYYY-MM-DD) -> ``{"table": pages, "categories": pages}``, each
    ``pages`` the decoded JSON pages of the file's commits listing (commit objects with
    ``sha`` and ``commit.committer.date``); a missing kind or empty pages: no commit known.

    Returns the columns of the ``livebench_versions`` spec: ``version`` (str, the partition
    key), ``release``, ``version_date`` (``datetime.date``), ``table_sha``,
    ``categories_sha`` (str), ``committed_at`` (``datetime64[s, UTC]``, the later of the two
    commits), sorted by ``version``.

    Raises:
        VersionListingError: a page is not a list, or a commit has no sha or date.
    """
    rows = []
    for release in sorted(listings):
        commits = {kind: sorted(((c.committed_at, c.sha) for c in
                                 listed_commits(listings[release].get(kind) or [],
                                                release_file(kind, release))),
                                key=lambda c: c[0])
                   for kind in FILE_KINDS}
        days = sorted({ts.strftime("%Y-%m-%d") for kind in FILE_KINDS
                       for ts, _ in commits[kind]})
        for day in days:
            end = pd.Timestamp(day, tz="UTC") + pd.Timedelta(days=1)
            state = {kind: [c for c in commits[kind] if c[0] < end] for kind in FILE_KINDS}
            if not all(state.values()):
                continue
            table, cats = state["table"][-1], state["categories"][-1]
            rows.append({"version": version_key(release, day),
                         "release": as_date(release, "LiveBench release"),
                         "version_date": as_date(day, "LiveBench version date"),
                         "table_sha": table[1], "categories_sha": cats[1],
                         "committed_at": max(table[0], cats[0])})
    out = pd.DataFrame(rows, columns=LIVEBENCH_VERSIONS.column_names)
    out["committed_at"] = pd.to_datetime(out["committed_at"], utc=True)
    out = with_spec_dtypes(out, LIVEBENCH_VERSIONS)
    return out.sort_values("version", kind="stable").reset_index(drop=True)


def versions_as_of(keys, as_of: date | str | None = None) -> list[str]:
    """Of the partition keys ``keys``, the newest version of each release dated on or
    before ``as_of`` (every release's newest when ``as_of`` is None), sorted.

    Raises:
        LeaderboardError: a key is not ``YYYY-MM-DD@YYYY-MM-DD`` or ``as_of`` no date.
    """
    limit = None if as_of is None else as_date(as_of, "LiveBench as_of")
    newest: dict[date, tuple[date, str]] = {}
    for key in keys:
        release, day = split_version(key)
        if limit is not None and day > limit:
            continue
        if release not in newest or day > newest[release][0]:
            newest[release] = (day, key)
    return sorted(k for _, k in newest.values())
