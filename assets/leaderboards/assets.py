"""Dagster definitions of the leaderboards family: LMArena versions as dynamic partitions,
LiveBench releases, and the sensors that follow their versions.

- ``snapshot/lmarena_history``: the commits listing of the tracked CSV (every page).
- ``published/arena_versions``: one row per version (the partition keys).
- ``published/arena_scores``: partitioned by version date (``DynamicPartitionsDefinition``
  ``arena_versions``); each partition fetches the CSV at its commit (immutable, so fetched
  once) and publishes it through write-audit-publish into the history folder. A version
  whose file no longer exists is recorded in ``source_status`` and skipped.
- ``published/arena_scores_latest`` and ``published/arena_rank_changes`` from the history.
- ``snapshot/livebench`` (the ``public/`` listing and each release file's commits listing),
  ``published/livebench_versions`` (one row per ``<release>@<version date>``, the partition
  keys), ``published/livebench_history`` (partitioned like the arena: each partition
  fetches the release's two files at its commits) and ``published/livebench_scores`` /
  ``livebench_summary``: the newest state of every release (as of a date:
  :func:`assets.leaderboards.history.livebench_tables_as_of`).
- ``arena_versions_sensor`` and ``livebench_versions_sensor`` list upstream versions (short
  timeouts), add the new partition keys and request a run for each version without a
  materialized partition (new, missing or failed), a bounded number per tick (live); they
  start RUNNING only when ``AI_NUMBERS_LIVE_REFRESH=1`` (else STOPPED, turned on in the UI).
"""
import dataclasses

import pandas as pd
from dagster import (
    AssetExecutionContext,
    DefaultSensorStatus,
    Definitions,
    DynamicPartitionsDefinition,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from assets.leaderboards import arena, livebench
from assets.leaderboards.github import LeaderboardError
from assets.leaderboards.history import (
    ARENA_SCORES_KEY,
    LIVEBENCH_HISTORY_KEY,
    read_arena_history,
    read_livebench_as_of,
)
from assets.leaderboards.livebench_history import FILE_KINDS, release_file
from assets.leaderboards.snapshots import (
    ARENA,
    LIVEBENCH,
    arena_stream,
    collect_arena,
    collect_arena_listing,
    collect_livebench,
    fetch_release_file,
    stored_arena_versions,
    stored_livebench_versions,
)
from pipelines.fetching import Fetcher, RequestStatus, write_status
from pipelines.http import HttpSource
from pipelines.publish import (
    DATA_VERSION_ATTR,
    OUTPUT_METADATA_ATTR,
    Skip,
    empty_table,
    published_key,
    published_table,
    with_snapshots,
)
from pipelines.rejects import write_rejected
from pipelines.settings import PipelineSettings, env_live_refresh, env_sensor_timeout
from pipelines.snapshot_assets import snapshot_asset, snapshot_key

arena_partitions = DynamicPartitionsDefinition(name="arena_versions")
livebench_partitions = DynamicPartitionsDefinition(name="livebench_versions")

lmarena_snapshot = snapshot_asset(ARENA, collect_arena)
livebench_snapshot = snapshot_asset(LIVEBENCH, lambda fetcher: collect_livebench(fetcher)[:2])


@published_table("arena_versions", deps=[snapshot_key(ARENA.id)])
def arena_versions(context: AssetExecutionContext, settings: PipelineSettings) -> pd.DataFrame:
    """One row per arena version, from the stored commits listing."""
    store = settings.snapshots()
    _, records, listing = collect_arena_listing(Fetcher("offline", store))
    if not listing:
        return empty_table("arena_versions", "no stored commits listing of the arena CSV")
    return with_snapshots(listing.versions(), records)


@published_table("arena_scores", partitions_def=arena_partitions,
                 deps=[published_key("arena_versions")])
def arena_scores(context: AssetExecutionContext, settings: PipelineSettings, http: HttpSource):
    """Fetch, parse and publish one arena version (the partition key)."""
    version = context.partition_key
    store = settings.snapshots()
    versions = stored_arena_versions(store)
    row = versions[versions["version"] == version]
    if row.empty:
        raise ValueError(f"arena version {version}: not in the stored commits listing "
                         f"({len(versions)} versions known); run discovery first")
    sha, path = row["sha"].iloc[0], row["path"].iloc[0]
    with Fetcher(settings.effective_mode(), store, http) as fetcher:
        status, rec = fetcher.fetch(ARENA, arena_stream(sha, path),
                                    arena.arena_csv_url(ARENA.file_url, sha, path),
                                    refetch=False, expect="csv")
    write_status(settings.status_dir(), f"{ARENA.id}/versions/{version}", [status])
    if rec is None:
        return Skip(f"version {version} (commit {sha}): file not available ({status.error}); "
                    "recorded in source_status")
    body = store.read(rec)
    df = with_snapshots(arena.parse_arena_csv(body, version, sha, path), [rec])
    df.attrs[DATA_VERSION_ATTR] = rec.sha256
    df.attrs[OUTPUT_METADATA_ATTR] = {"commit": sha, "path": path,
                                      "layout": arena.arena_layout(body, version, sha, path)}
    return df


@published_table("arena_scores_latest", deps=[ARENA_SCORES_KEY])
def arena_scores_latest(context: AssetExecutionContext,
                        settings: PipelineSettings) -> pd.DataFrame:
    """The newest arena version, with its date."""
    history = read_arena_history(settings.effective_data_dir())
    if history.empty:
        return empty_table("arena_scores_latest", "no arena partition materialized yet")
    return arena.arena_scores_latest(history)


@published_table("arena_rank_changes", deps=[ARENA_SCORES_KEY])
def arena_rank_changes(context: AssetExecutionContext,
                       settings: PipelineSettings) -> pd.DataFrame:
    """Rank and score changes between consecutive arena versions."""
    history = read_arena_history(settings.effective_data_dir())
    if history["snapshot_date"].nunique() < 2:
        return empty_table("arena_rank_changes", "fewer than two arena versions materialized")
    return arena.arena_rank_changes(history)


@published_table("livebench_versions", deps=[snapshot_key(LIVEBENCH.id)])
def livebench_versions(context: AssetExecutionContext,
                       settings: PipelineSettings) -> pd.DataFrame:
    """One row per LiveBench release version, from the stored commits listings."""
    versions = stored_livebench_versions(settings.snapshots())
    if versions.empty:
        return empty_table("livebench_versions", "no stored LiveBench commits listing")
    return versions


@published_table("livebench_history", partitions_def=livebench_partitions,
                 deps=[published_key("livebench_versions")])
def livebench_history(context: AssetExecutionContext, settings: PipelineSettings,
                      http: HttpSource):
    """Fetch a release's table and categories file at the version's commits (immutable, so
    fetched once) and publish the release as it stood then (the partition). A row that
    cannot be read is set aside (``rejected_rows``, version = the partition key); files
    unavailable or unusable at all publish nothing, reported in ``source_status`` (stream
    ``livebench/version/<key>``)."""
    key = context.partition_key
    store, status_dir = settings.snapshots(), settings.status_dir()
    versions = stored_livebench_versions(store)
    row = versions[versions["version"] == key]
    if row.empty:
        raise ValueError(f"LiveBench version {key}: not in the stored commits listings "
                         f"({len(versions)} versions known); run discovery first")
    release = str(row["release"].iloc[0])
    bodies, records, statuses = {}, [], []
    with Fetcher(settings.effective_mode(), store, http) as fetcher:
        for kind in FILE_KINDS:
            file, sha = release_file(kind, release), row[f"{kind}_sha"].iloc[0]
            status, rec = fetch_release_file(fetcher, kind, file, sha)
            if status.status != "unchanged":     # a file shared with an older version
                statuses.append(status)             # keeps the row of its first fetch
            if rec is not None:
                records.append(rec)
                bodies[kind] = store.read(rec)
    status_file = f"{LIVEBENCH.id}/versions/{key}"
    if len(bodies) < 2:
        write_status(status_dir, status_file, statuses)
        return Skip(f"LiveBench version {key}: a file is not available; see source_status")
    rejects: list = []
    try:
        df = livebench.parse_livebench(bodies["table"], bodies["categories"], release,
                                       rejects)
    except LeaderboardError as exc:
        write_status(status_dir, status_file, statuses + [RequestStatus.of(
            LIVEBENCH.id, f"{LIVEBENCH.id}/version/{key}", LIVEBENCH.url,
            settings.effective_mode(), "failed", None, error=f"unusable: {exc}")])
        return Skip(f"LiveBench version {key} left out: {exc}")
    write_status(status_dir, status_file, statuses)
    write_rejected(status_dir, LIVEBENCH.id, key,
                   [dataclasses.replace(r, version=key) for r in rejects])
    df = with_snapshots(df, records)
    df.attrs[DATA_VERSION_ATTR] = "+".join(r.sha256 for r in records)
    df.attrs[OUTPUT_METADATA_ATTR] = {"rejected_rows": len(rejects),
                                      "table_sha": row["table_sha"].iloc[0],
                                      "categories_sha": row["categories_sha"].iloc[0]}
    return df


@published_table("livebench_scores", deps=[LIVEBENCH_HISTORY_KEY])
def livebench_scores(context: AssetExecutionContext,
                     settings: PipelineSettings) -> pd.DataFrame:
    """Task scores of every LiveBench release in its newest stored version (the history's
    partitions; a version whose files were unusable has none, so the newest usable one
    stands). Tables as they stood on a date: :func:`read_livebench_as_of`."""
    scores = read_livebench_as_of(settings.effective_data_dir())
    if scores.empty:
        return empty_table("livebench_scores", "no LiveBench version materialized")
    return scores


@published_table("livebench_summary", ins=["livebench_scores"])
def livebench_summary(context: AssetExecutionContext, livebench_scores: pd.DataFrame):
    """Category means and the global mean per release and model (the site's rule)."""
    if livebench_scores.empty:
        return empty_table("livebench_summary", "no LiveBench scores")
    return livebench.livebench_summary(livebench_scores)


#: At most this many partition runs are requested by one sensor tick (the rest wait).
MAX_RUNS_PER_TICK = 10
#: Sensors and the schedule start RUNNING only on an instance set up for live refresh.
LIVE_STATUS = (DefaultSensorStatus.RUNNING if env_live_refresh()
               else DefaultSensorStatus.STOPPED)


def sensor_http(http: HttpSource) -> HttpSource:
    """``http`` with the sensor's short timeouts (``AI_NUMBERS_SENSOR_TIMEOUT_SECONDS``) and
    no retry: a tick lists, the runs fetch."""
    timeout = env_sensor_timeout()
    return HttpSource(**{**http.model_dump(), "connect_timeout_seconds": timeout,
                         "timeout_seconds": timeout, "retries": 0, "read_retries": 0})


def missing_partition_requests(instance, partitions: DynamicPartitionsDefinition, asset_key,
                               versions: set[str], cursor: str | None, what: str,
                               job_name: str | None = None, run_key_suffix: str | None = None):
    """The sensor result for one partitioned history: add the keys of ``versions`` that are
    not partitions yet, and request one live run per version without a materialized
    partition (new, missing or failed), oldest first, at most :data:`MAX_RUNS_PER_TICK`
    (``job_name`` for a sensor that targets several jobs). The run key carries the tick
    number (``cursor`` + 1; ``run_key_suffix`` instead when given), so a failed version is
    asked for again on a later tick. A :class:`SkipReason` when there is nothing to do."""
    existing = set(instance.get_dynamic_partitions(partitions.name))
    new = sorted(versions - existing)
    done = set(instance.get_materialized_partitions(asset_key))
    wanted = sorted(versions - done)[:MAX_RUNS_PER_TICK]
    if not wanted and not new:
        return SkipReason(f"every {what} version is materialized ({len(versions)} known)")
    tick = int(cursor or 0) + 1
    suffix = run_key_suffix or f"tick{tick}"
    return SensorResult(
        run_requests=[RunRequest(partition_key=k, run_key=f"{what}-{k}-{suffix}",
                                 job_name=job_name, run_config=LIVE_RUN)
                      for k in wanted],
        dynamic_partitions_requests=[partitions.build_add_request(new)] if new else [],
        cursor=str(tick),
    )


LIVE_RUN = {"resources": {"settings": {"config": {"mode": "live"}}}}


@sensor(
    name="arena_versions_sensor",
    asset_selection=[ARENA_SCORES_KEY],
    minimum_interval_seconds=6 * 3600,
    default_status=LIVE_STATUS,
    description="Lists the arena CSV's versions upstream (live), adds new partition keys and "
                "requests a run for every version without a materialized partition (new, "
                f"missing or failed), at most {MAX_RUNS_PER_TICK} per tick.",
)
def arena_versions_sensor(context: SensorEvaluationContext, settings: PipelineSettings,
                          http: HttpSource):
    """Lists the arena versions live (short timeouts, :func:`sensor_http`) and returns
    :func:`missing_partition_requests` for ``arena_scores``; skips when the listing is
    unavailable (the listing's status rows are written either way)."""
    with Fetcher("live", settings.snapshots(), sensor_http(http)) as fetcher:
        statuses, _, listing = collect_arena_listing(fetcher)
    write_status(settings.status_dir(), ARENA.id, statuses)
    if not listing:
        return SkipReason(f"arena listing unavailable: {statuses[-1].error if statuses else ''}")
    return missing_partition_requests(context.instance, arena_partitions, ARENA_SCORES_KEY,
                                      set(listing.versions()["version"]), context.cursor,
                                      "arena")


@sensor(
    name="livebench_versions_sensor",
    asset_selection=[LIVEBENCH_HISTORY_KEY],
    minimum_interval_seconds=6 * 3600,
    default_status=LIVE_STATUS,
    description="Lists the LiveBench release files' versions upstream (live), adds new "
                "partition keys and requests a run for every version without a materialized "
                f"partition (new, missing or failed), at most {MAX_RUNS_PER_TICK} per tick.",
)
def livebench_versions_sensor(context: SensorEvaluationContext, settings: PipelineSettings,
                              http: HttpSource):
    """Lists the LiveBench versions live (short timeouts, :func:`sensor_http`) and returns
    :func:`missing_partition_requests` for ``livebench_history``; skips when the listing is
    unavailable (the listing's status rows are written either way)."""
    with Fetcher("live", settings.snapshots(), sensor_http(http)) as fetcher:
        statuses, _, versions = collect_livebench(fetcher)
    write_status(settings.status_dir(), LIVEBENCH.id, statuses)
    if versions.empty:
        return SkipReason("LiveBench listing unavailable: "
                          f"{statuses[0].error if statuses else ''}")
    return missing_partition_requests(context.instance, livebench_partitions,
                                      LIVEBENCH_HISTORY_KEY, set(versions["version"]),
                                      context.cursor, "livebench")


#: Assets that list the versions (the ``discover`` job) and the partitioned history.
DISCOVERY_ASSETS = [lmarena_snapshot, livebench_snapshot, arena_versions, livebench_versions]
PARTITIONED_ASSETS = [arena_scores, livebench_history]

defs = Definitions(
    assets=[*DISCOVERY_ASSETS, *PARTITIONED_ASSETS, arena_scores_latest, arena_rank_changes,
            livebench_scores, livebench_summary],
    sensors=[arena_versions_sensor, livebench_versions_sensor],
)
