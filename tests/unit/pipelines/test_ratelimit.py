"""Tests of pipelines/ratelimit.py: budgets read from X-RateLimit-* headers, deferral until
the reset (clock injected), rate-limit refusals told apart from other 403s, and the
per-host request counts."""
from __future__ import annotations

from pipelines.ratelimit import (
    DEFAULT_WINDOW_SECONDS,
    Budget,
    HttpUsage,
    RateLimits,
    budget_of,
    is_rate_limited,
    usage_lines,
)

KEY = ("127.0.0.1:8765", "api.github.com")
#: 2025-01-28T00:00:00Z, the article's date, as epoch seconds.
NOW = 1738022400.0


def test_budget_is_read_from_github_headers_in_any_case():
    budget = budget_of({"x-ratelimit-limit": "60", "X-RateLimit-Remaining": "7",
                        "X-RATELIMIT-RESET": str(int(NOW) + 600)}, now=NOW)
    assert budget == Budget(limit=60, remaining=7, reset_at=NOW + 600)
    assert budget.reset_iso == "2025-01-28T00:10:00Z"


def test_no_or_garbled_budget_headers_give_none_and_a_missing_reset_a_default_window():
    assert budget_of({}) is None
    assert budget_of({"X-RateLimit-Remaining": "lots"}) is None
    budget = budget_of({"X-RateLimit-Remaining": "3"}, now=NOW)
    assert budget.limit is None and budget.reset_at == NOW + DEFAULT_WINDOW_SECONDS


def test_rate_limit_refusals_are_told_apart_from_other_403s():
    github_body = b'{"message": "API rate limit exceeded for 1.2.3.4."}'
    assert is_rate_limited(403, {}, github_body)
    assert is_rate_limited(429, {"X-RateLimit-Remaining": "0"}, b"")
    assert not is_rate_limited(403, {"X-RateLimit-Remaining": "12"}, b"Forbidden")
    assert not is_rate_limited(404, {"X-RateLimit-Remaining": "0"}, github_body)


def test_calls_wait_once_the_budget_is_down_to_the_reserve_until_the_reset():
    limits = RateLimits()
    assert limits.deferral(KEY, reserve=2, now=NOW) is None          # nothing known yet
    limits.note(KEY, Budget(limit=60, remaining=3, reset_at=NOW + 600))
    assert limits.deferral(KEY, reserve=2, now=NOW) is None          # 3 left > reserve 2
    limits.note(KEY, Budget(limit=60, remaining=2, reset_at=NOW + 600))
    why = limits.deferral(KEY, reserve=2, now=NOW)
    assert why.startswith("deferred: rate limit, 2 of 60 calls left (reserve 2)")
    assert "resets at 2025-01-28T00:10:00Z" in why
    assert limits.deferral(("other:1", "api.github.com"), reserve=2, now=NOW) is None
    assert limits.deferral(KEY, reserve=2, now=NOW + 600) is None    # reset passed: ask again
    assert limits.budget(KEY) is None


def test_a_refusal_spends_the_budget_until_the_stated_or_assumed_reset():
    limits = RateLimits()
    spent = limits.exhaust(KEY, Budget(limit=60, remaining=5, reset_at=NOW + 60), now=NOW)
    assert spent.remaining == 0 and spent.reset_at == NOW + 60
    assert limits.deferral(KEY, reserve=0, now=NOW + 59) is not None
    limits.exhaust(KEY, None, now=NOW)                               # no headers at all
    assert limits.deferral(KEY, reserve=0, now=NOW + DEFAULT_WINDOW_SECONDS - 1) is not None
    assert limits.deferral(KEY, reserve=0, now=NOW + DEFAULT_WINDOW_SECONDS) is None


def test_usage_counts_per_host_and_since_gives_the_difference():
    usage = HttpUsage()
    usage.record("api.github.com", answered=True, status="fetched", nbytes=1000)
    before = usage.snapshot()
    usage.record("api.github.com", answered=True, status="not_modified",
                 budget=Budget(limit=60, remaining=59, reset_at=NOW))
    usage.record("api.github.com", answered=False, status="deferred")
    usage.record("raw.githubusercontent.com", answered=True, status="fetched", nbytes=2_500_000)
    usage.record("huggingface.co", answered=True, status="failed")
    since = usage.since(before)
    assert since["api.github.com"] == {
        "requests": 1, "not_modified": 1, "bytes": 0, "failed": 0, "deferred": 1,
        "rate_limit": 60, "rate_remaining": 59, "rate_reset": "2025-01-28T00:00:00Z"}
    assert since["raw.githubusercontent.com"]["bytes"] == 2_500_000
    assert since["huggingface.co"]["failed"] == 1
    lines = usage_lines(since)
    assert lines[0].startswith("api.github.com: 1 call(s) (1 answered 304), 0.0 MB, "
                               "1 deferred (budget left: 59 of 60")
    assert "2.5 MB" in lines[2]
    usage.reset()
    assert usage.snapshot() == {}
