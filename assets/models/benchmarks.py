"""Benchmark identity: a benchmark as a model card prints it -> a stable id, its unit, its
direction and its scale, by the rules of ``assets/registry/benchmarks.yaml`` (MATH is not
MATH-500, GPQA is not GPQA-Diamond ...). Names that match no rule keep a null id, never
guessed.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from assets.registry import RegistryError
from pipelines.yamlfile import load_yaml

BENCHMARKS_FILE = Path(__file__).parents[1] / "registry" / "benchmarks.yaml"


@cache
def load_benchmarks() -> dict:
    """``benchmarks.yaml``: ``metrics`` (unit/direction/scale by metric) and ``benchmarks``.

    Raises:
        RegistryError: duplicate benchmark id, or an entry without ``id``/``match``/``rule``,
            or a ``match`` item with neither ``name`` nor ``pattern``.
    """
    doc = load_yaml(BENCHMARKS_FILE)
    seen = set()
    for b in doc["benchmarks"]:
        for item in b.get("match", []):
            if isinstance(item, dict) and not ("name" in item or "pattern" in item):
                raise RegistryError(f"{BENCHMARKS_FILE.name}: {b.get('id')!r}: match item "
                                    f"{item!r} has neither 'name' nor 'pattern'")
        for key in ("id", "match", "rule"):
            if key not in b:
                raise RegistryError(f"{BENCHMARKS_FILE.name}: entry {b.get('id')!r} lacks {key!r}")
        if b["id"] in seen:
            raise RegistryError(f"{BENCHMARKS_FILE.name}: duplicate benchmark id {b['id']!r}")
        seen.add(b["id"])
    return doc


@lru_cache(maxsize=4096)  # the claim rules fold the same few names tens of thousands of times
def _norm(s: str | None) -> str:
    """``s`` folded for matching: lower case, without spaces, ``-``, ``_`` and ``.``."""
    return "" if s is None else re.sub(r"[\s\-_.]+", "", str(s)).lower()


def _match_score(item: dict | str, benchmark: str, metric: str | None,
                 evaluator: str | None) -> int | None:
    """How specific a ``match`` item is for this benchmark (0, +1 per metric or evaluator
    it requires), or None when it does not match."""
    item = item if isinstance(item, dict) else {"name": item}
    if "pattern" in item:
        if not re.fullmatch(item["pattern"], str(benchmark).strip(), flags=re.I):
            return None
    elif _norm(item["name"]) != _norm(benchmark):
        return None
    score = 0
    if "metric" in item:
        if _norm(item["metric"]) != _norm(metric):
            return None
        score += 1
    if "evaluator" in item:
        if evaluator is None or not str(evaluator).startswith(item["evaluator"]):
            return None
        score += 1
    return score


def _best_entry(entries: list[dict], benchmark: str, metric: str | None,
                evaluator: str | None) -> dict | None:
    """The entry with the most specific matching item (the first one on a tie), or None."""
    best, best_score = None, -1
    for entry in entries:
        for item in entry["match"]:
            score = _match_score(item, benchmark, metric, evaluator)
            if score is not None and score > best_score:
                best, best_score = entry, score
    return best


def benchmark_identity(benchmark: str, metric: str | None = None,
                       evaluator: str | None = None) -> dict[str, Any]:
    """Normalised identity of a benchmark as a card prints it.

    Returns ``{"benchmark_id": str | None, "higher_is_better": bool, "unit": str,
    "scale_max": float}``. ``benchmark_id`` is None when no entry of ``benchmarks.yaml``
    matches (never guessed). Matching is exact after folding case, spaces, ``-``, ``_`` and
    ``.``; an entry's ``match`` item may also require the metric and/or the evaluator, and the
    most specific matching item wins. Unit, direction and scale come from the benchmark entry,
    overridden by a matching entry of ``metrics`` (bits per byte: lower is better; ratings).
    Without a match: percent, higher is better, scale 100.
    """
    doc = load_benchmarks()
    best = _best_entry(doc["benchmarks"], benchmark, metric, evaluator)
    out = {"benchmark_id": None, "higher_is_better": True, "unit": "percent",
           "scale_max": 100.0}
    if best is not None:
        out["benchmark_id"] = best["id"]
        out["higher_is_better"] = best.get("direction", "higher") == "higher"
        out["unit"] = best.get("unit", "percent")
        out["scale_max"] = float(best.get("scale_max", 100))
    n_m = _norm(metric)
    for m in doc.get("metrics", []):
        if n_m and n_m in {_norm(x) for x in m["match"]}:
            out["higher_is_better"] = m.get("direction", "higher") == "higher"
            out["unit"] = m.get("unit", out["unit"])
            out["scale_max"] = float(m.get("scale_max", out["scale_max"]))
    return out
