"""Rows set aside: the published ``rejected_rows`` table and the files it is built from.

A parser that meets a row it cannot read (a wrong field count, a cell that is not a number,
a key listed twice with conflicting values) does not fail its whole file: it sets the row
aside as a :class:`RejectedRow` (source, version, line, column, reason, the raw text) and
returns the other rows. The asset that parsed the file writes its rejected rows with
:func:`write_rejected` to ``<status_dir>/rejected/<source id>/<version>.json`` (replaced on
every parse of that version, removed when nothing is rejected), and the published
``rejected_rows`` table (:func:`rejected_rows_asset`) collects them all (``pipelines.snapshot_assets.rejected_rows_asset``). Its suite carries a
``warning`` expectation of zero rows, so the ``expectation_suite`` check says how many rows
were set aside (WARN) while the table is published. Nothing here knows a particular source.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pipelines.snapshots import atomic_write
from pipelines.tables import INT64, STR, Column, TableSpec, register


@dataclass(frozen=True)
class RejectedRow:
    """One row of a source file that could not be read, and why.

    ``version``: the file's version (a release, a date, a commit); ``line``: 1-based line
    of the file (the header is line 1); ``column``: the column at fault, or None when the
    row as a whole is (a wrong field count); ``raw``: the row's text exactly as read.
    """

    source_id: str
    version: str
    file: str
    line: int
    column: str | None
    reason: str
    raw: str


REJECTED_ROWS, = register(TableSpec(
    name="rejected_rows",
    title="Source rows set aside",
    description=("One row per source row that could not be read (wrong field count, a value "
                 "that is not a number, a key listed twice with conflicting values): where it "
                 "is, why, and its raw text. The other rows of the file are published."),
    group="sources",
    primary_key=("source_id", "version", "file", "line"),
    license="CC BY 4.0 (this project's run log); raw text under its source's license",
    columns=(
        Column("source_id", STR, "Source id of assets/registry/sources.yaml", nullable=False),
        Column("version", STR, "Version of the file (release, date or commit)",
               nullable=False),
        Column("file", STR, "The file within the source (name or URL path)", nullable=False),
        Column("line", INT64, "Line of the file, 1-based (the header is line 1)",
               unit="line", nullable=False),
        Column("column", STR, "Column at fault; null when the row as a whole is"),
        Column("reason", STR, "Why the row was set aside", nullable=False),
        Column("raw", STR, "The row's text exactly as read", nullable=False),
    ),
))


def rejected_frame(rows: Iterable[RejectedRow]) -> pd.DataFrame:
    """``rows`` as a frame of the ``rejected_rows`` columns (line int64, the rest str)."""
    df = pd.DataFrame([asdict(r) for r in rows], columns=REJECTED_ROWS.column_names)
    return df.astype({"line": "int64"})


def _path(status_dir: Path, source_id: str, version: str) -> Path:
    return status_dir / "rejected" / source_id / f"{version.replace('/', '_')}.json"


def write_rejected(status_dir: Path, source_id: str, version: str,
                   rows: list[RejectedRow]) -> None:
    """Replace the rejected rows of one version of a source (removes the file when
    ``rows`` is empty, so a fixed file leaves no stale rejection behind)."""
    path = _path(status_dir, source_id, version)
    if not rows:
        path.unlink(missing_ok=True)
        return
    atomic_write(path, json.dumps([asdict(r) for r in rows], indent=2).encode())


def clear_rejected(status_dir: Path, source_id: str, keep: Iterable[str]) -> None:
    """Remove the rejected-row files of ``source_id`` whose version is not in ``keep``
    (versions no longer read)."""
    keep_names = {f"{v.replace('/', '_')}.json" for v in keep}
    folder = status_dir / "rejected" / source_id
    for path in folder.glob("*.json") if folder.exists() else []:
        if path.name not in keep_names:
            path.unlink(missing_ok=True)


def read_rejected(status_dir: Path) -> pd.DataFrame:
    """Every stored rejected row, sorted by the primary key (columns of ``rejected_rows``).

    Raises:
        ValueError: a rejected-rows file is not valid JSON (names it).
    """
    rows = []
    for path in sorted((status_dir / "rejected").rglob("*.json")):
        try:
            rows.extend(RejectedRow(**r) for r in json.loads(path.read_text("utf-8")))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ValueError(f"rejected-rows file {path}: unreadable: {exc}") from exc
    df = rejected_frame(rows)
    return df.sort_values(list(REJECTED_ROWS.primary_key), kind="stable").reset_index(drop=True)
