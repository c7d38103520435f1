"""Helpers shared by the tests: paths to ``../shared`` (skipping where it is absent) and a
full run of the pipeline the way ``make run`` does it. Fixtures live in ``conftest.py``;
tests import helpers from here, never from ``conftest.py`` or from another test file."""
from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance

PROJECT = Path(__file__).resolve().parents[2]
SHARED = PROJECT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test saying what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared reference/upstream files, "
                    "which are only present beside the project checkout")
    return path


def run_pipeline(data_dir: Path | str, mode: str = "offline", mirror: str | None = None,
                 instance: DagsterInstance | None = None, rebuild: bool = False):
    """Bring everything up to date into ``data_dir`` (a folder, or a URL such as
    ``s3://bucket/prefix``) the way ``make run`` does (fetch, the stale discovery assets,
    missing partitions, the stale published assets) on a real (ephemeral) Dagster
    instance; ``rebuild`` rebuilds every asset as ``--rebuild`` does. Returns the
    :class:`pipelines.runner.RunSummary`."""
    from pipelines.runner import resource_config, update_all

    config = resource_config(data_dir=str(data_dir), mode=mode, mirror=mirror,
                             http={"retries": 1, "backoff_factor": 0.01})
    return update_all(instance or DagsterInstance.ephemeral(), run_config=config,
                      log=lambda msg: None, rebuild=rebuild)
