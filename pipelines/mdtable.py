"""Markdown shown in the Dagster UI (metadata ``MetadataValue.md``), with every cell escaped.

A value read from a source (a model name in a card, a benchmark label, a URL) may hold
HTML (``<script>alert(1)</script>``), markdown (``[x](javascript:...)``, ``|`` that would
split a cell) or line breaks. :func:`markdown_table` writes a DataFrame as a GitHub
markdown table where each cell is plain text: HTML special characters as entities,
markdown punctuation backslash-escaped, line breaks as spaces.
"""
from __future__ import annotations

import html
import re

import pandas as pd

#: Markdown punctuation that could start a link, an image, emphasis, code or a cell break.
_MARKDOWN_PUNCT = re.compile(r"([\\`*_\[\]{}()#+!|~])")


def escape_markdown(value) -> str:
    """``value`` as text that markdown shows literally: ``\\`` and markdown punctuation
    backslash-escaped, ``&``, ``<`` and ``>`` as HTML entities, line breaks and other
    control characters as spaces. None and NA give an empty string.

    >>> escape_markdown("<script>alert(1)</script>")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt;'
    """
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return ""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(value))
    return html.escape(_MARKDOWN_PUNCT.sub(r"\\\1", text), quote=False)


def markdown_table(df: pd.DataFrame, max_rows: int | None = None,
                   empty: str = "(no rows)") -> str:
    """``df`` (any columns and dtypes; the first ``max_rows`` rows, all when None) as a
    GitHub markdown table, header and cells escaped by :func:`escape_markdown`; ``empty``
    when it has no rows."""
    if max_rows is not None:
        df = df.head(max_rows)
    if not len(df):
        return empty
    cols = [escape_markdown(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(escape_markdown(v) for v in row) + " |")
    return "\n".join(lines)
