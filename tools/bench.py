"""Benchmarks (``make bench``): ratios measured side by side, never asserted in tests.

1. The patent-level step: :func:`assets.patents.patentdb.family_offices` (pyarrow, columnar) on the
   real CSET/1790 zip (76 MB CSV) against a plain pandas baseline doing the same counts
   (``pd.read_csv`` + groupby), runs interleaved, median of N each, with the speed ratio
   and each one's peak resident memory (measured in a child process).
2. A whole offline ``make run`` equivalent into a temporary folder (wall time, for scale).

Reads ``../shared/upstream`` (the real upstream bytes); says so and skips a benchmark when
it is absent.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PATENTDB = (PROJECT.parent / "shared" / "upstream" / "files" / "raw.githubusercontent.com"
            / "georgetown-cset" / "1790-ai-patent-data"
            / "cf8cef13916d3851ad2532c38dea3652e7e23ff5" / "patent_database.csv.zip")


def pandas_baseline(data: bytes):
    """Families per office, only there, also at another office: plain pandas."""
    import pandas as pd

    zf = zipfile.ZipFile(io.BytesIO(data))
    name = next(n for n in zf.namelist() if n.endswith(".csv") and "__MACOSX" not in n)
    df = pd.read_csv(zf.open(name), usecols=["Publication_country", "Simple_family_ID"])
    pairs = df.drop_duplicates()
    national = pairs[pairs["Publication_country"] != "WO"]
    n_offices = national.groupby("Simple_family_ID")["Publication_country"].nunique()
    pairs = pairs.join(n_offices.rename("n_national"), on="Simple_family_ID")
    pairs["n_national"] = pairs["n_national"].fillna(0)
    own = (pairs["Publication_country"] != "WO").astype(int)
    pairs["elsewhere"] = (pairs["n_national"] - own) > 0
    out = pairs.groupby("Publication_country").agg(
        families=("Simple_family_ID", "size"), also_elsewhere=("elsewhere", "sum"))
    return out


def _child(kind: str) -> None:
    import resource

    data = PATENTDB.read_bytes()
    t0 = time.perf_counter()
    if kind == "pyarrow":
        from assets.patents.patentdb import family_offices

        family_offices(data, "bench")
    else:
        pandas_baseline(data)
    seconds = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": rss_mb}))


def _run_child(kind: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "tools.bench", "--child", kind], cwd=PROJECT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_patent_offices(repeats: int) -> None:
    if not PATENTDB.exists():
        print(f"patent-level step: skipped, {PATENTDB} is absent")
        return
    # same answer first: CN families and families also elsewhere
    from assets.patents.patentdb import SCOPE_ALL, family_offices

    data = PATENTDB.read_bytes()
    ours = family_offices(data, "bench")
    ours = ours[ours["scope"] == SCOPE_ALL].set_index("office")
    base = pandas_baseline(data)
    assert int(ours.loc["CN", "families"]) == int(base.loc["CN", "families"])
    assert int(ours.loc["CN", "families_also_elsewhere"]) == int(base.loc["CN", "also_elsewhere"])
    results = {"pyarrow": [], "pandas": []}
    for _ in range(repeats):  # interleaved, so load on the machine hits both alike
        for kind in results:
            results[kind].append(_run_child(kind))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    rss = {k: max(r["peak_rss_mb"] for r in v) for k, v in results.items()}
    print(f"patent-level step on the 76 MB CSET/1790 CSV ({repeats} interleaved runs each, "
          "median, each in a fresh process):")
    for k in results:
        print(f"  {k:8s} {med[k]:6.2f} s   peak RSS {rss[k]:7.0f} MB")
    print(f"  ratio pandas / pyarrow: {med['pandas'] / med['pyarrow']:.1f}x time, "
          f"{rss['pandas'] / rss['pyarrow']:.1f}x memory")


def bench_offline_run() -> None:
    from dagster import DagsterInstance

    from pipelines.runner import resource_config, update_all

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = update_all(DagsterInstance.ephemeral(),
                             run_config=resource_config(data_dir=tmp, mode="offline"),
                             log=lambda m: None)
        seconds = time.perf_counter() - t0
    print(f"offline run (discover + publish, embedded default): {seconds:.1f} s, "
          f"{len(summary.runs)} run(s), {'ok' if summary.success else 'FAILED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=["pyarrow", "pandas"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    bench_patent_offices(args.repeats)
    bench_offline_run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
