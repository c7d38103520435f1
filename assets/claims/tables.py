"""The claims domain's published tables: ``article_claims`` (one row per claim of
``assets/claims/claims.yaml`` with its computed verdict) and ``claim_evidence`` (the rows of
published tables each verdict rests on), registered with :func:`pipelines.tables.register`.
"""
from __future__ import annotations

from assets.registry import load_sources
from pipelines.tables import (
    BOOL,
    DATE,
    FLOAT,
    INT16,
    STR,
    TIMESTAMP,
    Column,
    TableSpec,
    register,
)

#: The claims rest on every registered source (patents, model cards, the Hub, leaderboards),
#: through the tables the rules read; listed in the Parquet metadata and the catalog.
CLAIM_SOURCES = tuple(load_sources())

#: ``article_claims`` then ``claim_evidence``.
TABLES = register(
    TableSpec(
        name="article_claims",
        title="The article's claims, re-checked",
        description=(
            "One row per claim of the article (assets/claims/claims.yaml), with the "
            "verdict computed from the published tables by the claim's rule "
            "(assets/claims/rules/)."
        ),
        group="claims",
        sources=CLAIM_SOURCES,
        primary_key=("claim_id",),
        license="CC BY 4.0 (this project's verdicts); evidence under its sources' licenses",
        columns=(
            Column("claim_id", STR, "Stable claim id (assets/claims/claims.yaml)", nullable=False),
            Column("claim", STR, "What the article says (English paraphrase)", nullable=False),
            Column("claimed_value", STR, "The value as the article states it", nullable=False),
            Column("claimed_unit", STR, "Unit or kind of the claimed value", nullable=False),
            Column("claimed_low", FLOAT, "Lower bound of a numeric claim (claimed_unit)"),
            Column("claimed_high", FLOAT, "Upper bound of a numeric claim (claimed_unit)"),
            Column("evidence_value", FLOAT, "Headline value the evidence gives (evidence_unit)"),
            Column("evidence_unit", STR, "Unit of evidence_value"),
            Column("evidence_text", STR, "Non-numeric headline evidence (a date, a license)"),
            Column("verdict", STR, "supported, partly_supported, contradicted, disputed or "
                   "unverifiable (meanings in assets/claims/claims.yaml)", nullable=False),
            Column("explanation", STR, "One-line explanation written by the rule",
                   nullable=False),
            Column("evidence_kind", STR, "primary_data, primary_text, secondary_report or none",
                   nullable=False),
            Column("sources", STR, "Source documents and publishers of the evidence, '; '-joined"),
            Column("evidence_rows", INT16, "Number of rows in claim_evidence for this claim",
                   unit="rows", nullable=False),
            Column("rule", STR, "The written rule for judgement words, from claims.yaml"),
            Column("rule_error", BOOL, "True when the rule raised; the explanation says why",
                   nullable=False),
            Column("checked_at", TIMESTAMP, "When the rule ran (UTC)", nullable=False),
        ),
    ),
    TableSpec(
        name="claim_evidence",
        title="Evidence rows behind each claim's verdict",
        description="Every row of a published table a claim rule used, with its source.",
        group="claims",
        sources=CLAIM_SOURCES,
        primary_key=("claim_id", "seq"),
        license="as the table each row comes from",
        columns=(
            Column("claim_id", STR, "Claim id", nullable=False),
            Column("seq", INT16, "Order of the row within the claim's evidence", nullable=False),
            Column("table", STR, "Published table the row comes from", nullable=False),
            Column("key", STR, "Key of the row in that table", nullable=False),
            Column("value", FLOAT, "Value of the row (unit)"),
            Column("value_text", STR, "Value of a row that is not a number (a date "
                   "YYYY-MM-DD, a license, a short text)"),
            Column("unit", STR, "Unit of value"),
            Column("source_document", STR, "Document or snapshot the value comes from",
                   nullable=False),
            Column("publisher", STR, "Publisher of the source document", nullable=False),
            Column("note", STR, "How the row was used"),
            Column("evaluator", STR, "Who measured the value (model-comparison claims: "
                   "LMArena, LiveBench or the model maker whose table it is)"),
            Column("independent", BOOL, "True: an independent evaluator of claims.yaml "
                   "evidence_hierarchy; False: a model maker's own evaluation; null: not a "
                   "model comparison"),
            Column("observed_on", DATE, "Day the value was read from its source (leaderboard "
                   "version, reference table state); null when the source gives none"),
            Column("later_than_article", BOOL, "True: observed after the article's date "
                   "(claims.yaml article.as_of), so listed but not counted in the verdict",
                   nullable=False),
        ),
    ),
)
