"""The Definitions load, every suite file loads, claims.yaml covers CLAIMS.md."""
from __future__ import annotations

import json
import re

import pytest

from assets.claims.engine import VERDICTS, load_claims
from pipelines.quality import SuiteError, load_suite, suite_names
from pipelines.tables import registry
from tests.helpers import shared_path


def test_definitions_load_with_jobs_schedule_and_checks():
    from pipelines.definitions import defs

    repo = defs.get_repository_def()
    assert {"main", "refresh"} <= {j.name for j in repo.get_all_jobs()}
    assert "daily_refresh" in {s.name for s in repo.schedule_defs}
    keys = {"/".join(k.path) for k in repo.asset_graph.get_all_asset_keys()}
    for name in ("patent_figures", "model_facts", "benchmark_figures", "source_status",
                 "article_claims", "claim_evidence", "datapackage"):
        assert f"published/{name}" in keys
    assert "snapshot/eto_cat" in keys and "snapshot/hf_model_info" in keys
    checks = {c.name for c in repo.asset_graph.asset_check_keys}
    assert {"expectation_suite", "upstream_available"} <= checks


@pytest.mark.parametrize("name", suite_names())
def test_every_suite_file_loads_and_checks_a_known_table(name):
    suite = load_suite(name)
    assert suite.expectations, f"{name}.json has no expectations"
    assert name in registry(), f"expectations/{name}.json names no published table"
    for exp in suite.expectations:
        assert str(exp.severity).split(".")[-1].lower() in ("critical", "warning")


def test_every_published_table_has_a_suite():
    assert set(registry()) <= set(suite_names())


def test_a_0x_suite_fails_loudly(tmp_path, monkeypatch):
    import pipelines.quality as q

    (tmp_path / "old.json").write_text(json.dumps(
        {"expectation_suite_name": "old", "expectations": []}))
    monkeypatch.setattr(q, "EXPECTATIONS_DIR", tmp_path)
    q.load_suite.cache_clear()
    try:
        with pytest.raises(SuiteError, match="not a GX 1.x suite"):
            q.load_suite("old")
        (tmp_path / "typo.json").write_text(json.dumps(
            {"name": "typo", "expectations": [{"type": "expect_colum_values_to_be_unique",
                                               "kwargs": {"column": "x"}}]}))
        with pytest.raises(SuiteError, match="typo.json"):
            q.load_suite("typo")
    finally:
        q.load_suite.cache_clear()


def test_claims_file_has_exactly_the_claim_ids_of_claims_md():
    text = shared_path("reference", "CLAIMS.md").read_text(encoding="utf-8")
    table = text.split("## Claims", 1)[1]
    ids = re.findall(r"^\| `([a-z0-9_]+)` \|", table, flags=re.M)
    assert len(ids) == 16
    assert list(load_claims()) == ids
    vocab = re.findall(r"^\| `([a-z_]+)` \|", text.split("## Claims", 1)[0], flags=re.M)
    assert tuple(vocab) == VERDICTS
    import yaml

    from assets.claims.engine import CLAIMS_FILE
    doc = yaml.safe_load(CLAIMS_FILE.read_text())
    assert tuple(doc["verdicts"]) == VERDICTS and tuple(doc["verdict_meanings"]) == VERDICTS
