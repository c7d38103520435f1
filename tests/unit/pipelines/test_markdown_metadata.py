"""Card text with HTML, ``<script>`` or markdown shown in the Dagster UI (issue #12): the
markdown metadata the pipeline attaches (the published tables' ``preview``, the check
summaries, the snapshot assets' ``requests``, ``unmatched_model_names``) goes through
:func:`pipelines.mdtable.markdown_table`, so each cell renders as its own text. Checked by
rendering the markdown to HTML (markdown-it, raw HTML allowed as in CommonMark) and reading
the HTML back with lxml."""
from __future__ import annotations

import lxml.html
import pandas as pd
from dagster import AssetKey, build_output_context
from markdown_it import MarkdownIt

import assets.models.tables  # noqa: F401  (registers the benchmark_results spec)
from pipelines.io_managers import ParquetIOManager
from pipelines.mdtable import escape_markdown, markdown_table
from pipelines.quality import ExpectationOutcome, SuiteResult

SCRIPT = "<script>alert(1)</script>"
#: Hostile cell texts, each of a kind public reports describe: raw HTML, an event handler,
#: a javascript: link, an image, a pipe that would split the cell, emphasis, a backslash.
HOSTILE = [SCRIPT, '<img src=x onerror="alert(2)">', "[x](javascript:alert(3))",
           "![i](http://example.org/i.png)", "A | B", "**bold** _em_ `code`", "a\\b"]


def _render(markdown: str):
    """The HTML markdown-it makes of ``markdown`` (CommonMark with tables, raw HTML on),
    parsed by lxml."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return html, lxml.html.fromstring(f"<div>{html}</div>")


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"model_name_raw": HOSTILE,
                         "value": [71.3, None, 1.0, 2.0, 3.0, 4.0, 5.0],
                         "note": ["line one\nline two", *[""] * 6]})


def _assert_plain_cells(markdown: str, df: pd.DataFrame) -> None:
    html, root = _render(markdown)
    assert "<script" not in html and "<img" not in html
    assert not root.findall(".//a") and not root.findall(".//strong")
    rows = root.findall(".//tbody/tr")
    assert len(rows) == len(df)
    for tr, (_, expected) in zip(rows, df.iterrows(), strict=True):
        cells = [td.text_content() for td in tr.findall("td")]
        assert len(cells) == len(df.columns)  # no cell split by "|"
        assert cells[0] == expected["model_name_raw"]  # the text itself, shown as text


def test_a_markdown_table_shows_every_hostile_cell_as_text():
    df = _frame()
    _assert_plain_cells(markdown_table(df), df)
    assert _render(markdown_table(df))[1].findall(".//tbody/tr")[0].findall("td")[2] \
        .text_content() == "line one line two"


def test_pandas_to_markdown_would_let_the_script_through():
    """Why the helper exists: the table pandas writes passes the HTML on as HTML."""
    html, _ = _render(_frame().to_markdown(index=False))
    assert SCRIPT in html


def test_the_published_preview_metadata_is_escaped(tmp_path):
    df = _frame()
    context = build_output_context(asset_key=AssetKey(["published", "benchmark_results"]))
    meta = ParquetIOManager(base_path=str(tmp_path)).get_metadata(context, df)
    _assert_plain_cells(meta["preview"].value, df)


def test_the_check_summary_is_escaped():
    outcome = ExpectationOutcome("expect_column_values_to_be_in_set",
                                 {"column": "model_name_raw"}, "critical", False,
                                 unexpected=[SCRIPT, "A | B"])
    summary = SuiteResult("benchmark_results", 2, [outcome]).summary_markdown()
    html, root = _render(summary)
    assert "<script" not in html
    cells = [td.text_content() for td in root.findall(".//tbody/tr/td")]
    assert cells[1:] == ["critical", "FAIL"]
    assert SCRIPT in cells[0] and "A | B" in cells[0]


def test_escape_markdown_of_missing_values_and_numbers():
    assert escape_markdown(None) == "" and escape_markdown(float("nan")) == ""
    assert escape_markdown(pd.NA) == "" and escape_markdown(71.3) == "71.3"
