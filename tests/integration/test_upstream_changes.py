"""Later upstream states built from the real files (../shared/upstream served on loopback,
with files changed the way upstream changed them): one bad row never blocks the product."""
from __future__ import annotations

import time

import pandas as pd

from tests.helpers import run_pipeline, shared_path

#: The 2024-11-25 release table at its newest commit in the mirror (2025-03-31, the commit
#: "add azerogpt and hunyuan-turbos"): the version 2024-11-25@2025-03-31.
LB_SHA = "11187de08e41c413cb671e1811fd542b6eb765d5"
LB_TABLE = f"/raw.githubusercontent.com/LiveBench/livebench.github.io/{LB_SHA}/public/table_2024_11_25.csv"
LB_VERSION = "2024-11-25@2025-03-31"


def test_malformed_livebench_row_is_set_aside_and_everything_publishes(tmp_path, upstream_replay):
    real = shared_path("upstream", "files", LB_TABLE.lstrip("/")).read_bytes().decode("utf-8")
    lines = real.splitlines()
    header_fields = lines[0].count(",") + 1
    bad_line = 5                                    # 1-based, the header is line 1
    fields = lines[bad_line - 1].split(",")
    lines[bad_line - 1] = ",".join(fields[:-2])     # fewer fields than the header
    bad_model = fields[0]
    upstream_replay.files[LB_TABLE] = (("\n".join(lines) + "\n").encode(), "text/csv")
    started = time.time_ns()

    summary = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url)

    assert summary.success, summary.failed
    published = tmp_path / "published"
    from pipelines.tables import registry
    expected = {n for n, s in registry().items() if not s.partition_column}
    written = {p.stem for p in published.glob("*.parquet")
               if p.stat().st_mtime_ns >= started}
    assert expected <= written                      # every table, the claims included
    rejected = pd.read_parquet(published / "rejected_rows.parquet")
    rejected = rejected[rejected["version"] == LB_VERSION]
    assert len(rejected) == 1
    row = rejected.iloc[0]
    assert (row["source_id"], row["version"], row["file"], int(row["line"])) == (
        "livebench", LB_VERSION, "table_2024_11_25.csv", bad_line)
    assert row["raw"] == lines[bad_line - 1] and pd.isna(row["column"])
    assert f"{header_fields - 2} fields, expected {header_fields}" in row["reason"]
    scores = pd.read_parquet(published / "livebench_scores.parquet")
    nov = scores[scores["release"].astype(str) == "2024-11-25"]
    assert bad_model not in set(nov["model_name_raw"])
    assert fields[0] != lines[bad_line].split(",")[0]
    assert lines[bad_line].split(",")[0] in set(nov["model_name_raw"])  # the next row stays
    claims = pd.read_parquet(published / "article_claims.parquet")
    assert claims["verdict"].notna().all() and len(claims) > 0
    assert (published / "report" / "report.html").stat().st_mtime_ns >= started


def test_unusable_release_fails_only_itself(tmp_path, upstream_replay):
    """A release table that cannot be used at all (no ``model`` column) in its newest
    version is refused before it becomes a snapshot (its stream reported ``failed`` in
    source_status, the body kept aside): that version fails alone, the release stands as of
    its previous version (without the models of the bad commit) and the other releases
    publish."""
    real = shared_path("upstream", "files", LB_TABLE.lstrip("/")).read_bytes()
    upstream_replay.files[LB_TABLE] = (b"name" + real[len(b"model"):], "text/csv")
    summary = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url)
    assert summary.success, summary.failed
    published = tmp_path / "published"
    scores = pd.read_parquet(published / "livebench_scores.parquet")
    releases = set(scores["release"].astype(str))
    assert {"2024-11-25", "2024-08-31"} <= releases
    nov = set(scores.loc[scores["release"].astype(str) == "2024-11-25", "model_name_raw"])
    # the release as the previous commit of the mirror's listing left it: the models of the
    # bad commit ("add azerogpt and hunyuan-turbos") absent
    import json
    listing = json.loads(shared_path(
        "upstream", "files", "api.github.com/repos/LiveBench/livebench.github.io/commits/"
        "public__table_2024_11_25.csv.json").read_text())
    assert listing[0]["sha"] == LB_SHA
    before = shared_path("upstream", "files", LB_TABLE.lstrip("/").replace(
        LB_SHA, listing[1]["sha"])).read_bytes()
    models = {line.split(b",")[0].decode() for line in before.splitlines()[1:] if line}
    assert nov == models and "azerogpt" not in nov
    status = pd.read_parquet(published / "source_status.parquet")
    failed = status[(status["source_id"] == "livebench") & (status["status"] == "failed")]
    assert list(failed["stream"]) == [f"livebench/{LB_SHA}/table_2024_11_25.csv"]
    assert "rejected the body" in failed["error"].item()
    assert "expected 'model'" in failed["error"].item()
    assert not (published / "history" / "livebench_history" / f"version={LB_VERSION}").exists()
