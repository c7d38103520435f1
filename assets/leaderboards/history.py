"""The histories as published: one hive partition per version, read back as one frame
(the arena) or as they stood on a date (LiveBench).

``<data_dir>/published/history/arena_scores/snapshot_date=<version>/part-0.parquet``: the
Parquet IO manager's layout for the partitioned table ``arena_scores`` (the path of one
partition is :meth:`pipelines.history.PartitionedHistory.partition_path`).
"""
from datetime import date
from pathlib import Path

import pandas as pd

from assets.leaderboards import arena, livebench
from assets.leaderboards.livebench_history import versions_as_of
from assets.leaderboards.tables import (
    ARENA_SCORES,
    ARENA_SCORES_LATEST,
    LIVEBENCH_HISTORY,
    LIVEBENCH_SCORES,
    LIVEBENCH_SUMMARY,
    with_spec_dtypes,
)
from pipelines.publish import published_key
from pipelines.store import arrow_source, read_parquet

ARENA_SCORES_KEY = published_key(ARENA_SCORES.name)
LIVEBENCH_HISTORY_KEY = published_key(LIVEBENCH_HISTORY.name)


def read_arena_history(data_dir: Path) -> pd.DataFrame:
    """Every stored arena partition, with ``snapshot_date`` (``datetime.date``) first; the
    columns of ``arena_scores_latest`` (see :func:`assets.leaderboards.arena.arena_history`).
    Empty (those columns) when there is no history.

    Raises:
        LeaderboardError: a partition folder's key is not a ``YYYY-MM-DD`` date.
    """
    root = data_dir / "published" / "history" / ARENA_SCORES.name
    column = ARENA_SCORES.partition_column
    files = sorted(root.glob(f"{column}=*/part-0.parquet")) if root.exists() else []
    if not files:
        return ARENA_SCORES_LATEST.empty_frame()
    parts = {f.parent.name.split("=", 1)[1]: _read_file(f) for f in files}
    return arena.arena_history(parts)


def _read_file(path: Path) -> pd.DataFrame:
    """One partition file as stored (no partition column added), local or remote."""
    import pyarrow.dataset as ds  # here: off loading the definitions (README, Performance)

    source, fs = arrow_source(path)
    return ds.dataset(source, filesystem=fs).to_table().to_pandas()


def livebench_partition_files(data_dir: Path) -> dict[str, Path]:
    """Partition key (``<release>@<version date>``) -> file of every stored
    ``livebench_history`` partition."""
    root = data_dir / "published" / "history" / LIVEBENCH_HISTORY.name
    column = LIVEBENCH_HISTORY.partition_column
    files = sorted(root.glob(f"{column}=*/part-0.parquet")) if root.exists() else []
    return {f.parent.name.split("=", 1)[1]: f for f in files}


def read_livebench_as_of(data_dir: Path, as_of: date | str | None = None) -> pd.DataFrame:
    """``livebench_scores`` as it stood on ``as_of`` (the newest state when None): for each
    release, the rows of its newest stored version dated on or before ``as_of``
    (:func:`assets.leaderboards.livebench_history.versions_as_of`); a release with no such
    version is absent, and so is a model added to a release table later. Columns and dtypes
    of the ``livebench_scores`` spec, sorted by its primary key; empty when no partition is
    stored.

    Raises:
        LeaderboardError: a partition folder's key is not ``YYYY-MM-DD@YYYY-MM-DD``.
    """
    files = livebench_partition_files(data_dir)
    keys = versions_as_of(files, as_of)
    if not keys:
        return LIVEBENCH_SCORES.empty_frame()
    frames = [read_parquet(files[k]) for k in keys]
    df = pd.concat(frames, ignore_index=True)[LIVEBENCH_SCORES.column_names]
    df["release"] = pd.to_datetime(df["release"]).dt.date
    df = df.sort_values(list(LIVEBENCH_SCORES.primary_key), kind="stable")
    return with_spec_dtypes(df.reset_index(drop=True), LIVEBENCH_SCORES)


def livebench_tables_as_of(data_dir: Path, as_of: date | str | None = None
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(livebench_scores, livebench_summary)`` as they stood on ``as_of`` (the newest
    state when None), from the stored history (:func:`read_livebench_as_of`; the summary by
    :func:`assets.leaderboards.livebench.livebench_summary`)."""
    scores = read_livebench_as_of(data_dir, as_of)
    if scores.empty:
        return scores, LIVEBENCH_SUMMARY.empty_frame()
    return scores, livebench.livebench_summary(scores)
