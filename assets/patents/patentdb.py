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
from dataclasses import dataclass
from typing import BinaryIO

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


def read_patentdb(data: bytes | BinaryIO, source_document: str) -> pa.Table:
    """Read the needed columns of the 1790 zip's CSV member with pyarrow, the zip given as
    bytes or as a seekable binary file (the snapshot file: never whole in memory).

    Returns a pyarrow table with ``Publication_country`` (string, two-letter office code),
    ``Simple_family_ID`` (string) and ``Priority_Year`` (int64, nullable); one row per
    patent document. ``__MACOSX/`` members are skipped.

    Raises:
        PatentSourceError: not a zip, not exactly one CSV member, a needed column missing,
            an unparseable value, no row at all, or an office code that is not two capital
            letters.
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
    if not table.num_rows:
        raise PatentSourceError(f"{where}: no documents (a header without rows)")
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


#: Stands for a null priority year in the integer arrays (above every real year).
_NO_YEAR = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Documents:
    """The documents as integer codes (no Python object per document): ``family`` and
    ``office`` (int64 arrays, one value per document) index ``n_families`` simple families
    and the ``offices`` names (str array); ``year`` (int64) is the priority year,
    :data:`_NO_YEAR` where null."""

    family: np.ndarray
    office: np.ndarray
    year: np.ndarray
    n_families: int
    offices: np.ndarray


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Dictionary codes (int64, in order of first appearance) and the dictionary (values as
    a numpy array) of ``column``."""
    encoded = pc.dictionary_encode(column.combine_chunks())  # one array: one dictionary
    return (encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False),
            encoded.dictionary.to_numpy(zero_copy_only=False))


#: A family id that is a canonical decimal integer (no sign, no leading zero, fits int64):
#: such ids map one-to-one to their integer values.
_DECIMAL_ID = r"^(0|[1-9][0-9]{0,17})$"


def _family_codes(column: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """Family codes (int64, 0..n-1 in order of first appearance) and the number n of
    families. The 1790 file's ids are canonical decimal integers: those are factorized as
    integers (about twice as fast as hashing the strings); any other id, as strings."""
    if pc.all(pc.match_substring_regex(column, _DECIMAL_ID)).as_py():
        codes, uniques = pd.factorize(pc.cast(column, pa.int64()).to_numpy())
        return codes.astype(np.int64, copy=False), len(uniques)
    codes, names = _codes(column)
    return codes, len(names)


def _documents(table: pa.Table) -> _Documents:
    """The columns of :func:`read_patentdb` as :class:`_Documents`."""
    family, n_families = _family_codes(table["Simple_family_ID"])
    office, offices = _codes(table["Publication_country"])
    year = pc.fill_null(table["Priority_Year"], _NO_YEAR).to_numpy().astype(np.int64,
                                                                          copy=False)
    return _Documents(family, office, year, n_families, offices)


def _family_office_pairs(docs: _Documents) -> dict[str, np.ndarray]:
    """Distinct (family, office) pairs with the family's flags for that office, as arrays:
    ``office`` (code), ``priority_year`` (the family's earliest ``Priority_Year``,
    :data:`_NO_YEAR` when it has none), and the bools of :data:`FLAG_COUNTS`
    (``families_with_pct``: the family has a WO member; the others see
    :func:`family_offices`). Per-family counts with ``numpy.bincount``."""
    n, n_offices = docs.n_families, max(len(docs.offices), 1)
    family_year = np.full(n, _NO_YEAR, dtype=np.int64)
    np.minimum.at(family_year, docs.family, docs.year)
    pair = pd.unique(docs.family * n_offices + docs.office)  # one int64 key per pair
    family, office = np.divmod(pair, n_offices)
    pct = np.flatnonzero(docs.offices == PCT_OFFICE)
    is_pct = office == (pct[0] if len(pct) else -1)
    n_national = np.bincount(family[~is_pct], minlength=n)[family]
    has_pct = (np.bincount(family[is_pct], minlength=n) > 0)[family]
    return {
        "office": office,
        "priority_year": family_year[family],
        "families_only_here": np.where(is_pct, n_national == 0, (n_national == 1) & ~has_pct),
        "families_here_and_pct_only": ~is_pct & (n_national == 1) & has_pct,
        "families_also_elsewhere": np.where(is_pct, n_national >= 1, n_national >= 2),
        "families_with_pct": has_pct,
    }


def _count_families(pairs: dict[str, np.ndarray], group: np.ndarray,
                    n_groups: int) -> dict[str, np.ndarray]:
    """``group`` (a code per pair, 0..n_groups-1) -> ``group`` (the codes with pairs),
    ``families`` (pairs per group) and the :data:`FLAG_COUNTS` per group (int64)."""
    families = np.bincount(group, minlength=n_groups)
    kept = np.flatnonzero(families)
    out = {"group": kept, "families": families[kept]}
    for count in FLAG_COUNTS:
        out[count] = np.bincount(group, weights=pairs[count],
                                 minlength=n_groups)[kept].astype(np.int64)
    return out


def _office_rows(pairs: dict[str, np.ndarray], offices: np.ndarray) -> pd.DataFrame:
    """The rows of ``patent_family_offices`` (without ``source_document``): per office over
    all years, then per office and priority year, with shares and office kinds."""
    n_offices = len(offices)
    all_years = _count_families(pairs, pairs["office"], n_offices)
    office_all = all_years.pop("group")
    dated = pairs["priority_year"] != _NO_YEAR
    year_codes, years = pd.factorize(pairs["priority_year"][dated])  # however far apart
    span = max(len(years), 1)
    by_year = _count_families({k: v[dated] for k, v in pairs.items()},
                              pairs["office"][dated] * span + year_codes, n_offices * span)
    office_year, year_index = np.divmod(by_year.pop("group"), span)
    out = pd.DataFrame({
        "office": offices[np.concatenate([office_all, office_year])],
        "scope": [SCOPE_ALL] * len(office_all) + [SCOPE_YEAR] * len(office_year),
        "priority_year": pd.array(
            [pd.NA] * len(office_all) + years[year_index].tolist(), dtype="Int16"),
        **{c: np.concatenate([all_years[c], by_year[c]]).astype(np.int64)
           for c in ("families", *FLAG_COUNTS)},
    })
    out["office"] = out["office"].astype(str)
    out["share_only_here_pct"] = out["families_only_here"] / out["families"] * 100.0
    out["share_here_and_pct_only_pct"] = (out["families_here_and_pct_only"]
                                          / out["families"] * 100.0)
    out["share_also_elsewhere_pct"] = out["families_also_elsewhere"] / out["families"] * 100.0
    out["office_kind"] = out["office"].map(office_kind).astype(str)
    return out


def family_offices(data: bytes | BinaryIO, source_document: str) -> pd.DataFrame:
    """Table ``patent_family_offices`` from the CSET/1790 ``patent_database.csv.zip`` (its
    bytes, or the snapshot file open for reading: see :func:`read_patentdb`).

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

    Vectorised on integer codes (no Python object per document): documents -> distinct
    (family, office) pairs -> per-family counts with ``numpy.bincount`` -> per office (and
    office x priority year) counts with ``numpy.bincount`` again.

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
    docs = _documents(read_patentdb(data, source_document))
    out = _office_rows(_family_office_pairs(docs), docs.offices)
    out["source_document"] = source_document
    return out[PATENT_FAMILY_OFFICES.column_names].sort_values(
        list(PATENT_FAMILY_OFFICES.primary_key), na_position="first", ignore_index=True
    )
