"""The orchestration floor of the main job: the real asset graph with bodies that do nothing.

:func:`floor_definitions` copies, from ``pipelines.definitions.defs``, every asset key with
its dependencies, group, partitions and IO manager key, every asset check (blocking or not),
and every job (name, selection, executor, partitions, config) into no-op ``multi_asset`` /
``multi_asset_check`` definitions. Each body emits one ``Output(None)`` per selected asset
and a passing result per selected check; the ``parquet_io`` IO manager is replaced by
:class:`FloorIOManager`, which writes an empty file per output. Dependencies are kept as
``deps`` (ordering only: the floor loads no inputs). Run through the same
:func:`pipelines.runner.update_all`, it costs what Dagster costs for this graph.
"""
from __future__ import annotations

from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetSpec,
    ConfigurableIOManager,
    Definitions,
    Output,
    define_asset_job,
    multi_asset,
    multi_asset_check,
)


class FloorIOManager(ConfigurableIOManager):
    """Writes an empty file ``{data_dir}/floor/<asset key>[/<partition>]`` per output;
    loads ``None``."""

    data_dir: str = "data"

    def handle_output(self, context, obj) -> None:
        path = Path(self.data_dir, "floor", *context.asset_key.path)
        if context.has_partition_key:
            path = path / context.partition_key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")

    def load_input(self, context):
        return None


def _floor_asset(assets_def):
    specs = [AssetSpec(key=s.key, deps=s.deps, group_name=s.group_name,
                       partitions_def=s.partitions_def, skippable=s.skippable)
             .with_io_manager_key(assets_def.get_io_manager_key_for_asset_key(s.key))
             for s in assets_def.specs]

    @multi_asset(specs=specs, check_specs=list(assets_def.check_specs),
                 name=f"floor_{assets_def.node_def.name}", can_subset=assets_def.can_subset)
    def _noop(context):
        for key in sorted(context.selected_asset_keys):
            yield Output(None, output_name=context.assets_def.get_output_name_for_asset_key(key))
        for check in sorted(context.selected_asset_check_keys):
            yield AssetCheckResult(asset_key=check.asset_key, check_name=check.name,
                                   passed=True)

    return _noop


def _floor_check(checks_def):
    @multi_asset_check(specs=list(checks_def.check_specs),
                       name=f"floor_{checks_def.node_def.name}")
    def _noop(context):
        for check in sorted(context.selected_asset_check_keys):
            yield AssetCheckResult(asset_key=check.asset_key, check_name=check.name,
                                   passed=True)

    return _noop


def floor_definitions(defs: Definitions | None = None) -> Definitions:
    """No-op copy of ``defs`` (default ``pipelines.definitions.defs``): same asset keys,
    dependencies, checks, partitions, jobs and resource names."""
    if defs is None:
        from pipelines.definitions import defs
    graph = defs.get_repository_def().asset_graph
    assets, checks = [], []
    for ad in graph.assets_defs:
        if isinstance(ad, AssetChecksDefinition):
            checks.append(_floor_check(ad))
        else:
            assets.append(_floor_asset(ad))
    jobs = [define_asset_job(j.name, selection=j.selection, executor_def=j.executor_def,
                             partitions_def=j.partitions_def, config=j.config)
            for j in defs.jobs]
    resources = {name: (FloorIOManager() if name == "parquet_io" else res)
                 for name, res in (defs.resources or {}).items()}
    return Definitions(assets=assets, asset_checks=checks, jobs=jobs, resources=resources)
