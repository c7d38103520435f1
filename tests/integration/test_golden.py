"""The layout change ("Rooms by domain") changed no published row or value.

``golden/offline.json`` and ``golden/live.json`` are fingerprints (row counts and a sha256
per column, see :mod:`tests.helpers.golden`) of the tables published by the commit before
the change (1c9c563), written with ``python -m tests.helpers.golden DATA_DIR OUT.json`` after
an offline run and after a live run against a replay of ``../shared/upstream``. A later
change that alters a table on purpose rewrites them the same way, and the diff shows which
tables and columns moved.
"""
from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_pipeline
from tests.helpers.golden import differences, fingerprint

GOLDEN = Path(__file__).with_name("golden")


def test_offline_run_publishes_the_golden_tables(offline_run):
    data_dir, result = offline_run
    assert result.success
    expected = json.loads((GOLDEN / "offline.json").read_text())
    assert differences(expected, fingerprint(data_dir)) == []


def test_live_run_publishes_the_golden_tables(tmp_path, upstream_replay):
    assert run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url).success
    expected = json.loads((GOLDEN / "live.json").read_text())
    assert differences(expected, fingerprint(tmp_path)) == []


def test_fingerprint_sees_a_changed_value(offline_run, tmp_path):
    """The comparison can fail: one value changed in one column is reported by name."""
    import pyarrow.parquet as pq

    data_dir, _ = offline_run
    table = pq.read_table(data_dir / "published" / "model_facts.parquet")
    values = table.column("value").to_pylist()
    values[0] = (values[0] or 0) + 1
    changed = table.set_column(table.schema.get_field_index("value"), "value",
                               [values])
    (tmp_path / "published").mkdir()
    pq.write_table(changed, tmp_path / "published" / "model_facts.parquet")
    expected = {"model_facts": fingerprint(data_dir)["model_facts"]}
    assert differences(expected, fingerprint(tmp_path)) == ["model_facts.value: values differ"]
