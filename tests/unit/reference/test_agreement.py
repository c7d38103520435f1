"""agreement_rows (table reference_agreement) pairs each reference figure with its primary
value."""
from __future__ import annotations

from datetime import date

import pandas as pd

from assets.reference.agreement import agreement_rows
from assets.reference.figures import load_reference


def arena_row(name: str, score: float) -> dict:
    return {"snapshot_date": date(2024, 12, 31), "model_name_raw": name, "score": score}


def test_offline_every_figure_has_no_primary_data():
    bench, pf = load_reference("benchmark_figures"), load_reference("patent_figures")
    out = agreement_rows(bench, pf)
    # every benchmark figure (card cell, arena score, LiveBench mean) and every figure cited
    # from a data file has a machine-readable primary source
    assert len(out) == len(bench) + (pf["status"] == "data_file").sum()
    assert set(out["status"]) == {"no_primary_data"}


def test_arena_figure_agrees_disagrees_or_is_missing():
    ref = load_reference("benchmark_figures")
    ref = ref[(ref["kind"] == "arena_score") & (ref["date"] == "2024-12-31")]
    cited = dict(zip(ref["name_in_source"], ref["value"]))
    names = list(cited)
    # the first figure exactly, the second off by 3 points, the third absent
    history = pd.DataFrame([arena_row(names[0], cited[names[0]]),
                            arena_row(names[1], cited[names[1]] + 3)])
    out = agreement_rows(ref, load_reference("patent_figures").head(0),
                         arena_history=history).set_index("reference_key")
    by_name = {k.split(" / ")[0]: row for k, row in out.iterrows()}
    assert by_name[names[0]]["status"] == "agrees"
    assert by_name[names[1]]["status"] == "disagrees" and by_name[names[1]]["difference"] == 3
    assert by_name[names[2]]["status"] == "not_found"


def test_cat_figure_is_compared_with_patent_families():
    pf = load_reference("patent_figures")
    cited = pf[(pf["status"] == "data_file") & (pf["area"] == "China")].iloc[0]
    families = pd.DataFrame([{"country_iso3": "CHN", "field": "All",
                              "year": int(cited["period"]),
                              "applications": int(cited["value"]) - 1}])
    out = agreement_rows(load_reference("benchmark_figures").head(0), pf,
                         patent_families=families)
    china = out[out["reference_key"].str.startswith("China")].iloc[0]
    assert china["status"] == "disagrees" and china["difference"] == -1
