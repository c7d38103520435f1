"""Command line: ``python -m pipelines.cli run`` brings every asset up to date.

Runs in process, without the Dagster daemon, on the instance of ``DAGSTER_HOME`` (the
Makefile sets it to ``./dagster_home``, so runs show in ``make ui``). The mode comes from
``AI_NUMBERS_MODE`` (``offline`` by default, ``live`` to fetch first); the console shows
Dagster's log from ``AI_NUMBERS_LOG_LEVEL`` up (default ``WARNING``; every event is kept
in the instance either way). Prints the source
status and the claims' verdicts; exits 1 when the run failed.
"""
from __future__ import annotations

import argparse
import os
import sys

import pyarrow.parquet as pq
from dagster import DagsterInstance

from pipelines.resources import env_data_dir, env_mode


def _instance() -> DagsterInstance:
    try:
        return DagsterInstance.get()
    except Exception:  # DAGSTER_HOME unset or unusable: keep the run in memory
        return DagsterInstance.ephemeral()


def run() -> int:
    """Bring every asset up to date in process; returns the process exit code."""
    from pipelines.runner import update_all

    mode = env_mode()
    data_dir = env_data_dir()
    print(f"ai-numbers: mode {mode}, data dir {data_dir}")
    level = os.environ.get("AI_NUMBERS_LOG_LEVEL", "WARNING").upper()
    config = {"loggers": {"console": {"config": {"log_level": level}}}}
    with _instance() as instance:
        summary = update_all(instance, run_config=config)
    published = f"{data_dir}/published"
    for name, cols in (("source_status", ["source_id", "stream", "status", "http_status", "error"]),
                       ("article_claims", ["claim_id", "verdict", "evidence_value", "evidence_unit"])):
        try:
            df = pq.read_table(f"{published}/{name}.parquet", columns=cols).to_pandas()
        except FileNotFoundError:
            print(f"\n{name}: not published")
            continue
        print(f"\n{name} ({len(df)} rows):")
        print(df.to_string(index=False, max_colwidth=60))
    state = "success" if summary.success else "FAILED: " + ", ".join(summary.failed)
    print(f"\n{len(summary.runs)} run(s): {state}; tables in {published}; report in "
          f"{published}/report/report.html")
    return 0 if summary.success else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="bring every asset up to date (discover, partitions, publish)")
    parser.parse_args(argv)
    return run()


if __name__ == "__main__":
    sys.exit(main())
