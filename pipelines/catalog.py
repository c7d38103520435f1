"""The catalog of published tables: a Frictionless ``datapackage.json``.

Built from the registered table specs (``pipelines/tables.py``) for every table whose Parquet
file exists under ``<data_dir>/published``: each resource lists its path, title,
description, license, sources, primary key, row count, sha256 and every field with its
Frictionless type, Parquet type (``arrowType``), description and unit, so consumers see the
whole folder in one file. Nullable integer columns are declared ``number``: frictionless
reads Parquet through pandas, where they arrive as floats.
"""
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from pipelines.codeversion import code_version
from pipelines.fetching import Source
from pipelines.runlock import publish_lock
from pipelines.settings import PipelineSettings
from pipelines.snapshots import atomic_write
from pipelines.tables import TableSpec, registry

PACKAGE_NAME = "ai-numbers"


def frictionless_type(typ: pa.DataType) -> str:
    """The Table Schema type of a pyarrow type (string, integer, number, boolean, date,
    datetime)."""
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return "string"
    if pa.types.is_integer(typ):
        return "integer"
    if pa.types.is_floating(typ):
        return "number"
    if pa.types.is_boolean(typ):
        return "boolean"
    if pa.types.is_date(typ):
        return "date"
    if pa.types.is_timestamp(typ):
        return "datetime"
    return "any"


def resource_descriptor(spec: TableSpec, path: Path, rel_path: str,
                        sources: Mapping[str, Source]) -> dict:
    """The Data Package resource of one published Parquet file; ``sources`` (registered
    sources by id) give the title and URL of each source the table names."""
    import pyarrow.parquet as pq  # here: off loading the definitions (README, Performance)

    body = path.read_bytes()  # once: a local file or an object (pipelines.store)
    fields = []
    for col in spec.columns:
        ftype = frictionless_type(col.type)
        if ftype == "integer" and col.nullable:
            # frictionless reads Parquet through pandas, where a nullable integer column
            # becomes float with NaN; declared "number" so `frictionless validate` accepts
            # it, with the exact Parquet type in arrowType
            ftype = "number"
        f = {"name": col.name, "type": ftype, "arrowType": str(col.type),
             "description": col.description}
        if col.unit:
            f["unit"] = col.unit
        if not col.nullable:
            f["constraints"] = {"required": True}
        fields.append(f)
    return {
        "name": spec.name,
        "path": rel_path,
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "title": spec.title,
        "description": spec.description,
        "licenses": [{"name": spec.license}],
        "sources": [
            {"title": sources[s].title, "path": sources[s].url}
            for s in spec.sources if s in sources
        ],
        "hash": "sha256:" + hashlib.sha256(body).hexdigest(),
        "rows": pq.ParquetFile(pa.BufferReader(body)).metadata.num_rows,
        "schema": {"fields": fields, "primaryKey": list(spec.primary_key)},
    }


def build_datapackage(published_dir: Path, sources: Mapping[str, Source]) -> dict:
    """The descriptor for every registered table present in ``published_dir``."""
    resources = []
    for spec in registry().values():
        path = published_dir / f"{spec.name}.parquet"
        if path.exists():
            resources.append(resource_descriptor(spec, path, path.name, sources))
    return {
        "name": PACKAGE_NAME,
        "title": "ai-numbers: the public data behind an article on Chinese and Western AI",
        "description": (
            "Published tables of the ai-numbers pipeline: AI patents, model facts, benchmark "
            "results, leaderboards and the article's re-checked claims. Each table carries "
            "its sources and license; reference figures keep their citations."
        ),
        "licenses": [{"name": "various", "title": "per resource (see each resource)"}],
        "sources": _union_sources(resources),
        "resources": resources,
    }


def _union_sources(resources: list[dict]) -> list[dict]:
    """Every source named by ``resources`` (their ``sources`` lists), each once, in order."""
    seen: dict[str, dict] = {}
    for res in resources:
        for src in res.get("sources", []):
            seen.setdefault(src["path"], src)
    return list(seen.values())


def write_datapackage(published_dir: Path,
                      sources: Mapping[str, Source]) -> tuple[Path, dict]:
    """Write ``published_dir/datapackage.json`` atomically and return its path and descriptor.

    The descriptor is checked by loading it with ``frictionless.Package`` first. The files
    are hashed and the catalog written under :func:`pipelines.runlock.publish_lock` (of the
    data dir above ``published_dir``), so a run publishing beside this one cannot replace
    a table between its hash and the catalog's write.

    Raises:
        frictionless.FrictionlessException: the descriptor is not a valid Data Package.
        pipelines.runlock.RunLocked: another run kept the publish lock too long.
    """
    with publish_lock(published_dir.parent):
        return _write_datapackage(published_dir, sources)


def _write_datapackage(published_dir: Path,
                       sources: Mapping[str, Source]) -> tuple[Path, dict]:
    descriptor = build_datapackage(published_dir, sources)
    from frictionless import (
        Package,  # here, not at module level: 0.1 s off loading defs
    )

    Package(descriptor, basepath=str(published_dir))  # raises on an invalid descriptor
    path = published_dir / "datapackage.json"
    atomic_write(path, json.dumps(descriptor, indent=2, ensure_ascii=False).encode())
    return path, descriptor


def datapackage_asset(published: Iterable[AssetKey], sources: Mapping[str, Source]):
    """The ``["published", "datapackage"]`` asset: the catalog, downstream of every
    ``published`` table asset."""

    @asset(
        key=AssetKey(["published", "datapackage"]),
        group_name="catalog",
        deps=list(published),
        description="Frictionless datapackage.json describing every published table, column, "
                    "type, unit, license and source.",
        kinds={"json"},
        code_version=code_version(__name__),
    )
    def datapackage(settings: PipelineSettings) -> MaterializeResult:
        published_dir = settings.effective_data_dir() / "published"
        path, descriptor = write_datapackage(published_dir, sources)
        return MaterializeResult(metadata={
            "path": MetadataValue.path(str(path)),
            "resources": len(descriptor["resources"]),
            "tables": MetadataValue.md("\n".join(
                f"- `{r['name']}`: {r['rows']} rows, {len(r['schema']['fields'])} columns"
                for r in descriptor["resources"])),
        })

    return datapackage
