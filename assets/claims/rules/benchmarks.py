"""Benchmark comparisons for the model claims: the cells of two models in the same row of
the same table of the same source document, by the same evaluator.

:func:`benchmark_cells` reads them from ``benchmark_results`` (parsed model cards) when
present and non-empty, else from the reference ``benchmark_figures``; :func:`compare_models`
pairs them and calls each pair a win, loss or tie (within the claim's ``tie_margin``),
respecting the metric's direction (bits per byte: lower is better).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlparse

import pandas as pd

from assets.claims.engine import EvidenceRow, Tables
from assets.claims.evidence import plural
from assets.models.benchmarks import benchmark_identity
from assets.registry import load_sources
from pipelines.tables import present


@cache
def publisher_by_owner() -> dict[str, str]:
    """GitHub owner -> publisher of the model-card sources of ``assets/registry/sources.yaml``
    (``deepseek-ai`` -> ``DeepSeek``), read from the owner in each card's raw GitHub URL."""
    out = {}
    for source in load_sources().values():
        url = urlparse(source.url)
        if source.group == "models" and url.netloc == "raw.githubusercontent.com":
            out.setdefault(url.path.strip("/").split("/")[0], source.publisher)
    return out


_CELLS = ["source_document", "table", "evaluator", "model_id", "model_name_raw", "benchmark",
          "metric", "shots", "value", "unit", "category", "higher_is_better", "publisher"]


def benchmark_cells(tables: Tables) -> tuple[pd.DataFrame, str]:
    """Benchmark cells in one shape, and the basis they come from.

    From ``benchmark_results`` when present and non-empty (basis ``"benchmark_results"``),
    else from the reference ``benchmark_figures`` rows of kind ``model_card_benchmark``
    (basis ``"benchmark_figures"``; the table is the figure's title, the evaluator its
    publisher). Returns columns ``source_document, table, evaluator, model_id,
    model_name_raw, benchmark, metric, shots, unit, category, publisher`` (str),
    ``value`` (float64), ``higher_is_better`` (bool); empty with basis ``"none"`` when
    neither exists.
    """
    results = present(tables.get("benchmark_results"))
    if results is not None:
        df = results.copy()
        owner = df["source_document"].str.split("/", n=1).str[0]
        df["publisher"] = owner.map(publisher_by_owner()).fillna(df["evaluator"])
        if "higher_is_better" not in df:
            df["higher_is_better"] = True
        if "unit" not in df:
            df["unit"] = "percent"
        return df[_CELLS].reset_index(drop=True), "benchmark_results"
    figures = present(tables.get("benchmark_figures"))
    if figures is not None:
        figures = figures[figures["kind"] == "model_card_benchmark"]
    if figures is None or figures.empty:
        return pd.DataFrame(columns=_CELLS), "none"
    rows = []
    for r in figures.to_dict("records"):
        ident = benchmark_identity(r["measure"], r.get("metric"), r.get("publisher"))
        locator = r.get("locator")
        rows.append({
            "source_document": (f"{r.get('url')} ({locator})" if isinstance(locator, str)
                                else r.get("url")),
            "table": r["title"], "evaluator": r["publisher"], "model_id": r["model"],
            "model_name_raw": r["name_in_source"], "benchmark": r["measure"],
            "metric": r.get("metric"), "shots": None, "value": r["value"],
            "unit": ident["unit"], "category": r.get("category"),
            "higher_is_better": ident["higher_is_better"],
            "publisher": r["publisher"],
        })
    return pd.DataFrame(rows, columns=_CELLS), "benchmark_figures"


@dataclass
class Comparison:
    """Pairs of cells of ``model`` and ``other`` and their outcome, with per-table counts.

    ``pairs`` columns: ``source_document, table, evaluator, publisher, benchmark, metric,
    shots, unit, category`` (str), ``a``, ``b`` (float64, the two values), ``gap`` (float64, points,
    positive when ``model`` is better, sign flipped for lower-is-better metrics),
    ``outcome`` (``win``/``loss``/``tie`` from ``model``'s side).
    """

    model: str
    other: str
    pairs: pd.DataFrame

    @property
    def n(self) -> int:
        return len(self.pairs)

    def count(self, outcome: str) -> int:
        return int((self.pairs["outcome"] == outcome).sum())

    @property
    def wins(self) -> int:
        return self.count("win")

    @property
    def losses(self) -> int:
        return self.count("loss")

    @property
    def ties(self) -> int:
        return self.count("tie")

    @property
    def mean_gap(self) -> float | None:
        """Mean gap in percentage points over the pairs whose unit is ``percent`` (ratings,
        0-10 judge scores and bits per byte are counted as wins/losses but not averaged)."""
        pct = self.pairs[self.pairs["unit"] == "percent"]
        return float(pct["gap"].mean()) if len(pct) else None

    def per_table(self) -> str:
        """``table (evaluator): W-L-T`` for each table, ``"; "``-joined."""
        parts = []
        for (_, table, evaluator), group in self.pairs.groupby(
                ["source_document", "table", "evaluator"], sort=False):
            outcomes = group["outcome"].value_counts()
            parts.append(f"{table} [{evaluator}]: {plural(outcomes.get('win', 0), 'win')}, "
                         f"{plural(outcomes.get('loss', 0), 'loss', 'losses')}, "
                         f"{plural(outcomes.get('tie', 0), 'tie')}")
        return "; ".join(parts)


def compare_models(cells: pd.DataFrame, model: str, other: str,
                   tie_margin: float) -> Comparison:
    """Compare ``model`` with ``other`` on every benchmark row both have in the same table.

    Cells are paired on ``source_document, table, evaluator, benchmark, metric, shots``;
    pairs where either value is null are dropped. ``gap = (a - b)`` in points, negated when
    the metric is lower-is-better; ``|gap| <= tie_margin`` is a tie.
    """
    key = ["source_document", "table", "evaluator", "benchmark", "metric", "shots"]
    cells = cells.copy()
    if "publisher" not in cells:
        cells["publisher"] = cells["evaluator"]
    if "unit" not in cells:
        cells["unit"] = "percent"
    for col in ("metric", "shots"):
        cells[col] = cells[col].astype(object).where(cells[col].notna(), "")
    a = cells[cells["model_id"] == model].drop_duplicates(key)
    b = cells[cells["model_id"] == other].drop_duplicates(key)
    merged = a.merge(b[key + ["value"]], on=key, suffixes=("_a", "_b"))
    merged = merged[merged["value_a"].notna() & merged["value_b"].notna()]
    sign = merged["higher_is_better"].map(lambda x: 1.0 if bool(x) else -1.0)
    gap = (merged["value_a"].astype(float) - merged["value_b"].astype(float)) * sign
    pairs = pd.DataFrame({
        **{col: merged[col] for col in ("source_document", "table", "evaluator", "publisher",
                                        "benchmark", "metric", "shots", "unit", "category")},
        "a": merged["value_a"].astype(float), "b": merged["value_b"].astype(float),
        "gap": gap.round(6),
    }).reset_index(drop=True)
    pairs["outcome"] = [
        "tie" if abs(g) <= tie_margin + 1e-9 else ("win" if g > 0 else "loss")
        for g in pairs["gap"]
    ]
    return Comparison(model, other, pairs)


def pair_evidence(comp: Comparison, basis: str) -> list[EvidenceRow]:
    """Two evidence rows per compared benchmark of ``comp``: the model's cell and the
    comparator's (table ``basis``, unit ``score``), each noting the outcome and naming its
    evaluator and whether it is independent (:mod:`assets.claims.rules.weighing`)."""
    from assets.claims.rules.weighing import is_independent

    rows = []
    for p in comp.pairs.to_dict("records"):
        metric = f" ({p['metric']})" if p["metric"] else ""
        note = (f"{comp.model} {p['a']:g} vs {comp.other} {p['b']:g}: {p['outcome']} "
                f"(evaluated by {p['evaluator']})")
        for model, value in ((comp.model, p["a"]), (comp.other, p["b"])):
            rows.append(EvidenceRow(
                table=basis, key=f"{p['table']} / {p['benchmark']}{metric} / {model}",
                value=value, unit="score", source_document=str(p["table"]),
                publisher=str(p["publisher"]), note=note,
                evaluator=str(p["evaluator"]), independent=is_independent(p["evaluator"]),
            ))
    return rows


def gap_text(gap: float | None) -> str:
    """A mean gap as ``+1.2 points`` (``n/a`` when None)."""
    return "n/a" if gap is None else f"{gap:+.1f} points"


def basis_text(basis: str) -> str:
    """Which benchmark table a comparison used, in words (``basis`` of
    :func:`benchmark_cells`)."""
    return ("the parsed model-card tables (benchmark_results)" if basis == "benchmark_results"
            else "the reference model-card figures (benchmark_figures)")
