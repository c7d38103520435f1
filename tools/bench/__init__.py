"""Benchmarks (``make bench``): each figure next to its floor, side by side, in fresh
processes, interleaved; medians of repeats (min / median / max in ``bench/results.json``).
Never part of ``make test``; nothing here is asserted in tests but the pieces' correctness.

1. ``main_job``: the cold offline update (``make run``'s jobs through
   :func:`pipelines.runner.update_all`) against the same asset graph with no-op bodies
   (:mod:`tools.bench.floor`).
2. ``refresh``: live updates against a loopback replay of ``../shared/upstream``, cold then
   warm (nothing changed): time, bytes, api.github.com calls, assets materialized.
3. ``startup``: ``import pipelines.definitions`` against ``import dagster, pandas,
   pyarrow``; whether Great Expectations got imported.
4. ``patents``: ``family_offices`` against DuckDB at x1, x10, x50 (:mod:`tools.bench.patents`).
"""
from __future__ import annotations

import argparse
import json
import time

from tools.bench.measure import PROJECT, emit, machine

FIGURES = ("startup", "main_job", "refresh", "patents")
RESULTS = PROJECT / "bench" / "results.json"


def main(argv: list[str] | None = None) -> int:
    """Run the figures, print the table, write ``bench/results.json``; or run one child."""
    from tools.bench import children, figures, report

    parser = argparse.ArgumentParser(prog="python -m tools.bench")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of quick figures")
    parser.add_argument("--slow-repeats", type=int, default=1,
                        help="repeats of the live refreshes and of the patent step at x50 "
                             "(the main job: twice that)")
    parser.add_argument("--only", choices=FIGURES, action="append",
                        help="run only these figures (results.json keeps the others)")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        emit(children.main(args.child))
        return 0
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() and args.only else {}
    results["machine"] = machine()
    t0 = time.perf_counter()
    repeats = {"startup": args.repeats, "main_job": 2 * args.slow_repeats,
               "refresh": args.slow_repeats, "patents": (args.repeats, args.slow_repeats)}
    for name in args.only or FIGURES:
        print(f"... {name}", flush=True)
        results[name] = getattr(figures, name)(repeats[name])
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(report.table(results))
    if line := report.breakdown(results):
        print(line)
    print(f"written: {RESULTS.relative_to(PROJECT)}")
    return 0
