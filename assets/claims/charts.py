"""Charts of the claims report (matplotlib, drawn headless), each a :class:`Chart`.

Every chart has a title stating the finding, axis labels with units, every series in the
legend, a source line and alt text; it records each value it draws in ``Chart.drawn`` (one
row per mark: ``label``, ``series``, ``value``), so a test can compare it with the evidence
it comes from. Nothing is cut: a comparison over many rows becomes a dot plot (one row per
benchmark, one dot per model) as tall as it needs to be.

- :func:`evidence_chart`: a claim's numeric evidence, one panel per unit.
- Mission charts from the published tables (each None-safe: :class:`Chart` with ``missing``
  set to the reason when the table has no rows): :func:`patent_families_chart`,
  :func:`granted_shares_chart`, :func:`arena_chart`, :func:`shared_benchmarks_chart`,
  :func:`gpu_hours_chart`.
"""
from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from assets.claims.evidence import fmt_number
from pipelines.snapshots import atomic_write

COLOURS = ["#2166ac", "#b2182b", "#1b7837", "#762a83", "#e08214", "#35978f", "#8c510a"]
VERDICT_COLOURS = {"supported": "#1b7837", "partly_supported": "#7fbc41",
                   "disputed": "#e08214", "contradicted": "#b2182b",
                   "unverifiable": "#777777"}
#: Rows (benchmarks) above which a model comparison is a dot plot rather than bars.
DOT_PLOT_FROM = 6
#: Characters at which a y label wraps (the row heights count the lines it takes).
LABEL_WIDTH = 40


@dataclass
class Chart:
    """One chart of the report.

    ``name`` is the file stem (``<name>.svg`` / ``<name>.png``); ``drawn`` has one row per
    mark drawn (columns ``label`` str, ``series`` str, ``value`` float, in the unit of the
    axis); ``missing`` is the reason when there is no data, ``error`` the exception when
    the chart could not be drawn or written (no figure then, either way).
    """

    name: str
    title: str
    alt: str = ""
    source: str = ""
    figure: object | None = None
    drawn: list[dict] = field(default_factory=list)
    missing: str | None = None
    error: str | None = None
    files: dict[str, str] = field(default_factory=dict)


def plt():
    """matplotlib.pyplot on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    # svg.fonttype "none": SVG text stays text (searchable, selectable, editable in a
    # graphics editor; the font named with fallbacks), not glyph outlines: files a quarter of
    # the size, a third faster to write (README, Performance)
    # text.parse_math off: a "$" is a dollar, never mathtext ("$5.6M ... $100M" would lose
    # its signs and spaces, "$\\foo$" would stop the report)
    pyplot.rcParams.update({"font.size": 10, "svg.hashsalt": "ai-numbers",
                            "svg.fonttype": "none", "text.parse_math": False,
                            "axes.spines.top": False, "axes.spines.right": False})
    return pyplot


def compact(value: float, unit: str = "") -> str:
    """A number for a chart label: ``30.8M``, ``2.79M``, ``35.3k``, ``61.1``, ``4.3x`` for a
    ratio; the unit appended after a space when given (``30.8M GPU hours``)."""
    if unit in ("ratio", "x"):
        return f"{value:.3g}x"
    a = abs(value)
    text = (f"{value / 1e9:.3g}B" if a >= 1e9 else f"{value / 1e6:.3g}M" if a >= 1e6
            else f"{value / 1e3:.3g}k" if a >= 1e4 else fmt_number(value))
    return f"{text} {unit}".strip() if unit and unit != "percent" else \
        (text + "%" if unit == "percent" else text)


def _axis_formatter(unit: str):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: compact(v, "percent" if unit == "percent" else ""))


def wrap(text: str, width: int = 34) -> str:
    """``text`` wrapped on word boundaries (never cut)."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _fit(fig, artist, text: str) -> None:
    """Set ``text`` on the text ``artist`` of ``fig``, each line wrapped on word boundaries
    until the artist ends inside the figure's right edge as drawn (never cut off)."""
    renderer = fig.canvas.get_renderer()
    lines = str(text).split("\n")
    for width in range(130, 19, -6):
        artist.set_text("\n".join(wrap(line, width) for line in lines))
        if artist.get_window_extent(renderer).x1 <= fig.bbox.x1 - 2:
            return


def figure_title(fig, text: str, fontsize: int = 10) -> None:
    """``text`` as the title of ``fig``, at its top left, wrapped to the figure's width
    (:func:`_fit`), however much room the plot's tick labels take on the left; the layout
    (:func:`_finish`) keeps the plots below it. Its artist has the gid ``"title"``."""
    top = 1 - 6 / fig.bbox.height
    _fit(fig, fig.text(0.01, top, "", ha="left", va="top", fontsize=fontsize, gid="title"),
         text)


def legend(ax, **kwargs) -> None:
    """The legend of ``ax`` outside its plot area, right of it, so that it never hides a
    mark or a value label (the layout narrows the plot to make room); its labels wrapped at
    28 characters, so that a long series name cannot squeeze the plot away."""
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [wrap(label, 28) for label in labels], loc="upper left",
              bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, frameon=False, fontsize=8,
              **kwargs)


#: Height (inches) each chart's size allows for its title and source line; taller text
#: makes the figure taller rather than the plot smaller.
TEXT_BUDGET = 0.9


def _widen_for_labels(fig, renderer) -> bool:
    """Widen the x range of every plot of ``fig`` whose value labels (``ax.texts``) end
    past its right edge, so that they end inside it; True when one was widened."""
    widened = False
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        over = max((t.get_window_extent(renderer).x1 - box.x1 for t in ax.texts), default=0)
        if over > 0 and box.width > over + 8:
            lo, hi = ax.get_xlim()
            ax.set_xlim(lo, hi + (hi - lo) * (over + 8) / (box.width - over - 8))
            widened = True
    return widened


def _finish(fig, chart: Chart) -> Chart:
    source = fig.text(0.01, 0.005, "", fontsize=8, color="#444", ha="left", va="bottom")
    _fit(fig, source, "Source: " + chart.source)
    renderer = fig.canvas.get_renderer()
    titles = [t for t in fig.texts if t.get_gid() == "title"]
    text = sum(t.get_window_extent(renderer).height + 12 for t in [source, *titles])
    extra = text / fig.dpi - TEXT_BUDGET
    if extra > 0:   # a long claim or source: the figure grows, the title stays at its top
        fig.set_figheight(fig.get_figheight() + extra)
        for t in titles:
            t.set_y(1 - 6 / fig.bbox.height)
    # the plots, their labels and legends between the source line and the title
    bottom = (source.get_window_extent(renderer).y1 + 6) / fig.bbox.height
    top = (min(t.get_window_extent(renderer).y0 for t in titles) - 6) / fig.bbox.height \
        if titles else 1
    fig.tight_layout(rect=(0, bottom, 1, top))
    for _ in range(3):   # value labels past a plot's right edge: widen its x range
        if not _widen_for_labels(fig, renderer):
            break
        fig.tight_layout(rect=(0, bottom, 1, top))
    chart.figure = fig
    return chart


def file_stem(name: str) -> str:
    """A chart's file stem from its name (a claim id): every character but ``A-Z a-z 0-9
    _ - .`` replaced by ``_`` (no ``/``, no control character), no leading dot (no ``..``,
    no hidden file), so a hostile claim id never writes outside the report folder."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip(".")
    return stem or "_"


def save(chart: Chart, out_dir: Path) -> Chart:
    """Write ``chart`` as ``<name>.svg`` and ``<name>.png`` in ``out_dir`` (atomically),
    close its figure and record the file names in ``chart.files``."""
    if chart.figure is None:
        return chart
    for ext in ("svg", "png"):
        path = out_dir / f"{file_stem(chart.name)}.{ext}"
        meta = {"Software": None} if ext == "png" else {"Date": None}
        buffer = io.BytesIO()
        chart.figure.savefig(buffer, format=ext, dpi=100, metadata=meta)
        atomic_write(path, buffer.getvalue())  # a local file or an object (pipelines.store)
        chart.files[ext] = path.name
    plt().close(chart.figure)
    return chart


def _labels(keys: list[str]) -> list[list[str]]:
    """Key parts (``a / b / c``) without the parts every key shares."""
    parts = [k.split(" / ") for k in keys]
    width = max(len(p) for p in parts)
    parts = [p + [""] * (width - len(p)) for p in parts]
    keep = [i for i in range(width) if len({p[i] for p in parts}) > 1] or [width - 1]
    return [[p[i] for i in keep] for p in parts]


def _claimed_marks(ax, claim: pd.Series, unit: str) -> None:
    lo, hi = claim.get("claimed_low"), claim.get("claimed_high")
    if pd.isna(lo) or pd.isna(hi) or str(claim.get("claimed_unit", "")).split(" ")[0] not in unit:
        return
    if hi > lo:
        ax.axvspan(lo, hi, color="#fdb863", alpha=0.35, label="the article's range")
    else:
        ax.axvline(lo, color="#b2182b", linestyle="--", label="the article's figure")


def _layout(rows: pd.DataFrame) -> tuple[list[str], list[str], list[str], list[str], bool]:
    """How the evidence ``rows`` of one unit are drawn: ``(order, groups, series, names,
    comparison)``: the y labels top down, each row's label and series, the series names,
    and whether it is a comparison of models (one series per model)."""
    labels = _labels(rows["key"].tolist())
    heads = [k.rsplit(" / ", 1) for k in rows["key"]]
    series = [h[-1] if len(h) > 1 else "" for h in heads]
    groups = [" / ".join(lab) for lab in _labels([h[0] for h in heads])]
    order = list(dict.fromkeys(groups))
    names = list(dict.fromkeys(series))
    # a comparison (one series per model) only within one table: keys of different tables
    # end in different things (a year, a country), which are not series of one another
    comparison = len(names) > 1 and len(order) < len(rows) and rows["table"].nunique() == 1
    if not comparison:
        many_publishers = rows["publisher"].nunique() > 1
        groups = [" / ".join(lab) + (f"\n({p})" if many_publishers else "")
                  for lab, p in zip(labels, rows["publisher"], strict=True)]
        order, series, names = groups, [""] * len(rows), [""]
    return order, groups, series, names, comparison


def _row_inches(order: list[str]) -> float:
    """Height (inches) of one y row: room for the most lines a wrapped label takes."""
    lines = max(wrap(t, LABEL_WIDTH).count("\n") + 1 for t in order)
    return max(0.32, 0.16 * lines + 0.08)


def _panel(ax, rows: pd.DataFrame, unit: str, claim: pd.Series, drawn: list[dict]) -> None:
    """Draw the evidence ``rows`` of one unit on ``ax``: a dot plot when the rows compare
    models over many groups, else labelled bars (with the publisher when they differ)."""
    order, groups, series, names, comparison = _layout(rows)
    unfinished = rows["note"].fillna("").str.contains("incomplete").tolist()
    ys = {g: i for i, g in enumerate(order)}
    for j, name in enumerate(names):
        pts = [(ys[g], v, g, u) for g, s, v, u in
               zip(groups, series, rows["value"], unfinished, strict=True) if s == name]
        colour = COLOURS[j % len(COLOURS)]
        if comparison and len(order) > DOT_PLOT_FROM:
            ax.scatter([p[1] for p in pts], [p[0] for p in pts], color=colour, s=28,
                       label=name, zorder=3)
        else:
            bar = 0.8 / len(names)
            off = -0.4 + bar / 2 + j * bar
            _bars(ax, pts, off, bar, colour, name, unit)
        drawn += [{"label": g, "series": name, "value": float(v)} for _y, v, g, _u in pts]
    ax.set_yticks(range(len(order)), [wrap(t, LABEL_WIDTH) for t in order], fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", color="#ddd")
    ax.set_xlabel(unit)
    ax.xaxis.set_major_formatter(_axis_formatter(unit))
    _claimed_marks(ax, claim, unit)
    if ax.get_legend_handles_labels()[0]:
        legend(ax)


def _bars(ax, pts: list[tuple], off: float, height: float, colour: str, name: str,
          unit: str) -> None:
    """Labelled horizontal bars of ``pts`` (y, value, label, unfinished); a value from an
    incomplete year is drawn hollow and hatched, with its own legend entry."""
    for i, (y, v, _g, unfinished) in enumerate(pts):
        style = ({"facecolor": "white", "edgecolor": colour, "hatch": "///",
                  "label": "incomplete year (not final)"} if unfinished else
                 {"color": colour, "label": name or None})
        if i and style["label"] in ax.get_legend_handles_labels()[1]:
            style["label"] = None
        ax.barh(y + off, v, height=height, **style)
        ax.text(v, y + off, " " + compact(v, unit), va="center", fontsize=8, zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85})


def evidence_chart(claim: pd.Series, evidence: pd.DataFrame) -> Chart | None:
    """The chart of one claim's numeric evidence (rows of ``claim_evidence`` with a value and
    a unit): one panel per unit, every row with a finite number drawn. None when fewer than
    two rows have one. ``claim`` is a row of ``article_claims``."""
    ev = evidence.dropna(subset=["value", "unit"])
    ev = ev[np.isfinite(pd.to_numeric(ev["value"], errors="coerce").astype("float64"))]
    if len(ev) < 2:
        return None
    units = ev["unit"].value_counts().index.tolist()
    heights = []
    for unit in units:   # each y row as tall as its wrapped label needs, never overlapping
        order = _layout(ev[ev["unit"] == unit])[0]
        heights.append(_row_inches(order) * len(order) + 1.0)
    pyplot = plt()
    fig, axes = pyplot.subplots(len(units), 1, figsize=(8, sum(heights) + 1.0),
                                gridspec_kw={"height_ratios": heights}, squeeze=False)
    chart = Chart(name=claim["claim_id"], title=wrap(claim["claim"], 90),
                  source="; ".join(sorted(ev["publisher"].astype(str).unique())))
    for ax, unit in zip(axes[:, 0], units, strict=True):
        _panel(ax, ev[ev["unit"] == unit], unit, claim, chart.drawn)
    figure_title(fig, " ".join(str(claim["claim"]).split())   # one paragraph, then the verdict
                 + f"\nVerdict: {claim['verdict'].replace('_', ' ')}")
    chart.alt = (f"Chart of the evidence for the claim '{claim['claim']}': "
                 f"{len(chart.drawn)} values in {', '.join(units)}; verdict "
                 f"{claim['verdict'].replace('_', ' ')}.")
    return _finish(fig, chart)


def _none(name: str, title: str, reason: str) -> Chart:
    return Chart(name=name, title=title, missing=reason)


def patent_families_chart(families: pd.DataFrame | None) -> Chart:
    """AI patent families by first-filing office and year (``patent_families``, field
    ``All``, countries only): China, the US and the rest summed; years the tracker marks
    incomplete drawn hollow and dashed, with a legend entry."""
    title = "AI patent families by first-filing office"
    if families is None or families.empty:
        return _none("patent_families", title, "patent_families is empty (no ETO Country "
                     "Activity Tracker snapshot yet: run a live refresh)")
    df = families[(families["field"] == "All") & families["is_country"]].copy()
    df["office"] = df["country_iso3"].map({"CHN": "China", "USA": "United States"}) \
        .fillna("rest of the world")
    agg = df.groupby(["office", "year"]).agg(
        n=("applications", "sum"), complete=("applications_complete", "all")).reset_index()
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(8, 4.2))
    chart = Chart(name="patent_families", title="", source="CSET Emerging Technology "
                  "Observatory, Country Activity Tracker: AI (table patent_families)")
    for j, office in enumerate(["China", "United States", "rest of the world"]):
        g = agg[agg["office"] == office].sort_values("year")
        colour = COLOURS[j]
        ax.plot(g["year"], g["n"], color=colour, label=office)
        done, open_ = g[g["complete"].astype(bool)], g[~g["complete"].astype(bool)]
        ax.scatter(done["year"], done["n"], color=colour, s=18, zorder=3)
        ax.scatter(open_["year"], open_["n"], facecolors="white", edgecolors=colour, s=36,
                   zorder=4, linewidths=1.5)
        chart.drawn += [{"label": str(r.year), "series": office, "value": float(r.n)}
                        for r in g.itertuples()]
    ax.scatter([], [], facecolors="white", edgecolors="#444", s=36,
               label="incomplete year (tracker still filling)")
    ax.set_xlabel("year of first filing")
    ax.set_ylabel("AI patent families applied for")
    ax.yaxis.set_major_formatter(_axis_formatter(""))
    legend(ax)
    last = agg[agg["complete"].astype(bool)]["year"].max()
    cn = agg[(agg["office"] == "China") & (agg["year"] == last)]["n"].sum()
    us = agg[(agg["office"] == "United States") & (agg["year"] == last)]["n"].sum()
    chart.title = (f"China's office receives {cn / us:.1f}x the AI patent families of the US "
                   f"({last}, last complete year)" if us else title)
    figure_title(fig, chart.title)
    chart.alt = (f"Line chart of AI patent families per year by first-filing office, China, "
                 f"United States and the rest, {int(agg['year'].min())}-"
                 f"{int(agg['year'].max())}; hollow points are incomplete years.")
    return _finish(fig, chart)
