"""Fingerprints of published tables, to show that a refactoring changed no row or value.

:func:`fingerprint` reads every Parquet file under ``<data_dir>/published`` (the tables and
the arena history partitions) and returns, per table, its row count, its column names and
a sha256 per column of the rows in a canonical order. Timestamps (when a run happened) are
left out, and so are dates of retrieval written into text (``retrieved 2026-11-30``) and
the columns of :data:`RUN_TIME_COLUMNS` (ages measured against the clock), since they
differ from one run to the next; every other value counts.

``python -m tests.helpers.golden DATA_DIR OUT.json`` writes the fingerprint of a run; the
committed files under ``tests/integration/golden/`` were written from the runs of the
commit before the layout change (issue "Rooms by domain"), and the test
``tests/integration/test_golden.py`` compares today's runs with them.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

#: Columns computed from the time of the run (``source_status.age_days``: days from a
#: source's newest version to the run), left out like timestamps.
RUN_TIME_COLUMNS = frozenset({"age_days"})
_RETRIEVED = re.compile(r"(retrieved|retrieved_at\W+)\s*\d{4}-\d{2}-\d{2}[T0-9:.+Z-]*")
_ISO_NOW = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)")


def _canonical(value):
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return float(f"{value:.10g}")
    if isinstance(value, str):
        return _ISO_NOW.sub("<time>", _RETRIEVED.sub(r"\1 <date>", value))
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return str(value) if not isinstance(value, (int, bool)) else value


def table_fingerprint(table: pa.Table) -> dict:
    """``{"rows": n, "columns": {name: sha256}}`` of one table, timestamps and
    :data:`RUN_TIME_COLUMNS` left out."""
    keep = [f.name for f in table.schema if not pa.types.is_timestamp(f.type)
            and f.name not in RUN_TIME_COLUMNS]
    rows = [tuple(json.dumps(_canonical(v), sort_keys=True) for v in row)
            for row in zip(*(table.column(c).to_pylist() for c in keep))]
    rows.sort()
    columns = {}
    for i, name in enumerate(keep):
        digest = hashlib.sha256("\n".join(r[i] for r in rows).encode()).hexdigest()
        columns[name] = digest
    return {"rows": table.num_rows, "columns": columns}


def fingerprint(data_dir: Path) -> dict[str, dict]:
    """Fingerprint of every published table (``history/arena_scores/<partition>`` for the
    history files), keyed by its path relative to ``published/`` without the suffix."""
    root = Path(data_dir) / "published"
    out = {}
    for path in sorted(root.rglob("*.parquet")):
        name = str(path.relative_to(root).with_suffix(""))
        out[name] = table_fingerprint(pq.read_table(path, partitioning=None))
    return out


def differences(expected: dict, actual: dict) -> list[str]:
    """Human-readable differences between two fingerprints (empty when equal)."""
    out = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            out.append(f"{name}: missing")
            continue
        if name not in expected:
            out.append(f"{name}: new table")
            continue
        e, a = expected[name], actual[name]
        if e["rows"] != a["rows"]:
            out.append(f"{name}: {a['rows']} rows, expected {e['rows']}")
        for col in sorted(set(e["columns"]) | set(a["columns"])):
            if e["columns"].get(col) != a["columns"].get(col):
                out.append(f"{name}.{col}: values differ" if col in e["columns"]
                           and col in a["columns"] else f"{name}.{col}: column added/removed")
    return out


if __name__ == "__main__":
    data, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.write_text(json.dumps(fingerprint(data), indent=1, sort_keys=True) + "\n")
