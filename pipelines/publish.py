"""Write-audit-publish: a published-table asset validates its DataFrame before writing it.

:func:`published_table` turns a function returning a DataFrame into a Dagster asset
``["published", <table>]`` that

1. computes the DataFrame,
2. runs the table's GX suite (``expectations/<table>.json``) and yields the result as the
   blocking asset check ``expectation_suite``,
3. yields the output (written by the Parquet IO manager) only when no critical expectation
   failed; otherwise it yields nothing, so the last good file stays and downstream assets
   do not run.
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
    MetadataValue,
    Output,
    asset,
)

from pipelines.io_managers import column_schema
from pipelines.quality import validate_frame
from pipelines.schemas import table

CODE_VERSION = "1"


def published_key(name: str) -> AssetKey:
    """Asset key of a published table: ``["published", name]``."""
    return AssetKey(["published", name])


def published_table(
    name: str,
    *,
    ins: Iterable[str] = (),
    deps: Iterable[AssetKey | str] = (),
    code_version: str = CODE_VERSION,
):
    """Decorator: ``fn(context, **inputs) -> DataFrame`` becomes the published asset ``name``.

    ``ins`` names other published tables loaded as DataFrames (keyword arguments of ``fn``);
    ``deps`` are upstream assets read by other means (snapshot assets). ``fn`` may use
    ``context.resources.settings`` (:class:`pipelines.resources.PipelineSettings`).

    A table whose source has no snapshot yet (offline, fresh checkout) is published empty:
    ``fn`` returns an empty frame with ``df.attrs["no_source"]`` saying why; the suite check
    then passes as skipped, and the reason is in the check and output metadata.
    """
    spec = table(name)
    key = published_key(name)

    def decorate(fn: Callable[..., pd.DataFrame]):
        @asset(
            key=key,
            group_name=spec.group,
            description=f"{spec.title}. {spec.description}",
            io_manager_key="parquet_io",
            ins={n: AssetIn(key=published_key(n)) for n in ins},
            deps=list(deps),
            required_resource_keys={"settings"},
            check_specs=[AssetCheckSpec(
                name="expectation_suite", asset=key, blocking=True,
                description=f"GX suite expectations/{name}.json (critical failures block "
                            "publishing)",
            )],
            output_required=False,
            code_version=code_version,
            metadata={
                "dagster/column_schema": column_schema(spec),
                "primary_key": ", ".join(spec.primary_key),
                "license": spec.license,
            },
            kinds={"pandas", "parquet"},
        )
        def _published(context: AssetExecutionContext, **inputs):
            df = fn(context, **inputs)
            no_source = df.attrs.get("no_source")
            if no_source and df.empty:
                context.log.warning(f"published/{name}: published empty: {no_source}")
                yield AssetCheckResult(
                    check_name="expectation_suite", asset_key=key, passed=True,
                    metadata={"rows": 0, "skipped": f"empty table, no source: {no_source}"},
                )
                yield Output(df, metadata={"empty_because": no_source})
                return
            result = validate_frame(df, name)
            failed = result.failed
            severity = (AssetCheckSeverity.ERROR if result.critical_failed
                        else AssetCheckSeverity.WARN)
            yield AssetCheckResult(
                check_name="expectation_suite",
                asset_key=key,
                passed=not failed,
                severity=severity,
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
            yield Output(df)

        _published.__doc__ = fn.__doc__
        return _published

    return decorate
