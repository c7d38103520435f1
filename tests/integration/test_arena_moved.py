"""The tracked arena CSV deleted upstream and continued in a successor file, on a state built
from the real files (../shared/upstream served on loopback by tools/replay.py): a deleting
commit appended to the real listing (its file answers 404, as upstream does), a successor
listing of two versions committed in one day (a backfill, each stating its leaderboard date
in the commit message as the real scraper does) whose files are real lmsys.csv versions."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from urllib.parse import urlsplit

import pandas as pd
from dagster import DagsterInstance, SensorResult, build_run_status_sensor_context

from assets.leaderboards.arena import arena_csv_url
from assets.leaderboards.assets import MAX_RUNS_PER_TICK, arena_partitions
from assets.leaderboards.snapshots import ARENA, stored_arena_versions
from pipelines.definitions import HISTORIES, histories_after_refresh
from pipelines.settings import PipelineSettings
from pipelines.snapshots import SnapshotStore
from tests.helpers import run_pipeline, shared_path

SUCCESSOR = ARENA.successors[0]
COMMITS = urlsplit(ARENA.url)
LISTING_PATH = f"/{COMMITS.netloc}{COMMITS.path}"
#: Where the Parquet IO manager writes one arena partition.
(ARENA_HISTORY,) = [h for h in HISTORIES if h.table == "arena_scores"]


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _commit(sha: str, when: str, message: str) -> dict:
    return {"sha": sha, "commit": {"author": {"name": "maintainer", "date": when},
                                   "committer": {"name": "maintainer", "date": when},
                                   "message": message}}


def _raw_path(sha: str, path: str) -> str:
    parts = urlsplit(arena_csv_url(ARENA.file_url, sha, path))
    return f"{parts.netloc}{parts.path}"


def _models(body: bytes) -> set[str]:
    return {r["model"] for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}


def test_deleted_file_is_discontinued_and_history_continues_from_successor(
        tmp_path, upstream_replay):
    index = pd.read_csv(shared_path("upstream", "index.tsv"), sep="\t")
    row = index[index["url"].str.startswith(ARENA.url.split("&")[0])].iloc[0]
    listing = json.loads(shared_path("upstream", row["file"]).read_text())
    newest, second = listing[0]["sha"], listing[1]["sha"]    # newest first, as GitHub lists
    deleting = _commit(_sha("delete lmsys.csv"), "2025-08-10T11:17:00+00:00",
                       "chore: replace csv/lmsys.csv by csv/lmarena_*.csv")
    upstream_replay.files[f"{LISTING_PATH}?path={ARENA.path}"] = (
        json.dumps([deleting] + listing).encode(), "application/json")
    # the successor's backfill: two versions committed within the same hour of one day
    text_old = _commit(_sha("text 2025.08.11"), "2025-08-12T10:00:00+00:00",
                       "auto: update csv outputs to version 2025.08.11")
    text_new = _commit(_sha("text 2025.08.12"), "2025-08-12T10:30:00+00:00",
                       "auto: update csv outputs to version 2025.08.12")
    upstream_replay.files[f"{LISTING_PATH}?path={SUCCESSOR}"] = (
        json.dumps([text_new, text_old]).encode(), "application/json")
    bodies = {}
    for commit, real in ((text_old, second), (text_new, newest)):
        bodies[commit["sha"]] = shared_path("upstream", "files",
                                            _raw_path(real, ARENA.path)).read_bytes()
        upstream_replay.files["/" + _raw_path(commit["sha"], SUCCESSOR)] = (
            bodies[commit["sha"]], "text/csv")
    instance = DagsterInstance.ephemeral()

    summary = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url,
                           instance=instance)

    assert summary.success, summary.failed
    published = tmp_path / "published"
    from pipelines.tables import registry
    expected = {n for n, s in registry().items() if not s.partition_column}
    assert expected <= {p.stem for p in published.glob("*.parquet")}
    claims = pd.read_parquet(published / "article_claims.parquet")
    assert len(claims) > 0 and claims["verdict"].notna().all()
    # the deleted file is marked, with the deleting commit and its date
    status = pd.read_parquet(published / "source_status.parquet")
    (mark,) = status[status["status"] == "discontinued"].itertuples()
    assert mark.source_id == ARENA.id and ARENA.path in mark.stream
    assert deleting["sha"] in mark.error and "2025-08-10" in mark.error
    assert SUCCESSOR in mark.error
    # no partition from the deleting commit; the successor's two versions of one day both kept
    versions = pd.read_parquet(published / "arena_versions.parquet")
    assert deleting["sha"] not in set(versions["sha"])
    assert "2025-08-10" not in set(versions["version"])
    assert "2025-08-10" not in instance.get_dynamic_partitions(arena_partitions.name)
    later = versions[versions["path"] == SUCCESSOR].sort_values("version")
    assert later["version"].tolist() == ["2025-08-11", "2025-08-12"]
    assert later["sha"].tolist() == [text_old["sha"], text_new["sha"]]
    assert len(versions) == len(versions["version"].unique()) == len(
        {c["commit"]["committer"]["date"][:10] for c in listing}) + 2
    assert set(versions.loc[versions["path"] != SUCCESSOR, "path"]) == {ARENA.path}
    for commit in (text_old, text_new):
        key = later.loc[later["sha"] == commit["sha"], "version"].iloc[0]
        part = pd.read_parquet(ARENA_HISTORY.partition_path(tmp_path, key))
        assert set(part["model_name_raw"]) == _models(bodies[commit["sha"]])
        assert set(part["source_sha"]) == {commit["sha"]}
    latest = pd.read_parquet(published / "arena_scores_latest.parquet")
    assert set(latest["snapshot_date"].astype(str)) == {"2025-08-12"}
    assert set(latest["source_sha"]) == {text_new["sha"]}
    # an offline read of the stored listings knows the deletion too
    offline = stored_arena_versions(SnapshotStore(tmp_path))
    assert offline["sha"].tolist() == versions.sort_values("version")["sha"].tolist()

    # the daily schedule's cover of the histories, on an instance that has none of them
    fresh = DagsterInstance.ephemeral()
    (run_result,) = [res for job, key, res in summary.runs if job == "discover"]
    event = run_result.get_run_success_event()
    with build_run_status_sensor_context(
            sensor_name=histories_after_refresh.name, dagster_event=event,
            dagster_instance=fresh, dagster_run=run_result.dagster_run,
            resources={"settings": PipelineSettings(data_dir=str(tmp_path))}) as ctx:
        result = histories_after_refresh(ctx)
    assert isinstance(result, SensorResult)
    by_job = {}
    for req in result.run_requests:
        by_job.setdefault(req.job_name, []).append(req.partition_key)
    assert by_job["arena_partitions"] == sorted(versions["version"])[:MAX_RUNS_PER_TICK]
    lb_versions = pd.read_parquet(published / "livebench_versions.parquet")
    assert by_job["livebench_partitions"] == sorted(lb_versions["version"])[:MAX_RUNS_PER_TICK]
    added = {r.partitions_def_name: set(r.partition_keys)
             for r in result.dynamic_partitions_requests}
    assert added["arena_versions"] == set(versions["version"])
    assert added["livebench_versions"] == set(lb_versions["version"])
