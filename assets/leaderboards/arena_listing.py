"""LMArena versions from GitHub commits listings: one version per leaderboard date, over the
tracked file and its successors, deletions set apart. Pure functions, no Dagster, no HTTP.

Source (``shared/reference/SOURCES.md``, Leaderboards): the git history of ``csv/lmsys.csv``
in ``fboulnois/llm-leaderboard-csv``; the leaderboard later moved to other files of the same
repository, named in ``sources.yaml`` as successors (``csv/lmarena_text.csv``, from August
2025). Each path is listed by ``GET /repos/<repo>/commits?path=<path>``.

Decisions, stated once:

- **Version date.** The leaderboard's own date where upstream states it, else the UTC date
  of the commit. The repository's scraper states it in the commit message ("auto: update csv
  outputs to version 2025.01.24", :data:`STATED_DATE_RE`); the CSVs carry no date column.
  A backfill that commits several stated versions in one day therefore keeps every one of
  them (one partition each); commits are never keyed by their time of day.
- **Same date twice.** Two commits with the same version date (the same stated version
  committed again, or unstated commits on one day) are one version: the one committed LAST
  wins, the others are listed in ``superseded_shas``. Equal commit times: the first listed
  (newest) wins. This holds across paths, so a successor's version of the same date as the
  tracked file's last one replaces it only when committed later.
- **Deleted files.** A commit that deletes the file (``files[].status == "removed"`` for the
  path where the listing carries ``files``, or a sha the caller found answering 404 for the
  file) is no version. When it is a path's NEWEST commit the path is *discontinued*
  (:func:`discontinued`); its successors continue the history.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from assets.leaderboards.github import VersionListingError
from assets.leaderboards.tables import ARENA_VERSIONS, with_spec_dtypes

#: The file tracked before any successor (sources.yaml ``lmarena_history`` ``path``).
TRACKED_PATH = "csv/lmsys.csv"
#: The leaderboard's own date as the scraper states it in a commit message.
STATED_DATE_RE = re.compile(r"\bversion (\d{4})\.(\d{2})\.(\d{2})\b")
_SHA_RE = re.compile(r"^[0-9a-f]{7,40}$")


@dataclass(frozen=True)
class ListedCommit:
    """One commit of a path's listing: ``sha``, UTC commit time, the version date
    (``YYYY-MM-DD``) and where it came from (``stated`` / ``committed``), whether the
    listing says it removed the file, and its position in the listing (0 = newest)."""

    path: str
    sha: str
    committed_at: pd.Timestamp
    version: str
    dated_by: str
    removed: bool
    position: int


def arena_csv_url(file_url: str, sha: str, path: str = TRACKED_PATH) -> str:
    """The URL of ``path`` at commit ``sha`` (7-40 lowercase hex digits): ``file_url``
    (sources.yaml ``file_url``, with ``{sha}`` and ``{file}``) formatted with both.

    Raises:
        ValueError: ``sha`` is not a hex commit id.
    """
    if not isinstance(sha, str) or not _SHA_RE.match(sha):
        raise ValueError(f"arena version: {sha!r} is not a git commit sha")
    return file_url.format(sha=sha, file=path)


def listed_commits(pages: list[list[dict]], path: str = TRACKED_PATH) -> list[ListedCommit]:
    """The commits of one path's listing pages, in listing order (newest first), each sha
    once, up to the first empty page.

    Raises:
        VersionListingError: a page is not a list, or a commit has no sha or no parsable date
        (names the path, page and position).
    """
    out, seen = [], set()
    for page_no, page in enumerate(pages, start=1):
        if not isinstance(page, list):
            raise VersionListingError(
                f"arena commits listing ({path}), page {page_no}: expected a JSON array, got "
                f"{type(page).__name__}")
        if not page:
            break
        for i, entry in enumerate(page):
            commit = _commit_of(entry, path, f"arena commits listing ({path}), page "
                                          f"{page_no}, entry {i}", len(out))
            if commit.sha not in seen:
                seen.add(commit.sha)
                out.append(commit)
    return out


def _commit_of(entry, path: str, where: str, position: int) -> ListedCommit:
    """One :class:`ListedCommit` from a commit object of the listing."""
    sha = entry.get("sha") if isinstance(entry, dict) else None
    if not isinstance(sha, str) or not _SHA_RE.match(sha):
        raise VersionListingError(f"{where}: no valid 'sha' ({sha!r})")
    commit = entry.get("commit") or {}
    stamp = ((commit.get("committer") or {}).get("date")
             or (commit.get("author") or {}).get("date"))
    try:
        committed = pd.Timestamp(stamp)
        if pd.isna(committed):
            raise ValueError("empty")
        committed = (committed.tz_localize("UTC") if committed.tzinfo is None
                     else committed.tz_convert("UTC"))
    except (ValueError, TypeError) as exc:
        raise VersionListingError(
            f"{where} (sha {sha}): no parsable commit date ({stamp!r}): {exc}") from exc
    stated = STATED_DATE_RE.search(str(commit.get("message") or ""))
    version, dated_by = committed.strftime("%Y-%m-%d"), "committed"
    if stated:
        try:
            version = pd.Timestamp(f"{stated[1]}-{stated[2]}-{stated[3]}").strftime("%Y-%m-%d")
            dated_by = "stated"
        except ValueError:
            pass                          # "version 2025.13.40": not a date, commit date
    removed = any(isinstance(f, dict) and f.get("filename") == path
                  and f.get("status") == "removed" for f in entry.get("files") or [])
    return ListedCommit(path, sha, committed, version, dated_by, removed, position)


def _listings(listings: Mapping[str, list[list[dict]]] | list[list[dict]]
              ) -> Iterator[tuple[str, list[ListedCommit]]]:
    """``(path, commits)`` per path; a bare list of pages is the tracked file's."""
    items = listings.items() if isinstance(listings, Mapping) else [(TRACKED_PATH, listings)]
    for path, pages in items:
        yield path, listed_commits(pages, path)


def arena_versions(listings: Mapping[str, list[list[dict]]] | list[list[dict]],
                   deleted: Iterable[str] = ()) -> pd.DataFrame:
    """One row per arena version (partition) from the commits listings.

    ``listings``: path -> the decoded JSON pages of that path's commits listing, in the
    order fetched (each a list of commit objects with ``sha``, ``commit.committer.date``
    (else ``commit.author.date``), ``commit.message`` and, where present, ``files``); a bare
    list of pages is the listing of :data:`TRACKED_PATH`. ``deleted``: shas found to delete
    their file (the file answers 404 there); they and commits whose ``files`` say
    ``removed`` make no version.

    Returns the columns of the ``arena_versions`` spec: ``version`` (str ``YYYY-MM-DD``, the
    partition key: the stated leaderboard date, else the commit's UTC date), ``sha`` (str),
    ``path`` (str, the file read at that commit), ``dated_by`` (``stated`` / ``committed``),
    ``committed_at`` (``datetime64[s, UTC]``), ``superseded_shas`` (str, ``;``-joined
    shas of other commits with the same version date, dropped because a LATER commit wins;
    ``""`` when none), sorted by ``version`` ascending, one row per version.

    Raises:
        VersionListingError: a page is not a list, or a commit has no sha or no parsable date.
    """
    gone = set(deleted)
    by_version: dict[str, list[ListedCommit]] = {}
    order = 0
    for _, commits in _listings(listings):
        for c in commits:
            if not (c.removed or c.sha in gone):
                by_version.setdefault(c.version, []).append((c, order))
            order += 1
    rows = []
    for version in sorted(by_version):
        # Latest commit time wins; on equal times the earlier-listed (newer) one wins.
        group = sorted(by_version[version], key=lambda r: (-r[0].committed_at.value, r[1]))
        best, dropped = group[0][0], group[1:]
        rows.append({"version": version, "sha": best.sha, "path": best.path,
                     "dated_by": best.dated_by, "committed_at": best.committed_at,
                     "superseded_shas": ";".join(r[0].sha for r in dropped)})
    out = pd.DataFrame(rows, columns=ARENA_VERSIONS.column_names)
    out["committed_at"] = pd.to_datetime(out["committed_at"], utc=True)
    return with_spec_dtypes(out, ARENA_VERSIONS).reset_index(drop=True)


def newest_commit(pages: list[list[dict]], path: str = TRACKED_PATH) -> ListedCommit | None:
    """The newest commit of one path's listing (latest commit time; first listed on equal
    times), or None for an empty listing."""
    commits = listed_commits(pages, path)
    if not commits:
        return None
    return min(commits, key=lambda c: (-c.committed_at.value, c.position))


def discontinued(listings: Mapping[str, list[list[dict]]],
                 deleted: Iterable[str] = ()) -> list[ListedCommit]:
    """The paths whose NEWEST commit deletes the file (``files[].status == "removed"``, or
    its sha in ``deleted``): that commit of each, in the order of ``listings``."""
    gone = set(deleted)
    out = []
    for path, pages in listings.items():
        newest = newest_commit(pages, path)
        if newest is not None and (newest.removed or newest.sha in gone):
            out.append(newest)
    return out
