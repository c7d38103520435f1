"""Dagster definitions of the patents family: snapshots of the ETO Country Activity Tracker
and the CSET/1790 patent database, and the tables ``patent_families``, ``patent_shares``
and ``patent_family_offices``.

The bodies are thin: each parses the newest snapshot with a pure function of this folder
(:mod:`assets.patents.cat`, :mod:`assets.patents.patentdb`) and hands the frame to
write-audit-publish.
"""
import pandas as pd
from dagster import AssetExecutionContext, Definitions

from assets.patents import cat, patentdb
from assets.patents.tables import CAT, PATENTDB
from pipelines.fetching import one_file
from pipelines.publish import empty_table, published_table
from pipelines.snapshot_assets import snapshot_asset
from pipelines.snapshot_inputs import parsed_snapshot_table

#: Each source's collector: one file, kept only when its own parser reads it.
COLLECT = {CAT.id: one_file(CAT, cat.parse_cat_zip),
           PATENTDB.id: one_file(PATENTDB, patentdb.read_patentdb)}
cat_snapshot = snapshot_asset(CAT, COLLECT[CAT.id])
patentdb_snapshot = snapshot_asset(PATENTDB, COLLECT[PATENTDB.id])

#: ETO Country Activity Tracker patent families by country, field and year.
patent_families = parsed_snapshot_table("patent_families", CAT.id, cat.parse_cat_zip)

#: Simple families per publication office, only there or also at another office.
patent_family_offices = parsed_snapshot_table("patent_family_offices", PATENTDB.id,
                                              patentdb.family_offices, stream=True)


@published_table("patent_shares", ins=["patent_families"])
def patent_shares(context: AssetExecutionContext, patent_families: pd.DataFrame):
    """Each country's share of the world total per year, field and measure.

    Raises:
        ValueError: when a group's shares do not sum to 100 (listing the groups).
    """
    if patent_families.empty:
        return empty_table("patent_shares", "patent_families is empty")
    shares = cat.patent_shares(patent_families)
    bad = cat.share_sum_errors(shares)
    if len(bad):
        raise ValueError(f"patent_shares: {len(bad)} group(s) do not sum to 100%: "
                         f"{bad.head(5).to_dict('records')}")
    return shares


defs = Definitions(assets=[cat_snapshot, patentdb_snapshot, patent_families, patent_shares,
                           patent_family_offices])
