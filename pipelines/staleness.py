"""Which assets need a rebuild: nothing is recomputed for nothing.

:func:`stale_assets` reads the instance's event log and returns, for the unpartitioned
assets asked about, those whose output may differ from their last materialization, each
with the reason:

- never materialized (or its last run failed before materializing it);
- a file its last materialization named (a ``path`` metadata value: the Parquet file, the
  report, the catalog) is gone;
- its code version (:mod:`pipelines.codeversion`) differs from the one recorded then;
- an upstream asset's data version differs from the one recorded as its input then (the
  snapshots' data version is the sha256 of their bytes, so an unchanged source changes
  nothing; a published table's is derived from its code version and inputs);
- an upstream partitioned history has a partition materialized since;
- an upstream asset is itself rebuilt (so exactly the downstream assets of a change run).

It is the same rule as Dagster's stale status (``CachingStaleStatusResolver``) with two
differences: a partitioned history counts as changed when any of its partitions was
materialized after the asset (Dagster stops comparing partitions past 100 upstream
partitions, and the LiveBench history grows past that), and a missing output file counts.
"""
from __future__ import annotations

from collections.abc import Iterable

from dagster import AssetKey, DagsterInstance
from dagster._core.definitions.data_version import (
    CODE_VERSION_TAG,
    DATA_VERSION_TAG,
    read_input_data_version_from_tags,
)


def _latest(instance: DagsterInstance, key: AssetKey):
    """The latest materialization record of ``key`` (any partition), or None."""
    records = instance.fetch_materializations(key, limit=1, ascending=False).records
    return records[0] if records else None


def _missing_files(materialization) -> list[str]:
    """Paths named by a materialization's ``path``-typed metadata that no longer exist."""
    from dagster import PathMetadataValue

    from pipelines.store import as_store_path

    return [str(v.value) for v in (materialization.metadata or {}).values()
            if isinstance(v, PathMetadataValue) and not as_store_path(str(v.value)).exists()]


def stale_assets(instance: DagsterInstance, asset_graph, keys: Iterable[AssetKey],
                 ) -> dict[AssetKey, str]:
    """The assets of ``keys`` (unpartitioned ones; partitioned ones are skipped) that need a
    rebuild, in dependency order, each with a one-line reason (see the module docstring).

    ``asset_graph`` is the definitions' asset graph (``defs.resolve_asset_graph()``); the
    result is closed over execution sets: an asset computed together with a stale one
    (outputs of one multi-asset) is included, with the reason ``built with <key>``.
    """
    wanted = set(keys)
    out: dict[AssetKey, str] = {}
    latest: dict[AssetKey, object] = {}

    def record(key):
        if key not in latest:
            latest[key] = _latest(instance, key)
        return latest[key]

    for key in asset_graph.toposorted_asset_keys:
        node = asset_graph.get(key)
        if key not in wanted or node.is_partitioned or key in out:
            continue
        reason = _reason(node, record, out, asset_graph)
        if reason:
            out[key] = reason
            for other in node.execution_set_asset_keys:
                if other != key and other in wanted:
                    out.setdefault(other, f"built with {key.to_user_string()}")
    return out


def _reason(node, record, rebuilt: dict, asset_graph) -> str | None:
    """Why ``node`` needs a rebuild, or None."""
    rec = record(node.key)
    if rec is None:
        return "never materialized"
    mat = rec.event_log_entry.asset_materialization
    tags = mat.tags or {}
    gone = _missing_files(mat)
    if gone:
        return f"its file {gone[0]} is missing"
    if node.code_version and tags.get(CODE_VERSION_TAG) != node.code_version:
        return f"code version {tags.get(CODE_VERSION_TAG)} -> {node.code_version}"
    for parent in sorted(node.parent_keys, key=lambda k: k.to_user_string()):
        name = parent.to_user_string()
        if parent in rebuilt:
            return f"upstream {name} is rebuilt"
        up = record(parent)
        if asset_graph.get(parent).is_partitioned:
            if up is not None and up.storage_id > rec.storage_id:
                return f"upstream {name} has a partition materialized since"
            continue
        current = (up.event_log_entry.asset_materialization.tags or {}).get(
            DATA_VERSION_TAG) if up is not None else None
        recorded = read_input_data_version_from_tags(tags, parent)
        if current != (recorded.value if recorded is not None else None):
            return f"upstream {name} has a new data version"
    return None
