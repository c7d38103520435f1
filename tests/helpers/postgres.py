"""A throwaway PostgreSQL server from Debian's packages, on loopback, for the tests of the
deployment instance (``deploy/dagster.yaml``: run, event-log and schedule storage on
PostgreSQL through ``dagster-postgres``).

The server runs as a non-root user (PostgreSQL refuses to run as root): the current user when
it is not root, else the system user ``postgres`` that Debian's package creates (or
``ai-numbers-pg``, added with ``useradd`` when neither exists). Its data directory and socket
live in a temporary directory owned by that user; the server listens on 127.0.0.1 and a free
port only, and password authentication (scram-sha-256) is required.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.webserver import free_port

#: Where Debian's ``postgresql-NN`` packages put the server programs.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class PostgresServer:
    """Connection settings of a running server: ``host`` (127.0.0.1), ``port``, ``user``,
    ``password``, ``db`` (an empty database owned by ``user``)."""

    host: str
    port: int
    user: str
    password: str
    db: str

    def env(self) -> dict[str, str]:
        """The ``DAGSTER_PG_*`` variables ``deploy/dagster.yaml`` reads."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port),
                "DAGSTER_PG_USER": self.user, "DAGSTER_PG_PASSWORD": self.password,
                "DAGSTER_PG_DB": self.db}


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/NN/bin`` that has ``initdb`` and ``pg_ctl``, or None."""
    found = [Path(p) for p in glob.glob(PG_BIN_GLOB)
             if (Path(p) / "initdb").exists() and (Path(p) / "pg_ctl").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
               default=None)


def _server_user() -> str | None:
    """The user the server runs as: None (the current user) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "ai-numbers-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "ai-numbers-pg"], check=True, capture_output=True)
    return "ai-numbers-pg"


@contextmanager
def postgres_server(timeout: float = 60) -> Iterator[PostgresServer]:
    """Start ``initdb`` + ``pg_ctl start`` in a fresh temporary directory and yield the
    server's :class:`PostgresServer`; stop it (``pg_ctl stop -m fast``) and delete the
    directory on exit.

    Skips the test (pytest.skip, with the command that installs it) when Debian's PostgreSQL
    server is not installed. Raises subprocess.CalledProcessError (with the server log in
    the output) when initdb or the start fails."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip(f"PostgreSQL server not installed (no initdb/pg_ctl under {PG_BIN_GLOB}): "
                    "`apt-get install -y postgresql` (make test does it when run as root)")
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="ai-numbers-pg-"))
    if user:
        shutil.chown(root, user=user)
    data, log = root / "data", root / "server.log"
    password, db, port = "ai-numbers-test", "dagster", free_port()
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if user:
        shutil.chown(pwfile, user=user)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(a) for a in args], check=True, capture_output=True,
                              text=True, user=user, cwd=root)

    try:
        run(bin_dir / "initdb", "-D", data, "-U", "dagster", "--auth=scram-sha-256",
            f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C.UTF-8")
        opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
        try:
            run(bin_dir / "pg_ctl", "-D", data, "-l", log, "-o", opts, "-w",
                "-t", str(int(timeout)), "start")
        except subprocess.CalledProcessError as exc:
            exc.output = (exc.output or "") + (log.read_text() if log.exists() else "")
            raise
        env = {**os.environ, "PGPASSWORD": password}
        subprocess.run([str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "dagster",
                        "-d", "postgres", "-c", f"CREATE DATABASE {db}"],
                       check=True, capture_output=True, env=env)
        yield PostgresServer("127.0.0.1", port, "dagster", password, db)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                            "stop"], capture_output=True, user=user, cwd=root)
        shutil.rmtree(root, ignore_errors=True)
