"""Does each reference figure agree with its primary source?

The curated reference figures (``assets/reference``) are the offline default; a live run
recomputes what it can from the upstream files. :func:`agreement_rows` pairs every
reference figure that has a machine-readable primary source with the value the pipeline
computed from it:

- ``benchmark_figures`` kind ``model_card_benchmark`` <-> ``benchmark_results`` (same card
  at the same commit, table, model name as printed, benchmark, metric);
- kind ``arena_score`` <-> the arena history (version date, model name as printed);
- kind ``livebench_global`` <-> ``livebench_summary`` (release, model, category global);
- ``patent_figures`` status ``data_file`` <-> ``patent_families`` (country, field All,
  year, applications).

Published as ``reference_agreement`` (spec in :mod:`assets.reference.tables`); its suite
warns on any ``disagrees`` row.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from assets.models.cards import source_document_for
from assets.reference.tables import REFERENCE_AGREEMENT
from pipelines.tables import present

#: Largest difference that still counts as agreement, by kind (the reference rounds
#: LiveBench means to 2 decimals; other figures are copied digits).
TOLERANCE = {"model_card_benchmark": 1e-9, "arena_score": 1e-9, "livebench_global": 0.005,
             "patent_families": 1e-9}


def _row(kind, ref_table, ref_key, ref_value, primary_table, hits: pd.DataFrame | None,
         value_col: str, key_fn: Callable[[pd.Series], str]) -> dict:
    """One ``reference_agreement`` row: the figure against the single row of ``hits``
    (``hits`` None: the primary table is empty)."""
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


def _card_hits(bench: pd.DataFrame, r: dict) -> pd.DataFrame:
    suffix = str(r["title"]).split(", ", 1)[-1]
    hits = bench[(bench["source_document"] == source_document_for(r["url"]))
                 & (bench["model_name_raw"] == r["name_in_source"])
                 & (bench["benchmark"] == r["measure"])
                 & bench["table"].str.endswith(suffix)]
    if len(hits) > 1:
        hits = hits[hits["metric"] == r["metric"]]
    return hits


def _card_key(h) -> str:
    return (f"{h['source_document']} / {h['table']} / {h['model_name_raw']} / "
            f"{h['benchmark']} / {h['metric']}")


def _arena_hits(history: pd.DataFrame, r: dict) -> pd.DataFrame:
    return history[(history["snapshot_date"].astype(str) == str(r["date"]))
                   & (history["model_name_raw"] == r["name_in_source"])]


def _arena_key(h) -> str:
    return f"{h['snapshot_date']} / {h['model_name_raw']}"


def _livebench_hits(summary: pd.DataFrame, r: dict) -> pd.DataFrame:
    release = str(r["category"]).removeprefix("release ").strip()
    return summary[(summary["release"].astype(str) == release)
                   & (summary["model_name_raw"] == r["name_in_source"])
                   & (summary["category"] == "global")]


def _livebench_key(h) -> str:
    return f"{h['release']} / {h['model_name_raw']} / global"


def _families_key(h) -> str:
    return f"{h['country_iso3']} / {h['field']} / {h['year']}"


#: Per kind of benchmark figure: primary table, its value column, the key of a primary
#: row, and the primary rows matching a figure.
BENCHMARK_KINDS = {
    "model_card_benchmark": ("benchmark_results", "value", _card_key, _card_hits),
    "arena_score": ("arena_scores", "score", _arena_key, _arena_hits),
    "livebench_global": ("livebench_summary", "score", _livebench_key, _livebench_hits),
}


def _benchmark_rows(benchmark_figures: pd.DataFrame,
                    primaries: dict[str, pd.DataFrame | None]) -> list[dict]:
    """Rows for the benchmark figures of :data:`BENCHMARK_KINDS` (``primaries`` by kind,
    None when empty); figures of other kinds have no primary source and are skipped."""
    rows = []
    for r in benchmark_figures.to_dict("records"):
        kind = r["kind"]
        if kind not in BENCHMARK_KINDS:
            continue
        primary, value_col, key_fn, match = BENCHMARK_KINDS[kind]
        data = primaries[kind]
        hits = None if data is None else match(data, r)
        key = f"{r['name_in_source']} / {r['measure']} / {r['metric']} / {r['title']}"
        rows.append(_row(kind, "benchmark_figures", key, r["value"], primary, hits,
                         value_col, key_fn))
    return rows


def _patent_rows(patent_figures: pd.DataFrame, families: pd.DataFrame | None) -> list[dict]:
    """Rows for the patent figures cited from a data file (status ``data_file``), against
    ``patent_families`` applications (country, field All, year)."""
    import pycountry  # here, not at module level: off the definitions' load

    rows = []
    cited = patent_figures[patent_figures["status"] == "data_file"]
    for r in cited.to_dict("records"):
        key = f"{r['area']} / {r['period']} / {r['metric']}"
        hits = None
        if families is not None:
            iso3 = pycountry.countries.lookup(r["area"]).alpha_3
            hits = families[(families["country_iso3"] == iso3) & (families["field"] == "All")
                            & (families["year"].astype(str) == str(r["period"]))]
        rows.append(_row("patent_families", "patent_figures", key, r["value"],
                         "patent_families", hits, "applications", _families_key))
    return rows


def agreement_rows(benchmark_figures: pd.DataFrame, patent_figures: pd.DataFrame,
                   benchmark_results: pd.DataFrame | None = None,
                   arena_history: pd.DataFrame | None = None,
                   livebench_summary: pd.DataFrame | None = None,
                   patent_families: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table ``reference_agreement``: one row per reference figure with a machine-readable
    primary source.

    Inputs are the published tables of those names (``arena_history``: the arena history,
    columns ``snapshot_date``, ``model_name_raw``, ``score``); an absent or empty primary
    table gives ``no_primary_data`` rows.

    Returns the columns of the ``reference_agreement`` spec: ``status`` is ``agrees``,
    ``disagrees``, ``not_found`` (the primary table has no such row), ``ambiguous`` or
    ``no_primary_data`` (the primary table is empty: offline without snapshots);
    ``reference_value``, ``primary_value`` and ``difference`` (= primary - reference) are
    numbers in the figure's unit (null when nothing was compared). Benchmark figures
    first, then patent figures.

    Raises:
        LookupError: a ``data_file`` patent figure's ``area`` is no country pycountry knows
        (only when ``patent_families`` has rows).
    """
    primaries = {"model_card_benchmark": present(benchmark_results),
                 "arena_score": present(arena_history),
                 "livebench_global": present(livebench_summary)}
    rows = (_benchmark_rows(benchmark_figures, primaries)
            + _patent_rows(patent_figures, present(patent_families)))
    return pd.DataFrame(rows, columns=REFERENCE_AGREEMENT.column_names)
