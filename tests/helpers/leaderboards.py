"""Test-only builders of the leaderboards tests (``tests/unit/leaderboards``): the
hand-written fixtures under ``tests/fixtures/leaderboards/`` (see their README), a history
of the three fixture versions, and the paths of the real upstream bytes and reference
figures in ``../shared`` (tests reading them skip when they are absent)."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from assets.leaderboards import arena
from assets.leaderboards.tables import TABLES
from tests.helpers import PROJECT, SHARED

FIX = PROJECT / "tests" / "fixtures" / "leaderboards"
UPSTREAM = SHARED / "upstream"
FILES = UPSTREAM / "files"
ARENA_LISTING = (FILES / "api.github.com/repos/fboulnois/llm-leaderboard-csv/commits"
                 / "csv__lmsys.csv.json")
LIVEBENCH_LISTING = (FILES / "api.github.com/repos/LiveBench/livebench.github.io/contents"
                     / "public.json")
REFERENCE = SHARED / "reference" / "benchmark_figures.csv"

#: The domain's table specs by name.
SPECS = {t.name: t for t in TABLES}
#: The commits the three fixture versions are said to be read at.
SHA_ELO, SHA_SCORE, SHA_STYLE = "a" * 40, "b" * 40, "c" * 40


def fixture(name: str) -> bytes:
    """The bytes of a fixture file of ``tests/fixtures/leaderboards/``."""
    return (FIX / name).read_bytes()


def fixture_history() -> pd.DataFrame:
    """The history of the three fixture versions (2024-06-19, 2024-07-10, 2024-10-16), one
    per layout, as :func:`assets.leaderboards.arena.arena_history` returns it."""
    return arena.arena_history({
        "2024-06-19": arena.parse_arena_csv(fixture("lmsys_elo_2024_06.csv"), "2024-06-19",
                                            SHA_ELO),
        "2024-07-10": arena.parse_arena_csv(fixture("lmsys_score_2024_07.csv"), "2024-07-10",
                                            SHA_SCORE),
        "2024-10-16": arena.parse_arena_csv(fixture("lmsys_stylectrl_2024_10.csv"),
                                            "2024-10-16", SHA_STYLE),
    })


def row(df: pd.DataFrame, name: str) -> pd.Series:
    """The one row of ``df`` whose ``model_name_raw`` is ``name`` (fails otherwise)."""
    hits = df[df["model_name_raw"] == name]
    assert len(hits) == 1, f"{name}: {len(hits)} rows"
    return hits.iloc[0]


def need(path: Path) -> None:
    """Skip the test when ``path`` (under ../shared) is absent."""
    if not path.exists():
        pytest.skip(f"{path} absent (real upstream bytes live in ../shared/upstream)")


def upstream_file(url: str) -> Path:
    """The mirrored upstream file of ``url`` under ``../shared/upstream/files``."""
    return FILES / url.removeprefix("https://")


def reference_rows(kind: str) -> list[dict]:
    """The rows of ``../shared/reference/benchmark_figures.csv`` of one ``kind`` (skips when
    the file is absent; fails when there is none of that kind)."""
    need(REFERENCE)
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] == kind]
    assert rows, f"no {kind} rows in {REFERENCE}"
    return rows
