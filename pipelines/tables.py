"""Table specs: a pyarrow schema, a description and a unit per column, once per table.

Each domain declares the tables it publishes in its ``tables.py`` as ``TableSpec`` objects
and registers them with :func:`register`; the Parquet IO manager, the Frictionless catalog,
the Dagster column schemas and the structural expectations (types, not-null, primary key)
are all driven from these specs (the PUDL pattern), so a column's type, unit and
description are written down exactly once. A column shared by several tables is declared
once as a :class:`Column` constant and reused.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa


class SchemaError(ValueError):
    """A DataFrame does not fit its table's declared schema (missing column, bad type)."""


@dataclass(frozen=True)
class Column:
    """One column of a published table.

    ``type`` is the pyarrow type written to Parquet; ``unit`` is stored as field metadata
    (``None`` for identifiers and text); ``nullable=False`` is enforced when writing.
    ``max_null_fraction`` is the null budget of a nullable column: the largest share of
    null values (0-1) its table's suite lets through (``1.0``: nulls are legitimate there,
    e.g. an unmatched ``model_id``; lower where a null means a parser lost a value, e.g.
    ``livebench_scores.score``). Checked by a generated expectation (:mod:`pipelines.quality`).
    """

    name: str
    type: pa.DataType
    description: str
    unit: str | None = None
    nullable: bool = True
    max_null_fraction: float = 1.0

    def arrow_field(self) -> pa.Field:
        """The pyarrow field with ``description`` and ``unit`` as field-level metadata."""
        meta = {"description": self.description}
        if self.unit:
            meta["unit"] = self.unit
        return pa.field(self.name, self.type, nullable=self.nullable, metadata=meta)


@dataclass(frozen=True)
class TableSpec:
    """A published table: name, human metadata, columns and primary key.

    ``group`` is the Dagster asset group (``patents``, ``models``, ``leaderboards``,
    ``claims``, ``reference``, ``sources``). ``license`` and ``sources`` (source ids of
    ``assets/registry/sources.yaml``) go into the Parquet file and the catalog. A table with
    a ``partition_column`` is a history: one hive folder per partition, the key only in the
    folder name (``<partition_column>=<key>``), never a column of the file.
    """

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    group: str
    license: str = "see sources"
    sources: tuple[str, ...] = ()
    partition_column: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def schema_version(self) -> str:
        """A short hash (16 hex) of the column names, types and nullability: it changes when
        a column is added, removed, renamed or retyped, and is written into each file's
        metadata (``schema_version``) so files written under an older spec are found."""
        import hashlib

        text = json.dumps([[c.name, str(c.type), c.nullable] for c in self.columns])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def arrow_schema(self, file_metadata: dict[str, str] | None = None) -> pa.Schema:
        """The explicit pyarrow schema, with file-level key-value metadata."""
        meta = {
            "title": self.title,
            "description": self.description,
            "license": self.license,
            "primary_key": json.dumps(list(self.primary_key)),
            "sources": json.dumps(list(self.sources)),
            "schema_version": self.schema_version,
        }
        meta.update(file_metadata or {})
        return pa.schema([c.arrow_field() for c in self.columns], metadata=meta)

    def conform(self, df: pd.DataFrame, file_metadata: dict[str, str] | None = None) -> pa.Table:
        """Cast ``df`` to this table's schema, sorted by primary key.

        Extra columns are an error (nothing is published that is not described); so is a
        missing column, a null in a non-nullable column, or a value that does not cast.

        Raises:
            SchemaError: naming the table and the column at fault.
        """
        missing = [c for c in self.column_names if c not in df.columns]
        extra = [c for c in df.columns if c not in self.column_names]
        if missing or extra:
            raise SchemaError(
                f"table {self.name!r}: columns missing {missing}, undeclared {extra}"
            )
        df = df[self.column_names]
        if self.primary_key and len(df):
            df = df.sort_values(list(self.primary_key), kind="stable", na_position="first")
        arrays = []
        for col in self.columns:
            series = df[col.name]
            try:
                arr = _to_arrow(series, col.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
                raise SchemaError(
                    f"table {self.name!r}, column {col.name!r}: cannot cast to {col.type}: {exc}"
                ) from exc
            if not col.nullable and arr.null_count:
                raise SchemaError(
                    f"table {self.name!r}, column {col.name!r}: {arr.null_count} null(s) "
                    "in a non-nullable column"
                )
            arrays.append(arr)
        return pa.Table.from_arrays(arrays, schema=self.arrow_schema(file_metadata))

    def empty_frame(self) -> pd.DataFrame:
        """A zero-row DataFrame with this table's columns (pandas dtypes from arrow)."""
        return self.arrow_schema().empty_table().to_pandas()


def _to_arrow(series: pd.Series, typ: pa.DataType) -> pa.Array:
    values = series.astype(object).where(series.notna(), None)
    if pa.types.is_date32(typ):
        values = [None if v is None else pd.Timestamp(v).date() for v in values]
    elif pa.types.is_timestamp(typ):
        values = [None if v is None else _utc(pd.Timestamp(v)) for v in values]
    else:
        values = list(values)
    return pa.array(values, type=typ, from_pandas=True)


def _utc(ts: pd.Timestamp) -> pd.Timestamp:
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


_REGISTRY: dict[str, TableSpec] = {}


def register(*specs: TableSpec) -> list[TableSpec]:
    """Add ``specs`` to the registry of published tables (a domain's ``tables.py`` calls this
    when imported); returns them as a list.

    Raises:
        ValueError: a different spec is already registered under the same name.
    """
    for spec in specs:
        known = _REGISTRY.setdefault(spec.name, spec)
        if known is not spec and known != spec:
            raise ValueError(f"table {spec.name!r} declared twice, differently")
    return list(specs)


def registry() -> dict[str, TableSpec]:
    """Every registered published table by name, in the order of registration."""
    return dict(_REGISTRY)


def table(name: str) -> TableSpec:
    """The spec of one published table; ``KeyError`` names the known tables."""
    if name not in _REGISTRY:
        raise KeyError(f"no published table {name!r}; known: {sorted(_REGISTRY)}")
    return _REGISTRY[name]


# Short aliases for declaring columns.
STR = pa.string()
INT16 = pa.int16()
INT32 = pa.int32()
INT64 = pa.int64()
FLOAT = pa.float64()
BOOL = pa.bool_()
DATE = pa.date32()
TIMESTAMP = pa.timestamp("ms", tz="UTC")  # Parquet has no second unit


def present(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """``df`` when it is a table with at least one row, else None (an input that is absent,
    or published empty because its source has no snapshot yet)."""
    return df if df is not None and len(df) else None
