"""Tests of assets/leaderboards/livebench.py: LiveBench releases, scores and summaries, and
the GX suites of livebench_scores, livebench_summary and arena_rank_changes.

Fixtures under tests/fixtures/leaderboards/ are hand-written (see their README); expected
values below are worked out by hand from them. The test on the real upstream bytes reads
../shared/upstream (skipped when absent) and takes its expected figures from
../shared/reference/benchmark_figures.csv.
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from assets.leaderboards import arena, livebench
from pipelines.quality import validate_frame
from tests.helpers.leaderboards import (
    LIVEBENCH_LISTING,
    SPECS,
    fixture,
    fixture_history,
    need,
    reference_rows,
    upstream_file,
)

# --------------------------------------------------------------------------- LiveBench

def test_livebench_releases_from_listing():
    rel = livebench.livebench_releases(fixture("livebench_listing.json"))
    assert rel["release"].tolist() == ["2024-06-24", "2025-01-10"]
    first = rel.iloc[0]
    assert first["table_url"].endswith("/public/table_2024_06_24.csv")
    assert first["categories_url"].endswith("/public/categories_2024_06_24.json")
    assert first["table_sha"] == "4" * 40
    assert pd.isna(rel.iloc[1]["categories_url"])     # no categories file for that release
    with pytest.raises(livebench.LiveBenchError, match="JSON array"):
        livebench.livebench_releases(b'{"message": "Not Found"}')


def test_parse_livebench_missing_and_extra_tasks():
    s = livebench.parse_livebench(fixture("livebench_table.csv"), fixture("livebench_categories.json"),
                           "2024-11-25")
    SPECS["livebench_scores"].conform(s)
    # 2 models x (7 tasks of the categories file + 1 extra table column)
    assert len(s) == 16 and set(s["release"]) == {date(2024, 11, 25)}
    spatial = s[s["task"] == "spatial"]          # listed, but no column in the table
    assert len(spatial) == 2 and spatial["score"].isna().all()
    assert set(spatial["category"]) == {"Reasoning"}
    extra = s[s["task"] == "extra_task"]         # a column no category lists
    assert extra["category"].isna().all() and sorted(extra["score"]) == [12.5, 99.0]
    conn = s[(s["task"] == "connections") & (s["model_name_raw"] == "claude-3-5-sonnet-20241022")]
    assert conn["score"].isna().all()            # empty cell
    assert set(s["model_id"]) == {"deepseek-v3", "claude-3.5-sonnet-20241022"}


def test_livebench_summary_site_rule_and_incomplete_models():
    s = livebench.parse_livebench(fixture("livebench_table.csv"), fixture("livebench_categories.json"),
                           "2024-11-25")
    summ = livebench.livebench_summary(s)
    SPECS["livebench_summary"].conform(summ)
    assert summ.columns.tolist() == SPECS["livebench_summary"].column_names
    assert len(summ) == 2 * 4                    # 3 categories + global, per model

    def get(model, cat):
        return summ[(summ["model_name_raw"] == model) & (summ["category"] == cat)].iloc[0]

    # by hand from the fixture: deepseek-v3 Coding (60+50)/2 = 55, Language (40+70+30)/3,
    # Reasoning 45 (zebra only; spatial missing), global = mean of the three category means
    ds = "deepseek-v3"
    assert get(ds, "Coding")["score"] == 55.0 and bool(get(ds, "Coding")["complete"])
    assert get(ds, "Language")["score"] == pytest.approx(140 / 3)
    r = get(ds, "Reasoning")
    assert (r["score"], r["tasks_expected"], r["tasks_present"], bool(r["complete"])) == (
        45.0, 2, 1, False)
    g = get(ds, "global")
    assert g["score"] == pytest.approx((55 + 140 / 3 + 45) / 3)
    assert (g["tasks_expected"], g["tasks_present"], bool(g["complete"])) == (7, 6, False)
    # claude: connections empty -> Language (80+50)/2 = 65 over 2 of 3 tasks
    cl = get("claude-3-5-sonnet-20241022", "Language")
    assert (cl["score"], cl["tasks_present"], bool(cl["complete"])) == (65.0, 2, False)
    assert get("claude-3-5-sonnet-20241022", "global")["tasks_present"] == 5


def test_livebench_bad_input_fails_clearly():
    cats = fixture("livebench_categories.json")
    with pytest.raises(livebench.LiveBenchError, match="2024-11-25.*'deepseek-v3'.*'typos'.*'n/a'"):
        livebench.parse_livebench(b"model,typos\ndeepseek-v3,n/a\n", cats, "2024-11-25")
    with pytest.raises(livebench.LiveBenchError, match="reserved"):
        livebench.parse_livebench(b"model,typos\nx,1\n", b'{"global": ["typos"]}', "2024-11-25")
    with pytest.raises(livebench.LiveBenchError, match="expected 'model'"):
        livebench.parse_livebench(b"name,typos\nx,1\n", cats, "2024-11-25")


def test_livebench_and_changes_suites_flag_bad_values():
    s = livebench.parse_livebench(fixture("livebench_table.csv"), fixture("livebench_categories.json"),
                           "2024-11-25")
    s.loc[0, "score"] = 101.0
    failed = {o.kwargs.get("column") for o in validate_frame(s, "livebench_scores").failed}
    assert "score" in failed
    summ = livebench.livebench_summary(s)
    summ = pd.concat([summ, summ.iloc[[0]]], ignore_index=True)
    failed = {str(o.kwargs.get("column_list")) for o in
              validate_frame(summ, "livebench_summary").critical_failed}
    assert "['release', 'model_name_raw', 'category']" in failed
    changes = arena.arena_rank_changes(fixture_history())
    assert validate_frame(changes, "arena_rank_changes").passed


def test_real_livebench_releases_and_reference_globals():
    need(LIVEBENCH_LISTING)
    rel = livebench.livebench_releases(LIVEBENCH_LISTING.read_bytes())
    names = [e["name"] for e in json.loads(LIVEBENCH_LISTING.read_bytes())
             if e["name"].startswith("table_")]
    assert len(rel) == len(names)
    frames = []
    for r in rel.itertuples():
        frames.append(livebench.parse_livebench(upstream_file(r.table_url).read_bytes(),
                                         upstream_file(r.categories_url).read_bytes(), r.release))
    scores = pd.concat(frames, ignore_index=True)
    summary = livebench.livebench_summary(scores)
    assert validate_frame(scores, "livebench_scores").passed
    assert validate_frame(summary, "livebench_summary").passed
    for ref in reference_rows("livebench_global"):
        release = date.fromisoformat(ref["category"].removeprefix("release "))
        got = summary[(summary["release"] == release) & (summary["category"] == "global")
                      & (summary["model_name_raw"] == ref["name_in_source"])]
        assert len(got) == 1, ref
        assert got.iloc[0]["model_id"] == ref["model"]
        assert bool(got.iloc[0]["complete"])
        assert round(got.iloc[0]["score"], 2) == float(ref["value"]), ref


def test_livebench_bad_rows_set_aside_with_where_and_why():
    cats = fixture("livebench_categories.json")
    good = fixture("livebench_table.csv").decode()
    header = good.splitlines()[0]
    short_row = "gpt-4o-2024-08-06,1.0,2.0"                 # 3 fields, the header has 8
    bad_cell = "o1-preview," + ",".join(["50.0"] * 5) + ",n/a,1.0"
    dup_a = "qwen,1,1,1,1,1,1,1"
    dup_b = "qwen,2,2,2,2,2,2,2"                             # same model, other scores
    text = "\n".join([*good.splitlines(), short_row, bad_cell, dup_a, dup_b]) + "\n"
    rejects: list = []
    s = livebench.parse_livebench(text.encode(), cats, "2024-11-25", rejects)
    # the two good models of the fixture are published, none of the bad rows
    assert set(s["model_name_raw"]) == {"deepseek-v3", "claude-3-5-sonnet-20241022"}
    got = [(r.line, r.column, r.raw) for r in rejects]
    # lines counted from the header (line 1): the fixture has 2 data rows (lines 2, 3)
    assert got == [(4, None, short_row), (5, "zebra_puzzle", bad_cell),
                   (6, "model", dup_a), (7, "model", dup_b)]
    assert {(r.source_id, r.version, r.file) for r in rejects} == {
        ("livebench", "2024-11-25", "table_2024_11_25.csv")}
    assert "3 fields, expected 8" in rejects[0].reason
    assert "'n/a' is not a number" in rejects[1].reason
    assert header.startswith("model,")
    # without a list the same table still fails, naming the line
    with pytest.raises(livebench.LiveBenchError, match="table line 4: 3 fields"):
        livebench.parse_livebench(text.encode(), cats, "2024-11-25")
