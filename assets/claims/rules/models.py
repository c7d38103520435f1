"""Rules of the article's model claims (CLAIMS.md; issue 4 section 6): release dates,
benchmark comparisons, license and focus of DeepSeek-R1. The training-compute claims are in
:mod:`assets.claims.rules.compute`.

Each rule receives the claim spec (``assets/claims/claims.yaml``) and the published tables,
and computes its verdict from values. Every rule gives a real verdict from the reference
tables alone (``model_facts``, ``benchmark_figures``) and prefers the primary-data tables
when they are present and non-empty (``benchmark_results``, ``arena_scores``,
``livebench_summary``, ``hf_model_info``); the explanation names the basis used.

Benchmark comparisons (:mod:`assets.claims.rules.benchmarks`) decide the verdict as the rule
written in ``claims.yaml`` says; arena and LiveBench figures
(:mod:`assets.claims.rules.leaderboards`) are extra evidence rows and sentences.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd

from assets.claims.engine import (
    ClaimSpec,
    EvidenceRow,
    RuleResult,
    Tables,
    rule,
    unverifiable,
    within_window,
)
from assets.claims.evidence import (
    article_date,
    evidence_kind,
    fact_evidence,
    model_fact,
)
from assets.claims.rules.benchmarks import (
    basis_text,
    benchmark_cells,
    compare_models,
    gap_text,
    pair_evidence,
)
from assets.claims.rules.leaderboards import (
    arena_evidence,
    arena_history,
    livebench_evidence,
    livebench_global,
)
from pipelines.tables import present


def _release_rule(spec: ClaimSpec, tables: Tables, model: str) -> RuleResult:
    f = model_fact(tables, model, "release_date")
    if f is None or not isinstance(f.get("value_text"), str):
        return unverifiable(spec, f"the release date of {model} (model_facts)")
    day = date.fromisoformat(f["value_text"])
    ok = within_window(spec, day)
    lo, hi = spec.precision["window"]
    evidence = [fact_evidence(f)]
    extra = ""
    hf = present(tables.get("hf_model_info"))
    if hf is not None:
        h = hf[hf["model_id"] == model]
        if not h.empty and pd.notna(h.iloc[0]["created_at"]):
            created = pd.Timestamp(h.iloc[0]["created_at"]).date()
            evidence.append(EvidenceRow(
                table="hf_model_info", key=f"{h.iloc[0]['repo_id']} / created_at", value=None,
                unit="date", source_document=str(h.iloc[0]["source_document"]),
                publisher="Hugging Face", note=f"Hub repository created {created}",
                value_text=created.isoformat()))
            extra = f" The Hub repository was created {created}."
    return RuleResult(
        verdict="supported" if ok else "contradicted",
        explanation=(f"{f.get('publisher')} released {model} on {day} ({f.get('title')}, "
                     f"{f.get('locator') or 'no locator'}), {'inside' if ok else 'outside'} "
                     f"the claim's window {lo} to {hi}.{extra}"),
        evidence_kind=evidence_kind(f.get("status")), evidence_text=day.isoformat(), evidence_unit="date",
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
    arena, abasis = arena_history(tables)
    atext, arows = arena_evidence(arena, abasis, model, other)
    expl = (f"On {comp.n} shared benchmarks ({basis_text(basis)}; same table, same "
            f"evaluator, tie within {tie:g} points) {model} wins {w}, loses {l}, ties {t} "
            f"against {other} (mean gap {gap_text(comp.mean_gap)}): {comp.per_table()}. "
            f"Rule: at least {several} wins and more wins than losses.")
    if atext:
        expl += " " + atext
    return RuleResult(verdict=verdict, explanation=expl, evidence_kind="primary_data",
                      evidence_value=float(w), evidence_unit="benchmarks won",
                      evidence=pair_evidence(comp, basis) + arows)


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
    arena, abasis = arena_history(tables)
    atext, arows = arena_evidence(arena, abasis, model, other)
    lb, lbasis = livebench_global(tables)
    ltext, lrows = livebench_evidence(lb, lbasis, [model, other])
    expl = (f"On {comp.n} shared benchmarks ({basis_text(basis)}; same table, same "
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
                      evidence=pair_evidence(comp, basis) + arows + lrows)


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
                evidence += pair_evidence(comp, basis)
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
    expl = (f"Basis: {basis_text(basis)} (same table, same evaluator, tie within {tie:g}). "
            + ". ".join(parts) + ". Comparators matched on a majority: "
            + ", ".join(f"{q} {n} of {len(against)}" for q, n in winners.items()) + ".")
    arena, abasis = arena_history(tables)
    seen = set()
    for o in against:
        atext, arows = arena_evidence(arena, abasis, qwens[0], o)
        if atext:
            expl += " " + atext
            evidence += [r for r in arows if r.key not in seen]
            seen |= {r.key for r in arows}
    ltext, lrows = livebench_evidence(lb, lbasis, qwens + against)
    if ltext:
        expl += " " + ltext + (
            f" LiveBench tables gain models after their release date: read as they stood "
            f"on {article_date()}." if lbasis == "livebench_summary" else
            " LiveBench tables gain models after their release date; the reference figures "
            "are the table as of its stated date.")
        evidence += lrows
    return RuleResult(verdict=verdict, explanation=expl, evidence_kind="primary_data",
                      evidence_value=float(best), evidence_unit="comparators matched",
                      evidence=evidence)


@rule("r1_open_source")
def r1_open_source(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Weights published, and code and weights licenses OSI-approved (``osi_licenses``)."""
    model = "deepseek-r1"
    fw, fc, fo = (model_fact(tables, model, k) for k in ("license_weights", "license_code",
                                                    "open_weights"))
    if fo is None or fw is None:
        return unverifiable(spec, "the weights license and availability of DeepSeek-R1")
    osi = {str(x).lower() for x in spec.param("osi_licenses", [])}
    open_w = str(fo.get("value_text")).lower() == "true"
    lw = str(fw.get("value_text"))
    lc = str(fc.get("value_text")) if fc else None
    evidence = [fact_evidence(f) for f in (fo, fw, fc) if f]
    hub = ""
    hf = present(tables.get("hf_model_info"))
    if hf is not None:
        h = hf[hf["model_id"] == model]
        if not h.empty:
            h = h.iloc[0]
            evidence.append(EvidenceRow(
                table="hf_model_info", key=f"{h['repo_id']} / license", value=None, unit=None,
                source_document=str(h["source_document"]), publisher="Hugging Face",
                note=f"license {h['license']}; gated {h['gated']}",
                value_text=str(h["license"])))
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
        evidence_kind=evidence_kind(fw.get("status")), evidence_text=f"weights: {lw}; code: {lc}",
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
    f = model_fact(tables, model, "focus")
    if f is None or not isinstance(f.get("value_text"), str):
        return unverifiable(spec, "the stated focus of DeepSeek-R1 (model_facts)")
    areas = stated_areas(f["value_text"])
    if "math" not in areas:
        verdict = "contradicted"
    elif areas == ["math"]:
        verdict = "supported"
    else:
        verdict = "partly_supported"
    evidence = [fact_evidence(f)]
    cov = ""
    br = present(tables.get("benchmark_results"))
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
        evidence_kind=evidence_kind(f.get("status")), evidence_text=f["value_text"], evidence=evidence)
