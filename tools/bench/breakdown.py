"""Where the cold main job spends its time beyond the floor, timed inside the measured update.

Two libraries have fixed costs the floor does not pay. They are timed by wrapping, for the
length of one update, the functions the steps call:

- ``gx_seconds``: inside Great Expectations validations (``pipelines.publish.validate_frame``,
  what every published table's audit calls). The first one imports GX and builds its context.
- ``charts_seconds``: inside the claims report's charts (``assets.claims.report``'s
  ``mission_charts``, ``evidence_chart`` and ``save``): importing matplotlib, drawing the
  figures and writing each as SVG and PNG. A little of the project's own code runs in there
  too (picking each chart's rows).

What is left, the job minus the floor minus both, is the project's own work: parsing the
snapshots, the claim rules, the Parquet writes, the catalog, the report page, and the
Dagster events those add (:func:`tools.bench.report.breakdown`).
"""
from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: bucket -> the (module, function) pairs timed into it; each function is looked up where
#: the steps call it, so the wrapper is what they call.
BUCKETS: dict[str, tuple[tuple[str, str], ...]] = {
    "gx_seconds": (("pipelines.publish", "validate_frame"),),
    "charts_seconds": (("assets.claims.report", "mission_charts"),
                       ("assets.claims.report", "evidence_chart"),
                       ("assets.claims.report", "save")),
}


def _timer(function: Callable, totals: dict[str, float], bucket: str) -> Callable:
    @functools.wraps(function)
    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[bucket] += time.perf_counter() - t0
    return timed


@contextmanager
def timed_buckets() -> Iterator[dict[str, float]]:
    """Within the block, time every call of the :data:`BUCKETS` functions; yields the totals
    (bucket -> seconds, filled as the calls return). The functions are restored on exit.

    Raises:
        AttributeError: a function of :data:`BUCKETS` is no longer where the steps call it
            (renamed or moved: the breakdown would silently read 0).
    """
    totals = dict.fromkeys(BUCKETS, 0.0)
    patched = []
    try:
        for bucket, targets in BUCKETS.items():
            for module_name, name in targets:
                module = importlib.import_module(module_name)
                original = getattr(module, name)
                setattr(module, name, _timer(original, totals, bucket))
                patched.append((module, name, original))
        yield totals
    finally:
        for module, name, original in reversed(patched):
            setattr(module, name, original)
