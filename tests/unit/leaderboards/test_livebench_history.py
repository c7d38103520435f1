"""LiveBench as a dated history (assets/leaderboards/livebench_history.py): versions from
the commits listings of a release's two files, and the versions standing on a date."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from assets.leaderboards import livebench
from assets.leaderboards.github import LeaderboardError, VersionListingError
from assets.leaderboards.livebench_history import (
    livebench_versions,
    release_file,
    split_version,
    versions_as_of,
)
from tests.helpers.leaderboards import FILES, need

COMMITS = FILES / "api.github.com/repos/LiveBench/livebench.github.io/commits"


def _commit(sha: str, when: str) -> dict:
    return {"sha": sha * 40, "commit": {"committer": {"date": when}}}


def test_a_version_per_utc_date_with_both_files_standing_then():
    listings = {"2024-11-25": {
        # newest first, as the API lists them; "b" (02:00 UTC) and "c" (03:00 UTC) both on
        # 2024-11-26 in UTC, though "b" is dated 11-25 in its own time zone
        "table": [[_commit("d", "2025-02-04T10:00:00Z"),
                   _commit("c", "2024-11-26T05:00:00+02:00"),
                   _commit("b", "2024-11-25T20:00:00-06:00"),
                   _commit("a", "2024-11-24T09:00:00Z")]],
        "categories": [[_commit("e", "2024-11-25T12:00:00Z")]],
    }}
    v = livebench_versions(listings)
    # 2024-11-24: no categories file yet, so no version; on 11-25 the table stands at "a";
    # of "b" and "c" (same UTC date) the later, "c", is the 11-26 version
    assert list(v["version"]) == ["2024-11-25@2024-11-25", "2024-11-25@2024-11-26",
                                  "2024-11-25@2025-02-04"]
    assert list(v["table_sha"]) == ["a" * 40, "c" * 40, "d" * 40]
    assert set(v["categories_sha"]) == {"e" * 40}
    assert v["release"].iloc[0] == date(2024, 11, 25)
    assert v["version_date"].iloc[-1] == date(2025, 2, 4)


def test_listing_without_sha_is_named():
    with pytest.raises(VersionListingError, match="sha"):
        livebench_versions({"2024-11-25": {"table": [[{"commit": {}}]], "categories": []}})


def test_versions_as_of_keep_each_releases_newest_on_or_before_the_date():
    keys = ["2024-08-31@2024-09-01", "2024-08-31@2024-11-21", "2024-11-25@2024-11-25",
            "2024-11-25@2025-01-07", "2024-11-25@2025-02-04"]
    assert versions_as_of(keys, "2025-01-28") == ["2024-08-31@2024-11-21",
                                                  "2024-11-25@2025-01-07"]
    assert versions_as_of(keys, date(2024, 9, 30)) == ["2024-08-31@2024-09-01"]
    assert versions_as_of(keys, "2024-08-01") == []
    assert versions_as_of(keys) == ["2024-08-31@2024-11-21", "2024-11-25@2025-02-04"]
    with pytest.raises(LeaderboardError, match="not a YYYY-MM-DD"):
        split_version("2024-11-25@latest")


def test_real_history_qwen25_max_not_in_the_table_as_of_the_article():
    """From the mirror's real commits listings and files: the 2024-11-25 table as it stood
    on 2025-01-28 (the article's date) has no Qwen2.5-Max; the newest state has it."""
    listings = {}
    for release in ("2024-11-25",):
        listings[release] = {}
        for kind in ("table", "categories"):
            path = COMMITS / f"public__{release_file(kind, release)}.json"
            need(path)
            listings[release][kind] = [json.loads(path.read_text())]
    versions = livebench_versions(listings)
    keys = list(versions["version"])

    def table_at(key: str) -> pd.DataFrame:
        row = versions.set_index("version").loc[key]
        raw = FILES / "raw.githubusercontent.com/LiveBench/livebench.github.io"
        body = {k: (raw / row[f"{k}_sha"] / "public" / release_file(k, "2024-11-25"))
                .read_bytes() for k in ("table", "categories")}
        return livebench.parse_livebench(body["table"], body["categories"], "2024-11-25", [])

    (then,) = versions_as_of(keys, "2025-01-28")
    (newest,) = versions_as_of(keys)
    assert split_version(then)[1] <= date(2025, 1, 28) < split_version(newest)[1]
    assert "qwen2.5-max" not in set(table_at(then)["model_name_raw"])
    assert "qwen2.5-max" in set(table_at(newest)["model_name_raw"])
    # the first version that has it is dated after the article
    first = next(k for k in keys if "qwen2.5-max" in set(table_at(k)["model_name_raw"]))
    assert split_version(first)[1] > date(2025, 1, 28)
