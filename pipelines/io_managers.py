"""The Parquet IO manager: one file per published table (or partition), written atomically.

``<data_dir>/published/<table>.parquet``, or for a partitioned table (a spec with a
``partition_column``) one hive folder per partition,
``<data_dir>/published/history/<table>/<partition_column>=<key>/part-0.parquet``, with the explicit pyarrow schema of the table's
spec (``pipelines/tables.py``), zstd, statistics on, one row group, rows sorted by the
primary key. File-level metadata: title, description, license, primary key, sources,
source snapshots, pipeline version and the spec's ``schema_version`` (history partitions
written under another one are migrated by :func:`migrate_partitions`); field-level: description and unit. The file is
written to a temporary name in the same folder and ``os.replace``-d, so a reader never
sees half a file and a failed run leaves the last good one; on object storage (a data dir
URL, :mod:`pipelines.store`) the file is put whole in one request, atomic for readers too.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
from dagster import (
    ConfigurableIOManagerFactory,
    InputContext,
    MetadataValue,
    OutputContext,
    TableColumn,
    TableSchema,
    UPathIOManager,
)

from pipelines.mdtable import markdown_table
from pipelines.paths import partition_folder
from pipelines.runlock import publish_lock
from pipelines.settings import env_data_dir
from pipelines.snapshots import atomic_write, publish_file, temp_prefix
from pipelines.store import (
    arrow_source,
    as_store_path,
    data_root,
    env_storage_options,
    is_local,
    is_url,
    parquet_bytes,
    put_bytes,
)
from pipelines.tables import TableSpec, table

if TYPE_CHECKING:  # universal-pathlib (and fsspec) load when the IO manager is built
    from upath import UPath

PIPELINE_VERSION = "0.1.0"
#: DataFrame ``attrs`` key an asset sets to the snapshots (sha256 and url) it was built from.
SOURCE_SNAPSHOTS_ATTR = "source_snapshots"
#: DataFrame ``attrs`` key: why a table is not current (its last build failed a critical
#: expectation, or it was built from such a table); set on write and on load.
STALE_ATTR = "stale"


@dataclass(frozen=True)
class KeepLastGood:
    """The output of a published table whose new frame failed a critical expectation: the
    IO manager writes nothing (the last good file stays) and records ``reason`` in
    ``<data_dir>/status/stale/<table>.json``, so downstream assets still run on the last
    good file and are told it is stale."""

    reason: str


def stale_marker(data_dir: Path, name: str) -> Path:
    """Where the stale marker of published table ``name`` is kept."""
    return data_root(data_dir) / "status" / "stale" / f"{name}.json"


def read_stale(data_dir: Path) -> dict[str, str]:
    """Every published table marked stale now: table -> reason."""
    folder = data_root(data_dir) / "status" / "stale"
    out = {}
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            out[path.stem] = json.loads(path.read_text("utf-8"))["reason"]
        except (json.JSONDecodeError, KeyError, TypeError):
            out[path.stem] = "stale (unreadable marker)"
    return out


def write_parquet(df: pd.DataFrame, spec: TableSpec, path: Path) -> pa.Table:
    """Conform ``df`` to ``spec`` and write it atomically to ``path``.

    Returns the Arrow table written. Raises ``SchemaError`` (nothing is written) when the
    frame does not fit the spec.
    """
    snapshots = df.attrs.get(SOURCE_SNAPSHOTS_ATTR, [])
    file_meta = {
        "source_snapshots": json.dumps(snapshots, sort_keys=True),
        "pipeline": f"ai-numbers {PIPELINE_VERSION}",
    }
    arrow = spec.conform(df, file_metadata=file_meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(arrow, path)
    return arrow


def migrate_partitions(data_dir: Path, spec: TableSpec) -> list[Path]:
    """Rewrite every history partition file of ``spec``'s table written under another
    spec version (file metadata ``schema_version``, absent in files older than it), so
    DuckDB, Polars and pyarrow reads of the hive history see one schema.

    Each stale file is cast to the current schema: a column added since is null, a column
    removed since is dropped, a retyped column is cast; its other file metadata (sources,
    snapshots) is kept; the rewrite is atomic (temporary file, ``os.replace``).

    Returns the files rewritten (none when the table has no history folder).

    Raises:
        SchemaError: a column cannot be cast to its new type or a non-nullable column added
            since has no value (names the file); that file is left as it was.
        pipelines.runlock.RunLocked: another run kept :func:`~pipelines.runlock.publish_lock`
            too long.
    """
    with publish_lock(data_dir):  # a run beside this one may be writing a partition
        return _migrate_partitions(data_dir, spec)


def _migrate_partitions(data_dir, spec: TableSpec) -> list[Path]:
    """:func:`migrate_partitions` without the lock."""
    import pyarrow.parquet as pq

    from pipelines.tables import SchemaError

    folder = data_root(data_dir) / "published" / "history" / spec.name
    done = []
    for path in sorted(folder.glob("*=*/*.parquet")) if folder.is_dir() else []:
        source, fs = arrow_source(path)
        meta = pq.read_schema(source, filesystem=fs).metadata or {}
        if meta.get(b"schema_version", b"").decode() == spec.schema_version:
            continue
        old = pq.ParquetFile(source, filesystem=fs).read()
        kept = {k.decode(): v.decode() for k, v in meta.items()
                if k.decode() in ("source_snapshots", "pipeline")}
        schema = spec.arrow_schema(kept)
        arrays = []
        for field in schema:
            try:
                arrays.append(old[field.name].cast(field.type) if field.name in old.column_names
                              else pa.nulls(old.num_rows, field.type))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise SchemaError(f"{path}: column {field.name!r} cannot be cast to "
                                  f"{field.type}: {exc}") from exc
        try:
            new = pa.Table.from_arrays(arrays, schema=schema).cast(schema, safe=True)
            new.validate(full=True)
            for field, arr in zip(schema, arrays):
                if not field.nullable and arr.null_count:
                    raise ValueError(f"column {field.name!r} has {arr.null_count} null(s)")
        except (pa.ArrowInvalid, ValueError) as exc:
            raise SchemaError(f"{path}: cannot be migrated to the current spec of "
                              f"{spec.name!r}: {exc}") from exc
        _write_atomically(new, path)
        done.append(path)
    return done


def _write_atomically(arrow: pa.Table, path: Path) -> None:
    """Write ``arrow`` to ``path`` through a temporary file in the same folder (on object
    storage: the whole file in one put)."""
    import pyarrow.parquet as pq  # here: off loading the definitions (README, Performance)

    options = {"compression": "zstd", "write_statistics": True,
               "row_group_size": max(arrow.num_rows, 1)}
    if not is_local(path):
        put_bytes(path, parquet_bytes(arrow, **options))
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path), suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(arrow, tmp, **options)
        publish_file(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def column_schema(spec: TableSpec) -> TableSchema:
    """The Dagster column schema of a table (type, description with unit)."""
    return TableSchema(columns=[
        TableColumn(
            name=c.name,
            type=str(c.type),
            description=c.description + (f" [{c.unit}]" if c.unit else ""),
        )
        for c in spec.columns
    ])


class ParquetIOManager(UPathIOManager):
    """Writes published tables as Parquet under ``<base_path>/published/<table>.parquet``
    (asset key ``["published", <table>]``) and loads them back as pandas DataFrames."""

    extension: str = ".parquet"

    def __init__(self, base_path: str):
        from upath import UPath

        options = env_storage_options() if is_url(str(base_path)) else {}
        super().__init__(base_path=UPath(base_path, **options))

    def get_asset_relative_path(self, context) -> UPath:
        """``published/<table>``, or ``published/history/<table>`` for a partitioned table."""
        from upath import UPath

        layer, name = context.asset_key.path[0], context.asset_key.path[-1]
        if table(name).partition_column:
            return UPath(layer, "history", name)
        return UPath(layer, name)

    def get_path_for_partition(self, context, path: UPath, partition: str) -> UPath:
        """``<partition_column>=<key>/part-0`` under the table's history folder (hive), the
        key encoded by :func:`pipelines.paths.partition_folder` (one folder, never
        outside the table's)."""
        column = table(context.asset_key.path[-1]).partition_column
        return path / partition_folder(column, partition) / "part-0"

    def handle_output(self, context: OutputContext, obj) -> None:
        """Write ``obj`` (a DataFrame), or for :class:`KeepLastGood` write nothing and mark
        the table stale; a DataFrame built from a stale input keeps the mark. Holds
        :func:`pipelines.runlock.publish_lock` while writing (runs launched by the daemon
        or the UI may publish at the same time)."""
        with publish_lock(as_store_path(self._base_path)):
            self._handle_output(context, obj)

    def _handle_output(self, context: OutputContext, obj) -> None:
        marker = stale_marker(as_store_path(self._base_path), context.asset_key.path[-1])
        if isinstance(obj, KeepLastGood):
            atomic_write(marker, json.dumps({"reason": obj.reason}).encode())
            context.add_output_metadata({"kept_last_good": obj.reason})
            return
        super().handle_output(context, obj)
        if context.has_asset_partitions:
            return
        if obj.attrs.get(STALE_ATTR):
            atomic_write(marker, json.dumps({"reason": obj.attrs[STALE_ATTR]}).encode())
        else:
            marker.unlink(missing_ok=True)

    def dump_to_path(self, context: OutputContext, obj: pd.DataFrame, path: UPath) -> None:
        write_parquet(obj, table(context.asset_key.path[-1]), as_store_path(path))

    def load_from_path(self, context: InputContext, path: UPath) -> pd.DataFrame:
        """The table's last good file (marked with ``attrs[STALE_ATTR]`` when stale); an
        empty frame of the spec when it is stale and was never published."""
        import pyarrow.parquet as pq

        name = context.asset_key.path[-1]
        marker = stale_marker(as_store_path(self._base_path), name)
        reason = (json.loads(marker.read_text("utf-8")).get("reason")
                  if not context.has_asset_partitions and marker.exists() else None)
        if reason and not path.exists():
            df = table(name).empty_frame()
        else:
            source, fs = arrow_source(as_store_path(path))
            df = pq.read_table(source, filesystem=fs).to_pandas()
        if reason:
            df.attrs[STALE_ATTR] = reason
        return df

    def get_metadata(self, context: OutputContext, obj: pd.DataFrame) -> dict:
        spec = table(context.asset_key.path[-1])
        preview = markdown_table(obj, max_rows=10)  # cells escaped: card text is hostile
        return {
            "dagster/row_count": len(obj),
            "dagster/column_schema": column_schema(spec),
            "primary_key": ", ".join(spec.primary_key),
            "license": spec.license,
            "preview": MetadataValue.md(preview),
        }


class ParquetIOManagerFactory(ConfigurableIOManagerFactory):
    """Configurable factory of :class:`ParquetIOManager`; ``data_dir`` empty means
    ``AI_NUMBERS_DATA_DIR`` (default ``./data``), read when a run starts."""

    data_dir: str = ""

    def create_io_manager(self, context) -> ParquetIOManager:
        return ParquetIOManager(base_path=self.data_dir or env_data_dir())
