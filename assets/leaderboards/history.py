"""The arena history as published: one hive partition per version, read back as one frame.

``<data_dir>/published/history/arena_scores/snapshot_date=<version>/part-0.parquet`` (the
Parquet IO manager's layout for the partitioned table ``arena_scores``).
"""
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from assets.leaderboards import arena as lb
from pipelines.publish import published_key
from pipelines.tables import table

ARENA_SCORES_KEY = published_key("arena_scores")


def history_path(data_dir: Path, version: str) -> Path:
    """``<data_dir>/published/history/arena_scores/snapshot_date=<version>/part-0.parquet``."""
    return (data_dir / "published" / "history" / "arena_scores"
            / f"snapshot_date={version}" / "part-0.parquet")


def read_arena_history(data_dir: Path) -> pd.DataFrame:
    """Every stored arena partition, with ``snapshot_date`` (``datetime.date``) first; the
    columns of ``arena_scores_latest``. Empty (those columns) when there is no history."""
    root = data_dir / "published" / "history" / "arena_scores"
    files = sorted(root.glob("snapshot_date=*/part-0.parquet")) if root.exists() else []
    if not files:
        return table("arena_scores_latest").empty_frame()
    parts = {f.parent.name.split("=", 1)[1]: ds.dataset(f).to_table().to_pandas()
             for f in files}
    return lb.arena_history(parts)
