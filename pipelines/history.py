"""Partitioned histories that the runner keeps complete without the Dagster daemon."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dagster import DynamicPartitionsDefinition

from pipelines.paths import partition_folder
from pipelines.tables import table


@dataclass(frozen=True)
class PartitionedHistory:
    """A partitioned published table (``table``, materialized by ``job``) whose partition
    keys are the ``version_column`` of the published table ``versions_table``."""

    job: str
    table: str
    partitions_def: DynamicPartitionsDefinition
    versions_table: str
    version_column: str

    def partition_path(self, data_dir: Path, key: str) -> Path:
        """Where the Parquet IO manager writes partition ``key`` of the table."""
        column = table(self.table).partition_column
        return (data_dir / "published" / "history" / self.table
                / partition_folder(column, key) / "part-0.parquet")

    def missing(self, data_dir: Path, versions: list[str]) -> list[str]:
        """Versions whose partition file does not exist yet, oldest first."""
        return sorted(v for v in versions if not self.partition_path(data_dir, v).exists())
