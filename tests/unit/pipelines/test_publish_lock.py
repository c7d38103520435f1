"""The publish lock (``<data_dir>/.publish.lock``, :func:`pipelines.runlock.publish_lock`):
runs launched by the Dagster daemon or UI do not take the update lock, so every writer into
``published/`` takes this one. Checked with a real second process holding the lock: the
Parquet IO manager's write and the catalog wait for it, a holder killed by SIGKILL frees it,
and a wait past the limit is refused naming the lock."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from dagster import AssetKey, build_output_context

import assets.models.tables  # noqa: F401  (registers the benchmark_results spec)
from pipelines.catalog import write_datapackage
from pipelines.io_managers import ParquetIOManager
from pipelines.runlock import PUBLISH_LOCK_FILE, RunLocked, publish_lock
from pipelines.tables import table
from tests.helpers import PROJECT

#: A second process: holds the publish lock of argv[1], says so (``held``), waits for
#: ``go``, writes ``released``, then releases the lock (by exiting the block).
HOLDER = """
import sys, time
from pathlib import Path
from pipelines.runlock import publish_lock
data, flags = Path(sys.argv[1]), Path(sys.argv[2])
with publish_lock(data):
    (flags / "held").write_text("1")
    while not (flags / "go").exists():
        time.sleep(0.02)
    (flags / "released").write_text("1")
"""


def _holder(data: Path, flags: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data), str(flags)],
                            cwd=PROJECT)
    deadline = time.monotonic() + 120
    while not (flags / "held").exists():
        assert proc.poll() is None, "the holder process died"
        assert time.monotonic() < deadline, "the holder never took the lock"
        time.sleep(0.02)
    return proc


def _wait_behind(holder: subprocess.Popen, flags: Path, write) -> bool:
    """Run ``write`` in a thread while ``holder`` holds the lock, then let the holder go;
    whether the holder had released the lock when ``write`` returned."""
    seen = {}

    def run():
        write()
        seen["released"] = (flags / "released").exists()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=1.0)  # time enough for an unguarded write to finish
    (flags / "go").write_text("1")
    thread.join(timeout=120)
    holder.wait(timeout=60)
    assert not thread.is_alive()
    return seen["released"]


def test_the_io_manager_writes_a_table_only_when_the_other_writer_is_done(tmp_path):
    data, flags = tmp_path / "data", tmp_path / "flags"
    flags.mkdir()
    holder = _holder(data, flags)
    manager = ParquetIOManager(base_path=str(data))
    context = build_output_context(asset_key=AssetKey(["published", "benchmark_results"]))
    frame = table("benchmark_results").empty_frame()
    assert _wait_behind(holder, flags, lambda: manager.handle_output(context, frame))
    assert (data / "published" / "benchmark_results.parquet").exists()


def test_the_catalog_hashes_and_writes_only_when_the_other_writer_is_done(tmp_path):
    data, flags = tmp_path / "data", tmp_path / "flags"
    flags.mkdir()
    (data / "published").mkdir(parents=True)
    holder = _holder(data, flags)
    assert _wait_behind(holder, flags, lambda: write_datapackage(data / "published", {}))
    assert (data / "published" / "datapackage.json").exists()


def test_a_holder_killed_by_sigkill_frees_the_lock_and_a_long_wait_is_refused(tmp_path):
    data, flags = tmp_path / "data", tmp_path / "flags"
    flags.mkdir()
    holder = _holder(data, flags)
    with pytest.raises(RunLocked, match=PUBLISH_LOCK_FILE.replace(".", r"\.")):
        with publish_lock(data, timeout=0.2):
            pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=60)
    with publish_lock(data, timeout=30) as path:  # the kernel released it
        assert path == data / PUBLISH_LOCK_FILE


def test_the_lock_is_reentrant_in_one_process(tmp_path):
    with publish_lock(tmp_path, timeout=1):
        with publish_lock(tmp_path, timeout=1):
            pass
