"""Tests of assets/models/hub.py: Hub model-info answers read into ``hf_model_info``."""
from __future__ import annotations

import pandas as pd
import pytest

from assets.models.hub import HubInfoError, hf_model_info_frame, parse_hf_model_info
from pipelines.quality import validate_frame
from pipelines.tables import table
from tests.helpers.models import hf_row

# --- Hugging Face Hub ------------------------------------------------------------------------

def test_hf_model_info_fields():
    r = hf_row("hf_deepseek_v3.json", "deepseek-ai/DeepSeek-V3")
    assert r["model_id"] == "deepseek-v3" and r["gated"] == "false"
    assert r["created_at"] == pd.Timestamp("2024-12-25T06:00:00Z")
    assert r["last_modified"].tzinfo is not None and r["license"] == "other"
    assert r["params_total"] == 684531386000 and r["downloads"] == 1234
    g = hf_row("hf_llama_gated.json", "meta-llama/Llama-3.1-405B-Instruct")
    assert g["gated"] == "manual" and g["license"] == "llama3.1" and g["params_total"] is None
    o = hf_row("hf_old_repo.json", "Qwen/Qwen2.5-72B-Instruct")
    assert o["created_at"] is None and o["created_at_is_placeholder"] and o["gated"] == "auto"


def test_hf_table_conforms_and_validates():
    rows = [hf_row("hf_deepseek_v3.json", "deepseek-ai/DeepSeek-V3"),
            hf_row("hf_llama_gated.json", "meta-llama/Llama-3.1-405B-Instruct"),
            hf_row("hf_old_repo.json", "Qwen/Qwen2.5-72B-Instruct")]
    df = hf_model_info_frame(rows)
    t = table("hf_model_info").conform(df)
    assert t.column("created_at").null_count == 1
    assert validate_frame(df, "hf_model_info").passed
    assert validate_frame(hf_model_info_frame([]), "hf_model_info").passed


@pytest.mark.parametrize("body,match", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "not an object"),
    (b'{"id": "someone/else"}', "for 'someone/else'"),
    (b'{"id": "deepseek-ai/DeepSeek-V3", "gated": "sometimes"}', "gated"),
    (b'{"id": "deepseek-ai/DeepSeek-V3", "downloads": "many"}', "downloads"),
])
def test_hf_bad_bodies(body, match):
    with pytest.raises(HubInfoError, match=match):
        parse_hf_model_info(body, "deepseek-ai/DeepSeek-V3", "hf:deepseek-ai/DeepSeek-V3")
