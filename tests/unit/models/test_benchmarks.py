"""Tests of assets/models/benchmarks.py: benchmark identity, direction and scale."""
from __future__ import annotations

import pytest

from assets.models.benchmarks import benchmark_identity

# --- benchmark identity ----------------------------------------------------------------------

@pytest.mark.parametrize("name,metric,evaluator,expected", [
    ("MATH", "EM", "DeepSeek", "math"),
    ("MATH-500", "EM", "DeepSeek", "math-500"),
    ("GPQA", "em", "Meta", "gpqa"),
    ("GPQA-Diamond", "Pass@1", "DeepSeek", "gpqa-diamond"),
    ("GPQA Diamond", "pass@1", "DeepSeek", "gpqa-diamond"),
    ("HumanEval", "Pass@1", "DeepSeek", "humaneval"),
    ("HumanEval-Mul", "Pass@1", "DeepSeek", "humaneval-mul"),
    ("HumanEval+", None, "Qwen team", "humaneval-plus"),
    ("IF-Eval", "Prompt Strict", "DeepSeek", "ifeval-prompt-strict"),
    ("IFeval strict-prompt", None, "Qwen team", "ifeval-prompt-strict"),
    ("IFEval", None, "Meta", "ifeval-avg4"),
    ("IFEval (multilingual)", None, "Qwen team", "ifeval-multilingual"),
    ("IFEval", None, "Somebody", None),  # Meta's average is not assumed for others
    ("MMLU (Thai)", "macro_avg/acc", "Meta", "mmlu-translated"),
    ("No Such Bench", None, None, None),
])
def test_benchmark_identity(name, metric, evaluator, expected):
    assert benchmark_identity(name, metric, evaluator)["benchmark_id"] == expected


def test_benchmark_direction_and_scale():
    assert benchmark_identity("Pile-test", "BPB")["higher_is_better"] is False
    r = benchmark_identity("Codeforces", "Rating")
    assert r["unit"] == "rating (Elo-style)" and r["scale_max"] == 4000
    assert benchmark_identity("Codeforces", "Percentile")["unit"] == "percent"
    assert benchmark_identity("MTbench")["scale_max"] == 10
