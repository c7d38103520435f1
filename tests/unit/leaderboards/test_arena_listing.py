"""Tests of assets/leaderboards/arena_listing.py and the per-file layouts of arena.py:
version dates (stated by the scraper's commit message, else the commit date), a backfill of
several versions committed in one day, deleting commits, successor paths.

Listings are hand-written in the GitHub commits API's shape; the commit message format is
the one of the real listing (``../shared/upstream``, e.g. "auto: update csv outputs to
version 2025.01.24"), checked against it where present.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from assets.leaderboards import arena, arena_listing
from tests.helpers.leaderboards import ARENA_LISTING, fixture, need


def _commit(sha_char: str, when: str, message: str = "", files=None) -> dict:
    entry = {"sha": sha_char * 40, "commit": {"committer": {"date": when},
                                              "author": {"date": when}, "message": message}}
    if files is not None:
        entry["files"] = files
    return entry


def test_backfill_of_several_versions_in_one_day_keeps_every_version():
    # three scraped versions committed within one hour of one day (a backfill)
    pages = [[_commit("c", "2025-08-20T10:40:00Z", "auto: update csv outputs to version 2025.08.19"),
              _commit("b", "2025-08-20T10:20:00Z", "auto: update csv outputs to version 2025.08.18"),
              _commit("a", "2025-08-20T10:00:00Z", "auto: update csv outputs to version 2025.08.17")]]
    v = arena_listing.arena_versions(pages)
    assert v["version"].tolist() == ["2025-08-17", "2025-08-18", "2025-08-19"]
    assert v["sha"].tolist() == ["a" * 40, "b" * 40, "c" * 40]
    assert v["version"].is_unique and (v["superseded_shas"] == "").all()
    assert (v["dated_by"] == "stated").all()


def test_unstated_date_falls_back_to_commit_date_and_same_version_later_wins():
    pages = [[_commit("d", "2025-08-21T09:00:00Z", "auto: update csv outputs to version 2025.08.19"),
              _commit("c", "2025-08-20T10:40:00Z", "auto: update csv outputs to version 2025.08.19"),
              _commit("e", "2025-08-20T23:00:00-04:00", "fix: typo")]]   # 2025-08-21 UTC
    v = arena_listing.arena_versions(pages)
    assert v["version"].tolist() == ["2025-08-19", "2025-08-21"]
    assert v["sha"].tolist() == ["d" * 40, "e" * 40]
    assert v["superseded_shas"].tolist() == ["c" * 40, ""]
    assert v["dated_by"].tolist() == ["stated", "committed"]


def test_real_listing_messages_state_the_commit_date():
    need(ARENA_LISTING)
    listing = json.loads(ARENA_LISTING.read_bytes())
    v = arena_listing.arena_versions([listing])
    dates = {pd.Timestamp(c["commit"]["committer"]["date"]).tz_convert("UTC")
             .strftime("%Y-%m-%d") for c in listing}
    assert set(v["version"]) == dates            # the real keys do not move
    stated = sum("update csv outputs to version" in c["commit"]["message"] for c in listing)
    assert (v["dated_by"] == "stated").sum() == stated > 0


def test_deleting_commit_makes_no_version_and_discontinues_the_path():
    lmsys = [[_commit("c", "2025-08-10T11:00:00Z", "chore: move to lmarena_*.csv",
                      files=[{"filename": "csv/lmsys.csv", "status": "removed"}]),
              _commit("b", "2025-08-09T11:00:00Z", "auto: update csv outputs to version 2025.08.09")]]
    text = [[_commit("e", "2025-08-12T11:00:00Z", "auto: update csv outputs to version 2025.08.12"),
             _commit("d", "2025-08-10T11:00:00Z", "auto: update csv outputs to version 2025.08.10")]]
    listings = {"csv/lmsys.csv": lmsys, "csv/lmarena_text.csv": text}
    v = arena_listing.arena_versions(listings)
    assert v["version"].tolist() == ["2025-08-09", "2025-08-10", "2025-08-12"]
    assert v["path"].tolist() == ["csv/lmsys.csv", "csv/lmarena_text.csv",
                                  "csv/lmarena_text.csv"]
    assert "c" * 40 not in set(v["sha"]) and "c" * 40 not in ";".join(v["superseded_shas"])
    (gone,) = arena_listing.discontinued(listings)
    assert (gone.path, gone.sha, gone.committed_at.strftime("%Y-%m-%d")) == (
        "csv/lmsys.csv", "c" * 40, "2025-08-10")
    # without files[] in the listing, the caller's 404 finding says the same
    lmsys[0][0].pop("files")
    assert "c" * 40 in set(arena_listing.arena_versions(listings)["sha"])
    v2 = arena_listing.arena_versions(listings, deleted={"c" * 40})
    assert v2.equals(v)
    assert [g.sha for g in arena_listing.discontinued(listings, {"c" * 40})] == ["c" * 40]
    assert arena_listing.discontinued(listings) == []


def test_each_file_is_parsed_by_its_own_layouts():
    body = fixture("lmsys_stylectrl_2024_10.csv")
    assert arena.arena_layout(body, "2025-08-12", "e" * 40, "csv/lmarena_text.csv") == (
        "text_2025_08")
    assert arena.arena_layout(body, "2024-10-16", "e" * 40) == "stylectrl_2024_10"
    text = arena.parse_arena_csv(body, "2025-08-12", "e" * 40, "csv/lmarena_text.csv")
    assert text.equals(arena.parse_arena_csv(body, "2024-10-16", "e" * 40))
    # an lmsys.csv layout the successor never had is refused, not guessed
    with pytest.raises(arena.UnknownLayoutError, match="csv/lmarena_text.csv layout"):
        arena.parse_arena_csv(fixture("lmsys_elo_2024_06.csv"), "2025-08-12", "e" * 40,
                              "csv/lmarena_text.csv")
    with pytest.raises(arena.UnknownLayoutError, match="no known layout for file"):
        arena.parse_arena_csv(body, "2025-08-12", "e" * 40, "csv/lmarena_vision.csv")


def test_csv_url_names_the_file():
    from assets.leaderboards.snapshots import ARENA

    assert arena.arena_csv_url(ARENA.file_url, "0123abcd" * 5, "csv/lmarena_text.csv") == (
        "https://raw.githubusercontent.com/fboulnois/llm-leaderboard-csv/"
        + "0123abcd" * 5 + "/csv/lmarena_text.csv")
    assert ARENA.path == "csv/lmsys.csv" and ARENA.successors == ("csv/lmarena_text.csv",)
    assert ARENA.url == ARENA.commits_url.format(file=ARENA.path)
