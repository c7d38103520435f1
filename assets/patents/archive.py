"""The zip archives both patent sources come as, read in memory (nothing is extracted).

Shared by :mod:`assets.patents.cat` (the ETO CAT release zip) and
:mod:`assets.patents.patentdb` (the CSET/1790 ``patent_database.csv.zip``).
"""
from __future__ import annotations

import io
import zipfile


class PatentSourceError(ValueError):
    """An upstream patent file is not what this domain expects (names file and problem)."""


def open_zip(data: bytes, source_document: str) -> zipfile.ZipFile:
    """The zip archive in ``data``, opened in memory.

    Raises:
        PatentSourceError: ``data`` is not a zip archive (naming ``source_document``).
    """
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PatentSourceError(f"{source_document}: not a zip archive ({exc})") from exc


def file_members(zf: zipfile.ZipFile) -> list[str]:
    """Member names, without directories and macOS resource forks (``__MACOSX/``, ``._*``)."""
    return [
        n for n in zf.namelist()
        if not n.endswith("/") and not n.startswith("__MACOSX/")
        and not n.rsplit("/", 1)[-1].startswith("._")
    ]
