"""The arena history as published: one hive partition per version, read back as one frame.

``<data_dir>/published/history/arena_scores/snapshot_date=<version>/part-0.parquet``: the
Parquet IO manager's layout for the partitioned table ``arena_scores`` (the path of one
partition is :meth:`pipelines.history.PartitionedHistory.partition_path`).
"""
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from assets.leaderboards import arena
from assets.leaderboards.tables import ARENA_SCORES, ARENA_SCORES_LATEST
from pipelines.publish import published_key

ARENA_SCORES_KEY = published_key(ARENA_SCORES.name)


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
    parts = {f.parent.name.split("=", 1)[1]: ds.dataset(f).to_table().to_pandas()
             for f in files}
    return arena.arena_history(parts)
