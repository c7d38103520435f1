"""Does each reference figure agree with its primary source?

The curated reference figures (``assets/reference``) are the offline default; a live run
recomputes what it can from the upstream files. :func:`reference_agreement` pairs every
reference figure that has a machine-readable primary source with the value the pipeline
computed from it:

- ``benchmark_figures`` kind ``model_card_benchmark`` <-> ``benchmark_results`` (same card
  at the same commit, table, model name as printed, benchmark, metric);
- kind ``arena_score`` <-> the arena history (version date, model name as printed);
- kind ``livebench_global`` <-> ``livebench_summary`` (release, model, category global);
- ``patent_figures`` status ``data_file`` <-> ``patent_families`` (country, field All,
  year, applications).

Published as ``reference_agreement``; its suite warns on any ``disagrees`` row.
"""
from __future__ import annotations

import pandas as pd
import pycountry

from assets.models.cards import source_document_for
from pipelines.tables import register, FLOAT, STR, Column, TableSpec

#: Largest difference that still counts as agreement, by kind (the reference rounds
#: LiveBench means to 2 decimals; other figures are copied digits).
TOLERANCE = {"model_card_benchmark": 1e-9, "arena_score": 1e-9, "livebench_global": 0.005,
             "patent_families": 1e-9}

COLUMNS = ["reference_table", "kind", "reference_key", "reference_value", "primary_table",
           "primary_key", "primary_value", "difference", "status", "note"]


def _row(kind, ref_table, ref_key, ref_value, primary_table, hits: pd.DataFrame,
         value_col: str, key_fn) -> dict:
    row = {"reference_table": ref_table, "kind": kind, "reference_key": ref_key,
           "reference_value": ref_value, "primary_table": primary_table,
           "primary_key": None, "primary_value": None, "difference": None, "note": None}
    if hits is None:
        row.update(status="no_primary_data", note=f"{primary_table} is empty (no snapshot)")
    elif len(hits) != 1:
        row.update(status="not_found" if len(hits) == 0 else "ambiguous",
                   note=f"{len(hits)} matching rows in {primary_table}")
    else:
        hit = hits.iloc[0]
        value = float(hit[value_col])
        diff = value - float(ref_value)
        row.update(primary_key=key_fn(hit), primary_value=value, difference=diff,
                   status="agrees" if abs(diff) <= TOLERANCE[kind] else "disagrees")
    return row


def _bench_key(h) -> str:
    return (f"{h['source_document']} / {h['table']} / {h['model_name_raw']} / "
            f"{h['benchmark']} / {h['metric']}")


def _present(df: pd.DataFrame | None) -> pd.DataFrame | None:
    return df if df is not None and len(df) else None


def reference_agreement(benchmark_figures: pd.DataFrame, patent_figures: pd.DataFrame,
                        benchmark_results: pd.DataFrame | None = None,
                        arena_history: pd.DataFrame | None = None,
                        livebench_summary: pd.DataFrame | None = None,
                        patent_families: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per reference figure with a machine-readable primary source.

    Returns the columns of the ``reference_agreement`` table: ``status`` is ``agrees``,
    ``disagrees``, ``not_found`` (the primary table has no such row), ``ambiguous`` or
    ``no_primary_data`` (the primary table is empty: offline without snapshots);
    ``difference`` = primary - reference, in the figure's unit.
    """
    rows = []
    bench, hist, lbs = _present(benchmark_results), _present(arena_history), \
        _present(livebench_summary)
    fams = _present(patent_families)
    for r in benchmark_figures.to_dict("records"):
        kind = r["kind"]
        key = f"{r['name_in_source']} / {r['measure']} / {r['metric']} / {r['title']}"
        hits = None
        if kind == "model_card_benchmark":
            if bench is not None:
                suffix = str(r["title"]).split(", ", 1)[-1]
                hits = bench[(bench["source_document"] == source_document_for(r["url"]))
                             & (bench["model_name_raw"] == r["name_in_source"])
                             & (bench["benchmark"] == r["measure"])
                             & bench["table"].str.endswith(suffix)]
                if len(hits) > 1:
                    hits = hits[hits["metric"] == r["metric"]]
            primary, value_col, key_fn = "benchmark_results", "value", _bench_key
        elif kind == "arena_score":
            primary, value_col = "arena_scores", "score"
            key_fn = lambda h: f"{h['snapshot_date']} / {h['model_name_raw']}"  # noqa: E731
            if hist is not None:
                hits = hist[(hist["snapshot_date"].astype(str) == str(r["date"]))
                            & (hist["model_name_raw"] == r["name_in_source"])]
        elif kind == "livebench_global":
            primary, value_col = "livebench_summary", "score"
            key_fn = lambda h: f"{h['release']} / {h['model_name_raw']} / global"  # noqa: E731
            release = str(r["category"]).removeprefix("release ").strip()
            if lbs is not None:
                hits = lbs[(lbs["release"].astype(str) == release)
                           & (lbs["model_name_raw"] == r["name_in_source"])
                           & (lbs["category"] == "global")]
        else:
            continue
        rows.append(_row(kind, "benchmark_figures", key, r["value"], primary, hits,
                         value_col, key_fn))
    cat = patent_figures[patent_figures["status"] == "data_file"]
    for r in cat.to_dict("records"):
        key = f"{r['area']} / {r['period']} / {r['metric']}"
        hits = None
        if fams is not None:
            iso3 = pycountry.countries.lookup(r["area"]).alpha_3
            hits = fams[(fams["country_iso3"] == iso3) & (fams["field"] == "All")
                        & (fams["year"].astype(str) == str(r["period"]))]
        rows.append(_row("patent_families", "patent_figures", key, r["value"],
                         "patent_families", hits, "applications",
                         lambda h: f"{h['country_iso3']} / {h['field']} / {h['year']}"))
    return pd.DataFrame(rows, columns=COLUMNS)


TABLES = register(
    TableSpec(
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
    ),
)
