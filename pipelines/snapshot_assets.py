"""Snapshot assets ``["snapshot", <source id>]`` (one per registered source), ``source_status``
and ``rejected_rows``.

Each snapshot asset fetches (live) or looks up (offline) its source with a collector the
domain gives (:data:`Collect`: its streams and its parsers as body checks), writes its
status rows, and reports the sha256 of the snapshot(s) in use as its ``DataVersion``, so
Dagster marks downstream assets stale exactly when the bytes changed. An upstream failure
is a failed ``upstream_available`` check (WARN), never a failed run: the last good snapshot
stays in use.
"""

import hashlib
from collections.abc import Callable, Iterable

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    DataVersion,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipelines.fetching import (
    SOURCE_STATUS,
    Fetcher,
    RequestStatus,
    Source,
    read_status,
    write_status,
)
from pipelines.freshness import SNAPSHOT_FRESHNESS, stale_sources, stale_text
from pipelines.http import HttpSource
from pipelines.mdtable import markdown_table
from pipelines.publish import published_table
from pipelines.ratelimit import USAGE
from pipelines.rejects import REJECTED_ROWS, read_rejected
from pipelines.settings import PipelineSettings
from pipelines.snapshots import SnapshotRecord

#: ``collect(fetcher) -> (status rows, snapshot records in use)`` of one source.
Collect = Callable[[Fetcher], tuple[list[RequestStatus], list[SnapshotRecord]]]



def snapshot_key(source_id: str) -> AssetKey:
    """Asset key of a source's snapshot asset: ``["snapshot", source_id]``."""
    return AssetKey(["snapshot", source_id])


def _data_version(records) -> str:
    if not records:
        return "none"
    if len(records) == 1:
        return records[0].sha256
    joined = "\n".join(f"{r.stream} {r.sha256}" for r in records)
    return hashlib.sha256(joined.encode()).hexdigest()


def snapshot_asset(source: Source, collect: Collect):
    """The snapshot asset ``["snapshot", source.id]`` of one registered source; ``collect``
    fetches or looks up its streams (see :data:`Collect`)."""
    sid = source.id
    key = snapshot_key(sid)

    @asset(
        key=key,
        group_name=source.group,
        description=(f"Raw snapshot(s) of {source.title} ({source.publisher}); "
                     f"license: {source.license}. Cite as: {source.citation} Live mode "
                     "fetches, offline mode uses the newest local snapshot."),
        check_specs=[AssetCheckSpec(
            name="upstream_available", asset=key,
            description="Every URL of the source answered (live) or has a local snapshot "
                        "(offline); a failure keeps the last good snapshot",
        )],
        metadata={"url": MetadataValue.url(source.url) if "{" not in source.url
                  else source.url, "license": source.license},
        kinds={"http"},
        freshness_policy=SNAPSHOT_FRESHNESS,
    )
    def _snapshot(context: AssetExecutionContext, settings: PipelineSettings,
                  http: HttpSource):
        mode = settings.effective_mode()
        before = USAGE.snapshot()
        with Fetcher(mode, settings.snapshots(), http) as fetcher:
            statuses, records = collect(fetcher)
        usage = USAGE.since(before)
        write_status(settings.status_dir(), sid, statuses)
        for s in statuses:
            if s.status in ("failed", "deferred"):
                context.log.warning(f"{sid}: {s.url} {s.status}: {s.error}")
        counts = {st: sum(s.status == st for s in statuses)
                  for st in ("fetched", "unchanged", "failed", "deferred", "offline")}
        problems = [s for s in statuses if s.status == "failed" or s.sha256 is None]
        table = markdown_table(pd.DataFrame(  # escaped: names and errors come from upstream
            [(s.stream, s.status, s.http_status or "", (s.sha256 or "")[:12], s.error or "")
             for s in statuses], columns=["stream", "status", "http", "sha256", "error"]))
        return MaterializeResult(
            data_version=DataVersion(_data_version(records)),
            metadata={
                "mode": mode,
                **{f"requests_{k}": v for k, v in counts.items()},
                "snapshots_in_use": len(records),
                "requests": MetadataValue.md(table),
                # per upstream host: answers, 304s, body bytes, failed, deferred, budget
                "http_usage": MetadataValue.json(usage),
            },
            check_results=[AssetCheckResult(
                check_name="upstream_available",
                passed=not problems,
                severity=AssetCheckSeverity.WARN,
                metadata={"problems": MetadataValue.json(
                    [{"stream": s.stream, "status": s.status, "error": s.error}
                     for s in problems]),
                    "deferred": MetadataValue.json(
                    [{"stream": s.stream, "error": s.error}
                     for s in statuses if s.status == "deferred"])},
            )],
        )

    return _snapshot


def source_status_asset(sources: Iterable[Source], deps: Iterable[AssetKey] = ()):
    """The published ``source_status`` asset: every request of the last run of ``sources``
    (read from ``<data_dir>/status``), downstream of every snapshot asset and of ``deps``
    (assets that report unusable files of a source), with each source's ``cadence_days``
    and the age of its newest version (stale sources logged as a warning)."""
    sources = list(sources)
    ids = [s.id for s in sources]

    @published_table(SOURCE_STATUS.name, deps=[*(snapshot_key(i) for i in ids), *deps])
    def source_status(context: AssetExecutionContext, settings: PipelineSettings):
        """One row per source request of the last run (from ``<data_dir>/status``)."""
        df = read_status(settings.status_dir(), sources)
        stale = stale_sources(df)
        if len(stale):
            context.log.warning("stale source(s): " + "; ".join(
                stale_text(r) for r in stale.itertuples()))
        return df

    return source_status


def rejected_rows_asset(deps: Iterable[AssetKey]):
    """The published ``rejected_rows`` asset, downstream of the parsing assets ``deps``."""

    @published_table(REJECTED_ROWS.name, deps=list(deps))
    def rejected_rows(context: AssetExecutionContext, settings: PipelineSettings):
        """Every source row set aside by the last parse of its file."""
        df = read_rejected(settings.status_dir())
        if len(df):
            context.log.warning(f"{len(df)} source row(s) set aside; see rejected_rows")
        return df

    return rejected_rows
