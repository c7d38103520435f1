"""The console script ``ai-numbers`` (installed by ``setup.py``; ``make run`` calls it).

- ``ai-numbers run [--mode auto|offline|live] [--verbose] [--rebuild]``: bring every asset
  up to date in process (:func:`pipelines.runner.update_all`), without the Dagster daemon,
  on the instance of ``DAGSTER_HOME`` (so runs show in ``make ui``): every source is
  fetched, and only the assets whose inputs or code changed are rebuilt (``--rebuild``:
  all of them). A progress display while it runs, then one line per source, the requests
  made per upstream host (calls, 304s, bytes, calls deferred by a rate limit), the stale
  sources (newest version older than the source's ``cadence_days``), the claims with
  their verdicts, the failed checks (ERROR and WARN)
  and where the tables, the report and the log file are. Dagster's log lines go to the
  instance and ``<data_dir>/logs/run-<UTC time>.log``; ``--verbose`` also shows them.
- ``ai-numbers claims [--json] [--fail-on-change]``: the published claims; with
  ``--fail-on-change``, exit code 4 when a verdict differs from the previous run's.
- ``ai-numbers sources [--json]``: the last run's source requests, stale sources listed
  (ages measured now; ``--json``: a ``stale`` flag per row).

The mode comes from ``--mode``, else ``AI_NUMBERS_MODE`` (default ``auto``). Exit codes of
``run``: 0 done; 1 a run failed (a table failed its critical checks; the tables are then
the last good ones), or another update of the data dir held its lock longer than
``AI_NUMBERS_LOCK_WAIT_SECONDS`` (a second update waits for the first); 2 bad settings; 3 a live run where every source request failed
(nothing was refreshed); 130 interrupted (SIGINT or SIGTERM: the current job stops, no
further job starts). ``claims`` and ``sources``: 0, 1 when the table is not published, 2
bad settings, 4 (``--fail-on-change``) a verdict changed.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click
import pandas as pd

from pipelines.console import (
    check_lines,
    claim_lines,
    emit,
    first_cause,
    http_lines,
    make_console,
    one_line,
    source_lines,
    stale_lines,
    stale_rows,
)
from pipelines.freshness import aged_now
from pipelines.runlock import RunLocked
from pipelines.settings import (
    MODES,
    SettingsError,
    check_writable,
    env_data_dir,
    env_mirror,
    env_mode,
)
from pipelines.store import data_root, is_url, read_parquet

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Verdicts of the claims table before the latest run, kept by ``run`` for ``claims``.
PREVIOUS_VERDICTS = "status/previous_verdicts.json"  # under the data dir (a Path or a URL)
EXIT_OK, EXIT_FAILED, EXIT_SETTINGS, EXIT_NOTHING_REFRESHED, EXIT_CHANGED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived: exit 130."""


def check_settings(mode: str | None = None) -> tuple[str, Path, str]:
    """Mode (``mode``, else ``AI_NUMBERS_MODE``), data dir and log level, checked before any run.

    Raises:
        SettingsError: a bad mode, mirror URL or log level, or a data dir that cannot be
        created or written (names the variable and the value).
    """
    mode = mode or env_mode()
    env_mirror()
    level = os.environ.get("AI_NUMBERS_LOG_LEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"AI_NUMBERS_LOG_LEVEL={level!r}: expected one of {LOG_LEVELS}")
    if is_url(env_data_dir()):  # object storage: its options, protocol, a probe object
        check_writable(env_data_dir())
        return mode, data_root(env_data_dir()), level
    data_dir = Path(env_data_dir())
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"AI_NUMBERS_DATA_DIR={str(data_dir)!r}: cannot write there "
                            f"({exc.strerror or exc})") from exc
    check_writable(data_dir)  # the data dir, and its snapshots/, status/ and published/
    return mode, data_dir, level


def _instance(err):
    from dagster import DagsterInstance
    try:
        return DagsterInstance.get()
    except Exception as exc:  # DAGSTER_HOME unset or unusable: keep the run in memory
        err.print(f"ai-numbers: DAGSTER_HOME={os.environ.get('DAGSTER_HOME', '')!r} is not "
                  f"usable ({type(exc).__name__}); runs are kept in memory only and will not "
                  "show in the UI, and partitions are not remembered")
        return DagsterInstance.ephemeral()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """ai-numbers: re-check the numbers of an article on Chinese and Western AI."""


@cli.command()
@click.option("--mode", type=click.Choice(MODES), default=None,
              help="auto (default: fetch, fall back to local snapshots), offline or live; "
                   "default AI_NUMBERS_MODE")
@click.option("--verbose", is_flag=True, help="also show Dagster's log lines")
@click.option("--rebuild", is_flag=True,
              help="rebuild every table even where no input and no code changed")
def run(mode: str | None, verbose: bool, rebuild: bool) -> int:
    """Fetch the sources and bring every table, the claims and the report up to date."""
    out, err = make_console(), make_console(stderr=True)
    try:
        mode, data_dir, level = check_settings(mode)
    except SettingsError as exc:
        err.print(f"ai-numbers: bad setting: {exc}", markup=False)
        return EXIT_SETTINGS
    with _stop_on_signals() as should_stop:
        out.print(f"ai-numbers run: mode {mode}, data dir {data_dir}", markup=False)
        _keep_verdicts(data_dir)
        started = pd.Timestamp.now(tz="UTC").floor("s")
        summary, log_file = _update_all(mode, level, verbose, data_dir, out, err, rebuild,
                                        should_stop)
    published = data_dir / "published"
    status = _current_status(data_dir)
    this_run = status[status["checked_at"] >= started] if status is not None else None
    _print_sources(out, this_run, summary)
    for line in http_lines(summary.http_usage) + stale_lines(status):
        emit(out, line)
    claims = _read(published / "article_claims.parquet")
    if claims is not None:
        out.print(f"Claims ({len(claims)}):")
        for line in claim_lines(claims):
            emit(out, line)
    for line in check_lines(summary.failed_checks()):
        emit(out, line)
    code = _exit_code(mode, summary, this_run)
    _print_outcome(out, err, code, summary, mode, this_run)
    out.print(f"Tables: {published}\nReport: {published / 'report' / 'report.html'}\n"
              f"Log:    {log_file}", markup=False, soft_wrap=True)
    return code


@contextmanager
def _stop_on_signals():
    """Inside the block, SIGINT and SIGTERM set a stop flag and raise KeyboardInterrupt
    (which interrupts the job running now); yields ``should_stop()``, true once either
    arrived. Dagster replaces the SIGINT handler while it executes a run (it captures
    interrupts, and drops one that arrives where it does not look), and an import may
    swallow a KeyboardInterrupt, so the signals are also read from a wakeup fd, written by
    the interpreter for every signal whichever handler runs. Installed before the command
    prints anything, so no signal after its first line is lost."""
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
        raise KeyboardInterrupt

    wakeup_r, wakeup_w = os.pipe()
    for fd in (wakeup_r, wakeup_w):
        os.set_blocking(fd, False)

    def should_stop() -> bool:
        try:
            arrived = os.read(wakeup_r, 512)
        except BlockingIOError:
            arrived = b""
        if signal.SIGINT in arrived or signal.SIGTERM in arrived:
            stop.set()
        return stop.is_set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    previous_wakeup = signal.set_wakeup_fd(wakeup_w)
    try:
        yield should_stop
    finally:
        signal.set_wakeup_fd(previous_wakeup)
        for s, handler in previous.items():
            signal.signal(s, handler)
        should_stop()
        os.close(wakeup_r)
        os.close(wakeup_w)


def _update_all(mode: str, level: str, verbose: bool, data_dir: Path, out, err,
                rebuild: bool = False, should_stop=lambda: False):
    """Run every job with a progress display (``rebuild``: every asset, not only the stale
    ones); once ``should_stop()`` (:func:`_stop_on_signals`) is true no other job starts.
    Returns the runner's summary and the log file written.

    Raises:
        Interrupted: a signal arrived (the job running then stopped, or finished).
    """
    from pipelines.runner import resource_config, update_all

    config = resource_config(mode=mode)
    config["loggers"] = {"console": {"config": {"log_level": level if verbose else "CRITICAL"}}}
    status = out.status("starting (loading the definitions)", spinner="dots")
    try:
        with status, _instance(err) as instance:
            summary = update_all(instance, run_config=config, should_stop=should_stop,
                                 log=lambda msg: status.update(one_line(msg, 100)),
                                 rebuild=rebuild)
            stamp = pd.Timestamp.now(tz="UTC").strftime("%Y%m%dT%H%M%SZ")
            log_file = summary.write_log(instance, data_dir / "logs" / f"run-{stamp}.log")
    except KeyboardInterrupt as exc:
        raise Interrupted() from exc
    if should_stop() or summary.interrupted:
        raise Interrupted()
    return summary, log_file


def _current_status(data_dir: Path) -> pd.DataFrame | None:
    """Every source's latest request rows (``source_status`` columns), read from
    ``<data_dir>/status``, where each run writes them: the published ``source_status``
    table is rebuilt only when a source's data changed. None when there are none."""
    from pipelines.definitions import SOURCES
    from pipelines.fetching import read_status

    df = read_status(data_dir / "status", SOURCES.values())
    return df if len(df) else None


def _print_sources(out, status: pd.DataFrame | None, summary) -> None:
    if status is None or status.empty:
        out.print("Sources: no request recorded in this run")
        return
    # files: every file each source tracks; requests: those asked of upstream in this run
    # (a file pinned to a commit is reused without one)
    out.print(f"Sources ({status['source_id'].nunique()}; {len(status)} files, "
              f"{len(_requests(status))} requests):")
    # "N versions, M new" on the arena's line: its own new versions, not every history's
    for line in source_lines(status, summary.versions,
                             summary.new_versions.get("arena_scores")):
        emit(out, line)


def _requests(status: pd.DataFrame | None) -> pd.DataFrame:
    """The rows of requests actually made (pinned files reused without a request excluded)."""
    if status is None:
        return pd.DataFrame(columns=["status", "error"])
    return status[status["http_status"].notna() | (status["status"] == "failed")]


def _exit_code(mode: str, summary, status: pd.DataFrame | None) -> int:
    """1 a run failed, 3 a live run where every request failed, else 0."""
    if not summary.success:
        return EXIT_FAILED
    made = _requests(status)
    if mode == "live" and len(made) and (made["status"] == "failed").all():
        return EXIT_NOTHING_REFRESHED
    return EXIT_OK


def _print_outcome(out, err, code: int, summary, mode: str, status) -> None:
    made = _requests(status)
    failed = made[made["status"] == "failed"]
    if code == EXIT_FAILED:
        err.print(f"FAILED: {', '.join(summary.failed)}: the tables of the failed run(s) are "
                  "the last good ones, not this run's (see the failed checks above)",
                  style="red", markup=False)
    elif code == EXIT_NOTHING_REFRESHED:
        err.print(f"ai-numbers: every source request of this live run failed "
                  f"({first_cause(failed['error'], 80)}): nothing was refreshed",
                  style="red", markup=False)
    elif len(failed):
        cause = first_cause(failed["error"], 80)
        what = "no source answered" if len(failed) == len(made) else \
            f"{len(failed)} of {len(made)} source requests failed"
        out.print(f"Fell back ({what}; {cause}): the newest local snapshot of each, else the "
                  "bundled reference figures, was used.", style="yellow", markup=False)
        out.print(f"Done: {len(summary.runs)} run(s) succeeded (mode {mode}).", style="green")
    else:
        out.print(f"Done: {len(summary.runs)} run(s) succeeded (mode {mode}).", style="green")


def _read(path: Path) -> pd.DataFrame | None:
    try:
        return read_parquet(path)
    except FileNotFoundError:
        return None


def _keep_verdicts(data_dir: Path) -> None:
    """Save the verdicts of the published claims (the previous run's) for ``claims
    --fail-on-change``."""
    claims = _read(data_dir / "published" / "article_claims.parquet")
    if claims is None:
        return
    path = data_dir / PREVIOUS_VERDICTS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(zip(claims["claim_id"], claims["verdict"])), indent=1))


def _table_or_exit(name: str, err) -> tuple[pd.DataFrame | None, Path]:
    """The published table ``name`` and the data dir; None (after saying so on ``err``)
    when it is not published yet."""
    data_dir = data_root(env_data_dir())
    df = _read(data_dir / "published" / f"{name}.parquet")
    if df is None:
        err.print(f"ai-numbers: {data_dir}/published/{name}.parquet is not published; run "
                  "`ai-numbers run` first", markup=False)
    return df, data_dir


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON (one object per claim)")
@click.option("--fail-on-change", is_flag=True,
              help="exit 4 when a verdict changed since the previous run")
def claims(as_json: bool, fail_on_change: bool) -> int:
    """The claims of the article with their verdicts (article_claims.parquet)."""
    out, err = make_console(), make_console(stderr=True)
    df, data_dir = _table_or_exit("article_claims", err)
    if df is None:
        return EXIT_FAILED
    if as_json:
        cols = ["claim_id", "verdict", "claim", "claimed_value", "evidence_value",
                "evidence_unit", "evidence_text", "explanation", "sources"]
        rows = json.loads(df[cols].to_json(orient="records"))
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
    else:
        for line in claim_lines(df):
            emit(out, line)
    if not fail_on_change:
        return EXIT_OK
    prev_path = data_dir / PREVIOUS_VERDICTS
    previous = json.loads(prev_path.read_text()) if prev_path.exists() else {}
    changed = [(cid, previous[cid], v) for cid, v in zip(df["claim_id"], df["verdict"])
               if cid in previous and previous[cid] != v]
    for cid, before, after in changed:
        err.print(f"verdict changed: {cid}: {before} -> {after}", markup=False)
    return EXIT_CHANGED if changed else EXIT_OK


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON (one object per request)")
def sources(as_json: bool) -> int:
    """The last run's source requests (source_status.parquet), stale sources listed."""
    out, err = make_console(), make_console(stderr=True)
    df, data_dir = _table_or_exit("source_status", err)
    if df is None:
        return EXIT_FAILED
    # the last run's rows (the table is rebuilt only when a source's data changed), ages now
    current = _current_status(data_dir)
    df = aged_now(current if current is not None else df)
    if as_json:
        df = df.assign(stale=stale_rows(df))
        click.echo(json.dumps(json.loads(df.to_json(orient="records", date_format="iso")),
                              indent=1))
        return EXIT_OK
    out.print(f"Sources ({df['source_id'].nunique()}; {len(df)} files, "
              f"{len(_requests(df))} requests):")
    for line in source_lines(df) + stale_lines(df):
        emit(out, line)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (see the module doc)."""
    try:
        code = cli.main(args=argv, prog_name="ai-numbers", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        return EXIT_SETTINGS
    except (Interrupted, KeyboardInterrupt, click.Abort):
        make_console(stderr=True).print("ai-numbers: interrupted")
        return EXIT_INTERRUPTED
    except SettingsError as exc:
        make_console(stderr=True).print(f"ai-numbers: bad setting: {exc}", markup=False)
        return EXIT_SETTINGS
    except RunLocked as exc:
        make_console(stderr=True).print(f"ai-numbers: {exc}", markup=False)
        return EXIT_FAILED
    return code if isinstance(code, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
