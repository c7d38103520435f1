"""Live mode against a loopback replay of ../shared/upstream (real upstream bytes)."""
from __future__ import annotations

import pandas as pd
from dagster import DagsterInstance

from assets.registry import load_sources
from pipelines.fetching import read_status
from tests.helpers import run_pipeline

MIRRORED = ["eto_cat", "cset_1790_patents", "deepseek_v3_card", "deepseek_r1_card",
            "llama31_card", "qwen25_blog", "lmarena_history", "livebench"]
SINGLE_FILE = MIRRORED[:6]


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
    from assets.models.hub import hub_streams
    hf = status[status["source_id"] == "hf_model_info"]
    assert len(hf) == len(hub_streams(load_sources()["hf_model_info"]))
    assert set(hf["status"]) == {"failed"}
    assert set(hf["http_status"]) == {404}
    # every fetched body equals the upstream file byte for byte (sha256 of the mirror file)
    import hashlib

    from tests.helpers import shared_path
    index = pd.read_csv(shared_path("upstream", "index.tsv"), sep="\t")
    sources = load_sources()
    for sid in SINGLE_FILE:
        row = index[index["url"] == sources[sid].url].iloc[0]
        digest = hashlib.sha256(shared_path("upstream", row["file"]).read_bytes()).hexdigest()
        assert status.loc[status["source_id"] == sid, "sha256"].item() == digest
    # every file of the mirror that the pipeline reads became exactly one snapshot: the 6
    # single files, the arena commits listing and its 44 versions, the LiveBench listing,
    # the commits listing of each release file and the file at each listed commit that is
    # the last of its UTC date (an earlier commit of the same date is no version). The
    # release files on the main branch are not read (the newest commit's file is that state).
    import json
    lb_main = index["url"].str.contains(r"livebench\.github\.io/main/public/", regex=True)
    superseded = set()
    for url in index.loc[index["url"].str.contains("livebench.github.io/commits"), "url"]:
        file = url.rsplit("public/", 1)[1]
        last_of_day = {}
        for c in json.loads(shared_path(
                "upstream", index.loc[index["url"] == url, "file"].item()).read_text()):
            t = pd.Timestamp(c["commit"]["committer"]["date"]).tz_convert("UTC")
            day = f"{t:%Y-%m-%d}"
            if day in last_of_day and last_of_day[day][0] > t:
                superseded.add((c["sha"], file))
                continue
            if day in last_of_day:
                superseded.add((last_of_day[day][1], file))
            last_of_day[day] = (t, c["sha"])
    not_read = {f"https://raw.githubusercontent.com/LiveBench/livebench.github.io/{sha}/public/"
                f"{file}" for sha, file in superseded}
    read = index.loc[~lb_main & ~index["url"].isin(not_read), "file"].unique()
    digests = {hashlib.sha256(shared_path("upstream", f).read_bytes()).hexdigest()
               for f in read}
    snaps = snapshot_records(tmp_path)
    assert len(snaps) == len(read) and set(snaps) == digests
    # one arena partition per version date in the mirror's commit listing
    arena_listing = index["url"].str.contains("llm-leaderboard-csv/commits")
    listing = json.loads(shared_path("upstream", index.loc[arena_listing, "file"].iloc[0])
                         .read_text())
    dates = {c["commit"]["committer"]["date"][:10] for c in listing}
    arena_done = [k for k in first.materialized_partitions if "@" not in k]
    assert sorted(arena_done) == sorted(dates)
    history = sorted((tmp_path / "published" / "history" / "arena_scores").glob("*/part-0.parquet"))
    assert [p.parent.name for p in history] == [f"snapshot_date={d}" for d in sorted(dates)]
    # one LiveBench partition per release and UTC date on which its table or categories
    # file was committed (the mirror's commits listings), once both files exist
    expected = set()
    for release in ("2024_06_24", "2024_07_26", "2024_08_31", "2024_11_25"):
        times = {}
        for kind, ext in (("table", "csv"), ("categories", "json")):
            url = ("https://api.github.com/repos/LiveBench/livebench.github.io/commits?path="
                   f"public/{kind}_{release}.{ext}")
            commits = json.loads(shared_path(
                "upstream", index.loc[index["url"] == url, "file"].item()).read_text())
            times[kind] = [pd.Timestamp(c["commit"]["committer"]["date"]).tz_convert("UTC")
                           for c in commits]
        start = max(min(t) for t in times.values()).strftime("%Y-%m-%d")
        expected |= {f"{release.replace('_', '-')}@{t:%Y-%m-%d}"
                     for t in times["table"] + times["categories"]
                     if f"{t:%Y-%m-%d}" >= start}
    assert sorted(k for k in first.materialized_partitions if "@" in k) == sorted(expected)

    # LiveBench is read by the claims as it stood on the article's date: Qwen2.5-Max was
    # added to the 2024-11-25 table after it (the first commit of the mirror's listing whose
    # file names it), so it is in the newest livebench_scores but no claim evidence
    from assets.claims.evidence import article_date
    lb_url = ("https://api.github.com/repos/LiveBench/livebench.github.io/commits?path="
              "public/table_2024_11_25.csv")
    commits = json.loads(shared_path(
        "upstream", index.loc[index["url"] == lb_url, "file"].item()).read_text())
    added = min(pd.Timestamp(c["commit"]["committer"]["date"]).tz_convert("UTC").date()
                for c in commits if b"\nqwen2.5-max," in shared_path(
                    "upstream", "files", "raw.githubusercontent.com/LiveBench/"
                    f"livebench.github.io/{c['sha']}/public/table_2024_11_25.csv").read_bytes())
    assert added > article_date()
    scores = pd.read_parquet(tmp_path / "published" / "livebench_scores.parquet")
    assert "qwen2.5-max" in set(scores.loc[scores["release"].astype(str) == "2024-11-25",
                                           "model_name_raw"])
    evidence = pd.read_parquet(tmp_path / "published" / "claim_evidence.parquet")
    lb_rows = evidence[evidence["table"] == "livebench_summary"]
    assert len(lb_rows) and not lb_rows["key"].str.contains("qwen2.5-max").any()
    qwen = pd.read_parquet(tmp_path / "published" / "article_claims.parquet").set_index(
        "claim_id").loc["qwen_matches_western"]
    # no evidence for Qwen2.5-Max against either comparator on the article's date
    assert "qwen2.5-max vs llama-3.1-405b-instruct: no shared benchmark" in qwen["explanation"]
    assert "qwen2.5-max vs claude-3.5-sonnet-20241022: no shared benchmark" in \
        qwen["explanation"]

    # every reference figure with a primary source agrees with what the pipeline computed
    agreement = pd.read_parquet(tmp_path / "published" / "reference_agreement.parquet")
    from assets.reference import load_reference
    cited = len(load_reference("benchmark_figures")) + (
        load_reference("patent_figures")["status"] == "data_file").sum()
    assert len(agreement) == cited and set(agreement["status"]) == {"agrees"}

    second = run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url, instance=instance)
    assert second.success
    # nothing changed, so source_status.parquet is not rebuilt (test_warm_refresh.py): this
    # run's requests are the status rows it wrote
    status2 = read_status(tmp_path / "status", load_sources())
    for sid in MIRRORED:
        assert set(status2.loc[status2["source_id"] == sid, "status"]) == {"unchanged"}
    assert snapshot_records(tmp_path) == snaps
    assert second.new_partitions == [] and second.materialized_partitions == []
    # the second run asked conditionally (If-None-Match) for the mirrored files
    conditional = [p for p, h in upstream_replay.requests if "If-None-Match" in h]
    assert len(conditional) >= len(MIRRORED)

    # offline afterwards: the newest local snapshots are used, no request is made
    n = len(upstream_replay.requests)
    third = run_pipeline(tmp_path, mode="offline", mirror=upstream_replay.url, instance=instance)
    assert third.success and len(upstream_replay.requests) == n
    status3 = read_status(tmp_path / "status", load_sources())
    mirrored = status3[status3["source_id"].isin(MIRRORED)]
    assert set(mirrored["status"]) == {"offline"} and mirrored["sha256"].notna().all()


def test_deepseek_v3_first_arena_version_is_visible_in_history(tmp_path, upstream_replay):
    """DeepSeek-V3's first arena version and score, from the history files, equal the figure
    cited in shared/reference/benchmark_figures.csv (version 2024-12-31, 1315)."""
    import duckdb

    from tests.helpers import shared_path
    ref = pd.read_csv(shared_path("reference", "benchmark_figures.csv"))
    cited = ref[(ref["kind"] == "arena_score") & (ref["model"] == "deepseek-v3")]
    first_cited = cited.sort_values("date").iloc[0]
    assert run_pipeline(tmp_path, mode="live", mirror=upstream_replay.url).success
    glob = tmp_path / "published" / "history" / "arena_scores" / "*" / "*.parquet"
    row = duckdb.sql(
        f"SELECT snapshot_date, score FROM read_parquet('{glob}', hive_partitioning=true, "
        "hive_types={'snapshot_date': DATE}) WHERE model_id = 'deepseek-v3' "
        "ORDER BY snapshot_date LIMIT 1").fetchall()[0]
    assert str(row[0]) == first_cited["date"] and row[1] == first_cited["value"]
