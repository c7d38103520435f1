"""Dagster definitions of the claims family: ``article_claims`` and ``claim_evidence`` (one
multi-asset, so the rules run once) and the claims report."""
import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    Definitions,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.claims.engine import check_claims
from assets.claims.report import build_report
from assets.claims.rules import RULES
from assets.leaderboards.history import ARENA_SCORES_KEY, read_arena_history
from pipelines.publish import published_key, published_tables
from pipelines.settings import PipelineSettings

#: Published tables the claim rules read (every non-claims table built by the pipeline).
CLAIM_INPUTS = ["patent_figures", "model_facts", "benchmark_figures", "patent_families",
                "patent_shares", "patent_family_offices", "benchmark_results", "models",
                "training_compute", "arena_scores_latest", "livebench_summary"]


@published_tables(["article_claims", "claim_evidence"], ins=CLAIM_INPUTS,
                  deps=[ARENA_SCORES_KEY])
def article_claims(context: AssetExecutionContext, settings: PipelineSettings,
                   **tables: pd.DataFrame):
    """The article's claims with verdicts computed by their rules from the input tables
    (and the arena history, read from its hive folder), and the evidence rows of each (one
    run of the rules)."""
    history = read_arena_history(settings.effective_data_dir())
    claims, evidence = check_claims({**tables, "arena_scores": history}, RULES)
    for row in claims.itertuples():
        context.log.info(f"{row.claim_id}: {row.verdict}")
    return {"article_claims": claims, "claim_evidence": evidence}


@asset(
    key=AssetKey(["published", "claims_report"]),
    group_name="claims",
    ins={"article_claims": AssetIn(key=published_key("article_claims")),
         "claim_evidence": AssetIn(key=published_key("claim_evidence"))},
    description="The claims report a person can read: report.html / report.md with one "
                "chart per claim, in <data_dir>/published/report/.",
    kinds={"html", "matplotlib"},
)
def claims_report(settings: PipelineSettings, article_claims: pd.DataFrame,
                  claim_evidence: pd.DataFrame) -> MaterializeResult:
    out = settings.effective_data_dir() / "published" / "report"
    written = build_report(article_claims, claim_evidence, out)
    counts = article_claims["verdict"].value_counts().to_dict()
    return MaterializeResult(metadata={
        "html": MetadataValue.path(str(written["html"])),
        "charts": sum(k.startswith("chart:") for k in written),
        **{f"verdict_{k}": int(v) for k, v in counts.items()},
        "report": MetadataValue.md(written["markdown"].read_text(encoding="utf-8")[:20000]),
    })


defs = Definitions(assets=[article_claims, claims_report])
