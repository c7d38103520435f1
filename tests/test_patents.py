"""Tests of assets/patents.py: the ETO Country Activity Tracker zip, country shares, the
CSET/1790 family-office table, their table specs and GX suites.

Small fixtures are built in memory here (zip files written with ``zipfile``). Tests on the
real upstream files read ``../shared/upstream`` and skip, saying so, when it is absent; their
expected values are computed independently (``csv`` module, Python sets), never copied from
the output under test.
"""
from __future__ import annotations

import csv
import io
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from assets.patents import cat as P
from pipelines.quality import validate_frame
from pipelines.tables import table

UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream" / "files"
CAT_ZIP = UPSTREAM / "zenodo.org/records/19103157/files/cat.zip"
PATENTDB_ZIP = (UPSTREAM / "raw.githubusercontent.com/georgetown-cset/1790-ai-patent-data/"
                "cf8cef13916d3851ad2532c38dea3652e7e23ff5/patent_database.csv.zip")


def _upstream(path: Path) -> bytes:
    if not path.exists():
        pytest.skip(f"{path} is absent: the real upstream files live in ../shared/upstream "
                    "beside the project checkout")
    return path.read_bytes()


def _zip(members: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


# --- CAT fixture ----------------------------------------------------------------------------

APPS = """country,field,year,num_patent_applications,complete
China (mainland),All,2021,300,True
China (mainland),All,2022,400,False
United States,All,2021,100,True
United States,All,2022,50,False
"Korea, Republic of",All,2021,100,True
"Korea, Republic of",All,2022,30,False
World,All,2021,500,True
China (mainland),Security,2021,30,True
United States,Security,2021,10,True
"""
GRANTED = """country,field,year,num_patent_granted,complete
China (mainland),All,2021,150,True
United States,All,2021,50,True
"Korea, Republic of",All,2021,50,True
Japan,All,2020,5,True
"""


def cat_zip(apps: str = APPS, granted: str = GRANTED, **extra) -> bytes:
    members = {
        "cat/patents_yearly_applications.csv": apps,
        "cat/patents_yearly_granted.csv": granted,
        "cat/patents_summary.csv": "this member is ignored,\n\"unbalanced",
        "cat/research_yearly.csv": "country,x\nNowhere Land,1\n",
    }
    members.update(extra)
    return _zip(members)


@pytest.fixture(scope="module")
def families() -> pd.DataFrame:
    return P.parse_cat_zip(cat_zip(), "fixture cat.zip")


def _row(df: pd.DataFrame, name: str, field: str, year: int) -> dict:
    hit = df[(df.country_name == name) & (df.field == field) & (df.year == year)]
    assert len(hit) == 1, (name, field, year)
    return hit.iloc[0].to_dict()


def test_cat_parse_rows_types_and_names(families):
    # 9 application keys + Japan 2020 (granted only) = 10 (country, field, year) keys
    assert len(families) == 10
    assert families["year"].dtype == "int16"
    kor = _row(families, "Korea, Republic of", "All", 2021)  # quoted name with a comma
    assert kor["country_iso3"] == "KOR" and kor["is_country"]
    assert kor["applications"] == 100 and kor["granted"] == 50
    chn = _row(families, "China (mainland)", "All", 2022)
    assert chn["country_iso3"] == "CHN"
    assert chn["applications"] == 400
    assert chn["applications_complete"] is not pd.NA and not chn["applications_complete"]
    assert pd.isna(chn["granted"]) and pd.isna(chn["granted_complete"])
    jpn = _row(families, "Japan", "All", 2020)
    assert pd.isna(jpn["applications"]) and jpn["granted"] == 5
    world = _row(families, "World", "All", 2021)
    assert pd.isna(world["country_iso3"]) and not world["is_country"]
    assert set(families["source_document"]) == {"fixture cat.zip"}


def test_cat_conforms_to_spec(families):
    tbl = table("patent_families").conform(families)
    assert tbl.schema.field("year").type == "int16"
    assert tbl.schema.field("applications").type == "int64"
    assert tbl.schema.field("applications").metadata[b"unit"] == b"patent families"
    assert tbl.num_rows == len(families)


def test_cat_unmapped_names_all_listed():
    apps = APPS + "Atlantis,All,2021,1,True\nNarnia,All,2021,2,True\n"
    with pytest.raises(P.UnmappedCountryError) as err:
        P.parse_cat_zip(cat_zip(apps=apps), "bad cat.zip")
    assert err.value.names == ["Atlantis", "Narnia"]
    assert "bad cat.zip" in str(err.value) and "Atlantis" in str(err.value)


@pytest.mark.parametrize("mutate, message", [
    (lambda: b"not a zip", "not a zip"),
    (lambda: _zip({"cat/patents_yearly_applications.csv": APPS}), "patents_yearly_granted.csv"),
    (lambda: cat_zip(apps=APPS.replace("2021,300", "20x1,300")), "lines [2]"),
    (lambda: cat_zip(apps=APPS.replace("300,True", "300,maybe")), "complete not True/False"),
    (lambda: cat_zip(apps=APPS.replace("num_patent_applications", "n")), "missing"),
    (lambda: cat_zip(apps=APPS + "United States,All,2021,7,True\n"), "duplicated"),
    (lambda: cat_zip(apps=APPS + "USA,All,2021,7,True\n"), "several names map to one ISO"),
])
def test_cat_bad_input_raises_clear_error(mutate, message):
    with pytest.raises(P.PatentSourceError) as err:
        P.parse_cat_zip(mutate(), "bad cat.zip")
    assert message in str(err.value) and "bad cat.zip" in str(err.value)


def test_shares_by_hand(families):
    shares = P.patent_shares(families)
    s = shares.set_index(["measure", "field", "year", "country_iso3"])
    # applications, All, 2021: 300 + 100 + 100 = 500 over countries ('World' is left out)
    assert s.loc[("applications", "All", 2021, "CHN"), "world_families"] == 500
    assert s.loc[("applications", "All", 2021, "CHN"), "share_pct"] == pytest.approx(60.0)
    assert s.loc[("applications", "All", 2021, "KOR"), "share_pct"] == pytest.approx(20.0)
    assert bool(s.loc[("applications", "All", 2021, "USA"), "complete"])
    # 2022: 400 / (400 + 50 + 30), flagged incomplete
    cn22 = s.loc[("applications", "All", 2022, "CHN"), "share_pct"]
    assert cn22 == pytest.approx(400 / 480 * 100)
    assert not bool(s.loc[("applications", "All", 2022, "CHN"), "complete"])
    # granted 2021: 150 / 250
    assert s.loc[("granted", "All", 2021, "CHN"), "share_pct"] == pytest.approx(60.0)
    assert s.loc[("granted", "All", 2020, "JPN"), "share_pct"] == pytest.approx(100.0)
    assert "WLD" not in set(shares.country_iso3) and shares.country_iso3.notna().all()
    assert P.share_sum_errors(shares).empty
    table("patent_shares").conform(shares)


def test_shares_incomplete_when_any_row_incomplete(families):
    fam = families.copy()
    mask = (fam.country_name == "United States") & (fam.field == "All") & (fam.year == 2021)
    fam.loc[mask, "applications_complete"] = False
    shares = P.patent_shares(fam)
    sub = shares[(shares.measure == "applications") & (shares.field == "All")
                 & (shares.year == 2021)]
    assert not sub["complete"].any()


def test_share_sum_errors_catches_a_broken_group(families):
    shares = P.patent_shares(families)
    shares.loc[0, "share_pct"] += 5
    bad = P.share_sum_errors(shares)
    assert len(bad) == 1 and bad.loc[0, "share_sum"] == pytest.approx(105.0)


# --- 1790 fixture ---------------------------------------------------------------------------

HEADER = ("Publication_country,Publication_number,Simple_family_ID,Publication_type,"
          "Patent_Type,Priority_Year,num_ai_techniques,Machine_Learning\n")
# F1: CN (two documents), US, EP and WO; members disagree on the priority year (2018, 2017)
# F2: CN + WO; F3: CN only; F4: US only; F5: WO only; F6: US + JP; F7: KR only
DOCS = [
    ("CN", "1", "F1", 2018), ("CN", "2", "F1", 2018), ("US", "3", "F1", 2017),
    ("EP", "4", "F1", 2018), ("WO", "5", "F1", 2018),
    ("CN", "6", "F2", 2018), ("WO", "7", "F2", 2018),
    ("CN", "8", "F3", 2018),
    ("US", "9", "F4", 2019),
    ("WO", "10", "F5", 2019),
    ("US", "11", "F6", 2019), ("JP", "12", "F6", 2019),
    ("KR", "13", "F7", 2019),
]


def patentdb_csv(docs=DOCS) -> str:
    lines = [f'{o},{n},{f},A1,"Patent Application",{y},1,true\n' for o, n, f, y in docs]
    return HEADER + "".join(lines)


def patentdb_zip(body: str | None = None, **extra) -> bytes:
    members = {"patent_database.csv": body or patentdb_csv(),
               "__MACOSX/._patent_database.csv": b"\x00\x05\x16\x07 resource fork, not CSV"}
    members.update(extra)
    return _zip(members)


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


@pytest.mark.parametrize("office, expected", [
    # (families, only here, also at another national/regional office, with a WO member)
    ("CN", (3, 2, 1, 2)),   # F1 F2 F3; only F2 (WO does not count) and F3; also F1
    ("US", (3, 1, 2, 1)),   # F1 F4 F6; only F4; also F1 (CN, EP) and F6 (JP)
    ("EP", (1, 0, 1, 1)),
    ("JP", (1, 0, 1, 0)),
    ("WO", (3, 1, 2, 3)),   # F1 F2 F5; only F5 (no national office); also F1, F2
])
def test_family_offices_by_hand(offices, office, expected):
    r = _office(offices, office)
    got = (r["families"], r["families_only_here"], r["families_also_elsewhere"],
           r["families_with_pct"])
    assert got == expected
    assert pd.isna(r["priority_year"])
    assert r["share_also_elsewhere_pct"] == pytest.approx(expected[2] / expected[0] * 100)
    assert r["share_only_here_pct"] == pytest.approx(expected[1] / expected[0] * 100)


def test_family_offices_priority_year_and_kinds(offices):
    # F1's priority year is its earliest member's (2017), so CN 2017 = {F1}, CN 2018 = {F2, F3}
    assert _office(offices, "CN", 2017)["families_also_elsewhere"] == 1
    r = _office(offices, "CN", 2018)
    assert (r["families"], r["families_only_here"]) == (2, 2)
    assert set(offices[offices.scope == "priority_year"].priority_year) == {2017, 2018, 2019}
    kinds = dict(zip(offices.office, offices.office_kind))
    assert kinds == {"CN": "national", "EP": "regional", "JP": "national", "KR": "national",
                     "US": "national", "WO": "pct"}
    assert (offices.families_only_here + offices.families_also_elsewhere
            == offices.families).all()
    tbl = table("patent_family_offices").conform(offices)
    assert tbl.schema.field("priority_year").type == "int16"


@pytest.mark.parametrize("data, message", [
    (lambda: patentdb_zip(**{"other.csv": "a,b\n"}), "exactly one CSV"),
    (lambda: patentdb_zip(HEADER.replace("Simple_family_ID", "Family")
                          + "CN,1,F,A,x,2018,1,true\n"),
     "Simple_family_ID"),
    (lambda: patentdb_zip(patentdb_csv(DOCS + [("C1", "99", "F9", 2018)])), "two capital"),
    (lambda: patentdb_zip(patentdb_csv(DOCS + [("CN", "99", "F9", "soon")])), "cannot parse"),
    (lambda: b"PK not really", "not a zip"),
])
def test_family_offices_bad_input(data, message):
    with pytest.raises(P.PatentSourceError) as err:
        P.family_offices(data(), "bad 1790.zip")
    assert message in str(err.value) and "bad 1790.zip" in str(err.value)


# --- GX suites ------------------------------------------------------------------------------

def _failed(result) -> set[str]:
    return {o.type for o in result.critical_failed}


def test_suites_on_fixtures_fail_only_on_row_count(families, offices):
    # The fixtures are tiny: the row-count bound is the only expectation they may miss.
    for name, df in [("patent_families", families), ("patent_shares", P.patent_shares(families)),
                     ("patent_family_offices", offices)]:
        assert _failed(validate_frame(df, name)) <= {"expect_table_row_count_to_be_between"}, name


def test_patent_figures_suite_passes_and_fails_on_broken_frame():
    from assets.reference import load_reference

    ref = load_reference("patent_figures")
    assert validate_frame(ref, "patent_figures").passed
    broken = ref.copy()
    pct = broken.index[broken.unit == "percent"][0]
    broken.loc[pct, "value"] = 250.0  # a share above 100%
    broken = pd.concat([broken, broken.iloc[[0]]], ignore_index=True)  # duplicated key
    broken.loc[1, "status"] = "rumour"
    failed = _failed(validate_frame(broken, "patent_figures"))
    assert {"expect_column_values_to_be_between", "expect_compound_columns_to_be_unique",
            "expect_column_values_to_match_regex"} <= failed


# --- real upstream files --------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_families() -> pd.DataFrame:
    return P.parse_cat_zip(_upstream(CAT_ZIP), "zenodo.org/records/19103157/files/cat.zip")


def _csv_rows(data: bytes, member: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return list(csv.DictReader(io.TextIOWrapper(zf.open(member), encoding="utf-8")))


def test_real_cat_matches_csv_module(real_families):
    data = CAT_ZIP.read_bytes()
    apps = _csv_rows(data, "cat/patents_yearly_applications.csv")
    grants = _csv_rows(data, "cat/patents_yearly_granted.csv")
    keys = {(r["country"], r["field"], int(r["year"])) for r in apps + grants}
    assert len(real_families) == len(keys)
    fam = real_families.set_index(["country_name", "field", "year"])
    for r in apps[::97]:  # a spread of rows, compared one by one
        row = fam.loc[(r["country"], r["field"], int(r["year"]))]
        assert row["applications"] == int(r["num_patent_applications"])
        assert bool(row["applications_complete"]) == (r["complete"] == "True")
    assert "Moldova, Republic of" in set(real_families.country_name)
    assert real_families.loc[real_families.country_name == "China (mainland)",
                             "country_iso3"].eq("CHN").all()
    # share of China in applications, field All, 2019, from the csv module (every name in
    # this file is a country)
    rows19 = [r for r in apps if r["field"] == "All" and r["year"] == "2019"]
    world = sum(int(r["num_patent_applications"]) for r in rows19)
    cn = next(int(r["num_patent_applications"]) for r in rows19
              if r["country"] == "China (mainland)")
    shares = P.patent_shares(real_families)
    got = shares[(shares.measure == "applications") & (shares.field == "All")
                 & (shares.year == 2019) & (shares.country_iso3 == "CHN")].iloc[0]
    assert got["world_families"] == world
    assert got["share_pct"] == pytest.approx(cn / world * 100)
    assert P.share_sum_errors(shares).empty


def test_real_cat_suites_pass_and_catch_breakage(real_families):
    shares = P.patent_shares(real_families)
    assert validate_frame(real_families, "patent_families").passed
    assert validate_frame(shares, "patent_shares").passed
    table("patent_families").conform(real_families)
    table("patent_shares").conform(shares)

    bad_fam = pd.concat([real_families, real_families.iloc[[0]]], ignore_index=True)
    bad_fam.loc[5, "applications"] = -3
    failed = _failed(validate_frame(bad_fam, "patent_families"))
    assert {"expect_compound_columns_to_be_unique", "expect_column_values_to_be_between"} <= failed

    bad_sh = shares.copy()
    bad_sh.loc[0, "share_pct"] = 130.0
    bad_sh.loc[1, "families"] = bad_sh.loc[1, "world_families"] + 1
    failed = _failed(validate_frame(bad_sh, "patent_shares"))
    assert {"expect_column_values_to_be_between",
            "expect_column_pair_values_a_to_be_greater_than_b"} <= failed


@pytest.fixture(scope="module")
def real_offices() -> pd.DataFrame:
    data = _upstream(PATENTDB_ZIP)
    t0 = time.perf_counter()
    out = P.family_offices(data, "georgetown-cset/1790-ai-patent-data patent_database.csv.zip")
    print(f"\nfamily_offices on the real 76 MB CSV: {time.perf_counter() - t0:.2f} s")
    return out


def test_real_patentdb_counts_from_sources_md():
    # SOURCES.md: 287,532 documents, 155,770 simple families
    t = P.read_patentdb(_upstream(PATENTDB_ZIP), "1790 zip")
    assert t.num_rows == 287_532
    assert len(set(t["Simple_family_ID"].to_pylist())) == 155_770


def test_real_family_offices_match_csv_module(real_offices):
    # Independent computation with the csv module and Python sets, for CN and WO, all years
    offices_of: dict[str, set[str]] = defaultdict(set)
    with zipfile.ZipFile(PATENTDB_ZIP) as zf:
        reader = csv.reader(io.TextIOWrapper(zf.open("patent_database.csv"), encoding="utf-8"))
        header = next(reader)
        i_off, i_fam = header.index("Publication_country"), header.index("Simple_family_ID")
        for row in reader:
            offices_of[row[i_fam]].add(row[i_off])
    for office in ("CN", "WO", "EP"):
        fams = [o for o in offices_of.values() if office in o]
        national = [o - {"WO"} for o in fams]
        if office == "WO":
            only = sum(1 for n in national if not n)
        else:
            only = sum(1 for n in national if n == {office})
        got = _office(real_offices, office)
        assert got["families"] == len(fams)
        assert got["families_only_here"] == only
        assert got["families_also_elsewhere"] == len(fams) - only
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
