"""Shared fixtures: a loopback replay server over ../shared/upstream, one full offline
materialization into a temporary data directory, a throwaway PostgreSQL server and S3
server (helpers are in ``tests/helpers``)."""
from __future__ import annotations

import pytest

from tests.helpers import run_pipeline, shared_path
from tests.helpers.postgres import postgres_server
from tests.helpers.s3 import s3_server
from tools.replay import ReplayServer


@pytest.fixture
def upstream_replay():
    """A replay server over ../shared/upstream (real upstream bytes) on loopback."""
    root = shared_path("upstream")
    with ReplayServer(root) as server:
        yield server


@pytest.fixture(scope="session")
def offline_run(tmp_path_factory):
    """One offline run of every asset into a fresh data directory: ``(data_dir, result)``."""
    data_dir = tmp_path_factory.mktemp("offline-data")
    result = run_pipeline(data_dir)
    return data_dir, result


@pytest.fixture
def postgres():
    """A PostgreSQL server of its own (Debian's packages, loopback, temporary directory, a
    non-root user), stopped and deleted after the test: a
    :class:`tests.helpers.postgres.PostgresServer`. Skips when PostgreSQL is not installed."""
    with postgres_server() as server:
        yield server


@pytest.fixture
def s3():
    """An S3 server of its own (moto, loopback, one empty bucket) and the environment that
    puts the data dir on it (``AI_NUMBERS_DATA_DIR=s3://...``): a
    :class:`tests.helpers.s3.S3Server`, stopped afterwards."""
    with s3_server() as server, pytest.MonkeyPatch.context() as mp:
        for name, value in server.environ().items():
            mp.setenv(name, value)
        yield server


@pytest.fixture(scope="module")
def s3_live_run():
    """One live run against the replay of ../shared/upstream with the data dir on an S3
    server of its own (moto): ``(server, summary)``; the server stops after the module."""
    root = shared_path("upstream")
    with s3_server() as server, ReplayServer(root) as replay, \
            pytest.MonkeyPatch.context() as mp:
        for name, value in server.environ().items():
            mp.setenv(name, value)
        yield server, run_pipeline(server.url(), mode="live", mirror=replay.url)
