"""Shared fixtures: a loopback replay server over ../shared/upstream and one full offline
materialization into a temporary data directory (helpers are in ``tests/helpers``)."""
from __future__ import annotations

import pytest

from tests.helpers import run_pipeline, shared_path
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
