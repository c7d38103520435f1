"""Network faults against the one HTTP client, over real loopback HTTP: refused
connections, retried 5xx (requests counted), bounded server-requested waits, bodies cut
short or too long, redirect loops, tokens only to their hosts, and the debug log."""
from __future__ import annotations

import logging
import time
from email.utils import formatdate

import pytest

from pipelines import http as H
from pipelines.http import HttpSource, token_for
from tests.helpers.faults import RawServer, free_port
from tools.replay import ReplayServer

URL = "https://example.org/data/file.csv"
PATH = "/example.org/data/file.csv"
BODY = b"country,value\nChina (mainland),1\n"


def client(mirror: str, **kw) -> HttpSource:
    kw.setdefault("retries", 3)
    return HttpSource(mirror=mirror, backoff_factor=0.01, timeout_seconds=5, **kw)


def test_connection_refused_is_failed_not_raised():
    H._UNRESPONSIVE.clear()
    res = client(f"http://127.0.0.1:{free_port()}", retries=1).get(URL)
    assert res.status == "failed" and res.http_status is None
    assert "connection refused" in res.error  # one line naming the host (#10)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_without_retry_after_then_success_is_retried(status):
    with ReplayServer() as srv:
        srv.files[PATH] = (BODY, "text/csv")
        srv.script[PATH] = [(status, {}, b"down"), (status, {}, b"down")]
        res = client(srv.url).get(URL)
    assert res.status == "fetched" and res.body == BODY
    assert len(srv.requests) == 3  # two failures, then the success


def test_500_every_time_is_bounded():
    with ReplayServer() as srv:
        srv.script[PATH] = [(500, {}, b"down")] * 20
        res = client(srv.url, retries=3).get(URL)
    assert res.status == "failed" and res.http_status == 500
    assert len(srv.requests) == 4  # the first try and three retries, no more


@pytest.mark.parametrize("header", ["3600", formatdate(time.time() + 86400, usegmt=True)])
def test_long_retry_after_fails_at_once_naming_the_delay(header):
    with ReplayServer() as srv:
        srv.script[PATH] = [(429, {"Retry-After": header}, b"")] * 5
        start = time.monotonic()
        res = client(srv.url, max_wait_seconds=5).get(URL)
        waited = time.monotonic() - start
    assert res.status == "failed" and res.http_status == 429
    assert "Retry-After" in res.error and header in res.error and "5 s" in res.error
    assert len(srv.requests) == 1  # not retried
    assert waited < 5  # the 5 s bound itself was not slept either (nothing slept)


def test_max_wait_from_the_environment(monkeypatch):
    monkeypatch.setenv("AI_NUMBERS_MAX_WAIT_SECONDS", "7")
    assert HttpSource().effective_max_wait() == 7
    monkeypatch.delenv("AI_NUMBERS_MAX_WAIT_SECONDS")
    assert HttpSource().effective_max_wait() == H.MAX_WAIT_SECONDS <= 300


def test_short_retry_after_is_obeyed_and_exhausted_error_names_it():
    with ReplayServer() as srv:
        srv.script[PATH] = [(429, {"Retry-After": "0"}, b"")] * 5
        res = client(srv.url, retries=2).get(URL)
    assert res.status == "failed" and "Retry-After: 0" in res.error
    assert len(srv.requests) == 3


def test_body_cut_short_of_its_content_length_is_failed():
    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n"
             b"Connection: close\r\n\r\n" + BODY)
    with RawServer([reply]) as srv:
        res = client(srv.url, retries=0).get(URL)
    assert res.status == "failed" and res.body is None
    assert "IncompleteRead" in res.error or "ChunkedEncodingError" in res.error


def test_body_without_length_over_the_limit_is_stopped():
    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n"
             + b"x" * 300_000)
    with RawServer([reply]) as srv:
        res = client(srv.url, max_body_bytes=100_000).get(URL)
    assert res.status == "failed" and "limit of 100000" in res.error and res.body is None


def test_redirect_loop_is_failed():
    with ReplayServer() as srv:
        srv.script[PATH] = [(302, {"Location": PATH}, b"")] * 100
        res = client(srv.url).get(URL)
    assert res.status == "failed" and "TooManyRedirects" in res.error
    assert len(srv.requests) <= 31  # requests' limit of 30 redirects


HF = "https://huggingface.co/api/models/x/y"


def test_tokens_go_to_their_host_only(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_MARKER")
    monkeypatch.setenv("GITHUB_TOKEN", "gh_MARKER")
    monkeypatch.delenv("AI_NUMBERS_MIRROR_TOKENS", raising=False)
    assert token_for(HF, HF) == "hf_MARKER"
    assert token_for("https://api.github.com/repos/a/b", "https://api.github.com/repos/a/b") \
        == "gh_MARKER"
    assert token_for("https://zenodo.org/x", "https://zenodo.org/x") is None
    assert token_for(HF, "http://mirror.example/huggingface.co/api/models/x/y") is None


def test_mirror_gets_no_token_unless_the_setting_says_so(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_MARKER")
    monkeypatch.delenv("AI_NUMBERS_MIRROR_TOKENS", raising=False)
    with ReplayServer() as srv:
        client(srv.url).get(HF)
        monkeypatch.setenv("AI_NUMBERS_MIRROR_TOKENS", "1")
        client(srv.url).get(HF)
    assert "Authorization" not in srv.requests[0][1]
    assert srv.requests[1][1]["Authorization"] == "Bearer hf_MARKER"


def test_debug_log_has_requests_retries_waits_and_pages_never_the_token(monkeypatch,
                                                                         caplog):
    monkeypatch.setenv("HF_TOKEN", "hf_MARKER")
    monkeypatch.setenv("AI_NUMBERS_MIRROR_TOKENS", "1")
    with ReplayServer() as srv, caplog.at_level(logging.DEBUG, logger="pipelines.http"):
        srv.files["/huggingface.co/api/models/x/y"] = (b"{}", "application/json")
        srv.script["/huggingface.co/api/models/x/y"] = [
            (503, {"Retry-After": "0"}, b""),
            (200, {"Link": '<https://huggingface.co/api/models/x/y?p=2>; rel="next"'}, b"{}")]
        res = client(srv.url).get(HF)
    assert res.status == "fetched"
    text = caplog.text
    assert "GET http://127.0.0.1" in text and "with a bearer token" in text
    assert "retrying GET" in text and "HTTP 503" in text
    assert "Retry-After" in text and "page links" in text and 'rel="next"' in text
    assert "hf_MARKER" not in text
