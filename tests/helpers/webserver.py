"""``dagster-webserver`` over the project's workspace and a temporary instance, on loopback,
for the tests of the Dagster UI (GraphQL in tests/integration, the browser in tests/browser)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.helpers import PROJECT


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dagster_webserver(home: Path, timeout: float = 120, dagster_yaml: str | None = None,
                      env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``dagster-webserver -w workspace.yaml`` on 127.0.0.1 and a free port with
    ``DAGSTER_HOME=home`` (its ``dagster.yaml``: ``dagster_yaml``, else a SQLite instance with
    telemetry off; the data dir is ``home`` too; ``env`` added to the environment, e.g. the
    ``DAGSTER_PG_*`` of ``deploy/dagster.yaml``) and yield its base URL
    (``http://127.0.0.1:PORT``) once ``/server_info`` answers. The server's output goes to
    ``home/webserver.log``; the process group is stopped on exit.

    Raises AssertionError (with the log's tail) when it does not answer within ``timeout``
    seconds."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(dagster_yaml or "telemetry:\n  enabled: false\n")
    port = free_port()
    env = {**os.environ, **(env or {}), "DAGSTER_HOME": str(home),
           "AI_NUMBERS_DATA_DIR": str(home)}
    exe = Path(sys.executable).with_name("dagster-webserver")
    log = home / "webserver.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(exe), "-w", "workspace.yaml", "-h", "127.0.0.1",
                                 "-p", str(port)], cwd=PROJECT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{base}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise AssertionError(f"dagster-webserver did not answer /server_info within "
                                     f"{timeout:.0f} s (exit code {proc.poll()}):\n{tail}")
            time.sleep(0.5)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
