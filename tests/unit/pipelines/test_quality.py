"""Structural expectations generated from the table specs, run with each suite's domain rules.

The generated part (column list, not-null of non-nullable columns, primary-key uniqueness)
is checked on small hand-made specs, registered under test-only names for one test at a
time (as :mod:`pipelines.quality` sees the registry), whose suite files are written into a
temporary ``expectations/`` folder; it is also checked on a real spec with broken frames; every registered table's suite is then
checked to hold its generated expectations and not to restate them in its JSON file.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import pipelines.quality as q
from pipelines.tables import INT64, STR, Column, TableSpec, registry

ONE_KEY = TableSpec(
    name="test_quality_one_key", title="t", description="a one-column key",
    columns=(Column("id", STR, "id", nullable=False), Column("n", INT64, "count"),
             Column("note", STR, "text")),
    primary_key=("id",), group="test")
TWO_KEYS = TableSpec(
    name="test_quality_two_keys", title="t", description="a compound key, one key column nullable",
    columns=(Column("a", STR, "a", nullable=False), Column("b", STR, "b"),
             Column("v", INT64, "value", nullable=False)),
    primary_key=("a", "b"), group="test")

DOMAIN_RULE = {"type": "expect_column_values_to_be_between", "kwargs": {"column": "n",
               "min_value": 0}, "severity": "warning"}


@pytest.fixture
def suites(tmp_path, monkeypatch):
    """The test tables registered (for this test only: the registry is the project's list
    of published tables), their suite files in a temporary expectations folder."""
    real = registry
    monkeypatch.setattr(q, "registry", lambda: {**real(), ONE_KEY.name: ONE_KEY,
                                                TWO_KEYS.name: TWO_KEYS})
    (tmp_path / f"{ONE_KEY.name}.json").write_text(json.dumps(
        {"name": ONE_KEY.name, "meta": {}, "expectations": [DOMAIN_RULE]}))
    (tmp_path / f"{TWO_KEYS.name}.json").write_text(json.dumps(
        {"name": TWO_KEYS.name, "meta": {}, "expectations": []}))
    (tmp_path / "not_a_table.json").write_text(json.dumps(
        {"name": "not_a_table", "meta": {}, "expectations": [DOMAIN_RULE]}))
    monkeypatch.setattr(q, "EXPECTATIONS_DIR", tmp_path)
    q.load_suite.cache_clear()
    yield tmp_path
    q.load_suite.cache_clear()


def one_key_frame() -> pd.DataFrame:
    return pd.DataFrame({"id": ["x", "y", "z"], "n": [1, 2, None], "note": [None, "a", "b"]})


def two_keys_frame() -> pd.DataFrame:
    return pd.DataFrame({"a": ["x", "x", "y"], "b": ["p", None, None], "v": [1, 2, 3]})


def columns_of(o: q.ExpectationOutcome) -> str:
    kw = o.kwargs
    return str(kw.get("column") or kw.get("column_list") or kw.get("column_set"))


def critical_failures(df: pd.DataFrame, name: str) -> set[tuple[str, str]]:
    return {(o.type, columns_of(o)) for o in q.validate_frame(df, name).critical_failed}


def test_generated_expectations_of_a_spec():
    got = [(e["type"], e["kwargs"], e["severity"]) for e in q.structural_expectations(TWO_KEYS)]
    assert got == [
        ("expect_table_columns_to_match_set",
         {"column_set": ["a", "b", "v"], "exact_match": True}, "critical"),
        ("expect_column_values_to_not_be_null", {"column": "a"}, "critical"),
        ("expect_column_values_to_not_be_null", {"column": "v"}, "critical"),
        ("expect_compound_columns_to_be_unique",
         {"column_list": ["a", "b"], "ignore_row_if": "never"}, "critical"),
    ]
    one = q.structural_expectations(ONE_KEY)
    assert one[-1]["type"] == "expect_column_values_to_be_unique"
    assert one[-1]["kwargs"] == {"column": "id"}
    # no type expectations: types are the pyarrow schema's (TableSpec.conform)
    assert not any("type" in e["type"] for e in one + q.structural_expectations(TWO_KEYS))


def test_a_good_frame_passes_with_generated_and_domain_expectations(suites):
    result = q.validate_frame(one_key_frame(), ONE_KEY.name)
    assert result.passed and not result.failed
    types = [o.type for o in result.outcomes]
    assert types == ["expect_table_columns_to_match_set",
                     "expect_column_values_to_not_be_null",
                     "expect_column_values_to_be_unique",
                     "expect_column_values_to_be_between"]
    assert [o.severity for o in result.outcomes] == ["critical"] * 3 + ["warning"]
    assert "| warning | pass |" in result.summary_markdown()
    assert q.validate_frame(two_keys_frame(), TWO_KEYS.name).passed
    assert q.validate_frame(ONE_KEY.empty_frame(), ONE_KEY.name).passed


def test_a_null_in_a_non_nullable_column_is_critical(suites):
    df = one_key_frame()
    df.loc[1, "id"] = None
    assert critical_failures(df, ONE_KEY.name) == {("expect_column_values_to_not_be_null", "id")}
    df = two_keys_frame()
    df.loc[2, "v"] = None
    assert critical_failures(df, TWO_KEYS.name) == {("expect_column_values_to_not_be_null", "v")}


def test_a_null_in_a_nullable_column_passes(suites):
    df = two_keys_frame()
    df["b"] = None
    df["a"] = ["x", "y", "z"]
    assert q.validate_frame(df, TWO_KEYS.name).passed


def test_a_duplicate_primary_key_is_critical(suites):
    df = one_key_frame()
    df.loc[2, "id"] = "x"
    assert critical_failures(df, ONE_KEY.name) == {("expect_column_values_to_be_unique", "id")}
    df = two_keys_frame()
    df.loc[1, "b"] = "p"
    assert critical_failures(df, TWO_KEYS.name) == {
        ("expect_compound_columns_to_be_unique", "['a', 'b']")}


def test_a_duplicate_key_with_a_null_key_column_is_critical(suites):
    # ignore_row_if="never": two rows ("y", None) are the same key
    df = pd.concat([two_keys_frame(), two_keys_frame().iloc[[2]]], ignore_index=True)
    assert critical_failures(df, TWO_KEYS.name) == {
        ("expect_compound_columns_to_be_unique", "['a', 'b']")}


@pytest.mark.parametrize("change", ["missing", "extra"])
def test_a_missing_or_extra_column_is_critical(suites, change):
    df = one_key_frame()
    if change == "missing":
        df = df.drop(columns=["note"])
    else:
        df["undeclared"] = 1
    assert critical_failures(df, ONE_KEY.name) == {
        ("expect_table_columns_to_match_set", "['id', 'n', 'note']")}


def test_columns_in_another_order_pass(suites):
    # TableSpec.conform puts the columns in the spec's order when the table is written
    assert q.validate_frame(one_key_frame()[["note", "id", "n"]], ONE_KEY.name).passed


def test_a_suite_of_no_registered_table_runs_its_json_only(suites):
    suite = q.load_suite("not_a_table")
    assert [e.expectation_type for e in suite.expectations] == [DOMAIN_RULE["type"]]
    result = q.validate_frame(pd.DataFrame({"n": [-1]}), "not_a_table")
    assert result.passed and [o.severity for o in result.failed] == ["warning"]


def test_a_real_spec_catches_a_broken_frame():
    import pipelines.definitions  # noqa: F401  every domain registers its specs

    name, spec = next((n, s) for n, s in registry().items()
                      if len(s.primary_key) > 1 and any(not c.nullable for c in s.columns))
    df = spec.empty_frame()
    failed = {o.type for o in q.validate_frame(df.drop(columns=[spec.column_names[0]]),
                                                name).critical_failed}
    assert "expect_table_columns_to_match_set" in failed
    nonnull = next(c.name for c in spec.columns if not c.nullable)
    row = {c: None for c in spec.column_names}
    broken = pd.DataFrame([row, row], columns=spec.column_names)
    failed = critical_failures(broken, name)
    assert ("expect_column_values_to_not_be_null", nonnull) in failed
    assert ("expect_compound_columns_to_be_unique", str(list(spec.primary_key))) in failed


#: Registered tables whose JSON suite is empty (no domain rule beyond the spec's).
TABLES_WITHOUT_DOMAIN_RULES: set[str] = set()


def _registered() -> list[str]:
    import pipelines.definitions  # noqa: F401  every domain registers its specs

    return sorted(registry())


@pytest.mark.parametrize("name", _registered())
def test_every_registered_table_suite_includes_the_generated_expectations(name):
    spec = registry()[name]
    generated = q.structural_expectations(spec)
    suite = q.load_suite(name)
    built = suite.expectations[:len(generated)]
    # read the built expectations' fields (GX leaves defaults such as exact_match out of
    # their kwargs)
    got = [(e.expectation_type, {k: getattr(e, k) for k in g["kwargs"]},
            str(e.severity).split(".")[-1].lower(), e.meta) for e, g in zip(built, generated)]
    assert got == [(g["type"], g["kwargs"], "critical", q.GENERATED_META) for g in generated]
    assert len(suite.expectations) > len(generated) or name in TABLES_WITHOUT_DOMAIN_RULES


def _restates(exp: dict, spec) -> bool:
    """Whether a JSON expectation says only what ``spec`` declares (column list, not-null of
    a non-nullable column, uniqueness of the primary key)."""
    kw, key = exp["kwargs"], list(spec.primary_key)
    nonnull = {c.name for c in spec.columns if not c.nullable}
    return (exp["type"] in ("expect_table_columns_to_match_ordered_list",
                            "expect_table_columns_to_match_set")
            or (exp["type"] == "expect_column_values_to_not_be_null"
                and set(kw) == {"column"} and kw["column"] in nonnull)
            or (exp["type"] == "expect_column_values_to_be_unique"
                and set(kw) == {"column"} and [kw["column"]] == key)
            or (exp["type"] == "expect_compound_columns_to_be_unique"
                and set(kw) <= {"column_list", "ignore_row_if"} and kw["column_list"] == key))


@pytest.mark.parametrize("name", _registered())
def test_no_suite_file_restates_a_generated_expectation(name):
    """The JSON files keep the domain rules: nothing the spec already declares."""
    spec = registry()[name]
    data = json.loads(q.suite_path(name).read_text(encoding="utf-8"))
    assert [e for e in data["expectations"] if _restates(e, spec)] == []
