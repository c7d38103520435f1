"""The claims report: every claim with its verdict, charts where the evidence has numbers."""
from __future__ import annotations

from assets.claims.engine import check_claims
from assets.claims.rules import RULES
from assets.reference import load_reference
from assets.claims.report import _labels, build_report


def test_report_lists_every_claim_and_charts_numeric_evidence(tmp_path):
    tables = {n: load_reference(n) for n in ("patent_figures", "model_facts",
                                             "benchmark_figures")}
    claims, evidence = check_claims(tables, RULES)
    written = build_report(claims, evidence, tmp_path)
    html = written["html"].read_text(encoding="utf-8")
    for row in claims.itertuples():
        assert f'<a id="{row.claim_id}"></a>' in html  # target of the summary's link
        assert f'href="#{row.claim_id}"' in html
    assert html.count("<strong>Verdict:") == len(claims)
    numeric = evidence.dropna(subset=["value", "unit"])
    expected = {cid for cid, g in numeric.groupby("claim_id")
                if g["unit"].value_counts().iloc[0] >= 2}
    charted = {k.split(":", 1)[1] for k in written if k.startswith("chart:")} - {"verdicts"}
    assert charted == expected
    for key, path in written.items():
        if key.startswith("chart:"):
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_labels_drop_the_parts_all_keys_share():
    keys = ["claim / metric A / China / 2022", "claim / metric A / United States / 2022",
            "claim / metric B / China / 2022"]
    assert _labels(keys) == [["metric A", "China"], ["metric A", "United States"],
                             ["metric B", "China"]]


def test_numbers_read_as_people_write_them():
    from assets.claims.evidence import fmt_number

    assert [fmt_number(v) for v in (35300.0, 2788000.0, 6.936842, 0.090402, 69.7, 1234.56)] \
        == ["35,300", "2,788,000", "6.937", "0.0904", "69.7", "1,234.6"]
