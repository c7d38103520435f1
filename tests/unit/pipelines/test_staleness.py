"""Which assets need a rebuild, read from a real (ephemeral) instance's event log."""
from __future__ import annotations

from dagster import (
    AssetKey,
    DagsterInstance,
    DataVersion,
    Definitions,
    DynamicPartitionsDefinition,
    MaterializeResult,
    asset,
    materialize,
)

from pipelines.staleness import stale_assets

SOURCE = {"bytes": "v1"}   # what the snapshot asset "fetches"
parts = DynamicPartitionsDefinition(name="versions")


def build(table_version: str = "1", path: str | None = None):
    """snapshot -> table -> (report, catalog); history (partitioned) -> latest."""

    @asset(key=["snapshot", "src"])
    def snapshot():
        return MaterializeResult(data_version=DataVersion(SOURCE["bytes"]))

    @asset(key=["published", "table"], deps=[snapshot.key], code_version=table_version)
    def table():
        return MaterializeResult(metadata={"path": _path(path)} if path else None)

    @asset(key=["published", "report"], deps=[table.key], code_version="1")
    def report():
        return None

    @asset(key=["published", "catalog"], deps=[table.key], code_version="1")
    def catalog():
        return None

    @asset(key=["published", "history"], partitions_def=parts, code_version="1")
    def history():
        return None

    @asset(key=["published", "latest"], deps=[history.key], code_version="1")
    def latest():
        return None

    return [snapshot, table, report, catalog, history, latest]


def _path(path):
    from dagster import MetadataValue

    return MetadataValue.path(path)


UNPARTITIONED = [AssetKey(["published", n]) for n in ("table", "report", "catalog", "latest")]


def graph(assets):
    return Definitions(assets=assets).resolve_asset_graph()


def names(stale):
    return {k.path[-1]: why for k, why in stale.items()}


def run(assets, instance, keys=None, partition=None):
    selection = keys or [a for a in assets if a.key != AssetKey(["published", "history"])]
    assert materialize(selection, instance=instance, partition_key=partition).success


def test_nothing_changed_nothing_stale_then_exactly_the_downstream_assets(tmp_path):
    SOURCE["bytes"] = "v1"
    assets = build()
    with DagsterInstance.ephemeral() as instance:
        assert set(names(stale_assets(instance, graph(assets), UNPARTITIONED))) == {
            "table", "report", "catalog", "latest"}                     # never materialized
        run(assets, instance)
        run([assets[0]], instance)          # the source fetched again, same bytes
        assert stale_assets(instance, graph(assets), UNPARTITIONED) == {}

        SOURCE["bytes"] = "v2"              # the source changed
        run([assets[0]], instance)
        stale = names(stale_assets(instance, graph(assets), UNPARTITIONED))
        assert stale == {"table": "upstream snapshot/src has a new data version",
                         "report": "upstream published/table is rebuilt",
                         "catalog": "upstream published/table is rebuilt"}


def test_code_version_missing_file_and_new_partition(tmp_path):
    SOURCE["bytes"] = "v1"
    out = tmp_path / "table.parquet"
    out.write_bytes(b"x")
    assets = build(path=str(out))
    with DagsterInstance.ephemeral() as instance:
        run(assets, instance)
        assert stale_assets(instance, graph(assets), UNPARTITIONED) == {}
        # a new code version of the table: the table and what is built from it
        stale = names(stale_assets(instance, graph(build("2", str(out))), UNPARTITIONED))
        assert stale["table"] == "code version 1 -> 2" and set(stale) == {
            "table", "report", "catalog"}
        # its file deleted
        out.unlink()
        stale = names(stale_assets(instance, graph(assets), UNPARTITIONED))
        assert stale["table"] == f"its file {out} is missing"
        out.write_bytes(b"x")
        # a partition of the history materialized after `latest`
        instance.add_dynamic_partitions("versions", ["2025-01-01"])
        run(assets, instance, keys=[assets[4]], partition="2025-01-01")
        assert names(stale_assets(instance, graph(assets), UNPARTITIONED)) == {
            "latest": "upstream published/history has a partition materialized since"}
        # only the keys asked about are answered
        assert stale_assets(instance, graph(assets), [AssetKey(["published", "table"])]) == {}
