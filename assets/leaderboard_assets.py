"""Leaderboard assets: LMArena versions as dynamic partitions, LiveBench releases.

- ``snapshot/lmarena_history``: the GitHub commits listing of ``csv/lmsys.csv``, every page
  snapshotted (``lmarena_history/commits-page-<n>``), following ``Link: rel="next"``.
- ``published/arena_versions``: one row per version (the partition keys).
- ``published/arena_scores``: partitioned by version date (``DynamicPartitionsDefinition``
  ``arena_versions``); each partition fetches the CSV at its commit (immutable, so fetched
  once), parses it with the layout of its header and writes
  ``published/history/arena_scores/snapshot_date=<date>/part-0.parquet``. A version whose
  file no longer exists is recorded in ``source_status`` and skipped.
- ``published/arena_scores_latest`` and ``published/arena_rank_changes`` from the history.
- ``snapshot/livebench`` (listing + each release's table and categories file) and
  ``published/livebench_scores`` / ``livebench_summary``.
- ``arena_versions_sensor`` lists upstream versions, adds the new partition keys and
  requests one run per new key (live).
"""
import csv
import json
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    DataVersion,
    DefaultSensorStatus,
    DynamicPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    asset,
    sensor,
)

from assets import leaderboards as lb
from assets.registry import load_sources
from assets.snapshot_assets import make_snapshot_asset, snapshot_key
from assets.sources import RequestStatus, fetch_stream, write_status
from pipelines.io_managers import SOURCE_SNAPSHOTS_ATTR, write_parquet
from pipelines.publish import published_key, published_table
from pipelines.quality import validate_frame
from pipelines.resources import HttpSource, PipelineSettings, SnapshotStore
from pipelines.schemas import table

ARENA = load_sources()[lb.ARENA_SOURCE]
LIVEBENCH = load_sources()[lb.LIVEBENCH_SOURCE]
arena_partitions = DynamicPartitionsDefinition(name="arena_versions")
ARENA_SCORES_KEY = published_key("arena_scores")


# --- discovery -----------------------------------------------------------------------------

def collect_arena_listing(source: dict, mode: str, store: SnapshotStore,
                          http: HttpSource | None):
    """Snapshot every page of the arena commits listing (live) or read the stored pages
    (offline). Returns ``(status rows, records, pages)`` with ``pages`` the decoded JSON
    pages in order: the pages read before a failure (none when the first page has neither
    a good answer nor a stored snapshot), the failure in the status rows."""
    statuses: list[RequestStatus] = []
    records, page_no = [], [0]
    session = http.session() if (mode == "live" and http is not None) else None

    def fetch(url: str):
        page_no[0] += 1
        stream = f"{source['id']}/commits-page-{page_no[0]}"
        expect = "json_array_nonempty" if page_no[0] == 1 else "json_array"
        row, rec = fetch_stream(source, stream, url, mode, store, http, session,
                                expect=expect)
        statuses.append(row)
        if rec is None:
            raise lb.VersionListingError(f"{source['id']}: page {page_no[0]} ({url}) "
                                         f"unavailable: {row.error}")
        records.append(rec)
        return json.loads(store.read(rec)), rec.extra.get("link")

    pages: list[list] = []
    try:
        for page in lb.iter_pages(fetch, source["url"]):
            pages.append(page)
    except (lb.VersionListingError, json.JSONDecodeError) as exc:
        # keep the pages read so far: a partial listing (the newest versions) is better
        # than none; the failed page is in the status rows
        if statuses and statuses[-1].status != "failed" and statuses[-1].sha256:
            statuses[-1].status, statuses[-1].error = "failed", str(exc)
    finally:
        if session is not None:
            session.close()
    return statuses, records, pages


def collect_livebench(source: dict, mode: str, store: SnapshotStore, http: HttpSource | None):
    """Snapshot the LiveBench ``public/`` listing and every release's table and categories
    file. Returns ``(status rows, records, releases)``; ``releases`` is the frame of
    :func:`assets.leaderboards.livebench_releases` (empty when the listing is unavailable)."""
    session = http.session() if (mode == "live" and http is not None) else None
    try:
        row, rec = fetch_stream(source, f"{source['id']}/listing", source["url"], mode, store,
                                http, session, expect="json_array_nonempty")
        statuses, records = [row], [rec] if rec else []
        if rec is None:
            return statuses, records, pd.DataFrame(columns=["release", "table_url",
                                                            "categories_url"])
        releases = lb.livebench_releases(store.read(rec))
        for r in releases.itertuples():
            for url in (r.table_url, r.categories_url):
                if not isinstance(url, str) or not url or url == "None":
                    continue
                name = url.rsplit("/", 1)[-1]
                row, frec = fetch_stream(source, f"{source['id']}/{name}", url, mode, store,
                                         http, session,
                                         expect="csv" if name.endswith(".csv") else "json")
                statuses.append(row)
                if frec is not None:
                    records.append(frec)
        return statuses, records, releases
    finally:
        if session is not None:
            session.close()


def arena_file_statuses(pages: list[list], mode: str, store: SnapshotStore) -> list[RequestStatus]:
    """Status rows for the arena versions whose CSV is already stored: pinned to a commit,
    the file cannot change, so no request is made (``unchanged`` live, ``offline``
    otherwise). Versions without a stored CSV are fetched by their partition run."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = []
    versions = lb.arena_versions(pages) if pages else pd.DataFrame(columns=["sha"])
    for sha in versions["sha"]:
        rec = store.latest(f"{ARENA['id']}/csv/{sha}")
        if rec is not None:
            rows.append(RequestStatus(
                source_id=ARENA["id"], stream=rec.stream, url=lb.arena_csv_url(sha),
                mode=mode, status="unchanged" if mode == "live" else "offline",
                http_status=None, sha256=rec.sha256, bytes=rec.bytes,
                snapshot_retrieved_at=rec.retrieved_at,
                error=None, checked_at=now))
    return rows


def _collect_arena(source, mode, store, http):
    statuses, records, pages = collect_arena_listing(source, mode, store, http)
    return statuses + arena_file_statuses(pages, mode, store), records


lmarena_snapshot = make_snapshot_asset(ARENA, collect=_collect_arena)
livebench_snapshot = make_snapshot_asset(
    LIVEBENCH, collect=lambda s, m, st, h: collect_livebench(s, m, st, h)[:2])


def stored_arena_versions(store: SnapshotStore) -> pd.DataFrame:
    """The versions of the newest stored listing pages (offline read, no request)."""
    _, _, pages = collect_arena_listing(ARENA, "offline", store, None)
    return lb.arena_versions(pages)


@published_table("arena_versions", deps=[snapshot_key(ARENA["id"])])
def arena_versions(context: AssetExecutionContext) -> pd.DataFrame:
    """One row per arena version, from the stored commits listing."""
    store = context.resources.settings.snapshots()
    versions = stored_arena_versions(store)
    if versions.empty:
        versions = table("arena_versions").empty_frame()
        versions.attrs["no_source"] = "no stored commits listing of csv/lmsys.csv"
    versions.attrs[SOURCE_SNAPSHOTS_ATTR] = [
        {"stream": r.stream, "sha256": r.sha256, "url": r.url}
        for r in _records(store, ARENA["id"], "commits-page-")]
    return versions


def _records(store: SnapshotStore, source_id: str, prefix: str):
    base = store.root / source_id
    out = []
    for d in sorted(base.glob(f"{prefix}*")) if base.exists() else []:
        rec = store.latest(f"{source_id}/{d.name}")
        if rec is not None:
            out.append(rec)
    return out


# --- partitions ----------------------------------------------------------------------------

def history_path(data_dir: Path, version: str) -> Path:
    """``<data_dir>/published/history/arena_scores/snapshot_date=<version>/part-0.parquet``."""
    return (data_dir / "published" / "history" / "arena_scores"
            / f"snapshot_date={version}" / "part-0.parquet")


def read_arena_history(data_dir: Path) -> pd.DataFrame:
    """Every stored arena partition, with ``snapshot_date`` (``datetime.date``) first; the
    columns of ``arena_scores_latest``. Empty (those columns) when there is no history."""
    root = data_dir / "published" / "history" / "arena_scores"
    files = sorted(root.glob("snapshot_date=*/part-0.parquet")) if root.exists() else []
    if not files:
        return table("arena_scores_latest").empty_frame()
    parts = {f.parent.name.split("=", 1)[1]: ds.dataset(f).to_table().to_pandas()
             for f in files}
    return lb.arena_history(parts)


@asset(
    key=ARENA_SCORES_KEY,
    group_name="leaderboards",
    partitions_def=arena_partitions,
    deps=[published_key("arena_versions")],
    required_resource_keys={"settings", "http"},
    description=f"{table('arena_scores').title}. {table('arena_scores').description}",
    check_specs=[AssetCheckSpec(name="expectation_suite", asset=ARENA_SCORES_KEY,
                                description="GX suite expectations/arena_scores.json")],
    output_required=False,
    kinds={"pandas", "parquet"},
    code_version="1",
)
def arena_scores(context: AssetExecutionContext):
    """Fetch, parse, validate and write one arena version (the partition key)."""
    version = context.partition_key
    settings = context.resources.settings
    data_dir = settings.effective_data_dir()
    store = settings.snapshots()
    versions = stored_arena_versions(store)
    row = versions[versions["version"] == version]
    if row.empty:
        raise ValueError(f"arena version {version}: not in the stored commits listing "
                         f"({len(versions)} versions known); run discovery first")
    sha = row["sha"].iloc[0]
    url = lb.arena_csv_url(sha)
    mode = settings.effective_mode()
    status, rec = fetch_stream(ARENA, f"{ARENA['id']}/csv/{sha}", url, mode, store,
                               context.resources.http, refetch=False, expect="csv")
    write_status(settings.status_dir(), f"{ARENA['id']}/versions/{version}", [status])
    if rec is None:
        context.log.warning(f"arena version {version} (commit {sha}): file not available "
                            f"({status.error}); recorded in source_status and skipped")
        yield AssetCheckResult(
            check_name="expectation_suite", asset_key=ARENA_SCORES_KEY, passed=False,
            severity=AssetCheckSeverity.WARN,
            metadata={"skipped": f"version {version}: file not available: {status.error}"})
        return
    body = store.read(rec)
    df = lb.parse_arena_csv(body, version, sha)
    result = validate_frame(df, "arena_scores")
    yield AssetCheckResult(
        check_name="expectation_suite", asset_key=ARENA_SCORES_KEY, passed=result.passed,
        severity=AssetCheckSeverity.ERROR if result.critical_failed else AssetCheckSeverity.WARN,
        metadata={"failures": MetadataValue.json([o.describe() for o in result.failed]),
                  "summary": MetadataValue.md(result.summary_markdown())})
    if not result.passed:
        raise ValueError(
            f"arena version {version} (commit {sha}): expectation suite arena_scores failed, "
            "not written: " + "; ".join(o.describe() for o in result.critical_failed))
    df.attrs[SOURCE_SNAPSHOTS_ATTR] = [{"stream": rec.stream, "sha256": rec.sha256,
                                        "url": rec.url}]
    path = history_path(data_dir, version)
    write_parquet(df, table("arena_scores"), path)
    yield MaterializeResult(
        asset_key=ARENA_SCORES_KEY,
        data_version=DataVersion(rec.sha256),
        metadata={"dagster/row_count": len(df), "commit": sha,
                  "path": MetadataValue.path(str(path)),
                  "layout": lb.detect_arena_layout(_header(body), version)},
    )


def _header(body: bytes) -> list[str]:
    first = body.decode("utf-8-sig").splitlines()[0] if body else ""
    return next(csv.reader([first]), [])


@published_table("arena_scores_latest", deps=[ARENA_SCORES_KEY])
def arena_scores_latest(context: AssetExecutionContext) -> pd.DataFrame:
    """The newest arena version, with its date."""
    history = read_arena_history(context.resources.settings.effective_data_dir())
    if history.empty:
        history.attrs["no_source"] = "no arena partition materialized yet"
        return history
    return lb.arena_scores_latest(history)


@published_table("arena_rank_changes", deps=[ARENA_SCORES_KEY])
def arena_rank_changes(context: AssetExecutionContext) -> pd.DataFrame:
    """Rank and score changes between consecutive arena versions."""
    history = read_arena_history(context.resources.settings.effective_data_dir())
    if history["snapshot_date"].nunique() < 2:
        out = table("arena_rank_changes").empty_frame()
        out.attrs["no_source"] = "fewer than two arena versions materialized"
        return out
    return lb.arena_rank_changes(history)


# --- LiveBench -----------------------------------------------------------------------------

def stored_livebench(store: SnapshotStore) -> pd.DataFrame:
    """``livebench_scores`` for every release whose table and categories file are stored."""
    _, _, releases = collect_livebench(LIVEBENCH, "offline", store, None)
    frames = []
    for r in releases.itertuples():
        files = []
        for url in (r.table_url, r.categories_url):
            rec = (store.latest(f"{LIVEBENCH['id']}/{url.rsplit('/', 1)[-1]}")
                   if isinstance(url, str) and url not in ("", "None") else None)
            files.append(rec)
        if all(files):
            frames.append(lb.parse_livebench(store.read(files[0]), store.read(files[1]),
                                             r.release))
    if not frames:
        out = table("livebench_scores").empty_frame()
        out.attrs["no_source"] = "no stored LiveBench release"
        return out
    return pd.concat(frames, ignore_index=True)


@published_table("livebench_scores", deps=[snapshot_key(LIVEBENCH["id"])])
def livebench_scores(context: AssetExecutionContext) -> pd.DataFrame:
    """Task scores of every LiveBench release."""
    return stored_livebench(context.resources.settings.snapshots())


@published_table("livebench_summary", ins=["livebench_scores"])
def livebench_summary(context: AssetExecutionContext, livebench_scores: pd.DataFrame):
    """Category means and the global mean per release and model (the site's rule)."""
    if livebench_scores.empty:
        out = table("livebench_summary").empty_frame()
        out.attrs["no_source"] = "no LiveBench scores"
        return out
    return lb.livebench_summary(livebench_scores)


# --- sensor --------------------------------------------------------------------------------

def new_arena_versions(versions: pd.DataFrame, existing: set[str]) -> list[str]:
    """Version keys in ``versions`` that are not partitions yet, oldest first."""
    return sorted(set(versions["version"]) - existing)


@sensor(
    name="arena_versions_sensor",
    asset_selection=[ARENA_SCORES_KEY],
    minimum_interval_seconds=6 * 3600,
    default_status=DefaultSensorStatus.RUNNING,
    description="Lists the arena CSV's versions upstream (live), adds new partition keys and "
                "requests one run for each new version.",
)
def arena_versions_sensor(context: SensorEvaluationContext, settings: PipelineSettings,
                          http: HttpSource):
    store = settings.snapshots()
    statuses, _, pages = collect_arena_listing(ARENA, "live", store, http)
    write_status(settings.status_dir(), ARENA["id"], statuses)
    if not pages:
        return SkipReason(f"arena listing unavailable: {statuses[-1].error if statuses else ''}")
    versions = lb.arena_versions(pages)
    existing = set(context.instance.get_dynamic_partitions(arena_partitions.name))
    new = new_arena_versions(versions, existing)
    if not new:
        return SkipReason(f"no new arena version ({len(versions)} known)")
    return SensorResult(
        run_requests=[RunRequest(partition_key=k, run_key=f"arena-{k}",
                                 run_config={"resources": {"settings": {"config": {
                                     "mode": "live"}}}}) for k in new],
        dynamic_partitions_requests=[arena_partitions.build_add_request(new)],
    )


SNAPSHOT_ASSETS = [lmarena_snapshot, livebench_snapshot]
PUBLISHED_ASSETS = [arena_versions, arena_scores_latest, arena_rank_changes, livebench_scores,
                    livebench_summary]
PARTITIONED_ASSETS = [arena_scores]
SENSORS = [arena_versions_sensor]
