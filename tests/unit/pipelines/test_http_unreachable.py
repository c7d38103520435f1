"""A host that does not resolve or refuses fails at once, with its cause in one line, and is
not asked again in the run (pipelines/http.py). Real sockets on loopback; ``.invalid`` names
never resolve (RFC 2606)."""
from __future__ import annotations

import socket

import pytest
from urllib3.exceptions import (
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)

from pipelines import http as http_mod
from pipelines.http import HttpSource, unreachable_cause
from pipelines.retry import BoundedRetry


@pytest.fixture(autouse=True)
def fresh_hosts(monkeypatch):
    monkeypatch.setattr(http_mod, "_UNRESPONSIVE", {})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_refused_connection_is_one_line_and_not_asked_again():
    mirror = f"http://127.0.0.1:{closed_port()}"
    client = HttpSource(mirror=mirror, retries=4)
    first = client.get("https://zenodo.org/records/1/files/a.zip")
    host = mirror.removeprefix("http://")
    assert first.status == "failed" and first.error == f"{host}: connection refused"
    second = client.get("https://huggingface.co/api/models/x")  # same (mirror) host
    assert second.status == "failed" and second.error.startswith(f"{host}: connection refused")
    assert "not asked again in this run" in second.error and "\n" not in second.error


def test_name_that_does_not_resolve_is_named():
    client = HttpSource(mirror="http://nonexistent.invalid:1", retries=4)
    res = client.get("https://zenodo.org/records/1/files/a.zip")
    assert res.status == "failed"
    assert res.error == "nonexistent.invalid:1: name does not resolve"


def test_retry_gives_up_at_once_on_a_new_connection_error_only():
    retry = BoundedRetry(total=4, connect=4, read=1)
    refused = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] "
                                       "Connection refused")
    with pytest.raises(MaxRetryError):
        retry.increment("GET", "/x", error=refused)
    unresolved = NameResolutionError("nonexistent.invalid", None, socket.gaierror(-2, "x"))
    with pytest.raises(MaxRetryError):
        retry.increment("GET", "/x", error=unresolved)
    timeout = ReadTimeoutError(None, "/x", "read timed out")
    assert retry.increment("GET", "/x", error=timeout).total == 3  # other errors: retried


def test_unreachable_cause_is_none_for_other_errors():
    assert unreachable_cause("h", ValueError("something else")) is None
    assert unreachable_cause("h", ConnectionRefusedError(111, "refused")) == \
        "h: connection refused"
