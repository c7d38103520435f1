"""Tests of assets/models/cards.py (and markdown.py): the tables of a card read into cells.

Fixtures are hand-written (tests/fixtures/models/); the real cards are read from
../shared/upstream when present (skipped otherwise). Expected values on the real cards were
read off the cards by eye (rows x model columns counted in each table), never from the
parser's output.
"""
from __future__ import annotations

import pandas as pd
import pytest

from assets.models.cards import (
    ModelCardError,
    parse_model_card,
    source_document_for,
    unmatched_model_names,
)
from assets.models.tables import BENCHMARK_KEY
from assets.reference import load_reference
from pipelines.quality import validate_frame
from pipelines.tables import table
from tests.helpers.models import CARDS, FIX, UPSTREAM, cell

# --- fixtures: markdown --------------------------------------------------------------------

@pytest.fixture(scope="module")
def md_card() -> pd.DataFrame:
    return parse_model_card((FIX / "markdown_card.md").read_text(), "toy/card@abc:README.md",
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
    names = unmatched_model_names(md_card)
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
    with pytest.raises(ModelCardError, match=r"doc.*MMLU.*12B"):
        parse_model_card(text, "doc", evaluator="x")


def test_duplicate_key_is_an_error():
    text = "## T\n\n| Benchmark | A |\n|---|---|\n| MMLU | 80.1 |\n| MMLU | 81.0 |\n"
    with pytest.raises(ModelCardError, match="share one key"):
        parse_model_card(text, "doc", evaluator="x")


def test_unknown_source_id():
    with pytest.raises(ModelCardError, match="unknown card source id"):
        parse_model_card("", "doc", source_id="nope")


# --- fixtures: HTML ------------------------------------------------------------------------

def _llama_fixture(gpqa_70b: str) -> str:
    return (FIX / "html_card.md").read_text().replace("<td>41.7</td>", f"<td>{gpqa_70b}</td>")


def test_html_rowspan_colspan_sup():
    df = parse_model_card(_llama_fixture("41.7"), "meta-llama/llama-models@c1:MODEL_CARD.md",
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
    old = parse_model_card(_llama_fixture("41.7"), "meta-llama/llama-models@c1:MODEL_CARD.md",
                              source_id="llama31_card")
    new = parse_model_card(_llama_fixture("46.7"), "meta-llama/llama-models@c2:MODEL_CARD.md",
                              source_id="llama31_card")
    both = pd.concat([old, new], ignore_index=True)
    assert not both.duplicated(BENCHMARK_KEY).any()
    gpqa = both[(both["model_name_raw"] == "Llama 3.1 70B Instruct") & (both["benchmark"] == "GPQA")]
    assert dict(zip(gpqa["source_document"], gpqa["value"])) == {
        "meta-llama/llama-models@c1:MODEL_CARD.md": 41.7,
        "meta-llama/llama-models@c2:MODEL_CARD.md": 46.7}
    table("benchmark_results").conform(both)
    assert validate_frame(both, "benchmark_results").passed


def test_source_document_for():
    assert source_document_for(f"https://{CARDS['llama31_card']}") == (
        "meta-llama/llama-models@a9c89c471f793423afd4cc3ca8671d6e56fe64cb:"
        "models/llama3_1/MODEL_CARD.md")


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
        out[sid] = parse_model_card(path.read_text(encoding="utf-8"),
                                       source_document_for(f"https://{rel}"), source_id=sid)
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


def test_suites_fail_on_bad_values():
    bad = parse_model_card((FIX / "markdown_card.md").read_text(), "toy@1:x", evaluator="t")
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
