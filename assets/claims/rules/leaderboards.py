"""Leaderboard evidence for the model claims: the LMArena comparison of two models and the
LiveBench global averages, as they stood on the article's date.

The arena comparison itself is :func:`assets.leaderboards.arena.arena_comparison` (the last
version on or before the date, each model's best-scoring variant, overlap of the 95%
confidence intervals); this module only gives it a history (the ``arena_scores`` partitions,
or the reference ``benchmark_figures`` arena rows when those are absent) and turns its result
into a sentence and evidence rows. The arena repository and file come from
``assets/registry/sources.yaml``.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlparse

import pandas as pd

from assets.claims.engine import EvidenceRow, Tables
from assets.claims.evidence import article_date, fmt_number
from assets.leaderboards.arena import ComparisonUnavailable, arena_comparison
from assets.leaderboards.tables import ARENA_SOURCE
from assets.registry import load_sources
from pipelines.tables import present

_CI = re.compile(r"95% CI \+(\d+(?:\.\d+)?)/-(\d+(?:\.\d+)?)")
_RANK = re.compile(r"\brank (\d+)")
_VOTES = re.compile(r"(\d+) votes")
_RELEASE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_HISTORY_COLUMNS = ["snapshot_date", "model_id", "model_name_raw", "rank", "score", "ci_plus",
                    "ci_minus", "votes", "source_sha", "source_document"]


def arena_document(sha: str, file: str | None = None) -> str:
    """``owner/repo@<sha>:<path>`` of the arena leaderboard file at commit ``sha``, from the
    ``file_url`` of the ``lmarena_history`` source (``fboulnois/llm-leaderboard-csv@<sha>:
    csv/lmsys.csv``); ``file`` defaults to the source's tracked ``path``."""
    source = load_sources()[ARENA_SOURCE]
    repo, template = urlparse(source.file_url).path.strip("/").split("/{sha}/")
    return f"{repo}@{sha}:{template.format(file=file or source.path)}"


def _group(pattern: re.Pattern, text: str, kind=float):
    found = pattern.search(text)
    return kind(found.group(1)) if found else None


def _day(value) -> date | None:
    """A ``date`` from a date, a ``YYYY-MM-DD`` text or a timestamp; None when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return value if type(value) is date else pd.Timestamp(value).date()


def arena_history(tables: Tables) -> tuple[pd.DataFrame, str]:
    """The arena versions the claims compare models on, and the table they come from.

    From ``arena_scores`` (every partition, with ``snapshot_date``) when present and
    non-empty (basis ``"arena_scores"``), else from the reference ``benchmark_figures`` rows
    of kind ``arena_score`` (basis ``"benchmark_figures"``; rank, CI and votes parsed from the
    note, e.g. ``rank 11; 95% CI +6/-5; 13640 votes``; a row without a CI is left out). Rows
    without a registry ``model_id`` are left out. Returns the columns
    ``snapshot_date`` (date), ``model_id``, ``model_name_raw``, ``source_sha``,
    ``source_document`` (str), ``rank``, ``votes`` (int or null), ``score``, ``ci_plus``,
    ``ci_minus`` (float, arena score points) and the basis (``"none"``: empty).
    """
    scores = present(tables.get("arena_scores"))
    if scores is not None:
        history = scores[scores["model_id"].notna()].copy()
        history["source_document"] = [arena_document(sha)
                                      for sha in history["source_sha"].astype(str)]
        return history, "arena_scores"
    figures = present(tables.get("benchmark_figures"))
    figures = None if figures is None else figures[figures["kind"] == "arena_score"]
    if figures is None or figures.empty:
        return pd.DataFrame(columns=_HISTORY_COLUMNS), "none"
    records = []
    for r in figures[figures["model"].notna()].to_dict("records"):
        note = str(r.get("note") or "")
        ci = _CI.search(note)
        if ci is None:
            continue
        records.append({
            "snapshot_date": date.fromisoformat(str(r["date"])), "model_id": r["model"],
            "model_name_raw": r["name_in_source"], "rank": _group(_RANK, note, int),
            "score": float(r["value"]), "ci_plus": float(ci.group(1)),
            "ci_minus": float(ci.group(2)), "votes": _group(_VOTES, note, int),
            "source_sha": None, "source_document": f"{r.get('title')} ({r.get('locator')})",
        })
    return pd.DataFrame(records, columns=_HISTORY_COLUMNS), "benchmark_figures"


def arena_evidence(history: pd.DataFrame, basis: str, model: str, other: str,
                   as_of: date | None = None) -> tuple[str | None, list[EvidenceRow]]:
    """A sentence comparing ``model`` and ``other`` (registry ids) on the arena as it stood
    on ``as_of`` (the article's date by default), and one evidence row per model (its best
    variant's score, unit ``arena score``, with the 95% CI in the note).

    ``history`` and ``basis`` are :func:`arena_history`'s. ``(None, [])`` when there is no
    version on or before ``as_of`` or a model is not on it.
    """
    if history.empty:
        return None, []
    try:
        found = arena_comparison(history, model, other, as_of or article_date())
    except ComparisonUnavailable:
        return None, []
    version = found["version"]
    on_version = pd.to_datetime(history["snapshot_date"]).dt.date == date.fromisoformat(version)
    rows, shown = [], []
    for side, model_id in (("a", model), ("b", other)):
        name, score = found[f"name_{side}"], found[f"score_{side}"]
        low, high = found[f"interval_{side}"]
        ci = f"+{fmt_number(high - score)}/-{fmt_number(score - low)}"
        document = history.loc[on_version & (history["model_name_raw"] == name),
                               "source_document"].iloc[0]
        rows.append(EvidenceRow(
            table=basis, key=f"{version} / {name}", value=score, unit="arena score",
            source_document=str(document), publisher="LMArena",
            note=f"95% CI {ci}; best variant of {model_id} on {version}",
            evaluator="LMArena", independent=True,
            observed_on=date.fromisoformat(version)))
        shown.append(f"{name} {fmt_number(score)} ({ci})")
    if found["overlap"]:
        outcome = "intervals overlap: comparable"
    else:
        ahead = model if found["gap"] > 0 else other
        outcome = f"intervals do not overlap: {ahead} ahead"
    return f"Arena ({version}, {basis}): {shown[0]} vs {shown[1]}, 95% {outcome}.", rows


def livebench_global(tables: Tables, as_of: date | None = None) -> tuple[pd.DataFrame, str]:
    """LiveBench global averages of the last release on or before ``as_of``.

    From ``livebench_summary`` (category ``global``) when present and non-empty, else the
    reference ``benchmark_figures`` rows of kind ``livebench_global`` (release date read from
    the category ``release YYYY-MM-DD``). Returns ``model_id, model_name_raw,
    source_document, note`` (str), ``release`` (date), ``score`` (float64, 0-100),
    ``observed_on`` (date or None: the day the table was read; for a reference figure its
    ``date`` column, the table state it was read from, which may be later than ``as_of``
    and is then not counted by the weighing; None for ``livebench_summary``, which the
    claims asset already reads as the tables stood on the article's date).
    """
    as_of = as_of or article_date()
    cols = ["model_id", "model_name_raw", "release", "score", "source_document", "note",
            "observed_on"]
    summary = present(tables.get("livebench_summary"))
    if summary is not None:
        df = summary[(summary["category"] == "global") & summary["model_id"].notna()].copy()
        df["release"] = pd.to_datetime(df["release"]).dt.date
        df["source_document"] = "LiveBench table_" + df["release"].astype(str).str.replace(
            "-", "_") + ".csv"
        df["note"] = ["complete" if bool(c) else f"incomplete: {p} of {e} tasks"
                      for c, p, e in zip(df["complete"], df["tasks_present"],
                                         df["tasks_expected"])]
        df["observed_on"] = None
        basis = "livebench_summary"
    else:
        figures = present(tables.get("benchmark_figures"))
        figures = None if figures is None else figures[figures["kind"] == "livebench_global"]
        if figures is None or figures.empty:
            return pd.DataFrame(columns=cols), "none"
        recs = []
        for r in figures.to_dict("records"):
            release = _RELEASE.search(str(r.get("category") or ""))
            if not release:
                continue
            recs.append({"model_id": r["model"], "model_name_raw": r["name_in_source"],
                         "release": date.fromisoformat(release.group(1)), "score": r["value"],
                         "source_document": f"{r.get('title')} ({r.get('locator')})",
                         "note": f"{r.get('status')}; table state {r.get('date')}",
                         "observed_on": _day(r.get("date"))})
        df = pd.DataFrame(recs, columns=cols)
        basis = "benchmark_figures"
    df = df[df["release"] <= as_of]
    if df.empty:
        return pd.DataFrame(columns=cols), basis
    df = df[df["release"] == df["release"].max()]
    df = df.sort_values("score", ascending=False).drop_duplicates("model_id")
    return df[cols].reset_index(drop=True), basis


def livebench_evidence(scores: pd.DataFrame, basis: str, models: list[str]
                       ) -> tuple[str | None, list[EvidenceRow]]:
    """A sentence on the LiveBench global averages of ``models`` (registry ids) and their
    evidence rows (unit ``score (0-100)``), from :func:`livebench_global`'s ``scores`` and
    ``basis``; ``(None, [])`` when none of the models is there."""
    sub = scores[scores["model_id"].isin(models)]
    if sub.empty:
        return None, []
    rows = [EvidenceRow(table=basis, key=f"{r['release']} / {r['model_name_raw']} / global",
                        value=float(r["score"]), unit="score (0-100)",
                        source_document=str(r["source_document"]), publisher="LiveBench",
                        note=str(r["note"]), evaluator="LiveBench", independent=True,
                        observed_on=_day(r.get("observed_on")))
            for r in sub.to_dict("records")]
    parts = ", ".join(
        f"{r['model_name_raw']} {r['score']:.2f}"
        + (f" ({r['note']}: not the site's figure)" if str(r["note"]).startswith("incomplete")
           else "")
        for r in sub.to_dict("records"))
    return f"LiveBench global average (release {sub['release'].iloc[0]}, {basis}): {parts}.", rows


def arena_standing(history: pd.DataFrame, model: str, other: str,
                   as_of: date | None = None) -> str | None:
    """Where ``model`` stands against ``other`` on the arena as of ``as_of`` (the article's
    date by default): ``comparable`` when the 95% confidence intervals overlap (the
    hierarchy's criterion, ``claims.yaml``), else ``ahead`` or ``behind``; None when there
    is no such comparison."""
    if history.empty:
        return None
    try:
        found = arena_comparison(history, model, other, as_of or article_date())
    except ComparisonUnavailable:
        return None
    if found["overlap"]:
        return "comparable"
    return "ahead" if found["gap"] > 0 else "behind"

