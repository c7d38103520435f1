"""LMArena (Chatbot Arena) history: versions, CSV layouts, the ``lmsys.csv`` parser, the
history and its latest version, rank changes and comparisons. Pure functions, no Dagster
(:mod:`assets.leaderboards.assets` wraps them: one ``arena_scores`` partition per version).

Source (``shared/reference/SOURCES.md``, Leaderboards): the git history of ``csv/lmsys.csv``
in ``fboulnois/llm-leaderboard-csv`` (a daily scrape of the arena leaderboard, committed when
it changed; repository MPL-2.0, data LMArena's), listed by the GitHub commits API
(:mod:`assets.leaderboards.github`); the file at a version is read at its commit.

Decisions, stated once:

- **Versions** (the partition keys: the leaderboard's stated date, else the commit date;
  deleted files; successor paths): :mod:`assets.leaderboards.arena_listing`.
- **Layouts.** Every known header is written out in :data:`ARENA_LAYOUTS`, and
  :data:`FILE_LAYOUTS` says which layouts each file of the repository may have; a header
  is matched exactly (names and order) against the layouts of its file only, anything else
  raises :class:`UnknownLayoutError` (never guessed).
- **One row per model per version**, keyed by the name as printed (``model_name_raw``):
  variants (``...-bf16`` / ``...-fp8``) are separate rows even when they share a registry
  ``model_id``. A name printed twice with identical fields is kept once; with different
  fields it raises :class:`DuplicateModelError`.
- **Renames.** ``arena_rank_changes`` follows ``model_name_raw``: a rename is an ``exited``
  row (old name) and an ``entered`` row (new name) in the same transition (``model_id``
  pairs them when both names are in the registry).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

import pandas as pd

from assets.leaderboards.arena_listing import (  # noqa: F401  (re-exported)
    TRACKED_PATH,
    arena_csv_url,
    arena_versions,
)
from assets.leaderboards.github import LeaderboardError, as_date
from assets.leaderboards.tables import (
    ARENA_RANK_CHANGES,
    ARENA_SCORES,
    ARENA_SCORES_LATEST,
    with_spec_dtypes,
)
from assets.registry import match_model

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
ARENA_LAYOUTS["text_2025_08"] = ARENA_LAYOUTS["stylectrl_2024_10"]
#: The layouts each file of the repository may have, oldest first. ``csv/lmarena_text.csv``
#: (the successor, from August 2025): the header of the stored versions seen
#: (``rank,rank_stylectrl,model,arena_score,95_pct_ci,votes,organization,license,
#: knowledge_cutoff,url``, the names of ``stylectrl_2024_10``) is verified; that the values
#: mean what they meant in ``lmsys.csv`` is ASSUMED (SOURCES.md says the data moved "to
#: another file with other meanings", e.g. LMArena made style control its default view in
#: 2025, so ``arena_score`` there may be the style-controlled score): its own layout name
#: keeps those versions apart, and a new header fails rather than being guessed.
FILE_LAYOUTS: dict[str, tuple[str, ...]] = {
    "csv/lmsys.csv": ("elo_2024_06", "score_2024_07", "stylectrl_2024_10"),
    "csv/lmarena_text.csv": ("text_2025_08",),
}
#: Column of each layout that holds the arena score.
_SCORE_COLUMN = {"elo_2024_06": "arena_elo", "score_2024_07": "arena_score",
                 "stylectrl_2024_10": "arena_score", "text_2025_08": "arena_score"}

_CI_RE = re.compile(r"^\+\s*(\d+(?:\.\d+)?)\s*/\s*-\s*(\d+(?:\.\d+)?)$")
_CUTOFF_RE = re.compile(r"^(\d{4})/(\d{1,2})$")
_INT_RE = re.compile(r"^\d+$")


class ArenaParseError(LeaderboardError):
    """An arena ``lmsys.csv`` version cannot be parsed (bad value, no rows, bad row)."""


class UnknownLayoutError(ArenaParseError):
    """The header of an arena CSV version matches no layout of :data:`ARENA_LAYOUTS`."""


class DuplicateModelError(ArenaParseError):
    """A model name appears twice in one version with different values."""


class ComparisonUnavailable(LookupError):
    """:func:`arena_comparison` found no version on or before ``as_of``, or a model is not
    on that version. The message says which (usable as a claim's explanation)."""


# --- Arena CSV -----------------------------------------------------------------------

def detect_arena_layout(columns: Iterable[str], version: str = "?",
                        path: str = TRACKED_PATH) -> str:
    """The name of the layout of ``path`` (:data:`FILE_LAYOUTS`) whose column list
    (:data:`ARENA_LAYOUTS`) equals ``columns``.

    Raises:
        UnknownLayoutError: ``path`` has no known layouts, or none matches; names the
        version, the file, the columns found and every expected layout.
    """
    found = tuple(c.strip() for c in columns)
    names = FILE_LAYOUTS.get(path)
    if names is None:
        raise UnknownLayoutError(
            f"arena version {version}: no known layout for file {path!r} (known files: "
            f"{', '.join(FILE_LAYOUTS)}); add its layouts to FILE_LAYOUTS")
    for name in names:
        if found == ARENA_LAYOUTS[name]:
            return name
    expected = "; ".join(f"{n}: {','.join(ARENA_LAYOUTS[n])}" for n in names)
    raise UnknownLayoutError(
        f"arena version {version}: unknown {path} layout; columns found: "
        f"{','.join(found) or '(none)'}; expected one of: {expected}"
    )


def arena_layout(data: bytes, version: str, sha: str, path: str = TRACKED_PATH) -> str:
    """The layout name (:data:`FILE_LAYOUTS`) of one version of ``path`` (from its header).

    Raises:
        UnknownLayoutError: the header is not one of the layouts of ``path``.
        ArenaParseError: not UTF-8, or no header.
    """
    return _open_arena_csv(data, version, sha, path)[0]


def _open_arena_csv(data: bytes, version: str, sha: str,
                    path: str) -> tuple[str, Iterator[list[str]]]:
    """The layout of the file and a CSV reader positioned after its header."""
    where = f"arena version {version} (sha {sha}, {path})"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArenaParseError(f"{where}: not UTF-8: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ArenaParseError(f"{where}: empty (no header)")
    return detect_arena_layout(header, version, path), reader


def parse_arena_csv(data: bytes, version: str, sha: str,
                    path: str = TRACKED_PATH) -> pd.DataFrame:
    """Parse one version of the arena CSV ``path`` (``csv/lmsys.csv`` or a successor,
    each by its own layouts, :data:`FILE_LAYOUTS`) into one partition of ``arena_scores``.

    ``version`` is the partition key (``YYYY-MM-DD``, used in error messages; the date is not
    a column: it is the hive folder ``snapshot_date=...``), ``sha`` the commit it was read at.
    ``csv/lmarena_text.csv`` (layout ``text_2025_08``) has the columns of the October 2024
    ``lmsys.csv`` layout (verified on stored upstream versions); that ``arena_score`` means
    the same there is assumed from the issue, not verified (see :data:`FILE_LAYOUTS`).

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
        UnknownLayoutError: the header is not one of the layouts of ``path``.
        DuplicateModelError: a model name printed twice with different values.
        ArenaParseError: not UTF-8, no data rows, a row with the wrong number of fields, an
            empty model name, or a rank/score/CI/votes value that is not a number (names the
            version, line, model and column).
    """
    where = f"arena version {version} (sha {sha}, {path})"
    layout, reader = _open_arena_csv(data, version, sha, path)
    cols = ARENA_LAYOUTS[layout]
    rows: dict[str, dict] = {}
    for line_no, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(cols):
            raise ArenaParseError(
                f"{where}, line {line_no}: {len(fields)} fields, expected {len(cols)} "
                f"({layout})"
            )
        line = f"{where}, line {line_no}"
        row = _arena_row({c: f.strip() for c, f in zip(cols, fields)}, _SCORE_COLUMN[layout],
                         sha, line)
        name = row["model_name_raw"]
        if name in rows:
            if rows[name] != row:
                raise DuplicateModelError(f"{line}, model {name!r}: printed twice with "
                                          f"different values ({rows[name]} vs {row})")
            continue
        rows[name] = row
    if not rows:
        raise ArenaParseError(f"{where}: a header ({layout}) but no data rows")
    return with_spec_dtypes(pd.DataFrame(list(rows.values()), columns=ARENA_SCORES.column_names),
                            ARENA_SCORES)


def _arena_row(raw: dict[str, str], score_col: str, sha: str, line: str) -> dict:
    """One ``arena_scores`` row from the stripped fields of one CSV line (by header name);
    ``line`` names the version and line in error messages."""
    name = raw["model"]
    if not name:
        raise ArenaParseError(f"{line}: empty model name")
    at = f"{line}, model {name!r}"
    ci_match = _CI_RE.match(raw["95_pct_ci"])
    if not ci_match:
        raise ArenaParseError(f"{at}: 95_pct_ci {raw['95_pct_ci']!r} is not '+a/-b'")
    cutoff_raw = raw["knowledge_cutoff"]
    return {
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




# --- History and latest version ------------------------------------------------------

def arena_history(partitions: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Concatenate ``arena_scores`` partitions (partition key ``YYYY-MM-DD`` -> frame of
    :func:`parse_arena_csv`) into one history frame with ``snapshot_date``
    (``datetime.date``) as first column (the columns of ``arena_scores_latest``), sorted by
    ``snapshot_date, model_name_raw``. The input of :func:`arena_rank_changes`,
    :func:`arena_comparison` and :func:`arena_scores_latest`.

    Raises:
        LeaderboardError: a key is not a ``YYYY-MM-DD`` date.
    """
    frames = []
    for key, frame in partitions.items():
        part = frame.copy()
        part.insert(0, "snapshot_date", as_date(key, "arena partition key"))
        frames.append(part)
    if not frames:
        return with_spec_dtypes(pd.DataFrame(columns=ARENA_SCORES.column_names),
                                ARENA_SCORES).assign(
            snapshot_date=pd.Series([], dtype=object))[ARENA_SCORES_LATEST.column_names]
    out = pd.concat(frames, ignore_index=True)
    out["snapshot_date"] = out["snapshot_date"].astype(object)
    return out.sort_values(["snapshot_date", "model_name_raw"], kind="stable").reset_index(
        drop=True)


def arena_scores_latest(history: pd.DataFrame) -> pd.DataFrame:
    """The rows of the newest ``snapshot_date`` of ``history`` (table
    ``arena_scores_latest``: ``snapshot_date`` first, then the ``arena_scores`` columns).
    Empty in, empty out.

    Raises:
        LeaderboardError: ``history`` has no ``snapshot_date`` column.
    """
    hist = _with_dates(history)
    columns = ARENA_SCORES_LATEST.column_names
    if hist.empty:
        return hist[columns]
    latest = hist["snapshot_date"].max()
    return hist[hist["snapshot_date"] == latest][columns].reset_index(drop=True)


def _with_dates(history: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``history`` with ``snapshot_date`` as ``datetime.date`` values."""
    if "snapshot_date" not in history.columns:
        raise LeaderboardError(
            "arena history: no 'snapshot_date' column (concatenate partitions with "
            "arena_history())")
    hist = history.copy()
    hist["snapshot_date"] = [as_date(v, "arena snapshot_date") for v in hist["snapshot_date"]]
    hist["snapshot_date"] = hist["snapshot_date"].astype(object)
    return hist


# --- Changes between versions, and comparisons ---------------------------------------

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

    Raises:
        LeaderboardError: ``history`` has no ``snapshot_date`` column.
    """
    hist = _with_dates(history)
    dates = sorted(hist["snapshot_date"].unique())
    frames = [_version_pair(hist, prev_date, cur_date)
              for prev_date, cur_date in zip(dates, dates[1:])]
    columns = ARENA_RANK_CHANGES.column_names
    if not frames:
        df = pd.DataFrame(columns=columns)
    else:
        df = pd.concat(frames, ignore_index=True)
        df["rank_change"] = df["rank"].astype("Int32") - df["rank_previous"].astype("Int32")
        df["score_change"] = df["score"] - df["score_previous"]
        df = df[columns].sort_values(["snapshot_date", "model_name_raw"], kind="stable")
    return with_spec_dtypes(df.reset_index(drop=True), ARENA_RANK_CHANGES)


def _version_pair(hist: pd.DataFrame, prev_date: date, cur_date: date) -> pd.DataFrame:
    """The models of two consecutive versions side by side (outer join on the printed name),
    with ``change`` and both dates; the changes themselves are computed by the caller."""
    keep = ["model_name_raw", "model_id", "rank", "score"]
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
    return both


def _python_value(value):
    """A pandas/numpy scalar as a plain Python value (``int``, ``float``...); None when
    missing."""
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
    as_of_d = as_date(as_of, "as_of")
    hist = _with_dates(history)
    eligible = sorted(d for d in hist["snapshot_date"].unique() if d <= as_of_d)
    if not eligible:
        raise ComparisonUnavailable(
            f"arena: no version on or before {as_of_d.isoformat()} in the history")
    version = eligible[-1]
    snap = hist[hist["snapshot_date"] == version]
    out: dict = {"version": version.isoformat(), "as_of": as_of_d.isoformat(),
                 "model_a": model_a, "model_b": model_b}
    shas = snap["source_sha"].dropna().unique()
    out["sha"] = str(shas[0]) if len(shas) else None
    for key, mid in (("a", model_a), ("b", model_b)):
        out.update(_best_variant(snap, mid, key, version))
    lo_a, hi_a = out["interval_a"]
    lo_b, hi_b = out["interval_b"]
    out["gap"] = out["score_a"] - out["score_b"]
    out["overlap"] = bool(lo_a <= hi_b and lo_b <= hi_a)
    return out


def _best_variant(snap: pd.DataFrame, model_id: str, key: str, version: date) -> dict:
    """The ``name_<key>``, ``variants_<key>``, ``score_<key>``, ``interval_<key>``,
    ``rank_<key>`` and ``votes_<key>`` entries of :func:`arena_comparison` for one model."""
    rows = snap[snap["model_id"] == model_id]
    if rows.empty:
        raise ComparisonUnavailable(
            f"arena version {version.isoformat()}: model {model_id!r} is not on the "
            "leaderboard (no name matched in the registry)")
    rows = rows.sort_values(["score", "votes", "model_name_raw"],
                            ascending=[False, False, True], kind="stable")
    row = rows.iloc[0]
    score = float(row["score"])
    return {f"name_{key}": str(row["model_name_raw"]),
            f"variants_{key}": sorted(rows["model_name_raw"]),
            f"score_{key}": score,
            f"interval_{key}": (score - float(row["ci_minus"]), score + float(row["ci_plus"])),
            f"rank_{key}": _python_value(row["rank"]),
            f"votes_{key}": _python_value(row["votes"])}
