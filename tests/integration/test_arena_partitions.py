"""Arena versions as dynamic partitions, against a loopback replay of ../shared/upstream:
the sensor adds exactly the new versions, a deleted file is recorded and skipped, an unknown
layout fails its own partition only."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pandas as pd
from dagster import DagsterInstance, SensorResult, build_sensor_context

from assets.leaderboards.arena import arena_csv_url
from assets.leaderboards.assets import arena_partitions, arena_versions_sensor
from assets.leaderboards.snapshots import ARENA
from pipelines.definitions import HISTORIES, defs
from pipelines.http import HttpSource
from pipelines.runner import resource_config
from pipelines.settings import PipelineSettings
from tests.helpers import run_pipeline, shared_path

COMMITS_PATH = "/" + urlsplit(ARENA.url).netloc + urlsplit(ARENA.url).path
(ARENA_HISTORY,) = [h for h in HISTORIES if h.table == "arena_scores"]
#: Where the Parquet IO manager writes one arena partition.
history_path = ARENA_HISTORY.partition_path


def mirror_listing() -> list[dict]:
    index = pd.read_csv(shared_path("upstream", "index.tsv"), sep="\t")
    row = index[index["url"].str.startswith(ARENA.url.split("&")[0])].iloc[0]
    return json.loads(shared_path("upstream", row["file"]).read_text())


def dates(listing: list[dict]) -> set[str]:
    return {c["commit"]["committer"]["date"][:10] for c in listing}


def csv_path(sha: str) -> str:
    parts = urlsplit(arena_csv_url(ARENA.file_url, sha))
    return f"/{parts.netloc}{parts.path}"


def test_sensor_tick_adds_exactly_the_new_versions_and_runs_only_them(tmp_path, upstream_replay):
    listing = mirror_listing()  # newest first, as the GitHub API lists commits
    newest = sorted(dates(listing))[-2:]
    older = [c for c in listing if c["commit"]["committer"]["date"][:10] not in newest]
    upstream_replay.files[COMMITS_PATH] = (json.dumps(older).encode(), "application/json")
    instance = DagsterInstance.ephemeral()
    first = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url, instance=instance)
    arena_done = [k for k in first.materialized_partitions if "@" not in k]  # not LiveBench
    assert first.success and sorted(arena_done) == sorted(dates(older))
    before = {p: p.stat().st_mtime_ns for p in
              (tmp_path / "published" / "history").rglob("part-0.parquet")}

    # upstream gains the two newest versions
    upstream_replay.files[COMMITS_PATH] = (json.dumps(listing).encode(), "application/json")
    resources = {"settings": PipelineSettings(data_dir=str(tmp_path), mode="live"),
                 "http": HttpSource(mirror=upstream_replay.url, retries=1)}
    with build_sensor_context(instance=instance, resources=resources) as ctx:
        result = arena_versions_sensor(ctx)
    assert isinstance(result, SensorResult)
    requested = sorted(r.partition_key for r in result.run_requests)
    assert requested == newest
    (add,) = result.dynamic_partitions_requests
    assert sorted(add.partition_keys) == newest
    # carry the tick out as the daemon would: add the keys, launch the requested runs
    instance.add_dynamic_partitions(arena_partitions.name, list(add.partition_keys))
    config = resource_config(data_dir=str(tmp_path), mirror=upstream_replay.url)
    config["resources"]["settings"]["config"].update(
        result.run_requests[0].run_config["resources"]["settings"]["config"])
    job = defs.resolve_job_def("arena_partitions")
    for req in result.run_requests:
        assert job.execute_in_process(instance=instance, partition_key=req.partition_key,
                                      run_config=config).success
    for key in newest:
        assert history_path(tmp_path, key).exists()
    after = {p: p.stat().st_mtime_ns for p in before}
    assert after == before  # the older partitions were not recomputed
    assert sorted(instance.get_dynamic_partitions(arena_partitions.name)) == sorted(dates(listing))

    # a second tick finds nothing new
    with build_sensor_context(instance=instance, resources=resources) as ctx:
        again = arena_versions_sensor(ctx)
    assert not isinstance(again, SensorResult)


def test_deleted_file_is_skipped_and_unknown_layout_fails_only_its_partition(
        tmp_path, upstream_replay):
    listing = mirror_listing()
    from assets.leaderboards.arena import arena_versions

    versions = arena_versions([listing]).sort_values("version")
    gone, odd = versions.iloc[3], versions.iloc[5]
    upstream_replay.script[csv_path(gone["sha"])] = [(404, {}, b"404: Not Found")] * 5
    upstream_replay.files[csv_path(odd["sha"])] = (b"position,name,elo\n1,x,1000\n", "text/csv")
    summary = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url)

    assert summary.failed == [f"arena_partitions[{odd['version']}]"]
    (failed_run,) = [res for job, key, res in summary.runs if key == odd["version"]]
    errors = [e.event_specific_data.error for e in failed_run.all_events
              if e.event_type_value == "STEP_FAILURE"]
    message = "\n".join(err.message + (err.cause.message if err.cause else "")
                        for err in errors)
    assert odd["version"] in message and "position" in message and "arena_score" in message
    assert not history_path(tmp_path, gone["version"]).exists()
    assert not history_path(tmp_path, odd["version"]).exists()
    others = set(versions["version"]) - {gone["version"], odd["version"]}
    assert all(history_path(tmp_path, v).exists() for v in others)
    assert summary.results("publish")[0].success  # the rest was published
    status = pd.read_parquet(tmp_path / "published" / "source_status.parquet")
    row = status[status["stream"] == f"lmarena_history/csv/{gone['sha']}"].iloc[0]
    assert row["status"] == "failed" and row["http_status"] == 404


def test_history_reads_with_date_typed_partition_key(tmp_path, upstream_replay):
    """The README's three ways to read the history give snapshot_date as a date."""
    import duckdb
    import polars as pl
    import pyarrow as pa
    import pyarrow.dataset as ds

    assert run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url).success
    root = tmp_path / "published" / "history" / "arena_scores"
    n_versions = len(dates(mirror_listing()))
    duck = duckdb.sql(f"SELECT typeof(snapshot_date), count(DISTINCT snapshot_date) FROM "
                      f"read_parquet('{root}/*/*.parquet', hive_partitioning=true, "
                      "hive_types={'snapshot_date': DATE}) GROUP BY 1").fetchall()
    assert duck == [("DATE", n_versions)]
    pl_df = pl.scan_parquet(f"{root}/*/*.parquet", hive_partitioning=True,
                            hive_schema={"snapshot_date": pl.Date}).collect()
    assert pl_df.schema["snapshot_date"] == pl.Date
    table = ds.dataset(root, format="parquet", partitioning=ds.partitioning(
        pa.schema([("snapshot_date", pa.date32())]), flavor="hive")).to_table()
    assert table.schema.field("snapshot_date").type == pa.date32()
    assert table.num_rows == pl_df.height
    # the date is not repeated inside the files
    one = next(root.glob("*/part-0.parquet"))
    import pyarrow.parquet as pq

    assert "snapshot_date" not in pq.read_schema(one).names


def test_sensor_asks_again_for_a_version_whose_run_failed(tmp_path, upstream_replay):
    """A version that is a partition but has no materialization (its run failed) is asked
    for again on the next tick, a bounded number per tick."""
    from assets.leaderboards.assets import MAX_RUNS_PER_TICK

    listing = mirror_listing()
    keys = sorted(dates(listing))
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(arena_partitions.name, keys)  # known, none materialized
    resources = {"settings": PipelineSettings(data_dir=str(tmp_path), mode="live"),
                 "http": HttpSource(mirror=upstream_replay.url, retries=1)}
    with build_sensor_context(instance=instance, resources=resources) as ctx:
        result = arena_versions_sensor(ctx)
    assert isinstance(result, SensorResult) and not result.dynamic_partitions_requests
    requested = [r.partition_key for r in result.run_requests]
    assert requested == keys[:MAX_RUNS_PER_TICK] and len(keys) > MAX_RUNS_PER_TICK
    # the oldest version's run fails (its file answers 404), the others succeed
    by_date = {c["commit"]["committer"]["date"][:10]: c["sha"] for c in listing}
    failing = keys[0]
    upstream_replay.script[csv_path(by_date[failing])] = [(500, {}, b"boom")] * 20
    config = resource_config(data_dir=str(tmp_path), mode="live", mirror=upstream_replay.url,
                             http={"retries": 0})
    job = defs.resolve_job_def("arena_partitions")
    for key in requested:
        job.execute_in_process(instance=instance, partition_key=key, run_config=config,
                               raise_on_error=False)
    assert not history_path(tmp_path, failing).exists()
    with build_sensor_context(instance=instance, resources=resources,
                              cursor=result.cursor) as ctx:
        again = arena_versions_sensor(ctx)
    retried = [r.partition_key for r in again.run_requests]
    assert retried[0] == failing and set(retried[1:]) <= set(keys[MAX_RUNS_PER_TICK:])
    assert again.run_requests[0].run_key != result.run_requests[0].run_key
