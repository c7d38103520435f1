"""Hugging Face Hub model info end to end over loopback: a 200 (fixture in the API's
documented shape), 401 and 403 (gated without a token) and 404; the run goes on."""
from __future__ import annotations

import pandas as pd

from tests.helpers import run_pipeline
from tests.helpers.models import FIX
from tools.replay import ReplayServer


def test_hub_info_published_and_failures_reported(tmp_path):
    with ReplayServer() as srv:
        srv.files["/huggingface.co/api/models/deepseek-ai/DeepSeek-V3"] = (
            (FIX / "hf_deepseek_v3.json").read_bytes(), "application/json")
        srv.script["/huggingface.co/api/models/meta-llama/Llama-3.1-405B-Instruct"] = [
            (401, {}, b'{"error":"Access to model is restricted"}')]
        srv.script["/huggingface.co/api/models/meta-llama/Llama-3.1-405B"] = [
            (403, {}, b'{"error":"gated"}')]
        summary = run_pipeline(tmp_path, mode="live", mirror=srv.url)
    assert summary.success  # every other source 404s here, and the run still goes on
    status = pd.read_parquet(tmp_path / "published" / "source_status.parquet")
    hub = status[status["source_id"] == "hf_model_info"].set_index("stream")
    assert hub.loc["hf_model_info/deepseek-ai__DeepSeek-V3", "status"] == "fetched"
    assert hub.loc["hf_model_info/meta-llama__Llama-3.1-405B-Instruct", "http_status"] == 401
    assert hub.loc["hf_model_info/meta-llama__Llama-3.1-405B", "http_status"] == 403
    assert set(hub.drop(index="hf_model_info/deepseek-ai__DeepSeek-V3")["status"]) == {"failed"}

    info = pd.read_parquet(tmp_path / "published" / "hf_model_info.parquet")
    assert info["repo_id"].tolist() == ["deepseek-ai/DeepSeek-V3"]
    assert info["model_id"].tolist() == ["deepseek-v3"]
    models = pd.read_parquet(tmp_path / "published" / "models.parquet").set_index("id")
    assert models.loc["deepseek-v3", "hf_sha"] == info["sha"].iloc[0]
    assert pd.isna(models.loc["llama-3.1-405b-instruct", "hf_sha"])
