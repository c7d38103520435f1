"""Bring everything up to date without the daemon: discovery, missing partitions, publish.

This is what ``ai-numbers run`` (``make run``, :mod:`pipelines.cli`) does: fetch every source
(the snapshot assets), run the stale assets of the ``discover`` job, register the versions
found as dynamic partitions of each partitioned history (``pipelines.definitions.HISTORIES``:
the arena, LiveBench), run the history's job for each version whose partition file is
missing (a re-run adds no partition and recomputes nothing), then the stale assets of
``publish``: an asset runs only when its code, an upstream data version or its file
changed (:mod:`pipelines.staleness`), so a refresh in which no source changed writes no
published file. Settings come from the environment (``AI_NUMBERS_*``). The HTTP requests
of the update are counted per upstream host (:mod:`pipelines.ratelimit`): in
``RunSummary.http_usage`` and ``<data_dir>/status/http_usage.json``.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from dagster import DagsterInstance

from pipelines.io_managers import migrate_partitions
from pipelines.ratelimit import USAGE
from pipelines.runlock import run_lock
from pipelines.settings import env_data_dir
from pipelines.snapshots import atomic_write
from pipelines.staleness import stale_assets
from pipelines.store import data_root, read_parquet
from pipelines.tables import table


@dataclass
class RunSummary:
    """The runs of one update: ``runs`` holds ``(job, partition key, result)``; ``failed``
    lists the jobs (and partitions) that did not succeed."""

    runs: list[tuple[str, str | None, object]] = field(default_factory=list)
    interrupted: bool = False
    new_partitions: list[str] = field(default_factory=list)
    materialized_partitions: list[str] = field(default_factory=list)
    #: History table -> number of versions known after discovery.
    versions: dict[str, int] = field(default_factory=dict)
    #: History table -> number of those versions new in this update.
    new_versions: dict[str, int] = field(default_factory=dict)
    #: Upstream host -> the update's requests (answers, 304s, body bytes, failed, deferred,
    #: last rate-limit budget seen): :class:`pipelines.ratelimit.HostUsage` as a dict.
    http_usage: dict[str, dict] = field(default_factory=dict)
    #: Assets rebuilt (key ``published/<name>``) -> why (:mod:`pipelines.staleness`).
    rebuilt: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        """Jobs that failed, and jobs in which a table failed a critical expectation (the
        job itself goes on: the table keeps its last good file, downstream runs on it)."""
        return [f"{job}[{key}]" if key else job for job, key, res in self.runs
                if not res.success or _critical_failures(res)]

    @property
    def stale_tables(self) -> list[str]:
        """Published tables that failed a critical expectation in this update (their last
        good file is kept, marked stale)."""
        return sorted({t for _, _, res in self.runs for t in _critical_failures(res)})

    def results(self, job: str) -> list:
        """The ``ExecuteInProcessResult`` of every run of ``job``."""
        return [res for j, _, res in self.runs if j == job]

    @property
    def success(self) -> bool:
        return not self.failed

    def failed_checks(self) -> list[FailedCheck]:
        """Every asset check that failed in these runs (ERROR and WARN), read from the
        runs' ``ASSET_CHECK_EVALUATION`` events, in run order, each check once (its last
        evaluation)."""
        out: dict[tuple[str, str], FailedCheck] = {}
        for _, _, res in self.runs:
            for event in res.all_events:
                if event.event_type_value != "ASSET_CHECK_EVALUATION":
                    continue
                ev = event.event_specific_data
                key = ("/".join(ev.asset_key.path), ev.check_name)
                out.pop(key, None)
                if not ev.passed:
                    out[key] = FailedCheck(key[0], ev.check_name, ev.severity.value)
        return list(out.values())

    def write_log(self, instance: DagsterInstance, path: Path) -> Path:
        """Write every event of these runs (from ``instance``'s event log) to ``path``, one
        line each: UTC time, level, job, step, message. Returns ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            for job, key, res in self.runs:
                for entry in instance.all_logs(res.run_id):
                    when = pd.Timestamp(entry.timestamp, unit="s", tz="UTC")
                    level = logging.getLevelName(entry.level)
                    kind = entry.dagster_event_type or "LOG"
                    message = (entry.user_message or "").replace("\n", " | ")
                    out.write(f"{when:%Y-%m-%dT%H:%M:%S}Z {level:<7} {job}"
                              f"{f'[{key}]' if key else ''} {entry.step_key or '-'} "
                              f"{getattr(kind, 'value', kind)} {message}\n")
        return path


@dataclass(frozen=True)
class FailedCheck:
    """One failed asset check: ``asset`` (key path joined by ``/``), ``check`` (its name),
    ``severity`` (``ERROR`` or ``WARN``)."""

    asset: str
    check: str
    severity: str


def _critical_failures(result) -> list[str]:
    """Tables whose ``expectation_suite`` check failed with severity ERROR in a run."""
    out = []
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            ev = event.event_specific_data
            if not ev.passed and ev.severity.value == "ERROR":
                out.append(ev.asset_key.path[-1])
    return out


def _was_interrupted(result) -> bool:
    """Whether a run ended because the process was interrupted (SIGINT / SIGTERM)."""
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            err = event.event_specific_data.error
            if err is not None and "Interrupted" in (err.cls_name or ""):
                return True
    return False


def resource_config(data_dir: str | None = None, mode: str | None = None,
                    mirror: str | None = None, http: dict | None = None) -> dict:
    """Run config overriding the settings, HTTP and IO-manager resources (empty values
    keep the environment's)."""
    settings = {k: v for k, v in (("data_dir", data_dir), ("mode", mode)) if v}
    http_cfg = {**({"mirror": mirror} if mirror else {}), **(http or {})}
    resources = {}
    if settings:
        resources["settings"] = {"config": settings}
    if http_cfg:
        resources["http"] = {"config": http_cfg}
    if data_dir:
        resources["parquet_io"] = {"config": {"data_dir": data_dir}}
    return {"resources": resources} if resources else {}


def update_all(instance: DagsterInstance, run_config: dict | None = None,
               log=print, should_stop=lambda: False, rebuild: bool = False) -> RunSummary:
    """Bring everything up to date on ``instance``, holding the data dir's update lock
    (:func:`pipelines.runlock.run_lock`: a second update of the same data dir waits for this
    one; the temporary files of a killed run are removed).

    Runs, one after another: ``fetch`` (every snapshot asset: fetch, or look up offline),
    the stale assets of ``discover`` (the versions tables), the missing partitions of each
    history, then the stale assets of ``publish`` (:func:`pipelines.staleness.stale_assets`:
    only assets whose code, upstream data version or output file changed). When no source
    changed, nothing after ``fetch`` runs and no published file is written; ``rebuild``
    runs every asset of ``discover`` and ``publish`` anyway (the missing partitions only).

    ``run_config`` (see :func:`resource_config`) overrides the environment's settings;
    when ``should_stop()`` turns true (an interrupt), no further job is started.

    Raises:
        pipelines.runlock.RunLocked: another update held the lock longer than
            ``AI_NUMBERS_LOCK_WAIT_SECONDS``.
    """
    from pipelines.definitions import HISTORIES, defs

    summary = RunSummary()
    run_config = run_config or {}
    data_dir = data_root(run_config.get("resources", {}).get("settings", {}).get("config", {})
                         .get("data_dir") or env_data_dir())
    graph = defs.resolve_asset_graph()

    def execute(job: str, partition_key: str | None = None, step: str = "",
                selection: list | None = None) -> bool:
        if should_stop() or summary.interrupted:
            return False
        log(step or f"running {job}")
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, partition_key=partition_key, run_config=run_config,
            raise_on_error=False, asset_selection=selection)
        summary.runs.append((job, partition_key, result))
        if _was_interrupted(result):
            summary.interrupted = True
        if not result.success:
            log(f"job {job}{f' [{partition_key}]' if partition_key else ''} failed "
                f"(run {result.run_id})")
        return result.success

    def execute_stale(job: str, step: str) -> None:
        keys = [k for k in defs.resolve_job_def(job).asset_layer.executable_asset_keys
                if k.path[0] != "snapshot" and not graph.get(k).is_partitioned]
        stale = ({k: "rebuild asked for" for k in keys} if rebuild
                 else stale_assets(instance, graph, keys))
        summary.rebuilt.update({k.to_user_string(): why for k, why in stale.items()})
        if not stale:
            log(f"{job}: nothing changed upstream, {len(keys)} asset(s) left as they are")
            return
        log(f"{job}: {len(stale)} of {len(keys)} asset(s) to rebuild")
        execute(job, step=step, selection=sorted(stale, key=lambda k: k.to_user_string()))

    with run_lock(data_dir, log=log):  # one update per data dir at a time
        before = USAGE.snapshot()
        try:
            execute("fetch", step="fetching every source (or its newest local snapshot)")
            execute_stale("discover", "listing the leaderboard versions (arena and LiveBench)")
            for history in HISTORIES:
                _complete_history(history, data_dir, instance, summary, execute, should_stop,
                                  log)
            execute_stale("publish", "building the tables whose inputs changed, the claims "
                                     "and the report")
            execute("freshness", step="checking each source's freshness (sources_fresh)")
        finally:
            summary.http_usage = USAGE.since(before)
            atomic_write(data_dir / "status" / HTTP_USAGE_FILE,
                         json.dumps(summary.http_usage, indent=1, sort_keys=True).encode())
    return summary


#: The requests of the latest update per upstream host, under ``<data_dir>/status``.
HTTP_USAGE_FILE = "http_usage.json"


def _complete_history(history, data_dir: Path, instance: DagsterInstance,
                      summary: RunSummary, execute, should_stop, log) -> None:
    """Add the new partition keys of ``history`` (from its published versions table) and
    run its job for every version whose partition file is missing."""
    versions_file = data_dir / "published" / f"{history.versions_table}.parquet"
    versions = (read_parquet(versions_file)[history.version_column].tolist()
                if versions_file.exists() else [])
    existing = set(instance.get_dynamic_partitions(history.partitions_def.name))
    new = sorted(set(versions) - existing)
    summary.new_partitions.extend(new)
    summary.versions[history.table] = len(versions)
    summary.new_versions[history.table] = len(new)
    if new:
        instance.add_dynamic_partitions(history.partitions_def.name, new)
    migrated = migrate_partitions(data_dir, table(history.table))
    if migrated:
        log(f"{history.table}: {len(migrated)} partition(s) written under an older spec "
            "migrated to the current one")
    missing = history.missing(data_dir, versions)
    log(f"{history.table}: {len(versions)} versions known, {len(new)} new partition(s), "
        f"{len(missing)} to materialize")
    for i, key in enumerate(missing, 1):
        if should_stop() or summary.interrupted:
            break
        if execute(history.job, key, step=f"{history.table}: version {key} "
                                          f"({i} of {len(missing)})"):
            summary.materialized_partitions.append(key)
