"""Snapshot assets ``["snapshot", <source id>]``: one per source of ``sources.yaml``.

Each asset fetches (live) or looks up (offline) its source through
:func:`assets.sources.snapshot_source`, writes its status rows, and reports the sha256 of
the snapshot(s) in use as its ``DataVersion``, so Dagster marks downstream assets stale
exactly when the bytes changed. An upstream failure is a failed ``upstream_available``
check (WARN), never a failed run: the last good snapshot stays in use.
"""

import hashlib
from datetime import timedelta

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    DataVersion,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.registry import load_sources
from assets.sources import snapshot_source, write_status


#: The daily_refresh schedule runs every 24 h: warn after 36 h, fail after 72 h.
SNAPSHOT_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(hours=72),
                                                 warn_window=timedelta(hours=36))


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


def make_snapshot_asset(source: dict, collect=None):
    """The snapshot asset of one registered source.

    ``collect(source, mode, store, http) -> (status rows, records in use)`` fetches or looks
    up the source; the default, :func:`assets.sources.snapshot_source`, serves ``file`` and
    ``hf_model_info`` sources (listings with discovered files bring their own).
    """
    collect = collect or snapshot_source
    sid = source["id"]
    key = snapshot_key(sid)

    @asset(
        key=key,
        group_name=source["group"],
        description=(f"Raw snapshot(s) of {source['title']} ({source['publisher']}); "
                     f"license: {source.get('license')}. Live mode fetches, offline mode "
                     "uses the newest local snapshot."),
        required_resource_keys={"settings", "http"},
        check_specs=[AssetCheckSpec(
            name="upstream_available", asset=key,
            description="Every URL of the source answered (live) or has a local snapshot "
                        "(offline); a failure keeps the last good snapshot",
        )],
        metadata={"url": MetadataValue.url(source["url"]) if "{" not in source["url"]
                  else source["url"], "license": source.get("license", "")},
        kinds={"http"},
        freshness_policy=SNAPSHOT_FRESHNESS,
    )
    def _snapshot(context: AssetExecutionContext):
        settings = context.resources.settings
        mode = settings.effective_mode()
        statuses, records = collect(source, mode, settings.snapshots(),
                                    context.resources.http)
        write_status(settings.status_dir(), sid, statuses)
        for s in statuses:
            if s.status == "failed":
                context.log.warning(f"{sid}: {s.url} failed: {s.error}")
        counts = {st: sum(s.status == st for s in statuses)
                  for st in ("fetched", "unchanged", "failed", "offline")}
        problems = [s for s in statuses if s.status == "failed" or s.sha256 is None]
        table = "\n".join(
            ["| stream | status | http | sha256 | error |", "|---|---|---|---|---|"]
            + [f"| {s.stream} | {s.status} | {s.http_status or ''} | "
               f"{(s.sha256 or '')[:12]} | {s.error or ''} |" for s in statuses]
        )
        return MaterializeResult(
            data_version=DataVersion(_data_version(records)),
            metadata={
                "mode": mode,
                **{f"requests_{k}": v for k, v in counts.items()},
                "snapshots_in_use": len(records),
                "requests": MetadataValue.md(table),
            },
            check_results=[AssetCheckResult(
                check_name="upstream_available",
                passed=not problems,
                severity=AssetCheckSeverity.WARN,
                metadata={"problems": MetadataValue.json(
                    [{"stream": s.stream, "status": s.status, "error": s.error}
                     for s in problems])},
            )],
        )

    return _snapshot


#: Kinds served by the default collector; other kinds are built beside their parsers.
SIMPLE_KINDS = ("file", "hf_model_info")
SNAPSHOT_ASSETS = [make_snapshot_asset(s) for s in load_sources().values()
                   if s["kind"] in SIMPLE_KINDS]
