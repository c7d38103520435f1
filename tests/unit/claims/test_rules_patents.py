"""Tests of the six patent/policy claim rules (assets/claims/rules/patents.py, shares.py).

Each rule runs on the reference tables alone (a fresh offline clone) and on small hand-made
primary tables. Expected verdicts follow from the numbers by hand, written out in comments
(reference numbers read from assets/reference/patent_figures.yaml by eye; precisions from
assets/claims/claims.yaml).
"""
from __future__ import annotations

import pandas as pd
import pytest

from assets.claims.engine import check_claims, load_claims
from assets.claims.rules import RULES
from assets.patents.cat import patent_shares
from assets.patents.tables import TABLES
from assets.reference import load_reference

MINE = ("cn_plan_2017", "cn_4x_us_patents_2022", "cn_share_granted_2022_2023",
        "us_share_granted_21pct", "us_citations_7x", "cn_filed_abroad_7pct")


@pytest.fixture
def ref() -> pd.DataFrame:
    return load_reference("patent_figures")


def run(claim_id: str, **tables):
    return RULES[claim_id](load_claims()[claim_id], tables)


def _set(ref: pd.DataFrame, metric: str, area: str, period: str, value: float) -> None:
    mask = (ref.metric == metric) & (ref.area == area) & (ref.period == period)
    assert mask.sum() == 1, (metric, area, period)
    ref.loc[mask, "value"] = value
    ref.loc[mask, "value_text"] = str(value)


def _assert_evidence_named(result):
    assert result.evidence, "a verdict without evidence rows"
    for ev in result.evidence:
        assert ev.table and ev.key and ev.source_document and ev.publisher, ev


def families(rows) -> pd.DataFrame:
    """patent_families from (iso3, name, year, applications, complete, granted, g_complete)."""
    df = pd.DataFrame([
        {"country_iso3": iso, "country_name": name, "is_country": True, "field": "All",
         "year": year, "applications": a, "granted": g, "applications_complete": ac,
         "granted_complete": gc, "source_document": "hand-made cat.zip"}
        for iso, name, year, a, ac, g, gc in rows
    ])
    TABLES[0].conform(df)  # the fixture has the published shape
    return df


# --- reference tables only ----------------------------------------------------------------

def test_all_six_rules_registered_and_run_on_reference_only(ref):
    claims, evidence = check_claims({"patent_figures": ref}, RULES)
    mine = claims[claims.claim_id.isin(MINE)].set_index("claim_id")
    assert set(mine.index) == set(MINE)
    assert not mine.rule_error.any(), mine.explanation[mine.rule_error].tolist()
    assert (mine.evidence_rows > 0).all()
    ev = evidence[evidence.claim_id.isin(MINE)]
    assert ev[["table", "key", "source_document", "publisher"]].notna().all().all()


def test_cn_plan_reference(ref):
    # policy_issued 2017-07-08 lies in the window 2017-01-01..2017-12-31
    r = run("cn_plan_2017", patent_figures=ref)
    assert r.verdict == "supported"
    assert "Guofa [2017] No. 35" in r.explanation and "gov.cn" in r.explanation
    assert "State Council" in r.explanation
    _assert_evidence_named(r)


def test_cn_plan_outside_window(ref):
    ref.loc[ref.metric == "policy_issued", "period"] = "2018-03-01"
    assert run("cn_plan_2017", patent_figures=ref).verdict == "contradicted"


def test_cn_4x_reference_is_disputed(ref):
    # AI Index 2024 approx: (35,300 + 80,500) / (12,100 + 15,100) = 4.26, within 4 +-12.5%
    # WIPO via Bloomberg: 29,853 / 16,805 = 1.78, outside -> the sources disagree
    r = run("cn_4x_us_patents_2022", patent_figures=ref)
    assert r.verdict == "disputed"
    assert "4.26" in r.explanation and "1.78" in r.explanation
    # CAT reference snapshot 2019: 43,880 / 14,583 = 3.01, a different year: context only
    assert "2019: 3.01" in r.explanation
    assert "reference figures only" in r.explanation
    assert r.evidence_value is None
    _assert_evidence_named(r)


def test_cn_4x_all_sources_agree_is_supported(ref):
    # WIPO set to 4,100 / 1,000 = 4.1: now both 2022 ratios lie within 3.5..4.5
    _set(ref, "AI_patent_applications", "China", "2022", 4100)
    _set(ref, "AI_patent_applications", "United States", "2022", 1000)
    r = run("cn_4x_us_patents_2022", patent_figures=ref)
    assert r.verdict == "supported"
    assert r.evidence_value == pytest.approx((35300 + 80500) / (12100 + 15100))


def test_cn_4x_no_source_agrees_is_contradicted(ref):
    _set(ref, "AI_patents_not_granted_approx", "China", "2022", 0)  # 35,300 / 27,200 = 1.30
    r = run("cn_4x_us_patents_2022", patent_figures=ref)
    assert r.verdict == "contradicted"


def test_cn_4x_with_cat_table(ref):
    # CAT 2021 complete: 300 / 100 = 3.00 (context); 2022 complete: 410 / 100 = 4.10 votes
    # with AI Index 4.26 (in) and WIPO 1.78 (out) -> disputed
    fam = families([
        ("CHN", "China (mainland)", 2021, 300, True, None, None),
        ("USA", "United States", 2021, 100, True, None, None),
        ("CHN", "China (mainland)", 2022, 410, True, None, None),
        ("USA", "United States", 2022, 100, True, None, None),
    ])
    r = run("cn_4x_us_patents_2022", patent_figures=ref, patent_families=fam)
    assert r.verdict == "disputed"
    assert "4.10 from ETO Country Activity Tracker" in r.explanation
    assert any(ev.table == "patent_families" and ev.key == "China (mainland) / All / 2022 / "
               "applications" for ev in r.evidence)
    # the reference copy of the CAT snapshot is replaced by the table, not repeated
    assert "Dec 2024 snapshot" not in r.explanation
    # Same 2022 counts flagged incomplete: listed, never voting
    fam.loc[fam.year == 2022, "applications_complete"] = False
    r = run("cn_4x_us_patents_2022", patent_figures=ref, patent_families=fam)
    assert "2022: 4.10 (the tracker flags this year incomplete: not final)" in r.explanation
    assert "2021: 3.00" in r.explanation


def test_cn_4x_empty_table_is_absent(ref):
    empty = TABLES[0].empty_frame()
    r = run("cn_4x_us_patents_2022", patent_figures=ref, patent_families=empty)
    assert r.verdict == "disputed" and "reference figures only" in r.explanation


# --- granted shares -----------------------------------------------------------------------

def test_cn_share_reference_supported(ref):
    # 2022: 61.13 (AI Index 2024), 2023: 69.70 (AI Index 2025): both within 61-70 (+-1)
    r = run("cn_share_granted_2022_2023", patent_figures=ref)
    assert r.verdict == "supported"
    assert "different AI Index editions" in r.explanation
    assert r.evidence_value == pytest.approx(69.70)
    _assert_evidence_named(r)


def test_us_share_reference_partly(ref):
    # 2022: 20.90 within 21 +-1; 2023: 14.16 outside -> only one year holds
    r = run("us_share_granted_21pct", patent_figures=ref)
    assert r.verdict == "partly_supported"
    assert "Only 2022 agrees" in r.explanation and "14.16" in r.explanation


def test_us_share_both_years_off_contradicted(ref):
    _set(ref, "share_of_world_granted_AI_patents", "United States", "2022", 30.0)
    assert run("us_share_granted_21pct", patent_figures=ref).verdict == "contradicted"


def _share_families(cn_2022: int, complete: bool) -> pd.DataFrame:
    # granted, field All, 2022: CN cn_2022, US 21, others 100 - 21 - cn_2022 (sum 100)
    return families([
        ("CHN", "China (mainland)", 2022, None, None, cn_2022, complete),
        ("USA", "United States", 2022, None, None, 21, complete),
        ("JPN", "Japan", 2022, None, None, 100 - 21 - cn_2022, complete),
    ])


def test_cn_share_with_complete_cat_agreeing(ref):
    # CAT 2022 complete: China 65 / 100 = 65%, within 61-70, agrees with AI Index 61.13
    fam = _share_families(65, True)
    r = run("cn_share_granted_2022_2023", patent_figures=ref,
            patent_shares=patent_shares(fam))
    assert r.verdict == "supported"
    assert "65.00% (ETO CAT granted families)" in r.explanation
    assert any(ev.table == "patent_shares" for ev in r.evidence)


def test_cn_share_with_complete_cat_disagreeing_is_disputed(ref):
    # CAT 2022 complete: China 75% -> outside 60..71 while AI Index 61.13 is inside
    fam = _share_families(75, True)
    r = run("cn_share_granted_2022_2023", patent_figures=ref, patent_families=fam)
    assert r.verdict == "disputed"


def test_cn_share_incomplete_cat_not_used(ref):
    fam = _share_families(75, False)
    r = run("cn_share_granted_2022_2023", patent_figures=ref, patent_families=fam)
    assert r.verdict == "supported"
    assert "75.00% (flagged incomplete, not final)" in r.explanation


# --- citations, filed abroad --------------------------------------------------------------

def test_us_citations_reference(ref):
    # 13.18 / 1.90 = 6.94, within 7 +-10%
    r = run("us_citations_7x", patent_figures=ref)
    assert r.verdict == "supported"
    assert r.evidence_value == pytest.approx(13.18 / 1.90)
    assert r.evidence_kind == "secondary_report"
    assert "single secondary source" in r.explanation and "citation definition" in r.explanation
    _assert_evidence_named(r)


def test_us_citations_off(ref):
    _set(ref, "avg_citations_per_AI_patent", "China", "Jan-Oct 2024", 4.0)  # 3.30
    assert run("us_citations_7x", patent_figures=ref).verdict == "contradicted"


def test_cn_filed_abroad_reference_only(ref):
    r = run("cn_filed_abroad_7pct", patent_figures=ref)
    assert r.verdict == "unverifiable"
    assert "7.3" in r.explanation and "unconfirmed" in r.explanation
    assert "patent_family_offices" in r.explanation and "not available" in r.explanation
    _assert_evidence_named(r)


def _offices(share_also: float, share_pct_only: float = 0.0) -> pd.DataFrame:
    fam = 1000
    also, pct_only = round(fam * share_also / 100), round(fam * share_pct_only / 100)
    only = fam - also - pct_only
    df = pd.DataFrame([{
        "office": "CN", "office_kind": "national", "scope": "all_years", "priority_year": None,
        "families": fam, "families_only_here": only, "families_here_and_pct_only": pct_only,
        "families_also_elsewhere": also, "families_with_pct": 50 + pct_only,
        "share_only_here_pct": only / fam * 100,
        "share_here_and_pct_only_pct": pct_only / fam * 100,
        "share_also_elsewhere_pct": also / fam * 100, "source_document": "hand-made 1790.zip",
    }])
    TABLES[2].conform(df)
    return df


@pytest.mark.parametrize("share, pct_only, verdict", [
    (7.2, 0.0, "partly_supported"),  # within 7 +-1 under both readings: about it, a proxy
    (4.0, 0.0, "contradicted"),      # even the upper bound is below 6 under both readings
    (12.8, 1.6, "unverifiable"),     # above under both: consistent, not confirmed
    (4.0, 3.0, "partly_supported"),  # 4.0% at another office, 7.0% counting PCT: depends on
                                     # the reading, which the article does not state
    (7.5, 1.5, "partly_supported"),  # 7.5% within, 9.0% above: depends on the reading
])
def test_cn_filed_abroad_proxy(ref, share, pct_only, verdict):
    r = run("cn_filed_abroad_7pct", patent_figures=ref,
            patent_family_offices=_offices(share, pct_only))
    assert r.verdict == verdict
    assert r.evidence_value == pytest.approx(share)
    assert "another national or regional office" in r.explanation
    assert "upper bound" in r.explanation or verdict == "partly_supported"
    # both readings of "filed abroad", each with its percentage
    assert f"at another office {share:.1f}%" in r.explanation
    assert f"counting a PCT application as filed abroad {share + pct_only:.1f}%" in r.explanation
    if pct_only and verdict == "partly_supported":
        assert "depends on whether a PCT application counts" in r.explanation
    assert any(ev.table == "patent_family_offices" and ev.key == "CN / all_years"
               for ev in r.evidence)
