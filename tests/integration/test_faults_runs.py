"""Runs that die or overlap, and secrets (issue #12): real processes (the ``ai-numbers``
console script, or ``python -c``), real Parquet files, real HTTP over loopback.

- A run killed by SIGKILL in the middle of writing a Parquet file leaves every published
  file old or new, and the next run recovers (its temporary files removed).
- Two live runs started at once on one data dir run one after the other (the data dir's
  update lock), every file readable, every snapshot body matching its record.
- Marker values in ``HF_TOKEN`` and ``GITHUB_TOKEN``, really sent to the mirror
  (``AI_NUMBERS_MIRROR_TOKENS=1``), appear in no file of the data dir or the Dagster
  instance, no event-log entry and no output of the runs.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dagster import DagsterInstance

from tests.helpers import PROJECT, run_pipeline, shared_path
from tools.replay import ReplayServer

BIN = Path(sys.executable).parent
HF_MARKER = "hf_MARKERb7e1c4secret0000000000000000"
GH_MARKER = "ghp_MARKER9d2a6fsecret000000000000000"

#: Run offline, but die by SIGKILL in the middle of the ``KILL_AT``-th Parquet write: the
#: write goes to its file, which is then cut to half its size, and the process kills itself.
KILLED_RUN = """
import os, signal, sys
from pathlib import Path
import pyarrow.parquet as pq
from dagster import DagsterInstance
from pipelines.runner import resource_config, update_all

real, calls = pq.write_table, []

def dying_write(table, where, *args, **kwargs):
    real(table, where, *args, **kwargs)
    calls.append(str(where))
    if len(calls) == int(os.environ["KILL_AT"]):
        size = os.path.getsize(where)
        with open(where, "r+b") as fh:
            fh.truncate(size // 2)
        Path(os.environ["KILLED_MARK"]).write_text(str(where))
        os.kill(os.getpid(), signal.SIGKILL)

pq.write_table = dying_write
update_all(DagsterInstance.ephemeral(),
           run_config=resource_config(data_dir=sys.argv[1], mode="offline"),
           log=lambda msg: None)
"""


def _published(data_dir: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (data_dir / "published").rglob("*.parquet")}


def test_a_run_killed_while_publishing_leaves_old_or_new_files_and_the_next_run_recovers(
        tmp_path, offline_run):
    data_dir = tmp_path / "data"
    shutil.copytree(offline_run[0], data_dir)
    old = _published(data_dir)
    mark = tmp_path / "killed-in"
    env = {**os.environ, "KILL_AT": "4", "KILLED_MARK": str(mark)}
    proc = subprocess.run([sys.executable, "-c", KILLED_RUN, str(data_dir)], env=env,
                          cwd=PROJECT, capture_output=True, timeout=900)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    half_written = Path(mark.read_text())
    assert half_written.exists()                      # the cut file is left behind...
    with pytest.raises(Exception):
        pq.read_table(half_written)                   # ...and is not Parquet
    after = _published(data_dir)
    assert set(after) == set(old)                     # no file lost, none half-added
    changed = [p for p in after if after[p] != old[p]]
    for path in after:                                # every file old or new, complete
        pq.read_table(path)
    assert half_written not in after and half_written.name.endswith(".tmp")
    assert len(changed) <= 3                          # the three writes before the kill

    summary = run_pipeline(data_dir)                  # the next run recovers
    assert summary.success, summary.failed
    for path in _published(data_dir):
        pq.read_table(path)
    assert not half_written.exists()                  # the dead run's temporary file swept
    assert not list((data_dir / "published").rglob(".*.tmp"))


# --- two live runs at once on one data dir, with marker tokens ---------------------------

def _env(tmp_path: Path, name: str, mirror: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AI_NUMBERS_")}
    home = tmp_path / f"dagster-{name}"
    home.mkdir()
    env.update(DAGSTER_HOME=str(home), AI_NUMBERS_DATA_DIR=str(tmp_path / "data"),
               AI_NUMBERS_UPSTREAM_MIRROR=mirror, AI_NUMBERS_MIRROR_TOKENS="1",
               AI_NUMBERS_LOG_LEVEL="DEBUG", HF_TOKEN=HF_MARKER, GITHUB_TOKEN=GH_MARKER,
               NO_COLOR="1", COLUMNS="200")
    return env


@pytest.fixture(scope="module")
def two_live_runs(tmp_path_factory):
    """Two ``ai-numbers run --mode live --verbose`` started together on one data dir (each
    with its own Dagster instance), against the replay of ../shared/upstream."""
    tmp = tmp_path_factory.mktemp("two-runs")
    out = tmp_path_factory.mktemp("two-runs-output")  # outside the grepped folder
    # output to files, not pipes: a run holding the lock must never block on a full pipe
    # while the test reads the other's
    logs = {name: (out / f"{name}.out").open("wb") for name in ("a", "b")}
    with ReplayServer(shared_path("upstream")) as replay:
        procs = {name: subprocess.Popen(
            [str(BIN / "ai-numbers"), "run", "--mode", "live", "--verbose"],
            env=_env(tmp, name, replay.url), cwd=tmp, stdout=logs[name],
            stderr=subprocess.STDOUT) for name in ("a", "b")}
        try:
            for p in procs.values():
                p.wait(timeout=1800)
        finally:
            for p in procs.values():
                if p.poll() is None:
                    p.kill()
            for fh in logs.values():
                fh.close()
        requests = list(replay.requests)
    outputs = {name: (out / f"{name}.out").read_bytes() for name in procs}
    return tmp, procs, outputs, requests


def _job_spans(home: Path) -> list[tuple[float, float]]:
    with DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_run_records()
        return [(r.start_time, r.end_time) for r in runs]


def test_two_runs_at_once_run_one_after_the_other_and_corrupt_nothing(two_live_runs):
    tmp, procs, outputs, _ = two_live_runs
    for name, proc in procs.items():
        assert proc.returncode == 0, outputs[name].decode()[-3000:]
    spans = {name: _job_spans(tmp / f"dagster-{name}") for name in procs}
    assert all(spans.values())
    first, second = sorted(spans.values(), key=lambda s: min(a for a, _ in s))
    # the data dir's lock: every job of one run ends before any job of the other starts
    assert max(end for _, end in first) <= min(start for start, _ in second)
    data = tmp / "data"
    for path in (data / "published").rglob("*.parquet"):
        pq.read_table(path)
    records = list((data / "snapshots").rglob("record.json"))
    assert records
    for rec_path in records:
        rec = json.loads(rec_path.read_text())
        body = (data / "snapshots" / rec["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == rec["sha256"] == rec_path.parent.name
        assert len(body) == rec["bytes"]
    assert not list(data.rglob(".*.tmp"))


def test_tokens_are_in_no_file_event_or_output(two_live_runs):
    tmp, procs, outputs, requests = two_live_runs
    sent = {h.get("Authorization", "") for _, h in requests}
    assert {f"Bearer {HF_MARKER}", f"Bearer {GH_MARKER}"} <= sent   # really sent
    markers = (HF_MARKER.encode(), GH_MARKER.encode())
    for name, out in outputs.items():
        assert not any(m in out for m in markers), f"run {name}'s output"
    for path in tmp.rglob("*"):                      # data dir, logs, status, instances
        if path.is_file():
            data = path.read_bytes()
            assert not any(m in data for m in markers), path
    for name in procs:
        with DagsterInstance.from_config(str(tmp / f"dagster-{name}")) as instance:
            runs = instance.get_run_records()
            assert runs
            for record in runs:
                assert not any(m.decode() in json.dumps(record.dagster_run.run_config)
                               for m in markers)
                for entry in instance.all_logs(record.dagster_run.run_id):
                    text = repr(entry)
                    assert HF_MARKER not in text and GH_MARKER not in text


# --- two runs at once launched as the daemon or UI launches them (no update lock) ---------

def test_two_daemon_style_runs_at_once_corrupt_nothing(tmp_path, upstream_replay):
    """Two ``refresh`` runs started at once on one SQLite instance and one data dir, each
    in its own process and not through ``ai-numbers run`` (so neither takes the update
    lock): they overlap, and the publish lock and atomic writes leave every file whole,
    the catalog describing the files as they are, and the snapshot store intact."""
    from tests.helpers.concurrent_runs import (
        data_dir_problems,
        run_env,
        run_ids,
        run_spans,
        two_runs_at_once,
    )

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    DagsterInstance.from_config(str(home)).dispose()  # storage created before both start
    data = tmp_path / "data"
    outputs = two_runs_at_once("refresh", run_env(home, data, upstream_replay.url),
                               tmp_path)
    for name, (code, text) in outputs.items():
        assert code == 0, f"run {name}: {text[-3000:]}"
    ids = run_ids(outputs)
    assert len(set(ids)) == 2
    with DagsterInstance.from_config(str(home)) as instance:
        (a0, a1), (b0, b1) = run_spans(instance, ids)
        assert {instance.get_run_by_id(i).status.value for i in ids} == {"SUCCESS"}
    assert a0 < b1 and b0 < a1, "the two runs did not overlap: the test proves nothing"
    assert data_dir_problems(data) == []
    assert (data / ".publish.lock").exists() and not (data / ".run.lock").exists()
