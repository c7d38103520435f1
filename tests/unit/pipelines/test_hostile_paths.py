"""Names from upstream never used as paths as they are (issue #12): a partition key (an
arena or LiveBench version named by a listing) or a status name with ``/``, ``..``, a
backslash or control characters stays inside its folder, and a history partition's key
reads back unchanged through pyarrow's hive partitioning."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from dagster import AssetKey, DynamicPartitionsDefinition, build_output_context
from upath import UPath

import assets.leaderboards.tables  # noqa: F401  (registers arena_scores' spec)
from pipelines.fetching import RequestStatus, write_status
from pipelines.history import PartitionedHistory
from pipelines.io_managers import ParquetIOManager
from pipelines.paths import confined, partition_folder
from pipelines.tables import table

#: Keys of the kinds public path-traversal reports describe.
HOSTILE = ["../../../outside", "a/../../b", "..\\..\\win", "tab\there\x1bx", "%2F..%2F", "/abs"]


@pytest.mark.parametrize("key", HOSTILE)
def test_a_partition_key_is_one_folder_inside_the_table(tmp_path, key):
    history = PartitionedHistory("arena_partitions", "arena_scores",
                                 DynamicPartitionsDefinition(name="arena_versions"),
                                 "arena_versions", "version")
    path = history.partition_path(tmp_path, key)
    folder = tmp_path / "published" / "history" / "arena_scores"
    assert path.parent.parent == folder  # <table>/<column>=<key>/part-0.parquet
    assert path.resolve().is_relative_to(folder.resolve())
    assert not any(c in path.parent.name for c in "/\\\t\x1b")
    # the IO manager writes where the runner looks
    manager = ParquetIOManager(base_path=str(tmp_path / "published"))
    context = build_output_context(asset_key=AssetKey(["published", "arena_scores"]))
    got = manager.get_path_for_partition(context, UPath(folder), key)
    assert str(got) + ".parquet" == str(path)


def test_the_key_reads_back_through_hive_partitioning(tmp_path):
    column = table("arena_scores").partition_column
    for i, key in enumerate(HOSTILE):
        folder = tmp_path / partition_folder(column, key)
        folder.mkdir()
        pq.write_table(pa.table({"i": [i]}), folder / "part-0.parquet")
    dataset = ds.dataset(tmp_path, format="parquet", partitioning="hive")
    df = dataset.to_table().to_pandas()
    assert dict(zip(df["i"], df[column].astype(str), strict=True)) == dict(enumerate(HOSTILE))


def test_an_ordinary_key_keeps_its_folder_name():
    assert partition_folder("version", "2024-06-23") == "version=2024-06-23"
    assert partition_folder("release", "2024-11-25@2025-01-03") == \
        "release=2024-11-25@2025-01-03"


@pytest.mark.parametrize("version", HOSTILE)
def test_a_status_file_named_by_a_version_stays_in_the_status_folder(tmp_path, version):
    status_dir = tmp_path / "status"
    row = RequestStatus.of("lmarena", "s", "https://example.org", "live", "failed", None)
    write_status(status_dir, f"lmarena/versions/{version}", [row])
    files = [p for p in tmp_path.rglob("*.json")]
    assert len(files) == 1 and files[0].resolve().is_relative_to(status_dir.resolve())
    json.loads(files[0].read_text())


def test_confined_refuses_a_name_with_no_usable_part(tmp_path):
    with pytest.raises(ValueError, match="names no file or folder"):
        confined(tmp_path, "/./")
    assert confined(tmp_path, "a/../b") == tmp_path / "a" / "_" / "b"


def test_history_reads_stay_pandas_readable(tmp_path):
    """A hostile key's partition is an ordinary hive folder for pandas too."""
    column = table("arena_scores").partition_column
    folder = tmp_path / partition_folder(column, HOSTILE[0])
    folder.mkdir()
    pq.write_table(pa.table({"i": [1]}), folder / "part-0.parquet")
    df = pd.read_parquet(tmp_path)
    assert df[column].astype(str).tolist() == [HOSTILE[0]]
