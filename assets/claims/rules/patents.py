"""Rules of the article's patent and policy claims (see ``shared/reference/CLAIMS.md``); the
two granted-share claims are in :mod:`assets.claims.rules.shares`.

Each rule gets the claim spec (``assets/claims/claims.yaml``) and the published tables. It always
uses the reference table ``patent_figures`` (``assets/reference/patent_figures.yaml``) and,
when present and non-empty, the primary-data tables of :mod:`assets.patents`:
``patent_families`` / ``patent_shares`` (ETO Country Activity Tracker) and
``patent_family_offices`` (CSET/1790 AI patent database). The explanation says which basis
was used. Verdicts are computed from the values; thresholds live in ``claims.yaml``.

``evidence_kind`` is the weakest kind among the evidence the verdict rests on (a verdict is
only as strong as its weakest source): ``primary_data`` < ``primary_text`` <
``secondary_report``, from each reference figure's ``status``
(:func:`assets.claims.evidence.evidence_kind`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from assets.claims.engine import (
    ClaimSpec,
    EvidenceRow,
    RuleResult,
    Tables,
    rule,
    unverifiable,
    within_precision,
    within_window,
)
from assets.claims.evidence import (
    cite_figure,
    evidence_kind,
    figure_evidence,
    figures_where,
    fmt_number,
    text_or_none,
    weakest_kind,
)
from assets.patents.patentdb import SCOPE_ALL
from assets.patents.tables import CAT_PUBLISHER, PATENTDB_PUBLISHER, PATENTDB_TITLE
from pipelines.tables import present

CN, US = "China", "United States"


def _year(period) -> int | None:
    """A period such as ``2022`` as an int; None when it is not a single year."""
    try:
        return int(str(period).strip())
    except ValueError:
        return None


# --- cn_4x_us_patents_2022 --------------------------------------------------------------

@dataclass
class _Ratio:
    """One CN/US ratio of AI patent counts, from one source and year (``final``: complete)."""

    label: str
    year: int
    ratio: float
    final: bool
    kind: str
    evidence: list[EvidenceRow] = field(default_factory=list)
    caveat: str = ""


def _reference_ratios(spec: ClaimSpec, ref: pd.DataFrame | None,
                      skip_data_files: bool) -> list[_Ratio]:
    out = []
    if ref is None:
        return out
    for src in spec.param("ratio_sources", []):
        metrics = list(src["metrics"])
        sub = ref[ref["metric"].isin(metrics) & ref["area"].isin([CN, US])]
        for (period, title), g in sub.groupby(["period", "title"], dropna=False, sort=True):
            year = _year(period)
            rows = g.to_dict("records")
            complete = all(
                sum(1 for r in rows if r["metric"] == m and r["area"] == a
                    and not pd.isna(r["value"])) == 1
                for m in metrics for a in (CN, US)
            )
            if year is None or not complete:
                continue
            if skip_data_files and all(r["status"] == "data_file" for r in rows):
                continue  # the primary table replaces the snapshot figure copied from it
            cn = sum(float(r["value"]) for r in rows if r["area"] == CN)
            us = sum(float(r["value"]) for r in rows if r["area"] == US)
            if us <= 0:
                continue
            ratio = cn / us
            note = f"CN/US {year} ({src['basis']}): {fmt_number(cn, 0)} / {fmt_number(us, 0)} = {fmt_number(ratio, 2)}"
            out.append(_Ratio(
                label=f"{cite_figure(rows[0])}, {src['basis']}",
                year=year, ratio=ratio, final=True,
                kind=weakest_kind(evidence_kind(r["status"]) for r in rows),
                evidence=[figure_evidence(r, note) for r in rows],
            ))
    return out


def _cat_ratios(spec: ClaimSpec, fams: pd.DataFrame | None, year: int) -> list[_Ratio]:
    """CN/US from ``patent_families`` (field All, applications): the latest year complete for
    both, and the claim's year when present (flagged incomplete or not)."""
    if fams is None:
        return []
    sub = fams[(fams["field"] == "All") & fams["country_iso3"].isin(["CHN", "USA"])
               & fams["applications"].notna()]
    rows: dict[int, dict[str, dict]] = {}
    for r in sub.to_dict("records"):
        rows.setdefault(int(r["year"]), {})[r["country_iso3"]] = r
    both = {y: v for y, v in rows.items() if len(v) == 2 and v["USA"]["applications"] > 0}
    complete = [y for y, v in both.items()
                if all(bool(v[c]["applications_complete"]) for c in v)]
    picks = set()
    if complete:
        picks.add(max(complete))
    if year in both:
        picks.add(year)
    out = []
    for y in sorted(picks):
        cn, us = both[y]["CHN"], both[y]["USA"]
        final = y in complete
        ratio = float(cn["applications"]) / float(us["applications"])
        tag = "complete" if final else "flagged INCOMPLETE by the tracker, not final"
        note = (f"CN/US {y} (AI patent families by first-filing country, field All, {tag}): "
                f"{fmt_number(cn['applications'], 0)} / {fmt_number(us['applications'], 0)} = {fmt_number(ratio, 2)}")
        out.append(_Ratio(
            label="ETO Country Activity Tracker (CSET), AI patent families by first-filing country",
            year=y, ratio=ratio, final=final, kind="primary_data",
            evidence=[EvidenceRow(
                table="patent_families",
                key=f"{r['country_name']} / All / {y} / applications",
                value=float(r["applications"]), unit="patent families",
                source_document=str(r["source_document"]), publisher=CAT_PUBLISHER, note=note,
            ) for r in (cn, us)],
            caveat="" if final else " (the tracker flags this year incomplete: not final)",
        ))
    return out


@rule("cn_4x_us_patents_2022")
def cn_4x_us_patents_2022(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """CN/US ratio of AI patent counts for the claim's year, from every source giving one.

    Voting ratios: the claim's ``year`` from complete data (AI Index approximate granted +
    not granted, WIPO via Bloomberg applications, CAT if that year is complete). Context:
    CAT's latest complete year and incomplete years. Supported / contradicted / disputed as
    in ``claims.yaml``.
    """
    year = int(spec.param("year", 2022))
    ref = present(tables.get("patent_figures"))
    fams = present(tables.get("patent_families"))
    ratios = _cat_ratios(spec, fams, year) + _reference_ratios(spec, ref, fams is not None)
    if not ratios:
        return unverifiable(spec, "CN and US counts from patent_figures or patent_families")
    voting = [r for r in ratios if r.year == year and r.final]
    context = [r for r in ratios if r not in voting]
    agree = [within_precision(spec, r.ratio) for r in voting]
    if not voting:
        verdict = "unverifiable"
    elif all(agree):
        verdict = "supported"
    elif not any(agree):
        verdict = "contradicted"
    else:
        verdict = "disputed"
    parts = [f"{fmt_number(r.ratio, 2)} from {r.label} ({'within' if ok else 'outside'} "
             f"'about {spec.claimed_value}')" for r, ok in zip(voting, agree)]
    text = f"CN/US ratio for {year}: " + ("; ".join(parts) if parts else "no complete source")
    text += {
        "supported": ". All sources agree with the claim.",
        "contradicted": ". No source supports the claim.",
        "disputed": ". The sources disagree, so the claim depends on which one is used "
                    "(they count different things: applications, granted and pending "
                    "patents, or patent families).",
        "unverifiable": ".",
    }[verdict]
    if context:
        text += " Context: " + "; ".join(
            f"{r.label}, {r.year}: {fmt_number(r.ratio, 2)}{r.caveat}" for r in context) + "."
    basis = "primary data (patent_families) and reference figures" if fams is not None \
        else "reference figures only (patent_families not available)"
    text += f" Basis: {basis}."
    value = voting[0].ratio if voting and verdict != "disputed" else None
    return RuleResult(
        verdict=verdict,
        explanation=text,
        evidence_kind=weakest_kind(r.kind for r in voting) if voting else "secondary_report",
        evidence_value=value,
        evidence_unit="ratio CN / US" if value is not None else None,
        evidence_text="; ".join(f"{r.year}: {fmt_number(r.ratio, 2)} ({r.label})" for r in ratios),
        evidence=[e for r in voting + context for e in r.evidence],
    )


# --- us_citations_7x ----------------------------------------------------------------------

@rule("us_citations_7x")
def us_citations_7x(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """US / China average citations per AI patent, from the one secondary article."""
    ref = present(tables.get("patent_figures"))
    rows = figures_where(ref, metric="avg_citations_per_AI_patent")
    by_doc: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        by_doc.setdefault((r["period"], text_or_none(r["title"])), {})[r["area"]] = r
    pairs = [v for v in by_doc.values() if CN in v and US in v
             and not pd.isna(v[CN]["value"]) and float(v[CN]["value"]) > 0]
    if not pairs:
        return unverifiable(spec, "average citations per AI patent for the US and China")
    us, cn = pairs[0][US], pairs[0][CN]
    ratio = float(us["value"]) / float(cn["value"])
    ok = within_precision(spec, ratio)
    note = f"US/CN = {us['value']} / {cn['value']} = {fmt_number(ratio, 2)}"
    n_docs = len({(text_or_none(r["title"]), r["publisher"]) for r in rows})
    text = (f"{cite_figure(us)} reports {us['value']} citations on average per US AI patent and "
            f"{cn['value']} per Chinese one (patents granted {us['period']}): a ratio of "
            f"{fmt_number(ratio, 2)}, {'which is' if ok else 'which is not'} "
            f"'almost {spec.claimed_value} times'. This rests on "
            f"{'a single secondary source' if n_docs == 1 else f'{n_docs} secondary sources'}; "
            "its patent dataset and citation definition are not stated, and no primary "
            "citation data was checked.")
    return RuleResult(
        verdict="supported" if ok else "contradicted", explanation=text,
        evidence_kind=weakest_kind(evidence_kind(r["status"]) for r in (us, cn)),
        evidence_value=ratio, evidence_unit="ratio US / CN",
        evidence=[figure_evidence(us, note), figure_evidence(cn, note)],
    )


# --- cn_filed_abroad_7pct -----------------------------------------------------------------

@rule("cn_filed_abroad_7pct")
def cn_filed_abroad_7pct(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """The 1790 patent-level proxy next to the unconfirmed 7.3%.

    Proxy: share of simple families with a member at the Chinese office (``office``) that
    also have a member at another national or regional office (CN row, all years, of
    ``patent_family_offices``). An upper bound of the Chinese-origin share (foreign families
    that entered China are counted too).
    """
    office = spec.param("office", "CN")
    ref = present(tables.get("patent_figures"))
    offices = present(tables.get("patent_family_offices"))
    direct = [r for r in figures_where(ref, claim=spec.id, area=CN) if not pd.isna(r["value"])]
    evidence = [figure_evidence(r, f"the only direct figure; status {r['status']}") for r in direct]
    direct_text = "; ".join(
        f"{r['value_text']}% ({r['metric']}, {r['period']}) is {r['status']}: "
        f"{(text_or_none(r.get('note')) or '').rstrip('.')}; cited to {r['publisher']}" for r in direct
    ) or "no direct figure in patent_figures"
    row = None
    if offices is not None:
        matches = offices[(offices["office"] == office) & (offices["scope"] == SCOPE_ALL)]
        row = matches.iloc[0].to_dict() if len(matches) else None
    if row is None:
        missing = ("the table patent_family_offices (CSET/1790 patent database) is not "
                   "available in this run, so the patent-level proxy could not be computed"
                   if offices is None else
                   f"patent_family_offices has no all-years row for office {office}")
        return RuleResult(
            verdict="unverifiable",
            explanation=f"No primary source for the figure was found: {direct_text}. "
                        f"Moreover {missing}.",
            evidence_kind="secondary_report" if direct else "none",
            evidence_text="; ".join(f"{r['value_text']}% ({r['status']})" for r in direct)
            or None,
            evidence=evidence,
        )
    fam, also = int(row["families"]), int(row["families_also_elsewhere"])
    pct_only, only = int(row["families_here_and_pct_only"]), int(row["families_only_here"])
    proxy = float(row["share_also_elsewhere_pct"])
    wide = (also + pct_only) / fam * 100.0
    evidence.append(EvidenceRow(
        table="patent_family_offices", key=f"{office} / {SCOPE_ALL}",
        value=proxy, unit="percent", source_document=str(row["source_document"]),
        publisher=PATENTDB_PUBLISHER,
        note=f"{also:,} of {fam:,} families with a {office} member also at another "
             f"national or regional office; {pct_only:,} more with a PCT (WO) publication "
             f"only; {only:,} only at {office}",
    ))
    verdict, judge = _abroad_verdict(spec, proxy, wide)
    text = (f"No primary source for the figure was found: {direct_text}. Proxy from the "
            f"{PATENTDB_TITLE} ({PATENTDB_PUBLISHER}; documents published 2000-01 to "
            f"2020-03): of {fam:,} AI patent families with a member at the Chinese patent "
            f"office, {only:,} ({fmt_number(only / fam * 100, 1)}%) have no member elsewhere, "
            f"{pct_only:,} ({fmt_number(pct_only / fam * 100, 1)}%) only a PCT (WO) "
            f"application besides, and {also:,} ({fmt_number(proxy, 1)}%) a member at another "
            "national or regional office. Two readings of 'filed abroad': at another office "
            f"{fmt_number(proxy, 1)}%; counting a PCT application as filed abroad "
            f"{fmt_number(wide, 1)}%. It counts offices, not the applicant's or priority "
            "country, so foreign families that entered China are included and the share of "
            f"Chinese-origin families filed abroad is at most about this. {judge}")
    return RuleResult(
        verdict=verdict, explanation=text, evidence_kind="primary_data",
        evidence_value=proxy,
        evidence_unit="percent of families with a CN member also at another office (proxy)",
        evidence=evidence,
    )


def _abroad_verdict(spec: ClaimSpec, narrow: float, wide: float) -> tuple[str, str]:
    """The verdict of ``cn_filed_abroad_7pct`` from both readings of the proxy (percent):
    ``narrow`` (another national or regional office) and ``wide`` (a PCT application
    counted as filed abroad); a sentence saying why. When the readings give different
    verdicts, the claim holds only under one of them: ``partly_supported``."""
    low = spec.claimed_low - float(spec.precision.get("absolute", 0.0))
    verdicts = []
    for proxy in (narrow, wide):
        if within_precision(spec, proxy):
            verdicts.append(("partly_supported",
                             "The proxy is about the claimed figure, but it measures "
                             "something else."))
        elif proxy < low:
            verdicts.append(("contradicted", "Even this upper bound is below the claimed "
                                             "figure."))
        else:
            verdicts.append(("unverifiable", f"The claimed {spec.claimed_value}% lies below "
                             "this upper bound under both readings: consistent with it, but "
                             "not confirmed."))
    if verdicts[0][0] == verdicts[1][0]:
        return verdicts[0]
    return "partly_supported", ("The verdict depends on whether a PCT application counts as "
                                "filed abroad, which the article does not say.")


# --- cn_plan_2017 -------------------------------------------------------------------------

@rule("cn_plan_2017")
def cn_plan_2017(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """The plan's document reference: issue date in the claim's window, document number,
    publisher, url (reference figure ``policy_issued``)."""
    ref = present(tables.get("patent_figures"))
    rows = figures_where(ref, claim=spec.id, metric="policy_issued")
    if not rows:
        return unverifiable(spec, "the plan's document reference (patent_figures policy_issued)")
    r = rows[0]
    try:
        issued = date.fromisoformat(str(r["period"]).strip())
    except ValueError:
        return unverifiable(spec, f"a parseable issue date (found {r['period']!r})")
    ok = within_window(spec, issued)
    targets = figures_where(ref, claim=spec.id, metric="core_AI_industry_target_min")
    evidence = [figure_evidence(r, "document reference: issue date (period) and number (value_text)")]
    evidence += [figure_evidence(t, "context: the plan's industry target") for t in targets]
    text = (f"{r['publisher']}, {text_or_none(r['title']) or 'untitled'}, document {r['value_text']}, issued "
            f"{issued.isoformat()} ({text_or_none(r.get('locator')) or 'no locator'}): {text_or_none(r.get('url'))}. ")
    text += ("Issued in 2017, as the article says." if ok else
             f"Issued outside {spec.claimed_value}.")
    if targets:
        text += " It sets national targets for the core AI industry: " + ", ".join(
            f"{fmt_number(float(t['value']), 0)} {t['unit']} by {t['period']}"
            for t in sorted(targets, key=lambda t: str(t["period"]))) + "."
    return RuleResult(
        verdict="supported" if ok else "contradicted", explanation=text,
        evidence_kind=evidence_kind(r["status"]),
        evidence_text=f"issued {issued.isoformat()}, {r['value_text']}",
        evidence=evidence,
    )
