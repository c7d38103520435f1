"""Shared fixtures: a loopback replay server over ../shared/upstream, one full offline
materialization into a temporary data directory and a throwaway PostgreSQL server (helpers
are in ``tests/helpers``)."""
from __future__ import annotations

import pytest

from tests.helpers import run_pipeline, shared_path
from tests.helpers.postgres import postgres_server
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
