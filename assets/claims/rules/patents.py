"""Rules of the article's six patent and policy claims (see ``shared/reference/CLAIMS.md``).

Each rule gets the claim spec (``assets/claims.yaml``) and the published tables. It always
uses the reference table ``patent_figures`` (``assets/reference/patent_figures.yaml``) and,
when present and non-empty, the primary-data tables of :mod:`assets.patents`:
``patent_families`` / ``patent_shares`` (ETO Country Activity Tracker) and
``patent_family_offices`` (CSET/1790 AI patent database). The explanation says which basis
was used. Verdicts are computed from the values; thresholds live in ``claims.yaml``.

``evidence_kind`` is the weakest kind among the evidence the verdict rests on (a verdict is
only as strong as its weakest source): ``primary_data`` < ``primary_text`` <
``secondary_report``, from each reference figure's ``status``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
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
from assets.patents.cat import (
    CAT_PUBLISHER,
    PATENTDB_PUBLISHER,
    PATENTDB_TITLE,
    SCOPE_ALL,
    patent_shares,
)

CN, US = "China", "United States"
_KIND_ORDER = ("primary_data", "primary_text", "secondary_report")


def _table(tables: Tables, name: str) -> pd.DataFrame | None:
    """The table, or None when it is absent or empty."""
    df = tables.get(name)
    return df if df is not None and len(df) else None


def _status_kind(status: str | None) -> str:
    if status in ("primary_data", "data_file"):
        return "primary_data"
    if status == "primary_text":
        return "primary_text"
    return "secondary_report"


def _weakest(kinds: Iterable[str]) -> str:
    kinds = list(kinds)
    if not kinds:
        return "none"
    return max(kinds, key=_KIND_ORDER.index)


def _s(value) -> str | None:
    """A text cell as str, or None when missing (NaN / NA / None / empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value) or None


def _cite(row: dict) -> str:
    """``Title (Publisher)`` of a reference figure (title left out when it adds nothing)."""
    pub, title = _s(row.get("publisher")) or "", _s(row.get("title")) or ""
    if not title or title in pub or title == "news reports" or title == "report":
        return pub
    return f"{title} ({pub})"


def _fig_ev(row: dict, note: str | None = None) -> EvidenceRow:
    """Evidence row for one ``patent_figures`` row."""
    return EvidenceRow(
        table="patent_figures",
        key=f"{row['claim']} / {row['metric']} / {row['area']} / {row['period']}",
        value=None if pd.isna(row.get("value")) else float(row["value"]),
        unit=_s(row.get("unit")),
        source_document=_s(row.get("title")) or _s(row.get("citation_id")) or "patent_figures",
        publisher=_s(row.get("publisher")) or "unknown",
        note=note,
    )


def _figures(ref: pd.DataFrame | None, **eq) -> list[dict]:
    """Rows of ``patent_figures`` whose columns equal ``eq`` (as records)."""
    if ref is None:
        return []
    mask = pd.Series(True, index=ref.index)
    for col, val in eq.items():
        mask &= ref[col].astype(str) == str(val)
    return ref[mask].to_dict("records")


def _year(period) -> int | None:
    try:
        return int(str(period).strip())
    except ValueError:
        return None


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:,.{digits}f}"


# --- cn_4x_us_patents_2022 --------------------------------------------------------------

@dataclass
class _Ratio:
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
            note = f"CN/US {year} ({src['basis']}): {_fmt(cn, 0)} / {_fmt(us, 0)} = {_fmt(ratio)}"
            out.append(_Ratio(
                label=f"{_cite(rows[0])}, {src['basis']}",
                year=year, ratio=ratio, final=True,
                kind=_weakest(_status_kind(r["status"]) for r in rows),
                evidence=[_fig_ev(r, note) for r in rows],
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
                f"{_fmt(cn['applications'], 0)} / {_fmt(us['applications'], 0)} = {_fmt(ratio)}")
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
    ref = _table(tables, "patent_figures")
    fams = _table(tables, "patent_families")
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
    parts = [f"{_fmt(r.ratio)} from {r.label} ({'within' if ok else 'outside'} "
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
            f"{r.label}, {r.year}: {_fmt(r.ratio)}{r.caveat}" for r in context) + "."
    basis = "primary data (patent_families) and reference figures" if fams is not None \
        else "reference figures only (patent_families not available)"
    text += f" Basis: {basis}."
    value = voting[0].ratio if voting and verdict != "disputed" else None
    return RuleResult(
        verdict=verdict,
        explanation=text,
        evidence_kind=_weakest(r.kind for r in voting) if voting else "secondary_report",
        evidence_value=value,
        evidence_unit="ratio CN / US" if value is not None else None,
        evidence_text="; ".join(f"{r.year}: {_fmt(r.ratio)} ({r.label})" for r in ratios),
        evidence=[e for r in voting + context for e in r.evidence],
    )


# --- granted shares: cn_share_granted_2022_2023, us_share_granted_21pct -------------------

_DATA_RE = re.compile(r"data(?: from|:)\s+([A-Za-z][\w ]*[\w])")


def _method(row: dict) -> str:
    """Short method label of an AI Index figure, from its locator / note ('data from CSET')."""
    m = _DATA_RE.search(f"{_s(row.get('locator')) or ''}; {_s(row.get('note')) or ''}")
    return f", data from {m.group(1)}" if m else ""


def _shares_table(tables: Tables) -> pd.DataFrame | None:
    shares = _table(tables, "patent_shares")
    if shares is None and _table(tables, "patent_families") is not None:
        shares = patent_shares(tables["patent_families"])
    return shares


def _granted_share_rule(spec: ClaimSpec, tables: Tables) -> RuleResult:
    area, iso3 = spec.param("area"), spec.param("country_iso3")
    years = [int(y) for y in spec.param("years", [])]
    ref = _table(tables, "patent_figures")
    shares = _shares_table(tables)
    evidence: list[EvidenceRow] = []
    year_text, year_state, kinds, titles, context = [], {}, [], {}, []
    headline: dict[int, float] = {}  # first value per year: the headline evidence_value
    cat = None
    if shares is not None:
        cat = shares[(shares["measure"] == "granted") & (shares["field"] == "All")
                     & (shares["country_iso3"] == iso3)]
    for y in years:
        votes: list[tuple[str, float]] = []
        for r in _figures(ref, metric="share_of_world_granted_AI_patents", area=area, period=y):
            if pd.isna(r["value"]):
                continue
            label = f"{_s(r['title']) or r['publisher']}{_method(r)}"
            titles[y] = _s(r["title"]) or r["publisher"]
            votes.append((label, float(r["value"])))
            kinds.append(_status_kind(r["status"]))
            evidence.append(_fig_ev(r, f"{area} {y}: AI Index share of granted AI patents"))
        if cat is not None:
            for r in cat[cat["year"] == y].to_dict("records"):
                final = bool(r["complete"])
                evidence.append(EvidenceRow(
                    table="patent_shares", key=f"granted / All / {y} / {iso3}",
                    value=float(r["share_pct"]), unit="percent",
                    source_document=str(r["source_document"]), publisher=CAT_PUBLISHER,
                    note=("ETO CAT granted-family share, complete" if final else
                          "ETO CAT granted-family share, year flagged incomplete: not used"),
                ))
                if final:
                    votes.append(("ETO CAT granted families", float(r["share_pct"])))
                    kinds.append("primary_data")
                else:
                    context.append(f"ETO CAT {y}: {_fmt(r['share_pct'])}% (flagged incomplete, "
                                   "not final)")
        ok = [within_precision(spec, v) for _, v in votes]
        if votes:
            headline[y] = votes[0][1]
        if not votes:
            year_state[y] = "missing"
            year_text.append(f"{y}: no figure")
            continue
        year_state[y] = ("agree" if all(ok) else "disagree" if not any(ok) else "disputed")
        year_text.append(f"{y}: " + ", ".join(
            f"{_fmt(v)}% ({label})" for label, v in votes))
    if cat is not None and len(cat):
        complete = cat[cat["complete"].astype(bool)]
        if len(complete):
            last = complete.sort_values("year").iloc[-1]
            if int(last["year"]) not in years:
                context.append(f"ETO CAT latest complete granted year {int(last['year'])}: "
                               f"{_fmt(last['share_pct'])}%")
                evidence.append(EvidenceRow(
                    table="patent_shares", key=f"granted / All / {int(last['year'])} / {iso3}",
                    value=float(last["share_pct"]), unit="percent",
                    source_document=str(last["source_document"]), publisher=CAT_PUBLISHER,
                    note="context: latest complete year of the tracker, not a claim year"))
    states = [s for s in year_state.values() if s != "missing"]
    if not states:
        return unverifiable(spec, f"a share of granted AI patents for {area} in {years}")
    if "disputed" in states:
        verdict = "disputed"
    elif all(s == "agree" for s in states):
        verdict = "supported"
    elif any(s == "agree" for s in states):
        verdict = "partly_supported"
    else:
        verdict = "contradicted"
    claimed = f"{spec.claimed_value}%"
    text = (f"Share of AI patents granted worldwide, {area}: " + "; ".join(year_text)
            + f". Claimed: about {claimed}. ")
    text += {
        "supported": "Every year agrees.",
        "partly_supported": "Only " + ", ".join(
            str(y) for y, s in year_state.items() if s == "agree") + " agrees.",
        "contradicted": "No year agrees.",
        "disputed": "Sources disagree for " + ", ".join(
            str(y) for y, s in year_state.items() if s == "disputed") + ".",
    }[verdict]
    if len(set(titles.values())) > 1:
        text += (" The years come from different AI Index editions ("
                 + ", ".join(f"{y}: {t}" for y, t in sorted(titles.items()))
                 + ") with different methods, so they are not one series.")
    if context:
        text += " " + "; ".join(context) + "."
    text += (" Basis: reference figures and ETO CAT granted families (patent_shares)."
             if cat is not None else
             " Basis: reference figures only (patent_shares not available).")
    latest = max(y for y, s in year_state.items() if s != "missing")
    latest_val = headline.get(latest)
    return RuleResult(
        verdict=verdict, explanation=text, evidence_kind=_weakest(kinds),
        evidence_value=latest_val, evidence_unit="percent" if latest_val is not None else None,
        evidence_text="; ".join(year_text), evidence=evidence,
    )


@rule("cn_share_granted_2022_2023")
def cn_share_granted_2022_2023(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """China's share of granted AI patents per claim year (AI Index; CAT where complete)."""
    return _granted_share_rule(spec, tables)


@rule("us_share_granted_21pct")
def us_share_granted_21pct(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """The US share of granted AI patents per claim year (AI Index; CAT where complete)."""
    return _granted_share_rule(spec, tables)


# --- us_citations_7x ----------------------------------------------------------------------

@rule("us_citations_7x")
def us_citations_7x(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """US / China average citations per AI patent, from the one secondary article."""
    ref = _table(tables, "patent_figures")
    rows = _figures(ref, metric="avg_citations_per_AI_patent")
    by_doc: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        by_doc.setdefault((r["period"], _s(r["title"])), {})[r["area"]] = r
    pairs = [v for v in by_doc.values() if CN in v and US in v
             and not pd.isna(v[CN]["value"]) and float(v[CN]["value"]) > 0]
    if not pairs:
        return unverifiable(spec, "average citations per AI patent for the US and China")
    us, cn = pairs[0][US], pairs[0][CN]
    ratio = float(us["value"]) / float(cn["value"])
    ok = within_precision(spec, ratio)
    note = f"US/CN = {us['value']} / {cn['value']} = {_fmt(ratio)}"
    n_docs = len({(_s(r["title"]), r["publisher"]) for r in rows})
    text = (f"{_cite(us)} reports {us['value']} citations on average per US AI patent and "
            f"{cn['value']} per Chinese one (patents granted {us['period']}): a ratio of "
            f"{_fmt(ratio)}, {'which is' if ok else 'which is not'} "
            f"'almost {spec.claimed_value} times'. This rests on "
            f"{'a single secondary source' if n_docs == 1 else f'{n_docs} secondary sources'}; "
            "its patent dataset and citation definition are not stated, and no primary "
            "citation data was checked.")
    return RuleResult(
        verdict="supported" if ok else "contradicted", explanation=text,
        evidence_kind=_weakest(_status_kind(r["status"]) for r in (us, cn)),
        evidence_value=ratio, evidence_unit="ratio US / CN",
        evidence=[_fig_ev(us, note), _fig_ev(cn, note)],
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
    ref = _table(tables, "patent_figures")
    offices = _table(tables, "patent_family_offices")
    direct = [r for r in _figures(ref, claim=spec.id, area=CN) if not pd.isna(r["value"])]
    evidence = [_fig_ev(r, f"the only direct figure; status {r['status']}") for r in direct]
    direct_text = "; ".join(
        f"{r['value_text']}% ({r['metric']}, {r['period']}) is {r['status']}: "
        f"{(_s(r.get('note')) or '').rstrip('.')}; cited to {r['publisher']}" for r in direct
    ) or "no direct figure in patent_figures"
    row = None
    if offices is not None:
        hit = offices[(offices["office"] == office) & (offices["scope"] == SCOPE_ALL)]
        row = hit.iloc[0].to_dict() if len(hit) else None
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
    proxy = float(row["share_also_elsewhere_pct"])
    fam, also = int(row["families"]), int(row["families_also_elsewhere"])
    evidence.append(EvidenceRow(
        table="patent_family_offices", key=f"{office} / {SCOPE_ALL}",
        value=proxy, unit="percent", source_document=str(row["source_document"]),
        publisher=PATENTDB_PUBLISHER,
        note=f"{also:,} of {fam:,} families with a {office} member also at another "
             "national or regional office (WO not counted)",
    ))
    low = spec.claimed_low - float(spec.precision.get("absolute", 0.0))
    if within_precision(spec, proxy):
        verdict, judge = "partly_supported", (
            "The proxy is about the claimed figure, but it measures something else.")
    elif proxy < low:
        verdict, judge = "contradicted", (
            "Even this upper bound is below the claimed figure.")
    else:
        verdict, judge = "unverifiable", (
            f"The claimed {spec.claimed_value}% lies below this upper bound: consistent with "
            "it, but not confirmed.")
    text = (f"No primary source for the figure was found: {direct_text}. Proxy from the "
            f"{PATENTDB_TITLE} ({PATENTDB_PUBLISHER}; documents published 2000-01 to "
            f"2020-03): of {fam:,} AI patent families with a member at the Chinese patent "
            f"office, {also:,} ({_fmt(proxy, 1)}%) also have a member at another national or "
            "regional office (a PCT/WO application alone does not count). It counts offices, "
            "not the applicant's or priority country, so foreign families that entered China "
            "are included and the share of Chinese-origin families filed abroad is at most "
            f"about this. {judge}")
    return RuleResult(
        verdict=verdict, explanation=text, evidence_kind="primary_data",
        evidence_value=proxy,
        evidence_unit="percent of families with a CN member also at another office (proxy)",
        evidence=evidence,
    )


# --- cn_plan_2017 -------------------------------------------------------------------------

@rule("cn_plan_2017")
def cn_plan_2017(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """The plan's document reference: issue date in the claim's window, document number,
    publisher, url (reference figure ``policy_issued``)."""
    ref = _table(tables, "patent_figures")
    rows = _figures(ref, claim=spec.id, metric="policy_issued")
    if not rows:
        return unverifiable(spec, "the plan's document reference (patent_figures policy_issued)")
    r = rows[0]
    try:
        issued = date.fromisoformat(str(r["period"]).strip())
    except ValueError:
        return unverifiable(spec, f"a parseable issue date (found {r['period']!r})")
    ok = within_window(spec, issued)
    targets = _figures(ref, claim=spec.id, metric="core_AI_industry_target_min")
    evidence = [_fig_ev(r, "document reference: issue date (period) and number (value_text)")]
    evidence += [_fig_ev(t, "context: the plan's industry target") for t in targets]
    text = (f"{r['publisher']}, {_s(r['title']) or 'untitled'}, document {r['value_text']}, issued "
            f"{issued.isoformat()} ({_s(r.get('locator')) or 'no locator'}): {_s(r.get('url'))}. ")
    text += ("Issued in 2017, as the article says." if ok else
             f"Issued outside {spec.claimed_value}.")
    if targets:
        text += " It sets national targets for the core AI industry: " + ", ".join(
            f"{_fmt(float(t['value']), 0)} {t['unit']} by {t['period']}"
            for t in sorted(targets, key=lambda t: str(t["period"]))) + "."
    return RuleResult(
        verdict="supported" if ok else "contradicted", explanation=text,
        evidence_kind=_status_kind(r["status"]),
        evidence_text=f"issued {issued.isoformat()}, {r['value_text']}",
        evidence=evidence,
    )
