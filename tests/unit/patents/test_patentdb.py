"""Tests of assets/patents/patentdb.py: the CSET/1790 family-office table, its spec and GX
suite.

Small fixtures are built in memory (:mod:`tests.helpers.patents`). Tests on the real
upstream file read ``../shared/upstream`` and skip, saying so, when it is absent; their
expected values are computed independently (``csv`` module, Python sets), never copied from
the output under test.
"""
from __future__ import annotations

import csv
import io
import time
import zipfile
from collections import defaultdict

import pandas as pd
import pytest

from assets.patents import patentdb as P
from assets.patents.archive import PatentSourceError
from pipelines.quality import validate_frame
from pipelines.tables import table
from tests.helpers import shared_path
from tests.helpers.patents import DOCS, HEADER, PATENTDB_ZIP, patentdb_csv, patentdb_zip


@pytest.fixture(scope="module")
def offices() -> pd.DataFrame:
    return P.family_offices(patentdb_zip(), "fixture patent_database.csv.zip")


def _office(df, office, year=None):
    if year is None:
        hit = df[(df.office == office) & (df.scope == "all_years")]
    else:
        hit = df[(df.office == office) & (df.scope == "priority_year") & (df.priority_year == year)]
    assert len(hit) == 1, (office, year)
    return hit.iloc[0].to_dict()


def _failed(result) -> set[str]:
    return {o.type for o in result.critical_failed}


@pytest.mark.parametrize("office, expected", [
    # (families, only here, here + PCT (WO) only, also at another national/regional
    # office, with a WO member)
    ("CN", (3, 1, 1, 1, 2)),  # F1 F2 F3; only F3; F2 with WO only; also F1 (US, EP)
    ("US", (3, 1, 0, 2, 1)),  # F1 F4 F6; only F4; also F1 (CN, EP) and F6 (JP)
    ("EP", (1, 0, 0, 1, 1)),
    ("JP", (1, 0, 0, 1, 0)),
    ("WO", (3, 1, 0, 2, 3)),  # F1 F2 F5; only F5 (no national office); also F1, F2
])
def test_family_offices_by_hand(offices, office, expected):
    r = _office(offices, office)
    got = (r["families"], r["families_only_here"], r["families_here_and_pct_only"],
           r["families_also_elsewhere"], r["families_with_pct"])
    assert got == expected
    assert pd.isna(r["priority_year"])
    assert r["share_only_here_pct"] == pytest.approx(expected[1] / expected[0] * 100)
    assert r["share_here_and_pct_only_pct"] == pytest.approx(expected[2] / expected[0] * 100)
    assert r["share_also_elsewhere_pct"] == pytest.approx(expected[3] / expected[0] * 100)


def test_family_offices_priority_year_and_kinds(offices):
    # F1's priority year is its earliest member's (2017), so CN 2017 = {F1}, CN 2018 = {F2, F3}
    assert _office(offices, "CN", 2017)["families_also_elsewhere"] == 1
    r = _office(offices, "CN", 2018)
    assert (r["families"], r["families_only_here"], r["families_here_and_pct_only"]) == (2, 1, 1)
    assert set(offices[offices.scope == "priority_year"].priority_year) == {2017, 2018, 2019}
    kinds = dict(zip(offices.office, offices.office_kind))
    assert kinds == {"CN": "national", "EP": "regional", "JP": "national", "KR": "national",
                     "US": "national", "WO": "pct"}
    assert (offices.families_only_here + offices.families_here_and_pct_only
            + offices.families_also_elsewhere == offices.families).all()
    tbl = table("patent_family_offices").conform(offices)
    assert tbl.schema.field("priority_year").type == "int16"


@pytest.mark.parametrize("ids", [
    {"F1": "1001", "F2": "1002", "F3": "1003", "F4": "1004", "F5": "1005", "F6": "1006",
     "F7": "1007"},                                   # decimal ids, as in the real file
    {"F1": "7", "F2": "007", "F3": "+7", "F4": " 7", "F5": "0", "F6": "1006",
     "F7": "99999999999999999999"},                   # ids that read as equal integers
])
def test_family_ids_count_as_written_whatever_their_form(offices, ids):
    """A family is its id as written: decimal ids (factorized as integers) and ids an
    integer parse would merge ("7", "007", "+7") give the fixture's table as its "F1".."F7"
    ids do."""
    docs = [(o, n, ids[f], y) for o, n, f, y in DOCS]
    got = P.family_offices(patentdb_zip(patentdb_csv(docs)), "fixture patent_database.csv.zip")
    pd.testing.assert_frame_equal(got, offices)


def test_family_offices_reads_an_open_zip_file_as_it_reads_bytes(offices, tmp_path):
    """The asset hands the step its snapshot as an open file (parsed_snapshot_table with
    stream=True), never the bytes whole: the table is the same."""
    path = tmp_path / "patent_database.csv.zip"
    path.write_bytes(patentdb_zip())
    with path.open("rb") as fh:
        got = P.family_offices(fh, "fixture patent_database.csv.zip")
    pd.testing.assert_frame_equal(got, offices)


@pytest.mark.parametrize("data, message", [
    (lambda: patentdb_zip(**{"other.csv": "a,b\n"}), "exactly one CSV"),
    (lambda: patentdb_zip(HEADER.replace("Simple_family_ID", "Family")
                          + "CN,1,F,A,x,2018,1,true\n"),
     "Simple_family_ID"),
    (lambda: patentdb_zip(patentdb_csv(DOCS + [("C1", "99", "F9", 2018)])), "two capital"),
    (lambda: patentdb_zip(patentdb_csv(DOCS + [("CN", "99", "F9", "soon")])), "cannot parse"),
    (lambda: b"PK not really", "not a zip"),
    (lambda: patentdb_zip(HEADER), "no documents"),
])
def test_family_offices_bad_input(data, message):
    with pytest.raises(PatentSourceError) as err:
        P.family_offices(data(), "bad 1790.zip")
    assert message in str(err.value) and "bad 1790.zip" in str(err.value)


def test_suite_on_fixture_fails_only_on_row_count(offices):
    # The fixture is tiny: the row-count bound is the only expectation it may miss.
    failed = _failed(validate_frame(offices, "patent_family_offices"))
    assert failed <= {"expect_table_row_count_to_be_between"}


# --- real upstream file ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_offices() -> pd.DataFrame:
    data = shared_path(*PATENTDB_ZIP).read_bytes()
    t0 = time.perf_counter()
    out = P.family_offices(data, "georgetown-cset/1790-ai-patent-data patent_database.csv.zip")
    print(f"\nfamily_offices on the real 76 MB CSV: {time.perf_counter() - t0:.2f} s")
    return out


def test_real_patentdb_counts_from_sources_md():
    # SOURCES.md: 287,532 documents, 155,770 simple families
    t = P.read_patentdb(shared_path(*PATENTDB_ZIP).read_bytes(), "1790 zip")
    assert t.num_rows == 287_532
    assert len(set(t["Simple_family_ID"].to_pylist())) == 155_770


def test_real_family_offices_match_csv_module(real_offices):
    # Independent computation with the csv module and Python sets, for CN and WO, all years
    offices_of: dict[str, set[str]] = defaultdict(set)
    with zipfile.ZipFile(shared_path(*PATENTDB_ZIP)) as zf:
        reader = csv.reader(io.TextIOWrapper(zf.open("patent_database.csv"), encoding="utf-8"))
        header = next(reader)
        i_off, i_fam = header.index("Publication_country"), header.index("Simple_family_ID")
        for row in reader:
            offices_of[row[i_fam]].add(row[i_off])
    for office in ("CN", "WO", "EP"):
        fams = [o for o in offices_of.values() if office in o]
        national = [o - {"WO"} for o in fams]
        if office == "WO":
            only, pct_only = sum(1 for n in national if not n), 0
        else:
            only = sum(1 for o in fams if o == {office})
            pct_only = sum(1 for o in fams if o == {office, "WO"})
        got = _office(real_offices, office)
        assert got["families"] == len(fams)
        assert got["families_only_here"] == only
        assert got["families_here_and_pct_only"] == pct_only
        assert got["families_also_elsewhere"] == len(fams) - only - pct_only
        assert got["families_with_pct"] == sum(1 for o in fams if "WO" in o)


def test_real_family_offices_suite_passes_and_catches_breakage(real_offices):
    assert validate_frame(real_offices, "patent_family_offices").passed
    table("patent_family_offices").conform(real_offices)
    bad = real_offices.copy()
    first_all = bad.index[bad.scope == "all_years"][0]
    bad.loc[first_all, "priority_year"] = 2010          # all-years row with a year
    bad.loc[first_all + 1, "families_only_here"] = 10**9  # more than the office's families
    bad.loc[first_all + 2, "office"] = "C1"
    failed = _failed(validate_frame(bad, "patent_family_offices"))
    assert {"expect_column_values_to_be_null",
            "expect_column_pair_values_a_to_be_greater_than_b",
            "expect_column_values_to_match_regex"} <= failed
