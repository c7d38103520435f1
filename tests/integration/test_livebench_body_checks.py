"""LiveBench release files are checked by their parser before they become snapshots
(issue #12, item 9): a categories file that is an HTML page or a JSON array, or a table
without the parser's header, is rejected, kept aside, and the last good snapshot stays.
Real HTTP over loopback (tools/replay.py), through the fetch the ``livebench_history``
partitions make (``fetch_release_file``)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from assets.leaderboards.snapshots import fetch_release_file, livebench_file_url
from pipelines.fetching import Fetcher
from pipelines.http import HttpSource
from pipelines.snapshots import SnapshotStore
from tools.replay import ReplayServer

SHA = "a" * 40
CATEGORIES = "categories_2024_11_25.json"
TABLE = "table_2024_11_25.csv"
GOOD_CATEGORIES = b'{"coding": ["LCB_generation"], "math": ["AMPS_Hard"]}'


def _path(file: str) -> str:
    url = urlsplit(livebench_file_url(file, SHA))
    return f"/{url.netloc}{url.path}"


def _fetch(store: SnapshotStore, server: ReplayServer, kind: str, file: str):
    http = HttpSource(mirror=server.url, retries=0, backoff_factor=0.0)
    with Fetcher("live", store, http) as fetcher:
        return fetch_release_file(fetcher, kind, file, SHA)


@pytest.mark.parametrize("body, content_type, why", [
    (b"<!DOCTYPE html><html><body><h1>Rate limited</h1></body></html>", "text/html",
     "an HTML page"),
    (b'["coding", "math"]', "application/json",
     "LiveBench: categories file is not an object of task-name lists"),
])
def test_a_bad_categories_file_is_rejected_and_kept_aside(tmp_path, body, content_type, why):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as server:
        server.files[_path(CATEGORIES)] = (body, content_type)
        row, rec = _fetch(store, server, "categories", CATEGORIES)
    assert row.status == "failed" and rec is None
    assert "rejected the body" in row.error and why in row.error
    assert store.latest(row.stream) is None                 # never a snapshot
    assert (store.root / row.stream / "rejected").is_dir()  # kept aside for inspection


def test_a_good_categories_file_becomes_a_snapshot(tmp_path):
    """The check lets the real shape through (the test above can fail)."""
    store = SnapshotStore(tmp_path)
    with ReplayServer() as server:
        server.files[_path(CATEGORIES)] = (GOOD_CATEGORIES, "application/json")
        row, rec = _fetch(store, server, "categories", CATEGORIES)
    assert row.status == "fetched" and store.read(rec) == GOOD_CATEGORIES


def test_a_table_without_the_model_column_is_rejected_before_it_is_stored(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as server:
        server.files[_path(TABLE)] = (b"name,coding,math\nm1,50.0,40.0\n", "text/csv")
        row, rec = _fetch(store, server, "table", TABLE)
    assert row.status == "failed" and rec is None and "expected 'model'" in row.error
    assert store.latest(row.stream) is None
