"""A loopback replay server for an upstream mirror folder (``shared/upstream`` layout).

Usage: ``python -m tools.replay ../shared/upstream [--port 8765]`` then run the pipeline
with ``AI_NUMBERS_UPSTREAM_MIRROR=http://127.0.0.1:8765 AI_NUMBERS_MODE=live``.

Behaviour (the mirror contract of ``shared/upstream/README.md``): a request for
``/{host}/{path}?{query}`` is answered from the ``index.tsv`` row with that host and path
whose query parameters are all present in the request with the same values (extra request
parameters are ignored; the most specific row wins). A JSON array asked for with ``page``
greater than 1 answers ``[]``. Every body has an ``ETag`` (sha256 of the body) and
``If-None-Match`` answers 304. A URL without a row answers 404.

Rate limit (``budget``, ``--budget N``; off by default): requests to a metered host
(``api.github.com``) answer with ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Used`` /
``-Reset`` (epoch seconds, ``reset_seconds`` after the server started) as the GitHub API
does; each answer but a 304 spends one call, and once none is left every request answers 403
``{"message": "API rate limit exceeded for 127.0.0.1. ..."}`` with ``X-RateLimit-Remaining:
0``, until the reset.

For fault tests, :class:`ReplayServer` also takes scripted responses: ``script[path]`` is a
list of ``(status, headers, body)`` served, in order, before the index is consulted; and
replaced bodies: ``files[path]`` (any query) or ``files["path?name=value"]`` (only requests
with those query parameters; checked first) is ``(body, content type)``.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


class ReplayIndex:
    """The rows of an upstream ``index.tsv``: ``url, file, content_type, note``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.rows: dict[str, list[tuple[dict, Path, str]]] = defaultdict(list)
        with (self.root / "index.tsv").open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                parts = urlsplit(row["url"])
                key = f"/{parts.netloc}{parts.path}"
                self.rows[key].append((dict(parse_qsl(parts.query)), self.root / row["file"],
                                       row.get("content_type") or "application/octet-stream"))

    def lookup(self, path: str, query: dict) -> tuple[Path, str] | None:
        """The file and content type for a request, or None (404)."""
        best = None
        for params, file, ctype in self.rows.get(path, []):
            if all(query.get(k) == v for k, v in params.items()):
                if best is None or len(params) > len(best[0]):
                    best = (params, file, ctype)
        return None if best is None else (best[1], best[2])


#: Hosts whose requests a budgeted replay meters (as GitHub meters its REST API).
METERED_HOSTS = ("api.github.com",)


class RateBudget:
    """The calls left to metered hosts: ``limit`` per window, reset at ``reset_at`` (epoch
    seconds); thread-safe."""

    def __init__(self, limit: int, reset_seconds: float = 3600.0):
        self.limit, self.remaining = limit, limit
        self.reset_seconds = reset_seconds
        self.reset_at = int(time.time() + reset_seconds)
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Spend one call; False (nothing spent) when none is left before the reset."""
        with self._lock:
            if time.time() >= self.reset_at:
                self.remaining = self.limit
                self.reset_at = int(time.time() + self.reset_seconds)
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True

    def refund(self) -> None:
        """Give back a call (an answer that spends none: 304)."""
        with self._lock:
            self.remaining = min(self.limit, self.remaining + 1)

    def headers(self) -> dict[str, str]:
        with self._lock:
            return {"X-RateLimit-Limit": str(self.limit),
                    "X-RateLimit-Remaining": str(self.remaining),
                    "X-RateLimit-Used": str(self.limit - self.remaining),
                    "X-RateLimit-Reset": str(self.reset_at),
                    "X-RateLimit-Resource": "core"}


RATE_LIMITED_BODY = (b'{"message": "API rate limit exceeded for 127.0.0.1. (But here\'s the good '
                     b'news: Authenticated requests get a higher rate limit.)", '
                     b'"documentation_url": "https://docs.github.com/rest/overview/'
                     b'resources-in-the-rest-api#rate-limiting"}')


class ReplayServer:
    """A threaded HTTP server on 127.0.0.1 serving an upstream folder; a context manager.

    ``requests`` records every request as ``(path_with_query, headers)``; ``sent`` counts
    the response body bytes sent (all requests; reset it to measure a stretch); ``script`` holds
    scripted responses per path (see module docstring); ``budget`` (calls per
    ``reset_seconds`` to :data:`METERED_HOSTS`; None: unmetered) turns the rate limit on,
    its state in ``rate`` (:class:`RateBudget`).
    """

    def __init__(self, root: Path | None = None, port: int = 0, budget: int | None = None,
                 reset_seconds: float = 3600.0):
        self.rate = RateBudget(budget, reset_seconds) if budget is not None else None
        self.index = ReplayIndex(root) if root is not None else None
        self.script: dict[str, list[tuple[int, dict, bytes]]] = defaultdict(list)
        self.requests: list[tuple[str, dict]] = []
        self.sent = 0
        self.files: dict[str, tuple[bytes, str]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):  # noqa: N802 (http.server API)
                server.requests.append((self.path, dict(self.headers)))
                parts = urlsplit(self.path)
                if server.script.get(parts.path):
                    status, headers, body = server.script[parts.path].pop(0)
                    return self._send(status, headers, body)
                metered = server.rate is not None and \
                    parts.path.lstrip("/").split("/", 1)[0] in METERED_HOSTS
                if metered and not server.rate.take():
                    return self._send(403, {"Content-Type": "application/json"},
                                      RATE_LIMITED_BODY, metered)
                found = server._resolve(parts.path, dict(parse_qsl(parts.query)))
                if found is None:
                    return self._send(404, {"Content-Type": "text/plain"}, b"404: Not Found",
                                      metered)
                body, ctype = found
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                if self.headers.get("If-None-Match") == etag:
                    if metered:
                        server.rate.refund()  # a 304 spends no call
                    return self._send(304, {"ETag": etag}, b"", metered)
                return self._send(200, {"Content-Type": ctype, "ETag": etag}, body, metered)

            def _send(self, status, headers, body, metered=False):
                self.send_response(status)
                if metered:
                    headers = {**headers, **server.rate.headers()}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
                    server.sent += len(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _resolve(self, path: str, query: dict) -> tuple[bytes, str] | None:
        for key, answer in self.files.items():       # "/path?name=value": that query only
            key_path, _, key_query = key.partition("?")
            if key_query and key_path == path and all(
                    query.get(k) == v for k, v in parse_qsl(key_query)):
                return answer
        if path in self.files:
            return self.files[path]
        if self.index is None:
            return None
        hit = self.index.lookup(path, query)
        if hit is None:
            return None
        file, ctype = hit
        body = file.read_bytes()
        if int(query.get("page", "1") or 1) > 1 and "json" in ctype:
            try:
                if isinstance(json.loads(body), list):
                    body = b"[]"
            except ValueError:
                pass
        return body, ctype

    def __enter__(self) -> "ReplayServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.replay")
    parser.add_argument("root", type=Path, help="upstream folder with index.tsv and files/")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--budget", type=int, default=None,
                        help="calls per hour to api.github.com before 403 (default: unmetered)")
    args = parser.parse_args()
    with ReplayServer(args.root, args.port, budget=args.budget) as srv:
        print(f"replaying {args.root} at {srv.url} (Ctrl-C to stop)", flush=True)
        try:
            srv.thread.join()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
