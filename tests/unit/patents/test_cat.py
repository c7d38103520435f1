"""Tests of assets/patents/cat.py: the ETO Country Activity Tracker zip, country shares,
their table specs and GX suites.

Small fixtures are built in memory (:mod:`tests.helpers.patents`). Tests on the real
upstream file read ``../shared/upstream`` and skip, saying so, when it is absent; their
expected values are computed independently (``csv`` module), never copied from the output
under test.
"""
from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest

from assets.patents import cat as P
from assets.patents.archive import PatentSourceError
from pipelines.quality import validate_frame
from pipelines.tables import table
from tests.helpers import shared_path
from tests.helpers.patents import APPS, CAT_ZIP, cat_zip, zip_bytes


@pytest.fixture(scope="module")
def families() -> pd.DataFrame:
    return P.parse_cat_zip(cat_zip(), "fixture cat.zip")


def _row(df: pd.DataFrame, name: str, field: str, year: int) -> dict:
    hit = df[(df.country_name == name) & (df.field == field) & (df.year == year)]
    assert len(hit) == 1, (name, field, year)
    return hit.iloc[0].to_dict()


def _failed(result) -> set[str]:
    return {o.type for o in result.critical_failed}


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
    (lambda: zip_bytes({"cat/patents_yearly_applications.csv": APPS}),
     "patents_yearly_granted.csv"),
    (lambda: cat_zip(apps=APPS.replace("2021,300", "20x1,300")), "lines [2]"),
    (lambda: cat_zip(apps=APPS.replace("300,True", "300,maybe")), "not True or False"),
    (lambda: cat_zip(apps=APPS.replace("num_patent_applications", "n")), "missing"),
    (lambda: cat_zip(apps=APPS + "United States,All,2021,7,True\n"), "duplicated"),
    (lambda: cat_zip(apps=APPS + "USA,All,2021,7,True\n"), "several names map to one ISO"),
])
def test_cat_bad_input_raises_clear_error(mutate, message):
    with pytest.raises(PatentSourceError) as err:
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


def test_suites_on_fixtures_fail_only_on_row_count(families):
    # The fixtures are tiny: the row-count bound is the only expectation they may miss.
    for name, df in [("patent_families", families), ("patent_shares", P.patent_shares(families))]:
        assert _failed(validate_frame(df, name)) <= {"expect_table_row_count_to_be_between"}, name


# --- real upstream file ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_families() -> pd.DataFrame:
    return P.parse_cat_zip(shared_path(*CAT_ZIP).read_bytes(),
                           "zenodo.org/records/19103157/files/cat.zip")


def _csv_rows(data: bytes, member: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return list(csv.DictReader(io.TextIOWrapper(zf.open(member), encoding="utf-8")))


def test_real_cat_matches_csv_module(real_families):
    data = shared_path(*CAT_ZIP).read_bytes()
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
