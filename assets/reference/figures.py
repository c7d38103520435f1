"""Curated reference figures with citations: the embedded default of every offline run.

``patent_figures.yaml``, ``model_facts.yaml`` and ``benchmark_figures.yaml`` beside this
module were carried from ``shared/reference/*.csv`` (see ``tools/import_reference.py``).
Each figure keeps its citation (publisher, title, url), locator, status (how sure it is:
``primary_text``, ``secondary_news``, ``unconfirmed`` ...) and note. They are published as
the tables ``patent_figures``, ``model_facts`` and ``benchmark_figures``
(:data:`assets.reference.tables.REFERENCE_TABLES`).

Each YAML file has ``columns`` (the figure's fields), ``citations`` (id -> publisher, title,
url) and ``figures`` (one mapping per figure, its ``citation`` an id of ``citations``).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from assets.reference.tables import REFERENCE_TABLES
from pipelines.yamlfile import load_yaml

HERE = Path(__file__).parent

#: Fields of a figure taken from its citation.
CITATION_FIELDS = ("publisher", "title", "url")


class ReferenceFileError(ValueError):
    """A reference YAML file is malformed (names the file and the figure)."""


@cache
def _load(name: str) -> pd.DataFrame:
    path = HERE / f"{name}.yaml"
    doc = load_yaml(path)
    citations = doc["citations"]
    rows = []
    for i, fig in enumerate(doc["figures"]):
        cid = fig.get("citation")
        if cid not in citations:
            raise ReferenceFileError(f"{path.name}: figure {i} cites unknown citation {cid!r}")
        row = {c: fig.get(c) for c in doc["columns"] if c not in CITATION_FIELDS}
        row.update({k: citations[cid].get(k) for k in CITATION_FIELDS})
        row["citation_id"] = cid
        rows.append(row)
    df = pd.DataFrame(rows)
    df["value_text"] = df["value"].astype("string")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    return df


def load_reference(name: str) -> pd.DataFrame:
    """One reference table (``patent_figures``, ``model_facts`` or ``benchmark_figures``)
    as a DataFrame with the columns of its spec in :mod:`assets.reference.tables`.

    ``value`` is float64 (NaN where the figure is not a number, e.g. a date or a license);
    ``value_text`` is the figure exactly as cited. All other columns are strings.

    Raises:
        KeyError: ``name`` is not a reference table; ReferenceFileError: a figure cites an
        unknown citation.
    """
    specs = {spec.name: spec for spec in REFERENCE_TABLES}
    if name not in specs:
        raise KeyError(f"no reference table {name!r}; known: {sorted(specs)}")
    columns = specs[name].column_names
    df = _load(name).copy()
    for col in columns:
        if col not in df.columns:
            df[col] = None
    return df[columns]
