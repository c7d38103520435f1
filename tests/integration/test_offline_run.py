"""A full in-process materialization offline into a temporary data directory: the published
Parquet files, their schemas and metadata, the catalog, and the claims table."""
from __future__ import annotations

import json
import os

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from assets.claims.engine import VERDICTS, load_claims
from pipelines.tables import table
from tests.helpers import run_pipeline

CORE_TABLES = ["patent_figures", "model_facts", "benchmark_figures", "source_status",
               "article_claims", "claim_evidence"]


def published(data_dir, name):
    return data_dir / "published" / f"{name}.parquet"


def test_offline_run_succeeds_and_publishes_core_tables(offline_run):
    data_dir, result = offline_run
    assert result.success
    for name in CORE_TABLES:
        assert published(data_dir, name).exists(), name


@pytest.mark.parametrize("name", CORE_TABLES)
def test_published_file_has_declared_schema_and_metadata(offline_run, name):
    data_dir, _ = offline_run
    spec = table(name)
    pf = pq.ParquetFile(published(data_dir, name))
    schema = pf.schema_arrow
    assert schema.names == spec.column_names
    for col in spec.columns:
        field = schema.field(col.name)
        assert field.type == col.type, (name, col.name)
        assert field.metadata[b"description"].decode() == col.description
        if col.unit:
            assert field.metadata[b"unit"].decode() == col.unit
    meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
    assert meta["title"] == spec.title and meta["license"] == spec.license
    assert json.loads(meta["primary_key"]) == list(spec.primary_key)
    assert "source_snapshots" in meta
    assert pf.metadata.num_row_groups == 1
    umask = os.umask(0)
    os.umask(umask)
    assert published(data_dir, name).stat().st_mode & 0o777 == 0o666 & ~umask
    assert pf.metadata.row_group(0).column(0).compression == "ZSTD"
    # rows sorted by the primary key, keys unique
    df = pf.read().to_pandas()
    key = list(spec.primary_key)
    assert not df.duplicated(key).any()
    resorted = df.sort_values(key, kind="stable", na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(df, resorted)


@pytest.mark.parametrize("name", CORE_TABLES)
def test_published_file_reads_with_duckdb_and_polars_with_declared_types(offline_run, name):
    data_dir, _ = offline_run
    path = published(data_dir, name)
    spec = table(name)
    pl_df = pl.read_parquet(path)
    assert pl_df.columns == spec.column_names
    duck = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    duck_types = {row[0]: row[1] for row in duck}
    expected = {pa.string(): ("VARCHAR",), pa.float64(): ("DOUBLE",), pa.int16(): ("SMALLINT",),
                pa.int32(): ("INTEGER",), pa.int64(): ("BIGINT",), pa.bool_(): ("BOOLEAN",),
                pa.date32(): ("DATE",),
                pa.timestamp("ms", tz="UTC"): ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")}
    for col in spec.columns:
        assert duck_types[col.name] in expected[col.type], (name, col.name, duck_types[col.name])
        assert str(pl_df.schema[col.name]).split("(")[0] in {
            pa.string(): ("String",), pa.float64(): ("Float64",), pa.int16(): ("Int16",),
            pa.int32(): ("Int32",), pa.int64(): ("Int64",), pa.bool_(): ("Boolean",),
            pa.date32(): ("Date",), pa.timestamp("ms", tz="UTC"): ("Datetime",)}[col.type]
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    assert n == pq.ParquetFile(path).metadata.num_rows


def test_claims_table_has_one_row_per_claim_with_vocabulary_verdicts(offline_run):
    data_dir, _ = offline_run
    claims = pd.read_parquet(published(data_dir, "article_claims"))
    assert sorted(claims["claim_id"]) == sorted(load_claims())
    assert claims["claim_id"].is_unique
    assert set(claims["verdict"]) <= set(VERDICTS)
    assert claims["explanation"].str.len().min() > 20
    assert not claims["rule_error"].any(), claims.loc[claims["rule_error"], "explanation"].tolist()
    evidence = pd.read_parquet(published(data_dir, "claim_evidence"))
    counts = evidence.groupby("claim_id").size()
    for row in claims.itertuples():
        assert row.evidence_rows == counts.get(row.claim_id, 0)


def test_source_status_lists_every_request_offline(offline_run):
    data_dir, _ = offline_run
    status = pd.read_parquet(published(data_dir, "source_status"))
    assert set(status["status"]) == {"offline"}
    assert {"eto_cat", "cset_1790_patents", "deepseek_v3_card", "deepseek_r1_card",
            "llama31_card", "qwen25_blog", "hf_model_info"} <= set(status["source_id"])


def test_datapackage_describes_every_published_file_and_validates(offline_run):
    data_dir, _ = offline_run
    pkg_path = data_dir / "published" / "datapackage.json"
    pkg = json.loads(pkg_path.read_text())
    names = {r["name"] for r in pkg["resources"]}
    files = {p.stem for p in (data_dir / "published").glob("*.parquet")}
    assert names == files and set(CORE_TABLES) <= names
    res = next(r for r in pkg["resources"] if r["name"] == "article_claims")
    assert res["rows"] == 16 and res["licenses"] and res["schema"]["primaryKey"] == ["claim_id"]
    units = {f["name"]: f.get("unit") for f in res["schema"]["fields"]}
    assert units["evidence_rows"] == "rows"
    report = validate(str(pkg_path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_failing_suite_keeps_last_good_file_and_downstream_runs_on_it(tmp_path, monkeypatch):
    assert run_pipeline(tmp_path).success
    good = published(tmp_path, "model_facts").read_bytes()
    claims_before = published(tmp_path, "article_claims").stat().st_mtime_ns

    import assets.reference.assets as pa_mod

    real = pa_mod.load_reference

    def broken(name):
        df = real(name)
        if name == "model_facts":  # duplicate a key: the suite's critical uniqueness fails
            df = pd.concat([df, df.head(1)], ignore_index=True)
        return df

    monkeypatch.setattr(pa_mod, "load_reference", broken)
    summary = run_pipeline(tmp_path)
    # the job goes on; the update reports the table that failed a critical expectation
    assert summary.failed == ["publish"] and summary.stale_tables == ["model_facts"]
    (result,) = summary.results("publish")
    assert result.success
    checks = [e for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    mf = [e.event_specific_data for e in checks
          if e.event_specific_data.asset_key.path == ["published", "model_facts"]]
    assert mf and not mf[0].passed
    assert published(tmp_path, "model_facts").read_bytes() == good   # not rewritten
    # the claims and the report are rebuilt, from the last good model_facts, and say so
    assert published(tmp_path, "article_claims").stat().st_mtime_ns > claims_before
    mats = {"/".join(e.event_specific_data.materialization.asset_key.path):
            e.event_specific_data.materialization.metadata
            for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert {"published/patent_figures", "published/claims_report",
            "published/datapackage"} <= set(mats)
    assert "kept_last_good" in mats["published/model_facts"]
    stale = mats["published/article_claims"]["stale_inputs"].value
    assert "model_facts" in stale and "training_compute" in stale  # directly and through it
    # a later good build clears the mark
    monkeypatch.setattr(pa_mod, "load_reference", real)
    again = run_pipeline(tmp_path)
    assert again.success and not again.stale_tables
    assert not (tmp_path / "status" / "stale").exists() or not list(
        (tmp_path / "status" / "stale").iterdir())


def test_claims_name_their_sources_by_publisher_and_title(offline_run):
    """The ``sources`` column names each evidence row's publisher, never a URL or an internal
    citation slug; the claims file's metadata and the catalog list the registered sources
    the tables rest on (assets/registry/sources.yaml)."""
    from assets.registry import load_sources

    data_dir, _ = offline_run
    claims = pd.read_parquet(published(data_dir, "article_claims"))
    evidence = pd.read_parquet(published(data_dir, "claim_evidence"))
    by_claim = dict(zip(claims["claim_id"], claims["sources"]))
    for row in evidence.itertuples():
        assert row.publisher in by_claim[row.claim_id], (row.claim_id, row.publisher)
    for text in claims["sources"].dropna():
        assert "http" not in text and "unknown-most-likely" not in text, text
    registered = load_sources()
    meta = pq.read_schema(published(data_dir, "article_claims")).metadata
    assert json.loads(meta[b"sources"]) == list(registered)
    pkg = json.loads((data_dir / "published" / "datapackage.json").read_text())
    assert {s["path"] for s in pkg["sources"]} == {s.url for s in registered.values()}
    res = next(r for r in pkg["resources"] if r["name"] == "article_claims")
    assert {s["title"] for s in res["sources"]} == {s.title for s in registered.values()}


def test_every_evidence_row_carries_its_value(offline_run):
    """A number in ``value``, else the date or short text in ``value_text``; a date row
    carries the date the model_facts table gives (its value_text)."""
    data_dir, _ = offline_run
    evidence = pd.read_parquet(published(data_dir, "claim_evidence"))
    missing = evidence[evidence["value"].isna() & evidence["value_text"].isna()]
    assert missing.empty, missing[["claim_id", "key"]].to_string()
    facts = pd.read_parquet(published(data_dir, "model_facts"))
    dates = evidence[evidence["unit"] == "date"]
    assert len(dates) > 0
    for row in dates.itertuples():
        model, fact = row.key.split(" / ")
        expected = facts[(facts["model"] == model) & (facts["fact"] == fact)]["value_text"]
        assert row.value_text == expected.iloc[0], row.key
