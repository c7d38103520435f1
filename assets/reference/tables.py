"""The published tables of the reference domain, registered with
:func:`pipelines.tables.register`: the curated figures ``patent_figures``, ``model_facts``
and ``benchmark_figures`` (read by :mod:`assets.reference.figures`), and
``reference_agreement`` (computed by :mod:`assets.reference.agreement`).
"""
from __future__ import annotations

from pipelines.tables import FLOAT, STR, Column, TableSpec, register

#: License of the three curated tables.
REFERENCE_LICENSE = "figures as cited; each row under its publisher's terms (see url)"

#: The figure and its citation: the last columns of each curated table.
CITATION_COLUMNS = (
    Column("value", FLOAT, "The figure as a number (null when not numeric)", unit="see unit"),
    Column("value_text", STR, "The figure exactly as cited (null: not disclosed)"),
    Column("unit", STR, "Unit of the figure"),
    Column("publisher", STR, "Who published the figure", nullable=False),
    Column("title", STR, "Document the figure is cited from"),
    Column("locator", STR, "Where in the document (figure, page, section)"),
    Column("url", STR, "Address of the document"),
    Column("status", STR, "How sure the figure is (primary_text, primary_data, "
           "secondary_*, unverified, unconfirmed, not_disclosed, derived, data_file)",
           nullable=False),
    Column("note", STR, "Caveats and context of the citation"),
    Column("citation_id", STR, "Id of the citation in assets/reference/*.yaml",
           nullable=False),
)

#: ``model`` of ``model_facts`` and ``benchmark_figures``.
MODEL = Column("model", STR, "Model id of assets/registry/models.yaml", nullable=False)

PATENT_FIGURES = TableSpec(
    name="patent_figures",
    title="Reference figures on AI patents (with citations)",
    description="Figures from reports with no machine-readable source (AI Index, WIPO, "
    "R&D World, ETO CAT snapshot), each with citation and certainty.",
    group="reference",
    primary_key=("claim", "metric", "area", "period", "title"),
    license=REFERENCE_LICENSE,
    columns=(
        Column("claim", STR, "Claim id the figure bears on (or 'context')", nullable=False),
        Column("metric", STR, "What is measured", nullable=False),
        Column("area", STR, "Country or region as the source names it", nullable=False),
        Column("period", STR, "Year, year range or date the figure refers to",
               nullable=False),
    ) + CITATION_COLUMNS,
)

MODEL_FACTS = TableSpec(
    name="model_facts",
    title="Reference facts on the article's models (with citations)",
    description="Release dates, licenses, sizes and training compute of the models, "
    "from model cards, technical reports and announcements.",
    group="reference",
    primary_key=("model", "fact"),
    license=REFERENCE_LICENSE,
    columns=(
        MODEL,
        Column("fact", STR, "Which fact (release_date, license_weights, "
               "training_gpu_hours_total, ...)", nullable=False),
    ) + CITATION_COLUMNS,
)

BENCHMARK_FIGURES = TableSpec(
    name="benchmark_figures",
    title="Reference benchmark, arena and LiveBench figures (with citations)",
    description="The benchmark-table cells, arena scores and LiveBench averages the "
    "model claims rest on, as cited.",
    group="reference",
    primary_key=("kind", "model", "name_in_source", "measure", "metric", "date", "title"),
    license=REFERENCE_LICENSE,
    columns=(
        Column("kind", STR, "model_card_benchmark, arena_score or livebench_global",
               nullable=False),
        MODEL,
        Column("name_in_source", STR, "Model name as the source prints it",
               nullable=False),
        Column("measure", STR, "Benchmark or measure", nullable=False),
        Column("metric", STR, "Metric of the measure (EM, Pass@1, Elo-style rating)"),
        Column("category", STR, "Category of the benchmark in its source table"),
        Column("date", STR, "Version date of the source (leaderboards), else empty"),
    ) + CITATION_COLUMNS,
)

REFERENCE_AGREEMENT = TableSpec(
    name="reference_agreement",
    title="Reference figures checked against their primary sources",
    description="Each curated reference figure that has a machine-readable primary "
    "source, next to the value the pipeline computed from that source, and whether they "
    "agree. no_primary_data: the primary table is empty (offline, no snapshot).",
    group="reference",
    primary_key=("reference_table", "kind", "reference_key"),
    license="CC BY 4.0 (this project's comparison); values under their sources' terms",
    columns=(
        Column("reference_table", STR, "Reference table of the figure", nullable=False),
        Column("kind", STR, "model_card_benchmark, arena_score, livebench_global or "
               "patent_families", nullable=False),
        Column("reference_key", STR, "The figure's key in the reference table",
               nullable=False),
        Column("reference_value", FLOAT, "The reference figure", unit="the figure's unit"),
        Column("primary_table", STR, "Table computed from the primary source",
               nullable=False),
        Column("primary_key", STR, "Key of the matching row in the primary table"),
        Column("primary_value", FLOAT, "The value computed from the primary source",
               unit="the figure's unit"),
        Column("difference", FLOAT, "primary_value - reference_value",
               unit="the figure's unit"),
        Column("status", STR, "agrees, disagrees, not_found, ambiguous or "
               "no_primary_data", nullable=False),
        Column("note", STR, "Why no value was compared"),
    ),
)

#: The curated tables, each read from ``assets/reference/<name>.yaml``.
REFERENCE_TABLES = (PATENT_FIGURES, MODEL_FACTS, BENCHMARK_FIGURES)

TABLES = register(*REFERENCE_TABLES, REFERENCE_AGREEMENT)
