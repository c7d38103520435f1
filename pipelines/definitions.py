"""The one ``Definitions`` object of ai-numbers (loaded by ``workspace.yaml``).

The only module of ``pipelines/`` that imports ``assets``: each domain folder exports its
own ``defs`` (``assets/<domain>/assets.py``) and this module merges them, adds what spans
every domain (``source_status`` over every snapshot asset, ``rejected_rows`` (rows set
aside by the parsers), the ``datapackage`` catalog over
every published table, the ``sources_fresh`` checks), the jobs, the schedule and the
resources.

Jobs (runs launched by Dagster, from the UI, the schedule, the sensor or a deployment, use
the multiprocess executor: each step in its own process; ``ai-numbers run`` executes them in
process, :mod:`pipelines.runner`). Each job tags its runs ``ai-numbers/source.<id>: fetch`` for
every source it writes snapshots of (:func:`source_tags`), which the deployment's run queue
limits to one run at a time (``deploy/dagster.yaml``):

- ``fetch``: every snapshot asset (what ``ai-numbers run`` runs first).
- ``discover``: the leaderboard listings, ``arena_versions`` and ``livebench_versions``
  (the partition keys).
- ``arena_partitions``: one arena version (``arena_scores``, partitioned);
  ``livebench_partitions``: one LiveBench release version (``livebench_history``).
- ``publish``: every other unpartitioned asset.
- ``main``: every unpartitioned asset (discovery included); ``refresh``: the same, live.
- ``freshness``: the ``sources_fresh`` checks alone.

``ai-numbers run`` (``make run``, :mod:`pipelines.runner`) chains fetch, the stale assets of
discover, the missing partitions, the stale assets of publish and freshness, without the
daemon. With the daemon, ``daily_refresh`` runs ``fetch`` (live), then
``histories_after_refresh`` requests a ``main`` run of the stale assets and the missing
partitions; ``arena_versions_sensor`` and ``livebench_versions_sensor`` follow new versions.
"""
import gc

import dagster  # noqa: F401 - the libraries load first, the collector on (see below)
import pandas  # noqa: F401
import pyarrow  # noqa: F401

# Importing the asset modules builds thousands of objects that live as long as the process
# (the definitions): the cyclic collector's passes over them while they are built are wasted
# work, 0.08 s of a 0.2 s load measured here (README, Performance). Paused for the project's
# own imports only (the libraries above load as for anyone), and on again whatever happens.
_collecting = gc.isenabled()
gc.disable()
try:
    from dagster import (
        AssetKey,
        AssetSelection,
        DagsterRunStatus,
        DefaultScheduleStatus,
        Definitions,
        RunRequest,
        RunStatusSensorContext,
        ScheduleDefinition,
        SensorResult,
        SkipReason,
        define_asset_job,
        multiprocess_executor,
        run_status_sensor,
    )

    from assets.claims import assets as claims
    from assets.leaderboards import assets as leaderboards
    from assets.leaderboards.snapshots import (
        stored_arena_versions,
        stored_livebench_versions,
    )
    from assets.leaderboards.tables import ARENA_SOURCE, LIVEBENCH_SOURCE
    from assets.models import assets as models
    from assets.patents import assets as patents
    from assets.reference import assets as reference
    from assets.registry import load_sources
    from pipelines.catalog import datapackage_asset
    from pipelines.freshness import freshness_checks
    from pipelines.history import PartitionedHistory
    from pipelines.http import HttpSource
    from pipelines.io_managers import ParquetIOManagerFactory
    from pipelines.settings import PipelineSettings, env_live_refresh
    from pipelines.snapshot_assets import rejected_rows_asset, source_status_asset
    from pipelines.tables import table
finally:
    if _collecting:
        gc.enable()

#: Each domain's definitions (``assets/<domain>/assets.py``), merged below (Dagster allows
#: one Definitions object at module scope, so they are kept in a tuple).
DOMAINS = (reference.defs, patents.defs, models.defs, leaderboards.defs, claims.defs)
SOURCES = load_sources()
#: Assets that set source rows aside or report a source file unusable.
PARSING = [leaderboards.LIVEBENCH_HISTORY_KEY, leaderboards.ARENA_SCORES_KEY]
source_status = source_status_asset(SOURCES.values(), deps=PARSING)
rejected_rows = rejected_rows_asset(PARSING)
datapackage = datapackage_asset(
    [k for d in DOMAINS for a in d.assets or [] for k in a.keys
     if k.path[0] == "published"
     and k.path[-1] not in ("claims_report", "arena_scores", "livebench_history")]
    + [*source_status.keys, *rejected_rows.keys], SOURCES)
#: ``sources_fresh`` (WARN) on every unpartitioned published table that rests on a source,
#: outside discovery (run by ``publish``, after ``source_status``: pipelines/freshness.py).
_DISCOVERY_KEYS = {k for a in leaderboards.DISCOVERY_ASSETS for k in a.keys}
sources_fresh = freshness_checks(
    {k: table(k.path[-1]).sources for d in DOMAINS for a in d.assets or [] for k in a.keys
     if k.path[0] == "published" and k not in _DISCOVERY_KEYS
     and not a.partitions_def and k.path[-1] != "claims_report"
     and table(k.path[-1]).sources},
    source_status.key)

#: The partitioned histories :mod:`pipelines.runner` keeps complete without the daemon.
HISTORIES = [PartitionedHistory(job="arena_partitions", table="arena_scores",
                                partitions_def=leaderboards.arena_partitions,
                                versions_table="arena_versions", version_column="version"),
             PartitionedHistory(job="livebench_partitions", table="livebench_history",
                                partitions_def=leaderboards.livebench_partitions,
                                versions_table="livebench_versions", version_column="version")]

DISCOVERY = AssetSelection.assets(*leaderboards.DISCOVERY_ASSETS)
SNAPSHOTS = AssetSelection.key_prefixes(["snapshot"])
PARTITIONED = AssetSelection.assets(*leaderboards.PARTITIONED_ASSETS)
UNPARTITIONED = AssetSelection.all() - PARTITIONED
LIVE = {"resources": {"settings": {"config": {"mode": "live"}}}}

#: Assets that write snapshots of a source without being its snapshot asset (the arena CSV
#: and the LiveBench files at each version are fetched by the partition that publishes it).
FETCHED_BY = {**{key: ARENA_SOURCE for key in leaderboards.arena_scores.keys},
              **{key: LIVEBENCH_SOURCE for key in leaderboards.livebench_history.keys}}
#: The tag key (prefix) the deployment's run queue limits per source (deploy/dagster.yaml).
SOURCE_TAG = "ai-numbers/source."
ALL_ASSETS = [a for d in DOMAINS for a in d.assets or []] + [source_status, rejected_rows,
                                                             datapackage]


def source_tags(selection: AssetSelection) -> dict[str, str]:
    """Run tags ``{"ai-numbers/source.<id>": "fetch"}`` for every registered source whose
    snapshots the assets of ``selection`` write (its ``snapshot/<id>`` asset, or an asset of
    :data:`FETCHED_BY`). Raises KeyError when a snapshot asset names no registered source."""
    keys = selection.resolve(ALL_ASSETS)
    ids = {k.path[1] for k in keys if k.path[0] == "snapshot"}
    ids |= {FETCHED_BY[k] for k in keys if k in FETCHED_BY}
    unknown = sorted(ids - set(SOURCES))
    if unknown:
        raise KeyError(f"snapshot assets {unknown} name no source of assets/registry/sources.yaml")
    return {f"{SOURCE_TAG}{i}": "fetch" for i in sorted(ids)}


def _job(name: str, selection: AssetSelection, description: str, **kwargs):
    """An asset job over ``selection``, run by the multiprocess executor when launched, its
    runs tagged with the sources it writes (:func:`source_tags`)."""
    return define_asset_job(name, selection=selection, executor_def=multiprocess_executor,
                            tags=source_tags(selection), description=description, **kwargs)


fetch_job = _job(
    "fetch", SNAPSHOTS,
    "Fetch every registered source (the snapshot assets; offline: look up the newest local "
    "snapshot). ai-numbers run starts with it, then rebuilds only what changed.")
freshness_job = _job(
    "freshness", AssetSelection.checks(sources_fresh),
    "The sources_fresh checks alone (ages measured now): ai-numbers run ends with it, since "
    "a table left as it was (nothing changed upstream) is not checked with its build.")
discover_job = _job(
    "discover", DISCOVERY,
    "List the leaderboard versions (arena commits, LiveBench releases).")
arena_partitions_job = _job(
    "arena_partitions", AssetSelection.assets(leaderboards.arena_scores),
    "Fetch, parse and publish one arena version (a partition).",
    partitions_def=leaderboards.arena_partitions)
livebench_partitions_job = _job(
    "livebench_partitions", AssetSelection.assets(leaderboards.livebench_history),
    "Fetch, parse and publish one LiveBench release version (a partition).",
    partitions_def=leaderboards.livebench_partitions)
publish_job = _job(
    "publish", UNPARTITIONED - DISCOVERY,
    "Every unpartitioned asset after discovery: sources, tables, claims, catalog.")
main_job = _job(
    "main", UNPARTITIONED,
    "Every unpartitioned asset (mode auto by default: fetch, falling back to the newest "
    "local snapshot, else the bundled reference figures).")
refresh_job = _job(
    "refresh", UNPARTITIONED,
    "Fetch every registered source (live), then materialize every unpartitioned asset; arena "
    "versions follow through arena_versions_sensor.", config=LIVE)

#: Schedules and sensors start RUNNING only where ``AI_NUMBERS_LIVE_REFRESH=1``.
LIVE_REFRESH = env_live_refresh()
daily_refresh = ScheduleDefinition(
    name="daily_refresh",
    job=fetch_job,
    run_config=LIVE,
    cron_schedule="17 5 * * *",
    execution_timezone="UTC",
    default_status=(DefaultScheduleStatus.RUNNING if LIVE_REFRESH
                    else DefaultScheduleStatus.STOPPED),
    description="Daily live fetch of every source (only fires while the daemon runs); "
                "histories_after_refresh then rebuilds only the assets whose inputs changed "
                "and completes the partitioned histories.",
)


def stale_rebuild_request(instance, run) -> RunRequest | None:
    """A ``main`` run of the unpartitioned assets (snapshots excluded) that need a rebuild
    after the fetch run ``run`` (:func:`pipelines.staleness.stale_assets`), with that run's
    config and a run key tied to it; None when nothing changed upstream."""
    from pipelines.staleness import stale_assets

    keys = [k for k in defs.resolve_job_def(main_job.name).asset_layer.executable_asset_keys
            if k.path[0] != "snapshot"]
    stale = stale_assets(instance, defs.resolve_asset_graph(), keys)
    if not stale:
        return None
    return RunRequest(run_key=f"stale-after-{run.run_id}", job_name=main_job.name,
                      asset_selection=sorted(stale, key=lambda k: k.to_user_string()),
                      run_config=run.run_config,
                      tags={"ai-numbers/rebuilt": str(len(stale))})


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    name="histories_after_refresh",
    monitored_jobs=[fetch_job, refresh_job],
    request_jobs=[main_job, arena_partitions_job, livebench_partitions_job],
    default_status=leaderboards.LIVE_STATUS,
    description="After each successful fetch run (the daily schedule's) or refresh run: a "
                "main run of only the assets whose inputs changed (none when no source "
                "changed; after fetch runs only), the versions listed added as partition "
                "keys, and a run for every arena and LiveBench version without a "
                "materialized partition (a bounded number per history).",
)
def histories_after_refresh(context: RunStatusSensorContext, settings: PipelineSettings):
    """What follows the daily schedule's fetch: :func:`stale_rebuild_request` (nothing
    recomputed for nothing), and the partitioned histories' cover: from the listings the
    run just stored (no request here), each history's
    :func:`assets.leaderboards.assets.missing_partition_requests`, run keys tied to the
    run (so a version that failed is asked for again after the next fetch)."""
    store = settings.snapshots()
    stored = {"arena_partitions": stored_arena_versions, "livebench_partitions":
              stored_livebench_versions}
    runs, adds = [], []
    for history in HISTORIES:
        versions = set(stored[history.job](store)[history.version_column])
        result = leaderboards.missing_partition_requests(
            context.instance, history.partitions_def, AssetKey(["published", history.table]),
            versions, None, history.table, job_name=history.job,
            run_key_suffix=f"after-{context.dagster_run.run_id}")
        if isinstance(result, SensorResult):
            runs += result.run_requests
            adds += result.dynamic_partitions_requests
    if context.dagster_run.job_name == fetch_job.name:
        rebuild = stale_rebuild_request(context.instance, context.dagster_run)
        runs += [rebuild] if rebuild else []
    if not runs and not adds:
        return SkipReason("nothing changed upstream and every version of the partitioned "
                          "histories is materialized")
    return SensorResult(run_requests=runs, dynamic_partitions_requests=adds)

defs = Definitions.merge(*DOMAINS, Definitions(
    assets=[source_status, rejected_rows, datapackage],
    asset_checks=[sources_fresh],
    jobs=[fetch_job, freshness_job, discover_job, arena_partitions_job, livebench_partitions_job,
          publish_job, main_job,
          refresh_job],
    schedules=[daily_refresh],
    sensors=[histories_after_refresh],
    resources={
        "settings": PipelineSettings(),
        "http": HttpSource(),
        "parquet_io": ParquetIOManagerFactory(),
    },
))
