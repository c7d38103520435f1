"""Tests of pipelines/rejects.py: the rejected-row files and the rejected_rows table."""
from __future__ import annotations

import pytest

from pipelines.quality import validate_frame
from pipelines.rejects import (
    REJECTED_ROWS,
    RejectedRow,
    clear_rejected,
    read_rejected,
    write_rejected,
)


def _row(version: str, line: int) -> RejectedRow:
    return RejectedRow("livebench", version, f"table_{version}.csv", line, None,
                       f"line {line}: 2 fields, expected 3", "a,b")


def test_written_rows_are_read_back_replaced_and_cleared(tmp_path):
    write_rejected(tmp_path, "livebench", "2024-11-25", [_row("2024-11-25", 9), _row("2024-11-25", 3)])
    write_rejected(tmp_path, "livebench", "2024-08-31", [_row("2024-08-31", 4)])
    df = read_rejected(tmp_path)
    REJECTED_ROWS.conform(df)
    assert list(zip(df["version"], df["line"])) == [
        ("2024-08-31", 4), ("2024-11-25", 3), ("2024-11-25", 9)]
    write_rejected(tmp_path, "livebench", "2024-11-25", [])     # the file was fixed
    assert list(read_rejected(tmp_path)["version"]) == ["2024-08-31"]
    clear_rejected(tmp_path, "livebench", keep=["2024-11-25"])  # 2024-08-31 no longer read
    assert read_rejected(tmp_path).empty


def test_suite_warns_on_rejected_rows_and_passes_when_none(tmp_path):
    assert validate_frame(read_rejected(tmp_path), "rejected_rows").passed
    write_rejected(tmp_path, "livebench", "2024-11-25", [_row("2024-11-25", 5)])
    result = validate_frame(read_rejected(tmp_path), "rejected_rows")
    assert result.failed and not result.critical_failed   # a warning: still published


def test_unreadable_file_is_named(tmp_path):
    path = tmp_path / "rejected" / "livebench" / "x.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="x.json"):
        read_rejected(tmp_path)
