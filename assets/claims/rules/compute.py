"""Rules of the article's training-compute claims on DeepSeek-V3: its cost, its cluster,
and its GPU hours against Llama 3.1 405B's.

GPU hours come from ``training_compute`` when present and non-empty, else from the reference
``model_facts``; the explanation names the basis used.
"""
from __future__ import annotations

import pandas as pd

from assets.claims.engine import (
    ClaimSpec,
    EvidenceRow,
    RuleResult,
    Tables,
    rule,
    unverifiable,
    within_precision,
)
from assets.claims.evidence import fact_evidence, fmt_number, model_fact
from pipelines.tables import present


def _gpu_hours(tables: Tables, model: str) -> tuple[dict | None, str]:
    """The full-training GPU-hours row of ``model``: from training_compute when present,
    else from model_facts (keys model_id, gpu_hours, gpu_type, cluster_gpus, rate, cost,
    covers, source, publisher)."""
    tc = present(tables.get("training_compute"))
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
    h = model_fact(tables, model, "training_gpu_hours_total")
    if h is None or pd.isna(h.get("value")):
        return None, "none"
    rate = model_fact(tables, model, "gpu_rental_rate_assumed")
    gpu = model_fact(tables, model, "training_gpu")
    cl = model_fact(tables, model, "cluster_gpus")
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
    rate_f = model_fact(tables, "deepseek-v3", "gpu_rental_rate_assumed")
    if rate_f:
        evidence.append(fact_evidence(rate_f))
    reported = model_fact(tables, "deepseek-v3", "training_cost")
    rep = ""
    if reported and not pd.isna(reported.get("value")):
        evidence.append(fact_evidence(reported))
        rep = f" DeepSeek's report states {fmt_number(float(reported['value']))} USD."
    return RuleResult(
        verdict="supported" if ok else "contradicted",
        explanation=(f"{fmt_number(g['gpu_hours'])} {g['gpu_type'] or ''} GPU hours x "
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
    cl = model_fact(tables, "deepseek-v3", "cluster_gpus")
    gpu_f = model_fact(tables, "deepseek-v3", "training_gpu")
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
    evidence = [fact_evidence(f) for f in (cl, gpu_f) if f]
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
        explanation=(f"{model}: {fmt_number(a['gpu_hours'])} GPU hours ({a['gpu_type']}, "
                     f"{a['source']}); {other}: {fmt_number(b['gpu_hours'])} GPU hours "
                     f"({b['gpu_type']}, {b['source']}); ratio {ratio:.3f} (about "
                     f"{1 / ratio:.0f}x less; 'much less' when at most {limit:g}). Caveats: "
                     f"different GPUs (H800 vs H100-80GB, not the same cost per hour), and "
                     f"V3's figure is the final training run only."),
        evidence_kind="primary_text", evidence_value=round(ratio, 6),
        evidence_unit="ratio of GPU hours", evidence=evidence)
