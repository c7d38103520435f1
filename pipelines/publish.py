"""Write-audit-publish: a published-table asset validates its DataFrame before writing it.

:func:`published_table` turns a function returning a DataFrame into a Dagster asset
``["published", <table>]`` (and :func:`published_tables` one returning several tables into
one multi-asset) that

1. computes the DataFrame(s),
2. runs each table's GX suite (``expectations/<table>.json``) and yields the result as the
   blocking asset check ``expectation_suite``,
3. yields a table's output (written by the Parquet IO manager) when no critical
   expectation failed; otherwise it yields :class:`~pipelines.io_managers.KeepLastGood`:
   nothing is written, the last good file stays and is marked stale. The check is not
   blocking, so downstream assets (claims, report, ``reference_agreement``, the catalog)
   still run, on the last good file, and say in their metadata which inputs were stale
   (the mark passes on to what is built from a stale table). A partition run still fails
   on a critical failure: only that partition.

The bookkeeping every published asset shares lives here too: :func:`empty_table` (a table
published empty, saying why), :func:`with_snapshots` (the snapshots a table was built from,
written into the file metadata) and :class:`Skip` (a partition with nothing to publish).
"""
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetOut,
    DataVersion,
    MetadataValue,
    Output,
    PartitionsDefinition,
    multi_asset,
)

from pipelines.codeversion import code_version as module_code_version
from pipelines.io_managers import (
    SOURCE_SNAPSHOTS_ATTR,
    STALE_ATTR,
    KeepLastGood,
    column_schema,
)
from pipelines.quality import suite_path, validate_frame
from pipelines.tables import table


def published_key(name: str) -> AssetKey:
    """Asset key of a published table: ``["published", name]``."""
    return AssetKey(["published", name])


#: DataFrame ``attrs`` keys read by the write-audit-publish step.
NO_SOURCE_ATTR = "no_source"
OUTPUT_METADATA_ATTR = "output_metadata"
DATA_VERSION_ATTR = "data_version"


def empty_table(name: str, reason: str) -> pd.DataFrame:
    """A zero-row frame of table ``name``, published empty with ``reason`` (no source yet,
    an empty input) in the check and output metadata."""
    df = table(name).empty_frame()
    df.attrs[NO_SOURCE_ATTR] = reason
    return df


def with_snapshots(df: pd.DataFrame, records: Iterable, **extra) -> pd.DataFrame:
    """``df`` marked as built from the snapshot ``records`` (stream, sha256, url, retrieved
    at), which the IO manager writes into the file metadata; returns ``df``."""
    df.attrs[SOURCE_SNAPSHOTS_ATTR] = [
        {"stream": r.stream, "sha256": r.sha256, "url": r.url, "retrieved_at": r.retrieved_at,
         **extra} for r in records]
    return df


@dataclass(frozen=True)
class Skip:
    """Returned instead of a DataFrame: nothing to publish for this partition, and why
    (reported as a passing-but-skipped WARN check; no file is written)."""

    reason: str


def _skipped(context, name: str, skip: Skip):
    context.log.warning(f"published/{name}: nothing published: {skip.reason}")
    yield AssetCheckResult(check_name="expectation_suite", asset_key=published_key(name),
                           passed=False, severity=AssetCheckSeverity.WARN,
                           metadata={"skipped": skip.reason})


def _output(name: str, df: pd.DataFrame | KeepLastGood, **metadata) -> Output:
    if isinstance(df, KeepLastGood):
        return Output(df, output_name=name, metadata={**metadata, "kept_last_good": df.reason})
    if df.attrs.get(STALE_ATTR):
        metadata = {**metadata, "stale_inputs": df.attrs[STALE_ATTR]}
    version = df.attrs.get(DATA_VERSION_ATTR)
    extra = {"data_version": DataVersion(version)} if version else {}
    return Output(df, output_name=name,
                  metadata={**df.attrs.get(OUTPUT_METADATA_ATTR, {}), **metadata}, **extra)


def _audit(context, name: str, df: pd.DataFrame | Skip, raise_on_failure: bool = False):
    """Yield the suite's check result for ``df``, then its output when it may be published.

    With ``raise_on_failure`` (a partition run) a critical failure also fails the run."""
    if isinstance(df, Skip):
        yield from _skipped(context, name, df)
        return
    key = published_key(name)
    no_source = df.attrs.get(NO_SOURCE_ATTR)
    if no_source and df.empty:
        context.log.warning(f"published/{name}: published empty: {no_source}")
        yield AssetCheckResult(
            check_name="expectation_suite", asset_key=key, passed=True,
            metadata={"rows": 0, "skipped": f"empty table, no source: {no_source}"},
        )
        yield _output(name, df, empty_because=no_source)
        return
    result = validate_frame(df, name)
    failed = result.failed
    yield AssetCheckResult(
        check_name="expectation_suite",
        asset_key=key,
        passed=not failed,
        severity=AssetCheckSeverity.ERROR if result.critical_failed else AssetCheckSeverity.WARN,
        metadata={
            "rows": len(df),
            "expectations": len(result.outcomes),
            "failed": len(failed),
            "failed_critical": len(result.critical_failed),
            "failures": MetadataValue.json([o.describe() for o in failed]),
            "summary": MetadataValue.md(result.summary_markdown()),
        },
    )
    if not result.passed:
        message = (f"published/{name}{_partition(context)}: "
                   f"{len(result.critical_failed)} critical expectation(s) failed; the last "
                   "good file is kept: "
                   + "; ".join(o.describe() for o in result.critical_failed))
        if raise_on_failure:
            raise ValueError(message)
        context.log.error(message)
        yield _output(name, KeepLastGood(message))
        return
    yield _output(name, df)


def _stale_inputs(context, inputs: dict) -> str | None:
    """Which input tables are stale (last good file of a failed build), as one line."""
    stale = {k: v.attrs[STALE_ATTR] for k, v in inputs.items()
             if isinstance(v, pd.DataFrame) and v.attrs.get(STALE_ATTR)}
    if not stale:
        return None
    line = "built from the last good file of: " + ", ".join(sorted(stale))
    context.log.warning(line)
    return line


def _partition(context) -> str:
    return f"[{context.partition_key}]" if context.has_partition_key else ""


def published_tables(
    names: Iterable[str],
    *,
    ins: Iterable[str] = (),
    deps: Iterable[AssetKey | str] = (),
    code_version: str | None = None,
    partitions_def: PartitionsDefinition | None = None,
):
    """Decorator: ``fn(context, **inputs) -> {table: DataFrame}`` becomes one multi-asset
    publishing each of ``names`` (each validated by its own suite, written or kept on its
    own). ``ins`` names other published tables loaded as DataFrames (keyword arguments of
    ``fn``); ``deps`` are upstream assets read by other means (snapshot assets). Resources are typed
    parameters of ``fn`` (``settings: PipelineSettings``, ``http: HttpSource``), as in every
    asset and sensor of the project: the asset takes ``fn``'s signature, so Dagster passes
    them.

    A table whose source has no snapshot yet (offline, fresh checkout) is published empty:
    ``fn`` returns :func:`empty_table`; the suite check then passes as skipped, and the
    reason is in the check and output metadata. With ``partitions_def`` each run publishes
    one partition (the IO manager's history layout); ``fn`` may return :class:`Skip`, and a
    critical failure fails the partition run.

    ``code_version`` defaults to :func:`pipelines.codeversion.code_version` of ``fn``'s
    module and the tables' suites: it changes when the code building the tables does, so
    :mod:`pipelines.staleness` rebuilds them then and only then.
    """
    names = list(names)
    specs = {n: table(n) for n in names}
    groups = {s.group for s in specs.values()}
    if len(groups) != 1:
        raise ValueError(f"published_tables {names}: tables of different groups {groups}")

    def decorate(fn: Callable[..., dict[str, pd.DataFrame]]):
        def _published(context: AssetExecutionContext, **inputs):
            frames = fn(context, **inputs)
            stale = _stale_inputs(context, inputs)
            for n in names:
                if stale and isinstance(frames[n], pd.DataFrame):
                    frames[n].attrs[STALE_ATTR] = stale
                yield from _audit(context, n, frames[n],
                                  raise_on_failure=partitions_def is not None)

        _published.__doc__ = fn.__doc__
        _published.__signature__ = inspect.signature(fn)  # typed resources and inputs
        version = code_version or module_code_version(
            fn.__module__, *(suite_path(n) for n in names))
        asset = multi_asset(
            name="published__" + "__".join(names),
            group_name=groups.pop(),
            outs={
                n: AssetOut(
                    key=published_key(n),
                    description=f"{s.title}. {s.description}",
                    io_manager_key="parquet_io",
                    is_required=False,
                    code_version=version,
                    metadata={
                        "dagster/column_schema": column_schema(s),
                        "primary_key": ", ".join(s.primary_key),
                        "license": s.license,
                    },
                    kinds={"pandas", "parquet"},
                )
                for n, s in specs.items()
            },
            ins={n: AssetIn(key=published_key(n)) for n in ins},
            deps=list(deps),
            partitions_def=partitions_def,
            check_specs=[AssetCheckSpec(
                name="expectation_suite", asset=published_key(n),
                blocking=partitions_def is not None,
                description=f"GX suite expectations/{n}.json (a critical failure keeps the "
                            "last good file, marked stale; downstream assets run on it)",
            ) for n in names],
        )
        return asset(_published)

    return decorate


def published_table(
    name: str,
    *,
    ins: Iterable[str] = (),
    deps: Iterable[AssetKey | str] = (),
    code_version: str | None = None,
    partitions_def: PartitionsDefinition | None = None,
):
    """Decorator: ``fn(context, **inputs) -> DataFrame`` becomes the published asset ``name``
    (see :func:`published_tables` for the arguments, empty tables and partitions)."""

    def decorate(fn: Callable[..., pd.DataFrame]):
        def one(context, **inputs):
            return {name: fn(context, **inputs)}

        one.__doc__ = fn.__doc__
        one.__module__ = fn.__module__  # its code version is the module's
        one.__signature__ = inspect.signature(fn)
        return published_tables([name], ins=ins, deps=deps, code_version=code_version,
                                partitions_def=partitions_def)(one)

    return decorate
