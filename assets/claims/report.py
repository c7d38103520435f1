"""The claims report a journalist reads: ``report.html`` from the Jinja2 template
``templates/report.html.j2`` (autoescaped), with the mission's charts and one chart per claim
(SVG + PNG, :mod:`assets.claims.charts`), all in one output folder and nothing fetched from
the network. Every number comes from ``article_claims``, ``claim_evidence`` and the published
tables passed in; nothing is typed in.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from assets.claims.charts import (
    VERDICT_COLOURS,
    Chart,
    evidence_chart,
    patent_families_chart,
    plt,
    save,
)
from assets.claims.engine import article
from assets.claims.evidence import fmt_number, text_or_none
from assets.claims.mission import (
    arena_chart,
    gpu_hours_chart,
    granted_shares_chart,
    shared_benchmarks_chart,
)
from pipelines.snapshots import atomic_write


@dataclass
class ReportInputs:
    """The published tables the report draws besides the claims (each None or empty when
    absent): ``patent_families``, ``patent_figures``, ``arena_history`` (the frame of
    :func:`assets.leaderboards.history.read_arena_history`), ``benchmark_results``,
    ``training_compute``, ``model_facts`` (for source URLs), ``source_status`` (refresh
    times, failed and stale sources); ``previous_verdicts`` maps claim id -> the verdict
    of the previous report."""

    patent_families: pd.DataFrame | None = None
    patent_figures: pd.DataFrame | None = None
    arena_history: pd.DataFrame | None = None
    benchmark_results: pd.DataFrame | None = None
    training_compute: pd.DataFrame | None = None
    model_facts: pd.DataFrame | None = None
    source_status: pd.DataFrame | None = None
    previous_verdicts: dict[str, str] = field(default_factory=dict)


def mission_charts(inputs: ReportInputs) -> list[Chart]:
    """The five charts of the mission, in reading order (some with ``missing`` or ``error``
    set: one chart that cannot be drawn never stops the others or the page)."""
    return [guarded(name, draw, table) for name, draw, table in (
        ("patent_families", patent_families_chart, inputs.patent_families),
        ("granted_shares", granted_shares_chart, inputs.patent_figures),
        ("arena", arena_chart, inputs.arena_history),
        ("shared_benchmarks", shared_benchmarks_chart, inputs.benchmark_results),
        ("gpu_hours", gpu_hours_chart, inputs.training_compute))]


def guarded(name: str, draw, *args) -> Chart | None:
    """``draw(*args)``, or, when it raises, a :class:`Chart` named ``name`` without a figure
    whose ``error`` says why (the page shows it; the report goes on)."""
    before = _open_figures()
    try:
        return draw(*args)
    except Exception as exc:  # noqa: BLE001 - any library error of one chart, kept and shown
        for number in _open_figures() - before:   # what it left half drawn, not the others'
            plt().close(number)
        return Chart(name=name, title=name.replace("_", " "), error=_error(exc))


def _open_figures() -> set[int]:
    """Numbers of the figures pyplot holds open (none before matplotlib is imported)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot else set()


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _saved(chart: Chart | None, out_dir: Path) -> Chart | None:
    """:func:`save` ``chart`` (when it has a figure); a write that fails sets ``error``."""
    if chart is None or chart.figure is None:
        return chart
    try:
        return save(chart, out_dir)
    except Exception as exc:  # noqa: BLE001 - as guarded(): one chart, not the report
        plt().close(chart.figure)
        chart.figure, chart.files, chart.error = None, {}, _error(exc)
        return chart


def verdict_changes(claims: pd.DataFrame, previous: dict[str, str]) -> list[dict]:
    """``[{"claim": id, "before": verdict, "after": verdict}]`` for each claim of ``claims``
    whose verdict differs from ``previous`` (claims absent from ``previous`` are new, not
    changed)."""
    return [{"claim": r.claim_id, "before": previous[r.claim_id], "after": r.verdict}
            for r in claims.itertuples()
            if r.claim_id in previous and previous[r.claim_id] != r.verdict]


def _url_index(inputs: ReportInputs) -> tuple[dict[str, str], dict[str, str]]:
    """(title -> url from the reference tables, url -> retrieval date from source_status)."""
    urls: dict[str, str] = {}
    for df in (inputs.patent_figures, inputs.model_facts):
        if df is not None and {"title", "url"} <= set(df.columns):
            for t, u in zip(df["title"], df["url"], strict=True):
                if text_or_none(t) and text_or_none(u):
                    urls.setdefault(str(t), str(u))
    retrieved: dict[str, str] = {}
    st = inputs.source_status
    if st is not None and len(st):
        for u, ts in zip(st["url"], st["snapshot_retrieved_at"], strict=True):
            if pd.notna(ts):
                retrieved[str(u)] = pd.Timestamp(ts).strftime("%Y-%m-%d")
    return urls, retrieved


def _source(document: str, publisher: str, urls: dict, retrieved: dict) -> dict:
    """A source as the template shows it; its URL is a link only when it is http(s) (a
    ``javascript:`` or ``data:`` URL in a table is shown as text, never as a link)."""
    base = document.split(" (")[0]
    url = document if document.startswith("http") else urls.get(document) or urls.get(base)
    if url and urlparse(url).scheme.lower() not in ("http", "https"):
        url = None
    title = document
    if document.startswith("http"):
        p = urlparse(document)
        title = f"{p.netloc}/…/{p.path.rstrip('/').rsplit('/', 1)[-1]}"
    return {"publisher": publisher, "title": title, "url": url,
            "retrieved": retrieved.get(url or "", "")}


def _value(value, unit) -> str:
    return "" if value is None or pd.isna(value) else \
        f"{fmt_number(value)} {text_or_none(unit) or ''}".strip()


def claim_view(claim, rows: pd.DataFrame, chart: Chart | None, change: dict | None,
               urls: dict, retrieved: dict) -> dict:
    """What the template shows for one claim (a row of ``article_claims`` as a namedtuple):
    text, verdict, claimed and evidence values, chart, evidence rows with a source number,
    and the sources, each URL once."""
    sources: list[dict] = []
    index: dict[str, int] = {}
    table = []
    for r in rows.itertuples():
        s = _source(str(r.source_document), str(r.publisher), urls, retrieved)
        ident = s["url"] or f"{s['publisher']}|{s['title']}"
        if ident not in index:
            sources.append(s)
            index[ident] = len(sources)
        table.append({"key": r.key, "table": r.table, "value": _value(r.value, r.unit),
                      "source": index[ident]})
    claimed = f"{claim.claimed_value} ({claim.claimed_unit})"
    evidence = _value(claim.evidence_value, claim.evidence_unit) \
        or text_or_none(claim.evidence_text) or "none"
    return {"claim_id": claim.claim_id, "claim": claim.claim, "verdict": claim.verdict,
            "verdict_label": claim.verdict.replace("_", " "), "explanation": claim.explanation,
            "claimed": claimed, "evidence": evidence, "evidence_kind":
            str(claim.evidence_kind).replace("_", " "), "rule": text_or_none(claim.rule),
            "chart": chart if chart is not None and (chart.files or chart.error) else None,
            "rows": table,
            "sources": sources, "change": change}


def _header(claims: pd.DataFrame, status: pd.DataFrame | None) -> dict:
    checked = pd.Timestamp(claims["checked_at"].max()).strftime("%Y-%m-%d %H:%M UTC")
    refreshed, failed, stale = "never (offline, bundled reference figures)", [], []
    if status is not None and len(status):
        times = status["snapshot_retrieved_at"].dropna()
        if len(times):
            refreshed = pd.Timestamp(times.max()).strftime("%Y-%m-%d %H:%M UTC")
        failed = sorted(status.loc[status["status"] == "failed", "source_id"].unique())
        stale = sorted(status.loc[status["status"] == "offline", "source_id"].unique())
    return {"checked": checked, "refreshed": refreshed, "failed": failed, "stale": stale}


def _write_text(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))  # a local file or an object (pipelines.store)


def render(claims: pd.DataFrame, evidence: pd.DataFrame, inputs: ReportInputs,
           mission: list[Chart], charts: dict[str, Chart]) -> str:
    """The page (HTML str) from the template, autoescaped."""
    from jinja2 import (  # here, not at module level: off loading the definitions
        Environment,
        PackageLoader,
        select_autoescape,
    )

    env = Environment(loader=PackageLoader("assets.claims", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True)
    urls, retrieved = _url_index(inputs)
    changes = verdict_changes(claims, inputs.previous_verdicts)
    by_claim = {c["claim"]: c for c in changes}
    views = [claim_view(c, evidence[evidence["claim_id"] == c.claim_id],
                        charts.get(c.claim_id), by_claim.get(c.claim_id), urls, retrieved)
             for c in claims.itertuples()]
    return env.get_template("report.html.j2").render(
        article_title=article().get("title", ""), claims=views, mission=mission,
        changes=changes, verdict_colours=VERDICT_COLOURS, **_header(claims, inputs.source_status))


def build_report(claims: pd.DataFrame, evidence: pd.DataFrame, out_dir: Path,
                 inputs: ReportInputs | None = None) -> dict[str, Path]:
    """Write ``report.html`` and its charts (``<name>.svg`` and ``.png``) into ``out_dir``.

    ``claims`` and ``evidence`` have the columns of the published ``article_claims`` and
    ``claim_evidence`` tables; ``inputs`` the other tables (absent: those charts say they
    have no data). Returns the paths written by kind: ``html``, ``chart:<name>`` (the SVG;
    a PNG beside it), ``missing:<name>`` for a mission chart without data and
    ``failed:<name>`` for a chart that could not be drawn or written (both: the page, which
    says why).
    """
    inputs = inputs or ReportInputs()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    mission = [_saved(ch, out_dir) for ch in mission_charts(inputs)]
    charts: dict[str, Chart] = {}
    for _, claim in claims.iterrows():
        chart = guarded(claim["claim_id"], evidence_chart, claim,
                        evidence[evidence["claim_id"] == claim["claim_id"]])
        if chart is not None:
            charts[claim["claim_id"]] = _saved(chart, out_dir)
    for ch in [*mission, *charts.values()]:
        if ch.files:
            written[f"chart:{ch.name}"] = out_dir / ch.files["svg"]
        elif ch.error:
            written[f"failed:{ch.name}"] = out_dir / "report.html"
    page = render(claims, evidence, inputs, mission, charts)
    _write_text(out_dir / "report.html", page)
    written["html"] = out_dir / "report.html"
    for ch in mission:
        if ch.missing:
            written[f"missing:{ch.name}"] = written["html"]
    return written
