"""The one HTTP client and the snapshot store, against a real loopback HTTP server."""
from __future__ import annotations

import hashlib
import json

import pytest

from assets.models.hub import hub_streams
from pipelines.fetching import Source, snapshot_source
from pipelines.http import HttpSource, mirror_url
from pipelines.snapshots import SnapshotStore
from tools.replay import ReplayServer

SOURCE = Source(id="demo", group="test", kind="file", publisher="test", title="test",
                url="https://example.org/data/file.csv", license='CC BY 4.0', citation="test")
BODY = b"country,value\nChina (mainland),1\n"


def client(server: ReplayServer, **kw) -> HttpSource:
    return HttpSource(mirror=server.url, retries=kw.pop("retries", 3),
                      backoff_factor=0.01, timeout_seconds=5, **kw)


def test_mirror_rewrite_keeps_host_path_and_query():
    assert (mirror_url("https://api.github.com/repos/a/b/commits?path=csv/x.csv&page=2",
                       "http://127.0.0.1:9/")
            == "http://127.0.0.1:9/api.github.com/repos/a/b/commits?path=csv/x.csv&page=2")
    assert mirror_url("https://zenodo.org/x", None) == "https://zenodo.org/x"


def test_503_then_success_is_retried_honouring_retry_after():
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (BODY, "text/csv")
        srv.script["/example.org/data/file.csv"] = [
            (503, {"Retry-After": "0"}, b"busy"), (503, {"Retry-After": "0"}, b"busy")]
        res = client(srv).get(SOURCE.url)
    assert res.status == "fetched" and res.http_status == 200 and res.body == BODY
    assert len(srv.requests) == 3  # two 503s, then the success


def test_429_retries_exhausted_is_failed_with_status():
    with ReplayServer() as srv:
        srv.script["/example.org/data/file.csv"] = [(429, {"Retry-After": "0"}, b"")] * 5
        res = client(srv, retries=2).get(SOURCE.url)
    assert res.status == "failed" and res.http_status == 429
    assert "429" in res.error


def test_404_is_failed_not_raised():
    with ReplayServer() as srv:
        res = client(srv).get("https://huggingface.co/api/models/deepseek-ai/DeepSeek-V3")
    assert res.status == "failed" and res.http_status == 404 and res.body is None


def test_body_over_limit_is_failed():
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (b"x" * 5000, "text/csv")
        res = client(srv, max_body_bytes=1000).get(SOURCE.url)
    assert res.status == "failed" and "limit" in res.error


def test_conditional_get_and_honest_user_agent():
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (BODY, "text/csv")
        http = client(srv)
        first = http.get(SOURCE.url)
        second = http.get(SOURCE.url, etag=first.etag)
    assert first.etag and second.status == "not_modified" and second.http_status == 304
    _, headers = srv.requests[-1]
    assert headers["If-None-Match"] == first.etag
    assert headers["User-Agent"].startswith("ai-numbers/")


def test_token_is_sent_but_never_recorded(monkeypatch, tmp_path):
    secret = "hf_SECRETTOKEN123"
    monkeypatch.setenv("HF_TOKEN", secret)
    monkeypatch.setenv("AI_NUMBERS_MIRROR_TOKENS", "1")  # the loopback mirror may have it
    src = Source(id="hf", group="test", kind="file", publisher="test", title="test",
                url="https://huggingface.co/api/models/x/y", license=None, citation="test")
    with ReplayServer() as srv:
        statuses, _ = snapshot_source(src, "live", SnapshotStore(tmp_path), client(srv))
    _, headers = srv.requests[-1]
    assert headers["Authorization"] == f"Bearer {secret}"
    assert statuses[0].status == "failed" and statuses[0].http_status == 404
    assert secret not in json.dumps([s.__dict__ for s in statuses])
    assert not any(secret.encode() in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


def test_snapshot_recorded_only_when_bytes_change(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (BODY, "text/csv")
        http = client(srv)
        s1, r1 = snapshot_source(SOURCE, "live", store, http)
        s2, r2 = snapshot_source(SOURCE, "live", store, http)  # ETag -> 304
        assert srv.requests[-1][1].get("If-None-Match")
        srv.files["/example.org/data/file.csv"] = (BODY + b"Japan,2\n", "text/csv")
        s3, r3 = snapshot_source(SOURCE, "live", store, http)
    assert [s1[0].status, s2[0].status, s3[0].status] == ["fetched", "unchanged", "fetched"]
    assert r1[0].sha256 == hashlib.sha256(BODY).hexdigest() == r2[0].sha256
    assert r3[0].sha256 != r1[0].sha256
    assert len(store.records("demo")) == 2
    rec = json.loads((tmp_path / "snapshots" / "demo" / r1[0].sha256 / "record.json").read_text())
    assert rec["url"] == SOURCE.url and rec["bytes"] == len(BODY)
    assert rec["license"] == "CC BY 4.0" and rec["retrieved_at"].endswith("+00:00")
    assert store.read(store.latest("demo")).endswith(b"Japan,2\n")


def test_same_bytes_without_etag_record_nothing_new(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (BODY, "text/csv")
        http = client(srv)
        snapshot_source(SOURCE, "live", store, http)
        # the server forgets ETags: a full 200 with the same bytes
        srv.script["/example.org/data/file.csv"] = [(200, {"Content-Type": "text/csv"}, BODY)]
        statuses, _ = snapshot_source(SOURCE, "live", store, http)
    assert statuses[0].status == "unchanged"
    assert len(store.records("demo")) == 1


def test_failure_keeps_last_good_snapshot(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (BODY, "text/csv")
        http = client(srv, retries=1)
        _, good = snapshot_source(SOURCE, "live", store, http)
        srv.script["/example.org/data/file.csv"] = [(500, {}, b"oops")] * 3
        statuses, in_use = snapshot_source(SOURCE, "live", store, http)
    assert statuses[0].status == "failed" and statuses[0].http_status == 500
    assert in_use[0].sha256 == good[0].sha256 == statuses[0].sha256
    assert "last good snapshot" in statuses[0].error


def test_tampered_snapshot_is_detected(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (BODY, "text/csv")
        _, recs = snapshot_source(SOURCE, "live", store, client(srv))
    (store.root / recs[0].file).write_bytes(b"edited")
    with pytest.raises(ValueError, match="altered"):
        store.read(recs[0])


def test_offline_uses_newest_local_snapshot_without_network(tmp_path):
    store = SnapshotStore(tmp_path)
    with ReplayServer() as srv:
        srv.files["/example.org/data/file.csv"] = (BODY, "text/csv")
        snapshot_source(SOURCE, "live", store, client(srv))
        n_requests = len(srv.requests)
        statuses, recs = snapshot_source(SOURCE, "offline", store, client(srv))
        assert len(srv.requests) == n_requests  # offline makes no request
    assert statuses[0].status == "offline" and recs[0].sha256 == hashlib.sha256(BODY).hexdigest()


def test_hanging_server_costs_one_timeout_per_source_not_one_per_url(tmp_path):
    """A server that accepts and never answers: the first URL times out (with one read
    retry), the source's other URLs fail at once, naming the earlier failure."""
    import socket
    import threading

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held, stop = [], threading.Event()

    def accept():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])  # accept and never answer
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    src = Source(id="hf_model_info", group="test", kind="hf_model_info", publisher="test", title="test",
                url="https://huggingface.co/api/models/{repo_id}", license=None, citation="test")
    http = HttpSource(mirror=f"http://127.0.0.1:{sock.getsockname()[1]}", retries=2,
                      read_retries=1, timeout_seconds=0.5, backoff_factor=0.01)
    try:
        statuses, _ = snapshot_source(src, "live", SnapshotStore(tmp_path), http,
                                      streams=hub_streams(src))
    finally:
        stop.set()
        thread.join()
        for c in held:
            c.close()
        sock.close()
    assert len(statuses) >= 5 and {s.status for s in statuses} == {"failed"}
    assert "Timeout" in statuses[0].error or "timed out" in statuses[0].error
    assert all("not asked again" in s.error for s in statuses[1:])
    assert len(held) == 2  # the first request and its one read retry
