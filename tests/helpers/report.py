"""Reading the claims report back (HTML parsed with lxml) to compare it with the tables."""
from __future__ import annotations

from pathlib import Path

import lxml.html
import pandas as pd

from assets.claims.evidence import fmt_number, text_or_none


def report_sections(html: str) -> dict[str, dict]:
    """Claim id -> {verdict (data attribute), badge, claim, claimed, evidence} as printed."""
    doc = lxml.html.fromstring(html)
    out = {}
    for sec in doc.xpath("//section[@class='claim']"):
        out[sec.get("id")] = {
            "verdict": sec.get("data-verdict"),
            "badge": sec.xpath(".//span[contains(@class,'badge')]")[0].text_content(),
            "claim": sec.xpath("./h2")[0].text_content(),
            "claimed": sec.xpath(".//strong[@class='claimed']")[0].text_content(),
            "evidence": sec.xpath(".//strong[@class='evidence']")[0].text_content(),
        }
    return out


def section_mismatches(html: str, claims: pd.DataFrame) -> list[str]:
    """Differences between the report's claim sections and ``article_claims`` rows (empty
    when every claim is there with its own verdict, text, claimed and evidence values)."""
    secs = report_sections(html)
    problems = []
    for c in claims.itertuples():
        s = secs.get(c.claim_id)
        if s is None:
            problems.append(f"{c.claim_id}: no section")
            continue
        evidence = (f"{fmt_number(c.evidence_value)} {text_or_none(c.evidence_unit) or ''}"
                    .strip() if pd.notna(c.evidence_value)
                    else text_or_none(c.evidence_text) or "none")
        want = {"verdict": c.verdict, "badge": c.verdict.replace("_", " "), "claim": c.claim,
                "claimed": f"{c.claimed_value} ({c.claimed_unit})", "evidence": evidence}
        problems += [f"{c.claim_id}: {k} {s[k]!r} != {v!r}" for k, v in want.items()
                     if s[k] != v]
    return problems


def read_report(data_dir: Path) -> str:
    """The report.html of a run into ``data_dir``."""
    return (data_dir / "published" / "report" / "report.html").read_text(encoding="utf-8")
