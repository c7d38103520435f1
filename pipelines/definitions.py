"""The one ``Definitions`` object of ai-numbers (loaded by ``workspace.yaml``).

Assets: snapshots of every upstream source, published tables (reference figures, source
status, patents, models, leaderboards, claims), the arena history partitions, the catalog
and the claims report.

Jobs (all in process):

- ``discover``: the leaderboard listings and ``arena_versions`` (the partition keys).
- ``arena_partitions``: one arena version (``arena_scores``, partitioned).
- ``publish``: every other unpartitioned asset.
- ``main``: every unpartitioned asset (discovery included); ``refresh``: the same, live.

``python -m pipelines.cli run`` (``make run``) chains discover, the missing partitions and
publish, without the daemon. With the daemon, ``daily_refresh`` runs ``refresh`` and
``arena_versions_sensor`` adds and materializes new arena versions.
"""
from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from assets import leaderboard_assets as lb_assets
from assets.published_assets import (
    PUBLISHED_ASSETS,
    claims_report,
    datapackage,
    unmatched_model_names,
)
from assets.snapshot_assets import SNAPSHOT_ASSETS
from pipelines.io_managers import ParquetIOManagerFactory
from pipelines.resources import HttpSource, PipelineSettings

ALL_ASSETS = [*SNAPSHOT_ASSETS, *lb_assets.SNAPSHOT_ASSETS, *PUBLISHED_ASSETS,
              *lb_assets.PARTITIONED_ASSETS, datapackage, claims_report]

DISCOVERY = AssetSelection.assets(*lb_assets.SNAPSHOT_ASSETS,
                                  lb_assets.arena_versions)
PARTITIONED = AssetSelection.assets(*lb_assets.PARTITIONED_ASSETS)
UNPARTITIONED = AssetSelection.all() - PARTITIONED
LIVE = {"resources": {"settings": {"config": {"mode": "live"}}}}

discover_job = define_asset_job(
    "discover", selection=DISCOVERY, executor_def=in_process_executor,
    description="List the leaderboard versions (arena commits, LiveBench releases).")
arena_partitions_job = define_asset_job(
    "arena_partitions", selection=PARTITIONED, executor_def=in_process_executor,
    partitions_def=lb_assets.arena_partitions,
    description="Fetch, parse and publish one arena version (a partition).")
publish_job = define_asset_job(
    "publish", selection=UNPARTITIONED - DISCOVERY, executor_def=in_process_executor,
    description="Every unpartitioned asset after discovery: sources, tables, claims, catalog.")
main_job = define_asset_job(
    "main", selection=UNPARTITIONED, executor_def=in_process_executor,
    description="Every unpartitioned asset (offline by default: newest local snapshot, else "
                "the bundled reference figures).")
refresh_job = define_asset_job(
    "refresh", selection=UNPARTITIONED, executor_def=in_process_executor, config=LIVE,
    description="Fetch every registered source (live), then materialize every unpartitioned "
                "asset; arena versions follow through arena_versions_sensor.")

daily_refresh = ScheduleDefinition(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule="17 5 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Daily live refresh of every source (only fires while the daemon runs).",
)

defs = Definitions(
    assets=ALL_ASSETS,
    asset_checks=[unmatched_model_names],
    jobs=[discover_job, arena_partitions_job, publish_job, main_job, refresh_job],
    schedules=[daily_refresh],
    sensors=lb_assets.SENSORS,
    resources={
        "settings": PipelineSettings(),
        "http": HttpSource(),
        "parquet_io": ParquetIOManagerFactory(),
    },
)
