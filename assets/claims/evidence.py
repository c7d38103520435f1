"""Evidence helpers shared by the claim rules (``assets/claims/rules/``) and the report.

- :func:`fmt_number`: the one way a figure is printed, in an explanation and in the report.
- :func:`evidence_kind` / :func:`weakest_kind`: the one mapping from a reference figure's
  ``status`` to an evidence kind, and the rule that a verdict is only as strong as its
  weakest source.
- :func:`model_fact` / :func:`fact_evidence`: a row of ``model_facts`` and its evidence row.
- :func:`figures_where` / :func:`figure_evidence` / :func:`cite_figure`: rows of
  ``patent_figures``, their evidence rows and citations.
- :func:`text_or_none`, :func:`plural`, :func:`article_date`: small text and date helpers.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from assets.claims.engine import EvidenceRow, Tables, article
from pipelines.tables import present

#: Evidence kinds from strongest to weakest (``none`` aside).
KIND_ORDER = ("primary_data", "primary_text", "secondary_report")

#: Reference ``status`` -> evidence kind; any other status (``secondary_*``, ``derived``,
#: ``unconfirmed``, ...) is ``secondary_report``. A ``data_file`` figure is a value copied
#: from a published data file, so it is primary data.
_KIND_BY_STATUS = {"primary_data": "primary_data", "data_file": "primary_data",
                   "primary_text": "primary_text"}


def fmt_number(value: float, decimals: int | None = None) -> str:
    """A number as a reader wants it (str).

    With ``decimals``: thousands separated, exactly that many decimals (``4.12``,
    ``35,300`` for ``decimals=0``). Without: thousands separated from 1,000 on (one decimal
    if not whole: ``35,300``, ``1,234.6``), else four significant digits (``6.937``,
    ``0.0904``, ``69.7``).
    """
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:.4g}"


def evidence_kind(status: str | None) -> str:
    """The evidence kind (``primary_data``, ``primary_text`` or ``secondary_report``) of a
    reference figure or fact with this ``status``."""
    return _KIND_BY_STATUS.get(status, "secondary_report") if isinstance(status, str) \
        else "secondary_report"


def weakest_kind(kinds: Iterable[str]) -> str:
    """The weakest of ``kinds`` in :data:`KIND_ORDER` (``none`` when there is none).

    Raises:
        ValueError: a kind not in :data:`KIND_ORDER`.
    """
    kinds = list(kinds)
    if not kinds:
        return "none"
    return max(kinds, key=KIND_ORDER.index)


def text_or_none(value) -> str | None:
    """A text cell as str, or None when missing (NaN / NA / None / empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value) or None


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 win``, ``2 wins``, ``0 losses`` (``plural_form`` when not ``singular + 's'``)."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def article_date() -> date:
    """The article's date (``claims.yaml`` ``article.as_of``): leaderboards are read as they
    stood on it."""
    return date.fromisoformat(str(article()["as_of"]))


def model_fact(tables: Tables, model: str, fact: str) -> dict | None:
    """The first ``model_facts`` row of ``model`` (registry id) and ``fact`` as a dict of its
    columns, or None when the table is absent or empty or has no such row."""
    facts = present(tables.get("model_facts"))
    if facts is None:
        return None
    rows = facts[(facts["model"] == model) & (facts["fact"] == fact)]
    return None if rows.empty else rows.iloc[0].to_dict()


def fact_evidence(fact: dict, note: str | None = None) -> EvidenceRow:
    """The evidence row of one ``model_facts`` row (a dict from :func:`model_fact`): key
    ``model / fact``, its value and unit, the document (title or url, with the locator) and
    publisher; ``note`` defaults to ``as cited: <value_text>``."""
    value = fact.get("value")
    number = None if value is None or pd.isna(value) else float(value)
    locator = fact.get("locator")
    document = fact.get("title") or fact.get("url") or "model_facts"
    if isinstance(locator, str) and locator:
        document = f"{document} ({locator})"
    return EvidenceRow(
        table="model_facts", key=f"{fact['model']} / {fact['fact']}",
        value=number,
        unit=None if pd.isna(fact.get("unit")) else fact.get("unit"),
        source_document=document, publisher=str(fact.get("publisher")),
        note=note or (f"as cited: {fact.get('value_text')}"),
        value_text=text_or_none(fact.get("value_text")) if number is None else None,
    )


def cite_figure(row: dict) -> str:
    """``Title (Publisher)`` of a ``patent_figures`` row (a dict); the title is left out
    when it adds nothing."""
    pub, title = text_or_none(row.get("publisher")) or "", text_or_none(row.get("title")) or ""
    if not title or title in pub or title == "news reports" or title == "report":
        return pub
    return f"{title} ({pub})"


def figure_evidence(row: dict, note: str | None = None) -> EvidenceRow:
    """The evidence row of one ``patent_figures`` row (a dict of its columns): key
    ``claim / metric / area / period``, its value and unit, document and publisher."""
    return EvidenceRow(
        table="patent_figures",
        key=f"{row['claim']} / {row['metric']} / {row['area']} / {row['period']}",
        value=None if pd.isna(row.get("value")) else float(row["value"]),
        unit=text_or_none(row.get("unit")),
        source_document=(text_or_none(row.get("title")) or text_or_none(row.get("publisher"))
                         or "patent_figures"),
        publisher=text_or_none(row.get("publisher")) or "unknown",
        note=note,
        value_text=(text_or_none(row.get("value_text")) or text_or_none(row.get("period")))
        if pd.isna(row.get("value")) else None,
    )


def figures_where(ref: pd.DataFrame | None, **eq) -> list[dict]:
    """Rows of ``patent_figures`` (``ref``; None: absent) whose columns equal ``eq``
    (compared as text), as a list of dicts."""
    if ref is None:
        return []
    mask = pd.Series(True, index=ref.index)
    for col, val in eq.items():
        mask &= ref[col].astype(str) == str(val)
    return ref[mask].to_dict("records")
