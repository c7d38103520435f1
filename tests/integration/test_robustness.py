"""What a server sends instead of the file, and snapshots altered on disk."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from pipelines.fetching import Source, check_body, snapshot_source
from pipelines.http import HttpSource
from pipelines.snapshots import SnapshotStore
from tools.replay import ReplayServer

CARD = Source(id="card", group="test", kind="file", publisher="test", title="test",
                url="https://raw.example.org/a/README.md", license='MIT', citation="test", expect="text")
PATH = "/raw.example.org/a/README.md"
HTML = b"<!DOCTYPE html>\n<html><body>429 Too Many Requests</body></html>"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def http(srv) -> HttpSource:
    return HttpSource(mirror=srv.url, retries=0, timeout_seconds=5)


@pytest.mark.parametrize("expect,body,problem", [
    ("text", HTML, "HTML page"),
    ("csv", b"  <html><head></head></html>", "HTML page"),
    ("csv", b"just words\nno commas", "not CSV"),
    ("json", b"{not json", "not JSON"),
    ("json_array", b'{"message": "API rate limit exceeded"}', "not an array"),
    ("json_array_nonempty", b"[]", "empty JSON array"),
    ("zip", b"PK\x03\x04truncated", "not a readable zip"),
    ("zip", zip_bytes({"cat/a.csv": b"x,y\n1,2\n"})[:-30], "not a readable zip"),
    ("text", b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_check_body_rejects_what_is_not_the_file(expect, body, problem):
    assert problem in check_body(expect, body)


@pytest.mark.parametrize("expect,body", [
    ("text", b"# DeepSeek-V3\n<table><tr><td>1</td></tr></table>\n"),
    ("csv", b"\xef\xbb\xbfrank,model\n1,x\n"),
    ("json_array", b"[]"),
    ("json_array_nonempty", b'[{"sha": "abc"}]'),
    ("zip", zip_bytes({"cat/a.csv": b"x,y\n1,2\n"})),
    (None, HTML),
])
def test_check_body_accepts_the_real_thing(expect, body):
    assert check_body(expect, body) is None


def test_check_body_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown body kind"):
        check_body("jsno", b"[]")


def test_every_registered_source_names_a_known_body_kind():
    from assets.registry import load_sources
    from pipelines.fetching import BODY_KINDS

    for source in load_sources().values():
        assert source.expect in (None, *BODY_KINDS), source.id


def test_html_error_page_is_rejected_and_last_good_snapshot_kept(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as srv:
        srv.files[PATH] = (b"# Card\n| a | b |\n|---|---|\n| 1 | 2 |\n", "text/plain")
        _, good = snapshot_source(CARD, "live", store, http(srv))
        srv.files[PATH] = (HTML, "text/html")  # a rate-limit page served with 200
        statuses, in_use = snapshot_source(CARD, "live", store, http(srv))
    row = statuses[0]
    assert row.status == "failed" and row.http_status == 200
    assert "HTML page" in row.error and "last good snapshot" in row.error
    assert in_use[0].sha256 == good[0].sha256 and len(store.records("card")) == 1
    rejected = list((tmp_path / "snapshots" / "card" / "rejected").iterdir())
    assert [p.read_bytes() for p in rejected] == [HTML]  # raw bytes kept for inspection


def test_live_run_repairs_a_snapshot_altered_on_disk(tmp_path):
    store = SnapshotStore(tmp_path)
    body = b"# Card\nthe real text\n"
    with ReplayServer() as srv:
        srv.files[PATH] = (body, "text/plain")
        _, (rec,) = snapshot_source(CARD, "live", store, http(srv))
        (store.root / rec.file).write_bytes(b"# Card\nedited by hand\n")
        with pytest.raises(ValueError, match="altered"):
            store.read(store.latest("card"))  # offline use refuses it
        statuses, (fixed,) = snapshot_source(CARD, "live", store, http(srv))
        # the repair asked unconditionally: no If-None-Match from the altered snapshot
        assert "If-None-Match" not in srv.requests[-1][1]
    assert statuses[0].status == "fetched" and "altered" in statuses[0].error
    assert store.read(fixed) == body
    assert any(".altered-" in p.name for p in (tmp_path / "snapshots" / "card").iterdir())


def test_empty_or_broken_listing_keeps_the_stored_versions(tmp_path):
    from assets.leaderboards.snapshots import collect_arena_listing
    from pipelines.fetching import Fetcher

    listing = [{"sha": "a" * 40, "commit": {"committer": {"date": "2024-12-31T10:00:00Z"}}}]
    path = "/api.github.com/repos/fboulnois/llm-leaderboard-csv/commits"
    store = SnapshotStore(tmp_path)
    with ReplayServer() as srv:
        srv.files[path] = (json.dumps(listing).encode(), "application/json")
        _, _, found = collect_arena_listing(Fetcher("live", store, http(srv)))
        assert found.pages["csv/lmsys.csv"] == [listing]
        for bad in (b"[]", b"<html>busy</html>", b'{"message": "rate limited"}'):
            srv.files[path] = (bad, "application/json")
            statuses, _, found = collect_arena_listing(Fetcher("live", store, http(srv)))
            assert statuses[0].status == "failed", bad
            # the last good listing is still the one in use
            assert found.pages["csv/lmsys.csv"] == [listing], bad


def test_bad_settings_exit_2_with_one_line(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from tests.helpers import PROJECT as project
    for var, value, words in [("AI_NUMBERS_MODE", "foo", "expected one of"),
                              ("AI_NUMBERS_UPSTREAM_MIRROR", "not-a-url", "not an http(s) URL"),
                              ("AI_NUMBERS_DATA_DIR", str(tmp_path / "f" / "x"), "cannot write")]:
        if var == "AI_NUMBERS_DATA_DIR":
            (tmp_path / "f").write_text("a file, not a folder")
        env = {"PATH": "/usr/bin:/bin", "DAGSTER_HOME": str(tmp_path), var: value}
        script = Path(sys.executable).parent / "ai-numbers"  # the console script
        proc = subprocess.run([str(script), "run"], cwd=project,
                              env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, (var, proc.stderr[-500:])
        assert proc.stderr.strip().count("\n") == 0 and var in proc.stderr and words in proc.stderr


def test_intact_but_unusable_bodies_never_become_snapshots(tmp_path):
    """A Hub answer that is an error object, a CAT zip whose CSV lost a column: rejected by
    the source's own parser at fetch time; the last good snapshot stays in use."""
    from assets.models.snapshots import collect_hub
    from assets.patents.assets import COLLECT
    from assets.registry import load_sources
    from pipelines.fetching import Fetcher
    from tests.helpers.patents import GRANTED, cat_zip

    hub = load_sources()["hf_model_info"]
    store = SnapshotStore(tmp_path)
    path = "/huggingface.co/api/models/deepseek-ai/DeepSeek-V3"
    with ReplayServer() as srv:
        srv.files[path] = (b'{"error": "Repository not found"}', "application/json")
        with Fetcher("live", store, http(srv)) as fetcher:
            statuses, recs = collect_hub(hub, fetcher)
    row = next(s for s in statuses if s.stream.endswith("deepseek-ai__DeepSeek-V3"))
    assert row.status == "failed" and row.http_status == 200
    assert "HubInfoError" in row.error and "DeepSeek-V3" in row.error
    assert store.latest(row.stream) is None and recs == []

    cat = load_sources()["eto_cat"]
    cat_path = "/zenodo.org/records/19103157/files/cat.zip"
    good = cat_zip()
    renamed = cat_zip(granted=GRANTED.replace("num_patent_granted", "num_patents_granted", 1))
    with ReplayServer() as srv:
        srv.files[cat_path] = (good, "application/zip")
        with Fetcher("live", store, http(srv)) as fetcher:
            _, (kept,) = COLLECT[cat.id](fetcher)
        srv.files[cat_path] = (renamed, "application/zip")
        with Fetcher("live", store, http(srv)) as fetcher:
            (row,), in_use = COLLECT[cat.id](fetcher)
    assert row.status == "failed" and "num_patent_granted" in row.error
    assert in_use[0].sha256 == kept.sha256 and len(store.records("eto_cat")) == 1
    assert (tmp_path / "snapshots" / "eto_cat" / "rejected").exists()
