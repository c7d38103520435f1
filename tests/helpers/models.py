"""Builders shared by the models tests (tests/unit/models, tests/integration/test_hub.py):
the hand-written fixtures of ``tests/fixtures/models/``, the real cards' paths under
``../shared/upstream`` and a one-row lookup."""
from __future__ import annotations

import pandas as pd

from assets.models.hub import parse_hf_model_info
from tests.helpers import PROJECT, SHARED

FIX = PROJECT / "tests" / "fixtures" / "models"
UPSTREAM = SHARED / "upstream" / "files"
RAW = "raw.githubusercontent.com"
#: The four cards the project reads, by source id: their path under ``UPSTREAM`` (and URL
#: without ``https://``) at the pinned commits of ``sources.yaml``.
CARDS = {
    "deepseek_v3_card": f"{RAW}/deepseek-ai/DeepSeek-V3/4c2fdb8f55e049553b9f4f1a3241f86d739c8cf8/README.md",
    "deepseek_r1_card": f"{RAW}/deepseek-ai/DeepSeek-R1/23807ced51627276434655dd9f27725354818974/README.md",
    "llama31_card": f"{RAW}/meta-llama/llama-models/a9c89c471f793423afd4cc3ca8671d6e56fe64cb/models/llama3_1/MODEL_CARD.md",
    "qwen25_blog": f"{RAW}/QwenLM/qwenlm.github.io/a55fd10480de419b462edb4d049c914813731b2e/content/blog/qwen2.5-llm/index.md",
}


def cell(df: pd.DataFrame, **kw) -> pd.Series:
    """The one row of df matching every column=value in kw (fails unless exactly one)."""
    m = pd.Series(True, index=df.index)
    for k, v in kw.items():
        m &= df[k].isna() if v is None else (df[k] == v)
    hit = df[m]
    assert len(hit) == 1, f"{kw}: {len(hit)} rows"
    return hit.iloc[0]


def hf_row(name: str, repo: str) -> dict:
    """:func:`parse_hf_model_info` of the fixture ``name`` for ``repo`` (document
    ``hf:<repo>``)."""
    return parse_hf_model_info((FIX / name).read_bytes(), repo, f"hf:{repo}")
