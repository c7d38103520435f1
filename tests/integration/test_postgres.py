"""The deployment instance (deploy/dagster.yaml) on a real PostgreSQL server: a live run
against the mirror writes its runs, dynamic partitions and check results there, and other
processes (dagster-webserver's GraphQL API; a run launched by `dagster job execute` with the
job's multiprocess executor) see them."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from tests.helpers import PROJECT, run_pipeline
from tests.helpers.webserver import dagster_webserver

DEPLOY_YAML = PROJECT / "deploy" / "dagster.yaml"


def deploy_home(home: Path) -> Path:
    """A DAGSTER_HOME holding the deployment's dagster.yaml (byte for byte)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_bytes(DEPLOY_YAML.read_bytes())
    return home


def graphql(base: str, query: str, variables: dict | None = None) -> dict:
    """POST ``query`` to the webserver; the ``data`` of the answer (errors fail the test)."""
    answer = requests.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                           timeout=60).json()
    assert not answer.get("errors"), answer["errors"]
    return answer["data"]


def check_evaluations(summary) -> dict[tuple[str, str], set[tuple[str, bool]]]:
    """``(asset key path, check name) -> {(run id, passed)}`` from the runs' own events (what
    the process that ran them saw)."""
    out: dict[tuple[str, str], set[tuple[str, bool]]] = {}
    for _, _, res in summary.runs:
        for event in res.all_events:
            if event.event_type_value == "ASSET_CHECK_EVALUATION":
                ev = event.event_specific_data
                out.setdefault(("/".join(ev.asset_key.path), ev.check_name), set()).add(
                    (res.run_id, ev.passed))
    return out


def test_runs_partitions_and_checks_on_postgres_are_seen_by_other_processes(
        tmp_path, postgres, upstream_replay, monkeypatch):
    for key, value in postgres.env().items():
        monkeypatch.setenv(key, value)
    home = deploy_home(tmp_path / "home")
    instance = DagsterInstance.from_config(str(home))
    # every storage is PostgreSQL, chosen by the configuration alone
    from dagster_postgres import (
        PostgresEventLogStorage,
        PostgresRunStorage,
        PostgresScheduleStorage,
    )
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)

    summary = run_pipeline(tmp_path / "data", mode="live", mirror=upstream_replay.url,
                           instance=instance)
    assert summary.success, summary.failed
    assert summary.materialized_partitions  # the mirror lists arena versions
    run_ids = {res.run_id for _, _, res in summary.runs}
    evaluations = check_evaluations(summary)
    assert evaluations
    instance.dispose()

    # a second process: the webserver over the same PostgreSQL database
    with dagster_webserver(tmp_path / "web", dagster_yaml=DEPLOY_YAML.read_text(),
                           env=postgres.env()) as base:
        runs = graphql(base, """{ runsOrError(limit: 1000) { ... on Runs {
                                    results { runId jobName status } } } }""")
        seen = {r["runId"]: r for r in runs["runsOrError"]["results"]}
        assert set(seen) == run_ids
        assert {r["status"] for r in seen.values()} == {"SUCCESS"}
        by_job = {}
        for job, key, res in summary.runs:
            by_job.setdefault(job, set()).add(res.run_id)
        assert {j: {i for i, r in seen.items() if r["jobName"] == j} for j in by_job} == by_job

        node = None
        for _ in range(60):  # the code location may still be loading
            node = graphql(base, """{ assetNodeOrError(assetKey: {path: ["published",
                "arena_scores"]}) { ... on AssetNode { assetPartitionStatuses {
                ... on DefaultPartitionStatuses { materializedPartitions } } } } }""")[
                "assetNodeOrError"]
            if node:
                break
            time.sleep(1)
        materialized = node["assetPartitionStatuses"]["materializedPartitions"]
        # the arena's partitions (LiveBench's are keyed release@date, another asset)
        arena = [k for k in summary.materialized_partitions if "@" not in k]
        assert sorted(materialized) == sorted(arena)

        query = """query($path: [String!]!, $check: String!) {
            assetCheckExecutions(assetKey: {path: $path}, checkName: $check, limit: 1000) {
              runId status } }"""
        for (asset, check), expected in sorted(evaluations.items()):
            executions = graphql(base, query, {"path": asset.split("/"), "check": check})[
                "assetCheckExecutions"]
            got = {(e["runId"], e["status"] == "SUCCEEDED") for e in executions}
            assert got == expected, (asset, check)

    # another process runs a job the way a deployment launches it: `dagster job execute`
    # uses the job's executor (multiprocess: each step in a process of its own) and the
    # DAGSTER_HOME instance; its run, with the job's per-source tags, lands in PostgreSQL
    env = {**os.environ, **postgres.env(), "DAGSTER_HOME": str(home),
           "AI_NUMBERS_DATA_DIR": str(tmp_path / "data"), "AI_NUMBERS_MODE": "live",
           "AI_NUMBERS_UPSTREAM_MIRROR": upstream_replay.url}
    dagster = Path(sys.executable).with_name("dagster")
    done = subprocess.run([str(dagster), "job", "execute", "-m", "pipelines.definitions",
                           "-j", "discover"], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    instance = DagsterInstance.from_config(str(home))
    try:
        new = [r for r in instance.get_runs(RunsFilter(job_name="discover"))
               if r.run_id not in run_ids]
        assert len(new) == 1 and new[0].status == DagsterRunStatus.SUCCESS
        from pipelines.definitions import defs
        assert defs.resolve_job_def("discover").tags.items() <= new[0].tags.items()
        engine = [e.message for e in instance.all_logs(new[0].run_id)
                  if e.dagster_event_type and e.dagster_event_type.value == "ENGINE_EVENT"]
        assert any("multiprocess" in (m or "").lower() for m in engine), engine[:5]
        # the dynamic partitions written by the first process are there for this one
        assert {k for k in summary.materialized_partitions if "@" not in k} <= set(
            instance.get_dynamic_partitions("arena_versions"))
        assert {k for k in summary.materialized_partitions if "@" in k} <= set(
            instance.get_dynamic_partitions("livebench_versions"))
    finally:
        instance.dispose()


def test_two_runs_at_once_on_postgres_corrupt_nothing(tmp_path, postgres, upstream_replay,
                                                      monkeypatch):
    """Issue #14 item 4: two ``refresh`` runs launched at once against one PostgreSQL
    instance (the deployment's dagster.yaml) and one data dir, each in its own process and
    not through ``ai-numbers run`` (no update lock, as when the daemon launches them): both
    succeed and overlap, PostgreSQL has both runs, and the data dir is whole (every Parquet
    file reads, the catalog's hashes are its files', the snapshot store matches its
    records, no temporary file left)."""
    from tests.helpers.concurrent_runs import (
        data_dir_problems,
        run_env,
        run_ids,
        run_spans,
        two_runs_at_once,
    )

    for key, value in postgres.env().items():
        monkeypatch.setenv(key, value)
    home = deploy_home(tmp_path / "home")
    DagsterInstance.from_config(str(home)).dispose()  # the schema, before both start
    data = tmp_path / "data"
    outputs = two_runs_at_once("refresh", run_env(home, data, upstream_replay.url,
                                                  postgres.env()), tmp_path)
    for name, (code, text) in outputs.items():
        assert code == 0, f"run {name}: {text[-3000:]}"
    ids = run_ids(outputs)
    assert len(set(ids)) == 2
    instance = DagsterInstance.from_config(str(home))
    try:
        from dagster_postgres import PostgresRunStorage
        assert isinstance(instance.run_storage, PostgresRunStorage)
        (a0, a1), (b0, b1) = run_spans(instance, ids)
        assert {instance.get_run_by_id(i).status for i in ids} == {DagsterRunStatus.SUCCESS}
        for i in ids:  # each run's event log is whole: it starts and succeeds
            kinds = [e.dagster_event_type.value for e in instance.all_logs(i)
                     if e.dagster_event_type]
            assert kinds.count("PIPELINE_START") == 1 and kinds[-1] == "PIPELINE_SUCCESS"
    finally:
        instance.dispose()
    assert a0 < b1 and b0 < a1, "the two runs did not overlap: the test proves nothing"
    assert data_dir_problems(data) == []
