"""The data dir on object storage: a live run against the replay of ../shared/upstream with
``AI_NUMBERS_DATA_DIR=s3://ai-numbers/data`` on moto's S3 server (loopback, started and
stopped by the fixtures in conftest.py), then the published tables and the hive-partitioned
histories read back from S3 by pyarrow (its own S3 client), DuckDB and Polars.

What is expected comes from the committed fingerprints of a live run on a local folder
(``golden/live.json``, :mod:`tests.helpers.golden`): the run on S3 must publish the very
same tables. DuckDB's ``httpfs`` extension is downloaded on first use, which this machine
cannot do (no internet), so DuckDB reads S3 through an fsspec filesystem registered with
``duckdb.register_filesystem``.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from assets.claims.tables import TABLES as CLAIMS_TABLES
from pipelines.cli import main
from pipelines.io_managers import write_parquet
from pipelines.settings import SettingsError, check_writable
from pipelines.snapshots import atomic_write
from pipelines.store import data_root
from pipelines.tables import SchemaError
from tests.helpers.golden import differences, fingerprint, table_fingerprint
from tests.helpers.s3 import CREDENTIALS

GOLDEN = json.loads((Path(__file__).with_name("golden") / "live.json").read_text())
HISTORIES = {"arena_scores": "snapshot_date", "livebench_history": "version"}


def golden_partitions(name: str) -> dict[str, int]:
    """Partition key -> rows of each history partition in the golden live run."""
    prefix = f"history/{name}/{HISTORIES[name]}="
    return {k.removeprefix(prefix).removesuffix("/part-0"): v["rows"]
            for k, v in GOLDEN.items() if k.startswith(prefix)}


def arrow_s3(server):
    """pyarrow's own S3 filesystem (not fsspec) on the test server."""
    from pyarrow import fs

    return fs.S3FileSystem(access_key=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                           secret_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                           session_token=CREDENTIALS["AWS_SESSION_TOKEN"],
                           region=CREDENTIALS["AWS_DEFAULT_REGION"],
                           endpoint_override=server.endpoint, scheme="http")


def test_live_run_on_s3_publishes_the_golden_tables(s3_live_run, tmp_path):
    server, summary = s3_live_run
    assert summary.success
    objects = server.filesystem().find(server.bucket)
    assert any(k.endswith("/published/datapackage.json") for k in objects)
    assert any("/snapshots/" in k and k.endswith("/record.json") for k in objects)
    assert any(k.endswith("/published/report/report.html") for k in objects)
    # objects are put whole: no temporary object of an atomic write is left behind
    assert [k for k in objects if k.endswith(".tmp") or "/.write-check-" in k] == []
    copy = server.download("data/published", tmp_path / "copy" / "published").parent
    assert differences(GOLDEN, fingerprint(copy)) == []


def test_pyarrow_reads_the_tables_and_the_hive_histories_from_s3(s3_live_run):
    server, _ = s3_live_run
    s3fs_arrow = arrow_s3(server)
    base = f"{server.bucket}/data/published"
    claims = pq.read_table(f"{base}/article_claims.parquet", filesystem=s3fs_arrow)
    assert table_fingerprint(claims) == GOLDEN["article_claims"]
    for name, column in HISTORIES.items():
        history = ds.dataset(f"{base}/history/{name}", filesystem=s3fs_arrow,
                             partitioning="hive", format="parquet").to_table()
        expected = golden_partitions(name)
        counts = history.group_by(column).aggregate([([], "count_all")]).to_pydict()
        assert dict(zip(map(str, counts[column]), counts["count_all"])) == expected


def test_duckdb_reads_the_hive_history_from_s3(s3_live_run):
    import duckdb

    server, _ = s3_live_run
    con = duckdb.connect()
    con.register_filesystem(server.filesystem())
    base = f"s3://{server.bucket}/data/published"
    for name, column in HISTORIES.items():
        rows = con.sql(f"SELECT CAST({column} AS VARCHAR), count(*) FROM read_parquet("
                       f"'{base}/history/{name}/*/*.parquet', hive_partitioning = true) "
                       "GROUP BY 1").fetchall()
        assert dict(rows) == golden_partitions(name)
    n = con.execute(f"SELECT count(*) FROM '{base}/article_claims.parquet'").fetchone()[0]
    assert n == GOLDEN["article_claims"]["rows"]


def test_polars_reads_the_hive_history_from_s3(s3_live_run):
    import polars as pl

    server, _ = s3_live_run
    options = {"aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
               "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
               "aws_session_token": CREDENTIALS["AWS_SESSION_TOKEN"],
               "aws_region": CREDENTIALS["AWS_DEFAULT_REGION"],
               "aws_endpoint_url": server.endpoint, "aws_allow_http": "true"}
    base = f"s3://{server.bucket}/data/published"
    for name, column in HISTORIES.items():
        counts = (pl.scan_parquet(f"{base}/history/{name}/**/*.parquet", hive_partitioning=True,
                                  storage_options=options)
                  .group_by(pl.col(column).cast(pl.String)).len().collect())
        assert dict(counts.iter_rows()) == golden_partitions(name)
    claims = pl.read_parquet(f"{base}/article_claims.parquet", storage_options=options)
    assert claims.height == GOLDEN["article_claims"]["rows"]


def test_the_cli_reads_the_claims_from_s3(s3_live_run, capsys, monkeypatch):
    server, _ = s3_live_run
    monkeypatch.chdir(Path(__file__).parent)  # no local ./data to read by mistake
    assert main(["claims", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    claims = pq.read_table(f"{server.bucket}/data/published/article_claims.parquet",
                           filesystem=arrow_s3(server)).to_pandas()
    assert sorted(c["claim_id"] for c in out) == sorted(claims["claim_id"])


def test_a_failed_publish_leaves_the_old_object(s3):
    spec = CLAIMS_TABLES[0]  # article_claims
    path = data_root(s3.url()) / "published" / "article_claims.parquet"
    atomic_write(path, b"the last good file")
    with pytest.raises(SchemaError):
        write_parquet(pd.DataFrame({"claim_id": ["c"]}), spec, path)  # columns missing
    assert path.read_bytes() == b"the last good file"
    assert s3.filesystem().find(s3.bucket) == [f"{s3.bucket}/data/published/article_claims.parquet"]


def test_a_reader_sees_the_old_or_the_new_object_never_part_of_one(s3):
    """A reader polling an object while it is replaced 20 times (bodies of 1 and 3 MiB)
    only ever reads one of the two bodies whole."""
    path = data_root(s3.url()) / "published" / "big.bin"
    bodies = [b"a" * (1 << 20), b"b" * (3 << 20)]
    atomic_write(path, bodies[0])
    seen, done = [], threading.Event()
    fs = s3.filesystem()

    def read():
        while not done.is_set():
            seen.append(fs.cat_file(path.path))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(20):
            atomic_write(path, bodies[(i + 1) % 2])
    finally:
        done.set()
        reader.join()
    assert seen and all(body in bodies for body in seen)


def test_a_bucket_that_does_not_exist_is_a_bad_setting(s3, monkeypatch, capsys):
    url = f"s3://no-such-bucket-{s3.bucket}/data"
    with pytest.raises(SettingsError, match=f"{url}.*cannot write there"):
        check_writable(url)
    monkeypatch.setenv("AI_NUMBERS_DATA_DIR", url)
    assert main(["run", "--mode", "offline"]) == 2
    assert url in capsys.readouterr().err
