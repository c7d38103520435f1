"""Rules of the article's model claims (CLAIMS.md; issue 4 section 6): release dates,
benchmark comparisons, license and focus of DeepSeek-R1. The training-compute claims are in
:mod:`assets.claims.rules.compute`.

Each rule receives the claim spec (``assets/claims/claims.yaml``) and the published tables,
and computes its verdict from values. Every rule gives a real verdict from the reference
tables alone (``model_facts``, ``benchmark_figures``) and prefers the primary-data tables
when they are present and non-empty (``benchmark_results``, ``arena_scores``,
``livebench_summary``, ``hf_model_info``); the explanation names the basis used.

The benchmark-comparison claims are in :mod:`assets.claims.rules.comparisons` (weighed by
the evidence hierarchy of ``claims.yaml``).
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
    evidence_kind,
    fact_evidence,
    model_fact,
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
