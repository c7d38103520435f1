"""Figure 4: the patent-level step at scale, next to DuckDB.

:func:`assets.patents.patentdb.family_offices` (what the pipeline runs on the CSET/1790
zip) against a DuckDB query computing the same table from the same CSV, on the real file
and on synthetic copies (x10, x50: the real rows repeated with ``Simple_family_ID`` offset
per copy, so every copy is a new set of families and each count grows exactly N-fold).
Each size is written once to a temporary folder as ``xN.csv`` (read by DuckDB) and
``xN.zip`` (the same CSV stored uncompressed, read by ``family_offices`` from the open zip
file, as the ``patent_family_offices`` asset reads its snapshot); both read the same CSV
bytes from disk in the timed part.
"""
from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

FAMILY = "Simple_family_ID"


def write_copies(source_zip: Path, folder: Path, factor: int) -> tuple[Path, Path]:
    """Write ``folder/x{factor}.csv`` and ``.zip``: the CSV member of ``source_zip`` repeated
    ``factor`` times, copy k with every ``Simple_family_ID`` (an integer) plus
    ``k * (max id + 1)``. Every column is kept as text (values unchanged but the family id).
    Returns (csv path, zip path)."""
    from assets.patents.archive import file_members

    with zipfile.ZipFile(source_zip) as zf:
        member = next(n for n in file_members(zf) if n.lower().endswith(".csv"))
        with zf.open(member) as fh:
            header = fh.readline().decode("utf-8-sig").strip().split(",")
        with zf.open(member) as fh:
            types = {c: pa.int64() if c == FAMILY else pa.string() for c in header}
            table = pacsv.read_csv(fh, convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=False))
    offset = pc.max(table[FAMILY]).as_py() + 1
    csv_path, zip_path = folder / f"x{factor}.csv", folder / f"x{factor}.zip"
    index = table.schema.get_field_index(FAMILY)
    options = pacsv.WriteOptions(quoting_style="none")  # as the source: no quotes at all
    with pacsv.CSVWriter(csv_path, table.schema, write_options=options) as writer:
        for k in range(factor):
            ids = pc.add(table[FAMILY], k * offset)
            writer.write_table(table.set_column(index, FAMILY, ids))
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.write(csv_path, "patent_database.csv")
    return csv_path, zip_path


def duckdb_query(csv_path: Path, source_document: str) -> str:
    """The SQL computing table ``patent_family_offices`` from the 1790 CSV (the columns,
    types and order of :func:`assets.patents.patentdb.family_offices`)."""
    from assets.patents.patentdb import (
        PCT_OFFICE,
        REGIONAL_OFFICES,
        SCOPE_ALL,
        SCOPE_YEAR,
    )

    regional = ", ".join(f"'{o}'" for o in REGIONAL_OFFICES)
    path = str(csv_path).replace("'", "''")
    doc = source_document.replace("'", "''")
    counts = ("count(*) AS families, count_if(only_here) AS families_only_here, "
              "count_if(pct_only) AS families_here_and_pct_only, count_if(elsewhere) AS families_also_elsewhere, "
              "count_if(has_pct) AS families_with_pct")
    return f"""
WITH docs AS (
  SELECT Publication_country AS office, Simple_family_ID AS family, Priority_Year AS year
  FROM read_csv('{path}', header = true, auto_detect = true,
                types = {{'Publication_country': 'VARCHAR', 'Simple_family_ID': 'VARCHAR',
                         'Priority_Year': 'BIGINT'}})),
fam AS (
  SELECT family, min(year) AS priority_year,
         count(DISTINCT office) FILTER (WHERE office <> '{PCT_OFFICE}') AS n_national,
         bool_or(office = '{PCT_OFFICE}') AS has_pct
  FROM docs GROUP BY family),
flags AS (
  SELECT p.office, f.priority_year, f.has_pct,
         CASE WHEN p.office = '{PCT_OFFICE}' THEN f.n_national = 0
              ELSE f.n_national = 1 AND NOT f.has_pct END AS only_here,
         p.office <> '{PCT_OFFICE}' AND f.n_national = 1 AND f.has_pct AS pct_only,
         CASE WHEN p.office = '{PCT_OFFICE}' THEN f.n_national >= 1
              ELSE f.n_national >= 2 END AS elsewhere
  FROM (SELECT DISTINCT family, office FROM docs) p JOIN fam f USING (family)),
counts AS (
  SELECT office, '{SCOPE_ALL}' AS scope, NULL::SMALLINT AS priority_year, {counts}
  FROM flags GROUP BY office
  UNION ALL
  SELECT office, '{SCOPE_YEAR}' AS scope, priority_year::SMALLINT AS priority_year, {counts}
  FROM flags WHERE priority_year IS NOT NULL GROUP BY office, priority_year)
SELECT office,
       CASE WHEN office = '{PCT_OFFICE}' THEN 'pct' WHEN office IN ({regional}) THEN 'regional'
            ELSE 'national' END AS office_kind,
       scope, priority_year, families, families_only_here, families_here_and_pct_only,
       families_also_elsewhere, families_with_pct,
       families_only_here / families * 100.0 AS share_only_here_pct,
       families_here_and_pct_only / families * 100.0 AS share_here_and_pct_only_pct,
       families_also_elsewhere / families * 100.0 AS share_also_elsewhere_pct,
       '{doc}' AS source_document
FROM counts ORDER BY office, scope, priority_year NULLS FIRST"""


def run_duckdb(csv_path: Path, source_document: str):
    """The DuckDB result as a pandas DataFrame."""
    import duckdb

    with duckdb.connect() as con:
        return con.sql(duckdb_query(csv_path, source_document)).df()


def normalized(df):
    """A frame with the dtypes of table ``patent_family_offices``, sorted by its key, for
    comparing results from different engines."""
    from assets.patents.tables import PATENT_FAMILY_OFFICES as spec

    out = df[spec.column_names].copy()
    out["priority_year"] = out["priority_year"].astype("Int16")
    for col in ("families", "families_only_here", "families_here_and_pct_only",
                "families_also_elsewhere", "families_with_pct"):
        out[col] = out[col].astype("int64")
    for col in ("office", "office_kind", "scope", "source_document"):
        out[col] = out[col].astype(str)
    return out.sort_values(list(spec.primary_key), na_position="first", ignore_index=True)


def child(engine: str, path: str, out: str) -> dict:
    """Time one engine on one file (``ours``: the zip; ``duckdb``: the CSV) in this fresh
    process, then write its result to ``out`` (Parquet) for the equality check."""
    import duckdb  # noqa: F401 (imports outside the timed part, for both engines)

    from assets.patents.patentdb import family_offices

    # the synthetic copies are stored uncompressed and pass the default inflated-size limit
    # of a zip member (a guard against archive bombs): raise it for this trusted file
    os.environ["AI_NUMBERS_MAX_INFLATED_BYTES"] = str(2 * Path(path).stat().st_size)
    t0 = time.perf_counter()
    if engine == "ours":  # as the asset reads its snapshot: the open file, never whole
        with open(path, "rb") as fh:
            result = family_offices(fh, "bench")
    else:
        result = run_duckdb(Path(path), "bench")
    seconds = time.perf_counter() - t0
    normalized(result).to_parquet(out)
    return {"seconds": seconds}
