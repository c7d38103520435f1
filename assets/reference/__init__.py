"""Curated reference figures with citations: the embedded default of every offline run.

``patent_figures.yaml``, ``model_facts.yaml`` and ``benchmark_figures.yaml`` beside this
module were carried from ``shared/reference/*.csv`` (see ``tools/import_reference.py``).
Each figure keeps its citation (publisher, title, url), locator, status (how sure it is:
``primary_text``, ``secondary_news``, ``unconfirmed`` ...) and note. They are published as
the tables ``patent_figures``, ``model_facts`` and ``benchmark_figures``.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from pipelines.tables import register, FLOAT, STR, Column, TableSpec

HERE = Path(__file__).parent


class ReferenceError(ValueError):
    """A reference YAML file is malformed (names the file and the figure)."""


@cache
def _load(name: str) -> pd.DataFrame:
    path = HERE / f"{name}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    citations = doc["citations"]
    rows = []
    for i, fig in enumerate(doc["figures"]):
        cid = fig.get("citation")
        if cid not in citations:
            raise ReferenceError(f"{path.name}: figure {i} cites unknown citation {cid!r}")
        row = {c: fig.get(c) for c in doc["columns"] if c not in ("publisher", "title", "url")}
        row.update({k: citations[cid].get(k) for k in ("publisher", "title", "url")})
        row["citation_id"] = cid
        rows.append(row)
    df = pd.DataFrame(rows)
    df["value_text"] = df["value"].astype("string")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    return df


def load_reference(name: str) -> pd.DataFrame:
    """One reference table as a DataFrame with the columns of its :data:`TABLES` spec.

    ``value`` is float64 (NaN where the figure is not a number, e.g. a date or a license);
    ``value_text`` is the figure exactly as cited. All other columns are strings.

    Raises:
        FileNotFoundError: no such reference file; ReferenceError: a figure cites an unknown
        citation.
    """
    spec = next(t for t in TABLES if t.name == name)
    df = _load(name).copy()
    for col in spec.column_names:
        if col not in df.columns:
            df[col] = None
    return df[spec.column_names]


def _citation_columns() -> tuple[Column, ...]:
    return (
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


_LICENSE = "figures as cited; each row under its publisher's terms (see url)"

TABLES = register(
    TableSpec(
        name="patent_figures",
        title="Reference figures on AI patents (with citations)",
        description="Figures from reports with no machine-readable source (AI Index, WIPO, "
        "R&D World, ETO CAT snapshot), each with citation and certainty.",
        group="reference",
        primary_key=("claim", "metric", "area", "period", "title"),
        license=_LICENSE,
        columns=(
            Column("claim", STR, "Claim id the figure bears on (or 'context')", nullable=False),
            Column("metric", STR, "What is measured", nullable=False),
            Column("area", STR, "Country or region as the source names it", nullable=False),
            Column("period", STR, "Year, year range or date the figure refers to",
                   nullable=False),
        ) + _citation_columns(),
    ),
    TableSpec(
        name="model_facts",
        title="Reference facts on the article's models (with citations)",
        description="Release dates, licenses, sizes and training compute of the models, "
        "from model cards, technical reports and announcements.",
        group="reference",
        primary_key=("model", "fact"),
        license=_LICENSE,
        columns=(
            Column("model", STR, "Model id of assets/registry/models.yaml", nullable=False),
            Column("fact", STR, "Which fact (release_date, license_weights, "
                   "training_gpu_hours_total, ...)", nullable=False),
        ) + _citation_columns(),
    ),
    TableSpec(
        name="benchmark_figures",
        title="Reference benchmark, arena and LiveBench figures (with citations)",
        description="The benchmark-table cells, arena scores and LiveBench averages the "
        "model claims rest on, as cited.",
        group="reference",
        primary_key=("kind", "model", "name_in_source", "measure", "metric", "date", "title"),
        license=_LICENSE,
        columns=(
            Column("kind", STR, "model_card_benchmark, arena_score or livebench_global",
                   nullable=False),
            Column("model", STR, "Model id of assets/registry/models.yaml", nullable=False),
            Column("name_in_source", STR, "Model name as the source prints it",
                   nullable=False),
            Column("measure", STR, "Benchmark or measure", nullable=False),
            Column("metric", STR, "Metric of the measure (EM, Pass@1, Elo-style rating)"),
            Column("category", STR, "Category of the benchmark in its source table"),
            Column("date", STR, "Version date of the source (leaderboards), else empty"),
        ) + _citation_columns(),
    ),
)
