"""Command line: ``python -m pipelines.cli run`` brings every asset up to date.

Runs in process, without the Dagster daemon, on the instance of ``DAGSTER_HOME`` (the
Makefile sets it to ``./dagster_home``, so runs show in ``make ui``). The mode comes from
``AI_NUMBERS_MODE`` (``offline`` by default, ``live`` to fetch first); the console shows
Dagster's log from ``AI_NUMBERS_LOG_LEVEL`` up (default ``WARNING``; every event is kept
in the instance either way). Prints the source status and the claims' verdicts. Exit
codes: 0 done; 1 a run failed (the tables printed are then the last good ones); 2 bad
settings; 3 a live run where every source request failed (nothing was refreshed); 130
interrupted (SIGINT or SIGTERM: the current job stops, no further job starts).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from dagster import DagsterInstance

from pipelines.settings import SettingsError, env_data_dir, env_mirror, env_mode

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _instance() -> DagsterInstance:
    try:
        return DagsterInstance.get()
    except Exception as exc:  # DAGSTER_HOME unset or unusable: keep the run in memory
        print(f"ai-numbers: DAGSTER_HOME={os.environ.get('DAGSTER_HOME', '')!r} is not usable "
              f"({type(exc).__name__}); runs are kept in memory only and will not show in "
              "the UI, and partitions are not remembered", file=sys.stderr)
        return DagsterInstance.ephemeral()


def check_settings() -> tuple[str, Path, str]:
    """Mode, data dir and log level from the environment, checked before any run.

    Raises:
        SettingsError: a bad mode, mirror URL or log level, or a data dir that cannot be
        created or written (names the variable and the value).
    """
    mode = env_mode()
    env_mirror()
    level = os.environ.get("AI_NUMBERS_LOG_LEVEL", "WARNING").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"AI_NUMBERS_LOG_LEVEL={level!r}: expected one of {LOG_LEVELS}")
    data_dir = Path(env_data_dir())
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SettingsError(f"AI_NUMBERS_DATA_DIR={str(data_dir)!r}: cannot write there "
                            f"({exc.strerror or exc})") from exc
    return mode, data_dir, level


def run() -> int:
    """Bring every asset up to date in process; returns the process exit code."""
    try:
        mode, data_dir, level = check_settings()
    except SettingsError as exc:
        print(f"ai-numbers: bad setting: {exc}", file=sys.stderr)
        return 2
    print(f"ai-numbers: mode {mode}, data dir {data_dir}")
    started = pd.Timestamp.now(tz="UTC").floor("s")
    stop = threading.Event()
    summary = _update_all(level, stop)
    published = data_dir / "published"
    if not summary.success:
        print("\nThis run did not complete: the tables below are the last good ones, not "
              "necessarily this run's.")
    all_failed = _print_tables(published, mode, started)
    return _exit_code(summary, stop, published, all_failed)


def _update_all(level: str, stop: threading.Event):
    """Run every job (:func:`pipelines.runner.update_all`) with SIGINT and SIGTERM setting
    ``stop`` and interrupting the job running now; returns the runner's summary."""
    from pipelines.runner import update_all

    def on_signal(signum, frame):
        stop.set()
        raise KeyboardInterrupt  # interrupts the job running now

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    config = {"loggers": {"console": {"config": {"log_level": level}}}}
    try:
        with _instance() as instance:
            return update_all(instance, run_config=config, should_stop=stop.is_set)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


#: The published tables printed after a run, with the columns shown.
PRINTED_TABLES = (
    ("source_status", ["source_id", "stream", "status", "http_status", "error", "checked_at"]),
    ("article_claims", ["claim_id", "verdict", "evidence_value", "evidence_unit",
                        "checked_at"]),
)


def _print_tables(published: Path, mode: str, started: pd.Timestamp) -> bool:
    """Print the source status and the claims' verdicts; returns True when this is a live
    run where every source request made since ``started`` failed."""
    all_failed = False
    for name, cols in PRINTED_TABLES:
        try:
            df = pq.read_table(published / f"{name}.parquet", columns=cols).to_pandas()
        except FileNotFoundError:
            print(f"\n{name}: not published")
            continue
        print(f"\n{name} ({len(df)} rows):")
        print(df.to_string(index=False, max_colwidth=60))
        if name == "source_status":
            all_failed = _every_request_failed(df, mode, started)
            _note_failed_sources(df)
    return all_failed


def _every_request_failed(status: pd.DataFrame, mode: str, started: pd.Timestamp) -> bool:
    # requests this invocation made (pinned files reused without a request excluded)
    now = status[(status["checked_at"] >= started)
                 & (status["http_status"].notna() | (status["status"] == "failed"))]
    return mode == "live" and len(now) > 0 and bool((now["status"] == "failed").all())


def _note_failed_sources(status: pd.DataFrame) -> None:
    if (status["status"] == "failed").any():
        failed = status[status["status"] == "failed"]
        print(f"NOTE: {len(failed)} source request(s) failed "
              f"({', '.join(sorted(set(failed['source_id'])))}): their last good snapshot, "
              "if any, was used; see the error column.")


def _exit_code(summary, stop: threading.Event, published: Path, all_failed: bool) -> int:
    """Print the run's outcome; returns 130 interrupted, 1 a run failed, 3 a live run where
    every source request failed, else 0."""
    if stop.is_set() or summary.interrupted:
        print(f"\ninterrupted after {len(summary.runs)} run(s)", file=sys.stderr)
        return 130
    state = "success" if summary.success else "FAILED: " + ", ".join(summary.failed)
    print(f"\n{len(summary.runs)} run(s): {state}; tables in {published}; report in "
          f"{published}/report/report.html")
    if not summary.success:
        return 1
    if all_failed:
        print("ai-numbers: every source request of this live run failed: nothing was "
              "refreshed", file=sys.stderr)
        return 3
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="bring every asset up to date (discover, partitions, publish)")
    parser.parse_args(argv)
    return run()


if __name__ == "__main__":
    sys.exit(main())
