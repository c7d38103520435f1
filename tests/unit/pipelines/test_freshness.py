"""Tests of source freshness (pipelines/freshness.py and the age columns of source_status,
pipelines/fetching.py): ages against a fixed clock, a history's newest version speaking for
its source, the sources_fresh check failing (WARN) on an old source and passing on a fresh
one, and cadence_days required of every registered source."""
from __future__ import annotations

import pandas as pd
import pytest
from dagster import AssetCheckSeverity, AssetKey

from assets.registry import RegistryError, check_cadence, load_sources
from pipelines.fetching import (
    SOURCE_STATUS,
    RequestStatus,
    read_status,
    record_version_at,
    stamp_newest_version,
    write_status,
)
from pipelines.freshness import evaluate, stale_mask, stale_sources, stale_text
from pipelines.snapshots import SnapshotRecord

#: The fixed "now" of these tests.
NOW = pd.Timestamp("2025-03-01T00:00:00Z")
TABLE = AssetKey(["published", "arena_scores_latest"])


def _record(stream: str, retrieved_at: str, last_modified: str | None = None):
    return SnapshotRecord(source_id=stream.split("/")[0], stream=stream, url="https://x/y",
                          retrieved_at=retrieved_at, sha256="0" * 64, bytes=1,
                          content_type=None, etag=None, last_modified=last_modified,
                          license=None, file=f"{stream}/body")


def _row(stream: str, record: SnapshotRecord | None) -> RequestStatus:
    return RequestStatus.of(stream.split("/")[0], stream, "https://x/y", "live", "unchanged",
                            record)


def test_a_single_file_is_as_old_as_its_last_modified_else_its_fetch_time():
    with_lm = _record("cards", "2025-02-27T00:00:00+00:00", "Tue, 14 Jan 2025 12:00:00 GMT")
    assert record_version_at(with_lm) == "2025-01-14T12:00:00+00:00"
    assert record_version_at(_record("cards", "2025-02-27T00:00:00+00:00", "garbage")) == \
        "2025-02-27T00:00:00+00:00"


def test_age_is_computed_against_the_injected_clock(tmp_path):
    # fetched two and a half days before NOW, no Last-Modified
    write_status(tmp_path, "hub", [_row("hub/a", _record("hub/a", "2025-02-26T12:00:00+00:00"))])
    df = read_status(tmp_path, ["hub"], now=NOW)
    assert df["newest_version_at"].iloc[0] == pd.Timestamp("2025-02-26T12:00:00Z")
    assert df["age_days"].iloc[0] == pytest.approx(2.5)
    later = read_status(tmp_path, ["hub"], now=NOW + pd.Timedelta(days=10))
    assert later["age_days"].iloc[0] == pytest.approx(12.5)
    assert set(SOURCE_STATUS.column_names) - {"cadence_days"} <= set(df.columns)


def test_a_history_is_as_old_as_its_newest_version_not_its_newest_fetch(tmp_path):
    listing = [_row("arena/commits-page-1", _record("arena/commits-page-1",
                                                      "2025-02-28T00:00:00+00:00"))]
    stamp_newest_version(listing, pd.Timestamp("2025-01-24T18:00:00Z"))
    write_status(tmp_path, "arena", listing)
    # a version's CSV fetched by a partition run just before NOW: not a newer version
    write_status(tmp_path, "arena/versions/2025-01-24", [
        _row("arena/csv/abc", _record("arena/csv/abc", "2025-02-28T23:00:00+00:00"))])
    df = read_status(tmp_path, ["arena"], now=NOW)
    assert (df["newest_version_at"] == pd.Timestamp("2025-01-24T18:00:00Z")).all()
    assert df["age_days"].iloc[0] == pytest.approx(35.25)


def _status(age_by_source: dict[str, tuple[float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame([{"source_id": sid, "stream": sid, "age_days": age,
                          "cadence_days": cadence,
                          "newest_version_at": NOW - pd.Timedelta(days=age or 0)}
                         for sid, (age, cadence) in age_by_source.items()])


def test_stale_means_older_than_the_cadence_and_pinned_or_unknown_never_is():
    status = _status({"arena": (35.25, 3.0), "livebench": (20.0, 45.0),
                      "card": (700.0, None), "hub": (None, 7.0)})
    assert list(stale_mask(status)) == [True, False, False, False]
    stale = stale_sources(status)
    assert list(stale["source_id"]) == ["arena"]
    assert stale_text(stale.iloc[0]) == ("arena: newest version 2025-01-24, 35.2 days old "
                                         "(expected every 3 days)")


def test_freshness_check_fails_as_warn_on_an_old_source_and_passes_on_a_fresh_one():
    old = evaluate(TABLE, ("arena",), _status({"arena": (35.25, 3.0)}), NOW)
    assert not old.passed and old.severity == AssetCheckSeverity.WARN
    assert "arena: newest version 2025-01-24" in old.description
    fresh = evaluate(TABLE, ("arena",), _status({"arena": (1.0, 3.0)}), NOW)
    assert fresh.passed
    # a stale source the table does not rest on does not fail it
    other = evaluate(TABLE, ("livebench",), _status({"arena": (35.25, 3.0),
                                                     "livebench": (1.0, 45.0)}), NOW)
    assert other.passed
    assert evaluate(TABLE, ("arena",), None).passed  # source_status not published yet
    # the ages are measured when the check runs, not when source_status was built: the
    # same table read 30 days on fails (nothing changed upstream, so it was not rebuilt)
    assert not evaluate(TABLE, ("arena",), _status({"arena": (1.0, 3.0)}),
                        NOW + pd.Timedelta(days=30)).passed


def test_every_registered_source_says_its_cadence():
    for source in load_sources().values():
        assert source.cadence_days is None or source.cadence_days > 0, source.id
    with pytest.raises(RegistryError, match="missing key 'cadence_days'"):
        check_cadence({"id": "new_source"}, "sources.yaml")
    with pytest.raises(RegistryError, match="not a positive number"):
        check_cadence({"id": "new_source", "cadence_days": "daily"}, "sources.yaml")
    check_cadence({"id": "pinned", "cadence_days": None}, "sources.yaml")


def test_console_lists_stale_sources_with_ages_measured_at_the_given_time():
    from pipelines.console import stale_lines
    from pipelines.freshness import aged_now

    status = _status({"arena": (35.25, 3.0), "livebench": (20.0, 45.0)})
    later = aged_now(status, NOW + pd.Timedelta(days=30))       # the table read a month on
    assert list(later["age_days"]) == pytest.approx([65.25, 50.0])
    lines = [line.plain for line in stale_lines(later)]
    assert lines == ["Stale sources (2):",
                     "  arena: newest version 2025-01-24, 65.2 days old (expected every 3 days)",
                     "  livebench: newest version 2025-02-09, 50.0 days old "
                     "(expected every 45 days)"]
    assert stale_lines(status.assign(cadence_days=None)) == []


def test_freshness_job_names_only_each_tables_own_stale_sources(tmp_path):
    """The ``freshness`` job on a real (ephemeral) instance, from a published
    ``source_status`` where one source is stale and the others fresh: the check of every
    table resting on the stale source fails naming it and nothing else; every other table's
    passes. The ages are measured once for the step, then split per table."""
    from dagster import DagsterInstance

    from pipelines.definitions import defs
    from pipelines.runner import resource_config
    from pipelines.tables import table

    ids = sorted(load_sources())
    stale_id = "lmarena_history"
    assert stale_id in ids
    now = pd.Timestamp.now(tz="UTC")
    status = pd.DataFrame({
        "source_id": ids,
        "newest_version_at": [now - pd.Timedelta(days=400 if s == stale_id else 0.5)
                              for s in ids],
        "age_days": [400.0 if s == stale_id else 0.5 for s in ids],
        "cadence_days": [3.0] * len(ids)})
    (tmp_path / "published").mkdir()
    status.to_parquet(tmp_path / "published" / "source_status.parquet")

    result = defs.resolve_job_def("freshness").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config=resource_config(data_dir=str(tmp_path), mode="offline"))
    evaluations = result.get_asset_check_evaluations()
    assert evaluations
    for ev in evaluations:
        sources = table(ev.asset_key.path[-1]).sources   # the table spec (pipelines/tables.py)
        named = ev.metadata["stale_sources"].value
        if stale_id in sources:
            assert not ev.passed and len(named) == 1 and named[0].startswith(stale_id + ":")
        else:
            assert ev.passed and named == []
    assert any(not ev.passed for ev in evaluations) and any(ev.passed for ev in evaluations)


def test_a_status_row_without_a_source_id_does_not_fail_every_table(tmp_path):
    """A stale row whose ``source_id`` is missing (pandas' NA in a string column, as read
    from Parquet) names no table's source: the others are judged as usual, where comparing
    NA with an id raised "boolean value of NA is ambiguous" and failed the whole step."""
    status = pd.DataFrame({
        "source_id": pd.array(["arena", None], dtype="string"),
        "newest_version_at": pd.to_datetime(["2025-01-01", "2020-01-01"], utc=True),
        "age_days": [1.0, 1.0], "cadence_days": [3.0, 3.0]})
    status.to_parquet(tmp_path / "status.parquet")
    status = pd.read_parquet(tmp_path / "status.parquet")
    result = evaluate(TABLE, ("arena",), status, NOW)
    assert not result.passed and result.metadata["stale_sources"].value[0].startswith("arena:")
    assert evaluate(TABLE, ("livebench",), status, NOW).passed
