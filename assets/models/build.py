"""The tables ``models`` and ``training_compute``, built from the model registry
(``assets/registry/models.yaml``), the reference table ``model_facts`` (figures the models'
own documents state, see ``../shared/reference``) and the Hub rows of ``hf_model_info``.

Plain functions, no Dagster: DataFrames in, DataFrames out.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from assets.models.tables import MODELS_COLUMNS, TRAINING_COLUMNS
from assets.registry import Model

#: Reference license names and the Hub license id they correspond to (for disagreements).
_LICENSE_TO_HUB = {
    "mit": "mit", "apache 2.0": "apache-2.0", "apache-2.0": "apache-2.0",
    "llama 3.1 community license": "llama3.1", "qwen license": "qwen",
    "deepseek model license": "deepseek",
}
#: Relative difference of parameter counts above which the Hub and the reference disagree.
PARAMS_TOLERANCE = 0.02
#: Days between the Hub repo's creation and the reference release date that are flagged.
RELEASE_TOLERANCE_DAYS = 7

#: What each GPU-hours fact of ``model_facts`` covers, as its source says.
_GPU_HOUR_FACTS = {
    "training_gpu_hours_total": "full training as reported",
    "training_gpu_hours_pretraining": "pre-training only",
}

Facts = dict[tuple[str, str], dict]


def _facts(model_facts: pd.DataFrame) -> Facts:
    """``model_facts`` rows by ``(model, fact)``.

    Raises:
        ValueError: a column ``model``, ``fact``, ``value`` or ``value_text`` is missing."""
    need = {"model", "fact", "value", "value_text"}
    missing = need - set(model_facts.columns)
    if missing:
        raise ValueError(f"model_facts lacks columns {sorted(missing)}")
    return {(r["model"], r["fact"]): r for r in model_facts.to_dict("records")}


def _fact_num(facts: Facts, model: str, fact: str) -> float | None:
    """The numeric ``value`` of one fact, None when absent or null."""
    r = facts.get((model, fact))
    if r is None or pd.isna(r["value"]):
        return None
    return float(r["value"])


def _fact_text(facts: Facts, model: str, fact: str) -> str | None:
    """The ``value_text`` of one fact, None when absent or null."""
    r = facts.get((model, fact))
    if r is None or pd.isna(r["value_text"]):
        return None
    return str(r["value_text"])


def _reference_row(mid: str, m: Model, facts: Facts) -> dict[str, Any]:
    """The registry identity and reference facts of one model (``models`` columns up to
    ``context_length_k``)."""
    rel = _fact_text(facts, mid, "release_date")
    return {
        "id": mid, "name": m.name, "organization": m.organization,
        "country": m.country, "open_weights": bool(m.open_weights),
        "variant": m.variant, "hf_repo": m.hf_repo,
        "release_date": date.fromisoformat(rel) if rel else None,
        "license_weights": _fact_text(facts, mid, "license_weights"),
        "license_code": _fact_text(facts, mid, "license_code"),
        "params_total_b": _fact_num(facts, mid, "params_total"),
        "params_active_b": _fact_num(facts, mid, "params_active"),
        "context_length_k": _fact_num(facts, mid, "context_length"),
    }


def _hub_columns(h: dict) -> dict[str, Any]:
    """The ``hf_*`` columns of ``models`` from one ``hf_model_info`` row (parameters in
    billions, creation as a Timestamp or None)."""
    total = h.get("params_total")
    created = h.get("created_at")
    return {
        "hf_created_at": None if created is None or pd.isna(created) else pd.Timestamp(created),
        "hf_last_modified": h.get("last_modified"),
        "hf_sha": h.get("sha"), "hf_license": h.get("license"),
        "hf_gated": h.get("gated"), "hf_downloads": h.get("downloads"),
        "hf_likes": h.get("likes"),
        "hf_params_total_b": None if total is None or pd.isna(total) else float(total) / 1e9,
    }


def _disagreements(row: dict[str, Any]) -> list[str]:
    """Where the Hub columns of a ``models`` row contradict its reference columns: license
    (the Hub's ``other`` says nothing), parameter count beyond :data:`PARAMS_TOLERANCE`,
    repo creation vs release beyond :data:`RELEASE_TOLERANCE_DAYS`."""
    notes = []
    ref_lic, hub_lic = row["license_weights"], row["hf_license"]
    if ref_lic and hub_lic and str(hub_lic).lower() != "other":
        want = _LICENSE_TO_HUB.get(ref_lic.lower(), ref_lic.lower())
        if str(hub_lic).lower() != want:
            notes.append(f"license: Hub {hub_lic!r}, reference {ref_lic!r}")
    ref_p, total_b = row["params_total_b"], row["hf_params_total_b"]
    if ref_p and total_b and abs(total_b - ref_p) / ref_p > PARAMS_TOLERANCE:
        notes.append(f"params_total: Hub safetensors {total_b:.1f}B, reference {ref_p:g}B")
    created = row["hf_created_at"]
    if row["release_date"] and created is not None:
        days = (created.date() - row["release_date"]).days
        if abs(days) > RELEASE_TOLERANCE_DAYS:
            notes.append(f"release: Hub repo created {created.date()}, reference "
                         f"release {row['release_date']} ({days:+d} days)")
    return notes


def _models_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """``rows`` as a DataFrame with :data:`MODELS_COLUMNS` and their dtypes."""
    df = pd.DataFrame(rows, columns=MODELS_COLUMNS)
    df["open_weights"] = df["open_weights"].astype("bool")
    for col in ("params_total_b", "params_active_b", "context_length_k", "hf_params_total_b"):
        df[col] = df[col].astype("float64")
    for col in ("hf_downloads", "hf_likes"):
        df[col] = pd.array(df[col].tolist(), dtype="Int64")
    return df


def build_models(registry: Mapping[str, Model], model_facts: pd.DataFrame,
                 hf_model_info: pd.DataFrame | None) -> pd.DataFrame:
    """The ``models`` table: registry x reference facts x Hub model info, one row per model.

    Args:
        registry: :func:`assets.registry.load_models` (id -> :class:`Model`).
        model_facts: the reference table ``model_facts`` (columns ``model, fact, value,
            value_text``).
        hf_model_info: the ``hf_model_info`` table (may be None or empty: no Hub data).

    Returns:
        DataFrame with :data:`MODELS_COLUMNS`: identity from the registry; ``release_date``
        (date), licenses, ``params_total_b``/``params_active_b`` (float64, billion
        parameters) and ``context_length_k`` (float64, thousand tokens) from the reference
        facts of that model id only (null where the reference has none, e.g. base models);
        ``hf_*`` from the Hub (``hf_params_total_b`` float64 in billions, ``hf_downloads``
        and ``hf_likes`` Int64; null without a Hub row); and ``disagreements`` (str,
        ``"; "``-joined, None when none): license, parameter count (more than
        :data:`PARAMS_TOLERANCE` apart) and release date vs repo creation (more than
        :data:`RELEASE_TOLERANCE_DAYS` apart) where both sides are known.

    Raises:
        ValueError: ``model_facts`` lacks one of its columns.
    """
    facts = _facts(model_facts)
    hub = {}
    if hf_model_info is not None and len(hf_model_info):
        hub = {str(r["repo_id"]).lower(): r for r in hf_model_info.to_dict("records")}
    rows = []
    for mid, m in registry.items():
        row = _reference_row(mid, m, facts)
        h = hub.get(str(m.hf_repo or "").lower())
        notes = []
        if h:
            row.update(_hub_columns(h))
            notes = _disagreements(row)
        row["disagreements"] = "; ".join(notes) or None
        rows.append(row)
    return _models_frame(rows)


def _covers(facts: Facts, mid: str, fact: str, r: dict) -> str:
    """What one GPU-hours fact covers: :data:`_GPU_HOUR_FACTS`, the fact's note, and for the
    total the note of the model's ``training_cost`` fact."""
    covers = _GPU_HOUR_FACTS[fact]
    note = r.get("note")
    if note is not None and not pd.isna(note):
        covers += f" ({note})"
    cost_note = facts.get((mid, "training_cost"), {}).get("note")
    if fact == "training_gpu_hours_total" and isinstance(cost_note, str):
        covers += f"; {cost_note}"
    return covers


def build_training_compute(model_facts: pd.DataFrame) -> pd.DataFrame:
    """The ``training_compute`` table from the reference ``model_facts``.

    One row per model and GPU-hours fact (``training_gpu_hours_total``,
    ``training_gpu_hours_pretraining``). ``covers`` says what the figure covers (with the
    fact's note, e.g. DeepSeek-V3's total is the final training run: pre-training, context
    extension and post-training, no prior research or ablations); ``gpu_type`` (str),
    ``gpu_hours`` (int64, GPU hours), ``cluster_gpus`` (Int64, GPUs),
    ``rental_rate_usd_per_gpu_hour`` (float64, USD per GPU hour, the rate the model's own
    report assumes; null when none), ``cost_usd`` (float64, USD, computed here as
    ``gpu_hours * rate``; null without a rate), ``source`` (publisher, title, locator).

    Raises:
        ValueError: ``model_facts`` lacks one of its columns.
    """
    facts = _facts(model_facts)
    rows = []
    for (mid, fact), r in sorted(facts.items()):
        if fact not in _GPU_HOUR_FACTS or pd.isna(r["value"]):
            continue
        rate = _fact_num(facts, mid, "gpu_rental_rate_assumed")
        cluster = _fact_num(facts, mid, "cluster_gpus")
        hours = int(round(float(r["value"])))
        src = ", ".join(str(r[k]) for k in ("publisher", "title", "locator")
                        if k in r and r[k] is not None and not pd.isna(r[k]))
        rows.append({
            "model_id": mid, "covers": _covers(facts, mid, fact, r),
            "gpu_type": _fact_text(facts, mid, "training_gpu"),
            "gpu_hours": hours, "cluster_gpus": None if cluster is None else int(cluster),
            "rental_rate_usd_per_gpu_hour": rate,
            "cost_usd": None if rate is None else hours * rate,
            "source": src,
        })
    df = pd.DataFrame(rows, columns=TRAINING_COLUMNS)
    df["gpu_hours"] = df["gpu_hours"].astype("int64")
    df["cluster_gpus"] = pd.array(df["cluster_gpus"].tolist(), dtype="Int64")
    for col in ("rental_rate_usd_per_gpu_hour", "cost_usd"):
        df[col] = df[col].astype("float64")
    return df
