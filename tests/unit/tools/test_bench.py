"""The pieces of ``make bench`` (tools/bench) on tiny inputs; no timing is asserted."""
from __future__ import annotations

import zipfile

import pandas as pd
import pyarrow.csv as pacsv
import pytest

from assets.patents.patentdb import family_offices
from tests.helpers.patents import DOCS, patentdb_csv, patentdb_zip
from tools.bench.patents import normalized, run_duckdb, write_copies
from tools.bench.report import rows

# the fixture's families with integer ids (F1 -> 1001, ...) as in the real file, plus a
# document without a priority year (family 1008, only at DE)
NUMERIC_DOCS = [(o, n, f"100{f[1:]}", y) for o, n, f, y in DOCS] + [("DE", "14", "1008", "")]


@pytest.fixture
def source_zip(tmp_path):
    path = tmp_path / "patent_database.csv.zip"
    path.write_bytes(patentdb_zip(patentdb_csv(NUMERIC_DOCS)))
    return path


def test_copies_repeat_rows_with_family_ids_offset_per_copy(source_zip, tmp_path):
    csv_path, zip_path = write_copies(source_zip, tmp_path, 3)
    copies = pacsv.read_csv(csv_path).to_pandas()
    n = len(NUMERIC_DOCS)
    assert len(copies) == 3 * n
    original = [int(f) for _, _, f, _ in NUMERIC_DOCS]
    offset = max(original) + 1
    for k in range(3):
        part = copies.iloc[k * n:(k + 1) * n]
        assert part["Simple_family_ID"].tolist() == [f + k * offset for f in original]
        assert part["Publication_country"].tolist() == [o for o, _, _, _ in NUMERIC_DOCS]
    # the zip holds exactly the CSV bytes, stored (what family_offices reads)
    with zipfile.ZipFile(zip_path) as zf:
        info = zf.infolist()[0]
        assert info.compress_type == zipfile.ZIP_STORED
        assert zf.read(info) == csv_path.read_bytes()


def test_duckdb_query_equals_family_offices(source_zip, tmp_path):
    csv_path, zip_path = write_copies(source_zip, tmp_path, 1)
    ours = normalized(family_offices(zip_path.read_bytes(), "bench"))
    theirs = normalized(run_duckdb(csv_path, "bench"))
    assert len(ours) > 0
    pd.testing.assert_frame_equal(ours, theirs)


def test_each_copy_adds_the_same_families(source_zip, tmp_path):
    """Offset ids make every copy new families: each count grows exactly threefold."""
    one = normalized(family_offices(write_copies(source_zip, tmp_path, 1)[1].read_bytes(), "b"))
    three = normalized(family_offices(write_copies(source_zip, tmp_path, 3)[1].read_bytes(), "b"))
    counts = ["families", "families_only_here", "families_also_elsewhere", "families_with_pct"]
    assert (three[counts] == 3 * one[counts]).all().all()
    # the family fixture's CN row, counted by hand from tests.helpers.patents.DOCS: F1, F2, F3
    cn = one[(one["office"] == "CN") & (one["scope"] == "all_years")]
    assert cn["families"].item() == 3


def test_floor_graph_has_the_real_keys_deps_checks_and_jobs(monkeypatch):
    import pipelines.definitions as definitions
    from tests.helpers.graph import asset_graph
    from tools.bench.floor import floor_definitions

    real = asset_graph()
    floor = floor_definitions(definitions.defs)
    monkeypatch.setattr(definitions, "defs", floor)
    copy = asset_graph()
    assert copy["assets"] == real["assets"]
    assert copy["jobs"] == real["jobs"]
    # and its bodies are no-ops that still run through the IO manager
    assert all(ad.node_def.name.startswith("floor_")
               for ad in floor.get_repository_def().asset_graph.assets_defs)


def test_floor_job_runs_and_writes_only_empty_files(tmp_path):
    from dagster import DagsterInstance

    import pipelines.definitions as definitions
    from pipelines.runner import resource_config
    from tools.bench.floor import floor_definitions

    floor = floor_definitions(definitions.defs)
    result = floor.resolve_job_def("discover").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config=resource_config(data_dir=str(tmp_path), mode="offline"))
    assert result.success
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(p.stat().st_size == 0 for p in written)
    assert not (tmp_path / "published").exists()


def test_report_rows_say_whether_each_goal_is_met():
    def s(x):
        return {"min": x, "median": x, "max": x}

    results = {"startup": {"definitions": {"process_seconds": s(1.3)},
                           "floor": {"process_seconds": s(1.0)}, "ratio": 1.3,
                           "great_expectations_loaded": False}}
    (row,) = rows(results)
    assert row[3] == "1.30x" and row[4] == "no"
    results["startup"]["ratio"] = 1.1
    assert rows(results)[0][4] == "yes"


def test_report_rows_survive_a_results_file_from_an_older_bench():
    """``--only`` keeps the other figures of results.json, which an older ``make bench``
    wrote without the refresh's ``snapshots`` count: the table shows "nan", not a KeyError."""
    def s(x):
        return {"min": x, "median": x, "max": x}

    old = {"seconds": s(2.0), "bytes": s(0), "api_calls": s(2), "materialized": s(0)}
    results = {"refresh": {"cold": old, "warm": old, "ratio": 1.0}}
    cold, warm = rows(results)
    assert "nan snapshots" in cold[1] and warm[3] == "1.00x"


def test_replay_counts_the_body_bytes_it_sends_for_the_refresh_figure():
    """The refresh figure's "MB sent" is ``ReplayServer.sent``: every body byte of a 200,
    nothing for a 304 (a conditional request answered "not modified")."""
    import requests

    from tools.replay import ReplayServer

    body = b"model,score\nDeepSeek-V3,1318\n"
    with ReplayServer() as server:
        server.files["/example.org/scores.csv"] = (body, "text/csv")
        first = requests.get(f"{server.url}/example.org/scores.csv", timeout=10)
        again = requests.get(f"{server.url}/example.org/scores.csv", timeout=10,
                             headers={"If-None-Match": first.headers["ETag"]})
    assert first.content == body and again.status_code == 304
    assert server.sent == len(body)


def test_breakdown_wraps_the_functions_where_the_steps_call_them(tmp_path, monkeypatch):
    """The cold main job's breakdown times GX validations and the charts by wrapping the
    names ``pipelines.publish`` and ``assets.claims.report`` call; a call inside the block
    is counted, and every original is back afterwards, even when a name has moved."""
    import assets.claims.report as report_module
    import pipelines.publish as publish_module
    from assets.claims.charts import Chart
    from tools.bench import breakdown

    validate, save = publish_module.validate_frame, report_module.save
    with breakdown.timed_buckets() as inside:
        assert publish_module.validate_frame.__wrapped__ is validate
        assert report_module.save.__wrapped__ is save
        assert inside == {"gx_seconds": 0.0, "charts_seconds": 0.0}
        report_module.save(Chart(name="nothing", title="no figure"), tmp_path)
    assert inside["charts_seconds"] > 0 and inside["gx_seconds"] == 0.0
    assert publish_module.validate_frame is validate and report_module.save is save

    monkeypatch.setitem(breakdown.BUCKETS, "charts_seconds",
                        (("assets.claims.report", "save"), ("assets.claims.report", "gone")))
    with pytest.raises(AttributeError), breakdown.timed_buckets():
        pass
    assert publish_module.validate_frame is validate and report_module.save is save


def test_breakdown_line_splits_the_gap_over_the_floor():
    from tools.bench.report import breakdown

    def s(x):
        return {"min": x, "median": x, "max": x}

    results = {"main_job": {"job": {"seconds": s(20.0), "gx_seconds": s(4.0),
                                    "charts_seconds": s(5.0)},
                            "floor": {"seconds": s(8.0)}, "ratio": 2.5}}
    line = breakdown(results)
    # 20 - 8 = 12 s beyond the floor; 12 - 4 - 5 = 3 s the rest, 3 / 8 = 0.38x the floor
    assert "(12.0 s)" in line and "GX validations 4.0 s" in line and "charts 5.0 s" in line
    assert "the rest 3.0 s (0.38x the floor" in line
    del results["main_job"]["job"]["gx_seconds"]  # a results.json from an older bench
    assert breakdown(results) is None
