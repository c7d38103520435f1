"""A verdict that changes between two real runs on one Dagster instance: the
``verdict_unchanged`` check warns naming the claim and both verdicts, and the second report
shows the change."""
from __future__ import annotations

import pandas as pd
from dagster import AssetCheckSeverity, DagsterInstance

from assets.claims import rules as claim_rules
from tests.helpers import run_pipeline
from tests.helpers.report import read_report, report_sections


def verdict_check(summary):
    """The ``verdict_unchanged`` evaluation of the publish run of ``summary``."""
    (publish,) = summary.results("publish")
    (evaluation,) = [e for e in publish.get_asset_check_evaluations()
                     if e.check_name == "verdict_unchanged"]
    return evaluation


def test_changed_verdict_warns_and_shows_in_report(tmp_path, monkeypatch):
    with DagsterInstance.ephemeral() as instance:
        first = run_pipeline(tmp_path, instance=instance)
        assert first.success, first.failed
        assert verdict_check(first).passed  # nothing to compare with yet
        before = pd.read_parquet(tmp_path / "published" / "article_claims.parquet")
        # A claim whose rule gave a verdict other than unverifiable; its rule now raises,
        # which check_claims turns into "unverifiable" (assets.claims.engine).
        changed = before.loc[~before["rule_error"] & (before["verdict"] != "unverifiable")]
        claim_id, old = changed.iloc[0]["claim_id"], changed.iloc[0]["verdict"]
        assert claim_id in claim_rules.RULES

        def broken(spec, tables):
            raise RuntimeError("rule broken on purpose by the test")

        monkeypatch.setitem(claim_rules.RULES, claim_id, broken)
        # the rule changed in memory, not in a source file, so its code version did not:
        # rebuild, as `ai-numbers run --rebuild` does
        second = run_pipeline(tmp_path, instance=instance, rebuild=True)
        assert second.success, second.failed

    after = pd.read_parquet(tmp_path / "published" / "article_claims.parquet")
    row = after.set_index("claim_id").loc[claim_id]
    assert row["verdict"] == "unverifiable" and row["rule_error"]
    others = after.loc[after["claim_id"] != claim_id, ["claim_id", "verdict"]]
    assert others.equals(before.loc[before["claim_id"] != claim_id, ["claim_id", "verdict"]])

    evaluation = verdict_check(second)
    assert not evaluation.passed
    assert evaluation.severity == AssetCheckSeverity.WARN
    assert f"{claim_id}: {old} -> unverifiable" in evaluation.description
    assert evaluation.metadata["changes"].value == [
        {"claim": claim_id, "before": old, "after": "unverifiable"}]

    html = read_report(tmp_path)
    assert f"{claim_id}: {old} → unverifiable" in html  # the header's list of changes
    assert report_sections(html)[claim_id]["verdict"] == "unverifiable"
    assert f"was {old}, now unverifiable" in html  # the claim's own section
