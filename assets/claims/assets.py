"""Dagster definitions of the claims family: ``article_claims`` and ``claim_evidence`` (one
multi-asset, so the rules run once), the ``verdict_unchanged`` check on ``article_claims``
and the claims report."""

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    Definitions,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionRecordStatus,
)

from assets.claims.engine import check_claims
from assets.claims.evidence import article_date
from assets.claims.report import ReportInputs, build_report, verdict_changes
from assets.claims.rules import RULES
from assets.leaderboards.history import (
    ARENA_SCORES_KEY,
    LIVEBENCH_HISTORY_KEY,
    livebench_tables_as_of,
    read_arena_history,
)
from pipelines.codeversion import code_version
from pipelines.publish import published_key, published_tables
from pipelines.runlock import publish_lock
from pipelines.settings import PipelineSettings
from pipelines.store import read_parquet

#: Published tables the claim rules read (every non-claims table built by the pipeline).
CLAIM_INPUTS = ["patent_figures", "model_facts", "benchmark_figures", "patent_families",
                "patent_shares", "patent_family_offices", "benchmark_results", "models",
                "training_compute", "arena_scores_latest"]
#: Published tables the report draws besides the claims.
REPORT_INPUTS = ["patent_families", "patent_figures", "benchmark_results", "training_compute",
                 "model_facts", "source_status"]
CLAIMS_KEY = published_key("article_claims")
REPORT_KEY = AssetKey(["published", "claims_report"])
VERDICT_CHECK = "verdict_unchanged"


@published_tables(["article_claims", "claim_evidence"], ins=CLAIM_INPUTS,
                  deps=[ARENA_SCORES_KEY, LIVEBENCH_HISTORY_KEY])
def article_claims(context: AssetExecutionContext, settings: PipelineSettings,
                   **tables: pd.DataFrame):
    """The article's claims with verdicts computed by their rules from the input tables,
    the arena history and ``livebench_summary`` as it stood on ``article.as_of`` (both
    read from their hive folders), and the evidence rows of each (one run of the rules)."""
    data_dir = settings.effective_data_dir()
    history = read_arena_history(data_dir)
    _, lb_summary = livebench_tables_as_of(data_dir, article_date())
    claims, evidence = check_claims(
        {**tables, "arena_scores": history, "livebench_summary": lb_summary}, RULES)
    for row in claims.itertuples():
        context.log.info(f"{row.claim_id}: {row.verdict}")
    return {"article_claims": claims, "claim_evidence": evidence}


def previous_check_verdicts(instance, run_id: str) -> dict[str, str] | None:
    """The verdicts recorded by the last evaluation of :data:`VERDICT_CHECK` in another run
    than ``run_id`` (claim id -> verdict), or None when there is none."""
    key = AssetCheckKey(CLAIMS_KEY, VERDICT_CHECK)
    done = {AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED}
    for rec in instance.event_log_storage.get_asset_check_execution_history(
            key, limit=10, status=done):
        if rec.run_id == run_id or rec.event is None or rec.event.dagster_event is None:
            continue
        meta = rec.event.dagster_event.event_specific_data.metadata
        if "verdicts" in meta:
            return dict(meta["verdicts"].value)
    return None


@asset_check(asset=CLAIMS_KEY, name=VERDICT_CHECK, blocking=False,
             description="Warns when a claim's verdict changed since the previous "
                         "materialization of article_claims, naming the claims and both "
                         "verdicts.")
def verdict_unchanged(context: AssetCheckExecutionContext,
                      settings: PipelineSettings) -> AssetCheckResult:
    """Compare the verdicts of the published ``article_claims`` with those this check
    recorded on its previous evaluation (in the instance); WARN naming each change."""
    path = settings.effective_data_dir() / "published" / "article_claims.parquet"
    claims = read_parquet(path, columns=["claim_id", "verdict"])
    now = dict(zip(claims["claim_id"], claims["verdict"], strict=True))
    before = previous_check_verdicts(context.instance, context.run.run_id)
    changes = verdict_changes(claims, before or {})
    text = "; ".join(f"{c['claim']}: {c['before']} -> {c['after']}" for c in changes)
    return AssetCheckResult(
        passed=not changes, severity=AssetCheckSeverity.WARN,
        description=(f"verdicts changed: {text}" if changes else
                     "no previous verdicts" if before is None else "no verdict changed"),
        metadata={"verdicts": MetadataValue.json(now), "changed": len(changes),
                  "changes": MetadataValue.json(changes)})


def previous_report_verdicts(instance) -> dict[str, str]:
    """The verdicts the last materialization of the report recorded (empty when none)."""
    recs = instance.fetch_materializations(REPORT_KEY, limit=1).records
    meta = recs[0].asset_materialization.metadata if recs else {}
    return dict(meta["verdicts"].value) if "verdicts" in meta else {}


@asset(
    key=REPORT_KEY,
    group_name="claims",
    ins={"article_claims": AssetIn(key=CLAIMS_KEY),
         "claim_evidence": AssetIn(key=published_key("claim_evidence")),
         **{n: AssetIn(key=published_key(n)) for n in REPORT_INPUTS}},
    deps=[ARENA_SCORES_KEY],
    description="The claims report a journalist reads: report.html with the mission's "
                "charts and one chart per claim (SVG and PNG), in <data_dir>/published/report/.",
    kinds={"html", "matplotlib"},
    code_version=code_version(__name__),
)
def claims_report(context: AssetExecutionContext, settings: PipelineSettings,
                  article_claims: pd.DataFrame, claim_evidence: pd.DataFrame,
                  **tables: pd.DataFrame) -> MaterializeResult:
    """Write the report; its metadata keeps the verdicts, so the next report shows changes."""
    data_dir = settings.effective_data_dir()
    previous = previous_report_verdicts(context.instance)
    inputs = ReportInputs(arena_history=read_arena_history(data_dir),
                          previous_verdicts=previous, **tables)
    with publish_lock(data_dir):  # the page and its charts, one run's set at a time
        written = build_report(article_claims, claim_evidence,
                               data_dir / "published" / "report", inputs)
    counts = article_claims["verdict"].value_counts().to_dict()
    changes = verdict_changes(article_claims, previous)
    return MaterializeResult(metadata={
        "html": MetadataValue.path(str(written["html"])),
        "charts": sum(k.startswith("chart:") for k in written),
        "charts_without_data": MetadataValue.json(
            sorted(k.split(":", 1)[1] for k in written if k.startswith("missing:"))),
        "verdicts": MetadataValue.json(dict(zip(article_claims["claim_id"],
                                                article_claims["verdict"], strict=True))),
        "verdict_changes": MetadataValue.json(changes),
        **{f"verdict_{k}": int(v) for k, v in counts.items()},
    })


defs = Definitions(assets=[article_claims, claims_report], asset_checks=[verdict_unchanged])
