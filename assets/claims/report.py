"""The claims report: a page a person can read, with charts, from the published claims.

:func:`build_report` writes ``report.md`` and ``report.html`` (rendered with markdown-it-py)
and one PNG chart per claim whose evidence has two or more numbers in one unit, plus a chart
of the verdicts, into an output folder. Every number in it comes from ``article_claims`` and
``claim_evidence``; nothing is typed in.
"""
from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import pandas as pd

from assets.claims.evidence import fmt_number
from pipelines.snapshots import publish_file

VERDICT_COLOURS = {
    "supported": "#1b7837",
    "partly_supported": "#a6dba0",
    "disputed": "#f4a582",
    "contradicted": "#b2182b",
    "unverifiable": "#999999",
}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".png")
    os.close(fd)
    fig.savefig(tmp, dpi=110, bbox_inches="tight", metadata={"Software": None})
    publish_file(tmp, path)


def verdict_chart(claims: pd.DataFrame, path: Path) -> Path:
    """A horizontal bar chart of how many claims got each verdict (PNG at ``path``)."""
    plt = _plt()
    counts = claims["verdict"].value_counts().reindex(list(VERDICT_COLOURS), fill_value=0)
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.barh(counts.index, counts.values, color=[VERDICT_COLOURS[v] for v in counts.index])
    ax.invert_yaxis()
    ax.set_xlabel("claims")
    ax.set_title(f"Verdicts on the article's {len(claims)} claims")
    for i, v in enumerate(counts.values):
        ax.text(v + 0.1, i, str(v), va="center")
    _save(fig, path)
    plt.close(fig)
    return path


MAX_BARS = 60


def _labels(keys: list[str]) -> list[list[str]]:
    """Key parts (``a / b / c``) without the parts every key shares."""
    parts = [k.split(" / ") for k in keys]
    width = max(len(p) for p in parts)
    parts = [p + [""] * (width - len(p)) for p in parts]
    keep = [i for i in range(width) if len({p[i] for p in parts}) > 1] or [width - 1]
    return [[p[i] for i in keep] for p in parts]


def _short(text: str, n: int = 55) -> str:
    return text if len(text) <= n else "..." + text[-(n - 3):]


def evidence_chart(claim: pd.Series, evidence: pd.DataFrame, path: Path) -> Path | None:
    """Bar chart of a claim's numeric evidence in its most common unit (PNG at ``path``).

    Rows whose keys differ only in their last part (the model, for comparisons) are drawn
    as grouped bars, one colour per last part; the claimed value or range is drawn as a
    line or band when it is in the same unit. None when fewer than two numbers share a
    unit. At most :data:`MAX_BARS` bars.
    """
    ev = evidence.dropna(subset=["value", "unit"])
    if ev.empty:
        return None
    unit = ev["unit"].value_counts().index[0]
    ev = ev[ev["unit"] == unit].head(MAX_BARS)
    if len(ev) < 2:
        return None
    labels = _labels(ev["key"].tolist())
    series = [lab[-1] for lab in labels]
    groups = [" / ".join(lab[:-1]) for lab in labels]
    grouped = len(set(series)) > 1 and all(groups) and len(set(groups)) < len(groups)
    if not grouped:
        groups, series = [" / ".join(lab) for lab in labels], [""] * len(labels)
    order = list(dict.fromkeys(groups))
    names = list(dict.fromkeys(series))
    tails = [g.split(" / ")[-1] for g in order]
    ticks = tails if len(set(tails)) == len(tails) else order
    plt = _plt()
    height = 0.32 * len(order) * (len(names) if grouped else 1) + 1.4
    fig, ax = plt.subplots(figsize=(7.5, min(height, 30)))
    bar = 0.8 / len(names)
    colours = ["#4393c3", "#d6604d", "#5aae61", "#9970ab"]
    for j, name in enumerate(names):
        ys, xs = [], []
        for g, s_name, value in zip(groups, series, ev["value"], strict=True):
            if s_name == name:
                ys.append(order.index(g) + j * bar - 0.4 + bar / 2)
                xs.append(value)
        ax.barh(ys, xs, height=bar, color=colours[j % len(colours)],
                label=name if grouped else None)
    ax.set_yticks(range(len(order)), [_short(t) for t in ticks], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    lo, hi = claim["claimed_low"], claim["claimed_high"]
    if pd.notna(lo) and pd.notna(hi) and str(claim["claimed_unit"]).split(" ")[0] in unit:
        if hi > lo:
            ax.axvspan(lo, hi, color="#f4a582", alpha=0.35, label="claimed range")
        else:
            ax.axvline(lo, color="#b2182b", linestyle="--", label="claimed value")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"{claim['claim_id']}: {claim['verdict']}", fontsize=10)
    _save(fig, path)
    plt.close(fig)
    return path


def report_markdown(claims: pd.DataFrame, evidence: pd.DataFrame,
                    charts: dict[str, str], verdict_png: str) -> str:
    """The report text (markdown): a summary table, then one section per claim with its
    explanation, evidence rows and chart."""
    checked = pd.Timestamp(claims["checked_at"].max()).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# The article's claims, re-checked",
        "",
        f"Checked {checked} by ai-numbers from its published tables. Each verdict is computed "
        "by the claim's rule (`assets/claims/claims.yaml`); the evidence rows are in "
        "`claim_evidence.parquet`.",
        "",
        f"![verdicts]({verdict_png})",
        "",
        "| claim | the article says | verdict | evidence |",
        "|---|---|---|---|",
    ]
    for c in claims.itertuples():
        ev = ("" if pd.isna(c.evidence_value)
              else f"{fmt_number(c.evidence_value)} {c.evidence_unit or ''}")
        if not ev and isinstance(c.evidence_text, str):
            ev = c.evidence_text
        lines.append(f"| [`{c.claim_id}`](#{c.claim_id}) | {_cell(c.claim)} | **{c.verdict}** "
                     f"| {_cell(ev)} |")
    for c in claims.itertuples():
        lines += ["", f'<a id="{c.claim_id}"></a>', "", f"## {c.claim_id}", "",
                  f"> {c.claim}", "",
                  f"**Verdict: {c.verdict}** ({c.evidence_kind}). {c.explanation}", ""]
        if isinstance(c.rule, str):
            lines += [f"*Rule:* {c.rule}", ""]
        rows = evidence[evidence["claim_id"] == c.claim_id]
        if len(rows):
            lines += ["| evidence | value | source |", "|---|---|---|"]
            for r in rows.itertuples():
                val = "" if pd.isna(r.value) else f"{fmt_number(r.value)} {r.unit or ''}"
                lines.append(f"| {_cell(r.key)} ({r.table}) | {_cell(val)} | "
                             f"{_cell(r.source_document)} ({_cell(r.publisher)}) |")
            lines.append("")
        if c.claim_id in charts:
            lines += [f"![{c.claim_id}]({charts[c.claim_id]})", ""]
    return "\n".join(lines) + "\n"


def _cell(text) -> str:
    return str(text).replace("|", "/").replace("\n", " ") if text is not None else ""


def build_report(claims: pd.DataFrame, evidence: pd.DataFrame, out_dir: Path) -> dict[str, Path]:
    """Write ``report.md``, ``report.html`` and the charts into ``out_dir``.

    ``claims`` and ``evidence`` have the columns of the published ``article_claims`` and
    ``claim_evidence`` tables. Returns the paths written by kind (``markdown``, ``html``,
    ``chart:<claim_id>``, ``chart:verdicts``).
    """
    from markdown_it import MarkdownIt

    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    written["chart:verdicts"] = verdict_chart(claims, out_dir / "verdicts.png")
    charts = {}
    for _, claim in claims.iterrows():
        path = evidence_chart(claim, evidence[evidence["claim_id"] == claim["claim_id"]],
                              out_dir / f"{claim['claim_id']}.png")
        if path is not None:
            charts[claim["claim_id"]] = path.name
            written[f"chart:{claim['claim_id']}"] = path
    md = report_markdown(claims, evidence, charts, "verdicts.png")
    body = MarkdownIt("commonmark").enable("table").render(md)
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>"
            + html.escape("The article's claims, re-checked")
            + "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto;"
              "line-height:1.4}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
              "padding:.2em .4em;vertical-align:top}img{max-width:100%}</style></head><body>"
            + body + "</body></html>\n")
    for name, text in (("report.md", md), ("report.html", page)):
        path = out_dir / name
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        publish_file(tmp, path)
        written["markdown" if name.endswith(".md") else "html"] = path
    return written
