"""LiveBench release files are checked by their parser before they become snapshots
(issue #12, item 9): a categories file that is an HTML page or a JSON array, or a table
without the parser's header, is rejected, kept aside, and the last good snapshot stays.
Real HTTP over loopback (the replay of ../shared/upstream)."""
from __future__ import annotations

import pytest

from assets.leaderboards.snapshots import collect_livebench
from pipelines.fetching import Fetcher
from pipelines.http import HttpSource
from pipelines.snapshots import SnapshotStore

PUBLIC = "/raw.githubusercontent.com/LiveBench/livebench.github.io/main/public/"
CATEGORIES = "categories_2024_11_25.json"
TABLE = "table_2024_11_25.csv"


def _collect(store: SnapshotStore, replay) -> dict:
    """One live collection; the status row of each stream."""
    http = HttpSource(mirror=replay.url, retries=0, backoff_factor=0.0)
    with Fetcher("live", store, http) as fetcher:
        statuses, _, _ = collect_livebench(fetcher)
    return {row.stream: row for row in statuses}


@pytest.mark.parametrize("body, content_type, why", [
    (b"<!DOCTYPE html><html><body><h1>Rate limited</h1></body></html>", "text/html",
     "an HTML page"),
    (b'["coding", "math"]', "application/json",
     "LiveBench: categories file is not an object of task-name lists"),
])
def test_a_bad_categories_file_is_rejected_and_the_last_good_snapshot_stays(
        tmp_path, upstream_replay, body, content_type, why):
    store = SnapshotStore(tmp_path)
    stream = f"livebench/{CATEGORIES}"
    first = _collect(store, upstream_replay)
    assert first[stream].status == "fetched"
    good = store.latest(stream)

    upstream_replay.files[PUBLIC + CATEGORIES] = (body, content_type)
    second = _collect(store, upstream_replay)

    row = second[stream]
    assert row.status == "failed"
    assert "rejected the body" in row.error and why in row.error
    assert store.latest(stream) == good                   # the last good snapshot stays
    assert store.read(good) != body
    assert len(store.records(stream)) == 1
    assert (store.root / stream / "rejected").is_dir()     # kept aside, never used


def test_a_table_without_the_model_column_is_rejected_before_it_is_stored(
        tmp_path, upstream_replay):
    """First fetch of a CSV table the parser refuses (no ``model`` column): no snapshot."""
    store = SnapshotStore(tmp_path)
    upstream_replay.files[PUBLIC + TABLE] = (b"name,coding,math\nm1,50.0,40.0\n", "text/csv")
    rows = _collect(store, upstream_replay)
    row = rows[f"livebench/{TABLE}"]
    assert row.status == "failed" and "expected 'model'" in row.error
    assert store.latest(f"livebench/{TABLE}") is None
    assert rows[f"livebench/{CATEGORIES}"].status == "fetched"   # the other files are kept
