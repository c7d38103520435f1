"""The CSET/1790 Analytics AI patent database (``patent_database.csv.zip``): patent-level
documents -> table ``patent_family_offices``.

Plain functions from bytes to tables (no Dagster here):

- :func:`read_patentdb` -- the zip's CSV member -> a pyarrow table of the three columns used.
- :func:`family_offices` -- the zip -> table ``patent_family_offices`` (per publication
  office and priority year: simple patent families with a member there, only there, also at
  also with a PCT (WO) publication only, also at another national or regional office).
- :func:`office_kind` -- ``national``, ``regional`` or ``pct`` for an office code.

Source (see ``shared/reference/SOURCES.md``):
https://github.com/georgetown-cset/1790-ai-patent-data (``patent_database.csv.zip``):
287,532 AI patent documents published 2000-01..2020-03 at any office, 155,770 simple
families. It has no priority (first-filing) country.
"""
from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from assets.patents.archive import (
    PatentSourceError,
    file_members,
    open_member,
    open_zip,
)
from assets.patents.tables import PATENT_FAMILY_OFFICES

#: Regional patent offices in 1790 ``Publication_country``; every other code but
#: :data:`PCT_OFFICE` is a national office.
REGIONAL_OFFICES = {
    "EP": "European Patent Office",
    "EA": "Eurasian Patent Organization",
    "AP": "ARIPO",
    "OA": "OAPI",
    "GC": "GCC Patent Office",
}
#: ``WO``: the PCT (WIPO), not an office a family is "filed at".
PCT_OFFICE = "WO"

#: Columns of the 1790 CSV this module reads, with their types (the others are ignored,
#: never parsed).
PATENTDB_TYPES = {
    "Publication_country": pa.string(),
    "Simple_family_ID": pa.string(),
    "Priority_Year": pa.int64(),
}

#: Values of ``scope`` in ``patent_family_offices``.
SCOPE_ALL = "all_years"
SCOPE_YEAR = "priority_year"

#: Counts of ``patent_family_offices`` that sum a per-(family, office) flag.
FLAG_COUNTS = ("families_only_here", "families_here_and_pct_only", "families_also_elsewhere",
               "families_with_pct")


def _patentdb_member(zf: zipfile.ZipFile, source_document: str) -> str:
    csvs = [n for n in file_members(zf) if n.lower().endswith(".csv")]
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
    import pyarrow.csv as pacsv  # here: off loading the definitions (README, Performance)

    zf = open_zip(data, source_document)
    member = _patentdb_member(zf, source_document)
    where = f"{source_document}: {member}"
    with open_member(zf, member, source_document) as fh:
        header = fh.readline(4096).split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip()
    columns = [c.strip().strip('"') for c in header.split(",")]
    missing = [c for c in PATENTDB_TYPES if c not in columns]
    if missing:
        raise PatentSourceError(f"{where}: columns {missing} missing; header starts {columns[:8]}")
    try:
        # streamed from the member (never the whole CSV in memory next to the zip)
        table = pacsv.read_csv(
            open_member(zf, member, source_document),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(PATENTDB_TYPES),
                column_types=PATENTDB_TYPES,
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
    if office == PCT_OFFICE:
        return "pct"
    return "regional" if office in REGIONAL_OFFICES else "national"


def _documents(table: pa.Table) -> tuple[pd.DataFrame, int]:
    """One row per document: ``family`` (int64 code, 0..n-1), ``office`` (str), ``year``
    (Int64 priority year); and the number n of simple families."""
    # in Arrow, without a Python string per document: the chunks share one dictionary,
    # codes in order of first appearance (as pandas.factorize(sort=False) gives them)
    families = pc.dictionary_encode(table["Simple_family_ID"])
    codes = [chunk.indices.to_numpy() for chunk in families.chunks]
    n_families = len(families.chunks[-1].dictionary) if codes else 0
    docs = pd.DataFrame({
        "family": np.concatenate(codes).astype(np.int64) if codes else np.empty(0, np.int64),
        "office": table["Publication_country"].to_pandas().astype(str),
        "year": table["Priority_Year"].to_pandas().astype("Int64"),
    })
    return docs, n_families


def _family_office_pairs(docs: pd.DataFrame, n_families: int) -> pd.DataFrame:
    """Distinct (family, office) pairs with the family's flags for that office.

    ``families_only_here`` / ``families_here_and_pct_only`` / ``families_also_elsewhere``
    (bool, see :func:`family_offices`),
    ``families_with_pct`` (bool, the family has a WO member) and ``priority_year`` (the
    family's earliest ``Priority_Year``). Per-family counts with ``numpy.bincount``.
    """
    family_year = docs.groupby("family")["year"].min().reindex(range(n_families))
    pairs = docs[["family", "office"]].drop_duplicates(ignore_index=True)
    family = pairs["family"].to_numpy()
    is_pct = (pairs["office"] == PCT_OFFICE).to_numpy()
    n_national = np.bincount(family[~is_pct], minlength=n_families)[family]
    has_pct = (np.bincount(family[is_pct], minlength=n_families) > 0)[family]
    pairs["families_only_here"] = np.where(is_pct, n_national == 0,
                                           (n_national == 1) & ~has_pct)
    pairs["families_here_and_pct_only"] = ~is_pct & (n_national == 1) & has_pct
    pairs["families_also_elsewhere"] = np.where(is_pct, n_national >= 1, n_national >= 2)
    pairs["families_with_pct"] = has_pct
    pairs["priority_year"] = family_year.to_numpy()[family]
    return pairs


def _count_families(pairs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``families`` (pairs per group) and the :data:`FLAG_COUNTS` per group of ``keys``
    (groups with a null key are dropped)."""
    groups = pairs.groupby(keys, dropna=True)
    return pd.DataFrame({
        "families": groups.size(),
        **{count: groups[count].sum() for count in FLAG_COUNTS},
    }).reset_index()


def _office_rows(pairs: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``patent_family_offices`` (without ``source_document``): per office over
    all years, then per office and priority year, with shares and office kinds."""
    all_years = _count_families(pairs, ["office"])
    all_years["scope"] = SCOPE_ALL
    all_years["priority_year"] = pd.NA
    by_year = _count_families(pairs, ["office", "priority_year"])
    by_year["scope"] = SCOPE_YEAR
    out = pd.concat([all_years, by_year], ignore_index=True)
    out["priority_year"] = out["priority_year"].astype("Int16")
    for count in ("families", *FLAG_COUNTS):
        out[count] = out[count].astype("int64")
    out["share_only_here_pct"] = out["families_only_here"] / out["families"] * 100.0
    out["share_here_and_pct_only_pct"] = (out["families_here_and_pct_only"]
                                          / out["families"] * 100.0)
    out["share_also_elsewhere_pct"] = out["families_also_elsewhere"] / out["families"] * 100.0
    out["office_kind"] = out["office"].map(office_kind).astype(str)
    return out


def family_offices(data: bytes, source_document: str) -> pd.DataFrame:
    """Table ``patent_family_offices`` from the CSET/1790 ``patent_database.csv.zip``.

    A simple patent family "has a member at" office X when one of its documents was
    published by X (``Publication_country``). For X other than ``WO``, the three readings
    of "filed abroad" apart: *only here* means the family has no member at any other
    office, PCT (``WO``) included; *here and PCT only* means its only other member is a PCT
    (WO) publication; *also elsewhere* means it has a member at at least one other national
    or regional office. For X = ``WO``: *only here* = no national or regional member at
    all, *here and PCT only* = 0, *also elsewhere* = at least one. So
    ``families_only_here + families_here_and_pct_only + families_also_elsewhere ==
    families`` on every row. A family's priority year is the
    earliest ``Priority_Year`` of its documents (15 of 155,770 families have several).

    Vectorised: documents -> distinct (family, office) pairs -> per-family counts with
    ``numpy.bincount`` -> ``groupby`` per office (and office x priority year).

    Returns one row per (office, scope, priority_year), columns:
        ``office`` (str, two-letter publication office code), ``office_kind`` (``national``,
        ``regional`` or ``pct``), ``scope`` (``all_years``: every family, priority_year
        null; ``priority_year``: families of that priority year), ``priority_year``
        (Int16), ``families``, ``families_only_here``, ``families_also_elsewhere``,
        ``families_here_and_pct_only``, ``families_with_pct`` (int64, simple families),
        ``share_only_here_pct``, ``share_here_and_pct_only_pct``,
        ``share_also_elsewhere_pct`` (float64, percent of ``families``),
        ``source_document`` (str).

    Raises:
        PatentSourceError: see :func:`read_patentdb`.
    """
    docs, n_families = _documents(read_patentdb(data, source_document))
    out = _office_rows(_family_office_pairs(docs, n_families))
    out["source_document"] = source_document
    return out[PATENT_FAMILY_OFFICES.column_names].sort_values(
        list(PATENT_FAMILY_OFFICES.primary_key), na_position="first", ignore_index=True
    )
