"""What each fresh benchmark process does (``python -m tools.bench --child KIND ...``).

Every child prints one JSON line (:func:`tools.bench.measure.emit`): ``seconds`` of the
measured part and the process's ``peak_rss_mb``, plus counts where the figure has them.
"""
from __future__ import annotations

import sys
import time


def startup(which: str) -> dict:
    """``defs``: ``import pipelines.definitions``; ``floor``: ``import dagster, pandas,
    pyarrow``. Says whether Great Expectations was imported."""
    t0 = time.perf_counter()
    if which == "defs":
        import pipelines.definitions  # noqa: F401
    else:
        import dagster  # noqa: F401
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
    return {"seconds": time.perf_counter() - t0,
            "great_expectations_loaded": "great_expectations" in sys.modules}


def _materializations(instance, summary) -> dict:
    """``materialized``: materialization events of the update's runs (instance event log)
    other than the snapshot assets'; ``snapshots``: those of the snapshot assets (the fetch
    itself, which every update runs)."""
    from dagster import DagsterEventType

    keys = [e.dagster_event.asset_key.path[0] for _, _, res in summary.runs
            for e in instance.all_logs(res.run_id,
                                       of_type=DagsterEventType.ASSET_MATERIALIZATION)]
    return {"materialized": sum(k != "snapshot" for k in keys),
            "snapshots": sum(k == "snapshot" for k in keys)}


def update(which: str, data_dir: str, instance_dir: str, mode: str = "offline",
           mirror: str | None = None) -> dict:
    """One :func:`pipelines.runner.update_all` into ``data_dir`` on the SQLite instance in
    ``instance_dir`` (like ``make run`` with its own DAGSTER_HOME): ``real`` runs
    ``pipelines.definitions.defs``, ``floor`` its no-op copy (:mod:`tools.bench.floor`)
    through the same runner. Times the update only (both load the real definitions first),
    and within it the time inside GX validations and the charts
    (:func:`tools.bench.breakdown.timed_buckets`)."""
    from dagster import DagsterInstance

    import pipelines.definitions as definitions
    from pipelines.runner import resource_config, update_all

    if which == "floor":
        from tools.bench.floor import floor_definitions

        definitions.defs = floor_definitions(definitions.defs)
    instance = DagsterInstance.local_temp(tempdir=instance_dir)
    config = {**resource_config(data_dir=data_dir, mode=mode, mirror=mirror),
              "loggers": {"console": {"config": {"log_level": "WARNING"}}}}  # as make run
    from tools.bench.breakdown import timed_buckets

    with timed_buckets() as inside:  # the floor calls none of them: zeros
        t0 = time.perf_counter()
        summary = update_all(instance, run_config=config, log=lambda msg: None)
        seconds = time.perf_counter() - t0
    if not summary.success:
        raise SystemExit(f"{which} update failed: {summary.failed}")
    return {"seconds": seconds, **inside, "runs": len(summary.runs),
            "partitions": len(summary.materialized_partitions),
            "http_failed": {host: u["failed"] for host, u in summary.http_usage.items()
                            if u.get("failed")},
            **_materializations(instance, summary)}


def main(args: list[str]) -> dict:
    """Dispatch ``KIND ARGS...`` to the child functions above or :mod:`tools.bench.patents`."""
    kind, rest = args[0], args[1:]
    if kind == "startup":
        return startup(*rest)
    if kind == "update":
        return update(*rest)
    if kind == "patents":
        from tools.bench.patents import child

        return child(*rest)
    raise SystemExit(f"unknown bench child {kind!r}")
