"""Write-audit-publish: a published-table asset validates its DataFrame before writing it.

:func:`published_table` turns a function returning a DataFrame into a Dagster asset
``["published", <table>]`` (and :func:`published_tables` one returning several tables into
one multi-asset) that

1. computes the DataFrame(s),
2. runs each table's GX suite (``expectations/<table>.json``) and yields the result as the
   blocking asset check ``expectation_suite``,
3. yields a table's output (written by the Parquet IO manager) only when no critical
   expectation failed; otherwise it yields nothing, so the last good file stays and
   downstream assets do not run.
"""
from collections.abc import Callable, Iterable

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetOut,
    MetadataValue,
    Output,
    multi_asset,
)

from pipelines.io_managers import column_schema
from pipelines.quality import validate_frame
from pipelines.schemas import table

CODE_VERSION = "1"


def published_key(name: str) -> AssetKey:
    """Asset key of a published table: ``["published", name]``."""
    return AssetKey(["published", name])


def _audit(context, name: str, df: pd.DataFrame):
    """Yield the suite's check result for ``df``, then its output when it may be published."""
    key = published_key(name)
    no_source = df.attrs.get("no_source")
    if no_source and df.empty:
        context.log.warning(f"published/{name}: published empty: {no_source}")
        yield AssetCheckResult(
            check_name="expectation_suite", asset_key=key, passed=True,
            metadata={"rows": 0, "skipped": f"empty table, no source: {no_source}"},
        )
        yield Output(df, output_name=name, metadata={"empty_because": no_source})
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
        context.log.error(
            f"published/{name}: {len(result.critical_failed)} critical expectation(s) "
            f"failed; the last good file is kept: "
            + "; ".join(o.describe() for o in result.critical_failed)
        )
        return
    yield Output(df, output_name=name)


def published_tables(
    names: Iterable[str],
    *,
    ins: Iterable[str] = (),
    deps: Iterable[AssetKey | str] = (),
    code_version: str = CODE_VERSION,
):
    """Decorator: ``fn(context, **inputs) -> {table: DataFrame}`` becomes one multi-asset
    publishing each of ``names`` (each validated by its own suite, written or kept on its
    own). ``ins`` names other published tables loaded as DataFrames (keyword arguments of
    ``fn``); ``deps`` are upstream assets read by other means (snapshot assets). ``fn`` may
    use ``context.resources.settings`` (:class:`pipelines.resources.PipelineSettings`).

    A table whose source has no snapshot yet (offline, fresh checkout) is published empty:
    ``fn`` returns an empty frame with ``df.attrs["no_source"]`` saying why; the suite check
    then passes as skipped, and the reason is in the check and output metadata.
    """
    names = list(names)
    specs = {n: table(n) for n in names}
    groups = {s.group for s in specs.values()}
    if len(groups) != 1:
        raise ValueError(f"published_tables {names}: tables of different groups {groups}")

    def decorate(fn: Callable[..., dict[str, pd.DataFrame]]):
        @multi_asset(
            name="published__" + "__".join(names),
            group_name=groups.pop(),
            outs={
                n: AssetOut(
                    key=published_key(n),
                    description=f"{s.title}. {s.description}",
                    io_manager_key="parquet_io",
                    is_required=False,
                    code_version=code_version,
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
            required_resource_keys={"settings"},
            check_specs=[AssetCheckSpec(
                name="expectation_suite", asset=published_key(n), blocking=True,
                description=f"GX suite expectations/{n}.json (critical failures block "
                            "publishing)",
            ) for n in names],
        )
        def _published(context: AssetExecutionContext, **inputs):
            frames = fn(context, **inputs)
            for n in names:
                yield from _audit(context, n, frames[n])

        _published.__doc__ = fn.__doc__
        return _published

    return decorate


def published_table(
    name: str,
    *,
    ins: Iterable[str] = (),
    deps: Iterable[AssetKey | str] = (),
    code_version: str = CODE_VERSION,
):
    """Decorator: ``fn(context, **inputs) -> DataFrame`` becomes the published asset ``name``
    (see :func:`published_tables` for ``ins``, ``deps`` and empty tables)."""

    def decorate(fn: Callable[..., pd.DataFrame]):
        def one(context, **inputs):
            return {name: fn(context, **inputs)}

        one.__doc__ = fn.__doc__
        return published_tables([name], ins=ins, deps=deps, code_version=code_version)(one)

    return decorate
