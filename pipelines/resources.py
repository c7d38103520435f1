"""Infrastructure resources: settings, the one HTTP client for every source, the snapshot store.

Settings come from the environment (documented in the README):

- ``AI_NUMBERS_DATA_DIR``: where snapshots, status and published tables live (default ``./data``).
- ``AI_NUMBERS_MODE``: ``offline`` (default: newest local snapshot, else the bundled reference
  figures) or ``live`` (fetch every registered source first).
- ``AI_NUMBERS_UPSTREAM_MIRROR``: base URL; every request for ``https://{host}/{path}?{query}``
  goes to ``{mirror}/{host}/{path}?{query}`` instead (``shared/upstream/README.md``).
- ``HF_TOKEN``, ``GITHUB_TOKEN``: optional, sent to their hosts only, never logged or stored.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import requests
from dagster import ConfigurableResource
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

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


class SettingsError(ValueError):
    """An ``AI_NUMBERS_*`` environment variable has a value the pipeline cannot use."""


def env_mode() -> str:
    """``AI_NUMBERS_MODE`` (``offline`` when unset). Raises SettingsError on other values."""
    mode = os.environ.get("AI_NUMBERS_MODE", "offline").strip().lower() or "offline"
    if mode not in MODES:
        raise SettingsError(f"AI_NUMBERS_MODE={mode!r}: expected one of {MODES}")
    return mode


def env_data_dir() -> str:
    """``AI_NUMBERS_DATA_DIR`` as an absolute path (default ``./data``)."""
    return str(Path(os.environ.get("AI_NUMBERS_DATA_DIR") or "data").resolve())


def env_mirror() -> str | None:
    """``AI_NUMBERS_UPSTREAM_MIRROR`` without a trailing slash, or None."""
    value = (os.environ.get("AI_NUMBERS_UPSTREAM_MIRROR") or "").strip().rstrip("/")
    if not value:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a port out of range)
    except ValueError as exc:
        raise SettingsError(f"AI_NUMBERS_UPSTREAM_MIRROR={value!r}: not a URL ({exc})") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"AI_NUMBERS_UPSTREAM_MIRROR={value!r}: not an http(s) URL")
    return value


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

    ``status`` is ``fetched`` (200 with a body), ``not_modified`` (304) or ``failed``
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


#: Host -> monotonic time it last timed out or refused; such a host is not asked again for
#: :data:`UNRESPONSIVE_SECONDS` by this process (every source of a ``make run``).
_UNRESPONSIVE: dict[str, float] = {}
UNRESPONSIVE_SECONDS = 600.0


class HttpSource(ConfigurableResource):
    """The one HTTP client for every upstream source (a ``requests.Session``).

    Retries with exponential backoff on 429 and 5xx, honouring ``Retry-After``
    (urllib3 ``Retry``); connect and read timeouts (seconds) with one retry of a read
    timeout, and a host that timed out or refused is not asked again for ten minutes by the
    same process, so a hanging server costs one timeout, not one per URL; a maximum body
    size (bytes; the download is cut and reported ``failed`` beyond it); conditional GET from
    the previous snapshot's ``ETag`` / ``Last-Modified``; an honest User-Agent; optional
    bearer tokens from the environment (``HF_TOKEN`` for huggingface.co, ``GITHUB_TOKEN`` for
    api.github.com) that never appear in results, logs or files; and the upstream-mirror
    rewrite (``mirror``, default ``AI_NUMBERS_UPSTREAM_MIRROR``).
    """

    mirror: str | None = None
    connect_timeout_seconds: float = 10.0
    timeout_seconds: float = 60.0
    retries: int = 4
    read_retries: int = 1
    backoff_factor: float = 0.5
    backoff_max_seconds: float = 30.0
    max_body_bytes: int = 256 * 1024 * 1024

    def effective_mirror(self) -> str | None:
        return self.mirror.rstrip("/") if self.mirror else env_mirror()

    def session(self) -> requests.Session:
        """A session with the retry policy mounted for http and https."""
        retry = Retry(
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
        errors: they come back as ``status='failed'`` with ``error`` set."""
        target = mirror_url(url, self.effective_mirror())
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        token_env = TOKEN_ENV_BY_HOST.get(urlsplit(url).netloc)
        token = os.environ.get(token_env) if token_env else None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        own = session is None
        session = session or self.session()
        result = FetchResult(url=url, requested_url=target, status="failed")
        host = urlsplit(target).netloc
        since = _UNRESPONSIVE.get(host)
        if since is not None and time.monotonic() - since < UNRESPONSIVE_SECONDS:
            result.error = (f"{host} did not answer a request {time.monotonic() - since:.0f} s "
                            "ago; not asked again for now")
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
                if resp.status_code == 304:
                    result.status = "not_modified"
                    return result
                if not 200 <= resp.status_code < 300:
                    result.error = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
                    return result
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
                return result
        except requests.RequestException as exc:
            result.error = _scrub(f"{type(exc).__name__}: {exc}", token)
            if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
                _UNRESPONSIVE[host] = time.monotonic()  # hangs or refuses: fail fast for now
            return result
        finally:
            if own:
                session.close()


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


# --- snapshot store -----------------------------------------------------------------------

@dataclass
class SnapshotRecord:
    """The JSON record beside each snapshot body.

    ``retrieved_at`` is UTC ISO-8601; ``sha256`` the hex digest of the body; ``bytes`` its
    size; ``file`` the body's path relative to the snapshot root.
    """

    source_id: str
    stream: str
    url: str
    retrieved_at: str
    sha256: str
    bytes: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    license: str | None
    file: str
    http_status: int | None = None
    extra: dict = field(default_factory=dict)


class SnapshotStore:
    """Raw bytes exactly as fetched, content-addressed, under ``<data_dir>/snapshots``.

    Layout: ``snapshots/<stream>/<sha256>/body`` and ``record.json`` beside it, where
    ``stream`` is the source id (or ``<source id>/<sub key>`` for a source with several
    URLs, e.g. one per Hub repo). A new snapshot is recorded only when the bytes differ
    from the stream's newest; files are written to a temporary name and atomically
    renamed, so a reader never sees half a body.
    """

    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir) / "snapshots"

    def _dir(self, stream: str) -> Path:
        safe = "/".join(part.replace("..", "_") for part in stream.split("/") if part)
        return self.root / safe

    def records(self, stream: str) -> list[SnapshotRecord]:
        """Every record of ``stream``, oldest first (by ``retrieved_at``)."""
        base = self._dir(stream)
        out = []
        for rec_path in base.glob("*/record.json"):
            if len(rec_path.parent.name) != 64:  # set aside: <sha>.altered-<time>
                continue
            try:
                out.append(SnapshotRecord(**json.loads(rec_path.read_text(encoding="utf-8"))))
            except (json.JSONDecodeError, TypeError) as exc:
                warnings.warn(f"snapshot record {rec_path} is unreadable ({exc}); that "
                              "snapshot is ignored (a live run fetches the source again)",
                              stacklevel=2)
        return sorted(out, key=lambda r: (r.retrieved_at, r.sha256))

    def latest(self, stream: str) -> SnapshotRecord | None:
        """The newest snapshot record of ``stream``, or None when there is none."""
        recs = self.records(stream)
        return recs[-1] if recs else None

    def verify(self, record: SnapshotRecord) -> bool:
        """Whether the body on disk still matches the record's sha256 (False if missing)."""
        path = self.root / record.file
        if not path.exists():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == record.sha256

    def quarantine(self, record: SnapshotRecord) -> str:
        """Move an altered snapshot's folder aside (``<sha>.altered-<time>``), so it is no
        longer a snapshot; returns its new path relative to the snapshot root."""
        folder = (self.root / record.file).parent
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder.with_name(f"{folder.name}.altered-{stamp}")
        os.replace(folder, target)
        return str(target.relative_to(self.root))

    def reject(self, stream: str, body: bytes) -> str:
        """Keep a body that failed its format check under ``<stream>/rejected/<sha256>``
        (never used as a snapshot); returns its path relative to the snapshot root."""
        path = self._dir(stream) / "rejected" / hashlib.sha256(body).hexdigest()
        if not path.exists():
            _atomic_write(path, body)
        return str(path.relative_to(self.root))

    def read(self, record: SnapshotRecord) -> bytes:
        """The body of a snapshot, verified against its sha256.

        Raises:
            ValueError: when the bytes on disk no longer match the recorded checksum.
        """
        body = (self.root / record.file).read_bytes()
        digest = hashlib.sha256(body).hexdigest()
        if digest != record.sha256:
            raise ValueError(f"snapshot {record.file}: sha256 {digest} does not match its "
                             f"record ({record.sha256}); the file was altered")
        return body

    def save(self, stream: str, source_id: str, result: FetchResult,
             license: str | None) -> tuple[SnapshotRecord, bool]:
        """Record ``result.body`` as a snapshot of ``stream``.

        Returns ``(record, created)``; ``created`` is False when the bytes equal the
        stream's newest snapshot (nothing new is written).
        """
        assert result.body is not None
        digest = hashlib.sha256(result.body).hexdigest()
        newest = self.latest(stream)
        if newest is not None and newest.sha256 == digest:
            return newest, False
        snap_dir = self._dir(stream) / digest
        snap_dir.mkdir(parents=True, exist_ok=True)
        body_path = snap_dir / "body"
        if not body_path.exists():
            _atomic_write(body_path, result.body)
        record = SnapshotRecord(
            source_id=source_id, stream=stream, url=result.url,
            retrieved_at=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            sha256=digest, bytes=len(result.body), content_type=result.content_type,
            etag=result.etag, last_modified=result.last_modified, license=license,
            file=str(body_path.relative_to(self.root)), http_status=result.http_status,
            extra={"link": result.link} if result.link else {},
        )
        _atomic_write(snap_dir / "record.json",
                      json.dumps(asdict(record), indent=2, sort_keys=True).encode())
        return record, True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish_file(tmp: str | Path, path: Path) -> None:
    """Give ``tmp`` the permissions of a normally created file (``0o666`` less the umask;
    ``mkstemp`` makes it private) and atomically rename it to ``path``."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        publish_file(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class PipelineSettings(ConfigurableResource):
    """Run settings: ``mode`` (offline/live) and ``data_dir``; empty means "from the
    environment" (``AI_NUMBERS_MODE``, ``AI_NUMBERS_DATA_DIR``), read at run time."""

    mode: str = ""
    data_dir: str = ""

    def effective_mode(self) -> str:
        if self.mode:
            if self.mode not in MODES:
                raise SettingsError(f"mode={self.mode!r}: expected one of {MODES}")
            return self.mode
        return env_mode()

    def effective_data_dir(self) -> Path:
        return Path(self.data_dir).resolve() if self.data_dir else Path(env_data_dir())

    def snapshots(self) -> SnapshotStore:
        return SnapshotStore(self.effective_data_dir())

    def status_dir(self) -> Path:
        return self.effective_data_dir() / "status"
