"""The deployment under deploy/ is valid: the instance configuration passes Dagster's schema
(storage on PostgreSQL, the run queue with one limit per registered source), the workspace
passes Dagster's workspace schema and points at the compose file's code location, the compose
file has the four services wired to the same instance; the jobs carry the tags the limits
count, and Dagster's own queue logic lets at most one run per source through."""
from __future__ import annotations

import importlib

import pytest
import yaml
from dagster import DagsterInstance, DagsterRun
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.workspace.config_schema import process_workspace_config
from dagster._utils.tags import TagConcurrencyLimitsCounter

from tests.helpers import PROJECT

DEPLOY = PROJECT / "deploy"
JOBS = ("fetch", "discover", "arena_partitions", "publish", "main", "refresh")


def env_refs(node) -> set[str]:
    """Every ``{env: NAME}`` referenced in a parsed YAML tree."""
    if isinstance(node, dict):
        if set(node) == {"env"}:
            return {node["env"]}
        return set().union(*(env_refs(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(env_refs(v) for v in node)) if node else set()
    return set()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yaml").read_text())


def test_instance_config_is_valid_and_on_postgres(monkeypatch):
    config, custom_class = dagster_instance_config(str(DEPLOY))
    assert custom_class is None
    storage = config["storage"]["postgres"]
    pg_env = env_refs(storage)
    assert pg_env == {"DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER",
                      "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB"}
    for name in pg_env:
        monkeypatch.setenv(name, "5432" if name.endswith("PORT") else "x")
    from dagster_postgres import DagsterPostgresStorage
    result = process_config(DagsterPostgresStorage.config_type(), storage)
    assert result.success, result.errors
    assert result.value["postgres_db"]["port"] == 5432  # env var resolved to an int


def test_run_queue_limits_every_source_to_one_run(tmp_path):
    from pipelines.definitions import SOURCE_TAG, SOURCES, defs
    # the deployment's configuration with SQLite storage instead (no server needed here)
    config = yaml.safe_load((DEPLOY / "dagster.yaml").read_text())
    del config["storage"]
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config))
    instance = DagsterInstance.from_config(str(tmp_path))
    try:
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    finally:
        instance.dispose()
    assert {(lim["key"], lim["limit"]) for lim in limits} == {
        (f"{SOURCE_TAG}{sid}", 1) for sid in SOURCES}

    def run(job: str, n: int) -> DagsterRun:
        return DagsterRun(job_name=job, run_id=f"{job}-{n}",
                          tags=defs.resolve_job_def(job).tags)

    for job in JOBS:
        tagged = {k for k in defs.resolve_job_def(job).tags if k.startswith(SOURCE_TAG)}
        assert tagged, f"{job} writes no source?"
        # a second run of the same job waits while the first is in progress
        assert TagConcurrencyLimitsCounter(limits, [run(job, 1)]).is_blocked(run(job, 2))
    # the arena partitions and discovery share lmarena_history: they never run at once;
    # discovery and publish write different sources: they may
    counter = TagConcurrencyLimitsCounter(limits, [run("discover", 1)])
    assert counter.is_blocked(run("arena_partitions", 1))
    assert not counter.is_blocked(run("publish", 1))
    assert TagConcurrencyLimitsCounter(limits, [run("publish", 1)]).is_blocked(run("main", 1))


def test_jobs_tag_every_source_they_snapshot_and_run_multiprocess():
    from pipelines.definitions import SOURCE_TAG, defs
    for job_name in JOBS:
        job = defs.resolve_job_def(job_name)
        assert job.executor_def.name == "multiprocess"
        snapshots = {k.path[1] for k in job.asset_layer.selected_asset_keys
                     if k.path[0] == "snapshot"}
        tagged = {k.removeprefix(SOURCE_TAG) for k in job.tags if k.startswith(SOURCE_TAG)}
        assert snapshots <= tagged, job_name
    # the arena CSV at each version is fetched by the partitioned job itself
    assert "lmarena_history" in {k.removeprefix(SOURCE_TAG)
                                 for k in defs.resolve_job_def("arena_partitions").tags}


def test_workspace_points_at_the_compose_code_location(compose):
    workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())
    result = process_workspace_config(workspace)
    assert result.success, result.errors
    (target,) = workspace["load_from"]
    grpc = target["grpc_server"]
    code = compose["services"]["code"]["command"]
    assert code[:3] == ["dagster", "api", "grpc"]
    assert code[code.index("-p") + 1] == str(grpc["port"]) and grpc["host"] == "code"
    module = code[code.index("-m") + 1]
    assert hasattr(importlib.import_module(module), "defs")


def test_compose_services_share_the_instance(compose):
    services = compose["services"]
    assert {"postgres", "code", "webserver", "daemon"} <= set(services)
    needed = env_refs(yaml.safe_load((DEPLOY / "dagster.yaml").read_text()))
    for name in ("code", "webserver", "daemon"):
        service = services[name]
        assert needed <= set(service["environment"]), name
        assert service["environment"]["DAGSTER_PG_HOST"] == "postgres"
        assert "postgres" in service["depends_on"], name
        assert "data:/data" in service["volumes"], name
        # the deployment refreshes live: its schedule and sensors must start RUNNING there
        # (pipelines.settings.env_live_refresh; they start STOPPED under a local `make ui`)
        assert service["environment"].get("AI_NUMBERS_LIVE_REFRESH") == "1", name
    assert services["daemon"]["command"][:2] == ["dagster-daemon", "run"]
    assert services["webserver"]["command"][0] == "dagster-webserver"
    for name in ("webserver", "daemon"):
        cmd = services[name]["command"]
        assert cmd[cmd.index("-w") + 1] == "workspace.yaml"
    pg = services["postgres"]["environment"]
    env = services["code"]["environment"]
    assert (pg["POSTGRES_USER"], pg["POSTGRES_DB"]) == (env["DAGSTER_PG_USER"],
                                                        env["DAGSTER_PG_DB"])
    # the image puts both files of deploy/ into its DAGSTER_HOME, the working directory
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "cp deploy/dagster.yaml deploy/workspace.yaml $DAGSTER_HOME/" in dockerfile
    assert "WORKDIR /opt/dagster/home" in dockerfile and "DAGSTER_HOME=/opt/dagster/home" in \
        dockerfile
