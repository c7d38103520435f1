"""Running one measurement in a fresh process, and summarising repeats.

A child is ``python -m tools.bench --child KIND ARGS...``; it prints one JSON object on its
last line of stdout (``seconds``, ``peak_rss_mb`` and whatever else it measured).
"""
from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
VERSIONS = ("dagster", "pandas", "pyarrow", "duckdb", "great-expectations")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(result: dict) -> None:
    """Print a child's result (adds ``peak_rss_mb``) as the last line of stdout."""
    print(json.dumps({**result, "peak_rss_mb": round(peak_rss_mb(), 1)}), flush=True)


def run_child(*args: str, env: dict | None = None) -> dict:
    """Run ``python -m tools.bench --child *args`` in a fresh process; its JSON result plus
    ``process_seconds`` (wall time of the whole process, interpreter start included).

    Raises:
        RuntimeError: the child failed (its stderr's tail is in the message).
    """
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tools.bench", "--child", *args], cwd=PROJECT,
                         capture_output=True, text=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args} failed ({out.returncode}): {out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {**result, "process_seconds": elapsed}


def interleaved(kinds: dict[str, tuple], repeats: int) -> dict[str, list[dict]]:
    """Run each child of ``kinds`` (name -> child args) ``repeats`` times, interleaved
    (a, b, a, b, ...) so that load on the machine hits all alike."""
    results: dict[str, list[dict]] = {name: [] for name in kinds}
    for _ in range(repeats):
        for name, args in kinds.items():
            results[name].append(run_child(*args))
    return results


def spread(values: list[float]) -> dict:
    """``{"min", "median", "max"}`` of ``values`` (rounded to 3 decimals)."""
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3),
            "max": round(max(values), 3)}


def summarize(runs: list[dict], *fields: str) -> dict:
    """:func:`spread` of each of ``fields`` over ``runs``, plus ``repeats``."""
    return {"repeats": len(runs), **{f: spread([r[f] for r in runs]) for f in fields}}


def ratio(a: dict, b: dict, field: str = "seconds") -> float:
    """Median of ``a[field]`` over median of ``b[field]`` (two :func:`summarize` results)."""
    return round(a[field]["median"] / b[field]["median"], 2)


def machine() -> dict:
    """Facts about this machine and the library versions (no paths, no host name)."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for name in VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_gb, 1),
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "versions": versions}
