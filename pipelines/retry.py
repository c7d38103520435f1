"""The retry policy of :class:`pipelines.http.HttpSource`: urllib3's ``Retry``, bounded.

A module of its own so that urllib3 is imported when a session is built, not when the
definitions load (README, "Performance").
"""
from __future__ import annotations

import logging
import time

from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.util.retry import Retry

from pipelines.ratelimit import MAX_WAIT_SECONDS, WaitTooLong

log = logging.getLogger("pipelines.http")  # the HTTP client's log, as before


class BoundedRetry(Retry):
    """urllib3 ``Retry`` whose server-requested waits (``Retry-After``, seconds or an HTTP
    date) are bounded by ``max_wait_seconds``: a longer one raises :class:`WaitTooLong`
    at once instead of sleeping. A name that does not resolve or a refused connection (no
    network, a host that is gone) is not retried: that only costs time. Retries and waits
    are logged at debug level."""

    def __init__(self, *args, max_wait_seconds: float = MAX_WAIT_SECONDS, **kwargs):
        kwargs.setdefault("retry_after_max", 10**9)  # the true wait asked; bounded below
        super().__init__(*args, **kwargs)
        self.max_wait_seconds = max_wait_seconds

    def new(self, **kw):
        new = super().new(**kw)
        new.max_wait_seconds = self.max_wait_seconds
        return new

    def increment(self, method=None, url=None, response=None, error=None, _pool=None,
                  _stacktrace=None):
        if isinstance(error, NewConnectionError):  # NameResolutionError is one too
            raise MaxRetryError(_pool, url, error) from error
        status = response.status if response is not None else None
        log.debug("retrying %s %s after %s (%d retries used)", method, url,
                  f"HTTP {status}" if status else type(error).__name__, len(self.history) + 1)
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep_for_retry(self, response) -> bool:
        asked = self.get_retry_after(response)
        if asked is None:
            return False
        if asked > self.max_wait_seconds:
            raise WaitTooLong(response.status, asked, self.max_wait_seconds,
                              response.headers.get("Retry-After", ""))
        log.debug("server asked to wait %.1f s (Retry-After); waiting", asked)
        time.sleep(asked)
        return True

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            log.debug("backing off %.1f s before the next try", backoff)
        super()._sleep_backoff()
