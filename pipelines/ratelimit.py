"""Staying within an API's rate limit, and counting the requests a run made (per host).

- **Budgets.** An answer carrying ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` (the
  GitHub REST API: 60 calls an hour without a token, 5,000 with ``GITHUB_TOKEN``; a 304 to a
  conditional request spends none) says how many calls are left and when the budget resets
  (``X-RateLimit-Reset``, epoch seconds). Once no more than the reserve
  (``AI_NUMBERS_RATE_LIMIT_RESERVE``) remain, or after a 403 / 429 "API rate limit
  exceeded", the next calls to that API are not made until the reset: they come back
  ``deferred`` (the caller keeps its last snapshot, reports it and goes on) and the next run
  asks again. Budgets are kept per (server asked, upstream host): through the mirror, the
  mirror's own budget.
- **Usage.** Every request of the process (every source of an ``ai-numbers run``) is
  counted per upstream host (the URL's host before any mirror rewrite): answers received,
  304s among them, body bytes, failures, calls deferred, and the last budget seen
  (:class:`HttpUsage`, :data:`USAGE`).

- **Waits.** A server-requested wait (``Retry-After``) longer than the client obeys
  (:data:`MAX_WAIT_SECONDS` by default) is :class:`WaitTooLong`, raised by
  :class:`pipelines.retry.BoundedRetry`.

Pure bookkeeping, thread-safe; :class:`pipelines.http.HttpSource` feeds it.
"""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Mapping

#: Assumed budget window when a rate-limit answer gives no ``X-RateLimit-Reset`` (GitHub's
#: primary limit is per hour), seconds.
DEFAULT_WINDOW_SECONDS = 3600.0
#: Default longest server-requested wait (``Retry-After``) obeyed, seconds.
MAX_WAIT_SECONDS = 120.0
#: Counters of :class:`HostUsage` (summed by :meth:`HttpUsage.since`).
COUNTS = ("requests", "not_modified", "bytes", "failed", "deferred")


class WaitTooLong(Exception):
    """The server asked for a wait (``Retry-After``) longer than the client obeys. Not an
    ``OSError`` (as ``requests`` errors are), so it is not taken for a connection error."""

    def __init__(self, status: int, asked: float, limit: float, header: str):
        self.status, self.asked, self.limit = status, asked, limit
        super().__init__(
            f"HTTP {status}: server asked to wait {asked:.0f} s (Retry-After: {header}), "
            f"longer than the {limit:.0f} s this client waits (max_wait_seconds, "
            f"AI_NUMBERS_MAX_WAIT_SECONDS); not retried")


@dataclass
class HostUsage:
    """Requests to one upstream host: ``requests`` answers received (HTTP exchanges, 304s
    included), ``not_modified`` 304 answers, ``bytes`` response body bytes kept, ``failed``
    requests that failed (with or without an answer), ``deferred`` calls not made (or
    refused, 403) because the rate-limit budget was spent; ``rate_limit`` /
    ``rate_remaining`` / ``rate_reset`` (ISO 8601 UTC) the last budget the host reported."""

    requests: int = 0
    not_modified: int = 0
    bytes: int = 0
    failed: int = 0
    deferred: int = 0
    rate_limit: int | None = None
    rate_remaining: int | None = None
    rate_reset: str | None = None


@dataclass(frozen=True)
class Budget:
    """A rate-limit budget as an answer states it: ``limit`` calls per window (None when
    not stated), ``remaining`` calls left, ``reset_at`` epoch seconds (UTC) of the reset."""

    limit: int | None
    remaining: int
    reset_at: float

    @property
    def reset_iso(self) -> str:
        """The reset time as ``YYYY-MM-DDTHH:MM:SSZ``."""
        return datetime.fromtimestamp(self.reset_at, timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def budget_of(headers: Mapping[str, str], now: float | None = None) -> Budget | None:
    """The budget stated by ``X-RateLimit-Remaining`` (and ``-Limit``, ``-Reset``) of an
    answer's headers, or None when they are absent or not numbers. A missing reset is taken
    as :data:`DEFAULT_WINDOW_SECONDS` after ``now``."""
    remaining = _header(headers, "X-RateLimit-Remaining")
    if remaining is None or not remaining.strip().isdigit():
        return None
    limit = _header(headers, "X-RateLimit-Limit")
    reset = _header(headers, "X-RateLimit-Reset")
    now = time.time() if now is None else now
    return Budget(limit=int(limit) if limit and limit.strip().isdigit() else None,
                  remaining=int(remaining),
                  reset_at=float(reset) if reset and reset.strip().isdigit()
                  else now + DEFAULT_WINDOW_SECONDS)


def is_rate_limited(status: int | None, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether an answer is a rate-limit refusal: a 403 or 429 with
    ``X-RateLimit-Remaining: 0``, or whose body says "rate limit exceeded" (GitHub's
    ``{"message": "API rate limit exceeded for ..."}``)."""
    if status not in (403, 429):
        return False
    remaining = _header(headers, "X-RateLimit-Remaining")
    return (remaining is not None and remaining.strip() == "0") or \
        b"rate limit exceeded" in body[:4096].lower()


def deferred_message(budget: Budget, reserve: int) -> str:
    """``deferred: rate limit, N of M calls left (reserve R), resets at <UTC time>``."""
    of = f" of {budget.limit}" if budget.limit is not None else ""
    return (f"deferred: rate limit, {budget.remaining}{of} calls left (reserve {reserve}), "
            f"resets at {budget.reset_iso}; asked again by the next run")


class RateLimits:
    """The budgets last seen, per ``(server asked, upstream host)`` key."""

    def __init__(self) -> None:
        self._budgets: dict[tuple[str, str], Budget] = {}
        self._lock = threading.Lock()

    def note(self, key: tuple[str, str], budget: Budget) -> None:
        """Remember the budget an answer stated."""
        with self._lock:
            self._budgets[key] = budget

    def exhaust(self, key: tuple[str, str], budget: Budget | None,
                now: float | None = None) -> Budget:
        """Remember that the server refused for the rate limit (nothing left until the
        reset it stated, else :data:`DEFAULT_WINDOW_SECONDS`); returns that budget."""
        now = time.time() if now is None else now
        spent = Budget(limit=budget.limit if budget else None, remaining=0,
                       reset_at=budget.reset_at if budget else now + DEFAULT_WINDOW_SECONDS)
        self.note(key, spent)
        return spent

    def deferral(self, key: tuple[str, str], reserve: int,
                 now: float | None = None) -> str | None:
        """Why a call under ``key`` must wait (:func:`deferred_message`), or None. A budget
        whose reset time has passed is forgotten."""
        now = time.time() if now is None else now
        with self._lock:
            budget = self._budgets.get(key)
            if budget is None:
                return None
            if budget.reset_at <= now:
                del self._budgets[key]
                return None
        return deferred_message(budget, reserve) if budget.remaining <= reserve else None

    def budget(self, key: tuple[str, str]) -> Budget | None:
        """The last budget seen under ``key``, or None."""
        with self._lock:
            return self._budgets.get(key)

    def clear(self) -> None:
        with self._lock:
            self._budgets.clear()


class HttpUsage:
    """Per upstream host :class:`HostUsage` of this process; :meth:`snapshot` and
    :meth:`since` give plain dicts ``{host: {counter: value}}`` (JSON-ready)."""

    def __init__(self) -> None:
        self._hosts: dict[str, HostUsage] = {}
        self._lock = threading.Lock()

    def record(self, host: str, *, answered: bool, status: str, nbytes: int = 0,
               budget: Budget | None = None) -> None:
        """Count one request to ``host``: ``answered`` when an HTTP answer came back;
        ``status`` the client's outcome (``fetched``, ``not_modified``, ``failed``,
        ``deferred``); ``nbytes`` the body bytes kept; ``budget`` the budget stated."""
        with self._lock:
            usage = self._hosts.setdefault(host, HostUsage())
            usage.requests += answered
            usage.not_modified += status == "not_modified"
            usage.failed += status == "failed"
            usage.deferred += status == "deferred"
            usage.bytes += nbytes
            if budget is not None:
                usage.rate_limit, usage.rate_remaining = budget.limit, budget.remaining
                usage.rate_reset = budget.reset_iso

    def snapshot(self) -> dict[str, dict]:
        """Every host's counters so far."""
        with self._lock:
            return {host: asdict(u) for host, u in sorted(self._hosts.items())}

    def since(self, before: dict[str, dict]) -> dict[str, dict]:
        """The requests made after ``before`` (an earlier :meth:`snapshot`): counters as
        differences, the budget as last seen; hosts with no request since left out."""
        out = {}
        for host, now in self.snapshot().items():
            then = before.get(host, {})
            delta = {k: now[k] - then.get(k, 0) for k in COUNTS}
            if any(delta.values()):
                out[host] = {**delta, **{k: now[k] for k in now if k not in COUNTS}}
        return out

    def reset(self) -> None:
        with self._lock:
            self._hosts.clear()


#: The budgets seen by this process (every :class:`pipelines.http.HttpSource`).
RATE_LIMITS = RateLimits()
#: The requests made by this process, per upstream host.
USAGE = HttpUsage()


def usage_lines(usage: dict[str, dict]) -> list[str]:
    """One line per host of a usage dict (:meth:`HttpUsage.since`): ``api.github.com: 11
    calls (9 answered 304), 0.1 MB, 2 deferred (budget 3 of 60, resets at ...)``."""
    lines = []
    for host, u in sorted(usage.items()):
        parts = [f"{u['requests']} call(s) ({u['not_modified']} answered 304)",
                 f"{u['bytes'] / 1e6:.1f} MB"]
        if u.get("failed"):
            parts.append(f"{u['failed']} failed")
        if u.get("deferred"):
            parts.append(f"{u['deferred']} deferred")
        line = f"{host}: {', '.join(parts)}"
        if u.get("rate_remaining") is not None:
            of = f" of {u['rate_limit']}" if u.get("rate_limit") is not None else ""
            line += f" (budget left: {u['rate_remaining']}{of}, resets at {u['rate_reset']})"
        lines.append(line)
    return lines
