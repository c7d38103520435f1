"""Published-table assets ``["published", <table>]``: thin bodies over the domain modules.

Each body builds a DataFrame with a plain function (``assets.reference``, ``assets.sources``,
``assets.claims`` ...); :func:`pipelines.publish.published_table` validates it with its GX
suite before the Parquet IO manager writes it.
"""

import pandas as pd
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from assets.claims import check_claims
from assets.reference import load_reference
from assets.registry import load_sources
from assets.snapshot_assets import snapshot_key
from assets.sources import read_status
from pipelines.catalog import write_datapackage
from pipelines.io_managers import SOURCE_SNAPSHOTS_ATTR
from pipelines.publish import published_key, published_table


def _reference_asset(name: str):
    @published_table(name)
    def _ref(context: AssetExecutionContext) -> pd.DataFrame:
        df = load_reference(name)
        df.attrs[SOURCE_SNAPSHOTS_ATTR] = [{"reference": f"assets/reference/{name}.yaml",
                                            "carried_from": f"shared/reference/{name}.csv"}]
        return df

    return _ref


REFERENCE_ASSETS = [_reference_asset(n) for n in
                    ("patent_figures", "model_facts", "benchmark_figures")]


@published_table("source_status", deps=[snapshot_key(s) for s in load_sources()])
def source_status(context: AssetExecutionContext) -> pd.DataFrame:
    """One row per source request of the last run (from ``<data_dir>/status``)."""
    return read_status(context.resources.settings.status_dir())


#: Published tables the claim rules read (every non-claims table built by the pipeline).
CLAIM_INPUTS = ["patent_figures", "model_facts", "benchmark_figures"]


@published_table("article_claims", ins=CLAIM_INPUTS)
def article_claims(context: AssetExecutionContext, **tables: pd.DataFrame) -> pd.DataFrame:
    """The article's claims with verdicts computed by their rules from the input tables."""
    claims, _ = check_claims(tables)
    for row in claims.itertuples():
        context.log.info(f"{row.claim_id}: {row.verdict}")
    return claims


@published_table("claim_evidence", ins=["article_claims", *CLAIM_INPUTS])
def claim_evidence(context: AssetExecutionContext, article_claims: pd.DataFrame,
                   **tables: pd.DataFrame) -> pd.DataFrame:
    """The evidence rows of each claim (the same rules, at the same ``checked_at``)."""
    checked_at = pd.Timestamp(article_claims["checked_at"].max()).to_pydatetime()
    _, evidence = check_claims(tables, now=checked_at)
    return evidence


PUBLISHED_ASSETS = [*REFERENCE_ASSETS, source_status, article_claims, claim_evidence]


def _published_names() -> list[str]:
    return [k.path[-1] for a in PUBLISHED_ASSETS for k in a.keys]


@asset(
    key=AssetKey(["published", "datapackage"]),
    group_name="catalog",
    deps=[published_key(n) for n in _published_names()],
    required_resource_keys={"settings"},
    description="Frictionless datapackage.json describing every published table, column, "
                "type, unit, license and source.",
    kinds={"json"},
)
def datapackage(context: AssetExecutionContext) -> MaterializeResult:
    published = context.resources.settings.effective_data_dir() / "published"
    path, descriptor = write_datapackage(published)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "resources": len(descriptor["resources"]),
        "tables": MetadataValue.md("\n".join(
            f"- `{r['name']}`: {r['rows']} rows, {len(r['schema']['fields'])} columns"
            for r in descriptor["resources"])),
    })
