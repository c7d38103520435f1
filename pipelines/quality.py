"""Great Expectations (GX Core 1.x) suites, run on DataFrames and mapped to asset checks.

A table's suite has two parts, run together in one GX validation:

- the **structural** expectations, generated from the table's spec
  (:func:`structural_expectations`, from :mod:`pipelines.tables`): the column set,
  not-null for each non-nullable column, uniqueness of the primary key;
- the **domain** rules (ranges, value sets, relations between columns), written by hand
  in GX 1.x JSON files in ``expectations/``, named after the table they check
  (``expectations/<table>.json``). They do not restate the structural ones.

Each expectation carries a ``severity``: ``critical`` failures block publishing (the asset
check is ``ERROR`` and the table is not written), ``warning`` failures are reported
(``WARN``). Every structural expectation is critical.

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

from pipelines.mdtable import markdown_table
from pipelines.tables import TableSpec, registry

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
        """A markdown table of every expectation and its result, for check metadata (cells
        escaped: unexpected values come from the data)."""
        return markdown_table(pd.DataFrame(
            [(o.describe(), o.severity, "pass" if o.success else "FAIL")
             for o in self.outcomes], columns=["expectation", "severity", "result"]))


def suite_path(name: str) -> Path:
    return EXPECTATIONS_DIR / f"{name}.json"


def suite_names() -> list[str]:
    """Names of every suite file in ``expectations/``."""
    return sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json"))


#: ``meta`` of every generated expectation (tells them apart from a JSON suite's).
GENERATED_META = {"generated_from": "table spec"}


def structural_expectations(spec: TableSpec) -> list[dict]:
    """The structural expectations of ``spec``'s table, as GX 1.x JSON expectation dicts,
    all ``critical``:

    - ``expect_table_columns_to_match_set`` with ``exact_match``: exactly the spec's
      columns (a missing or an undeclared column fails). In any order: the frame is checked
      before :meth:`TableSpec.conform` puts the columns in the spec's order, and frames
      built with ``reset_index`` or joins legitimately come in another order;
    - ``expect_column_values_to_not_be_null`` for each non-nullable column;
    - ``expect_column_values_to_not_be_null`` with ``mostly = 1 - max_null_fraction`` for
      each nullable column with a null budget below 1 (:attr:`Column.max_null_fraction`):
      a column 60 % or 100 % null fails here even when its range rules pass (GX range
      expectations skip nulls);
    - ``expect_compound_columns_to_be_unique`` on the primary key (``ignore_row_if`` never:
      a row with a null key column still counts), or ``expect_column_values_to_be_unique``
      for a one-column key.

    No type expectations: types belong to the pyarrow schema. :meth:`TableSpec.conform`
    casts every column to its declared type when the table is written and fails on a value
    that does not cast, and GX's type expectations misreport pandas 3 ``str`` columns.
    """
    def exp(type_: str, **kwargs) -> dict:
        return {"type": type_, "kwargs": kwargs, "severity": "critical",
                "meta": dict(GENERATED_META)}

    out = [exp("expect_table_columns_to_match_set", column_set=spec.column_names,
               exact_match=True)]
    out += [exp("expect_column_values_to_not_be_null", column=c.name)
            for c in spec.columns if not c.nullable]
    out += [exp("expect_column_values_to_not_be_null", column=c.name,
                mostly=round(1.0 - c.max_null_fraction, 6))
            for c in spec.columns if c.nullable and c.max_null_fraction < 1.0]
    key = list(spec.primary_key)
    if len(key) == 1:
        out.append(exp("expect_column_values_to_be_unique", column=key[0]))
    elif key:
        out.append(exp("expect_compound_columns_to_be_unique", column_list=key,
                       ignore_row_if="never"))
    return out


def load_suite(name: str):
    """The ``gx.ExpectationSuite`` of table ``name``: the structural expectations generated
    from its spec (when ``name`` is a registered table) followed by the domain rules of
    ``expectations/<name>.json``. Cached per name and spec (``load_suite.cache_clear()``
    empties the cache).

    Raises:
        SuiteError: naming the file, when it is missing, not JSON, or not GX 1.x.
    """
    return _build_suite(name, registry().get(name))


@cache
def _build_suite(name: str, spec: TableSpec | None):
    data = _read_suite_file(name)
    generated = structural_expectations(spec) if spec is not None else []
    data = {**data, "expectations": generated + list(data["expectations"])}
    _context()
    import great_expectations as gx

    path = suite_path(name)
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


load_suite.cache_clear = _build_suite.cache_clear


def _read_suite_file(name: str) -> dict:
    """The JSON of ``expectations/<name>.json`` (the domain rules), checked to be GX 1.x."""
    path = suite_path(name)
    if not path.exists():
        raise SuiteError(f"no expectation suite {path.name} in {EXPECTATIONS_DIR.name}/")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path.name}: not JSON: {exc}") from exc
    if "expectation_suite_name" in data or "expectations" not in data:
        raise SuiteError(f"{path.name}: not a GX 1.x suite (0.x key or no 'expectations')")
    return data


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
    """Validate ``df`` with the suite of table ``suite_name`` (:func:`load_suite`: the
    structural expectations of its spec and the domain rules of its JSON file, in one GX
    validation, so every outcome is listed with its severity).

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
