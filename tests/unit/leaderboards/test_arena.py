"""Tests of assets/leaderboards/arena.py: arena versions, every arena CSV layout, the
history, rank changes, arena comparisons, table specs and the GX suite of arena_scores.

Fixtures under tests/fixtures/leaderboards/ are hand-written (see their README); expected
values below are worked out by hand from them. Tests on the real upstream bytes read
../shared/upstream (skipped when absent) and compute expected values independently with the
csv module, or take them from ../shared/reference/benchmark_figures.csv.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pandas as pd
import pytest

from assets.leaderboards import arena, github
from assets.leaderboards.snapshots import ARENA
from pipelines.quality import validate_frame
from tests.helpers.leaderboards import (
    ARENA_LISTING,
    SHA_ELO,
    SHA_SCORE,
    SHA_STYLE,
    SPECS,
    fixture,
    fixture_history,
    need,
    reference_rows,
    row,
    upstream_file,
)

# --------------------------------------------------------------------------- versions

def _commit(sha_char: str, when: str) -> dict:
    return {"sha": sha_char * 40, "commit": {"committer": {"date": when},
                                            "author": {"date": when}}}


def test_arena_versions_same_date_later_commit_wins_across_pages():
    pages = [
        [_commit("a", "2024-08-01T18:00:00Z"),           # latest of 2024-08-01: wins
         _commit("b", "2024-08-01T09:00:00Z"),
         _commit("c", "2024-07-31T21:30:00-04:00")],     # = 2024-08-01T01:30Z
        [_commit("c", "2024-07-31T21:30:00-04:00"),      # listed again on the next page
         _commit("d", "2024-07-30T23:30:00-04:00")],     # = 2024-07-31T03:30Z
        [],                                              # empty page ends the listing
        [_commit("e", "2024-01-01T00:00:00Z")],          # never read
    ]
    v = arena.arena_versions(pages)
    assert v["version"].tolist() == ["2024-07-31", "2024-08-01"]
    assert v["sha"].tolist() == ["d" * 40, "a" * 40]
    assert v["superseded_shas"].tolist() == ["", "b" * 40 + ";" + "c" * 40]
    assert v["committed_at"].iloc[1] == pd.Timestamp("2024-08-01T18:00:00Z")
    assert str(v["committed_at"].dtype) == "datetime64[s, UTC]"


def test_arena_versions_equal_times_first_listed_wins_and_bad_entries_fail():
    v = arena.arena_versions([[_commit("f", "2024-09-01T10:00:00Z"),
                            _commit("e", "2024-09-01T10:00:00Z")]])
    assert v["sha"].tolist() == ["f" * 40] and v["superseded_shas"].tolist() == ["e" * 40]
    with pytest.raises(github.VersionListingError, match="page 1, entry 0.*date"):
        arena.arena_versions([[{"sha": "f" * 40, "commit": {}}]])
    with pytest.raises(github.VersionListingError, match="page 2, entry 0.*sha"):
        arena.arena_versions([[_commit("a", "2024-09-01T10:00:00Z")], [{"commit": {}}]])


def test_arena_csv_url_comes_from_the_registered_file_url():
    assert arena.arena_csv_url(ARENA.file_url, "0123abcd" * 5) == (
        "https://raw.githubusercontent.com/fboulnois/llm-leaderboard-csv/"
        + "0123abcd" * 5 + "/csv/lmsys.csv")
    with pytest.raises(ValueError, match="not a git commit sha"):
        arena.arena_csv_url(ARENA.file_url, "../etc/passwd")


# --------------------------------------------------------------------------- layouts

def test_elo_layout_june_2024():
    df = arena.parse_arena_csv(fixture("lmsys_elo_2024_06.csv"), "2024-06-19", SHA_ELO)
    assert df.columns.tolist() == SPECS["arena_scores"].column_names
    assert len(df) == 3
    gpt = row(df, "GPT-4o-2024-05-13")   # fixture line: 1,GPT-4o-2024-05-13,1290,+4/-3,40000
    assert (gpt["score"], gpt["ci_plus"], gpt["ci_minus"], gpt["votes"]) == (1290, 4, 3, 40000)
    assert gpt["model_id"] == "gpt-4o-2024-05-13"
    assert gpt["knowledge_cutoff"] == date(2023, 10, 1)
    assert df["rank_style_control"].isna().all()
    assert pd.isna(row(df, "Claude 3.5 Sonnet")["model_id"])   # June model: not in registry
    assert (df["source_sha"] == SHA_ELO).all()


def test_score_layout_july_2024():
    df = arena.parse_arena_csv(fixture("lmsys_score_2024_07.csv"), "2024-07-10", SHA_SCORE)
    qwen = row(df, "Qwen2.5-72b-Instruct")   # 3,Qwen2.5-72b-Instruct,1200,+10/-12,1500
    assert (qwen["rank"], qwen["score"], qwen["ci_plus"], qwen["ci_minus"]) == (3, 1200, 10, 12)
    assert qwen["model_id"] == "qwen2.5-72b-instruct"  # registry match folds case
    assert qwen["knowledge_cutoff"] == date(2024, 9, 1)
    assert df["rank_style_control"].isna().all()


def test_stylectrl_layout_october_2024_variants_and_duplicates():
    df = arena.parse_arena_csv(fixture("lmsys_stylectrl_2024_10.csv"), "2024-10-16", SHA_STYLE)
    # 8 data lines, one an exact repeat of the Qwen line -> 7 rows
    assert len(df) == 7 and df["model_name_raw"].is_unique
    gpt = row(df, "GPT-4o-2024-05-13")        # 1,2,GPT-4o-2024-05-13,1285,+3/-2,50000
    assert (gpt["rank"], gpt["rank_style_control"], gpt["score"]) == (1, 2, 1285)
    v3 = row(df, "DeepSeek-V3")               # 3,,DeepSeek-V3,...,Unknown
    assert pd.isna(v3["rank_style_control"]) and v3["model_id"] == "deepseek-v3"
    assert v3["knowledge_cutoff"] is None and v3["knowledge_cutoff_raw"] == "Unknown"
    assert row(df, "Gemini-Advanced-0514")["knowledge_cutoff"] is None   # Online
    llama = df[df["model_id"] == "llama-3.1-405b-instruct"]
    assert sorted(llama["model_name_raw"]) == ["Meta-Llama-3.1-405B-Instruct-bf16",
                                               "Meta-Llama-3.1-405B-Instruct-fp8"]
    assert str(df["rank"].dtype) == "Int32" and str(df["votes"].dtype) == "Int64"


def test_unknown_layout_is_refused_with_version_and_columns():
    with pytest.raises(arena.UnknownLayoutError) as err:
        arena.parse_arena_csv(fixture("lmsys_unknown_2025.csv"), "2025-03-01", "d" * 40)
    msg = str(err.value)
    assert "2025-03-01" in msg and "rank,rank_ub,model,score,lower,upper" in msg
    for name in arena.FILE_LAYOUTS["csv/lmsys.csv"]:
        assert name in msg
    # a known layout with its columns reordered is unknown too: nothing is guessed
    swapped = b"model,rank,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url\n"
    with pytest.raises(arena.UnknownLayoutError):
        arena.parse_arena_csv(swapped, "2024-08-01", "d" * 40)


def test_conflicting_duplicate_and_bad_values_fail_clearly():
    head = "rank,model,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url\n"
    dup = head + "1,X,1200,+3/-3,10,O,L,2024/1,u\n2,X,1190,+3/-3,10,O,L,2024/1,u\n"
    with pytest.raises(arena.DuplicateModelError, match="2024-08-01.*'X'"):
        arena.parse_arena_csv(dup.encode(), "2024-08-01", "d" * 40)
    bad_ci = head + "1,X,1200,12,10,O,L,2024/1,u\n"
    with pytest.raises(arena.ArenaParseError, match="line 2.*95_pct_ci '12'"):
        arena.parse_arena_csv(bad_ci.encode(), "2024-08-01", "d" * 40)
    short = head + "1,X,1200,+3/-3,10\n"
    with pytest.raises(arena.ArenaParseError, match="5 fields, expected 9"):
        arena.parse_arena_csv(short.encode(), "2024-08-01", "d" * 40)
    with pytest.raises(arena.ArenaParseError, match="no data rows"):
        arena.parse_arena_csv(head.encode(), "2024-08-01", "d" * 40)
    bom_crlf = ("\ufeff" + head + "1,X,1200,+3/-3,10,O,L,2024/1,u\n").replace("\n", "\r\n")
    assert len(arena.parse_arena_csv(bom_crlf.encode(), "2024-08-01", "d" * 40)) == 1


# --------------------------------------------------------------------------- history

def test_history_latest_and_specs_conform():
    hist = fixture_history()
    assert hist.columns[0] == "snapshot_date"
    latest = arena.arena_scores_latest(hist)
    assert set(latest["snapshot_date"]) == {date(2024, 10, 16)} and len(latest) == 7
    table = SPECS["arena_scores_latest"].conform(latest)
    assert table.schema.field("snapshot_date").type == "date32"
    part = SPECS["arena_scores"].conform(hist[hist["snapshot_date"] == date(2024, 6, 19)]
                                         .drop(columns="snapshot_date"))
    assert "snapshot_date" not in part.schema.names and part.num_rows == 3
    assert SPECS["arena_scores"].partition_column == "snapshot_date"


def test_rank_changes_moves_entries_exits_and_a_rename():
    changes = arena.arena_rank_changes(fixture_history())
    SPECS["arena_rank_changes"].conform(changes)
    oct_ = changes[changes["snapshot_date"] == date(2024, 10, 16)]
    assert set(oct_["previous_snapshot_date"]) == {date(2024, 7, 10)}
    # the rename of Qwen2.5-72b-Instruct to Qwen2.5-72B-Instruct: an exit plus an entry,
    # paired by the registry id
    old, new = row(oct_, "Qwen2.5-72b-Instruct"), row(oct_, "Qwen2.5-72B-Instruct")
    assert (old["change"], new["change"]) == ("exited", "entered")
    assert old["model_id"] == new["model_id"] == "qwen2.5-72b-instruct"
    assert old["rank_previous"] == 3 and pd.isna(old["rank"])
    assert new["rank"] == 6 and pd.isna(new["rank_previous"])
    # GPT-4o: July 1287 rank 1 -> October 1285 rank 1 (fixture files)
    gpt = row(oct_, "GPT-4o-2024-05-13")
    assert (gpt["change"], gpt["rank_change"], gpt["score_change"]) == ("moved", 0, -2.0)
    assert row(oct_, "Qwen2-72B-Instruct")["change"] == "exited"
    assert row(oct_, "DeepSeek-V3")["change"] == "entered"
    assert oct_["model_name_raw"].is_unique
    # June -> July: Qwen2-72B 1190 rank 3 -> 1188 rank 4
    jul = changes[changes["snapshot_date"] == date(2024, 7, 10)]
    q2 = row(jul, "Qwen2-72B-Instruct")
    assert (q2["rank_change"], q2["score_change"]) == (1, -2.0)
    # the first version has no predecessor: no rows dated 2024-06-19
    assert date(2024, 6, 19) not in set(changes["snapshot_date"])


def test_arena_comparison_best_variant_intervals_and_as_of():
    hist = fixture_history()
    cmp = arena.arena_comparison(hist, "deepseek-v3", "llama-3.1-405b-instruct", "2025-01-28")
    # Oct fixture: DeepSeek-V3 1279 +12/-12 -> [1267, 1291]; fp8 1267 +3/-3 beats bf16 1266
    assert cmp["version"] == "2024-10-16" and cmp["sha"] == SHA_STYLE
    assert cmp["name_b"] == "Meta-Llama-3.1-405B-Instruct-fp8"
    assert cmp["interval_a"] == (1267.0, 1291.0) and cmp["interval_b"] == (1264.0, 1270.0)
    assert cmp["gap"] == 12.0 and cmp["overlap"] is True
    # Qwen2.5-72B 1258 +3/-3 -> [1255, 1261] < 1267: intervals apart
    q = arena.arena_comparison(hist, "deepseek-v3", "qwen2.5-72b-instruct", date(2024, 12, 1))
    assert q["gap"] == 21.0 and q["overlap"] is False
    with pytest.raises(arena.ComparisonUnavailable, match="2024-07-10.*deepseek-v3"):
        arena.arena_comparison(hist, "deepseek-v3", "gpt-4o-2024-05-13", "2024-10-15")
    with pytest.raises(arena.ComparisonUnavailable, match="no version on or before"):
        arena.arena_comparison(hist, "deepseek-v3", "gpt-4o-2024-05-13", "2024-01-01")


# --------------------------------------------------------------------------- GX suites

def _synthetic_arena(n: int = 12) -> pd.DataFrame:
    lines = [",".join(arena.ARENA_LAYOUTS["stylectrl_2024_10"])]
    for i in range(n):
        lines.append(f"{i + 1},{i + 1},Model-{i},{1300 - i},+4/-3,{1000 + i},Org,MIT,"
                     f"2024/{i % 12 + 1},u")
    return arena.parse_arena_csv("\n".join(lines).encode(), "2024-11-01", "e" * 40)


def test_arena_suite_passes_good_and_flags_bad_values():
    good = _synthetic_arena()
    assert validate_frame(good, "arena_scores").passed
    bad = pd.concat([good, good.iloc[[0]]], ignore_index=True)
    bad.loc[1, "ci_minus"] = -1.0
    bad.loc[2, "votes"] = 0
    bad.loc[3, "score"] = 99999.0
    failed = {(o.type, str(o.kwargs.get("column") or o.kwargs.get("column_list")))
              for o in validate_frame(bad, "arena_scores").critical_failed}
    assert ("expect_compound_columns_to_be_unique", "['source_sha', 'model_name_raw']") in failed
    assert ("expect_column_values_to_be_between", "ci_minus") in failed
    assert ("expect_column_values_to_be_between", "votes") in failed
    assert ("expect_column_values_to_be_between", "score") in failed


@pytest.fixture(scope="module")
def real_arena():
    need(ARENA_LISTING)
    versions = arena.arena_versions([json.loads(ARENA_LISTING.read_bytes()), []])
    parts, raw = {}, {}
    for v in versions.itertuples():
        path = upstream_file(arena.arena_csv_url(ARENA.file_url, v.sha))
        if not path.exists():
            pytest.fail(f"mirror lists version {v.version} ({v.sha}) but has no file {path}")
        raw[v.version] = path.read_bytes()
        parts[v.version] = arena.parse_arena_csv(raw[v.version], v.version, v.sha)
    return versions, parts, raw


def test_real_every_listed_version_parses_one_row_per_name(real_arena):
    versions, parts, raw = real_arena
    listing = json.loads(ARENA_LISTING.read_bytes())
    # one partition per distinct UTC commit date of the listing (counted independently)
    dates = {pd.Timestamp(c["commit"]["committer"]["date"]).tz_convert("UTC").date()
             for c in listing}
    assert len(versions) == len(dates) == len(parts)
    layouts = {}
    for key, df in parts.items():
        reader = csv.DictReader(io.StringIO(raw[key].decode("utf-8-sig")))
        names = {r["model"] for r in reader}
        assert len(df) == len(names), key
        assert SPECS["arena_scores"].conform(df).num_rows == len(df)
        layouts[key] = arena.detect_arena_layout(reader.fieldnames, key)
    # SOURCES.md: arena_elo before July 2024, rank_stylectrl from October 2024
    assert all(k < "2024-07-01" for k, v in layouts.items() if v == "elo_2024_06")
    assert min(k for k, v in layouts.items() if v == "stylectrl_2024_10").startswith("2024-10")
    assert all(k >= "2024-07-01" for k, v in layouts.items() if v == "score_2024_07")
    # the suite checks one partition: the first, the first of each later layout, the last
    firsts = {min(k for k, v in layouts.items() if v == name) for name in set(layouts.values())}
    for key in sorted(firsts | {max(parts)}):
        result = validate_frame(parts[key], "arena_scores")
        assert result.passed, (key, [o.describe() for o in result.critical_failed])
    hist = arena.arena_history(parts)
    assert validate_frame(arena.arena_scores_latest(hist), "arena_scores_latest").passed
    assert validate_frame(arena.arena_rank_changes(hist), "arena_rank_changes").passed


def test_real_deepseek_v3_first_version_and_score(real_arena):
    versions, parts, raw = real_arena
    # independently: the first version (ascending) whose CSV has a 'DeepSeek-V3' row
    first = None
    for key in sorted(raw):
        for r in csv.DictReader(io.StringIO(raw[key].decode("utf-8-sig"))):
            if r["model"] == "DeepSeek-V3":
                first = (key, float(r.get("arena_score") or r["arena_elo"]))
                break
        if first:
            break
    assert first is not None
    hist = arena.arena_history(parts)
    v3 = hist[hist["model_id"] == "deepseek-v3"].sort_values("snapshot_date")
    assert (v3.iloc[0]["snapshot_date"].isoformat(), v3.iloc[0]["score"]) == first
    # and benchmark_figures.csv cites DeepSeek-V3 at 1315 on version 2024-12-31, its first
    assert first == ("2024-12-31", 1315.0)


def test_real_reference_arena_figures(real_arena):
    versions, parts, _ = real_arena
    sha_of = dict(zip(versions["version"], versions["sha"]))
    for ref in reference_rows("arena_score"):
        version = ref["date"]
        # the cited commit (url) is the one our later-wins rule keys under that date
        assert f"/{sha_of[version]}/" in ref["url"], ref
        df = parts[version]
        got = row(df, ref["name_in_source"])
        assert got["model_id"] == ref["model"]
        assert got["score"] == float(ref["value"]), ref
        m = re.search(r"rank (\d+); 95% CI \+(\d+)/-(\d+); (\d+) votes", ref["note"])
        assert m, ref["note"]
        assert (got["rank"], got["ci_plus"], got["ci_minus"], got["votes"]) == (
            int(m[1]), float(m[2]), float(m[3]), int(m[4]))


def test_real_arena_comparison_as_of_article_date(real_arena):
    _, parts, _ = real_arena
    hist = arena.arena_history(parts)
    cmp = arena.arena_comparison(hist, "deepseek-v3", "llama-3.1-405b-instruct", "2025-01-28")
    refs = {(r["model"], r["name_in_source"]): float(r["value"])
            for r in reference_rows("arena_score") if r["date"] == cmp["version"]}
    # best-scoring Llama variant among the cited bf16/fp8 figures of that version
    llama_best = max(v for (m, _), v in refs.items() if m == "llama-3.1-405b-instruct")
    assert cmp["version"] == "2025-01-24"
    assert (cmp["score_a"], cmp["score_b"]) == (refs[("deepseek-v3", "DeepSeek-V3")], llama_best)

