"""Command line: ``python -m pipelines.cli run`` materializes every asset (the ``main`` job).

Runs in process, without the Dagster daemon, on the instance of ``DAGSTER_HOME`` (the
Makefile sets it to ``./dagster_home``, so runs show in ``make ui``). The mode comes from
``AI_NUMBERS_MODE`` (``offline`` by default, ``live`` to fetch first). Prints the source
status and the claims' verdicts; exits 1 when the run failed.
"""
from __future__ import annotations

import argparse
import sys

import pyarrow.parquet as pq
from dagster import DagsterInstance

from pipelines.resources import env_data_dir, env_mode


def _instance() -> DagsterInstance:
    try:
        return DagsterInstance.get()
    except Exception:  # DAGSTER_HOME unset or unusable: keep the run in memory
        return DagsterInstance.ephemeral()


def run(job_name: str = "main") -> int:
    """Execute ``job_name`` in process; returns the process exit code."""
    from pipelines.definitions import defs

    mode = env_mode()
    data_dir = env_data_dir()
    print(f"ai-numbers: job {job_name!r}, mode {mode}, data dir {data_dir}")
    with _instance() as instance:
        result = defs.get_job_def(job_name).execute_in_process(
            instance=instance, raise_on_error=False)
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
    print(f"\nrun {result.run_id}: {'success' if result.success else 'FAILED'}; "
          f"tables in {published}")
    return 0 if result.success else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="materialize every asset")
    p_run.add_argument("--job", default="main", choices=["main", "refresh"])
    args = parser.parse_args(argv)
    return run(args.job)


if __name__ == "__main__":
    sys.exit(main())
