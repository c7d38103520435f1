"""The zip archives both patent sources come as, read in memory (nothing is extracted).

Shared by :mod:`assets.patents.cat` (the ETO CAT release zip) and
:mod:`assets.patents.patentdb` (the CSET/1790 ``patent_database.csv.zip``).
"""
from __future__ import annotations

import io
import zipfile
from typing import BinaryIO


class PatentSourceError(ValueError):
    """An upstream patent file is not what this domain expects (names file and problem)."""


def open_zip(data: bytes | BinaryIO, source_document: str) -> zipfile.ZipFile:
    """The zip archive in ``data``: bytes (opened in memory) or a seekable binary file
    (read from where it is, never whole into memory).

    Raises:
        PatentSourceError: ``data`` is not a zip archive (naming ``source_document``).
    """
    try:
        return zipfile.ZipFile(io.BytesIO(data) if isinstance(data, (bytes, bytearray))
                               else data)
    except zipfile.BadZipFile as exc:
        raise PatentSourceError(f"{source_document}: not a zip archive ({exc})") from exc


def file_members(zf: zipfile.ZipFile) -> list[str]:
    """Member names, without directories and macOS resource forks (``__MACOSX/``, ``._*``)."""
    return [
        n for n in zf.namelist()
        if not n.endswith("/") and not n.startswith("__MACOSX/")
        and not n.rsplit("/", 1)[-1].startswith("._")
    ]


#: Default limit on the inflated size of one member (bytes); the largest real member, the
#: CSET/1790 ``patent_database.csv``, inflates to about 76 MB.
MAX_INFLATED_BYTES = 512 * 1024 * 1024
#: Default limit on inflated / compressed size of one member; the real members are below 20.
MAX_INFLATE_RATIO = 200.0
#: Members smaller than this (bytes) are not held to the ratio (tiny files compress well).
RATIO_FLOOR_BYTES = 1024 * 1024


class _LimitedMember(io.RawIOBase):
    """A zip member opened for reading, stopped when its inflated bytes pass a limit."""

    def __init__(self, fh, check):
        self._fh, self._check, self.size = fh, check, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            chunk = self._fh.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            self._check(None, f"cannot be inflated: {exc}")
            raise
        self.size += len(chunk)
        self._check(self.size, "inflates to at least")
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._fh.close()
        super().close()


def open_member(zf: zipfile.ZipFile, member: str, source_document: str,
                max_bytes: int | None = None, max_ratio: float | None = None):
    """``member`` opened as a buffered binary stream that stops at a limit, so a parser can
    stream it (pyarrow's CSV reader) without holding the whole inflated member in memory.

    Limits (defaults from ``AI_NUMBERS_MAX_INFLATED_BYTES`` / ``AI_NUMBERS_MAX_INFLATE_RATIO``,
    else :data:`MAX_INFLATED_BYTES` / :data:`MAX_INFLATE_RATIO`): the inflated size in bytes,
    and the ratio inflated / compressed size once past :data:`RATIO_FLOOR_BYTES`. Both the
    size the zip declares (checked at once) and the bytes actually inflated (checked while
    reading) count, so a member whose header lies is stopped too.

    Raises:
        PatentSourceError: a limit is passed (names the member, its compressed and inflated
            sizes and the limit), or the member is not a valid deflate stream.
    """
    from pipelines.settings import env_archive_limits

    env_bytes, env_ratio = env_archive_limits()
    max_bytes = max_bytes or env_bytes or MAX_INFLATED_BYTES
    max_ratio = max_ratio or env_ratio or MAX_INFLATE_RATIO
    info = zf.getinfo(member)
    packed = max(1, info.compress_size)

    def check(size: int | None, what: str) -> None:
        if size is None:
            raise PatentSourceError(f"{source_document}: member {member!r} {what}")
        if size > max_bytes:
            raise PatentSourceError(
                f"{source_document}: member {member!r} {what} {size} bytes from {packed} "
                f"compressed, over the limit of {max_bytes} bytes "
                "(AI_NUMBERS_MAX_INFLATED_BYTES); not read")
        if size > RATIO_FLOOR_BYTES and size / packed > max_ratio:
            raise PatentSourceError(
                f"{source_document}: member {member!r} {what} {size} bytes from {packed} "
                f"compressed (ratio {size / packed:.0f}:1), over the limit of "
                f"{max_ratio:g}:1 (AI_NUMBERS_MAX_INFLATE_RATIO); not read")

    check(info.file_size, "declares")
    return io.BufferedReader(_LimitedMember(zf.open(info), check), buffer_size=1 << 20)


def read_member(zf: zipfile.ZipFile, member: str, source_document: str,
                max_bytes: int | None = None, max_ratio: float | None = None) -> bytes:
    """The inflated bytes of ``member`` (see :func:`open_member` for the limits).

    Raises:
        PatentSourceError: a limit is passed, or the member is not a valid deflate stream.
    """
    with open_member(zf, member, source_document, max_bytes, max_ratio) as fh:
        return fh.read()
