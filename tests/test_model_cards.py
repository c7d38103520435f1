"""Tests of assets/model_cards.py: card tables, benchmark identity, Hub info, models, compute.

Fixtures are hand-written (tests/fixtures/model_cards/); the real cards are read from
../shared/upstream when present (skipped otherwise). Expected values on the real cards were
read off the cards by eye (rows x model columns counted in each table), never from the
parser's output.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from assets.models import cards as mc
from assets.reference import load_reference
from assets.registry import load_models
from pipelines.quality import validate_frame
from pipelines.tables import table

FIX = Path(__file__).parent / "fixtures" / "model_cards"
UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream" / "files"
RAW = "raw.githubusercontent.com"
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


# --- fixtures: markdown --------------------------------------------------------------------

@pytest.fixture(scope="module")
def md_card() -> pd.DataFrame:
    return mc.parse_model_card((FIX / "markdown_card.md").read_text(), "toy/card@abc:README.md",
                               evaluator="Toy Lab")


def test_markdown_counts_and_skips(md_card):
    # Base table: 4 benchmark rows x 2 models; chat table: 3 x 2; open-ended: 2 models x 2.
    assert md_card.groupby("table").size().to_dict() == {
        "Evaluation / Base Model": 8, "Evaluation / Chat Model": 6,
        "Evaluation / Open Ended": 4}
    assert md_card.attrs["skipped_tables"][0][0] == "Toy model card / Model Downloads"
    assert ("Evaluation / Base Model", "Architecture") in md_card.attrs["skipped_rows"]


def test_markdown_bold_dash_footnote_category(md_card):
    r = cell(md_card, table="Evaluation / Base Model", model_name_raw="LLaMA3.1 405B",
             benchmark="Pile-test")
    assert r["value"] == 0.542 and r["bold"] and r["metric"] == "BPB"
    assert not r["higher_is_better"] and r["unit"] == "bits per byte"
    r = cell(md_card, model_name_raw="DeepSeek-V3", benchmark="MATH", table="Evaluation / Base Model")
    assert r["value"] == 61.6 and r["bold"] and r["footnote"] == "†" and r["shots"] == "4"
    assert r["category"] == "Math" and r["benchmark_id"] == "math"
    # the empty category cell under "Math" carries it; '-' is a null value
    r = cell(md_card, model_name_raw="LLaMA3.1 405B", benchmark="MATH-500")
    assert pd.isna(r["value"]) and r["category"] == "Math" and r["benchmark_id"] == "math-500"
    assert cell(md_card, model_name_raw="DeepSeek-V3", benchmark="MMLU")["category"] == "English"


def test_markdown_variant_and_model_matching(md_card):
    base = md_card[md_card["table"] == "Evaluation / Base Model"]
    assert set(base["variant"]) == {"base"}
    # the same printed name resolves by the table's variant
    assert set(base["model_id"]) == {"llama-3.1-405b-base", "deepseek-v3-base"}
    chat = md_card[md_card["table"] == "Evaluation / Chat Model"]
    assert set(chat["variant"]) == {"instruct"}
    unk = cell(chat, model_name_raw="Unknown-Model-7B", benchmark="HumanEval")
    assert pd.isna(unk["model_id"]) and unk["value"] == 80.1 and unk["footnote"] == "*"
    # Qwen-style bold-italic category rows
    assert cell(chat, model_name_raw="Unknown-Model-7B", benchmark="GPQA")["category"] == "Math Tasks"
    assert cell(chat, model_name_raw="Llama-3.1-405B-Instruct",
                benchmark="HumanEval")["category"] == "Code Tasks"
    names = mc.unmatched_model_names(md_card)
    assert names["model_name_raw"].tolist() == ["Unknown-Model-7B"]
    assert names["cells"].tolist() == [3]


def test_markdown_models_as_rows(md_card):
    oe = md_card[md_card["table"] == "Evaluation / Open Ended"]
    r = cell(oe, model_name_raw="DeepSeek-V3", benchmark="AIME 2024")
    assert r["metric"] == "pass@1" and r["value"] == 39.2 and r["model_id"] == "deepseek-v3"
    assert pd.isna(cell(oe, model_name_raw="GPT-4o-0513", benchmark="AIME 2024")["value"])
    assert cell(oe, model_name_raw="GPT-4o-0513", benchmark="Arena-Hard")["model_id"] == \
        "gpt-4o-2024-05-13"


def test_markdown_mixed_row_is_an_error():
    text = "## T\n\n| Benchmark | A | B |\n|---|---|---|\n| MMLU | 80.1 | 12B |\n"
    with pytest.raises(mc.ModelCardError, match=r"doc.*MMLU.*12B"):
        mc.parse_model_card(text, "doc", evaluator="x")


def test_duplicate_key_is_an_error():
    text = "## T\n\n| Benchmark | A |\n|---|---|\n| MMLU | 80.1 |\n| MMLU | 81.0 |\n"
    with pytest.raises(mc.ModelCardError, match="share one key"):
        mc.parse_model_card(text, "doc", evaluator="x")


def test_unknown_source_id():
    with pytest.raises(mc.ModelCardError, match="unknown card source id"):
        mc.parse_model_card("", "doc", source_id="nope")


# --- fixtures: HTML ------------------------------------------------------------------------

def _llama_fixture(gpqa_70b: str) -> str:
    return (FIX / "html_card.md").read_text().replace("<td>41.7</td>", f"<td>{gpqa_70b}</td>")


def test_html_rowspan_colspan_sup():
    df = mc.parse_model_card(_llama_fixture("41.7"), "meta-llama/llama-models@c1:MODEL_CARD.md",
                             source_id="llama31_card")
    # 4 benchmark rows x 2 models; the training table (empty first header) is skipped
    assert len(df) == 8
    assert df.attrs["skipped_tables"][0][0] == "Benchmark scores / Training"
    r = cell(df, model_name_raw="Llama 3.1 405B Instruct", benchmark="GPQA")
    assert r["value"] == 50.7 and r["bold"] and r["footnote"] == "1"
    assert r["category"] == "Reasoning" and r["metric"] == "em" and r["shots"] == "0"
    assert r["model_id"] == "llama-3.1-405b-instruct" and r["evaluator"] == "Meta"
    # rowspan carries "Code" past a blank line inside the table; colspan leaves shots/metric empty
    r = cell(df, model_name_raw="Llama 3.1 405B Instruct", benchmark="IFEval")
    assert r["category"] == "Code" and pd.isna(r["shots"]) and pd.isna(r["metric"])
    assert r["benchmark_id"] == "ifeval-avg4" and r["value"] == 88.6


def test_card_changed_between_commits_keeps_documents_apart():
    # Meta corrected Llama 3.1 70B Instruct GPQA from 41.7 to 46.7 (SOURCES.md).
    old = mc.parse_model_card(_llama_fixture("41.7"), "meta-llama/llama-models@c1:MODEL_CARD.md",
                              source_id="llama31_card")
    new = mc.parse_model_card(_llama_fixture("46.7"), "meta-llama/llama-models@c2:MODEL_CARD.md",
                              source_id="llama31_card")
    both = pd.concat([old, new], ignore_index=True)
    assert not both.duplicated(mc.BENCHMARK_KEY).any()
    gpqa = both[(both["model_name_raw"] == "Llama 3.1 70B Instruct") & (both["benchmark"] == "GPQA")]
    assert dict(zip(gpqa["source_document"], gpqa["value"])) == {
        "meta-llama/llama-models@c1:MODEL_CARD.md": 41.7,
        "meta-llama/llama-models@c2:MODEL_CARD.md": 46.7}
    table("benchmark_results").conform(both)
    assert validate_frame(both, "benchmark_results").passed


def test_source_document_for():
    assert mc.source_document_for(f"https://{CARDS['llama31_card']}") == (
        "meta-llama/llama-models@a9c89c471f793423afd4cc3ca8671d6e56fe64cb:"
        "models/llama3_1/MODEL_CARD.md")


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
    assert mc.benchmark_identity(name, metric, evaluator)["benchmark_id"] == expected


def test_benchmark_direction_and_scale():
    assert mc.benchmark_identity("Pile-test", "BPB")["higher_is_better"] is False
    r = mc.benchmark_identity("Codeforces", "Rating")
    assert r["unit"] == "rating (Elo-style)" and r["scale_max"] == 4000
    assert mc.benchmark_identity("Codeforces", "Percentile")["unit"] == "percent"
    assert mc.benchmark_identity("MTbench")["scale_max"] == 10


# --- the real cards ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_cards() -> dict[str, pd.DataFrame]:
    if not UPSTREAM.exists():
        pytest.skip("../shared/upstream is absent: real model cards not available")
    out = {}
    for sid, rel in CARDS.items():
        path = UPSTREAM / rel
        if not path.exists():
            pytest.skip(f"{rel} missing from ../shared/upstream")
        out[sid] = mc.parse_model_card(path.read_text(encoding="utf-8"),
                                       mc.source_document_for(f"https://{rel}"), source_id=sid)
    return out


def test_real_cards_every_cell(real_cards):
    # Benchmark rows x model columns, counted on each card by eye.
    sizes = {sid: df.groupby("table").size().to_dict() for sid, df in real_cards.items()}
    assert sizes["deepseek_v3_card"] == {
        "Base Model / Standard Benchmarks": 32 * 4,
        "Chat Model / Standard Benchmarks (Models larger than 67B)": 22 * 7,
        "Chat Model / Open Ended Generation Evaluation": 6 * 2}
    assert sizes["deepseek_r1_card"] == {
        "4. Evaluation Results / DeepSeek-R1-Evaluation": 21 * 6,
        "4. Evaluation Results / Distilled Model Evaluation": 10 * 6}
    assert sizes["llama31_card"] == {
        "Benchmark scores / Base pretrained models": 12 * 5,
        "Benchmark scores / Instruction tuned models": 17 * 5,
        "Instruction tuned models / Multilingual benchmarks": 7 * 3}
    qwen = sizes["qwen25_blog"]
    # 4 base + 5 instruct + 2 multilingual tables; the commented-out 14B table and the
    # model-size table are not read
    assert len(qwen) == 11
    assert qwen["Instruction-tuned Model Evaluation / Qwen2.5-72B-Instruct Performance"] == 14 * 5
    assert qwen["Instruction-tuned Model Evaluation / Performances on Multilingualism [2]"] == 9 * 6
    assert sum(qwen.values()) == 110 + 132 + 110 + 132 + 70 + 84 + 56 + 44 + 44 + 54 * 2
    for df in real_cards.values():
        assert df["benchmark_id"].notna().all()
        table("benchmark_results").conform(df)


def test_real_cards_cells_read_by_eye(real_cards):
    v3, r1 = real_cards["deepseek_v3_card"], real_cards["deepseek_r1_card"]
    llama, qwen = real_cards["llama31_card"], real_cards["qwen25_blog"]
    chat = "Chat Model / Standard Benchmarks (Models larger than 67B)"
    r = cell(v3, table=chat, model_name_raw="Llama3.1 405B-Inst.", benchmark="MMLU")
    assert (r["value"], r["bold"], r["metric"], r["model_id"]) == (88.6, True, "EM",
                                                                  "llama-3.1-405b-instruct")
    assert pd.isna(cell(v3, table=chat, model_name_raw="DeepSeek V2-0506",
                        benchmark="SWE Verified")["value"])
    assert cell(v3, table=chat, model_name_raw="Claude-3.5-Sonnet-1022",
                benchmark="GPQA-Diamond")["value"] == 65.0
    r = cell(v3, table="Base Model / Standard Benchmarks", model_name_raw="DeepSeek-V3",
             benchmark="CCPM")
    assert (r["value"], r["category"], r["shots"], r["model_id"]) == (92.0, "Chinese", "0",
                                                                     "deepseek-v3-base")
    assert cell(r1, model_name_raw="DeepSeek R1", benchmark="Codeforces",
                metric="Rating")["value"] == 2029
    assert cell(r1, model_name_raw="DeepSeek-R1-Distill-Llama-70B",
                benchmark="GPQA Diamond")["value"] == 65.2
    inst = "Benchmark scores / Instruction tuned models"
    assert cell(llama, table=inst, model_name_raw="Llama 3.1 70B Instruct",
                benchmark="GPQA")["value"] == 46.7
    r = cell(llama, table="Benchmark scores / Base pretrained models",
             model_name_raw="Llama 3.1 405B", benchmark="ARC-Challenge")
    assert (r["value"], r["category"], r["shots"]) == (96.1, "General", "25")
    r = cell(llama, model_name_raw="Llama 3.1 405B Instruct", benchmark="MMLU (Thai)")
    assert (r["value"], r["shots"], r["metric"]) == (78.21, "5", "macro_avg/acc")
    r = cell(qwen, model_name_raw="Qwen2.5-72B-Instruct", benchmark="MATH",
             table="Instruction-tuned Model Evaluation / Qwen2.5-72B-Instruct Performance")
    assert (r["value"], r["bold"], r["model_id"]) == (83.1, True, "qwen2.5-72b-instruct")
    assert pd.isna(cell(qwen, model_name_raw="Llama-3-405B", benchmark="MMLU-redux")["value"])


def test_real_cards_agree_with_reference_figures(real_cards):
    v3 = real_cards["deepseek_v3_card"]
    ref = load_reference("benchmark_figures")
    ref = ref[ref["kind"] == "model_card_benchmark"]
    tables = {"DeepSeek-V3 README, Chat Model / Standard Benchmarks (Models larger than 67B)":
              "Chat Model / Standard Benchmarks (Models larger than 67B)",
              "DeepSeek-V3 README, Open Ended Generation Evaluation":
              "Chat Model / Open Ended Generation Evaluation"}
    assert set(ref["title"]) == set(tables)
    for r in ref.to_dict("records"):
        hit = v3[(v3["table"] == tables[r["title"]]) & (v3["model_id"] == r["model"])
                 & (v3["benchmark"] == r["measure"])]
        if len(hit) > 1:
            hit = hit[hit["metric"] == r["metric"]]
        assert len(hit) == 1, r
        assert hit.iloc[0]["value"] == r["value"], r
        assert hit.iloc[0]["model_name_raw"] == r["name_in_source"], r


def test_real_cards_suite(real_cards):
    df = pd.concat(real_cards.values(), ignore_index=True)
    res = validate_frame(df, "benchmark_results")
    assert res.passed, res.summary_markdown()
    warned = {o.kwargs.get("column") for o in res.failed}
    assert warned == {"model_id"}  # names outside the registry, reported not guessed


# --- Hugging Face Hub ------------------------------------------------------------------------

def _hf(name: str, repo: str) -> dict:
    return mc.parse_hf_model_info((FIX / name).read_bytes(), repo, f"hf:{repo}")


def test_hf_model_info_fields():
    r = _hf("hf_deepseek_v3.json", "deepseek-ai/DeepSeek-V3")
    assert r["model_id"] == "deepseek-v3" and r["gated"] == "false"
    assert r["created_at"] == pd.Timestamp("2024-12-25T06:00:00Z")
    assert r["last_modified"].tzinfo is not None and r["license"] == "other"
    assert r["params_total"] == 684531386000 and r["downloads"] == 1234
    g = _hf("hf_llama_gated.json", "meta-llama/Llama-3.1-405B-Instruct")
    assert g["gated"] == "manual" and g["license"] == "llama3.1" and g["params_total"] is None
    o = _hf("hf_old_repo.json", "Qwen/Qwen2.5-72B-Instruct")
    assert o["created_at"] is None and o["created_at_is_placeholder"] and o["gated"] == "auto"


def test_hf_table_conforms_and_validates():
    rows = [_hf("hf_deepseek_v3.json", "deepseek-ai/DeepSeek-V3"),
            _hf("hf_llama_gated.json", "meta-llama/Llama-3.1-405B-Instruct"),
            _hf("hf_old_repo.json", "Qwen/Qwen2.5-72B-Instruct")]
    df = mc.hf_model_info_frame(rows)
    t = table("hf_model_info").conform(df)
    assert t.column("created_at").null_count == 1
    assert validate_frame(df, "hf_model_info").passed
    assert validate_frame(mc.hf_model_info_frame([]), "hf_model_info").passed


@pytest.mark.parametrize("body,match", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "not an object"),
    (b'{"id": "someone/else"}', "for 'someone/else'"),
    (b'{"id": "deepseek-ai/DeepSeek-V3", "gated": "sometimes"}', "gated"),
    (b'{"id": "deepseek-ai/DeepSeek-V3", "downloads": "many"}', "downloads"),
])
def test_hf_bad_bodies(body, match):
    with pytest.raises(mc.HubInfoError, match=match):
        mc.parse_hf_model_info(body, "deepseek-ai/DeepSeek-V3", "hf:deepseek-ai/DeepSeek-V3")


# --- models and training compute ------------------------------------------------------------

def test_build_models_with_and_without_hub():
    mf = load_reference("model_facts")
    plain = mc.build_models(load_models(), mf, None)
    table("models").conform(plain)
    assert validate_frame(plain, "models").passed
    v3 = plain.set_index("id").loc["deepseek-v3"]
    # model_facts.csv: release 2024-12-26, 671B total, 37B active, 128K context
    assert (str(v3["release_date"]), v3["params_total_b"], v3["params_active_b"],
            v3["context_length_k"]) == ("2024-12-26", 671.0, 37.0, 128.0)
    assert plain["disagreements"].isna().all()
    hf = mc.hf_model_info_frame([
        _hf("hf_deepseek_v3.json", "deepseek-ai/DeepSeek-V3"),
        _hf("hf_llama_gated.json", "meta-llama/Llama-3.1-405B-Instruct")])
    hf.loc[1, "license"] = "mit"  # a Hub license that contradicts the reference
    joined = mc.build_models(load_models(), mf, hf).set_index("id")
    # 684.5B in the Hub's safetensors vs 671B in the README (the MTP module): flagged
    assert "684.5B" in joined.loc["deepseek-v3", "disagreements"]
    assert joined.loc["deepseek-v3", "hf_params_total_b"] == pytest.approx(684.531386)
    assert "license" in joined.loc["llama-3.1-405b-instruct", "disagreements"]
    table("models").conform(joined.reset_index())
    res = validate_frame(joined.reset_index(), "models")
    assert res.passed and [o.kwargs["column"] for o in res.failed] == ["disagreements"]


def test_build_training_compute():
    tc = mc.build_training_compute(load_reference("model_facts")).set_index(
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


def test_suites_fail_on_bad_values():
    bad = mc.parse_model_card((FIX / "markdown_card.md").read_text(), "toy@1:x", evaluator="t")
    bad.loc[bad.index[1], "value"] = 150.0  # a percent above 100
    res = validate_frame(bad, "benchmark_results")
    assert not res.passed
    assert any(o.type == "expect_column_pair_values_a_to_be_greater_than_b"
               for o in res.critical_failed)
    dup = pd.concat([bad.iloc[:2], bad.iloc[:2]], ignore_index=True)
    assert any(o.type == "expect_compound_columns_to_be_unique"
               for o in validate_frame(dup, "benchmark_results").critical_failed)


def test_reference_benchmark_figures_suite():
    ref = load_reference("benchmark_figures")
    assert validate_frame(ref, "benchmark_figures").passed
    broken = ref.copy()
    broken.loc[broken.index[0], "kind"] = "guess"
    assert not validate_frame(broken, "benchmark_figures").passed


def test_suite_files_are_gx1():
    for name in ("benchmark_results", "hf_model_info", "models", "training_compute",
                 "benchmark_figures"):
        data = json.loads((Path(__file__).parents[1] / "expectations" / f"{name}.json").read_text())
        assert data["name"] == name
        assert all(e["severity"] in ("critical", "warning") for e in data["expectations"])
