"""The published tables of the patents domain, registered with :func:`pipelines.tables.register`:
``patent_families`` and ``patent_shares`` (ETO Country Activity Tracker) and
``patent_family_offices`` (CSET/1790 AI patent database), and the two upstream sources they
are computed from (records of ``assets/registry/sources.yaml``).
"""
from __future__ import annotations

from assets.registry import load_sources
from pipelines.tables import BOOL, FLOAT, INT16, INT64, STR, Column, TableSpec, register

_SOURCES = load_sources()
#: The ETO Country Activity Tracker release zip (source ``eto_cat``).
CAT = _SOURCES["eto_cat"]
#: The CSET/1790 Analytics AI patent database (source ``cset_1790_patents``).
PATENTDB = _SOURCES["cset_1790_patents"]

#: Publishers cited with figures from these tables (the claims' evidence rows).
CAT_PUBLISHER = CAT.publisher
PATENTDB_PUBLISHER = PATENTDB.publisher
#: How the claims' explanations name the 1790 database. Not the registry's ``title`` ("AI
#: patent database (patent-level, ...)"): this wording is part of the published
#: ``article_claims`` explanations, which must not change.
PATENTDB_TITLE = "CSET/1790 Analytics AI patent database (patent_database.csv)"

#: Units of the columns below.
FAMILIES_UNIT = "patent families"
PERCENT = "percent"

#: ``country_name`` of both CAT tables.
COUNTRY_NAME = Column("country_name", STR, "Country name as the tracker publishes it",
                      nullable=False)

PATENT_FAMILIES = TableSpec(
    name="patent_families",
    title="AI patent families by country, field and year (ETO Country Activity Tracker)",
    description=(
        "AI patent families per country, application field and year, applications and "
        "grants, from the ETO Country Activity Tracker release zip "
        "(cat/patents_yearly_applications.csv, cat/patents_yearly_granted.csv). Countries "
        "follow the office of first filing, not inventor nationality. Recent years are "
        "flagged incomplete by the tracker (complete=False) and are not final."
    ),
    group="patents",
    primary_key=("country_name", "field", "year"),
    license=CAT.license,
    sources=(CAT.id,),
    columns=(
        Column("country_iso3", STR, "ISO 3166-1 alpha-3 code (null for aggregates)"),
        COUNTRY_NAME,
        Column("is_country", BOOL, "False for regions and aggregates", nullable=False),
        Column("field", STR, "Application field as published ('All' = every field)",
               nullable=False),
        Column("year", INT16, "Year of the families (first filing)", unit="year",
               nullable=False),
        Column("applications", INT64, "AI patent families applied for", unit=FAMILIES_UNIT),
        Column("granted", INT64, "AI patent families granted", unit=FAMILIES_UNIT),
        Column("applications_complete", BOOL,
               "Tracker's complete flag for applications (False: year still filling in)"),
        Column("granted_complete", BOOL,
               "Tracker's complete flag for grants (False: year still filling in)"),
        Column("source_document", STR, "Snapshot of the CAT zip the row comes from",
               nullable=False),
    ),
)

PATENT_SHARES = TableSpec(
    name="patent_shares",
    title="Country shares of AI patent families (ETO Country Activity Tracker)",
    description=(
        "Each country's share (percent) of the sum over all countries the tracker "
        "lists, per measure (applications, granted), field and year, computed from "
        "patent_families. complete=False marks a year the tracker flags incomplete: "
        "such shares are provisional, never final."
    ),
    group="patents",
    primary_key=("measure", "field", "year", "country_iso3"),
    license=CAT.license,
    sources=(CAT.id,),
    columns=(
        Column("measure", STR, "applications or granted", nullable=False),
        Column("field", STR, "Application field ('All' = every field)", nullable=False),
        Column("year", INT16, "Year of the families", unit="year", nullable=False),
        Column("country_iso3", STR, "ISO 3166-1 alpha-3 code", nullable=False),
        COUNTRY_NAME,
        Column("families", INT64, "The country's AI patent families", unit=FAMILIES_UNIT,
               nullable=False),
        Column("world_families", INT64, "Sum over all countries listed", unit=FAMILIES_UNIT,
               nullable=False),
        Column("share_pct", FLOAT, "families / world_families * 100", unit=PERCENT),
        Column("countries", INT64, "Countries in the world total", unit="countries",
               nullable=False),
        Column("complete", BOOL, "True when every row of this measure, field and year "
               "is flagged complete by the tracker", nullable=False),
        Column("source_document", STR, "Snapshot of the CAT zip", nullable=False),
    ),
)

PATENT_FAMILY_OFFICES = TableSpec(
    name="patent_family_offices",
    title="AI patent families by publication office: only there or also elsewhere "
          "(CSET/1790 database)",
    description=(
        "Per publication office (and per priority year): simple AI patent families with "
        "a member published there, split three ways by the readings of 'filed abroad': "
        "only there (no other office, PCT included), there and a PCT (WO) publication only, "
        "and there and another national or regional office. "
        "From the CSET/1790 Analytics AI patent database (documents published 2000-01 to "
        "2020-03). Offices, not applicant or priority countries: the CN row counts every "
        "family published in China, foreign ones included. Rows with scope=all_years "
        "have a null priority_year."
    ),
    group="patents",
    primary_key=("office", "scope", "priority_year"),
    license="see the 1790-ai-patent-data repository",
    sources=(PATENTDB.id,),
    columns=(
        Column("office", STR, "Publication office, two-letter code (WO = PCT)",
               nullable=False),
        Column("office_kind", STR, "national, regional or pct", nullable=False),
        Column("scope", STR, "all_years or priority_year", nullable=False),
        Column("priority_year", INT16, "Earliest priority year of the family (null for "
               "scope all_years)", unit="year"),
        Column("families", INT64, "Simple families with a member at the office",
               unit=FAMILIES_UNIT, nullable=False),
        Column("families_only_here", INT64, "... with no member at any other office, PCT "
               "(WO) included (for WO: no national/regional member)", unit=FAMILIES_UNIT,
               nullable=False),
        Column("families_here_and_pct_only", INT64, "... whose only other member is a PCT "
               "(WO) publication (0 for WO)", unit=FAMILIES_UNIT, nullable=False),
        Column("families_also_elsewhere", INT64, "... with a member at another "
               "national or regional office (WO not counted)", unit=FAMILIES_UNIT,
               nullable=False),
        Column("families_with_pct", INT64, "... with a PCT (WO) publication",
               unit=FAMILIES_UNIT, nullable=False),
        Column("share_only_here_pct", FLOAT, "families_only_here / families * 100",
               unit=PERCENT, nullable=False),
        Column("share_here_and_pct_only_pct", FLOAT,
               "families_here_and_pct_only / families * 100", unit=PERCENT, nullable=False),
        Column("share_also_elsewhere_pct", FLOAT,
               "families_also_elsewhere / families * 100", unit=PERCENT, nullable=False),
        Column("source_document", STR, "Snapshot of the 1790 zip", nullable=False),
    ),
)

TABLES = register(PATENT_FAMILIES, PATENT_SHARES, PATENT_FAMILY_OFFICES)
