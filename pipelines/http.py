"""The one HTTP client for every upstream source (a ``requests.Session`` with urllib3 retries).

``HF_TOKEN`` and ``GITHUB_TOKEN`` are optional, sent to their hosts only, never logged or stored.
Rate limits (``X-RateLimit-*``, GitHub's 403 "API rate limit exceeded") defer the rest of a
host's calls to the next run, and every request is counted per host
(:mod:`pipelines.ratelimit`).
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dagster import ConfigurableResource

if TYPE_CHECKING:  # annotations only: requests is imported when a request is made
    import requests

from pipelines.ratelimit import (
    MAX_WAIT_SECONDS,
    RATE_LIMITS,
    USAGE,
    WaitTooLong,
    budget_of,
    deferred_message,
    is_rate_limited,
)
from pipelines.settings import (
    env_max_wait_seconds,
    env_mirror,
    env_mirror_tokens,
    env_rate_limit_reserve,
)

#: Debug: each request (URL, whether a token is sent, never the token), each retry, each
#: server-requested wait and each page link; warnings: a wait refused as too long.
log = logging.getLogger("pipelines.http")


USER_AGENT = (
    "ai-numbers/0.1 (reproducible data pipeline re-checking a news article's AI figures; "
    "python-requests)"
)
MODES = ("offline", "live")
#: Host -> environment variable of an optional bearer token for it.
TOKEN_ENV_BY_HOST = {
    "huggingface.co": "HF_TOKEN",
    "api.github.com": "GITHUB_TOKEN",
}



def mirror_url(url: str, mirror: str | None) -> str:
    """Rewrite ``https://{host}/{path}?{query}`` to ``{mirror}/{host}/{path}?{query}``."""
    if not mirror:
        return url
    parts = urlsplit(url)
    out = f"{mirror.rstrip('/')}/{parts.netloc}{parts.path}"
    return f"{out}?{parts.query}" if parts.query else out


@dataclass
class FetchResult:
    """The outcome of one GET.

    ``status`` is ``fetched`` (200 with a body), ``not_modified`` (304), ``deferred`` (not
    sent, or refused with a 403 / 429 "rate limit exceeded": the host's rate-limit budget is
    spent down to the reserve until the reset named in ``error``) or ``failed``
    (transport error, non-2xx after retries, or a body over the size limit). ``http_status``
    is the last HTTP status (None on a transport error). ``body`` is the raw bytes when
    fetched; ``link`` the ``Link`` header (pagination). ``error`` says what went wrong,
    with no credentials in it.
    """

    url: str
    requested_url: str
    status: str
    http_status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    link: str | None = None
    error: str | None = None


#: Host -> (monotonic time it last timed out, refused or did not resolve; that error in one
#: line); such a host is not asked again for :data:`UNRESPONSIVE_SECONDS` by this process
#: (every source of an ``ai-numbers run``).
_UNRESPONSIVE: dict[str, tuple[float, str]] = {}
UNRESPONSIVE_SECONDS = 600.0


def unreachable_cause(host: str, exc: BaseException) -> str | None:
    """``"<host>: name does not resolve"`` or ``"<host>: connection refused"`` when ``exc``
    (a requests or urllib3 error, possibly wrapping others) is one of those, else None."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    seen: set[int] = set()
    stack = [exc]
    while stack:
        err = stack.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, NameResolutionError):
            return f"{host}: name does not resolve"
        if isinstance(err, ConnectionRefusedError) or (
                isinstance(err, NewConnectionError) and "refused" in str(err).lower()):
            return f"{host}: connection refused"
        stack.extend(e for e in (getattr(err, "reason", None), *err.args, err.__cause__,
                                 err.__context__) if isinstance(e, BaseException))
    return None


class HttpSource(ConfigurableResource):
    """The one HTTP client for every upstream source (a ``requests.Session``).

    Retries with exponential backoff on 429 and 5xx, honouring ``Retry-After``
    (urllib3 ``Retry``); connect and read timeouts (seconds) with one retry of a read
    timeout, and a host that timed out or refused is not asked again for ten minutes by the
    same process, so a hanging server costs one timeout, not one per URL; a maximum body
    size (bytes; the download is cut and reported ``failed`` beyond it); conditional GET from
    the previous snapshot's ``ETag`` / ``Last-Modified``; an honest User-Agent; optional
    bearer tokens from the environment (``HF_TOKEN`` for huggingface.co, ``GITHUB_TOKEN`` for
    api.github.com) that never appear in results, logs or files and go to the upstream
    mirror only with ``AI_NUMBERS_MIRROR_TOKENS=1`` (:func:`token_for`); and the
    upstream-mirror rewrite (``mirror``, default ``AI_NUMBERS_UPSTREAM_MIRROR``).
    A server-requested wait longer than ``max_wait_seconds`` fails the request at once
    (:class:`pipelines.retry.BoundedRetry`), its error naming the wait asked for. Rate limits
    (:mod:`pipelines.ratelimit`): once a host's ``X-RateLimit-Remaining`` is down to
    ``rate_limit_reserve`` (or after its 403 "API rate limit exceeded"), its further calls
    come back ``deferred`` without a request until ``X-RateLimit-Reset``; every request is
    counted per upstream host in :data:`pipelines.ratelimit.USAGE`. Logs to the ``logging``
    logger ``pipelines.http`` (debug: requests, retries, waits, page links).
    """

    mirror: str | None = None
    connect_timeout_seconds: float = 10.0
    timeout_seconds: float = 60.0
    retries: int = 4
    read_retries: int = 1
    backoff_factor: float = 0.5
    backoff_max_seconds: float = 30.0
    max_body_bytes: int = 256 * 1024 * 1024
    #: Longest ``Retry-After`` obeyed (seconds); 0 means ``AI_NUMBERS_MAX_WAIT_SECONDS``,
    #: else :data:`MAX_WAIT_SECONDS`. A longer one fails the request at once.
    max_wait_seconds: float = 0.0
    #: Calls of a rate-limited API's budget left unused; -1 means
    #: ``AI_NUMBERS_RATE_LIMIT_RESERVE`` (default 5).
    rate_limit_reserve: int = -1

    def effective_reserve(self) -> int:
        return self.rate_limit_reserve if self.rate_limit_reserve >= 0 else \
            env_rate_limit_reserve()

    def effective_max_wait(self) -> float:
        return self.max_wait_seconds or env_max_wait_seconds() or MAX_WAIT_SECONDS

    def effective_mirror(self) -> str | None:
        return self.mirror.rstrip("/") if self.mirror else env_mirror()

    def session(self) -> requests.Session:
        """A session with the retry policy mounted for http and https."""
        # urllib3 is imported here, not when the definitions load
        from pipelines.retry import BoundedRetry

        retry = BoundedRetry(
            max_wait_seconds=self.effective_max_wait(),
            total=self.retries,
            connect=self.retries,
            read=min(self.read_retries, self.retries),
            status=self.retries,
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max_seconds,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        import requests  # imported when a request is made, not to load the definitions
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        return session

    def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        session: requests.Session | None = None,
    ) -> FetchResult:
        """GET ``url`` (through the mirror when set). Never raises for HTTP or network
        errors: they come back as ``status='failed'`` with ``error`` set; a call over the
        rate-limit budget comes back ``deferred``. Counted in
        :data:`pipelines.ratelimit.USAGE` under ``url``'s host."""
        target = mirror_url(url, self.effective_mirror())
        key = (urlsplit(target).netloc, urlsplit(url).netloc)
        reserve = self.effective_reserve()
        why = RATE_LIMITS.deferral(key, reserve)
        if why:
            log.debug("GET %s %s", target, why)
            result = FetchResult(url=url, requested_url=target, status="deferred", error=why)
        else:
            result = self._exchange(url, target, etag, last_modified, session, key, reserve)
        USAGE.record(key[1], answered=result.http_status is not None, status=result.status,
                     nbytes=len(result.body or b""), budget=RATE_LIMITS.budget(key))
        return result

    def _exchange(self, url: str, target: str, etag: str | None, last_modified: str | None,
                  session: requests.Session | None, key: tuple[str, str],
                  reserve: int) -> FetchResult:
        """One GET of ``target`` (for ``url``) and its outcome (see :meth:`get`)."""
        import requests

        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        token = token_for(url, target)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        log.debug("GET %s%s%s", target, f" (for {url})" if target != url else "",
                  " with a bearer token" if token else "")
        own = session is None
        session = session or self.session()
        result = FetchResult(url=url, requested_url=target, status="failed")
        host = urlsplit(target).netloc
        since, cause = _UNRESPONSIVE.get(host, (None, ""))
        if since is not None and time.monotonic() - since < UNRESPONSIVE_SECONDS:
            result.error = (f"{cause} ({time.monotonic() - since:.0f} s ago); "
                            "not asked again in this run")
            return result
        try:
            with session.get(target, headers=headers,
                             timeout=(self.connect_timeout_seconds, self.timeout_seconds),
                             stream=True) as resp:
                result.http_status = resp.status_code
                result.content_type = resp.headers.get("Content-Type")
                result.etag = resp.headers.get("ETag")
                result.last_modified = resp.headers.get("Last-Modified")
                result.link = resp.headers.get("Link")
                budget = budget_of(resp.headers)
                if budget is not None:
                    RATE_LIMITS.note(key, budget)
                if resp.status_code in (403, 429) and is_rate_limited(
                        resp.status_code, resp.headers, resp.raw.read(4096, decode_content=True)):
                    spent = RATE_LIMITS.exhaust(key, budget)
                    result.status = "deferred"
                    result.error = (f"HTTP {resp.status_code} API rate limit exceeded; "
                                    f"{deferred_message(spent, reserve)}")
                    log.warning("GET %s: %s", target, result.error)
                    return result
                if resp.status_code == 304:
                    result.status = "not_modified"
                    return result
                if result.link:
                    log.debug("page links of %s: %s", target, result.link)
                if not 200 <= resp.status_code < 300:
                    result.error = _status_error(resp)
                    log.debug("GET %s failed: %s", target, result.error)
                    return result
                return self._read_body(resp, result)
        except WaitTooLong as exc:
            result.error = _scrub(str(exc), token)
            result.http_status = exc.status
            log.warning("GET %s: %s", target, result.error)
            return result
        except requests.RequestException as exc:
            cause = unreachable_cause(host, exc)
            result.error = cause or _scrub(f"{type(exc).__name__}: {exc}", token)
            log.debug("GET %s failed: %s", target, result.error)
            if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
                # hangs, refuses or does not resolve: fail fast for the rest of the run
                _UNRESPONSIVE[host] = (time.monotonic(), cause or f"{host} did not answer")
            return result
        finally:
            if own:
                session.close()


    def _read_body(self, resp, result: FetchResult) -> FetchResult:
        """Stream the body of a 2xx ``resp`` into ``result``, stopped at
        ``max_body_bytes`` (declared or actual size): ``fetched``, or ``failed`` saying so."""
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            result.error = (f"body of {declared} bytes exceeds the limit of "
                            f"{self.max_body_bytes} bytes")
            return result
        chunks, size = [], 0
        for chunk in resp.iter_content(chunk_size=1 << 16):
            size += len(chunk)
            if size > self.max_body_bytes:
                result.error = (f"body exceeds the limit of {self.max_body_bytes} "
                                "bytes; download stopped")
                return result
            chunks.append(chunk)
        result.body = b"".join(chunks)
        result.status = "fetched"
        log.debug("GET %s: HTTP %s, %d bytes", result.requested_url, resp.status_code, size)
        return result


def token_for(url: str, target: str) -> str | None:
    """The bearer token to send with a GET of ``url`` requested at ``target``, or None.

    A token belongs to one host (:data:`TOKEN_ENV_BY_HOST`): it is sent only when ``url``'s
    host is that host, and, when ``target`` is another host (the upstream mirror), only when
    ``AI_NUMBERS_MIRROR_TOKENS=1`` says the mirror may have it."""
    token_env = TOKEN_ENV_BY_HOST.get(urlsplit(url).netloc)
    if not token_env:
        return None
    if urlsplit(target).netloc != urlsplit(url).netloc and not env_mirror_tokens():
        return None
    return os.environ.get(token_env) or None


def _status_error(resp: requests.Response) -> str:
    """``HTTP 429 Too Many Requests`` plus the wait the server asked for, if any."""
    text = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
    asked = resp.headers.get("Retry-After")
    return f"{text} (server asked to wait: Retry-After: {asked})" if asked else text


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


