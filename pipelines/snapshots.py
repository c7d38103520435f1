"""The snapshot store: raw bytes exactly as fetched, content-addressed, with a JSON record.

Also the atomic file writes every other writer uses (:func:`atomic_write`,
:func:`publish_file`): a reader never sees half a file.
"""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from pipelines.paths import confined
from pipelines.store import data_root, is_local, put_bytes, replace


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

    On object storage (a URL data dir, :mod:`pipelines.store`), where each listing and each
    read is a request, a store lists the snapshot tree once (on first use) and reads each
    record once; it keeps both current with its own writes. A store lives for one step of
    a run (``PipelineSettings.snapshots()``), so it sees what was stored when it started.
    """

    def __init__(self, data_dir: str | Path):
        self.root = data_root(data_dir) / "snapshots"  # a local folder or a URL
        self._keys: set[str] | None = None    # object storage: the keys under root
        self._texts: dict[str, str] = {}      # object storage: record.json read, by key

    def _dir(self, stream: str) -> Path:
        """The folder of ``stream`` under the snapshot root: each ``/``-separated part kept
        as one folder name, with control characters, backslashes and ``..`` replaced by
        ``_`` and empty or ``.`` parts dropped, so a hostile name (a model or country name
        in a stream) never leaves the root.

        Raises:
            ValueError: a stream with no usable part (names the stream).
        """
        try:
            return confined(self.root, stream)
        except ValueError as exc:
            raise ValueError(f"snapshot stream {exc}") from None

    def records(self, stream: str) -> list[SnapshotRecord]:
        """Every record of ``stream``, oldest first (by ``retrieved_at``)."""
        base = self._dir(stream)
        out = []
        for rec_path in self._record_paths(base):
            if len(rec_path.parent.name) != 64:  # set aside: <sha>.altered-<time>
                continue
            try:
                out.append(SnapshotRecord(**json.loads(self._read_text(rec_path))))
            except (json.JSONDecodeError, TypeError) as exc:
                warnings.warn(f"snapshot record {rec_path} is unreadable ({exc}); that "
                              "snapshot is ignored (a live run fetches the source again)",
                              stacklevel=2)
        return sorted(out, key=lambda r: (r.retrieved_at, r.sha256))

    def _record_paths(self, base: Path) -> list[Path]:
        """``<base>/*/record.json``: globbed locally, from the one listing on object storage."""
        if is_local(self.root):
            return list(base.glob("*/record.json"))
        if self._keys is None:
            self.root.fs.invalidate_cache(self.root.path)  # a fresh listing per store
            self._keys = set(self.root.fs.find(self.root.path))
        prefix = base.path.rstrip("/") + "/"
        return [base.joinpath(*key[len(prefix):].split("/")) for key in sorted(self._keys)
                if key.startswith(prefix) and key.endswith("/record.json")
                and key[len(prefix):].count("/") == 1]

    def _read_text(self, path: Path) -> str:
        """A record's text. On object storage the first read under a source's folder
        (``snapshots/<source id>/``) fetches every record listed there, concurrently (one
        batch: a step that reads one stream of a source mostly reads its others too)."""
        if is_local(path):
            return path.read_text(encoding="utf-8")
        if path.path not in self._texts:
            top = path.path[:len(self.root.path) + 1] + \
                path.path[len(self.root.path) + 1:].split("/", 1)[0] + "/"
            keys = [k for k in self._keys or () if k.startswith(top)
                    and k.endswith("/record.json") and k not in self._texts]
            fetched = path.fs.cat(sorted({*keys, path.path}), on_error="omit")
            self._texts.update({k: v.decode("utf-8") for k, v in fetched.items()})
            if path.path not in self._texts:  # gone meanwhile: the error of a plain read
                self._texts[path.path] = path.fs.cat_file(path.path).decode("utf-8")
        return self._texts[path.path]

    def _written(self, path: Path, data: bytes | None) -> None:
        """Keep the listing and the records read current with a write (None: removed)."""
        if self._keys is None or is_local(path):
            return
        self._texts.pop(path.path, None)
        if data is None:
            self._keys = {k for k in self._keys if not k.startswith(path.path + "/")}
        else:
            self._keys.add(path.path)

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

    def open(self, record: SnapshotRecord) -> BinaryIO:
        """The body of a snapshot as an open, seekable binary file (local, or an object on
        object storage), verified against its sha256 first in a streaming pass: a large
        body is never held in memory whole. The caller closes it.

        Raises:
            ValueError: when the bytes on disk no longer match the recorded checksum (or
                are gone).
        """
        if not self.verify(record):
            raise ValueError(f"snapshot {record.file}: its bytes do not match its record's "
                             f"sha256 ({record.sha256}); the file was altered or removed")
        return (self.root / record.file).open("rb")

    def quarantine(self, record: SnapshotRecord) -> str:
        """Move an altered snapshot's folder aside (``<sha>.altered-<time>``), so it is no
        longer a snapshot; returns its new path relative to the snapshot root."""
        folder = (self.root / record.file).parent
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder.with_name(f"{folder.name}.altered-{stamp}")
        replace(folder, target)
        self._written(folder, None)
        return str(target.relative_to(self.root))

    def reject(self, stream: str, body: bytes) -> str:
        """Keep a body that failed its format check under ``<stream>/rejected/<sha256>``
        (never used as a snapshot); returns its path relative to the snapshot root."""
        path = self._dir(stream) / "rejected" / hashlib.sha256(body).hexdigest()
        if not path.exists():
            atomic_write(path, body)
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

    def save(self, stream: str, source_id: str, result,
             license: str | None) -> tuple[SnapshotRecord, bool]:
        """Record ``result.body`` (a ``pipelines.http.FetchResult``: body, url, content type,
        ETag, Last-Modified, HTTP status, Link) as a snapshot of ``stream``.

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
            atomic_write(body_path, result.body)
            self._written(body_path, result.body)
        record = SnapshotRecord(
            source_id=source_id, stream=stream, url=result.url,
            retrieved_at=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            sha256=digest, bytes=len(result.body), content_type=result.content_type,
            etag=result.etag, last_modified=result.last_modified, license=license,
            file=str(body_path.relative_to(self.root)), http_status=result.http_status,
            extra={"link": result.link} if result.link else {},
        )
        text = json.dumps(asdict(record), indent=2, sort_keys=True).encode()
        atomic_write(snap_dir / "record.json", text)
        self._written(snap_dir / "record.json", text)
        return record, True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish_file(tmp: str | Path, path: Path) -> bool:
    """Give ``tmp`` the permissions of a normally created file (``0o666`` less the umask;
    ``mkstemp`` makes it private) and atomically rename it to ``path``; when ``path``
    already holds the same bytes, remove ``tmp`` instead and leave ``path`` untouched (its
    modification time too). Returns whether ``path`` was replaced."""
    if Path(path).is_file() and filecmp.cmp(tmp, path, shallow=False):
        Path(tmp).unlink()
        return False
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)
    return True


def temp_prefix(path: Path) -> str:
    """Prefix of the temporary file of an atomic write of ``path``: ``.<name>.<pid>.``
    (the writer's pid, so a later run can tell a dead writer's leftover from a live one's,
    :func:`pipelines.runlock.sweep_temporary_files`)."""
    return f".{path.name}.{os.getpid()}."


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed
    over ``path``: a reader, or a run killed meanwhile, leaves ``path`` old or new. On
    object storage (a remote UPath, :mod:`pipelines.store`) the object is put whole in one
    request, which is atomic for readers too."""
    if not is_local(path):
        put_bytes(path, data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        publish_file(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


