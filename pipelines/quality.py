"""Great Expectations (GX Core 1.x) suites, run on DataFrames and mapped to asset checks.

Suites are GX 1.x JSON files in ``expectations/``, named after the table they check
(``expectations/<table>.json``) and loaded with ``gx.ExpectationSuite(**data)``. Each
expectation carries a ``severity``: ``critical`` failures block publishing (the asset check
is ``ERROR`` and the table is not written), ``warning`` failures are reported (``WARN``).

GX is imported lazily (about 2 s) and one ephemeral context is kept per process, with
progress bars off.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"


class SuiteError(ValueError):
    """A suite file is missing, not GX 1.x JSON, or names an unknown expectation."""


@dataclass
class ExpectationOutcome:
    """One expectation's result: its type, kwargs, severity, success and observed value."""

    type: str
    kwargs: dict
    severity: str
    success: bool
    observed: Any = None
    unexpected: list = field(default_factory=list)

    def describe(self) -> str:
        cols = [f"{k}={v}" for k, v in self.kwargs.items()
                if k.startswith("column") and v is not None]
        text = f"{self.type}({', '.join(cols)})" if cols else self.type
        if self.observed is not None:
            text += f": observed {self.observed}"
        if self.unexpected:
            text += f"; unexpected e.g. {self.unexpected[:5]}"
        return text


@dataclass
class SuiteResult:
    """A suite run on one DataFrame: every outcome, and whether critical ones all passed."""

    suite: str
    rows: int
    outcomes: list[ExpectationOutcome]

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def critical_failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.failed if o.severity == "critical"]

    @property
    def passed(self) -> bool:
        """True when no critical expectation failed (warnings do not block)."""
        return not self.critical_failed

    def summary_markdown(self) -> str:
        """A markdown table of every expectation and its result, for check metadata."""
        lines = ["| expectation | severity | result |", "|---|---|---|"]
        for o in self.outcomes:
            mark = "pass" if o.success else "**FAIL**"
            lines.append(f"| {o.describe().replace('|', '/')} | {o.severity} | {mark} |")
        return "\n".join(lines)


def suite_path(name: str) -> Path:
    return EXPECTATIONS_DIR / f"{name}.json"


def suite_names() -> list[str]:
    """Names of every suite file in ``expectations/``."""
    return sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json"))


@cache
def load_suite(name: str):
    """The ``gx.ExpectationSuite`` of ``expectations/<name>.json``.

    Raises:
        SuiteError: naming the file, when it is missing, not JSON, or not GX 1.x.
    """
    path = suite_path(name)
    if not path.exists():
        raise SuiteError(f"no expectation suite {path.name} in {EXPECTATIONS_DIR.name}/")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path.name}: not JSON: {exc}") from exc
    if "expectation_suite_name" in data or "expectations" not in data:
        raise SuiteError(f"{path.name}: not a GX 1.x suite (0.x key or no 'expectations')")
    _context()
    import great_expectations as gx

    try:
        suite = gx.ExpectationSuite(**data)
    except Exception as exc:  # GX raises several types for bad expectation configs
        raise SuiteError(f"{path.name}: {type(exc).__name__}: {exc}") from exc
    # GX logs and drops an expectation it cannot build (a misspelt type): refuse instead
    built = {e.expectation_type for e in suite.expectations}
    dropped = [e.get("type") for e in data["expectations"] if e.get("type") not in built]
    if dropped or len(suite.expectations) != len(data["expectations"]):
        raise SuiteError(f"{path.name}: expectation(s) GX could not build: {dropped}")
    return suite


@cache
def _context():
    """One ephemeral GX context per process, progress bars off (GX imported here, lazily)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


@cache
def _batch_definition():
    asset = _context().data_sources.add_pandas("ai_numbers").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole")


def validate_frame(df: pd.DataFrame, suite_name: str) -> SuiteResult:
    """Validate ``df`` with ``expectations/<suite_name>.json``.

    Returns a :class:`SuiteResult`; use ``.passed`` to decide whether to publish.

    Raises:
        SuiteError: the suite cannot be loaded.
    """
    suite = load_suite(suite_name)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": df})
    result = batch.validate(suite, result_format="SUMMARY")
    outcomes = []
    for r in result.results:
        cfg = r.expectation_config
        res = r.result or {}
        outcomes.append(ExpectationOutcome(
            type=cfg.type,
            kwargs={k: v for k, v in cfg.kwargs.items() if k != "batch_id"},
            severity=str(getattr(cfg, "severity", "critical") or "critical").split(".")[-1].lower(),
            success=bool(r.success),
            observed=_jsonable(res.get("observed_value")),
            unexpected=_jsonable(res.get("partial_unexpected_list") or []),
        ))
    return SuiteResult(suite=suite_name, rows=len(df), outcomes=outcomes)


def _jsonable(v: Any) -> Any:
    try:
        json.dumps(v)
        return v
    except TypeError:
        return str(v)
