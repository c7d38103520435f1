"""The four figures of ``make bench``, each measured side by side with its floor in fresh
processes, interleaved; each returns a dict for ``bench/results.json``."""
from __future__ import annotations

import tempfile
from pathlib import Path

from tools.bench.breakdown import BUCKETS
from tools.bench.measure import PROJECT, interleaved, ratio, run_child, summarize

UPSTREAM = PROJECT.parent / "shared" / "upstream"
PATENTDB_URL = ("https://raw.githubusercontent.com/georgetown-cset/1790-ai-patent-data/"
                "cf8cef13916d3851ad2532c38dea3652e7e23ff5/patent_database.csv.zip")


def startup(repeats: int) -> dict:
    """Figure 3: ``import pipelines.definitions`` against ``import dagster, pandas,
    pyarrow`` (whole fresh processes, interpreter start included in both)."""
    runs = interleaved({"definitions": ("startup", "defs"), "floor": ("startup", "floor")},
                       repeats)
    out = {name: summarize(r, "process_seconds", "seconds", "peak_rss_mb")
           for name, r in runs.items()}
    out["ratio"] = ratio(out["definitions"], out["floor"], "process_seconds")
    out["great_expectations_loaded"] = any(r["great_expectations_loaded"]
                                           for r in runs["definitions"])
    return out


def main_job(repeats: int) -> dict:
    """Figure 1: the cold offline update (``make run``'s jobs) into an empty data dir and
    instance, against the no-op copy of the same graph (:mod:`tools.bench.floor`); with the
    time inside GX validations and the charts (:mod:`tools.bench.breakdown`)."""
    runs: dict[str, list[dict]] = {"job": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="ai-numbers-bench-") as tmp:
        for i in range(repeats):
            for name, which in (("job", "real"), ("floor", "floor")):
                data, inst = Path(tmp, f"{name}{i}", "data"), Path(tmp, f"{name}{i}", "dh")
                inst.mkdir(parents=True)
                runs[name].append(run_child("update", which, str(data), str(inst)))
    out = {name: summarize(r, "seconds", "peak_rss_mb", "materialized", "snapshots",
                           *BUCKETS) for name, r in runs.items()}
    out["ratio"] = ratio(out["job"], out["floor"])
    return out


def refresh(repeats: int) -> dict:
    """Figure 2: a live update against a loopback replay of ``../shared/upstream`` into an
    empty data dir and instance (cold), then again with nothing changed (warm), each in a
    fresh process: wall time, bytes served, api.github.com requests, assets materialized."""
    if not UPSTREAM.exists():
        return {"skipped": f"{UPSTREAM.name} is absent"}
    runs: dict[str, list[dict]] = {"cold": [], "warm": []}
    from tools.replay import ReplayServer

    with tempfile.TemporaryDirectory(prefix="ai-numbers-bench-") as tmp, \
            ReplayServer(UPSTREAM) as server:
        for i in range(repeats):
            data, inst = Path(tmp, str(i), "data"), Path(tmp, str(i), "dh")
            inst.mkdir(parents=True)
            for name in runs:
                server.sent, start = 0, len(server.requests)
                result = run_child("update", "real", str(data), str(inst), "live", server.url)
                paths = [p for p, _ in server.requests[start:]]
                result["bytes"] = server.sent
                result["requests"] = len(paths)
                result["api_calls"] = sum(p.startswith("/api.github.com/") for p in paths)
                if name == "cold" and not result["bytes"]:
                    raise SystemExit("refresh: the replay sent the cold run nothing: it would "
                                     "time a fallback to local snapshots, not a refresh")
                runs[name].append(result)
    out = {name: summarize(r, "seconds", "peak_rss_mb", "bytes", "requests", "api_calls",
                           "materialized", "snapshots", "partitions")
           for name, r in runs.items()}
    for name, r in runs.items():  # requests that failed, per host (the same in every repeat)
        out[name]["http_failed"] = r[-1]["http_failed"]
    out["ratio"] = ratio(out["warm"], out["cold"])
    return out


def _patentdb_zip() -> Path | None:
    import csv

    index = UPSTREAM / "index.tsv"
    if not index.exists():
        return None
    with index.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["url"] == PATENTDB_URL:
                return UPSTREAM / row["file"]
    return None


def patents(repeats: tuple[int, int], factors: tuple[int, ...] = (1, 10, 50)) -> dict:
    """Figure 4: ``family_offices`` against DuckDB on the real CSET/1790 rows and synthetic
    copies; asserts (here, not in tests) that both give the same table at every size.
    ``repeats``: (below x50, at x50), a pair of x50 runs taking about two minutes."""
    import pandas as pd

    from tools.bench.patents import write_copies

    source = _patentdb_zip()
    if source is None:
        return {"skipped": "the CSET/1790 file is absent from ../shared/upstream"}
    out = {}
    with tempfile.TemporaryDirectory(prefix="ai-numbers-bench-") as tmp:
        for factor in factors:
            csv_path, zip_path = write_copies(source, Path(tmp), factor)
            res = {name: str(Path(tmp, f"{name}{factor}.parquet")) for name in ("ours", "duckdb")}
            runs = interleaved({"ours": ("patents", "ours", str(zip_path), res["ours"]),
                                "duckdb": ("patents", "duckdb", str(csv_path), res["duckdb"])},
                               repeats[0] if factor < 50 else repeats[1])
            pd.testing.assert_frame_equal(pd.read_parquet(res["ours"]),
                                          pd.read_parquet(res["duckdb"]))
            size = {name: summarize(r, "seconds", "peak_rss_mb") for name, r in runs.items()}
            size["csv_mb"] = round(csv_path.stat().st_size / 2**20, 1)
            size["rows"] = 287_532 * factor if factor else None
            size["ratio"] = ratio(size["ours"], size["duckdb"])
            size["memory_over_csv"] = round(size["ours"]["peak_rss_mb"]["max"] / size["csv_mb"], 2)
            size["equal_results"] = True
            out[f"x{factor}"] = size
            csv_path.unlink()
            zip_path.unlink()
    return out
