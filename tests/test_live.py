"""Live mode against a loopback replay of ../shared/upstream (real upstream bytes)."""
from __future__ import annotations

import pandas as pd
from dagster import DagsterInstance

from assets.registry import load_sources
from tests.conftest import run_pipeline

MIRRORED = ["eto_cat", "cset_1790_patents", "deepseek_v3_card", "deepseek_r1_card",
            "llama31_card", "qwen25_blog"]


def snapshot_records(data_dir):
    return sorted(p.parent.name for p in (data_dir / "snapshots").rglob("record.json"))


def test_live_run_fetches_mirrored_sources_and_survives_hub_404(tmp_path, upstream_replay):
    instance = DagsterInstance.ephemeral()
    first = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url, instance=instance)
    assert first.success
    status = pd.read_parquet(tmp_path / "published" / "source_status.parquet")
    by_source = status.groupby("source_id")["status"].agg(set).to_dict()
    for sid in MIRRORED:
        assert by_source[sid] == {"fetched"}, (sid, by_source[sid])
    hf = status[status["source_id"] == "hf_model_info"]
    assert len(hf) >= 5 and set(hf["status"]) == {"failed"}
    assert set(hf["http_status"]) == {404}
    # every fetched body equals the upstream file byte for byte (sha256 of the mirror file)
    import hashlib

    from tests.conftest import shared_path
    index = pd.read_csv(shared_path("upstream", "index.tsv"), sep="\t")
    sources = load_sources()
    for sid in MIRRORED:
        row = index[index["url"] == sources[sid]["url"]].iloc[0]
        digest = hashlib.sha256(shared_path("upstream", row["file"]).read_bytes()).hexdigest()
        assert status.loc[status["source_id"] == sid, "sha256"].item() == digest
    snaps = snapshot_records(tmp_path)
    assert len(snaps) == len(MIRRORED)

    second = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url, instance=instance)
    assert second.success
    status2 = pd.read_parquet(tmp_path / "published" / "source_status.parquet")
    for sid in MIRRORED:
        assert set(status2.loc[status2["source_id"] == sid, "status"]) == {"unchanged"}
    assert snapshot_records(tmp_path) == snaps
    # the second run asked conditionally (If-None-Match) for the mirrored files
    conditional = [p for p, h in upstream_replay.requests if "If-None-Match" in h]
    assert len(conditional) >= len(MIRRORED)

    # offline afterwards: the newest local snapshots are used, no request is made
    n = len(upstream_replay.requests)
    third = run_pipeline(tmp_path, mode="offline", mirror=upstream_replay.url, instance=instance)
    assert third.success and len(upstream_replay.requests) == n
    status3 = pd.read_parquet(tmp_path / "published" / "source_status.parquet")
    mirrored = status3[status3["source_id"].isin(MIRRORED)]
    assert set(mirrored["status"]) == {"offline"} and mirrored["sha256"].notna().all()
