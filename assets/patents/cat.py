"""The ETO Country Activity Tracker (CAT) release zip: AI patent families per country,
application field and year, and each country's share of them.

Plain functions from bytes / DataFrames to DataFrames (no Dagster here):

- :func:`parse_cat_zip` -- the CAT release zip -> table ``patent_families`` (AI patent
  families per country, application field and year; applications and grants, each with the
  tracker's ``complete`` flag).
- :func:`country_codes` -- CAT country names -> ISO 3166-1 alpha-3 codes.
- :func:`patent_shares` -- ``patent_families`` -> table ``patent_shares`` (each country's share
  of the sum over all countries, per measure, field and year, completeness carried along).
- :func:`share_sum_errors` -- groups of ``patent_shares`` whose shares do not sum to ~100.

Source (see ``shared/reference/SOURCES.md``): https://zenodo.org/records/19103157/files/cat.zip
(CC BY-NC 4.0, ETO terms). Counts are AI patent families attributed to a country by the
office of first filing, not inventor nationality. Recent years lag and carry
``complete=False``: they are never final.
"""
from __future__ import annotations

import io
import zipfile

import pandas as pd

from assets.patents.archive import (
    PatentSourceError,
    file_members,
    open_zip,
    read_member,
)
from assets.patents.tables import PATENT_FAMILIES, PATENT_SHARES

#: Members of the CAT zip this module reads, by measure (other members are ignored).
CAT_MEMBERS = {
    "applications": ("patents_yearly_applications.csv", "num_patent_applications"),
    "granted": ("patents_yearly_granted.csv", "num_patent_granted"),
}
MEASURES = tuple(CAT_MEMBERS)
#: One row per (country_name, field, year) in each CAT CSV and in ``patent_families``.
FAMILY_KEY = list(PATENT_FAMILIES.primary_key)

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


class UnmappedCountryError(PatentSourceError):
    """CAT country names that map to no ISO 3166-1 code and are not known aggregates."""

    def __init__(self, source_document: str, names: list[str]):
        self.names = sorted(names)
        super().__init__(
            f"{source_document}: {len(self.names)} country name(s) map to no ISO 3166-1 "
            f"code: {self.names}; add them to assets.patents.cat.COUNTRY_ALIASES (a country) "
            "or NOT_COUNTRIES (a region or aggregate)"
        )


def _cat_member(zf: zipfile.ZipFile, basename: str, source_document: str) -> str:
    names = file_members(zf)
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
    """One measure's CSV of the zip: ``country_name``, ``field``, ``year`` (int64),
    ``<measure>`` (int64), ``<measure>_complete`` (bool); raises PatentSourceError."""
    basename, count_col = CAT_MEMBERS[measure]
    member = _cat_member(zf, basename, source_document)
    where = f"{source_document}: {member}"
    try:
        raw = pd.read_csv(io.BytesIO(read_member(zf, member, source_document)), dtype=str,
                          keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise PatentSourceError(f"{where}: not a readable CSV: {exc}") from exc
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
    year = _integers(raw["year"])
    count = _integers(raw[count_col])
    flag = raw["complete"].str.strip().str.lower().map({"true": True, "false": False})
    problems = {
        "country": df["country_name"] == "", "field": df["field"] == "",
        "year": year.isna(), count_col: count.isna(), "complete": flag.isna(),
    }
    for column, bad in problems.items():
        if bad.any():
            lines = (raw.index[bad] + 2).tolist()  # 1-based, after the header line
            values = raw.loc[bad, column].head(5).tolist()
            want = {"country": "a name", "field": "a field name",
                    "complete": "True or False"}.get(column, "a non-negative integer "
                                                     "(thousands separators allowed)")
            raise PatentSourceError(
                f"{where}: column {column!r}: {int(bad.sum())} value(s) not {want}: "
                f"{values} on lines {lines[:10]}")
    df["year"] = year.astype("int64")
    df[measure] = count.astype("int64")
    df[f"{measure}_complete"] = flag.astype(bool)
    dup = df.duplicated(FAMILY_KEY, keep=False)
    if dup.any():
        keys = df.loc[dup, FAMILY_KEY].drop_duplicates()
        raise PatentSourceError(
            f"{where}: {len(keys)} duplicated (country, field, year) key(s), e.g. "
            f"{keys.head(5).to_dict('records')}"
        )
    return df


_INTEGER = r"^(?:\d+|\d{1,3}(?:,\d{3})+)$"


def _integers(col: pd.Series) -> pd.Series:
    """Non-negative integers of a text column (``1049`` or ``"1,049"``) as float64; NaN
    where the text is not one (a bad thousands grouping such as ``1,04`` included)."""
    text = col.str.strip()
    ok = text.str.match(_INTEGER)
    return pd.to_numeric(text.where(ok).str.replace(",", "", regex=False), errors="coerce")


def country_codes(names, source_document: str = "CAT") -> dict[str, str | None]:
    """ISO 3166-1 alpha-3 code of each country name (``None`` for a known aggregate).

    Resolution order: :data:`NOT_COUNTRIES` (-> ``None``), :data:`COUNTRY_ALIASES`, then
    ``pycountry.countries.lookup`` (exact name, official name or common name; no fuzzy match).

    Raises:
        UnmappedCountryError: listing every name that none of these resolves.
    """
    import pycountry  # here, not at module level: its tables load off the definitions' load

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
    zf = open_zip(data, source_document)
    apps = _read_cat_csv(zf, "applications", source_document)
    grants = _read_cat_csv(zf, "granted", source_document)
    df = apps.merge(grants, on=FAMILY_KEY, how="outer", sort=True)
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
    return df[PATENT_FAMILIES.column_names].sort_values(FAMILY_KEY, ignore_index=True)


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
    missing = sorted(set(PATENT_FAMILIES.column_names) - set(families.columns))
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
    return out[PATENT_SHARES.column_names].sort_values(list(PATENT_SHARES.primary_key),
                                                       ignore_index=True)


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
