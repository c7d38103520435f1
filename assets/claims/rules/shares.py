"""Rules of the two claims on shares of granted AI patents (``cn_share_granted_2022_2023``,
``us_share_granted_21pct``): each claim year is checked against the AI Index figures of
``patent_figures`` and, where the year is complete, ETO CAT granted families
(``patent_shares``, or computed from ``patent_families``). Years from different AI Index
editions are flagged as not one series.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from assets.claims.engine import (
    ClaimSpec,
    EvidenceRow,
    RuleResult,
    Tables,
    rule,
    unverifiable,
    within_precision,
)
from assets.claims.evidence import (
    evidence_kind,
    figure_evidence,
    figures_where,
    fmt_number,
    text_or_none,
    weakest_kind,
)
from assets.patents.cat import patent_shares
from assets.patents.tables import CAT_PUBLISHER
from pipelines.tables import present

# --- granted shares: cn_share_granted_2022_2023, us_share_granted_21pct -------------------

_DATA_RE = re.compile(r"data(?: from|:)\s+([A-Za-z][\w ]*[\w])")


def _method(row: dict) -> str:
    """Short method label of an AI Index figure, from its locator / note ('data from CSET')."""
    locator, note = text_or_none(row.get("locator")) or "", text_or_none(row.get("note")) or ""
    found = _DATA_RE.search(f"{locator}; {note}")
    return f", data from {found.group(1)}" if found else ""


def _shares_table(tables: Tables) -> pd.DataFrame | None:
    """``patent_shares``, or computed from ``patent_families`` when only that is present."""
    shares = present(tables.get("patent_shares"))
    if shares is None and present(tables.get("patent_families")) is not None:
        shares = patent_shares(tables["patent_families"])
    return shares


@dataclass
class _ShareFindings:
    """What the granted-share rule found, year by year (filled by :func:`_share_year`)."""

    evidence: list[EvidenceRow] = field(default_factory=list)
    year_text: list[str] = field(default_factory=list)
    year_state: dict[int, str] = field(default_factory=dict)  # agree/disagree/disputed/missing
    kinds: list[str] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)
    context: list[str] = field(default_factory=list)
    headline: dict[int, float] = field(default_factory=dict)  # first value per year


def _share_year(spec: ClaimSpec, found: _ShareFindings, ref: pd.DataFrame | None,
                cat: pd.DataFrame | None, year: int) -> None:
    """The votes of one claim year (AI Index figures, complete CAT years) into ``found``."""
    area, iso3 = spec.param("area"), spec.param("country_iso3")
    votes: list[tuple[str, float]] = []
    for r in figures_where(ref, metric="share_of_world_granted_AI_patents", area=area, period=year):
        if pd.isna(r["value"]):
            continue
        title = text_or_none(r["title"]) or r["publisher"]
        found.titles[year] = title
        votes.append((f"{title}{_method(r)}", float(r["value"])))
        found.kinds.append(evidence_kind(r["status"]))
        found.evidence.append(
            figure_evidence(r, f"{area} {year}: AI Index share of granted AI patents"))
    for r in ([] if cat is None else cat[cat["year"] == year].to_dict("records")):
        final = bool(r["complete"])
        found.evidence.append(EvidenceRow(
            table="patent_shares", key=f"granted / All / {year} / {iso3}",
            value=float(r["share_pct"]), unit="percent",
            source_document=str(r["source_document"]), publisher=CAT_PUBLISHER,
            note=("ETO CAT granted-family share, complete" if final else
                  "ETO CAT granted-family share, year flagged incomplete: not used"),
        ))
        if final:
            votes.append(("ETO CAT granted families", float(r["share_pct"])))
            found.kinds.append("primary_data")
        else:
            found.context.append(f"ETO CAT {year}: {fmt_number(r['share_pct'], 2)}% "
                                 "(flagged incomplete, not final)")
    if not votes:
        found.year_state[year] = "missing"
        found.year_text.append(f"{year}: no figure")
        return
    found.headline[year] = votes[0][1]
    agree = [within_precision(spec, v) for _, v in votes]
    found.year_state[year] = ("agree" if all(agree) else
                              "disagree" if not any(agree) else "disputed")
    found.year_text.append(f"{year}: " + ", ".join(
        f"{fmt_number(v, 2)}% ({label})" for label, v in votes))


def _share_latest_cat_year(spec: ClaimSpec, found: _ShareFindings, cat: pd.DataFrame | None,
                           years: list[int]) -> None:
    """CAT's latest complete granted year, as context, when it is not a claim year."""
    if cat is None or not len(cat):
        return
    complete = cat[cat["complete"].astype(bool)]
    if not len(complete):
        return
    last = complete.sort_values("year").iloc[-1]
    year = int(last["year"])
    if year in years:
        return
    found.context.append(f"ETO CAT latest complete granted year {year}: "
                         f"{fmt_number(last['share_pct'], 2)}%")
    found.evidence.append(EvidenceRow(
        table="patent_shares", key=f"granted / All / {year} / {spec.param('country_iso3')}",
        value=float(last["share_pct"]), unit="percent",
        source_document=str(last["source_document"]), publisher=CAT_PUBLISHER,
        note="context: latest complete year of the tracker, not a claim year"))


def _share_verdict(states: list[str]) -> str:
    """The verdict from the states of the years that have a figure."""
    if "disputed" in states:
        return "disputed"
    if all(s == "agree" for s in states):
        return "supported"
    if any(s == "agree" for s in states):
        return "partly_supported"
    return "contradicted"


def _share_text(spec: ClaimSpec, found: _ShareFindings, verdict: str, with_cat: bool) -> str:
    """The explanation of the granted-share rule."""
    years_in = {state: ", ".join(str(y) for y, s in found.year_state.items() if s == state)
                for state in ("agree", "disputed")}
    text = (f"Share of AI patents granted worldwide, {spec.param('area')}: "
            + "; ".join(found.year_text) + f". Claimed: about {spec.claimed_value}%. ")
    text += {
        "supported": "Every year agrees.",
        "partly_supported": f"Only {years_in['agree']} agrees.",
        "contradicted": "No year agrees.",
        "disputed": f"Sources disagree for {years_in['disputed']}.",
    }[verdict]
    if len(set(found.titles.values())) > 1:
        text += (" The years come from different AI Index editions ("
                 + ", ".join(f"{y}: {t}" for y, t in sorted(found.titles.items()))
                 + ") with different methods, so they are not one series.")
    if found.context:
        text += " " + "; ".join(found.context) + "."
    text += (" Basis: reference figures and ETO CAT granted families (patent_shares)."
             if with_cat else
             " Basis: reference figures only (patent_shares not available).")
    return text


def _granted_share_rule(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """A country's share of granted AI patents in each claim year (``area``,
    ``country_iso3``, ``years`` of the claim), from the AI Index figures and, where
    complete, ETO CAT granted families; CAT's latest complete year is context."""
    years = [int(y) for y in spec.param("years", [])]
    ref = present(tables.get("patent_figures"))
    shares = _shares_table(tables)
    cat = None
    if shares is not None:
        cat = shares[(shares["measure"] == "granted") & (shares["field"] == "All")
                     & (shares["country_iso3"] == spec.param("country_iso3"))]
    found = _ShareFindings()
    for year in years:
        _share_year(spec, found, ref, cat, year)
    _share_latest_cat_year(spec, found, cat, years)
    states = [s for s in found.year_state.values() if s != "missing"]
    if not states:
        return unverifiable(
            spec, f"a share of granted AI patents for {spec.param('area')} in {years}")
    verdict = _share_verdict(states)
    latest = max(y for y, s in found.year_state.items() if s != "missing")
    latest_value = found.headline.get(latest)
    return RuleResult(
        verdict=verdict, explanation=_share_text(spec, found, verdict, cat is not None),
        evidence_kind=weakest_kind(found.kinds), evidence_value=latest_value,
        evidence_unit="percent" if latest_value is not None else None,
        evidence_text="; ".join(found.year_text), evidence=found.evidence,
    )


@rule("cn_share_granted_2022_2023")
def cn_share_granted_2022_2023(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """China's share of granted AI patents per claim year (AI Index; CAT where complete)."""
    return _granted_share_rule(spec, tables)


@rule("us_share_granted_21pct")
def us_share_granted_21pct(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """The US share of granted AI patents per claim year (AI Index; CAT where complete)."""
    return _granted_share_rule(spec, tables)
