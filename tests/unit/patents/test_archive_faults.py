"""Patent zips that are hostile or written differently: an archive bomb, thousands
separators and unreadable counts in the CAT CSVs (inputs built here, after public bug
reports of the kind)."""
from __future__ import annotations

import io
import zipfile

import pytest

from assets.patents.archive import PatentSourceError, open_zip, read_member
from assets.patents.cat import parse_cat_zip
from tests.helpers.patents import APPS, cat_zip


def _bomb(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("cat/patents_yearly_applications.csv", b"0" * size)
    return buf.getvalue()


def test_member_inflating_past_the_ratio_is_refused_naming_member_and_sizes():
    data = _bomb(20 * 1024 * 1024)  # zeros deflate about 1000:1
    with pytest.raises(PatentSourceError) as err:
        read_member(open_zip(data, "bomb.zip"), "cat/patents_yearly_applications.csv",
                    "bomb.zip")
    msg = str(err.value)
    assert "cat/patents_yearly_applications.csv" in msg and str(20 * 1024 * 1024) in msg
    assert "ratio" in msg and "200:1" in msg


def test_member_over_the_size_limit_is_refused_while_inflating(monkeypatch):
    monkeypatch.setenv("AI_NUMBERS_MAX_INFLATED_BYTES", "1000000")
    data = _bomb(3 * 1024 * 1024)
    zf = open_zip(data, "big.zip")
    with pytest.raises(PatentSourceError, match="limit of 1000000 bytes"):
        read_member(zf, "cat/patents_yearly_applications.csv", "big.zip")
    # a header that declares less than the member holds is refused, never read past
    zf.getinfo("cat/patents_yearly_applications.csv").file_size = 10
    with pytest.raises(PatentSourceError, match="cannot be inflated"):
        read_member(zf, "cat/patents_yearly_applications.csv", "big.zip", max_ratio=1e9)


def test_cat_parser_goes_through_the_limit():
    with pytest.raises(PatentSourceError, match="patents_yearly_applications"):
        parse_cat_zip(_bomb(20 * 1024 * 1024), "bomb.zip")


def test_thousands_separator_is_read_as_an_integer():
    apps = APPS + 'China (mainland),All,2020,"1,049",True\n'
    df = parse_cat_zip(cat_zip(apps=apps), "cat.zip")
    row = df[(df["country_name"] == "China (mainland)") & (df["year"] == 2020)
             & (df["field"] == "All")]
    assert row["applications"].tolist() == [1049]


@pytest.mark.parametrize("value", ["1,04", "12.5", "-3", "many"])
def test_unreadable_count_names_the_column_and_the_value(value):
    apps = APPS + f'China (mainland),All,2020,"{value}",True\n'
    with pytest.raises(PatentSourceError) as err:
        parse_cat_zip(cat_zip(apps=apps), "cat.zip")
    msg = str(err.value)
    assert "'num_patent_applications'" in msg and repr(value) in msg


@pytest.mark.parametrize("line, column", [
    ("United States,All,2019,7,True,extra\n", None),
    ("United States,All,2019,7\n", "complete"),
])
def test_ragged_cat_row_is_refused_not_dropped(line, column):
    with pytest.raises(PatentSourceError) as err:
        parse_cat_zip(cat_zip(apps=APPS + line), "cat.zip")
    assert "patents_yearly_applications.csv" in str(err.value)
    if column:
        assert f"column {column!r}" in str(err.value)


def test_patent_database_streamed_from_its_zip_stops_at_the_inflated_size_limit(monkeypatch):
    """The CSET/1790 CSV is streamed from its member (never held whole in memory); the
    stream is held to the same limits as a member read whole."""
    import io
    import zipfile

    from assets.patents.patentdb import read_patentdb

    rows = "".join(f"CN,CN{i},{i},A,invention,2019\n" for i in range(20_000))
    csv = ("Publication_country,Publication_number,Simple_family_ID,Publication_type,"
           "Patent_Type,Priority_Year\n" + rows).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("patent_database.csv", csv)
    data = buf.getvalue()
    assert read_patentdb(data, "db.zip").num_rows == 20_000
    monkeypatch.setenv("AI_NUMBERS_MAX_INFLATED_BYTES", str(len(csv) // 2))
    with pytest.raises(PatentSourceError, match="patent_database.csv.*limit"):
        read_patentdb(data, "db.zip")
