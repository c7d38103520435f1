"""Shared fixtures: the ../shared folder (skipped with a reason where absent), a loopback
replay server, and a full in-process materialization into a temporary data directory."""
from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance

from tools.replay import ReplayServer

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test saying what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared reference/upstream files, "
                    "which are only present beside the project checkout")
    return path


@pytest.fixture
def upstream_replay():
    """A replay server over ../shared/upstream (real upstream bytes) on loopback."""
    root = shared_path("upstream")
    with ReplayServer(root) as server:
        yield server


def run_pipeline(data_dir: Path, mode: str = "offline", mirror: str | None = None,
                 instance: DagsterInstance | None = None):
    """Bring everything up to date into ``data_dir`` the way ``make run`` does (discover,
    missing arena partitions, publish) on a real (ephemeral) Dagster instance. Returns the
    :class:`pipelines.runner.RunSummary`."""
    from pipelines.runner import resource_config, update_all

    config = resource_config(data_dir=str(data_dir), mode=mode, mirror=mirror,
                             http={"retries": 1, "backoff_factor": 0.01})
    return update_all(instance or DagsterInstance.ephemeral(), run_config=config,
                      log=lambda msg: None)


@pytest.fixture(scope="session")
def offline_run(tmp_path_factory):
    """One offline run of every asset into a fresh data directory: ``(data_dir, result)``."""
    data_dir = tmp_path_factory.mktemp("offline-data")
    result = run_pipeline(data_dir)
    return data_dir, result
