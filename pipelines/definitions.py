"""The one ``Definitions`` object of ai-numbers (loaded by ``workspace.yaml``).

Assets: snapshots of every upstream source, published tables (reference figures, source
status, patents, models, leaderboards, claims) and the catalog. Jobs: ``main`` (every
asset, in process; offline unless ``AI_NUMBERS_MODE=live``) and ``refresh`` (the same,
live). The ``daily_refresh`` schedule runs ``refresh`` once a day when the daemon runs.
"""
from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from assets.published_assets import PUBLISHED_ASSETS, datapackage
from assets.snapshot_assets import SNAPSHOT_ASSETS
from pipelines.io_managers import ParquetIOManagerFactory
from pipelines.resources import HttpSource, PipelineSettings

ALL_ASSETS = [*SNAPSHOT_ASSETS, *PUBLISHED_ASSETS, datapackage]

main_job = define_asset_job(
    "main",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Materialize every asset (offline by default: newest local snapshot, else "
                "the bundled reference figures).",
)

refresh_job = define_asset_job(
    "refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    config={"resources": {"settings": {"config": {"mode": "live"}}}},
    description="Fetch every registered source (live), then materialize every asset.",
)

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
    jobs=[main_job, refresh_job],
    schedules=[daily_refresh],
    resources={
        "settings": PipelineSettings(),
        "http": HttpSource(),
        "parquet_io": ParquetIOManagerFactory(),
    },
)
