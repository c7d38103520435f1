"""Dagster definitions of the models family: snapshots of the four model cards and of the
Hub's model info, and the tables ``benchmark_results``, ``hf_model_info``, ``models`` and
``training_compute`` with the ``unmatched_model_names`` check."""
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    Definitions,
    MetadataValue,
    asset_check,
)

from assets.models.build import build_models, build_training_compute
from assets.models.cards import (
    CARD_SOURCES,
    ModelCardError,
    read_card,
)
from assets.models.cards import (
    unmatched_model_names as list_unmatched_model_names,
)
from assets.models.hub import (
    hf_model_info_frame,
    hub_repo_id,
    hub_streams,
    parse_hf_model_info,
)
from assets.models.snapshots import collect_card, collect_hub
from assets.registry import load_models, load_sources
from pipelines.fetching import latest_snapshot_body
from pipelines.mdtable import markdown_table
from pipelines.publish import (
    empty_table,
    published_key,
    published_table,
    with_snapshots,
)
from pipelines.settings import PipelineSettings
from pipelines.snapshot_assets import snapshot_asset, snapshot_key

SOURCES = load_sources()
CARD_SOURCE_IDS = tuple(CARD_SOURCES)
HUB = SOURCES["hf_model_info"]


card_snapshots = [snapshot_asset(SOURCES[sid], collect_card(SOURCES[sid]))
                  for sid in CARD_SOURCE_IDS]
hub_snapshot = snapshot_asset(HUB, lambda fetcher: collect_hub(HUB, fetcher))


def _card_cells(store, sid: str):
    """The benchmark cells of the newest snapshot of card ``sid`` and its record, or None.

    Raises:
        ModelCardError: the snapshot yields no benchmark table."""
    hit = latest_snapshot_body(store, sid)
    if hit is None:
        return None
    body, rec = hit
    cells = read_card(body, rec.url, sid)
    if cells.empty:
        raise ModelCardError(
            f"{sid}: no benchmark table found in {rec.url} (snapshot {rec.file}); the "
            "card's layout changed or the body is not the card")
    return cells, rec


@published_table("benchmark_results", deps=[snapshot_key(s) for s in CARD_SOURCE_IDS])
def benchmark_results(context: AssetExecutionContext,
                      settings: PipelineSettings) -> pd.DataFrame:
    """Every cell of every benchmark table of the four model cards.

    Raises:
        ModelCardError: a card snapshot yields no benchmark table (the last good
        benchmark_results file stays).
    """
    store = settings.snapshots()
    frames, used = [], []
    for sid in CARD_SOURCE_IDS:
        hit = _card_cells(store, sid)
        if hit is None:
            context.log.warning(f"benchmark_results: no snapshot of {sid}; its cells are absent")
            continue
        for table, line, why in hit[0].attrs.get("set_aside_rows", []):
            context.log.warning(f"benchmark_results: {sid}, table {table!r}: row {line!r} "
                                f"set aside: {why}")
        if hit[0].attrs.get("front_matter_set_aside"):
            context.log.warning(f"benchmark_results: {sid}: front matter set aside: "
                                f"{hit[0].attrs['front_matter_set_aside']}")
        frames.append(hit[0])
        used.append(hit[1])
    if not frames:
        return empty_table("benchmark_results", "no model card snapshot yet")
    return with_snapshots(pd.concat(frames, ignore_index=True), used)


@asset_check(asset=published_key("benchmark_results"), name="unmatched_model_names",
             description="Model names in the cards that match no registry alias (never "
                         "guessed; add an alias to assets/registry/models.yaml if one is "
                         "the same model).")
def unmatched_model_names(benchmark_results: pd.DataFrame) -> AssetCheckResult:
    names = list_unmatched_model_names(benchmark_results)
    return AssetCheckResult(
        passed=names.empty, severity=AssetCheckSeverity.WARN,
        metadata={"unmatched": len(names),
                  "names": MetadataValue.md(markdown_table(names, empty="(none)"))})


@published_table("hf_model_info", deps=[snapshot_key(HUB.id)])
def hf_model_info(context: AssetExecutionContext, settings: PipelineSettings) -> pd.DataFrame:
    """Hugging Face Hub model info of the open models (repos that answered)."""
    store = settings.snapshots()
    rows, used = [], []
    for stream, url in hub_streams(HUB):
        hit = latest_snapshot_body(store, stream)
        if hit is None:
            continue
        body, rec = hit
        rows.append(parse_hf_model_info(body, hub_repo_id(stream), url))
        used.append(rec)
    if not rows:
        return empty_table("hf_model_info", "no Hub model info snapshot (offline without "
                           "one, or the Hub did not answer: see source_status)")
    return with_snapshots(hf_model_info_frame(rows), used)


@published_table("models", ins=["model_facts", "hf_model_info"])
def models(context: AssetExecutionContext, model_facts: pd.DataFrame,
           hf_model_info: pd.DataFrame) -> pd.DataFrame:
    """Registry x reference facts x Hub info, one row per model."""
    return build_models(load_models(), model_facts, hf_model_info)


@published_table("training_compute", ins=["model_facts"])
def training_compute(context: AssetExecutionContext, model_facts: pd.DataFrame):
    """GPU type, GPU hours, rate and cost per model, with what each figure covers."""
    return build_training_compute(model_facts)


defs = Definitions(
    assets=[*card_snapshots, hub_snapshot, benchmark_results, hf_model_info, models,
            training_compute],
    asset_checks=[unmatched_model_names],
)
