"""The mission's charts beyond the patent families (see :mod:`assets.claims.charts`): the
granted-patent shares, the arena over time, DeepSeek-V3 against two Western models on the
benchmarks they share, and training GPU hours. Each returns a :class:`Chart` whose
``missing`` says why when its table has no rows."""
from __future__ import annotations

import pandas as pd

from assets.claims.charts import (
    COLOURS,
    Chart,
    _axis_formatter,
    _finish,
    _none,
    compact,
    figure_title,
    legend,
    plt,
    wrap,
)
from assets.claims.evidence import article_date

#: Arena models drawn over time (registry ids -> display names).
ARENA_MODELS = {"deepseek-v3": "DeepSeek-V3", "deepseek-r1": "DeepSeek-R1",
                "claude-3.5-sonnet-20241022": "Claude 3.5 Sonnet",
                "llama-3.1-405b-instruct": "Llama 3.1 405B",
                "qwen2.5-72b-instruct": "Qwen2.5-72B", "qwen2.5-max": "Qwen2.5-Max"}
#: DeepSeek-V3 and the Western models it is compared with (registry ids -> names).
COMPARED = {"deepseek-v3": "DeepSeek-V3", "llama-3.1-405b-instruct": "Llama 3.1 405B",
            "claude-3.5-sonnet-20241022": "Claude 3.5 Sonnet"}
SHARE_METRIC = "share_of_world_granted_AI_patents"


def granted_shares_chart(figures: pd.DataFrame | None) -> Chart:
    """China's and the US's shares of the world's granted AI patents, 2022 and 2023
    (``patent_figures`` rows of metric ``share_of_world_granted_AI_patents``), grouped by
    year, one colour per country, every bar labelled."""
    title = "Shares of the world's granted AI patents"
    rows = pd.DataFrame() if figures is None else figures[
        (figures["metric"] == SHARE_METRIC)
        & figures["area"].isin(["China", "United States"])]
    rows = rows.drop_duplicates(["area", "period"]) if len(rows) else rows
    if rows.empty:
        return _none("granted_shares", title, "patent_figures has no granted-share rows")
    years = sorted(rows["period"].astype(str).unique())
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(7, 3.6))
    chart = Chart(name="granted_shares", title="", source="; ".join(sorted(
        (rows["title"].astype(str) + " (" + rows["publisher"].astype(str) + ")").unique())))
    for j, area in enumerate(["China", "United States"]):
        g = rows[rows["area"] == area].set_index(rows["period"].astype(str)[rows["area"] == area])
        xs = [i + (j - 0.5) * 0.38 for i, y in enumerate(years) if y in g.index]
        vs = [float(g.loc[y, "value"]) for y in years if y in g.index]
        ax.bar(xs, vs, width=0.38, color=COLOURS[j], label=area)
        for x, v in zip(xs, vs, strict=True):
            ax.text(x, v, f"{v:.1f}%", ha="center", va="bottom", fontsize=9)
        chart.drawn += [{"label": y, "series": area, "value": v}
                        for y, v in zip([y for y in years if y in g.index], vs, strict=True)]
    ax.set_xticks(range(len(years)), years)
    ax.set_xlabel("year of grant")
    ax.set_ylabel("share of granted AI patents (%)")
    ax.yaxis.set_major_formatter(_axis_formatter("percent"))
    legend(ax)
    cn = {d["label"]: d["value"] for d in chart.drawn if d["series"] == "China"}
    chart.title = (f"China held {cn[years[-1]]:.0f}% of the world's granted AI patents in "
                   f"{years[-1]}" if years[-1] in cn else title)
    figure_title(fig, chart.title)
    chart.alt = "Bar chart: " + "; ".join(
        f"{d['series']} {d['label']}: {d['value']:.1f}%" for d in chart.drawn) + "."
    return _finish(fig, chart)


def arena_chart(history: pd.DataFrame | None) -> Chart:
    """Arena score over time with its confidence band (``score - ci_minus`` to ``score +
    ci_plus``) for the models of :data:`ARENA_MODELS` present in the arena history, the
    article's date marked."""
    title = "Chatbot Arena score over time"
    h = pd.DataFrame() if history is None else history[history["model_id"].isin(ARENA_MODELS)]
    if h.empty:
        return _none("arena", title, "no arena history for these models (no LMArena "
                     "snapshot yet: run a live refresh)")
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(8, 4.4))
    chart = Chart(name="arena", title="", source="LMArena (Chatbot Arena) leaderboard "
                  "CSVs, every version (table arena_scores)")
    for j, (mid, name) in enumerate(ARENA_MODELS.items()):
        g = h[h["model_id"] == mid].sort_values("snapshot_date")
        if g.empty:
            continue
        x = pd.to_datetime(g["snapshot_date"])
        colour = COLOURS[j % len(COLOURS)]
        ax.plot(x, g["score"], color=colour, marker="o", markersize=3, label=name)
        ax.fill_between(x, g["score"] - g["ci_minus"].fillna(0),
                        g["score"] + g["ci_plus"].fillna(0), color=colour, alpha=0.18)
        chart.drawn += [{"label": str(d), "series": name, "value": float(s)}
                        for d, s in zip(g["snapshot_date"], g["score"], strict=True)]
    ax.fill_between([], [], [], color="#888", alpha=0.18, label="95% confidence interval")
    ax.axvline(pd.Timestamp(article_date()), color="#444", linestyle=":",
               label=f"the article ({article_date():%d %b %Y})")
    ax.set_xlabel("leaderboard version (date)")
    ax.set_ylabel("arena score (Elo-like rating)")
    legend(ax)
    fig.autofmt_xdate()
    chart.title = "DeepSeek's models joined the top of the arena around the article's date"
    figure_title(fig, chart.title)
    present = [n for n in ARENA_MODELS.values() if any(d["series"] == n for d in chart.drawn)]
    chart.alt = (f"Line chart of arena scores with confidence bands for {', '.join(present)} "
                 f"over {h['snapshot_date'].nunique()} leaderboard versions; a dotted line "
                 "marks the article's date.")
    return _finish(fig, chart)


def shared_benchmark_rows(results: pd.DataFrame | None) -> pd.DataFrame:
    """Rows of ``benchmark_results`` for :data:`COMPARED` in the one table (same document,
    table and evaluator) where DeepSeek-V3 shares the most benchmarks with another of them;
    only benchmarks DeepSeek-V3 and another model both have a value for. Empty when none."""
    if results is None or results.empty:
        return pd.DataFrame()
    r = results[results["model_id"].isin(COMPARED) & results["value"].notna()].copy()
    r["bench"] = r["benchmark"].astype(str) + r["metric"].fillna("").map(
        lambda m: f" ({m})" if m else "")
    keys = ["source_document", "table", "evaluator"]
    best, best_n = None, 0
    for key, g in r.groupby(keys, dropna=False):
        models = g.groupby("bench")["model_id"].agg(set)
        shared = models[models.map(lambda s: "deepseek-v3" in s and len(s) > 1)]
        if len(shared) > best_n:
            best, best_n = g[g["bench"].isin(shared.index)], len(shared)
    return pd.DataFrame() if best is None else best


def shared_benchmarks_chart(results: pd.DataFrame | None) -> Chart:
    """A dot plot, one row per benchmark and one dot per model, of :func:`shared_benchmark_rows`."""
    title = "DeepSeek-V3 against Llama 3.1 405B and Claude 3.5 Sonnet"
    rows = shared_benchmark_rows(results)
    if rows.empty:
        return _none("shared_benchmarks", title, "benchmark_results has no table where "
                     "DeepSeek-V3 and Llama 3.1 405B or Claude 3.5 Sonnet share a benchmark "
                     "(no model-card snapshot yet: run a live refresh)")
    benches = list(dict.fromkeys(rows["bench"]))
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(8, 0.3 * len(benches) + 2))
    first = rows.iloc[0]
    chart = Chart(name="shared_benchmarks", title="", source=(
        f"{first['evaluator']}, table '{first['table']}' of {first['source_document']}"))
    markers = ["o", "s", "D"]
    for j, (mid, name) in enumerate(COMPARED.items()):
        g = rows[rows["model_id"] == mid]
        ax.scatter(g["value"], [benches.index(b) for b in g["bench"]], color=COLOURS[j],
                   marker=markers[j], s=30, label=name, zorder=3)
        chart.drawn += [{"label": b, "series": name, "value": float(v)}
                        for b, v in zip(g["bench"], g["value"], strict=True)]
    ax.set_yticks(range(len(benches)), [wrap(b, 40) for b in benches], fontsize=8)
    ax.invert_yaxis()
    ax.grid(axis="x", color="#ddd")
    unit = rows["unit"].mode().iloc[0]
    ax.set_xlabel(f"score ({unit}; higher is better unless the benchmark says otherwise)")
    legend(ax)
    v3 = rows[rows["model_id"] == "deepseek-v3"].set_index("bench")["value"]
    best = sum(int(v3.get(b, float("nan")) >= rows[rows["bench"] == b]["value"].max())
               for b in benches)
    chart.title = f"DeepSeek-V3 scores highest on {best} of {len(benches)} shared benchmarks"
    figure_title(fig, chart.title + " (same table, same evaluator)")
    chart.alt = (f"Dot plot of {len(benches)} benchmarks, one dot per model "
                 f"({', '.join(COMPARED.values())}); DeepSeek-V3 is highest on {best}.")
    return _finish(fig, chart)


def gpu_hours_chart(compute: pd.DataFrame | None) -> Chart:
    """Training GPU hours of DeepSeek-V3 and Llama 3.1 405B (``training_compute`` rows whose
    ``covers`` is the full training), bars labelled (``2.79M GPU hours``)."""
    title = "Training GPU hours"
    models = {"deepseek-v3": "DeepSeek-V3", "llama-3.1-405b-instruct": "Llama 3.1 405B"}
    rows = pd.DataFrame() if compute is None else compute[
        compute["model_id"].isin(models) & compute["covers"].str.startswith("full training")]
    rows = rows.drop_duplicates("model_id") if len(rows) else rows
    if rows.empty:
        return _none("gpu_hours", title, "training_compute has no full-training rows")
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(7, 2.6))
    chart = Chart(name="gpu_hours", title="", source="; ".join(rows["source"].astype(str)))
    names = [models[m] for m in rows["model_id"]]
    vals = rows["gpu_hours"].astype(float).tolist()
    ax.barh(names, vals, color=[COLOURS[i] for i in range(len(vals))])
    for i, v in enumerate(vals):
        ax.text(v, i, " " + compact(v, "GPU hours"), va="center", fontsize=9)
    chart.drawn = [{"label": n, "series": "", "value": v}
                   for n, v in zip(names, vals, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("GPU hours (full training as reported)")
    ax.xaxis.set_major_formatter(_axis_formatter(""))
    ax.set_xlim(0, max(vals) * 1.3)
    by = dict(zip(names, vals, strict=True))
    chart.title = (f"Llama 3.1 405B used {by['Llama 3.1 405B'] / by['DeepSeek-V3']:.0f}x the "
                   "training GPU hours of DeepSeek-V3" if len(by) == 2 else title)
    figure_title(fig, chart.title)
    chart.alt = "Bar chart of training GPU hours: " + "; ".join(
        f"{n} {compact(v, 'GPU hours')}" for n, v in zip(names, vals, strict=True)) + "."
    return _finish(fig, chart)
