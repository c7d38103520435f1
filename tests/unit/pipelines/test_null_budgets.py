"""Null budgets: a nullable column's largest share of nulls is stated in its spec
(``Column.max_null_fraction``) and checked by a generated critical expectation, so a
``livebench_scores.score`` column 60 % or 100 % null fails its suite even though its range
rule (GX skips nulls) passes."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import pipelines.quality as q
from pipelines.tables import registry

ROWS = 200


def _livebench(null_share: float) -> pd.DataFrame:
    """A valid-looking ``livebench_scores`` frame of :data:`ROWS` rows, the first
    ``null_share`` of its scores null."""
    nulls = int(ROWS * null_share)
    return pd.DataFrame({
        "release": [dt.date(2024, 11, 25)] * ROWS,
        "model_name_raw": [f"model-{i}" for i in range(ROWS)],
        "model_id": [None] * ROWS,
        "task": ["coding"] * ROWS,
        "category": ["Coding"] * ROWS,
        "score": [None] * nulls + [50.0] * (ROWS - nulls),
    })


def _outcomes(df: pd.DataFrame) -> dict[tuple[str, str], q.ExpectationOutcome]:
    return {(o.type, o.kwargs.get("column")): o
            for o in q.validate_frame(df, "livebench_scores").outcomes}


@pytest.mark.parametrize("share", [0.6, 1.0])
def test_a_mostly_null_score_column_fails_critically(share):
    out = _outcomes(_livebench(share))
    budget = out[("expect_column_values_to_not_be_null", "score")]
    assert not budget.success and budget.severity == "critical"
    # the hole this closes: the range rule alone lets the nulls through
    assert out[("expect_column_values_to_be_between", "score")].success


def test_a_score_column_within_its_budget_passes():
    out = _outcomes(_livebench(0.01))
    assert out[("expect_column_values_to_not_be_null", "score")].success


def test_every_budget_below_one_is_generated():
    import pipelines.definitions  # noqa: F401  every domain registers its specs

    budgets = {(s.name, c.name): c.max_null_fraction for s in registry().values()
               for c in s.columns if c.nullable and c.max_null_fraction < 1.0}
    assert ("livebench_scores", "score") in budgets
    for (table, column), share in budgets.items():
        generated = [e for e in q.structural_expectations(registry()[table])
                     if e["type"] == "expect_column_values_to_not_be_null"
                     and e["kwargs"]["column"] == column]
        assert [e["kwargs"]["mostly"] for e in generated] == [pytest.approx(1 - share)]
