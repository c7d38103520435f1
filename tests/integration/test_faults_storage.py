"""Storage faults: history partitions written under an older table spec, a read-only
``published/`` folder. Real Parquet files, read back with DuckDB, Polars and pyarrow as the
README does."""
from __future__ import annotations

import dataclasses
import os

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import pipelines.definitions  # noqa: F401  every domain registers its specs
from pipelines.io_managers import migrate_partitions, write_parquet
from pipelines.settings import SettingsError, check_writable
from pipelines.tables import table

SPEC = table("arena_scores")


def _frame(n: int, spec=SPEC):
    """``n`` rows fitting ``spec`` (every column given a value of its type)."""
    arrays = {}
    for c in spec.columns:
        if pa.types.is_string(c.type):
            arrays[c.name] = [f"{c.name}-{i}" for i in range(n)]
        elif pa.types.is_floating(c.type):
            arrays[c.name] = [float(i) for i in range(n)]
        elif pa.types.is_integer(c.type):
            arrays[c.name] = list(range(n))
        elif pa.types.is_boolean(c.type):
            arrays[c.name] = [True] * n
        else:
            arrays[c.name] = pa.nulls(n, c.type).to_pylist()
    return pa.table(arrays).to_pandas()


def _history(tmp_path):
    """Two arena_scores partitions: one under the current spec, one under an older spec
    that lacked the last nullable column."""
    root = tmp_path / "published" / "history" / SPEC.name
    col = SPEC.partition_column
    dropped = next(c for c in reversed(SPEC.columns) if c.nullable
                   and c.name not in SPEC.primary_key)
    old_spec = dataclasses.replace(
        SPEC, columns=tuple(c for c in SPEC.columns if c is not dropped))
    write_parquet(_frame(3, old_spec), old_spec, root / f"{col}=2024-01-01" / "part-0.parquet")
    write_parquet(_frame(2), SPEC, root / f"{col}=2024-02-01" / "part-0.parquet")
    return root, dropped.name


def _reads(root):
    """The README's three reads of the history: DuckDB, Polars, pyarrow."""
    col = SPEC.partition_column
    a = duckdb.sql(f"SELECT * FROM read_parquet('{root}/*/*.parquet', hive_partitioning=true, "
                   f"hive_types={{'{col}': DATE}})").fetchall()
    b = pl.scan_parquet(f"{root}/*/*.parquet", hive_partitioning=True,
                        hive_schema={col: pl.Date}).collect()
    c = ds.dataset(root, format="parquet", partitioning=ds.partitioning(
        pa.schema([(col, pa.date32())]), flavor="hive")).to_table()
    return a, b, c


def test_a_partition_written_under_an_older_spec_is_migrated(tmp_path):
    root, added = _history(tmp_path)
    old_file = next(root.glob("*2024-01-01/part-0.parquet"))
    assert pq.read_schema(old_file).metadata[b"schema_version"] != \
        SPEC.schema_version.encode()
    rewritten = migrate_partitions(tmp_path, SPEC)
    assert rewritten == [old_file]
    assert pq.read_schema(old_file).metadata[b"schema_version"] == SPEC.schema_version.encode()
    a, b, c = _reads(root)
    assert len(a) == len(b) == c.num_rows == 5
    assert added in b.columns and added in c.column_names
    # the rows of the old partition have the added column null; the others kept it
    assert b.filter(pl.col(SPEC.partition_column) == pl.date(2024, 1, 1))[added] \
        .null_count() == 3
    assert migrate_partitions(tmp_path, SPEC) == []  # nothing stale left


def test_without_migration_the_history_reads_break_or_lose_the_column(tmp_path):
    """What the migration prevents (this test shows the protection is needed)."""
    root, added = _history(tmp_path)
    col = SPEC.partition_column
    with pytest.raises(Exception):
        pl.scan_parquet(f"{root}/*/*.parquet", hive_partitioning=True,
                        hive_schema={col: pl.Date}).collect()
    c = ds.dataset(sorted(str(p) for p in root.glob("*/*.parquet")), format="parquet")
    assert added not in c.schema.names  # pyarrow takes the first file's schema


def test_a_read_only_published_folder_is_named_before_the_run(tmp_path):
    (tmp_path / "published").write_text("a file where the folder should be")
    with pytest.raises(SettingsError, match="published"):
        check_writable(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_published_folder_mode_is_named(tmp_path):
    pub = tmp_path / "published"
    pub.mkdir()
    pub.chmod(0o555)
    try:
        with pytest.raises(SettingsError, match="published"):
            check_writable(tmp_path)
    finally:
        pub.chmod(0o755)


def test_a_writable_data_dir_passes(tmp_path):
    (tmp_path / "published").mkdir()
    check_writable(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published"]  # no probe left
