"""Fixture builders of the patents tests: small CAT and CSET/1790 zips written in memory
with ``zipfile``, and where the real upstream files live under ``../shared``."""
from __future__ import annotations

import io
import zipfile

#: Paths of the real upstream zips under ``../shared`` (pass to ``shared_path(*...)``).
CAT_ZIP = ("upstream", "files", "zenodo.org/records/19103157/files/cat.zip")
PATENTDB_ZIP = ("upstream", "files", "raw.githubusercontent.com/georgetown-cset/"
                "1790-ai-patent-data/cf8cef13916d3851ad2532c38dea3652e7e23ff5/"
                "patent_database.csv.zip")


def zip_bytes(members: dict[str, str | bytes]) -> bytes:
    """A zip archive of ``members`` (name -> body)."""
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
    """A CAT release zip with the two CSVs read, two members that must be ignored, and
    ``extra`` members."""
    members = {
        "cat/patents_yearly_applications.csv": apps,
        "cat/patents_yearly_granted.csv": granted,
        "cat/patents_summary.csv": "this member is ignored,\n\"unbalanced",
        "cat/research_yearly.csv": "country,x\nNowhere Land,1\n",
    }
    members.update(extra)
    return zip_bytes(members)


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
    """The 1790 CSV of ``docs`` (office, publication number, family, priority year)."""
    lines = [f'{o},{n},{f},A1,"Patent Application",{y},1,true\n' for o, n, f, y in docs]
    return HEADER + "".join(lines)


def patentdb_zip(body: str | None = None, **extra) -> bytes:
    """A 1790 zip: the CSV (default :func:`patentdb_csv`), a macOS resource fork that must
    be skipped, and ``extra`` members."""
    members = {"patent_database.csv": body or patentdb_csv(),
               "__MACOSX/._patent_database.csv": b"\x00\x05\x16\x07 resource fork, not CSV"}
    members.update(extra)
    return zip_bytes(members)
