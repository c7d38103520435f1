"""AI patent statistics from primary data: the ETO Country Activity Tracker (CAT) and the
CSET/1790 Analytics AI patent database.

Plain functions from bytes / DataFrames to DataFrames (no Dagster here):

- :func:`parse_cat_zip` -- the CAT release zip -> table ``patent_families`` (AI patent
  families per country, application field and year; applications and grants, each with the
  tracker's ``complete`` flag).
- :func:`patent_shares` -- ``patent_families`` -> table ``patent_shares`` (each country's share
  of the sum over all countries, per measure, field and year, completeness carried along).
- :func:`family_offices` -- the 1790 zip -> table ``patent_family_offices`` (per publication
  office and priority year: simple patent families with a member there, only there, also at
  another national or regional office).
- :func:`share_sum_errors` -- groups of ``patent_shares`` whose shares do not sum to ~100.

Sources (see ``shared/reference/SOURCES.md``):

- CAT: https://zenodo.org/records/19103157/files/cat.zip (CC BY-NC 4.0, ETO terms). Counts
  are AI patent families attributed to a country by the office of first filing, not inventor
  nationality. Recent years lag and carry ``complete=False``: they are never final.
- 1790: https://github.com/georgetown-cset/1790-ai-patent-data (``patent_database.csv.zip``):
  287,532 AI patent documents published 2000-01..2020-03 at any office, 155,770 simple
  families. It has no priority (first-filing) country.
"""
from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pycountry

from pipelines.tables import register, BOOL, FLOAT, INT16, INT64, STR, Column, TableSpec

CAT_PUBLISHER = "CSET Emerging Technology Observatory"
CAT_TITLE = "Country Activity Tracker: Artificial Intelligence (ETO)"
PATENTDB_PUBLISHER = "CSET and 1790 Analytics"
PATENTDB_TITLE = "CSET/1790 Analytics AI patent database (patent_database.csv)"

#: Members of the CAT zip this module reads, by measure (other members are ignored).
CAT_MEMBERS = {
    "applications": ("patents_yearly_applications.csv", "num_patent_applications"),
    "granted": ("patents_yearly_granted.csv", "num_patent_granted"),
}
MEASURES = tuple(CAT_MEMBERS)

#: CAT country names pycountry cannot resolve (``pycountry.countries.lookup``), mapped by
#: hand to ISO 3166-1 alpha-3. CAT reports mainland China, Hong Kong and Taiwan apart.
COUNTRY_ALIASES: dict[str, str] = {
    "China (mainland)": "CHN",
    "Mainland China": "CHN",
    "Russia": "RUS",
    "Turkey": "TUR",
    "Korea": "KOR",
    "South Korea": "KOR",
    "Taiwan": "TWN",
    "Vietnam": "VNM",
    "Macau": "MAC",
}

#: Names that are regions or aggregates, not countries: kept with a null code and
#: ``is_country=False``, and left out of world totals.
NOT_COUNTRIES = frozenset({
    "World", "Global", "Total", "Rest of world", "Rest of World", "Other", "Others",
    "Unknown", "Europe", "European Union", "EU", "EU and UK", "EU-27", "EU27",
    "Asia", "Africa", "Latin America", "North America", "Oceania", "Middle East",
})

#: Regional patent offices in 1790 ``Publication_country``; ``WO`` is the PCT (WIPO), not
#: an office a family is "filed at"; every other code is a national office.
REGIONAL_OFFICES = {
    "EP": "European Patent Office",
    "EA": "Eurasian Patent Organization",
    "AP": "ARIPO",
    "OA": "OAPI",
    "GC": "GCC Patent Office",
}
PCT = "WO"

#: Columns of the 1790 CSV this module reads (the others are ignored, never parsed).
PATENTDB_COLUMNS = ("Publication_country", "Simple_family_ID", "Priority_Year")

SCOPE_ALL = "all_years"
SCOPE_YEAR = "priority_year"


class PatentSourceError(ValueError):
    """An upstream patent file is not what this module expects (names file and problem)."""


class UnmappedCountryError(PatentSourceError):
    """CAT country names that map to no ISO 3166-1 code and are not known aggregates."""

    def __init__(self, source_document: str, names: list[str]):
        self.names = sorted(names)
        super().__init__(
            f"{source_document}: {len(self.names)} country name(s) map to no ISO 3166-1 "
            f"code: {self.names}; add them to assets.patents.COUNTRY_ALIASES (a country) "
            "or NOT_COUNTRIES (a region or aggregate)"
        )


# --- ETO Country Activity Tracker ---------------------------------------------------------

def _zip(data: bytes, source_document: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PatentSourceError(f"{source_document}: not a zip archive ({exc})") from exc


def _members(zf: zipfile.ZipFile) -> list[str]:
    """Member names, without directories and macOS resource forks (``__MACOSX/``, ``._*``)."""
    return [
        n for n in zf.namelist()
        if not n.endswith("/") and not n.startswith("__MACOSX/")
        and not n.rsplit("/", 1)[-1].startswith("._")
    ]


def _cat_member(zf: zipfile.ZipFile, basename: str, source_document: str) -> str:
    names = _members(zf)
    hits = [n for n in names if n == basename or n.endswith("/" + basename)]
    preferred = [n for n in hits if n == f"cat/{basename}"]
    if preferred:
        return preferred[0]
    if len(hits) != 1:
        raise PatentSourceError(
            f"{source_document}: expected one member cat/{basename}, found {hits or 'none'} "
            f"among {names}"
        )
    return hits[0]


def _read_cat_csv(zf: zipfile.ZipFile, measure: str, source_document: str) -> pd.DataFrame:
    basename, count_col = CAT_MEMBERS[measure]
    member = _cat_member(zf, basename, source_document)
    where = f"{source_document}: {member}"
    raw = pd.read_csv(
        io.BytesIO(zf.read(member)), dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    raw.columns = [c.strip() for c in raw.columns]
    need = ["country", "field", "year", count_col, "complete"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise PatentSourceError(
            f"{where}: columns {missing} missing; header is {list(raw.columns)}"
        )
    df = pd.DataFrame({
        "country_name": raw["country"].str.strip(),
        "field": raw["field"].str.strip(),
    })
    year = pd.to_numeric(raw["year"].str.strip(), errors="coerce")
    count = pd.to_numeric(raw[count_col].str.strip(), errors="coerce")
    flag = raw["complete"].str.strip().str.lower().map({"true": True, "false": False})
    bad = (
        year.isna() | (year != year.round()) | count.isna() | (count < 0)
        | (count != count.round()) | flag.isna()
        | (df["country_name"] == "") | (df["field"] == "")
    )
    if bad.any():
        rows = (raw.index[bad] + 2).tolist()  # 1-based, after the header line
        raise PatentSourceError(
            f"{where}: {int(bad.sum())} row(s) with an empty name/field, a year or "
            f"{count_col} that is not a non-negative integer, or complete not True/False; "
            f"lines {rows[:10]}"
        )
    df["year"] = year.astype("int64")
    df[measure] = count.astype("int64")
    df[f"{measure}_complete"] = flag.astype(bool)
    dup = df.duplicated(["country_name", "field", "year"], keep=False)
    if dup.any():
        keys = df.loc[dup, ["country_name", "field", "year"]].drop_duplicates()
        raise PatentSourceError(
            f"{where}: {len(keys)} duplicated (country, field, year) key(s), e.g. "
            f"{keys.head(5).to_dict('records')}"
        )
    return df


def country_codes(names, source_document: str = "CAT") -> dict[str, str | None]:
    """ISO 3166-1 alpha-3 code of each country name (``None`` for a known aggregate).

    Resolution order: :data:`NOT_COUNTRIES` (-> ``None``), :data:`COUNTRY_ALIASES`, then
    ``pycountry.countries.lookup`` (exact name, official name or common name; no fuzzy match).

    Raises:
        UnmappedCountryError: listing every name that none of these resolves.
    """
    out: dict[str, str | None] = {}
    unmapped = []
    for name in sorted(set(names)):
        if name in NOT_COUNTRIES:
            out[name] = None
        elif name in COUNTRY_ALIASES:
            out[name] = COUNTRY_ALIASES[name]
        else:
            try:
                out[name] = pycountry.countries.lookup(name).alpha_3
            except LookupError:
                unmapped.append(name)
    if unmapped:
        raise UnmappedCountryError(source_document, unmapped)
    return out


def parse_cat_zip(data: bytes, source_document: str) -> pd.DataFrame:
    """Parse the ETO Country Activity Tracker release zip into table ``patent_families``.

    Reads the members ``cat/patents_yearly_applications.csv`` (country, field, year,
    num_patent_applications, complete) and ``cat/patents_yearly_granted.csv`` (...,
    num_patent_granted, complete) in memory (nothing is extracted); other members are
    ignored. The two are joined on (country, field, year); a key present in one file only
    has a null count and a null completeness flag for the other measure.

    Returns one row per (country_name, field, year), columns:
        ``country_iso3`` (str, null for aggregates), ``country_name`` (str, as published,
        e.g. ``China (mainland)``, ``Moldova, Republic of``), ``is_country`` (bool),
        ``field`` (str; ``All`` is the total over fields), ``year`` (int16),
        ``applications``, ``granted`` (Int64, AI patent families; null when the row is
        absent from that file), ``applications_complete``, ``granted_complete`` (boolean,
        the tracker's ``complete`` flag; null when absent), ``source_document`` (str).

    Raises:
        PatentSourceError: not a zip, a member or column missing, a bad value (with line
            numbers), a duplicated key, or two names mapping to one ISO code.
        UnmappedCountryError: listing every name that maps to no ISO code.
    """
    zf = _zip(data, source_document)
    apps = _read_cat_csv(zf, "applications", source_document)
    grants = _read_cat_csv(zf, "granted", source_document)
    df = apps.merge(grants, on=["country_name", "field", "year"], how="outer", sort=True)
    codes = country_codes(df["country_name"], source_document)
    by_code: dict[str, list[str]] = {}
    for name, code in codes.items():
        if code:
            by_code.setdefault(code, []).append(name)
    clashes = {c: n for c, n in by_code.items() if len(n) > 1}
    if clashes:
        raise PatentSourceError(f"{source_document}: several names map to one ISO code: {clashes}")
    df["country_iso3"] = df["country_name"].map(codes).astype("str")
    df["is_country"] = df["country_iso3"].notna()
    df["year"] = df["year"].astype("int16")
    for m in MEASURES:
        df[m] = df[m].astype("Int64")
        df[f"{m}_complete"] = df[f"{m}_complete"].astype("boolean")
    df["source_document"] = source_document
    cols = TABLES[0].column_names
    return df[cols].sort_values(["country_name", "field", "year"], ignore_index=True)


def patent_shares(families: pd.DataFrame) -> pd.DataFrame:
    """Each country's share of the world total, from ``patent_families``.

    For each measure (``applications``, ``granted``), field and year: the world total is the
    sum over rows with ``is_country`` (aggregates are left out), over the countries the
    tracker lists; a country's share is its count / world total * 100. ``complete`` is True
    only when every country row of that measure, field and year is flagged complete: an
    incomplete year is carried as ``complete=False``, never as final.

    Returns columns: ``measure`` (str), ``field`` (str), ``year`` (int16), ``country_iso3``,
    ``country_name`` (str), ``families``, ``world_families`` (int64, AI patent families),
    ``share_pct`` (float64, percent; NaN when the world total is 0), ``countries``
    (int64, countries in the world total), ``complete`` (bool), ``source_document`` (str).
    One row per (measure, field, year, country_iso3).

    Raises:
        PatentSourceError: a column of ``patent_families`` is missing.
    """
    need = {"country_iso3", "country_name", "is_country", "field", "year", "source_document",
            *MEASURES, *(f"{m}_complete" for m in MEASURES)}
    missing = sorted(need - set(families.columns))
    if missing:
        raise PatentSourceError(f"patent_families: columns {missing} missing")
    countries = families[families["is_country"].fillna(False).astype(bool)]
    parts = []
    for m in MEASURES:
        sub = countries[countries[m].notna()]
        part = pd.DataFrame({
            "measure": m,
            "field": sub["field"].astype(str),
            "year": sub["year"].astype("int16"),
            "country_iso3": sub["country_iso3"].astype(str),
            "country_name": sub["country_name"].astype(str),
            "families": sub[m].astype("int64"),
            "complete_row": sub[f"{m}_complete"].fillna(False).astype(bool),
            "source_document": sub["source_document"].astype(str),
        })
        grp = part.groupby(["field", "year"], sort=False)
        part["world_families"] = grp["families"].transform("sum").astype("int64")
        part["countries"] = grp["families"].transform("size").astype("int64")
        part["complete"] = grp["complete_row"].transform("all").astype(bool)
        parts.append(part.drop(columns="complete_row"))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    world = out["world_families"].astype("float64")
    out["share_pct"] = (out["families"] / world.where(world > 0)) * 100.0
    cols = TABLES[1].column_names
    return out[cols].sort_values(["measure", "field", "year", "country_iso3"], ignore_index=True)


def share_sum_errors(shares: pd.DataFrame, tolerance: float = 0.01) -> pd.DataFrame:
    """Groups (measure, field, year) of ``patent_shares`` whose ``share_pct`` do not sum to
    100 within ``tolerance`` percentage points (groups with a zero world total are skipped).

    Returns columns ``measure, field, year, share_sum`` (float64, percent); empty when all
    groups are fine. A check GX has no expectation for; the asset check can call it.
    """
    valid = shares[shares["share_pct"].notna()]
    sums = valid.groupby(["measure", "field", "year"], as_index=False)["share_pct"].sum()
    sums = sums.rename(columns={"share_pct": "share_sum"})
    return sums[(sums["share_sum"] - 100.0).abs() > tolerance].reset_index(drop=True)


# --- CSET/1790 AI patent database ----------------------------------------------------------

def _patentdb_member(zf: zipfile.ZipFile, source_document: str) -> str:
    csvs = [n for n in _members(zf) if n.lower().endswith(".csv")]
    if len(csvs) != 1:
        raise PatentSourceError(
            f"{source_document}: expected exactly one CSV member (outside __MACOSX/), found "
            f"{csvs or 'none'} among {zf.namelist()}"
        )
    return csvs[0]


def read_patentdb(data: bytes, source_document: str) -> pa.Table:
    """Read the needed columns of the 1790 zip's CSV member in memory with pyarrow.

    Returns a pyarrow table with ``Publication_country`` (string, two-letter office code),
    ``Simple_family_ID`` (string) and ``Priority_Year`` (int64, nullable); one row per
    patent document. ``__MACOSX/`` members are skipped.

    Raises:
        PatentSourceError: not a zip, not exactly one CSV member, a needed column missing,
            an unparseable value, or an office code that is not two capital letters.
    """
    zf = _zip(data, source_document)
    member = _patentdb_member(zf, source_document)
    where = f"{source_document}: {member}"
    body = zf.read(member)
    header = body[:4096].split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip()
    columns = [c.strip().strip('"') for c in header.split(",")]
    missing = [c for c in PATENTDB_COLUMNS if c not in columns]
    if missing:
        raise PatentSourceError(f"{where}: columns {missing} missing; header starts {columns[:8]}")
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(PATENTDB_COLUMNS),
                column_types={
                    "Publication_country": pa.string(),
                    "Simple_family_ID": pa.string(),
                    "Priority_Year": pa.int64(),
                },
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise PatentSourceError(f"{where}: cannot parse: {exc}") from exc
    office = table["Publication_country"]
    family = table["Simple_family_ID"]
    if family.null_count:
        raise PatentSourceError(
            f"{where}: {family.null_count} document(s) without Simple_family_ID"
        )
    ok = pc.fill_null(pc.match_substring_regex(office, r"^[A-Z]{2}$"), False)
    if not pc.all(ok).as_py():
        bad = pc.unique(pc.filter(office, pc.invert(ok))).to_pylist()
        raise PatentSourceError(
            f"{where}: Publication_country values that are not two capital letters: {bad[:10]}"
        )
    return table


def office_kind(office: str) -> str:
    """``pct`` for ``WO``, ``regional`` for :data:`REGIONAL_OFFICES`, else ``national``."""
    if office == PCT:
        return "pct"
    return "regional" if office in REGIONAL_OFFICES else "national"


def family_offices(data: bytes, source_document: str) -> pd.DataFrame:
    """Table ``patent_family_offices`` from the CSET/1790 ``patent_database.csv.zip``.

    A simple patent family "has a member at" office X when one of its documents was
    published by X (``Publication_country``). For X other than ``WO``: *only here* means X
    is the family's only national or regional office (WO members ignored), *also
    elsewhere* means it has a member at at least one other national or regional office
    (``WO``, the PCT, is not another office). For X = ``WO``: *only here* = no national or
    regional member at all, *also elsewhere* = at least one. So ``families_only_here +
    families_also_elsewhere == families`` on every row. A family's priority year is the
    earliest ``Priority_Year`` of its documents (15 of 155,770 families have several).

    Vectorised: documents -> distinct (family, office) pairs -> per-family counts with
    ``numpy.bincount`` -> ``groupby`` per office (and office x priority year).

    Returns one row per (office, scope, priority_year), columns:
        ``office`` (str, two-letter publication office code), ``office_kind`` (``national``,
        ``regional`` or ``pct``), ``scope`` (``all_years``: every family, priority_year
        null; ``priority_year``: families of that priority year), ``priority_year``
        (Int16), ``families``, ``families_only_here``, ``families_also_elsewhere``,
        ``families_with_pct`` (int64, simple families), ``share_only_here_pct``,
        ``share_also_elsewhere_pct`` (float64, percent of ``families``),
        ``source_document`` (str).

    Raises:
        PatentSourceError: see :func:`read_patentdb`.
    """
    table = read_patentdb(data, source_document)
    fam_codes, fam_ids = pd.factorize(
        table["Simple_family_ID"].to_pandas(), sort=False
    )
    n_fam = len(fam_ids)
    docs = pd.DataFrame({
        "family": fam_codes.astype(np.int64),
        "office": table["Publication_country"].to_pandas().astype(str),
        "year": table["Priority_Year"].to_pandas().astype("Int64"),
    })
    fam_year = docs.groupby("family")["year"].min().reindex(range(n_fam))
    pairs = docs[["family", "office"]].drop_duplicates(ignore_index=True)
    fam = pairs["family"].to_numpy()
    is_pct = (pairs["office"] == PCT).to_numpy()
    n_national = np.bincount(fam[~is_pct], minlength=n_fam)[fam]
    has_pct = (np.bincount(fam[is_pct], minlength=n_fam) > 0)[fam]
    pairs["only_here"] = np.where(is_pct, n_national == 0, n_national == 1)
    pairs["also_elsewhere"] = np.where(is_pct, n_national >= 1, n_national >= 2)
    pairs["with_pct"] = has_pct
    pairs["priority_year"] = fam_year.to_numpy()[fam]

    def agg(keys: list[str]) -> pd.DataFrame:
        g = pairs.groupby(keys, dropna=True)
        return pd.DataFrame({
            "families": g.size(),
            "families_only_here": g["only_here"].sum(),
            "families_also_elsewhere": g["also_elsewhere"].sum(),
            "families_with_pct": g["with_pct"].sum(),
        }).reset_index()

    all_years = agg(["office"])
    all_years["scope"] = SCOPE_ALL
    all_years["priority_year"] = pd.NA
    by_year = agg(["office", "priority_year"])
    by_year["scope"] = SCOPE_YEAR
    out = pd.concat([all_years, by_year], ignore_index=True)
    out["priority_year"] = out["priority_year"].astype("Int16")
    for c in ("families", "families_only_here", "families_also_elsewhere", "families_with_pct"):
        out[c] = out[c].astype("int64")
    out["share_only_here_pct"] = out["families_only_here"] / out["families"] * 100.0
    out["share_also_elsewhere_pct"] = out["families_also_elsewhere"] / out["families"] * 100.0
    out["office_kind"] = out["office"].map(office_kind).astype(str)
    out["source_document"] = source_document
    cols = TABLES[2].column_names
    return out[cols].sort_values(
        ["office", "scope", "priority_year"], na_position="first", ignore_index=True
    )


# --- published tables -----------------------------------------------------------------------

_FAM = "patent families"
_PCT = "percent"

TABLES = register(
    TableSpec(
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
        license="CC BY-NC 4.0 (ETO terms)",
        sources=("eto_cat",),
        columns=(
            Column("country_iso3", STR, "ISO 3166-1 alpha-3 code (null for aggregates)"),
            Column("country_name", STR, "Country name as the tracker publishes it",
                   nullable=False),
            Column("is_country", BOOL, "False for regions and aggregates", nullable=False),
            Column("field", STR, "Application field as published ('All' = every field)",
                   nullable=False),
            Column("year", INT16, "Year of the families (first filing)", unit="year",
                   nullable=False),
            Column("applications", INT64, "AI patent families applied for", unit=_FAM),
            Column("granted", INT64, "AI patent families granted", unit=_FAM),
            Column("applications_complete", BOOL,
                   "Tracker's complete flag for applications (False: year still filling in)"),
            Column("granted_complete", BOOL,
                   "Tracker's complete flag for grants (False: year still filling in)"),
            Column("source_document", STR, "Snapshot of the CAT zip the row comes from",
                   nullable=False),
        ),
    ),
    TableSpec(
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
        license="CC BY-NC 4.0 (ETO terms)",
        sources=("eto_cat",),
        columns=(
            Column("measure", STR, "applications or granted", nullable=False),
            Column("field", STR, "Application field ('All' = every field)", nullable=False),
            Column("year", INT16, "Year of the families", unit="year", nullable=False),
            Column("country_iso3", STR, "ISO 3166-1 alpha-3 code", nullable=False),
            Column("country_name", STR, "Country name as the tracker publishes it",
                   nullable=False),
            Column("families", INT64, "The country's AI patent families", unit=_FAM,
                   nullable=False),
            Column("world_families", INT64, "Sum over all countries listed", unit=_FAM,
                   nullable=False),
            Column("share_pct", FLOAT, "families / world_families * 100", unit=_PCT),
            Column("countries", INT64, "Countries in the world total", unit="countries",
                   nullable=False),
            Column("complete", BOOL, "True when every row of this measure, field and year "
                   "is flagged complete by the tracker", nullable=False),
            Column("source_document", STR, "Snapshot of the CAT zip", nullable=False),
        ),
    ),
    TableSpec(
        name="patent_family_offices",
        title="AI patent families by publication office: only there or also elsewhere "
              "(CSET/1790 database)",
        description=(
            "Per publication office (and per priority year): simple AI patent families with "
            "a member published there, with members only there, and with a member at another "
            "national or regional office (WO, the PCT, does not count as another office). "
            "From the CSET/1790 Analytics AI patent database (documents published 2000-01 to "
            "2020-03). Offices, not applicant or priority countries: the CN row counts every "
            "family published in China, foreign ones included. Rows with scope=all_years "
            "have a null priority_year."
        ),
        group="patents",
        primary_key=("office", "scope", "priority_year"),
        license="see the 1790-ai-patent-data repository",
        sources=("cset_1790_patents",),
        columns=(
            Column("office", STR, "Publication office, two-letter code (WO = PCT)",
                   nullable=False),
            Column("office_kind", STR, "national, regional or pct", nullable=False),
            Column("scope", STR, "all_years or priority_year", nullable=False),
            Column("priority_year", INT16, "Earliest priority year of the family (null for "
                   "scope all_years)", unit="year"),
            Column("families", INT64, "Simple families with a member at the office",
                   unit=_FAM, nullable=False),
            Column("families_only_here", INT64, "... whose only national/regional office "
                   "is this one (for WO: no national/regional member)", unit=_FAM,
                   nullable=False),
            Column("families_also_elsewhere", INT64, "... with a member at another "
                   "national or regional office (WO not counted)", unit=_FAM, nullable=False),
            Column("families_with_pct", INT64, "... with a PCT (WO) publication",
                   unit=_FAM, nullable=False),
            Column("share_only_here_pct", FLOAT, "families_only_here / families * 100",
                   unit=_PCT, nullable=False),
            Column("share_also_elsewhere_pct", FLOAT,
                   "families_also_elsewhere / families * 100", unit=_PCT, nullable=False),
            Column("source_document", STR, "Snapshot of the 1790 zip", nullable=False),
        ),
    ),
)
