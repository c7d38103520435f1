"""The reference figures carried into assets/reference/*.yaml equal shared/reference/*.csv,
keep their citations, and pass their GX suites."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from assets.reference.figures import load_reference
from assets.reference.tables import REFERENCE_TABLES
from pipelines.quality import validate_frame
from tests.helpers import shared_path

KEYS = {t.name: list(t.primary_key) for t in REFERENCE_TABLES}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_reference_yaml_matches_shared_csv(name):
    path = shared_path("reference", f"{name}.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ours = load_reference(name)
    assert len(ours) == len(rows)
    by_key = {tuple(r[k] or None for k in KEYS[name]): r for r in rows}
    for rec in ours.to_dict("records"):
        key = tuple(None if pd.isna(rec[k]) else rec[k] for k in KEYS[name])
        src = by_key[key]
        assert (rec["value_text"] if not pd.isna(rec["value_text"]) else "") == src["value"]
        for col in ("unit", "publisher", "title", "locator", "url", "status", "note"):
            got = rec[col]
            assert ("" if got is None or pd.isna(got) else got) == src[col], (key, col)


def test_every_figure_keeps_a_citation():
    for spec in REFERENCE_TABLES:
        df = load_reference(spec.name)
        assert df["publisher"].notna().all() and df["citation_id"].notna().all()
        assert df["status"].notna().all()


def test_patent_figures_suite_passes_and_fails_on_broken_frame():
    ref = load_reference("patent_figures")
    assert validate_frame(ref, "patent_figures").passed
    broken = ref.copy()
    pct = broken.index[broken.unit == "percent"][0]
    broken.loc[pct, "value"] = 250.0  # a share above 100%
    broken = pd.concat([broken, broken.iloc[[0]]], ignore_index=True)  # duplicated key
    broken.loc[1, "status"] = "rumour"
    failed = {o.type for o in validate_frame(broken, "patent_figures").critical_failed}
    assert {"expect_column_values_to_be_between", "expect_compound_columns_to_be_unique",
            "expect_column_values_to_match_regex"} <= failed
