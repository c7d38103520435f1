"""Within GitHub's limits (issue 9, item 4), against the project's replay server with a
rate-limit budget (tools/replay.py: X-RateLimit-* headers, a 304 spends nothing, 403 "API
rate limit exceeded" once spent) over real loopback HTTP:

- the client defers calls once the budget is down to the reserve or after a 403, keeps the
  last snapshot and reports ``deferred`` (not failed);
- a warm live discovery sends only conditional requests and gets 304s, spending no budget;
  ``GITHUB_TOKEN`` goes to api.github.com only (and to the mirror only with
  ``AI_NUMBERS_MIRROR_TOKENS=1``);
- ``ai-numbers run --mode live`` with a budget spent elsewhere (the first call answers 403)
  exits 0, says which calls were deferred and when the budget resets, and reports the
  requests it made per host;
- ``ai-numbers sources`` lists a stale source (the LMArena history of ../shared/upstream
  ends on 2025-01-24, far beyond its 3-day cadence).
"""
from __future__ import annotations

import json
import subprocess

import pandas as pd
import pytest
from dagster import AssetKey, DagsterInstance

from pipelines.fetching import Fetcher, Source
from pipelines.http import HttpSource
from pipelines.ratelimit import RATE_LIMITS, USAGE
from pipelines.runner import resource_config
from pipelines.snapshots import SnapshotStore
from tests.helpers import PROJECT, shared_path
from tools.replay import ReplayServer

API = "https://api.github.com/repos/a/b/commits?path=x.csv"
RAW = "https://raw.githubusercontent.com/a/b/0123/x.csv"
SOURCE = Source(id="demo", group="test", kind="github_commits", publisher="test",
                title="test", url=API, license="test", citation="test")
SCRIPT = PROJECT / ".venv" / "bin" / "ai-numbers"


@pytest.fixture(autouse=True)
def no_budget_known():
    """Budgets seen by earlier tests of this process belong to other servers."""
    RATE_LIMITS.clear()
    yield
    RATE_LIMITS.clear()


def _client(srv: ReplayServer, reserve: int = 0) -> HttpSource:
    return HttpSource(mirror=srv.url, retries=0, timeout_seconds=5, rate_limit_reserve=reserve)


def test_replay_meters_the_api_only_and_a_304_spends_nothing():
    with ReplayServer(budget=2) as srv:
        srv.files["/api.github.com/repos/a/b/commits"] = (b"[1]", "application/json")
        srv.files["/raw.githubusercontent.com/a/b/0123/x.csv"] = (b"a,b\n", "text/csv")
        http = HttpSource(mirror=srv.url, retries=0, rate_limit_reserve=0)
        first = http.get(API)
        assert first.status == "fetched"
        assert http.get(API, etag=first.etag).status == "not_modified"
        assert srv.rate.remaining == 1                     # the 304 spent nothing
        assert http.get(RAW).status == "fetched"           # raw files are not metered
        assert srv.rate.remaining == 1
        RATE_LIMITS.clear()                                # forget: let the server refuse
        srv.rate.remaining = 0
        refused = http.get(API)
    assert refused.status == "deferred" and refused.http_status == 403
    assert "API rate limit exceeded" in refused.error and "resets at" in refused.error


def test_a_low_budget_defers_the_rest_keeping_the_last_snapshot(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer(budget=3) as srv:
        for n in range(3):
            srv.files[f"/api.github.com/repos/a/b/c{n}"] = (b"[1]", "application/json")
        with Fetcher("live", store, _client(srv, reserve=1)) as fetcher:
            first = [fetcher.fetch(SOURCE, f"demo/c{n}", f"https://api.github.com/repos/a/b/c{n}")
                     for n in range(3)]
        asked = len(srv.requests)
        with Fetcher("live", store, _client(srv, reserve=1)) as fetcher:
            again, rec = fetcher.fetch(SOURCE, "demo/c0", "https://api.github.com/repos/a/b/c0")
    # 3 calls: 2 left after the first, 1 (= the reserve) after the second: the third waits
    assert [row.status for row, _ in first] == ["fetched", "fetched", "deferred"]
    assert asked == 2 and len(srv.requests) == 2           # deferred calls are never sent
    assert first[2][0].error.startswith("deferred: rate limit, 1 of 3 calls left (reserve 1)")
    assert first[2][1] is None                             # nothing stored yet for c2
    # a stream with a snapshot keeps it, reported deferred, not failed
    assert again.status == "deferred" and rec is not None and again.sha256 == rec.sha256
    assert "last good snapshot" in again.error


def _discover(instance, data_dir, srv):
    from pipelines.definitions import defs

    config = resource_config(data_dir=str(data_dir), mode="live", mirror=srv.url,
                             http={"retries": 1, "backoff_factor": 0.01})
    return defs.resolve_job_def("discover").execute_in_process(
        instance=instance, run_config=config, raise_on_error=False)


def _api_requests(srv, start=0):
    return [(p, h) for p, h in srv.requests[start:] if p.startswith("/api.github.com/")]


def test_warm_discovery_sends_conditional_requests_and_spends_no_budget(tmp_path,
                                                                        monkeypatch):
    root = shared_path("upstream")
    monkeypatch.setenv("GITHUB_TOKEN", "gh_MARKER_TOKEN")
    monkeypatch.setenv("AI_NUMBERS_MIRROR_TOKENS", "1")       # the loopback mirror may have it
    monkeypatch.setenv("AI_NUMBERS_RATE_LIMIT_RESERVE", "0")
    instance = DagsterInstance.ephemeral()
    with ReplayServer(root, budget=60) as srv:
        cold = _discover(instance, tmp_path, srv)
        assert cold.success
        cold_calls = len(_api_requests(srv))
        left = srv.rate.remaining
        start, before = len(srv.requests), USAGE.snapshot()
        warm = _discover(instance, tmp_path, srv)
        assert warm.success
        warm_usage = USAGE.since(before)["api.github.com"]
        warm_requests = _api_requests(srv, start)
        # one version of one LiveBench release: its files come from raw.githubusercontent.com
        versions = pd.read_parquet(tmp_path / "published" / "livebench_versions.parquet")
        from pipelines.definitions import defs
        instance.add_dynamic_partitions("livebench_versions", [versions["version"].iloc[0]])
        part = defs.resolve_job_def("livebench_partitions").execute_in_process(
            instance=instance, partition_key=versions["version"].iloc[0], raise_on_error=False,
            run_config=resource_config(data_dir=str(tmp_path), mode="live", mirror=srv.url))
        assert part.success
        remaining_after = srv.rate.remaining
    assert cold_calls == 60 - left > 0       # every cold call spent one
    assert len(warm_requests) == cold_calls  # the same listings asked again...
    assert all("If-None-Match" in h for _, h in warm_requests)   # ...conditionally
    assert warm_usage["requests"] == warm_usage["not_modified"] == cold_calls
    assert warm_usage["bytes"] == 0 and remaining_after == left  # 304s spend nothing
    assert warm_usage["rate_remaining"] == left
    # the snapshot assets say how many calls they made, per host
    mats = [e.event_specific_data.materialization for e in warm.all_events
            if e.event_type_value == "ASSET_MATERIALIZATION"]
    meta = {m.asset_key.to_user_string(): m.metadata for m in mats}
    usage = meta["snapshot/lmarena_history"]["http_usage"].value
    assert usage["api.github.com"]["not_modified"] >= 1
    # the token went to every api.github.com request and to no other host
    raw = [(p, h) for p, h in srv.requests if p.startswith("/raw.githubusercontent.com/")]
    assert raw and all("Authorization" not in h for _, h in raw)
    assert all(h.get("Authorization") == "Bearer gh_MARKER_TOKEN"
               for _, h in _api_requests(srv))


def _cli(tmp_path, *args, env=None):
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not installed: run `make install`")
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return subprocess.run([str(SCRIPT), *args], cwd=PROJECT, capture_output=True, text=True,
                          timeout=900, env={"PATH": "/usr/bin:/bin", "DAGSTER_HOME": str(home),
                                            "AI_NUMBERS_DATA_DIR": str(tmp_path / "data"),
                                            **(env or {})})


def test_live_run_with_a_spent_budget_defers_reports_and_exits_0(tmp_path):
    root = shared_path("upstream")
    with ReplayServer(root, budget=60) as srv:
        srv.rate.remaining = 0  # spent by someone else: the first call is refused (403)
        proc = _cli(tmp_path, "run", "--mode", "live",
                    env={"AI_NUMBERS_UPSTREAM_MIRROR": srv.url,
                         "AI_NUMBERS_RATE_LIMIT_RESERVE": "0"})
        api = _api_requests(srv)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # the first call was refused (403) and the rest never sent
    assert len(api) == 1
    out = proc.stdout
    assert "deferred: rate limit, resets at" in out
    assert "Requests:" in out and "api.github.com: 1 call(s) (0 answered 304)" in out
    assert "budget left: 0 of 60" in out
    status = pd.read_parquet(tmp_path / "data" / "published" / "source_status.parquet")
    leaderboards = status[status["source_id"].isin(["livebench", "lmarena_history"])]
    assert "deferred" in set(leaderboards["status"]) and "failed" not in set(leaderboards["status"])
    usage = json.loads((tmp_path / "data" / "status" / "http_usage.json").read_text())
    assert usage["api.github.com"]["requests"] == 1
    assert usage["api.github.com"]["deferred"] >= 2 and usage["api.github.com"]["rate_remaining"] == 0


def test_sources_command_lists_a_stale_source(tmp_path):
    """The discovery of ../shared/upstream, then source_status built from it: the arena
    history ends on 2025-01-24 (its newest commit), beyond its 3-day cadence."""
    from pipelines.definitions import defs

    root = shared_path("upstream")
    data = tmp_path / "data"
    instance = DagsterInstance.ephemeral()
    with ReplayServer(root) as srv:
        assert _discover(instance, data, srv).success
    built = defs.resolve_job_def("publish").execute_in_process(
        instance=instance, asset_selection=[AssetKey(["published", "source_status"])],
        run_config=resource_config(data_dir=str(data), mode="offline"), raise_on_error=False)
    assert built.success
    status = pd.read_parquet(data / "published" / "source_status.parquet")
    arena = status[status["source_id"] == "lmarena_history"]
    # the newest commit of the arena listing in ../shared/upstream
    listing = json.loads((root / "files" / "api.github.com" / "repos" / "fboulnois"
                          / "llm-leaderboard-csv" / "commits" / "csv__lmsys.csv.json").read_text())
    newest = max(pd.Timestamp(c["commit"]["committer"]["date"]) for c in listing)
    assert (arena["newest_version_at"] == newest).all()
    proc = _cli(tmp_path, "sources")
    assert proc.returncode == 0, proc.stderr
    assert "Stale sources" in proc.stdout
    assert f"lmarena_history: newest version {newest:%Y-%m-%d}" in proc.stdout
    assert "expected every 3 days" in proc.stdout

