"""Reading the newest snapshot of a source inside a published asset.

:func:`parsed_snapshot_table` is the common shape of a table parsed from one source's
newest snapshot: published empty (saying why) when there is no snapshot yet, otherwise
``parse(body, document label)`` marked with the snapshot it was built from. A parser of
large files takes the snapshot as an open binary file instead of its bytes (``stream``).
"""
from collections.abc import Callable
from typing import BinaryIO

import pandas as pd
from dagster import AssetExecutionContext

from pipelines.publish import empty_table, published_table, with_snapshots
from pipelines.settings import PipelineSettings
from pipelines.snapshot_assets import snapshot_key


def no_snapshot_reason(source_id: str) -> str:
    """Why a table of ``source_id`` is empty when the source has no snapshot yet."""
    return f"no snapshot of {source_id} yet (run live once: AI_NUMBERS_MODE=live make run)"


def parsed_snapshot_table(name: str, source_id: str,
                          parse: Callable[[bytes | BinaryIO, str], pd.DataFrame],
                          stream: bool = False):
    """The published asset ``name`` = ``parse(body, url)`` of the newest snapshot of
    ``source_id`` (published empty, saying why, when there is no snapshot). ``stream``:
    ``parse`` gets the snapshot as an open binary file (seekable, checksum verified), not
    its bytes, so a large snapshot is never held in memory whole."""

    @published_table(name, deps=[snapshot_key(source_id)])
    def _parsed(context: AssetExecutionContext, settings: PipelineSettings) -> pd.DataFrame:
        store = settings.snapshots()
        rec = store.latest(source_id)
        if rec is None:
            return empty_table(name, no_snapshot_reason(source_id))
        if not stream:
            return with_snapshots(parse(store.read(rec), _label(rec)), [rec])
        with store.open(rec) as body:  # checksum verified in a streaming pass first
            return with_snapshots(parse(body, _label(rec)), [rec])

    return _parsed


def _label(rec) -> str:
    return (f"{rec.url} (snapshot sha256 {rec.sha256[:12]}, retrieved "
            f"{rec.retrieved_at[:10]})")
