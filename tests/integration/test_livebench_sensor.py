"""The LiveBench history under the daemon: ``livebench_versions_sensor`` asks again for a
version whose partition run failed (real instance, real loopback HTTP over
../shared/upstream), a bounded number per tick; sensors and the schedule start STOPPED
unless the instance is set up for live refresh."""
from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit

from dagster import DagsterInstance, SensorResult, build_sensor_context

from assets.leaderboards.assets import (
    LIVEBENCH_HISTORY_KEY,
    MAX_RUNS_PER_TICK,
    livebench_partitions,
    livebench_versions_sensor,
)
from assets.leaderboards.livebench_history import release_file
from assets.leaderboards.snapshots import livebench_file_url, stored_livebench_versions
from pipelines.definitions import defs
from pipelines.http import HttpSource
from pipelines.runner import resource_config
from pipelines.settings import PipelineSettings
from pipelines.snapshots import SnapshotStore
from tests.helpers import PROJECT


def test_livebench_sensor_asks_again_for_a_version_whose_run_failed(tmp_path, upstream_replay):
    instance = DagsterInstance.ephemeral()
    resources = {"settings": PipelineSettings(data_dir=str(tmp_path), mode="live"),
                 "http": HttpSource(mirror=upstream_replay.url, retries=1)}
    with build_sensor_context(instance=instance, resources=resources) as ctx:
        first = livebench_versions_sensor(ctx)
    assert isinstance(first, SensorResult)
    versions = stored_livebench_versions(SnapshotStore(tmp_path))   # what the tick listed
    keys = sorted(versions["version"])
    assert len(keys) > MAX_RUNS_PER_TICK
    (add,) = first.dynamic_partitions_requests
    assert sorted(add.partition_keys) == keys
    requested = [r.partition_key for r in first.run_requests]
    assert requested == keys[:MAX_RUNS_PER_TICK]
    # carry the tick out as the daemon would; the oldest version's table answers 500
    instance.add_dynamic_partitions(livebench_partitions.name, list(add.partition_keys))
    failing = keys[0]
    row = versions[versions["version"] == failing].iloc[0]
    table = release_file("table", str(row["release"]))
    parts = urlsplit(livebench_file_url(table, row["table_sha"]))
    upstream_replay.script[f"/{parts.netloc}{parts.path}"] = [(500, {}, b"boom")] * 50
    failed_too = set(versions.loc[versions["table_sha"] == row["table_sha"], "version"])
    config = resource_config(data_dir=str(tmp_path), mode="live", mirror=upstream_replay.url,
                             http={"retries": 0})
    job = defs.resolve_job_def("livebench_partitions")
    outcomes = {key: job.execute_in_process(instance=instance, partition_key=key,
                                            run_config=config, raise_on_error=False).success
                for key in requested}
    done = set(instance.get_materialized_partitions(LIVEBENCH_HISTORY_KEY))
    assert failing not in done and set(requested) - failed_too <= done
    assert any(outcomes.values())

    with build_sensor_context(instance=instance, resources=resources,
                              cursor=first.cursor) as ctx:
        again = livebench_versions_sensor(ctx)
    retried = [r.partition_key for r in again.run_requests]
    assert retried[0] == failing
    assert set(retried) <= (failed_too | set(keys[MAX_RUNS_PER_TICK:]))
    assert not set(retried) & done
    assert again.run_requests[0].run_key != first.run_requests[0].run_key
    assert not again.dynamic_partitions_requests      # no key is new


def _statuses(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "AI_NUMBERS_LIVE_REFRESH"}
    if env_value is not None:
        env["AI_NUMBERS_LIVE_REFRESH"] = env_value
    code = ("from pipelines.definitions import defs\n"
            "repo = defs.get_repository_def()\n"
            "for d in sorted([*repo.schedule_defs, *repo.sensor_defs], key=lambda d: d.name):\n"
            "    print(d.name, d.default_status.value)\n")
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, check=True,
                          capture_output=True, text=True).stdout


def test_schedule_and_sensors_run_only_when_live_refresh_is_on():
    names = ("arena_versions_sensor", "daily_refresh", "histories_after_refresh",
             "livebench_versions_sensor")
    off, on = _statuses(None), _statuses("1")
    assert off.split() == [w for n in names for w in (n, "STOPPED")]
    assert on.split() == [w for n in names for w in (n, "RUNNING")]
    assert _statuses("0") == off
