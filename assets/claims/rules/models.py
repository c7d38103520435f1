"""Rules for the article's model claims (CLAIMS.md; issue 4 section 6).

Each rule receives the claim spec (``assets/claims.yaml``) and the published tables, and
computes its verdict from values. Every rule gives a real verdict from the reference tables
alone (``model_facts``, ``benchmark_figures``) and prefers the primary-data tables when they
are present and non-empty (``benchmark_results``, ``training_compute``, ``arena_scores``,
``livebench_summary``, ``hf_model_info``); the explanation names the basis used.

Benchmark comparisons (:func:`compare_models`) pair two models' cells of the same row of the
same table of the same source document by the same evaluator; a difference of at most the
claim's ``tie_margin`` points is a tie; the direction of the metric (bits per byte: lower is
better) is respected. Arena and LiveBench figures are extra evidence rows and sentences; the
benchmark-table rule written in ``claims.yaml`` decides the verdict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from assets.claims.engine import (
    ClaimSpec, EvidenceRow, RuleResult, Tables, article, rule, unverifiable,
    within_precision, within_window,
)
from assets.models.cards import benchmark_identity

_PUBLISHER_BY_OWNER = {"deepseek-ai": "DeepSeek", "meta-llama": "Meta",
                       "QwenLM": "Qwen team (Alibaba Cloud)"}


def _table(tables: Tables, name: str) -> pd.DataFrame | None:
    """The table ``name`` when present and non-empty, else None."""
    df = tables.get(name)
    return df if df is not None and len(df) else None


def _as_of() -> date:
    return date.fromisoformat(str(article()["as_of"]))


def _fmt(x: float) -> str:
    return f"{x:g}" if float(x) != int(x) or abs(x) < 1e6 else f"{x:,.0f}"


# --- model facts --------------------------------------------------------------------------

def _fact(tables: Tables, model: str, fact: str) -> dict | None:
    mf = _table(tables, "model_facts")
    if mf is None:
        return None
    hit = mf[(mf["model"] == model) & (mf["fact"] == fact)]
    return None if hit.empty else hit.iloc[0].to_dict()


def _fact_row(f: dict, note: str | None = None) -> EvidenceRow:
    value = f.get("value")
    loc = f.get("locator")
    doc = f.get("title") or f.get("url") or "model_facts"
    if isinstance(loc, str) and loc:
        doc = f"{doc} ({loc})"
    return EvidenceRow(
        table="model_facts", key=f"{f['model']} / {f['fact']}",
        value=None if value is None or pd.isna(value) else float(value),
        unit=None if pd.isna(f.get("unit")) else f.get("unit"),
        source_document=doc, publisher=str(f.get("publisher")),
        note=note or (f"as cited: {f.get('value_text')}"),
    )


def _kind(f: dict) -> str:
    return "primary_data" if f.get("status") == "primary_data" else (
        "primary_text" if f.get("status") == "primary_text" else "secondary_report")


# --- benchmark comparisons ----------------------------------------------------------------

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
    br = _table(tables, "benchmark_results")
    if br is not None:
        df = br.copy()
        owner = df["source_document"].str.split("/", n=1).str[0]
        df["publisher"] = owner.map(_PUBLISHER_BY_OWNER).fillna(df["evaluator"])
        if "higher_is_better" not in df:
            df["higher_is_better"] = True
        if "unit" not in df:
            df["unit"] = "percent"
        return df[_CELLS].reset_index(drop=True), "benchmark_results"
    bf = _table(tables, "benchmark_figures")
    if bf is not None:
        bf = bf[bf["kind"] == "model_card_benchmark"]
    if bf is None or bf.empty:
        return pd.DataFrame(columns=_CELLS), "none"
    rows = []
    for r in bf.to_dict("records"):
        ident = benchmark_identity(r["measure"], r.get("metric"), r.get("publisher"))
        loc = r.get("locator")
        rows.append({
            "source_document": f"{r.get('url')} ({loc})" if isinstance(loc, str) else r.get("url"),
            "table": r["title"], "evaluator": r["publisher"], "model_id": r["model"],
            "model_name_raw": r["name_in_source"], "benchmark": r["measure"],
            "metric": r.get("metric"), "shots": None, "value": r["value"],
            "unit": ident["unit"], "category": r.get("category"), "higher_is_better": ident["higher_is_better"],
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
        for (doc, tab, ev), g in self.pairs.groupby(
                ["source_document", "table", "evaluator"], sort=False):
            o = g["outcome"].value_counts()
            parts.append(f"{tab} [{ev}]: {_n(o.get('win', 0), 'win')}, "
                         f"{_n(o.get('loss', 0), 'loss', 'losses')}, "
                         f"{_n(o.get('tie', 0), 'tie')}")
        return "; ".join(parts)


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """``1 win``, ``2 wins``, ``0 losses``."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def compare_models(cells: pd.DataFrame, model: str, other: str,
                   tie_margin: float) -> Comparison:
    """Compare ``model`` with ``other`` on every benchmark row both have in the same table.

    Cells are paired on ``source_document, table, evaluator, benchmark, metric, shots``;
    pairs where either value is null are dropped. ``gap = (a - b)`` in points, negated when
    the metric is lower-is-better; ``|gap| <= tie_margin`` is a tie.
    """
    key = ["source_document", "table", "evaluator", "benchmark", "metric", "shots"]
    c = cells.copy()
    if "publisher" not in c:
        c["publisher"] = c["evaluator"]
    if "unit" not in c:
        c["unit"] = "percent"
    for k in ("metric", "shots"):
        c[k] = c[k].astype(object).where(c[k].notna(), "")
    a = c[c["model_id"] == model].drop_duplicates(key)
    b = c[c["model_id"] == other].drop_duplicates(key)
    m = a.merge(b[key + ["value"]], on=key, suffixes=("_a", "_b"))
    m = m[m["value_a"].notna() & m["value_b"].notna()]
    sign = m["higher_is_better"].map(lambda x: 1.0 if bool(x) else -1.0)
    gap = (m["value_a"].astype(float) - m["value_b"].astype(float)) * sign
    pairs = pd.DataFrame({
        "source_document": m["source_document"], "table": m["table"],
        "evaluator": m["evaluator"], "publisher": m["publisher"],
        "benchmark": m["benchmark"], "metric": m["metric"], "shots": m["shots"],
        "unit": m["unit"], "category": m["category"], "a": m["value_a"].astype(float),
        "b": m["value_b"].astype(float), "gap": gap.round(6),
    }).reset_index(drop=True)
    pairs["outcome"] = [
        "tie" if abs(g) <= tie_margin + 1e-9 else ("win" if g > 0 else "loss")
        for g in pairs["gap"]
    ]
    return Comparison(model, other, pairs)


def _pair_rows(comp: Comparison, basis: str) -> list[EvidenceRow]:
    """Two evidence rows per compared benchmark: the model's cell and the comparator's."""
    rows = []
    for p in comp.pairs.to_dict("records"):
        metric = f" ({p['metric']})" if p["metric"] else ""
        note = (f"{comp.model} {p['a']:g} vs {comp.other} {p['b']:g}: {p['outcome']} "
                f"(evaluated by {p['evaluator']})")
        for model, value in ((comp.model, p["a"]), (comp.other, p["b"])):
            rows.append(EvidenceRow(
                table=basis, key=f"{p['table']} / {p['benchmark']}{metric} / {model}",
                value=value, unit="score", source_document=str(p["source_document"]),
                publisher=str(p["publisher"]), note=note,
            ))
    return rows


def _gap_text(gap: float | None) -> str:
    return "n/a" if gap is None else f"{gap:+.1f} points"


def _basis_text(basis: str) -> str:
    return ("the parsed model-card tables (benchmark_results)" if basis == "benchmark_results"
            else "the reference model-card figures (benchmark_figures)")


# --- arena and LiveBench --------------------------------------------------------------------

_CI = re.compile(r"95% CI \+(\d+(?:\.\d+)?)/-(\d+(?:\.\d+)?)")


def arena_snapshot(tables: Tables, as_of: date | None = None) -> tuple[pd.DataFrame, str]:
    """Arena scores of the last version on or before ``as_of`` (article ``as_of`` by default),
    the best-scoring variant per model id.

    From ``arena_scores`` when present and non-empty, else reference ``benchmark_figures``
    rows of kind ``arena_score`` (CI parsed from the note, e.g. ``95% CI +12/-12``). Returns
    columns ``model_id, model_name_raw, source_document`` (str), ``date`` (date), ``score``,
    ``ci_plus``, ``ci_minus`` (float64, arena score points) and the basis table name.
    """
    as_of = as_of or _as_of()
    cols = ["model_id", "model_name_raw", "date", "score", "ci_plus", "ci_minus",
            "source_document"]
    ar = _table(tables, "arena_scores")
    if ar is not None:
        df = ar[ar["model_id"].notna()].copy()
        df["date"] = pd.to_datetime(df["snapshot_date"]).dt.date
        df["source_document"] = ("fboulnois/llm-leaderboard-csv@" + df["source_sha"].astype(str)
                                 + ":csv/lmsys.csv")
        basis = "arena_scores"
    else:
        bf = _table(tables, "benchmark_figures")
        bf = None if bf is None else bf[bf["kind"] == "arena_score"]
        if bf is None or bf.empty:
            return pd.DataFrame(columns=cols), "none"
        recs = []
        for r in bf.to_dict("records"):
            m = _CI.search(str(r.get("note") or ""))
            recs.append({
                "model_id": r["model"], "model_name_raw": r["name_in_source"],
                "date": date.fromisoformat(str(r["date"])), "score": r["value"],
                "ci_plus": float(m.group(1)) if m else None,
                "ci_minus": float(m.group(2)) if m else None,
                "source_document": f"{r.get('title')} ({r.get('locator')})",
            })
        df = pd.DataFrame(recs)
        basis = "benchmark_figures"
    df = df[df["date"] <= as_of]
    if df.empty:
        return pd.DataFrame(columns=cols), basis
    last = df["date"].max()
    df = df[df["date"] == last].sort_values("score", ascending=False)
    df = df.drop_duplicates("model_id").reset_index(drop=True)
    return df[cols], basis


def _arena_compare(arena: pd.DataFrame, basis: str, model: str, other: str
                   ) -> tuple[str | None, list[EvidenceRow]]:
    a = arena[arena["model_id"] == model]
    b = arena[arena["model_id"] == other]
    if a.empty or b.empty:
        return None, []
    a, b = a.iloc[0], b.iloc[0]
    rows = []
    for r in (a, b):
        rows.append(EvidenceRow(
            table=basis, key=f"{r['date']} / {r['model_name_raw']}", value=float(r["score"]),
            unit="arena score", source_document=str(r["source_document"]),
            publisher="LMArena",
            note=f"95% CI +{_fmt(r['ci_plus'])}/-{_fmt(r['ci_minus'])}; best variant of "
                 f"{r['model_id']} on {r['date']}",
        ))
    if pd.isna(a["ci_plus"]) or pd.isna(b["ci_plus"]):
        overlap = None
    else:
        overlap = (a["score"] - a["ci_minus"] <= b["score"] + b["ci_plus"]
                   and b["score"] - b["ci_minus"] <= a["score"] + a["ci_plus"])
    verdict = ("intervals overlap: comparable" if overlap else
               ("intervals do not overlap: " + (f"{model} ahead" if a["score"] > b["score"]
                                                 else f"{other} ahead"))
               if overlap is not None else "no confidence interval")
    text = (f"Arena ({a['date']}, {basis}): {a['model_name_raw']} {_fmt(a['score'])} "
            f"(+{_fmt(a['ci_plus'])}/-{_fmt(a['ci_minus'])}) vs {b['model_name_raw']} "
            f"{_fmt(b['score'])} (+{_fmt(b['ci_plus'])}/-{_fmt(b['ci_minus'])}), "
            f"95% {verdict}.")
    return text, rows


def livebench_global(tables: Tables, as_of: date | None = None) -> tuple[pd.DataFrame, str]:
    """LiveBench global averages of the last release on or before ``as_of``.

    From ``livebench_summary`` (category ``global``) when present and non-empty, else the
    reference ``benchmark_figures`` rows of kind ``livebench_global`` (release date read from
    the category ``release YYYY-MM-DD``). Returns ``model_id, model_name_raw,
    source_document, note`` (str), ``release`` (date), ``score`` (float64, 0-100).
    """
    as_of = as_of or _as_of()
    cols = ["model_id", "model_name_raw", "release", "score", "source_document", "note"]
    lb = _table(tables, "livebench_summary")
    if lb is not None:
        df = lb[(lb["category"] == "global") & lb["model_id"].notna()].copy()
        df["release"] = pd.to_datetime(df["release"]).dt.date
        df["source_document"] = "LiveBench table_" + df["release"].astype(str).str.replace(
            "-", "_") + ".csv"
        df["note"] = ["complete" if bool(c) else f"incomplete: {p} of {e} tasks"
                      for c, p, e in zip(df["complete"], df["tasks_present"],
                                         df["tasks_expected"])]
        basis = "livebench_summary"
    else:
        bf = _table(tables, "benchmark_figures")
        bf = None if bf is None else bf[bf["kind"] == "livebench_global"]
        if bf is None or bf.empty:
            return pd.DataFrame(columns=cols), "none"
        recs = []
        for r in bf.to_dict("records"):
            m = re.search(r"(\d{4}-\d{2}-\d{2})", str(r.get("category") or ""))
            if not m:
                continue
            recs.append({"model_id": r["model"], "model_name_raw": r["name_in_source"],
                         "release": date.fromisoformat(m.group(1)), "score": r["value"],
                         "source_document": f"{r.get('title')} ({r.get('locator')})",
                         "note": f"{r.get('status')}; table state {r.get('date')}"})
        df = pd.DataFrame(recs, columns=cols)
        basis = "benchmark_figures"
    df = df[df["release"] <= as_of]
    if df.empty:
        return pd.DataFrame(columns=cols), basis
    df = df[df["release"] == df["release"].max()]
    df = df.sort_values("score", ascending=False).drop_duplicates("model_id")
    return df[cols].reset_index(drop=True), basis


def _livebench_text(lb: pd.DataFrame, basis: str, models: list[str]
                    ) -> tuple[str | None, list[EvidenceRow]]:
    sub = lb[lb["model_id"].isin(models)]
    if sub.empty:
        return None, []
    rows = [EvidenceRow(table=basis, key=f"{r['release']} / {r['model_name_raw']} / global",
                        value=float(r["score"]), unit="score (0-100)",
                        source_document=str(r["source_document"]), publisher="LiveBench",
                        note=str(r["note"]))
            for r in sub.to_dict("records")]
    parts = ", ".join(
        f"{r['model_name_raw']} {r['score']:.2f}"
        + (f" ({r['note']}: not the site's figure)" if str(r["note"]).startswith("incomplete")
           else "")
        for r in sub.to_dict("records"))
    return f"LiveBench global average (release {sub['release'].iloc[0]}, {basis}): {parts}.", rows


# --- rules ----------------------------------------------------------------------------------

def _release_rule(spec: ClaimSpec, tables: Tables, model: str) -> RuleResult:
    f = _fact(tables, model, "release_date")
    if f is None or not isinstance(f.get("value_text"), str):
        return unverifiable(spec, f"the release date of {model} (model_facts)")
    day = date.fromisoformat(f["value_text"])
    ok = within_window(spec, day)
    lo, hi = spec.precision["window"]
    evidence = [_fact_row(f)]
    extra = ""
    hf = _table(tables, "hf_model_info")
    if hf is not None:
        h = hf[hf["model_id"] == model]
        if not h.empty and pd.notna(h.iloc[0]["created_at"]):
            created = pd.Timestamp(h.iloc[0]["created_at"]).date()
            evidence.append(EvidenceRow(
                table="hf_model_info", key=f"{h.iloc[0]['repo_id']} / created_at", value=None,
                unit="date", source_document=str(h.iloc[0]["source_document"]),
                publisher="Hugging Face", note=f"Hub repository created {created}"))
            extra = f" The Hub repository was created {created}."
    return RuleResult(
        verdict="supported" if ok else "contradicted",
        explanation=(f"{f.get('publisher')} released {model} on {day} ({f.get('title')}, "
                     f"{f.get('locator') or 'no locator'}), {'inside' if ok else 'outside'} "
                     f"the claim's window {lo} to {hi}.{extra}"),
        evidence_kind=_kind(f), evidence_text=day.isoformat(), evidence_unit="date",
        evidence=evidence,
    )


@rule("v3_release_late_2024")
def v3_release_late_2024(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Release date of DeepSeek-V3 (model_facts) inside the claim's window."""
    return _release_rule(spec, tables, "deepseek-v3")


@rule("r1_release_jan_2025")
def r1_release_jan_2025(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Release date of DeepSeek-R1 (model_facts) inside the claim's window."""
    return _release_rule(spec, tables, "deepseek-r1")


def _comparison_setup(spec: ClaimSpec, tables: Tables):
    cells, basis = benchmark_cells(tables)
    cmp_spec = spec.param("comparison") or {}
    return cells, basis, cmp_spec, float(spec.param("tie_margin", 0.5))


@rule("v3_beats_llama31")
def v3_beats_llama31(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Wins/losses/ties of DeepSeek-V3 vs Llama-3.1-405B-Instruct (claims.yaml rule)."""
    cells, basis, cmp_spec, tie = _comparison_setup(spec, tables)
    model, other = cmp_spec.get("model", "deepseek-v3"), cmp_spec["against"][0]
    several = int(spec.param("several", 3))
    comp = compare_models(cells, model, other, tie)
    if comp.n == 0:
        return unverifiable(spec, f"a benchmark table with both {model} and {other}")
    w, l, t = comp.wins, comp.losses, comp.ties
    if w >= several and w > l:
        verdict = "supported"
    elif w >= several:
        verdict = "partly_supported"
    else:
        verdict = "contradicted"
    arena, abasis = arena_snapshot(tables)
    atext, arows = _arena_compare(arena, abasis, model, other)
    expl = (f"On {comp.n} shared benchmarks ({_basis_text(basis)}; same table, same "
            f"evaluator, tie within {tie:g} points) {model} wins {w}, loses {l}, ties {t} "
            f"against {other} (mean gap {_gap_text(comp.mean_gap)}): {comp.per_table()}. "
            f"Rule: at least {several} wins and more wins than losses.")
    if atext:
        expl += " " + atext
    return RuleResult(verdict=verdict, explanation=expl, evidence_kind="primary_data",
                      evidence_value=float(w), evidence_unit="benchmarks won",
                      evidence=_pair_rows(comp, basis) + arows)


@rule("v3_comparable_claude35")
def v3_comparable_claude35(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Mean gap and win shares of DeepSeek-V3 vs Claude-3.5-Sonnet-1022 (claims.yaml rule)."""
    cells, basis, cmp_spec, tie = _comparison_setup(spec, tables)
    model, other = cmp_spec.get("model", "deepseek-v3"), cmp_spec["against"][0]
    max_gap = float(spec.param("comparable_gap", 3.0))
    comp = compare_models(cells, model, other, tie)
    if comp.n == 0:
        return unverifiable(spec, f"a benchmark table with both {model} and {other}")
    w, l, t = comp.wins, comp.losses, comp.ties
    gap = comp.mean_gap if comp.mean_gap is not None else 0.0
    decided = w + l
    gap_ok = abs(gap) <= max_gap
    share_ok = decided == 0 or (w >= decided / 3 and l >= decided / 3)
    ahead = gap > max_gap and w > l
    if gap_ok and share_ok:
        verdict = "supported"
    elif gap_ok or share_ok or ahead:
        verdict = "partly_supported"
    else:
        verdict = "contradicted"
    arena, abasis = arena_snapshot(tables)
    atext, arows = _arena_compare(arena, abasis, model, other)
    lb, lbasis = livebench_global(tables)
    ltext, lrows = _livebench_text(lb, lbasis, [model, other])
    expl = (f"On {comp.n} shared benchmarks ({_basis_text(basis)}; same table, same "
            f"evaluator) {model} wins {w}, loses {l}, ties {t} against {other}; mean gap "
            f"{gap:+.1f} points ({'within' if gap_ok else 'outside'} +-{max_gap:g}); each "
            f"side wins at least a third of the {decided} decided: "
            f"{'yes' if share_ok else 'no'}. {comp.per_table()}.")
    if ahead and not (gap_ok or share_ok):
        expl += (f" {model} is ahead beyond the margin: 'comparable' holds only as 'at least "
                 f"comparable'.")
    for x in (atext, ltext):
        if x:
            expl += " " + x
    return RuleResult(verdict=verdict, explanation=expl, evidence_kind="primary_data",
                      evidence_value=round(gap, 3), evidence_unit="points (mean gap)",
                      evidence=_pair_rows(comp, basis) + arows + lrows)


@rule("qwen_matches_western")
def qwen_matches_western(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Qwen2.5-72B-Instruct and Qwen2.5-Max, apart, vs Llama 3.1 405B and Claude 3.5 Sonnet.

    Model-card tables decide; a Qwen model that shares no model-card benchmark with a
    comparator is judged on the LiveBench global average of the last release on or before
    the article's date (one benchmark, one evaluator), as the claims.yaml rule says.
    """
    cells, basis, cmp_spec, tie = _comparison_setup(spec, tables)
    qwens = [cmp_spec.get("model", "qwen2.5-72b-instruct"), *cmp_spec.get("also", [])]
    against = list(cmp_spec.get("against", []))
    lb, lbasis = livebench_global(tables)
    lb_score = {r["model_id"]: r for r in lb.to_dict("records")}
    evidence: list[EvidenceRow] = []
    parts, winners = [], {}
    any_data = False
    for q in qwens:
        matched, bits = 0, []
        for o in against:
            comp = compare_models(cells, q, o, tie)
            if comp.n:
                any_data = True
                ok = comp.wins + comp.ties
                majority = ok > comp.n / 2
                matched += int(majority)
                bits.append(f"matches or beats {o} on {ok} of {comp.n} model-card benchmarks "
                            f"({'majority' if majority else 'no majority'})")
                evidence += _pair_rows(comp, basis)
            elif q in lb_score and o in lb_score:
                any_data = True
                a, b = lb_score[q], lb_score[o]
                majority = a["score"] >= b["score"] - tie
                matched += int(majority)
                bits.append(f"no shared model-card benchmark with {o}; LiveBench global "
                            f"{a['score']:.2f} vs {b['score']:.2f} ({lbasis}, release "
                            f"{a['release']}): {'matches or beats' if majority else 'behind'}")
            else:
                bits.append(f"no shared benchmark with {o}")
        winners[q] = matched
        parts.append(f"{q}: " + "; ".join(bits))
    if not any_data:
        return unverifiable(spec, "a benchmark table with a Qwen model and a comparator")
    best = max(winners.values())
    verdict = ("supported" if best >= len(against) else
               "partly_supported" if best >= 1 else "contradicted")
    expl = (f"Basis: {_basis_text(basis)} (same table, same evaluator, tie within {tie:g}). "
            + ". ".join(parts) + ". Comparators matched on a majority: "
            + ", ".join(f"{q} {n} of {len(against)}" for q, n in winners.items()) + ".")
    arena, abasis = arena_snapshot(tables)
    seen = set()
    for o in against:
        atext, arows = _arena_compare(arena, abasis, qwens[0], o)
        if atext:
            expl += " " + atext
            evidence += [r for r in arows if r.key not in seen]
            seen |= {r.key for r in arows}
    ltext, lrows = _livebench_text(lb, lbasis, qwens + against)
    if ltext:
        expl += " " + ltext + (" LiveBench tables gain models after their release date; "
                               "the reference figures are the table as of its stated date.")
        evidence += lrows
    return RuleResult(verdict=verdict, explanation=expl, evidence_kind="primary_data",
                      evidence_value=float(best), evidence_unit="comparators matched",
                      evidence=evidence)


@rule("r1_open_source")
def r1_open_source(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Weights published, and code and weights licenses OSI-approved (``osi_licenses``)."""
    model = "deepseek-r1"
    fw, fc, fo = (_fact(tables, model, k) for k in ("license_weights", "license_code",
                                                    "open_weights"))
    if fo is None or fw is None:
        return unverifiable(spec, "the weights license and availability of DeepSeek-R1")
    osi = {str(x).lower() for x in spec.param("osi_licenses", [])}
    open_w = str(fo.get("value_text")).lower() == "true"
    lw = str(fw.get("value_text"))
    lc = str(fc.get("value_text")) if fc else None
    evidence = [_fact_row(f) for f in (fo, fw, fc) if f]
    hub = ""
    hf = _table(tables, "hf_model_info")
    if hf is not None:
        h = hf[hf["model_id"] == model]
        if not h.empty:
            h = h.iloc[0]
            evidence.append(EvidenceRow(
                table="hf_model_info", key=f"{h['repo_id']} / license", value=None, unit=None,
                source_document=str(h["source_document"]), publisher="Hugging Face",
                note=f"license {h['license']}; gated {h['gated']}"))
            hub = f" The Hub repo {h['repo_id']} gives license {h['license']!r}, gated {h['gated']}."
    if not open_w:
        verdict = "contradicted"
    elif lw.lower() in osi and (lc is None or lc.lower() in osi):
        verdict = "supported"
    else:
        verdict = "partly_supported"
    return RuleResult(
        verdict=verdict,
        explanation=(f"Weights published: {'yes' if open_w else 'no'}; weights license {lw}, "
                     f"code license {lc or 'not stated'} ({fw.get('title')}); OSI-approved "
                     f"list: {', '.join(spec.param('osi_licenses', []))}.{hub}"),
        evidence_kind=_kind(fw), evidence_text=f"weights: {lw}; code: {lc}",
        evidence=evidence)


_AREAS = {"math": "math", "mathematic": "math", "mathematical": "math", "code": "code",
          "coding": "code", "reasoning": "reasoning", "general": "general",
          "chinese": "chinese", "english": "english", "writing": "writing"}


def stated_areas(text: str) -> list[str]:
    """Areas a focus statement names, in order (``'reasoning: math, code and reasoning
    tasks'`` -> ``['math', 'code', 'reasoning']``): the list after a colon if there is one,
    split on commas and 'and', each item's first known area word."""
    body = text.split(":", 1)[1] if ":" in text else text
    items = re.split(r",|\band\b|&|/", body)
    out = []
    for it in items:
        for word in re.findall(r"[a-z]+", it.lower()):
            area = _AREAS.get(word)
            if area:
                if area not in out:
                    out.append(area)
                break
    return out


@rule("r1_math_focus")
def r1_math_focus(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Stated focus of DeepSeek-R1 (model_facts ``focus``), with benchmark coverage."""
    model = "deepseek-r1"
    f = _fact(tables, model, "focus")
    if f is None or not isinstance(f.get("value_text"), str):
        return unverifiable(spec, "the stated focus of DeepSeek-R1 (model_facts)")
    areas = stated_areas(f["value_text"])
    if "math" not in areas:
        verdict = "contradicted"
    elif areas == ["math"]:
        verdict = "supported"
    else:
        verdict = "partly_supported"
    evidence = [_fact_row(f)]
    cov = ""
    br = _table(tables, "benchmark_results")
    if br is not None:
        own = br[(br["model_id"] == model) & br["source_document"].str.contains("DeepSeek-R1")
                 & br["value"].notna()]
        if not own.empty:
            counts = own.groupby("category", dropna=False).size().sort_values(ascending=False)
            total = int(counts.sum())
            for cat, n in counts.items():
                evidence.append(EvidenceRow(
                    table="benchmark_results", key=f"{model} / category {cat}",
                    value=float(n), unit="benchmarks",
                    source_document=str(own["source_document"].iloc[0]),
                    publisher="DeepSeek", note=f"{n} of {total} benchmark cells of R1's card"))
            cov = (" Coverage of R1's own card: " + ", ".join(
                f"{cat} {n}" for cat, n in counts.items()) + f" of {total} benchmarks.")
    return RuleResult(
        verdict=verdict,
        explanation=(f"The card states the focus as {f['value_text']!r} ({f.get('title')}, "
                     f"{f.get('locator')}): areas {', '.join(areas) or 'none'}; math is "
                     f"{'the only stated area' if areas == ['math'] else 'one of several stated areas' if 'math' in areas else 'not a stated area'}"
                     f".{cov}"),
        evidence_kind=_kind(f), evidence_text=f["value_text"], evidence=evidence)


def _gpu_hours(tables: Tables, model: str) -> tuple[dict | None, str]:
    """The full-training GPU-hours row of ``model``: from training_compute when present,
    else from model_facts (keys model_id, gpu_hours, gpu_type, cluster_gpus, rate, cost,
    covers, source, publisher)."""
    tc = _table(tables, "training_compute")
    if tc is not None:
        rows = tc[tc["model_id"] == model]
        full = rows[rows["covers"].str.startswith("full training")]
        if not full.empty:
            r = full.iloc[0]
            return {
                "model_id": model, "gpu_hours": float(r["gpu_hours"]),
                "gpu_type": r["gpu_type"], "cluster_gpus": r["cluster_gpus"],
                "rate": r["rental_rate_usd_per_gpu_hour"], "cost": r["cost_usd"],
                "covers": r["covers"], "source": r["source"],
                "publisher": str(r["source"]).split(",")[0],
            }, "training_compute"
    h = _fact(tables, model, "training_gpu_hours_total")
    if h is None or pd.isna(h.get("value")):
        return None, "none"
    rate = _fact(tables, model, "gpu_rental_rate_assumed")
    gpu = _fact(tables, model, "training_gpu")
    cl = _fact(tables, model, "cluster_gpus")
    rate_v = None if rate is None or pd.isna(rate.get("value")) else float(rate["value"])
    hours = float(h["value"])
    return {
        "model_id": model, "gpu_hours": hours,
        "gpu_type": gpu.get("value_text") if gpu else None,
        "cluster_gpus": None if cl is None or pd.isna(cl.get("value")) else float(cl["value"]),
        "rate": rate_v, "cost": None if rate_v is None else hours * rate_v,
        "covers": "full training as reported" + (f" ({h['note']})" if isinstance(
            h.get("note"), str) else ""),
        "source": f"{h.get('title')}, {h.get('locator')}", "publisher": str(h.get("publisher")),
    }, "model_facts"


def _compute_row(g: dict, basis: str, note: str) -> EvidenceRow:
    return EvidenceRow(table=basis, key=f"{g['model_id']} / training GPU hours",
                       value=g["gpu_hours"], unit="GPU hours", source_document=g["source"],
                       publisher=g["publisher"], note=note)


@rule("v3_training_cost_5_6m")
def v3_training_cost_5_6m(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """GPU hours x the rental rate DeepSeek assumes, in million USD, at the claim's precision."""
    g, basis = _gpu_hours(tables, "deepseek-v3")
    if g is None or g["rate"] is None or pd.isna(g["rate"]):
        return unverifiable(spec, "DeepSeek-V3's GPU hours and assumed rental rate")
    cost_m = g["gpu_hours"] * float(g["rate"]) / 1e6
    decimals = len(spec.claimed_value.split(".")[1]) if "." in spec.claimed_value else 0
    rounded = round(cost_m, decimals)
    ok = within_precision(spec, cost_m)
    evidence = [_compute_row(g, basis, f"covers: {g['covers']}")]
    rate_f = _fact(tables, "deepseek-v3", "gpu_rental_rate_assumed")
    if rate_f:
        evidence.append(_fact_row(rate_f))
    reported = _fact(tables, "deepseek-v3", "training_cost")
    rep = ""
    if reported and not pd.isna(reported.get("value")):
        evidence.append(_fact_row(reported))
        rep = f" DeepSeek's report states {_fmt(float(reported['value']))} USD."
    return RuleResult(
        verdict="supported" if ok else "contradicted",
        explanation=(f"{_fmt(g['gpu_hours'])} {g['gpu_type'] or ''} GPU hours x "
                     f"{float(g['rate']):g} USD per GPU hour (the rental rate DeepSeek assumes) "
                     f"= {cost_m:.3f} million USD, {rounded:g} million at the claim's precision "
                     f"(basis {basis}).{rep} It covers the final training run only: no prior "
                     f"research, ablations, data or hardware."),
        evidence_kind="primary_text", evidence_value=round(cost_m, 6),
        evidence_unit="million USD", evidence=evidence)


@rule("v3_gpus_2000_h800")
def v3_gpus_2000_h800(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Cluster size within the claim's precision and the GPU type named (``gpu_type``)."""
    g, basis = _gpu_hours(tables, "deepseek-v3")
    cl = _fact(tables, "deepseek-v3", "cluster_gpus")
    gpu_f = _fact(tables, "deepseek-v3", "training_gpu")
    n = None
    if g is not None and g["cluster_gpus"] is not None and not pd.isna(g["cluster_gpus"]):
        n = float(g["cluster_gpus"])
    elif cl is not None and not pd.isna(cl.get("value")):
        n, basis = float(cl["value"]), "model_facts"
    gpu = (g or {}).get("gpu_type") or (gpu_f or {}).get("value_text")
    if n is None:
        return unverifiable(spec, "DeepSeek-V3's training cluster size")
    want = str(spec.param("gpu_type", "H800"))
    count_ok = within_precision(spec, n)
    type_ok = gpu is not None and want.lower() in str(gpu).lower()
    verdict = ("supported" if count_ok and type_ok else
               "partly_supported" if count_ok or type_ok else "contradicted")
    evidence = [_fact_row(f) for f in (cl, gpu_f) if f]
    return RuleResult(
        verdict=verdict,
        explanation=(f"DeepSeek-V3 was trained on a cluster of {n:,.0f} {gpu} GPUs (basis "
                     f"{basis}; {cl.get('title') if cl else ''} {cl.get('locator') if cl else ''}"
                     f"); about {spec.claimed_value} ({'within' if count_ok else 'outside'} "
                     f"+-{spec.precision.get('relative', 0) * 100:g}%), GPU type "
                     f"{want}: {'yes' if type_ok else 'no'}."),
        evidence_kind="primary_text", evidence_value=n, evidence_unit="GPUs",
        evidence_text=gpu, evidence=evidence)


@rule("v3_cheaper_than_western")
def v3_cheaper_than_western(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Ratio of DeepSeek-V3's to Llama 3.1 405B's training GPU hours, with caveats."""
    cmp_spec = spec.param("comparison") or {}
    model, other = cmp_spec.get("model", "deepseek-v3"), cmp_spec["against"][0]
    a, abasis = _gpu_hours(tables, model)
    b, bbasis = _gpu_hours(tables, other)
    if a is None or b is None:
        return unverifiable(spec, f"training GPU hours of {model} and {other}")
    ratio = a["gpu_hours"] / b["gpu_hours"]
    limit = float(spec.param("much_less_ratio", 0.5))
    verdict = ("supported" if ratio <= limit else
               "partly_supported" if ratio <= 1 else "contradicted")
    evidence = [_compute_row(a, abasis, f"covers: {a['covers']}"),
                _compute_row(b, bbasis, f"covers: {b['covers']}")]
    return RuleResult(
        verdict=verdict,
        explanation=(f"{model}: {_fmt(a['gpu_hours'])} GPU hours ({a['gpu_type']}, "
                     f"{a['source']}); {other}: {_fmt(b['gpu_hours'])} GPU hours "
                     f"({b['gpu_type']}, {b['source']}); ratio {ratio:.3f} (about "
                     f"{1 / ratio:.0f}x less; 'much less' when at most {limit:g}). Caveats: "
                     f"different GPUs (H800 vs H100-80GB, not the same cost per hour), and "
                     f"V3's figure is the final training run only."),
        evidence_kind="primary_text", evidence_value=round(ratio, 6),
        evidence_unit="ratio of GPU hours", evidence=evidence)
