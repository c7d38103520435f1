"""The one ``Definitions`` object of ai-numbers (loaded by ``workspace.yaml``).

The only module of ``pipelines/`` that imports ``assets``: each domain folder exports its
own ``defs`` (``assets/<domain>/assets.py``) and this module merges them, adds what spans
every domain (``source_status`` over every snapshot asset, ``rejected_rows`` (rows set
aside by the parsers), the ``datapackage`` catalog over
every published table), the jobs, the schedule and the resources.

Jobs (all in process):

- ``discover``: the leaderboard listings, ``arena_versions`` and ``livebench_versions``
  (the partition keys).
- ``arena_partitions``: one arena version (``arena_scores``, partitioned);
  ``livebench_partitions``: one LiveBench release version (``livebench_history``).
- ``publish``: every other unpartitioned asset.
- ``main``: every unpartitioned asset (discovery included); ``refresh``: the same, live.

``ai-numbers run`` (``make run``, :mod:`pipelines.runner`) chains discover, the missing
partitions and publish, without the daemon. With the daemon, ``daily_refresh`` runs
``refresh`` and ``arena_versions_sensor`` adds and materializes new arena versions.
"""
from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from assets.claims import assets as claims
from assets.leaderboards import assets as leaderboards
from assets.models import assets as models
from assets.patents import assets as patents
from assets.reference import assets as reference
from assets.registry import load_sources
from pipelines.catalog import datapackage_asset
from pipelines.history import PartitionedHistory
from pipelines.http import HttpSource
from pipelines.io_managers import ParquetIOManagerFactory
from pipelines.settings import PipelineSettings
from pipelines.snapshot_assets import rejected_rows_asset, source_status_asset

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

#: The partitioned histories :mod:`pipelines.runner` keeps complete without the daemon.
HISTORIES = [PartitionedHistory(job="arena_partitions", table="arena_scores",
                                partitions_def=leaderboards.arena_partitions,
                                versions_table="arena_versions", version_column="version"),
             PartitionedHistory(job="livebench_partitions", table="livebench_history",
                                partitions_def=leaderboards.livebench_partitions,
                                versions_table="livebench_versions", version_column="version")]

DISCOVERY = AssetSelection.assets(*leaderboards.DISCOVERY_ASSETS)
PARTITIONED = AssetSelection.assets(*leaderboards.PARTITIONED_ASSETS)
UNPARTITIONED = AssetSelection.all() - PARTITIONED
LIVE = {"resources": {"settings": {"config": {"mode": "live"}}}}

discover_job = define_asset_job(
    "discover", selection=DISCOVERY, executor_def=in_process_executor,
    description="List the leaderboard versions (arena commits, LiveBench releases).")
arena_partitions_job = define_asset_job(
    "arena_partitions", selection=AssetSelection.assets(leaderboards.arena_scores),
    executor_def=in_process_executor,
    partitions_def=leaderboards.arena_partitions,
    description="Fetch, parse and publish one arena version (a partition).")
livebench_partitions_job = define_asset_job(
    "livebench_partitions", selection=AssetSelection.assets(leaderboards.livebench_history),
    executor_def=in_process_executor, partitions_def=leaderboards.livebench_partitions,
    description="Fetch, parse and publish one LiveBench release version (a partition).")
publish_job = define_asset_job(
    "publish", selection=UNPARTITIONED - DISCOVERY, executor_def=in_process_executor,
    description="Every unpartitioned asset after discovery: sources, tables, claims, catalog.")
main_job = define_asset_job(
    "main", selection=UNPARTITIONED, executor_def=in_process_executor,
    description="Every unpartitioned asset (mode auto by default: fetch, falling back to "
                "the newest local snapshot, else the bundled reference figures).")
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

defs = Definitions.merge(*DOMAINS, Definitions(
    assets=[source_status, rejected_rows, datapackage],
    jobs=[discover_job, arena_partitions_job, livebench_partitions_job, publish_job, main_job,
          refresh_job],
    schedules=[daily_refresh],
    resources={
        "settings": PipelineSettings(),
        "http": HttpSource(),
        "parquet_io": ParquetIOManagerFactory(),
    },
))
