"""Shared fixtures: the ../shared folder (skipped with a reason where absent), a loopback
replay server, and a full in-process materialization into a temporary data directory."""
from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance, materialize

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
                 instance: DagsterInstance | None = None, selection=None):
    """Materialize every asset (or ``selection``) in process into ``data_dir``."""
    from pipelines.definitions import ALL_ASSETS
    from pipelines.io_managers import ParquetIOManagerFactory
    from pipelines.resources import HttpSource, PipelineSettings

    resources = {
        "settings": PipelineSettings(data_dir=str(data_dir), mode=mode),
        "http": HttpSource(mirror=mirror, retries=1, backoff_factor=0.01),
        "parquet_io": ParquetIOManagerFactory(data_dir=str(data_dir)),
    }
    return materialize(ALL_ASSETS, resources=resources, selection=selection,
                       instance=instance or DagsterInstance.ephemeral(),
                       raise_on_error=False)


@pytest.fixture(scope="session")
def offline_run(tmp_path_factory):
    """One offline run of every asset into a fresh data directory: ``(data_dir, result)``."""
    data_dir = tmp_path_factory.mktemp("offline-data")
    result = run_pipeline(data_dir)
    return data_dir, result
