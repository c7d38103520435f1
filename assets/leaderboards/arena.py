"""Leaderboard history: LMArena (Chatbot Arena) versions and LiveBench releases.

Pure functions, no Dagster: bytes or DataFrames in, DataFrames out. The Dagster side wraps
them in partitioned assets (one ``arena_scores`` partition per arena version date, one
LiveBench release per release date).

Sources (see ``shared/reference/SOURCES.md``, Leaderboards):

- LMArena history: the git history of ``csv/lmsys.csv`` in ``fboulnois/llm-leaderboard-csv``
  (a daily scrape of the arena leaderboard, committed when it changed). Versions are listed by
  the GitHub commits API (newest first, ``Link: rel="next"`` pagination); the file at a
  version is ``https://raw.githubusercontent.com/<repo>/<sha>/csv/lmsys.csv``.
  Repository license MPL-2.0; the data is LMArena's.
- LiveBench: ``public/table_YYYY_MM_DD.csv`` (one row per model, one column per task, scores
  0-100) and ``public/categories_YYYY_MM_DD.json`` (category -> task names) of
  ``LiveBench/livebench.github.io``, listed by the GitHub contents API.

Decisions, stated once:

- **Version key.** An arena version is keyed by the UTC date of its commit (``YYYY-MM-DD``,
  the partition key). When several commits share a date, the one committed LAST wins (it is
  the leaderboard as it stood at the end of that day); the others are listed in
  ``superseded_shas``. Equal commit times are broken by listing order (the API lists newest
  first, so the first listed wins).
- **Layouts.** Every known header of ``lmsys.csv`` is written out in :data:`ARENA_LAYOUTS`
  and matched exactly (names and order). Anything else raises :class:`UnknownLayoutError`;
  nothing is guessed.
- **One row per model per version.** The key is the model name exactly as the arena prints
  it (``model_name_raw``): variants (``...-bf16`` / ``...-fp8``) are separate rows even when
  they share a registry ``model_id``. A name printed twice with identical fields is kept once;
  printed twice with different fields raises :class:`DuplicateModelError`.
- **Renames.** ``arena_rank_changes`` follows ``model_name_raw``: a renamed entry is an
  ``exited`` row under the old name and an ``entered`` row under the new name in the same
  transition (``model_id`` lets a reader pair them when both names are in the registry).
- **LiveBench missing tasks.** ``livebench_scores`` has one row per model and per task the
  categories file expects, with ``score`` null where the table has no value (an empty cell, or
  a task the categories file lists but the table has no column for). ``livebench_summary``
  shows means over the tasks present and marks ``complete=False`` whenever a task is missing;
  only ``complete=True`` rows are the site's figure. Table columns that no category lists
  are kept in ``livebench_scores`` with ``category`` null and left out of the summary, as the
  site leaves them out.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime

import pandas as pd

from assets.registry import match_model
from pipelines.tables import (
    register,
    BOOL, DATE, FLOAT, INT16, INT32, INT64, STR, TIMESTAMP, Column, TableSpec,
)

#: Source ids (``assets/registry/sources.yaml``).
ARENA_SOURCE = "lmarena_history"
LIVEBENCH_SOURCE = "livebench"

#: Every known header of ``csv/lmsys.csv``, exactly as in the file, by layout name.
#: Seen in the history (SOURCES.md): ``arena_elo`` until July 2024, then ``arena_score``;
#: ``rank_stylectrl`` inserted as the second column in October 2024.
ARENA_LAYOUTS: dict[str, tuple[str, ...]] = {
    "elo_2024_06": ("rank", "model", "arena_elo", "95_pct_ci", "votes", "organization",
                    "license", "knowledge_cutoff", "url"),
    "score_2024_07": ("rank", "model", "arena_score", "95_pct_ci", "votes", "organization",
                      "license", "knowledge_cutoff", "url"),
    "stylectrl_2024_10": ("rank", "rank_stylectrl", "model", "arena_score", "95_pct_ci",
                          "votes", "organization", "license", "knowledge_cutoff", "url"),
}
#: Column of each layout that holds the arena score.
_SCORE_COLUMN = {"elo_2024_06": "arena_elo", "score_2024_07": "arena_score",
                 "stylectrl_2024_10": "arena_score"}

_SHA_RE = re.compile(r"^[0-9a-f]{7,40}$")
_CI_RE = re.compile(r"^\+\s*(\d+(?:\.\d+)?)\s*/\s*-\s*(\d+(?:\.\d+)?)$")
_CUTOFF_RE = re.compile(r"^(\d{4})/(\d{1,2})$")
_INT_RE = re.compile(r"^\d+$")
_RELEASE_FILE_RE = re.compile(r"^(table|categories)_(\d{4})_(\d{2})_(\d{2})\.(csv|json)$")


class LeaderboardError(ValueError):
    """Bad leaderboard input; the message names the source, version and what was wrong."""


class VersionListingError(LeaderboardError):
    """A page of the GitHub commits listing is not in the API's shape."""


class ArenaParseError(LeaderboardError):
    """An arena ``lmsys.csv`` version cannot be parsed (bad value, no rows, bad row)."""


class UnknownLayoutError(ArenaParseError):
    """The header of an arena CSV version matches no layout of :data:`ARENA_LAYOUTS`."""


class DuplicateModelError(ArenaParseError):
    """A model name appears twice in one version with different values."""


class LiveBenchError(LeaderboardError):
    """A LiveBench listing, table or categories file is malformed."""


class ComparisonUnavailable(LookupError):
    """:func:`arena_comparison` found no version on or before ``as_of``, or a model is not
    on that version. The message says which (usable as a claim's explanation)."""


# ---------------------------------------------------------------------------------------
# Versions (GitHub commits API)
# ---------------------------------------------------------------------------------------

_LINK_RE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")


def next_page_url(link_header: str | None) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 ``Link`` header, or None.

    Handles several links in one header, quoted or bare ``rel`` values, several relation
    types in one ``rel`` (``rel="next last"``) and any case. None when the header is absent,
    empty or has no next link (the last page).
    """
    if not link_header:
        return None
    for match in _LINK_RE.finditer(link_header):
        target, params = match.group(1).strip(), match.group(2)
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() != "rel":
                continue
            rels = value.strip().strip('"').lower().split()
            if "next" in rels:
                return target
    return None


def iter_pages(fetch: Callable[[str], tuple[object, str | None]], first_url: str,
               max_pages: int = 500) -> Iterator[list]:
    """Yield the pages of a paginated GitHub listing, newest first.

    ``fetch(url)`` returns ``(decoded JSON body, Link header or None)``; the caller owns the
    HTTP (client, token, mirror). Follows ``rel="next"`` (:func:`next_page_url`) and stops on
    an empty page or when there is no next link; the empty page is not yielded.

    Raises:
        VersionListingError: a body is not a JSON array, a next link points back to a page
        already fetched, or more than ``max_pages`` pages.
    """
    url: str | None = first_url
    seen: set[str] = set()
    while url is not None:
        if url in seen:
            raise VersionListingError(f"listing pagination loops back to {url}")
        if len(seen) >= max_pages:
            raise VersionListingError(f"listing has more than {max_pages} pages ({first_url})")
        seen.add(url)
        body, link = fetch(url)
        if not isinstance(body, list):
            raise VersionListingError(
                f"listing page {url}: expected a JSON array, got {type(body).__name__}")
        if not body:
            return
        yield body
        url = next_page_url(link)


def arena_csv_url(file_url: str, sha: str) -> str:
    """The URL of the tracked file at commit ``sha`` (7-40 lowercase hex digits):
    ``file_url`` (sources.yaml ``file_url``, with ``{sha}``) formatted with it.

    Raises:
        ValueError: ``sha`` is not a hex commit id.
    """
    if not isinstance(sha, str) or not _SHA_RE.match(sha):
        raise ValueError(f"arena version: {sha!r} is not a git commit sha")
    return file_url.format(sha=sha)


def arena_versions(commit_pages: list[list[dict]]) -> pd.DataFrame:
    """One row per arena version (partition) from the pages of the commits listing.

    ``commit_pages``: the decoded JSON pages of
    ``GET /repos/fboulnois/llm-leaderboard-csv/commits?path=csv/lmsys.csv`` in the order they
    were fetched (each a list of commit objects with ``sha`` and ``commit.committer.date``;
    ``commit.author.date`` is used when the committer date is absent). An empty page ends the
    listing; a sha listed twice (a commit landing while paging) counts once.

    Returns columns ``version`` (str ``YYYY-MM-DD``, the UTC date of the commit; the partition
    key), ``sha`` (str), ``committed_at`` (``datetime64[s, UTC]``), ``superseded_shas`` (str,
    ``;``-joined shas of other commits on the same date, dropped because a LATER commit that
    day wins; ``""`` when none), sorted by ``version`` ascending, one row per date.

    Raises:
        VersionListingError: a page is not a list, or a commit has no sha or no parsable date
        (names the page and position).
    """
    records = []
    seen: set[str] = set()
    position = 0
    for page_no, page in enumerate(commit_pages, start=1):
        if not isinstance(page, list):
            raise VersionListingError(
                f"arena commits listing, page {page_no}: expected a JSON array, got "
                f"{type(page).__name__}"
            )
        if not page:
            break
        for i, entry in enumerate(page):
            where = f"arena commits listing, page {page_no}, entry {i}"
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
                    f"{where} (sha {sha}): no parsable commit date ({stamp!r}): {exc}"
                ) from exc
            if sha in seen:
                continue
            seen.add(sha)
            records.append((committed.strftime("%Y-%m-%d"), sha, committed, position))
            position += 1
    rows = []
    by_date: dict[str, list[tuple]] = {}
    for rec in records:
        by_date.setdefault(rec[0], []).append(rec)
    for version in sorted(by_date):
        # Latest commit time wins; on equal times the earlier-listed (newer) one wins.
        group = sorted(by_date[version], key=lambda r: (-r[2].value, r[3]))
        winner, dropped = group[0], group[1:]
        rows.append({
            "version": version,
            "sha": winner[1],
            "committed_at": winner[2],
            "superseded_shas": ";".join(r[1] for r in dropped),
        })
    out = pd.DataFrame(rows, columns=["version", "sha", "committed_at", "superseded_shas"])
    out["version"] = out["version"].astype("str")
    out["sha"] = out["sha"].astype("str")
    out["superseded_shas"] = out["superseded_shas"].astype("str")
    out["committed_at"] = pd.to_datetime(out["committed_at"], utc=True).astype(
        "datetime64[s, UTC]")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Arena CSV
# ---------------------------------------------------------------------------------------

def detect_arena_layout(columns: Iterable[str], version: str = "?") -> str:
    """The name of the :data:`ARENA_LAYOUTS` entry whose column list equals ``columns``.

    Raises:
        UnknownLayoutError: naming the version, the columns found and every expected layout.
    """
    found = tuple(c.strip() for c in columns)
    for name, layout in ARENA_LAYOUTS.items():
        if found == layout:
            return name
    expected = "; ".join(f"{n}: {','.join(cols)}" for n, cols in ARENA_LAYOUTS.items())
    raise UnknownLayoutError(
        f"arena version {version}: unknown lmsys.csv layout; columns found: "
        f"{','.join(found) or '(none)'}; expected one of: {expected}"
    )


def parse_arena_csv(data: bytes, version: str, sha: str) -> pd.DataFrame:
    """Parse one version of ``csv/lmsys.csv`` into one partition of ``arena_scores``.

    ``version`` is the partition key (``YYYY-MM-DD``, used in error messages; the date is not
    a column: it is the hive folder ``snapshot_date=...``), ``sha`` the commit it was read at.

    Returns the columns of the ``arena_scores`` spec, one row per model name, in file order:
    ``model_name_raw`` (str), ``model_id`` (str, registry id or null), ``rank`` (Int32),
    ``rank_style_control`` (Int32, null before the October 2024 layout or where empty),
    ``score`` (float64, arena score, Elo-style points, from ``arena_elo`` or ``arena_score``),
    ``ci_plus`` / ``ci_minus`` (float64 points, the ``+a/-b`` of ``95_pct_ci``, both >= 0),
    ``votes`` (Int64), ``organization``, ``license`` (str), ``knowledge_cutoff``
    (``datetime.date``, first day of the month of ``YYYY/M``; null for ``Unknown``,
    ``Online`` or any other text), ``knowledge_cutoff_raw`` (str as printed),
    ``source_sha`` (str).

    Raises:
        UnknownLayoutError: the header is not one of :data:`ARENA_LAYOUTS`.
        DuplicateModelError: a model name printed twice with different values.
        ArenaParseError: not UTF-8, no data rows, a row with the wrong number of fields, an
            empty model name, or a rank/score/CI/votes value that is not a number (names the
            version, line, model and column).
    """
    where = f"arena version {version} (sha {sha})"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArenaParseError(f"{where}: lmsys.csv is not UTF-8: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ArenaParseError(f"{where}: lmsys.csv is empty (no header)")
    layout = detect_arena_layout(header, version)
    cols = ARENA_LAYOUTS[layout]
    score_col = _SCORE_COLUMN[layout]

    rows: dict[str, dict] = {}
    for line_no, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(cols):
            raise ArenaParseError(
                f"{where}, line {line_no}: {len(fields)} fields, expected {len(cols)} "
                f"({layout})"
            )
        raw = {c: f.strip() for c, f in zip(cols, fields)}
        name = raw["model"]
        if not name:
            raise ArenaParseError(f"{where}, line {line_no}: empty model name")
        at = f"{where}, line {line_no}, model {name!r}"
        ci_match = _CI_RE.match(raw["95_pct_ci"])
        if not ci_match:
            raise ArenaParseError(
                f"{at}: 95_pct_ci {raw['95_pct_ci']!r} is not '+a/-b'")
        cutoff_raw = raw["knowledge_cutoff"]
        row = {
            "model_name_raw": name,
            "model_id": match_model(name, variant="instruct"),
            "rank": _int(raw["rank"], at, "rank"),
            "rank_style_control": (_int(raw["rank_stylectrl"], at, "rank_stylectrl")
                                   if raw.get("rank_stylectrl") else None),
            "score": _float(raw[score_col], at, score_col),
            "ci_plus": float(ci_match.group(1)),
            "ci_minus": float(ci_match.group(2)),
            "votes": _int(raw["votes"], at, "votes"),
            "organization": raw["organization"] or None,
            "license": raw["license"] or None,
            "knowledge_cutoff": _cutoff(cutoff_raw),
            "knowledge_cutoff_raw": cutoff_raw or None,
            "source_sha": sha,
        }
        if name in rows:
            if rows[name] != row:
                raise DuplicateModelError(
                    f"{at}: printed twice with different values ({rows[name]} vs {row})")
            continue
        rows[name] = row
    if not rows:
        raise ArenaParseError(f"{where}: lmsys.csv has a header ({layout}) but no data rows")
    return _typed_arena(pd.DataFrame(list(rows.values()), columns=_ARENA_COLS))


def _int(value: str, at: str, column: str) -> int:
    if not _INT_RE.match(value):
        raise ArenaParseError(f"{at}: {column} {value!r} is not a whole number")
    return int(value)


def _float(value: str, at: str, column: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ArenaParseError(f"{at}: {column} {value!r} is not a number") from None


def _cutoff(raw: str) -> date | None:
    m = _CUTOFF_RE.match(raw)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return date(year, month, 1) if 1 <= month <= 12 else None


def _typed_arena(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in ("model_name_raw", "model_id", "organization", "license",
                "knowledge_cutoff_raw", "source_sha"):
        df[col] = df[col].astype("str")
    df["rank"] = df["rank"].astype("Int32")
    df["rank_style_control"] = df["rank_style_control"].astype("Int32")
    df["votes"] = df["votes"].astype("Int64")
    for col in ("score", "ci_plus", "ci_minus"):
        df[col] = df[col].astype("float64")
    df["knowledge_cutoff"] = df["knowledge_cutoff"].astype(object)
    return df


def arena_history(partitions: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Concatenate ``arena_scores`` partitions (partition key ``YYYY-MM-DD`` -> frame of
    :func:`parse_arena_csv`) into one history frame with ``snapshot_date``
    (``datetime.date``) as first column, sorted by ``snapshot_date, model_name_raw``.
    The input of :func:`arena_rank_changes`, :func:`arena_comparison` and
    :func:`arena_scores_latest`.

    Raises:
        LeaderboardError: a key is not a ``YYYY-MM-DD`` date.
    """
    frames = []
    for key, frame in partitions.items():
        part = frame.copy()
        part.insert(0, "snapshot_date", _as_date(key, "arena partition key"))
        frames.append(part)
    if not frames:
        return _typed_arena(pd.DataFrame(columns=_ARENA_COLS)).assign(
            snapshot_date=pd.Series([], dtype=object))[["snapshot_date", *_ARENA_COLS]]
    out = pd.concat(frames, ignore_index=True)
    out["snapshot_date"] = out["snapshot_date"].astype(object)
    return out.sort_values(["snapshot_date", "model_name_raw"], kind="stable").reset_index(
        drop=True)


def arena_scores_latest(history: pd.DataFrame) -> pd.DataFrame:
    """The rows of the newest ``snapshot_date`` of ``history`` (table
    ``arena_scores_latest``: ``snapshot_date`` first, then the ``arena_scores`` columns).
    Empty in, empty out."""
    hist = _with_dates(history)
    if hist.empty:
        return hist[["snapshot_date", *_ARENA_COLS]]
    latest = hist["snapshot_date"].max()
    return hist[hist["snapshot_date"] == latest][["snapshot_date", *_ARENA_COLS]].reset_index(
        drop=True)


def _as_date(value, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value), "%Y-%m-%d").date()
    except ValueError:
        raise LeaderboardError(f"{what} {value!r} is not a YYYY-MM-DD date") from None


def _with_dates(history: pd.DataFrame) -> pd.DataFrame:
    if "snapshot_date" not in history.columns:
        raise LeaderboardError(
            "arena history: no 'snapshot_date' column (concatenate partitions with "
            "arena_history())")
    hist = history.copy()
    hist["snapshot_date"] = [_as_date(v, "arena snapshot_date") for v in hist["snapshot_date"]]
    hist["snapshot_date"] = hist["snapshot_date"].astype(object)
    return hist


# ---------------------------------------------------------------------------------------
# Changes between versions, and comparisons
# ---------------------------------------------------------------------------------------

_CHANGE_COLS = ["snapshot_date", "previous_snapshot_date", "model_name_raw", "model_id",
                "change", "rank_previous", "rank", "rank_change", "score_previous", "score",
                "score_change"]


def arena_rank_changes(history: pd.DataFrame) -> pd.DataFrame:
    """Table ``arena_rank_changes``: what changed between each pair of consecutive versions.

    ``history``: all ``arena_scores`` partitions with a ``snapshot_date`` column (see
    :func:`arena_history`). Versions are consecutive in the order of the dates present (a
    missing partition is skipped over). The first version has no predecessor and yields no
    rows. Models are followed by ``model_name_raw``: a rename is an ``exited`` row (old name)
    plus an ``entered`` row (new name).

    Returns one row per (``snapshot_date``, ``model_name_raw``) with ``snapshot_date``
    (date, the later version), ``previous_snapshot_date`` (date), ``model_name_raw``,
    ``model_id`` (str or null), ``change`` (``moved``: on both versions, whether or not rank
    or score changed; ``entered``: new on the later version; ``exited``: on the earlier
    version only, listed under the later version's date), ``rank_previous``, ``rank`` (Int32,
    null where absent), ``rank_change`` (Int32, ``rank - rank_previous``: negative means the
    model climbed), ``score_previous``, ``score``, ``score_change`` (float64 arena-score
    points, ``score - score_previous``).
    """
    hist = _with_dates(history)
    dates = sorted(hist["snapshot_date"].unique())
    keep = ["model_name_raw", "model_id", "rank", "score"]
    frames = []
    for prev_date, cur_date in zip(dates, dates[1:]):
        prev = hist.loc[hist["snapshot_date"] == prev_date, keep]
        cur = hist.loc[hist["snapshot_date"] == cur_date, keep]
        both = cur.merge(prev, on="model_name_raw", how="outer", suffixes=("", "_previous"),
                         indicator=True)
        both["change"] = both["_merge"].map(
            {"both": "moved", "left_only": "entered", "right_only": "exited"}).astype("str")
        both["model_id"] = both["model_id"].where(both["model_id"].notna(),
                                                  both["model_id_previous"])
        both["snapshot_date"] = cur_date
        both["previous_snapshot_date"] = prev_date
        frames.append(both)
    if not frames:
        df = pd.DataFrame(columns=_CHANGE_COLS)
    else:
        df = pd.concat(frames, ignore_index=True)
        df["rank_change"] = df["rank"].astype("Int32") - df["rank_previous"].astype("Int32")
        df["score_change"] = df["score"] - df["score_previous"]
        df = df[_CHANGE_COLS].sort_values(["snapshot_date", "model_name_raw"], kind="stable")
    df = df.reset_index(drop=True)
    for col in ("snapshot_date", "previous_snapshot_date"):
        df[col] = df[col].astype(object)
    for col in ("model_name_raw", "model_id", "change"):
        df[col] = df[col].astype("str")
    for col in ("rank_previous", "rank", "rank_change"):
        df[col] = df[col].astype("Int32")
    for col in ("score_previous", "score", "score_change"):
        df[col] = df[col].astype("float64")
    return df


def _opt(value):
    return None if value is None or pd.isna(value) else value.item() if hasattr(
        value, "item") else value


def arena_comparison(history: pd.DataFrame, model_a: str, model_b: str,
                     as_of: date | str) -> dict:
    """Arena evidence for "model A vs model B" as it stood on ``as_of``.

    Takes the last version (``snapshot_date``) on or before ``as_of`` in ``history`` (see
    :func:`arena_history`). Each model is represented by its best-scoring variant on that
    version (highest ``score``; then most votes; then name), e.g. the better of Llama 3.1
    405B's bf16 and fp8 entries. Intervals are the arena's 95% confidence intervals,
    ``[score - ci_minus, score + ci_plus]``; they overlap when ``lo_a <= hi_b`` and
    ``lo_b <= hi_a`` (touching ends count as overlapping). Overlapping intervals mean the
    arena cannot tell the two apart ("comparable").

    ``model_a``/``model_b`` are registry ids (``assets/registry/models.yaml``).

    Returns a dict: ``version`` (str ``YYYY-MM-DD``), ``sha`` (commit of that version),
    ``as_of`` (str), ``model_a``, ``model_b`` (ids), ``name_a``, ``name_b`` (chosen variants'
    arena names), ``variants_a``, ``variants_b`` (all arena names of each model on that
    version), ``score_a``, ``score_b`` (float, arena-score points), ``interval_a``,
    ``interval_b`` ((low, high) floats), ``rank_a``, ``rank_b``, ``votes_a``, ``votes_b``
    (int), ``gap`` (``score_a - score_b``), ``overlap`` (bool).

    Raises:
        ComparisonUnavailable: no version on or before ``as_of``, or a model not on it.
        LeaderboardError: ``history`` has no ``snapshot_date``.
    """
    as_of_d = _as_date(as_of, "as_of")
    hist = _with_dates(history)
    eligible = sorted(d for d in hist["snapshot_date"].unique() if d <= as_of_d)
    if not eligible:
        raise ComparisonUnavailable(
            f"arena: no version on or before {as_of_d.isoformat()} in the history")
    version = eligible[-1]
    snap = hist[hist["snapshot_date"] == version]
    picked = {}
    for key, mid in (("a", model_a), ("b", model_b)):
        rows = snap[snap["model_id"] == mid]
        if rows.empty:
            raise ComparisonUnavailable(
                f"arena version {version.isoformat()}: model {mid!r} is not on the "
                "leaderboard (no name matched in the registry)")
        rows = rows.sort_values(["score", "votes", "model_name_raw"],
                                ascending=[False, False, True], kind="stable")
        picked[key] = (rows.iloc[0], sorted(rows["model_name_raw"]))
    out: dict = {"version": version.isoformat(), "as_of": as_of_d.isoformat(),
                 "model_a": model_a, "model_b": model_b}
    shas = snap["source_sha"].dropna().unique()
    out["sha"] = str(shas[0]) if len(shas) else None
    for key, (row, variants) in picked.items():
        score = float(row["score"])
        out[f"name_{key}"] = str(row["model_name_raw"])
        out[f"variants_{key}"] = variants
        out[f"score_{key}"] = score
        out[f"interval_{key}"] = (score - float(row["ci_minus"]), score + float(row["ci_plus"]))
        out[f"rank_{key}"] = _opt(row["rank"])
        out[f"votes_{key}"] = _opt(row["votes"])
    lo_a, hi_a = out["interval_a"]
    lo_b, hi_b = out["interval_b"]
    out["gap"] = out["score_a"] - out["score_b"]
    out["overlap"] = bool(lo_a <= hi_b and lo_b <= hi_a)
    return out


# ---------------------------------------------------------------------------------------
# LiveBench
# ---------------------------------------------------------------------------------------

def livebench_releases(listing_json: bytes) -> pd.DataFrame:
    """LiveBench releases from the contents API listing of ``public/``.

    Returns one row per release date found in a ``table_YYYY_MM_DD.csv`` or
    ``categories_YYYY_MM_DD.json`` file name: ``release`` (str ``YYYY-MM-DD``, the partition
    key), ``table_url``, ``categories_url`` (the entries' ``download_url``; null when that
    file is missing from the listing: such a release cannot be summarised), ``table_sha``,
    ``categories_sha`` (git blob shas: they change exactly when the file changes), sorted by
    ``release``. Other files (``index.html``, images) are ignored.

    Raises:
        LiveBenchError: not JSON, not an array, an entry without ``name``, a release file
        without ``download_url``, or a file name with an impossible date.
    """
    try:
        listing = json.loads(listing_json)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LiveBenchError(f"LiveBench public/ listing: not JSON: {exc}") from exc
    if not isinstance(listing, list):
        raise LiveBenchError(
            f"LiveBench public/ listing: expected a JSON array, got {type(listing).__name__}")
    releases: dict[str, dict] = {}
    for i, entry in enumerate(listing):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            raise LiveBenchError(f"LiveBench public/ listing, entry {i}: no 'name'")
        m = _RELEASE_FILE_RE.match(name)
        if not m or entry.get("type", "file") != "file":
            continue
        kind, ext = m.group(1), m.group(5)
        if (kind, ext) not in (("table", "csv"), ("categories", "json")):
            continue
        key = f"{m.group(2)}-{m.group(3)}-{m.group(4)}"
        _as_date(key, f"LiveBench file {name}: release date")
        url = entry.get("download_url")
        if not url:
            raise LiveBenchError(f"LiveBench public/ listing: {name} has no download_url")
        rec = releases.setdefault(key, {"release": key, "table_url": None,
                                        "categories_url": None, "table_sha": None,
                                        "categories_sha": None})
        rec[f"{kind}_url"] = url
        rec[f"{kind}_sha"] = entry.get("sha")
    cols = ["release", "table_url", "categories_url", "table_sha", "categories_sha"]
    df = pd.DataFrame([releases[k] for k in sorted(releases)], columns=cols)
    return df.astype({c: "str" for c in cols})


def parse_livebench(table_csv: bytes, categories_json: bytes, release: str) -> pd.DataFrame:
    """Table ``livebench_scores`` for one release, long form.

    ``table_csv``: ``public/table_YYYY_MM_DD.csv`` (a ``model`` column, then one column per
    task, scores 0-100, an empty cell where a model has no score). ``categories_json``:
    ``public/categories_YYYY_MM_DD.json`` (category -> list of task names). ``release``:
    ``YYYY-MM-DD``.

    Returns one row per model and per task of the categories file, plus per extra table
    column: ``release`` (``datetime.date``), ``model_name_raw`` (str), ``model_id`` (registry
    id or null), ``task`` (str), ``category`` (str; null for a table column that no category
    lists), ``score`` (float64, 0-100; null where the cell is empty or the table has no
    column for a task the categories file lists). Sorted by model then task.

    Raises:
        LiveBenchError: bad JSON or categories shape, a task in two categories, a category
        named ``global``, no ``model`` column, a duplicated model with different scores, or a
        non-numeric cell (names the release, model, task and value).
    """
    rel = _as_date(release, "LiveBench release")
    where = f"LiveBench release {release}"
    try:
        cats = json.loads(categories_json)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LiveBenchError(f"{where}: categories file is not JSON: {exc}") from exc
    if not isinstance(cats, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in cats.values()):
        raise LiveBenchError(f"{where}: categories file is not an object of task-name lists")
    task_category: dict[str, str] = {}
    for category, tasks in cats.items():
        if category.strip().lower() == "global":
            raise LiveBenchError(f"{where}: category name 'global' is reserved")
        for task in tasks:
            if task in task_category and task_category[task] != category:
                raise LiveBenchError(
                    f"{where}: task {task!r} in two categories ({task_category[task]!r}, "
                    f"{category!r})")
            task_category[task] = category
    try:
        text = table_csv.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LiveBenchError(f"{where}: table is not UTF-8: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if not header or header[0] != "model":
        raise LiveBenchError(f"{where}: table's first column is {header[:1]}, expected 'model'")
    table_tasks = header[1:]
    if len(set(table_tasks)) != len(table_tasks):
        raise LiveBenchError(f"{where}: table has a task column twice: {table_tasks}")
    all_tasks = list(task_category) + [t for t in table_tasks if t not in task_category]
    models: dict[str, dict[str, float | None]] = {}
    for line_no, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise LiveBenchError(
                f"{where}, table line {line_no}: {len(fields)} fields, expected {len(header)}")
        name = fields[0].strip()
        if not name:
            raise LiveBenchError(f"{where}, table line {line_no}: empty model name")
        scores: dict[str, float | None] = {}
        for task, cell in zip(table_tasks, fields[1:]):
            cell = cell.strip()
            if not cell:
                scores[task] = None
                continue
            try:
                scores[task] = float(cell)
            except ValueError:
                raise LiveBenchError(
                    f"{where}, model {name!r}, task {task!r}: {cell!r} is not a number"
                ) from None
        if name in models:
            if models[name] != scores:
                raise LiveBenchError(f"{where}: model {name!r} twice with different scores")
            continue
        models[name] = scores
    rows = []
    for name in sorted(models):
        mid = match_model(name, variant="instruct")
        for task in sorted(all_tasks):
            rows.append({"release": rel, "model_name_raw": name, "model_id": mid,
                         "task": task, "category": task_category.get(task),
                         "score": models[name].get(task)})
    df = pd.DataFrame(rows, columns=["release", "model_name_raw", "model_id", "task",
                                     "category", "score"])
    df["release"] = df["release"].astype(object)
    for col in ("model_name_raw", "model_id", "task", "category"):
        df[col] = df[col].astype("str")
    df["score"] = df["score"].astype("float64")
    return df


def livebench_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Table ``livebench_summary`` (long form) from ``livebench_scores`` rows.

    The site's rule: the mean of the tasks within each category, then the mean of the
    categories (``category='global'``). ``tasks_expected`` is the number of tasks of the
    category in the release (every task of the categories file, whether or not the table
    has it); ``tasks_present`` the model's non-null scores among them. When a task is
    missing, ``score`` is the mean over the tasks present (null when none) and ``complete``
    is False; the global row is then the mean of the category means available and is
    ``complete`` only when every category is. Rows with a null ``category`` are ignored.

    Returns columns ``release`` (date), ``model_name_raw``, ``model_id`` (str),
    ``category`` (str), ``score`` (float64, 0-100), ``tasks_expected``, ``tasks_present``
    (Int16), ``complete`` (bool); one row per (release, model_name_raw, category), sorted.
    Accepts several releases concatenated.
    """
    cols = ["release", "model_name_raw", "model_id", "category", "score", "tasks_expected",
            "tasks_present", "complete"]
    df = scores[scores["category"].notna()].copy()
    if df.empty:
        return _typed_summary(pd.DataFrame(columns=cols))
    expected = (df.groupby(["release", "category"])["task"].nunique()
                .rename("tasks_expected").reset_index())
    per_cat = (df.groupby(["release", "model_name_raw", "category"], dropna=False)
               .agg(score=("score", "mean"), tasks_present=("score", "count"))
               .reset_index()
               .merge(expected, on=["release", "category"], how="left"))
    ids = df.groupby(["release", "model_name_raw"])["model_id"].first().rename("model_id")
    per_cat = per_cat.merge(ids.reset_index(), on=["release", "model_name_raw"], how="left")
    per_cat["complete"] = per_cat["tasks_present"] == per_cat["tasks_expected"]
    glob = (per_cat.groupby(["release", "model_name_raw"])
            .agg(score=("score", "mean"), tasks_expected=("tasks_expected", "sum"),
                 tasks_present=("tasks_present", "sum"), complete=("complete", "all"),
                 model_id=("model_id", "first"))
            .reset_index())
    glob["category"] = "global"
    out = pd.concat([per_cat[cols], glob[cols]], ignore_index=True)
    out = out.sort_values(["release", "model_name_raw", "category"], kind="stable")
    return _typed_summary(out.reset_index(drop=True))


def _typed_summary(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["release"] = df["release"].astype(object)
    for col in ("model_name_raw", "model_id", "category"):
        df[col] = df[col].astype("str")
    df["score"] = df["score"].astype("float64")
    for col in ("tasks_expected", "tasks_present"):
        df[col] = df[col].astype("Int16")
    df["complete"] = df["complete"].astype("bool")
    return df


# ---------------------------------------------------------------------------------------
# Table specs
# ---------------------------------------------------------------------------------------

_ARENA_LICENSE = ("LMArena leaderboard data, via fboulnois/llm-leaderboard-csv "
                  "(repository MPL-2.0)")
_LIVEBENCH_LICENSE = "no license file; cite LiveBench (livebench.ai)"

_ARENA_COLUMNS = (
    Column("model_name_raw", STR, "Model name exactly as the arena prints it (variants such "
           "as -bf16/-fp8 are separate entries)", nullable=False),
    Column("model_id", STR, "Registry id (assets/registry/models.yaml); null when unmatched"),
    Column("rank", INT32, "Arena rank (ties share a rank)", unit="rank", nullable=False),
    Column("rank_style_control", INT32, "Rank with style control (column rank_stylectrl, "
           "from October 2024; null before)", unit="rank"),
    Column("score", FLOAT, "Arena score (Elo-style rating; column arena_elo before July 2024, "
           "arena_score after)", unit="arena score points", nullable=False),
    Column("ci_plus", FLOAT, "Upper half-width of the 95% confidence interval (the +a of "
           "95_pct_ci)", unit="arena score points", nullable=False),
    Column("ci_minus", FLOAT, "Lower half-width of the 95% confidence interval (the b of "
           "-b in 95_pct_ci), as a positive number", unit="arena score points",
           nullable=False),
    Column("votes", INT64, "Number of votes (battles) behind the score", unit="votes",
           nullable=False),
    Column("organization", STR, "Organization as the arena prints it"),
    Column("license", STR, "License as the arena prints it"),
    Column("knowledge_cutoff", DATE, "Knowledge cutoff, first day of the printed month "
           "(null for Unknown, Online or other text)"),
    Column("knowledge_cutoff_raw", STR, "Knowledge cutoff exactly as printed (YYYY/M, "
           "Unknown, Online)"),
    Column("source_sha", STR, "Commit of fboulnois/llm-leaderboard-csv the version was read "
           "at (csv/lmsys.csv)", nullable=False),
)
_ARENA_COLS = [c.name for c in _ARENA_COLUMNS]

TABLES = register(
    TableSpec(
        name="arena_versions",
        title="LMArena leaderboard versions (partitions of arena_scores)",
        description="One row per version of csv/lmsys.csv: the last commit of each UTC date "
        "(same-date commits superseded by the later one are listed), from the GitHub commits "
        "listing. The version is the partition key of arena_scores.",
        group="leaderboards",
        primary_key=("version",),
        license=_ARENA_LICENSE,
        sources=(ARENA_SOURCE,),
        columns=(
            Column("version", STR, "Version date YYYY-MM-DD (the partition key)",
                   nullable=False),
            Column("sha", STR, "Commit of csv/lmsys.csv that is this version", nullable=False),
            Column("committed_at", TIMESTAMP, "Commit time (UTC)", nullable=False),
            Column("superseded_shas", STR, "Same-date commits dropped (';'-joined, newest "
                   "first; empty when none)"),
        ),
    ),
    TableSpec(
        name="arena_scores",
        title="LMArena (Chatbot Arena) leaderboard history",
        description="Every version of the Chatbot Arena text leaderboard since June 2024, one "
        "partition per version date (hive folder snapshot_date=YYYY-MM-DD; the date is not "
        "inside the files). One row per model name per version. A version is the last "
        "commit of csv/lmsys.csv on its UTC date.",
        group="leaderboards",
        primary_key=("model_name_raw",),
        license=_ARENA_LICENSE,
        sources=(ARENA_SOURCE,),
        columns=_ARENA_COLUMNS,
        partition_column="snapshot_date",
    ),
    TableSpec(
        name="arena_scores_latest",
        title="LMArena (Chatbot Arena) leaderboard, latest version",
        description="The newest version of arena_scores, with its version date.",
        group="leaderboards",
        primary_key=("snapshot_date", "model_name_raw"),
        license=_ARENA_LICENSE,
        sources=(ARENA_SOURCE,),
        columns=(Column("snapshot_date", DATE, "Version date (UTC date of the commit)",
                        nullable=False),) + _ARENA_COLUMNS,
    ),
    TableSpec(
        name="arena_rank_changes",
        title="LMArena rank and score changes between consecutive versions",
        description="For each pair of consecutive arena versions: models on both (moved, "
        "with rank and score change), new entries (entered) and models gone (exited). "
        "Models are followed by their printed name: a rename is an exit plus an entry.",
        group="leaderboards",
        primary_key=("snapshot_date", "model_name_raw"),
        license=_ARENA_LICENSE,
        sources=(ARENA_SOURCE,),
        columns=(
            Column("snapshot_date", DATE, "The later version of the pair", nullable=False),
            Column("previous_snapshot_date", DATE, "The earlier version of the pair",
                   nullable=False),
            Column("model_name_raw", STR, "Model name as printed by the arena",
                   nullable=False),
            Column("model_id", STR, "Registry id; null when unmatched"),
            Column("change", STR, "moved (on both versions), entered (new) or exited (gone)",
                   nullable=False),
            Column("rank_previous", INT32, "Rank on the earlier version", unit="rank"),
            Column("rank", INT32, "Rank on the later version", unit="rank"),
            Column("rank_change", INT32, "rank - rank_previous (negative: climbed)",
                   unit="rank"),
            Column("score_previous", FLOAT, "Arena score on the earlier version",
                   unit="arena score points"),
            Column("score", FLOAT, "Arena score on the later version",
                   unit="arena score points"),
            Column("score_change", FLOAT, "score - score_previous", unit="arena score points"),
        ),
    ),
    TableSpec(
        name="livebench_scores",
        title="LiveBench task scores per release",
        description="One row per release, model and task (tasks of the release's categories "
        "file, plus table columns no category lists, with a null category). Null score: the "
        "table has no value for that task.",
        group="leaderboards",
        primary_key=("release", "model_name_raw", "task"),
        license=_LIVEBENCH_LICENSE,
        sources=(LIVEBENCH_SOURCE,),
        columns=(
            Column("release", DATE, "LiveBench release date (from the file name)",
                   nullable=False),
            Column("model_name_raw", STR, "Model name as LiveBench prints it", nullable=False),
            Column("model_id", STR, "Registry id; null when unmatched"),
            Column("task", STR, "Task name (a column of the release table)", nullable=False),
            Column("category", STR, "Category of the task in the release's categories file "
                   "(null: listed by no category)"),
            Column("score", FLOAT, "Task score (null: no value in the table)",
                   unit="score 0-100"),
        ),
    ),
    TableSpec(
        name="livebench_summary",
        title="LiveBench category and global averages per release",
        description="Mean of tasks within each category, then mean of categories "
        "(category='global'), as the LiveBench site computes it. complete=False: a task is "
        "missing and the mean is over the tasks present only (not the site's figure).",
        group="leaderboards",
        primary_key=("release", "model_name_raw", "category"),
        license=_LIVEBENCH_LICENSE,
        sources=(LIVEBENCH_SOURCE,),
        columns=(
            Column("release", DATE, "LiveBench release date", nullable=False),
            Column("model_name_raw", STR, "Model name as LiveBench prints it", nullable=False),
            Column("model_id", STR, "Registry id; null when unmatched"),
            Column("category", STR, "Category, or 'global' for the mean of category means",
                   nullable=False),
            Column("score", FLOAT, "Mean score (over the tasks present)", unit="score 0-100"),
            Column("tasks_expected", INT16, "Tasks the category has in this release",
                   unit="tasks", nullable=False),
            Column("tasks_present", INT16, "Tasks with a score for this model", unit="tasks",
                   nullable=False),
            Column("complete", BOOL, "True when every expected task has a score",
                   nullable=False),
        ),
    ),
)

__all__ = [
    "ARENA_LAYOUTS", "TABLES",
    "ArenaParseError", "ComparisonUnavailable", "DuplicateModelError", "LeaderboardError",
    "LiveBenchError", "UnknownLayoutError", "VersionListingError",
    "arena_comparison", "arena_csv_url", "arena_history", "arena_rank_changes",
    "arena_scores_latest", "arena_versions", "detect_arena_layout", "iter_pages",
    "livebench_releases",
    "livebench_summary", "next_page_url", "parse_arena_csv", "parse_livebench",
]
