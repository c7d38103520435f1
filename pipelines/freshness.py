"""Freshness: two questions, answered in one place.

1. **Is the source's data recent?** Each source of ``assets/registry/sources.yaml`` has a
   ``cadence_days``: how often upstream is expected to publish a new version (null for a
   file pinned to a commit, which never changes). ``source_status`` carries each source's
   ``newest_version_at``, ``age_days`` and ``cadence_days``; a source is **stale** when
   ``age_days > cadence_days`` (:func:`stale_mask`, :func:`stale_sources`). The
   ``sources_fresh`` asset checks (severity WARN, :func:`freshness_checks`) put that on every
   published table that rests on a source, and the command line lists stale sources.
2. **Did we fetch recently?** The snapshot assets carry Dagster's own freshness policy
   (:data:`SNAPSHOT_FRESHNESS`, the UI's freshness badge): the daily schedule fetches every
   24 h, so a snapshot asset not materialized for :data:`FETCH_WARN` warns and for
   :data:`FETCH_FAIL` fails. That is about this project's runs, not upstream's data: a
   snapshot fetched an hour ago of a leaderboard last updated a year ago is fetched
   recently and stale.
"""

from collections.abc import Iterable, Mapping
from datetime import timedelta

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    FreshnessPolicy,
    MetadataValue,
    multi_asset_check,
)

from pipelines.settings import PipelineSettings
from pipelines.store import data_root, read_parquet

#: The daily_refresh schedule runs every 24 h: a snapshot asset not materialized for 36 h
#: warns, for 72 h fails (Dagster's freshness policy on each snapshot asset).
FETCH_WARN, FETCH_FAIL = timedelta(hours=36), timedelta(hours=72)
SNAPSHOT_FRESHNESS = FreshnessPolicy.time_window(fail_window=FETCH_FAIL, warn_window=FETCH_WARN)
#: Name of the freshness check on each published table resting on a source.
CHECK_NAME = "sources_fresh"
#: Columns of :func:`stale_sources`.
STALE_COLUMNS = ["source_id", "newest_version_at", "age_days", "cadence_days"]


def stale_mask(status: pd.DataFrame) -> pd.Series:
    """Boolean Series over ``status`` (``source_status`` columns): the rows of a source
    whose newest version is older than its cadence (``age_days > cadence_days``). A source
    with no cadence (pinned) or no known version is not stale."""
    age = pd.to_numeric(status["age_days"], errors="coerce")
    cadence = pd.to_numeric(status["cadence_days"], errors="coerce")
    return (age > cadence).fillna(False).astype(bool)


def stale_sources(status: pd.DataFrame, source_ids: Iterable[str] | None = None,
                  ) -> pd.DataFrame:
    """One row per stale source of ``status`` (optionally only ``source_ids``), oldest
    first: :data:`STALE_COLUMNS` (``newest_version_at`` UTC timestamp, ``age_days`` and
    ``cadence_days`` floats, days)."""
    rows = status[stale_mask(status)]
    if source_ids is not None:
        rows = rows[rows["source_id"].isin(list(source_ids))]
    rows = rows.drop_duplicates("source_id")[STALE_COLUMNS]
    return rows.sort_values("age_days", ascending=False, kind="stable").reset_index(drop=True)


def stale_text(row) -> str:
    """``lmarena_history: newest version 2025-01-24, 675.4 days old (expected every 3
    days)`` for a row of :func:`stale_sources`."""
    return (f"{row.source_id}: newest version {pd.Timestamp(row.newest_version_at):%Y-%m-%d}, "
            f"{row.age_days:.1f} days old (expected every {row.cadence_days:g} days)")


def aged_now(status: pd.DataFrame, now: pd.Timestamp | None = None) -> pd.DataFrame:
    """``status`` with ``age_days`` measured again, from ``newest_version_at`` to ``now``
    (default: the current UTC time), for reading a table built earlier."""
    if "newest_version_at" not in status.columns:
        return status
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    newest = pd.to_datetime(status["newest_version_at"], utc=True)
    return status.assign(age_days=((now - newest).dt.total_seconds() / 86400.0)
                         .astype("float64"))


def freshness_checks(tables: Mapping[AssetKey, Iterable[str]], status_key: AssetKey):
    """The ``sources_fresh`` checks (WARN) of the published tables ``tables`` (asset key ->
    the source ids the table rests on), in one step after ``status_key`` (the published
    ``source_status``, whose Parquet file they read): a table's check fails when one of its
    sources is stale (:func:`stale_sources`, ages measured at the check: the table may have
    been built days before, when nothing changed since), naming each with its age and
    cadence; it passes, saying so, while ``source_status`` is not published yet. The
    ``freshness`` job runs them alone, after every ``ai-numbers run``."""
    sources_of = {key: tuple(ids) for key, ids in tables.items()}
    specs = [AssetCheckSpec(
        CHECK_NAME, asset=key, additional_deps=[status_key],
        description=f"The newest version of each source ({', '.join(ids)}) is no older than "
                    "its cadence_days (sources.yaml)") for key, ids in sources_of.items()]

    @multi_asset_check(specs=specs, can_subset=True, name="sources_fresh",
                       description="Source freshness against each source's cadence")
    def sources_fresh(context: AssetCheckExecutionContext, settings: PipelineSettings):
        path = data_root(settings.effective_data_dir()) / "published" / "source_status.parquet"
        status = read_parquet(path) if path.exists() else None
        # ages measured once for every table of the step (not once per table)
        stale = None if status is None else stale_sources(aged_now(status))
        for check_key in context.selected_asset_check_keys:
            yield _result(check_key.asset_key, sources_of[check_key.asset_key], stale)

    return sources_fresh


def evaluate(asset_key: AssetKey, source_ids: tuple[str, ...], status: pd.DataFrame | None,
             now: pd.Timestamp | None = None) -> AssetCheckResult:
    """The ``sources_fresh`` result of one table from ``status`` (None: not published), the
    ages measured again at ``now`` (default: the current UTC time)."""
    return _result(asset_key, source_ids,
                   None if status is None else stale_sources(aged_now(status, now)))


def _result(asset_key: AssetKey, source_ids: tuple[str, ...],
            stale: pd.DataFrame | None) -> AssetCheckResult:
    """The ``sources_fresh`` result of one table from ``stale`` (:func:`stale_sources` of
    every source, ages already measured; None: ``source_status`` not published)."""
    if stale is None:
        return AssetCheckResult(asset_key=asset_key, check_name=CHECK_NAME, passed=True,
                                severity=AssetCheckSeverity.WARN,
                                metadata={"note": "source_status not published yet"})
    texts = [stale_text(r) for r in stale[stale["source_id"].isin(source_ids)].itertuples()]
    return AssetCheckResult(
        asset_key=asset_key, check_name=CHECK_NAME, passed=not texts,
        severity=AssetCheckSeverity.WARN, description="; ".join(texts) or None,
        metadata={"stale_sources": MetadataValue.json(texts), "sources": list(source_ids)})
