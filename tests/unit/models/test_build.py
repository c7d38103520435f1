"""Tests of assets/models/build.py: the ``models`` and ``training_compute`` tables, and the
expectation suites of the domain's tables."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from assets.models.build import build_models, build_training_compute
from assets.models.hub import hf_model_info_frame
from assets.reference import load_reference
from assets.registry import load_models
from pipelines.quality import validate_frame
from pipelines.tables import table
from tests.helpers import PROJECT
from tests.helpers.models import hf_row

# --- models and training compute ------------------------------------------------------------

def test_build_models_with_and_without_hub():
    mf = load_reference("model_facts")
    plain = build_models(load_models(), mf, None)
    table("models").conform(plain)
    assert validate_frame(plain, "models").passed
    v3 = plain.set_index("id").loc["deepseek-v3"]
    # model_facts.csv: release 2024-12-26, 671B total, 37B active, 128K context
    assert (str(v3["release_date"]), v3["params_total_b"], v3["params_active_b"],
            v3["context_length_k"]) == ("2024-12-26", 671.0, 37.0, 128.0)
    assert plain["disagreements"].isna().all()
    hf = hf_model_info_frame([
        hf_row("hf_deepseek_v3.json", "deepseek-ai/DeepSeek-V3"),
        hf_row("hf_llama_gated.json", "meta-llama/Llama-3.1-405B-Instruct")])
    hf.loc[1, "license"] = "mit"  # a Hub license that contradicts the reference
    joined = build_models(load_models(), mf, hf).set_index("id")
    # 684.5B in the Hub's safetensors vs 671B in the README (the MTP module): flagged
    assert "684.5B" in joined.loc["deepseek-v3", "disagreements"]
    assert joined.loc["deepseek-v3", "hf_params_total_b"] == pytest.approx(684.531386)
    assert "license" in joined.loc["llama-3.1-405b-instruct", "disagreements"]
    table("models").conform(joined.reset_index())
    res = validate_frame(joined.reset_index(), "models")
    assert res.passed and [o.kwargs["column"] for o in res.failed] == ["disagreements"]


def test_build_training_compute():
    tc = build_training_compute(load_reference("model_facts")).set_index(
        ["model_id", "gpu_hours"])
    # model_facts.csv: V3 2,788,000 H800 GPU hours at an assumed 2 USD -> 5,576,000 USD
    v3 = tc.loc[("deepseek-v3", 2788000)]
    assert v3["cost_usd"] == 2788000 * 2 and v3["cluster_gpus"] == 2048
    assert v3["covers"].startswith("full training") and "ablation" in v3["covers"]
    llama = tc.loc[("llama-3.1-405b-instruct", 30840000)]
    assert pd.isna(llama["cost_usd"]) and llama["gpu_type"] == "NVIDIA H100-80GB"
    df = tc.reset_index()
    assert str(df["gpu_hours"].dtype) == "int64"
    table("training_compute").conform(df)
    assert validate_frame(df, "training_compute").passed


def test_suite_files_are_gx1():
    for name in ("benchmark_results", "hf_model_info", "models", "training_compute",
                 "benchmark_figures"):
        data = json.loads((PROJECT / "expectations" / f"{name}.json").read_text())
        assert data["name"] == name
        assert all(e["severity"] in ("critical", "warning") for e in data["expectations"])
