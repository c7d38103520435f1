"""Nothing recomputed for nothing (issue 9, item 5): live refreshes on one Dagster instance
against a loopback replay of the real upstream mirror (``../shared/upstream``).

A second refresh against the same mirror state materializes only the snapshot assets (the
fetch itself) and rewrites no published file; after one model card changes upstream,
exactly the assets downstream of its snapshot (read from the definitions' asset graph) run.
Both are read from the instance's event log and the files' modification times.
"""
from __future__ import annotations

import pandas as pd
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance

from tests.helpers import run_pipeline, shared_path
from tools.replay import ReplayServer

#: The DeepSeek-V3 README at its release commit, as the mirror serves it
#: (assets/registry/sources.yaml, source ``deepseek_v3_card``).
CARD = ("/raw.githubusercontent.com/deepseek-ai/DeepSeek-V3/"
        "4c2fdb8f55e049553b9f4f1a3241f86d739c8cf8/README.md")
CARD_KEY = AssetKey(["snapshot", "deepseek_v3_card"])
#: The base-model table's MMLU row of that README (line 121); the edit changes DeepSeek-V3's
#: 87.1 into 87.2, as a corrected card would.
MMLU_ROW = b"| | MMLU (Acc.) | 5-shot | 78.4 | 85.0 | 84.4 | **87.1** |"
MMLU_EDITED = b"| | MMLU (Acc.) | 5-shot | 78.4 | 85.0 | 84.4 | **87.2** |"


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """A cold live refresh into a fresh data directory and instance, the replay left
    running: ``(data_dir, instance, server)``."""
    root = shared_path("upstream")
    data_dir = tmp_path_factory.mktemp("warm-refresh")
    with ReplayServer(root) as server, DagsterInstance.ephemeral() as instance:
        cold = run_pipeline(data_dir, mode="live", mirror=server.url, instance=instance)
        assert cold.success, cold.failed
        yield data_dir, instance, server


def materialized(instance: DagsterInstance, summary) -> list[str]:
    """Asset keys materialized by the runs of ``summary``, from the instance's event log
    (one entry per materialization event)."""
    out = []
    for _, _, result in summary.runs:
        for entry in instance.all_logs(result.run_id,
                                       of_type=DagsterEventType.ASSET_MATERIALIZATION):
            out.append(entry.dagster_event.asset_key.to_user_string())
    return out


def modification_times(data_dir) -> dict[str, int]:
    """Every file under ``published/`` (tables, history partitions, report, catalog) ->
    its ``st_mtime_ns``."""
    published = data_dir / "published"
    return {str(p.relative_to(published)): p.stat().st_mtime_ns
            for p in published.rglob("*") if p.is_file()}


def downstream(key: AssetKey) -> set[str]:
    """The unpartitioned assets downstream of ``key`` (transitively) in the definitions'
    asset graph."""
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    seen, todo = set(), [key]
    while todo:
        for child in graph.get(todo.pop()).child_keys:
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return {k.to_user_string() for k in seen if not graph.get(k).is_partitioned}


def snapshot_keys() -> set[str]:
    from pipelines.definitions import defs

    return {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()
            if k.path[0] == "snapshot"}


def test_unchanged_upstream_rewrites_nothing_and_materializes_no_downstream_asset(refreshed):
    data_dir, instance, server = refreshed
    before = modification_times(data_dir)
    assert {"article_claims.parquet", "datapackage.json", "report/report.html"} <= set(before)
    asked = len(server.requests)

    warm = run_pipeline(data_dir, mode="live", mirror=server.url, instance=instance)

    assert warm.success, warm.failed
    assert len(server.requests) > asked            # it did ask upstream again
    assert warm.rebuilt == {}
    keys = materialized(instance, warm)
    assert sorted(keys) == sorted(snapshot_keys())  # the fetch, each snapshot once, no more
    assert modification_times(data_dir) == before   # no published file written or added


def test_one_changed_source_runs_exactly_its_downstream_assets(refreshed):
    data_dir, instance, server = refreshed
    body = shared_path("upstream", "files", CARD.lstrip("/")).read_bytes()
    assert body.count(MMLU_ROW) == 1
    server.files[CARD] = (body.replace(MMLU_ROW, MMLU_EDITED), "text/plain; charset=utf-8")
    before = modification_times(data_dir)

    changed = run_pipeline(data_dir, mode="live", mirror=server.url, instance=instance)

    assert changed.success, changed.failed
    expected = downstream(CARD_KEY)
    assert "published/benchmark_results" in expected and "published/patent_families" not in expected
    keys = materialized(instance, changed)
    rebuilt = [k for k in keys if not k.startswith("snapshot/")]
    assert sorted(rebuilt) == sorted(expected)      # each downstream asset once, nothing else
    assert set(changed.rebuilt) == expected
    after = modification_times(data_dir)
    rewritten = {f for f in after if after[f] != before.get(f)}
    tables = {f"{k.split('/')[1]}.parquet" for k in expected}
    outputs = tables | {"datapackage.json"} | {f for f in after if f.startswith("report/")}
    assert rewritten <= outputs                     # no file of another asset was touched
    assert {"benchmark_results.parquet", "source_status.parquet"} <= rewritten
    results = pd.read_parquet(data_dir / "published" / "benchmark_results.parquet")
    mmlu = results[(results["benchmark"] == "MMLU") & (results["shots"] == "5")
                   & (results["model_name_raw"] == "DeepSeek-V3")
                   & results["source_document"].str.startswith("deepseek-ai/DeepSeek-V3@")]
    assert mmlu["value"].tolist() == [87.2]          # the edited cell, published


def _sensor_after_fetch(instance: DagsterInstance, data_dir, server):
    """A live ``fetch`` run (what the daily schedule launches) on ``instance``, then
    ``histories_after_refresh`` evaluated on its success: the sensor's result."""
    from dagster import build_run_status_sensor_context

    from pipelines.definitions import defs, histories_after_refresh
    from pipelines.runner import resource_config
    from pipelines.settings import PipelineSettings

    fetched = defs.resolve_job_def("fetch").execute_in_process(
        instance=instance, run_config=resource_config(str(data_dir), "live", server.url))
    assert fetched.success
    with build_run_status_sensor_context(
            sensor_name=histories_after_refresh.name,
            dagster_event=fetched.get_run_success_event(), dagster_instance=instance,
            dagster_run=fetched.dagster_run,
            resources={"settings": PipelineSettings(data_dir=str(data_dir))}) as ctx:
        return histories_after_refresh(ctx), fetched


def _main_requests(result) -> list:
    return [r for r in getattr(result, "run_requests", None) or [] if r.job_name == "main"]


def test_the_daily_schedule_rebuilds_only_what_a_fetch_changed(refreshed):
    """The daemon's path (daily_refresh -> fetch, then histories_after_refresh): after a
    fetch with nothing changed since the last build no main run is requested; after the
    card went back to its original bytes (the previous test edited it), the main run asks
    for exactly the assets downstream of that card's snapshot."""
    from pipelines.definitions import daily_refresh

    data_dir, instance, server = refreshed
    assert daily_refresh.job_name == "fetch"
    result, _ = _sensor_after_fetch(instance, data_dir, server)
    assert _main_requests(result) == []

    server.files.pop(CARD, None)                     # the card as the mirror serves it
    result, fetched = _sensor_after_fetch(instance, data_dir, server)
    (request,) = _main_requests(result)
    assert {k.to_user_string() for k in request.asset_selection} == downstream(CARD_KEY)
    assert request.run_key == f"stale-after-{fetched.run_id}"
    assert request.run_config == fetched.dagster_run.run_config   # same data dir and mode
