"""Hostile and odd card tables: nested HTML tables, dash-only rows, rows with more or fewer
cells than the header. No row is lost silently: it is read, or set aside with a reason.
Each input is ours, built after the kinds of bug public reports describe."""
from __future__ import annotations

import math

import pytest

from assets.models.cards import parse_model_card
from assets.models.markdown import ModelCardError, extract_tables

DOC = "test/card@0:README.md"


def _cells(df, benchmark, model):
    hit = df[(df["benchmark"] == benchmark) & (df["model_name_raw"] == model)]
    assert len(hit) == 1, f"{benchmark}/{model}: {len(hit)} rows"
    return hit["value"].iloc[0]


def test_nested_html_table_does_not_cut_the_outer_table():
    html = ("<table><tr><th>Benchmark</th><th>Model-A</th><th>Model-B</th></tr>"
            "<tr><td>MMLU</td><td>71.3</td><td><table><tr><td>75.0</td></tr></table></td></tr>"
            "<tr><td>GSM8K</td><td>55.0</td><td>61.8</td></tr></table>\n")
    df = parse_model_card(html, DOC, evaluator="test")
    assert sorted(df["benchmark"].unique()) == ["GSM8K", "MMLU"]
    assert _cells(df, "GSM8K", "Model-B") == 61.8  # the row after the inner table
    assert _cells(df, "MMLU", "Model-B") == 75.0   # the inner one-cell table's text


def test_nested_table_with_several_cells_is_an_error_not_a_loss():
    html = ("<table><tr><th>Benchmark</th><th>Model-A</th><th>Model-B</th></tr>"
            "<tr><td>MMLU</td><td>71.3</td><td><table><tr><td>75.0</td><td>76.0</td></tr>"
            "</table></td></tr></table>\n")
    with pytest.raises(ModelCardError, match="MMLU"):
        parse_model_card(html, DOC, evaluator="test")


def test_nested_tables_stay_one_outer_table():
    html = ("<table><tr><td>a</td><td><table><tr><td>x</td></tr></table></td></tr>"
            "<tr><td>b</td><td>c</td></tr></table>\n\n"
            "<table><tr><td>second</td></tr></table>\n")
    tables = extract_tables(html)
    assert [[c.text for c in r] for r in tables[0].rows] == [["a", "x"], ["b", "c"]]
    assert [[c.text for c in r] for r in tables[1].rows] == [["second"]]


MD = """## Results

| Benchmark | # Shots | Model-A |
|---|---|---|
| MMLU | 5-shot | 71.3 |
| HumanEval | 0-shot | - |
"""


def test_markdown_row_of_dashes_is_kept_with_a_null_score():
    df = parse_model_card(MD, DOC, evaluator="test")
    assert sorted(df["benchmark"]) == ["HumanEval", "MMLU"]
    assert math.isnan(_cells(df, "HumanEval", "Model-A"))
    assert df.attrs["skipped_rows"] == []


@pytest.mark.parametrize("row, word", [
    ("| MMLU | 71.3 | 75.0 | 80.0 |", "more"),
    ("| MMLU | 71.3 |", "fewer"),
])
def test_markdown_row_with_wrong_cell_count_is_set_aside_with_reason(row, word):
    text = ("| Benchmark | Model-A | Model-B |\n|---|---|---|\n"
            f"{row}\n| GSM8K | 55.0 | 61.8 |\n")
    df = parse_model_card(text, DOC, evaluator="test")
    assert sorted(df["benchmark"].unique()) == ["GSM8K"]  # MMLU neither trimmed nor padded
    [(table, line, why)] = df.attrs["set_aside_rows"]
    assert line == row and word in why and "header of 3" in why


def test_escaped_pipe_is_not_a_cell_separator():
    text = "| Benchmark | Model-A |\n|---|---|\n| A \\| B | 1.0 |\n"
    df = parse_model_card(text, DOC, evaluator="test")
    assert df.attrs["set_aside_rows"] == [] and len(df) == 1
