"""Published-table assets ``["published", <table>]``: thin bodies over the domain modules.

Each body builds a DataFrame with a plain function (``assets.reference``, ``assets.sources``,
``assets.claims`` ...); :func:`pipelines.publish.published_table` validates it with its GX
suite before the Parquet IO manager writes it.
"""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from assets import leaderboard_assets, model_cards, patents
from assets.claims import check_claims
from assets.leaderboard_assets import ARENA_SCORES_KEY, read_arena_history
from assets.reference import load_reference
from assets.reference_check import reference_agreement as check_reference
from assets.registry import load_models, load_sources
from assets.report import build_report
from assets.snapshot_assets import snapshot_key
from assets.sources import hub_repo_id, latest_snapshot_body, read_status, source_streams
from pipelines.catalog import write_datapackage
from pipelines.io_managers import SOURCE_SNAPSHOTS_ATTR
from pipelines.publish import published_key, published_table, published_tables
from pipelines.schemas import table


def _reference_asset(name: str):
    @published_table(name)
    def _ref(context: AssetExecutionContext) -> pd.DataFrame:
        df = load_reference(name)
        df.attrs[SOURCE_SNAPSHOTS_ATTR] = [{"reference": f"assets/reference/{name}.yaml",
                                            "carried_from": f"shared/reference/{name}.csv"}]
        return df

    return _ref


REFERENCE_ASSETS = [_reference_asset(n) for n in
                    ("patent_figures", "model_facts", "benchmark_figures")]


@published_table("source_status", deps=[snapshot_key(s) for s in load_sources()])
def source_status(context: AssetExecutionContext) -> pd.DataFrame:
    """One row per source request of the last run (from ``<data_dir>/status``)."""
    return read_status(context.resources.settings.status_dir())


def snapshot_input(context, source_id: str, table_name: str):
    """The newest snapshot body of ``source_id`` and a document label for it, or an empty
    frame of ``table_name`` marked ``no_source`` when there is no snapshot (offline, fresh
    checkout). Returns ``(body, label, record)`` or ``(empty_frame, None, None)``."""
    store = context.resources.settings.snapshots()
    hit = latest_snapshot_body(store, source_id)
    if hit is None:
        empty = table(table_name).empty_frame()
        empty.attrs["no_source"] = (f"no snapshot of {source_id} yet (run live once: "
                                    "AI_NUMBERS_MODE=live make run)")
        return empty, None, None
    body, rec = hit
    label = f"{rec.url} (snapshot sha256 {rec.sha256[:12]}, retrieved {rec.retrieved_at[:10]})"
    return body, label, rec


def _with_snapshot(df: pd.DataFrame, rec) -> pd.DataFrame:
    df.attrs[SOURCE_SNAPSHOTS_ATTR] = [{"stream": rec.stream, "sha256": rec.sha256,
                                        "url": rec.url, "retrieved_at": rec.retrieved_at}]
    return df


# --- patents -------------------------------------------------------------------------------

def parsed_snapshot_table(name: str, source_id: str, parse):
    """The published asset ``name`` = ``parse(body, document label)`` of the newest snapshot
    of ``source_id`` (published empty, saying why, when there is no snapshot)."""

    @published_table(name, deps=[snapshot_key(source_id)])
    def _parsed(context: AssetExecutionContext) -> pd.DataFrame:
        body, label, rec = snapshot_input(context, source_id, name)
        if rec is None:
            return body
        return _with_snapshot(parse(body, label), rec)

    return _parsed


#: ETO Country Activity Tracker patent families by country, field and year.
patent_families = parsed_snapshot_table("patent_families", "eto_cat", patents.parse_cat_zip)


@published_table("patent_shares", ins=["patent_families"])
def patent_shares(context: AssetExecutionContext, patent_families: pd.DataFrame):
    """Each country's share of the world total per year, field and measure.

    Raises:
        ValueError: when a group's shares do not sum to 100 (listing the groups).
    """
    if patent_families.empty:
        out = table("patent_shares").empty_frame()
        out.attrs["no_source"] = "patent_families is empty"
        return out
    shares = patents.patent_shares(patent_families)
    bad = patents.share_sum_errors(shares)
    if len(bad):
        raise ValueError(f"patent_shares: {len(bad)} group(s) do not sum to 100%: "
                         f"{bad.head(5).to_dict('records')}")
    return shares


#: Simple families per publication office, only there or also at another office.
patent_family_offices = parsed_snapshot_table("patent_family_offices", "cset_1790_patents",
                                              patents.family_offices)


PATENT_ASSETS = [patent_families, patent_shares, patent_family_offices]

# --- models --------------------------------------------------------------------------------

CARD_SOURCE_IDS = tuple(model_cards.CARD_SOURCES)


@published_table("benchmark_results", deps=[snapshot_key(s) for s in CARD_SOURCE_IDS])
def benchmark_results(context: AssetExecutionContext) -> pd.DataFrame:
    """Every cell of every benchmark table of the four model cards.

    Raises:
        ModelCardError: a card snapshot yields no benchmark table (the last good
        benchmark_results file stays).
    """
    store = context.resources.settings.snapshots()
    frames, used = [], []
    for sid in CARD_SOURCE_IDS:
        hit = latest_snapshot_body(store, sid)
        if hit is None:
            context.log.warning(f"benchmark_results: no snapshot of {sid}; its cells are absent")
            continue
        body, rec = hit
        cells = model_cards.parse_model_card(
            body.decode("utf-8"), model_cards.source_document_for(rec.url), source_id=sid)
        if cells.empty:
            raise model_cards.ModelCardError(
                f"{sid}: no benchmark table found in {rec.url} (snapshot "
                f"{rec.file}); the card's layout changed or the body is not the card")
        frames.append(cells)
        used.append(rec)
    if not frames:
        empty = table("benchmark_results").empty_frame()
        empty.attrs["no_source"] = "no model card snapshot yet"
        return empty
    df = pd.concat(frames, ignore_index=True)
    df.attrs[SOURCE_SNAPSHOTS_ATTR] = [{"stream": r.stream, "sha256": r.sha256, "url": r.url}
                                       for r in used]
    return df


@asset_check(asset=published_key("benchmark_results"), name="unmatched_model_names",
             description="Model names in the cards that match no registry alias (never "
                         "guessed; add an alias to assets/registry/models.yaml if one is "
                         "the same model).")
def unmatched_model_names(benchmark_results: pd.DataFrame) -> AssetCheckResult:
    names = model_cards.unmatched_model_names(benchmark_results)
    return AssetCheckResult(
        passed=names.empty, severity=AssetCheckSeverity.WARN,
        metadata={"unmatched": len(names),
                  "names": MetadataValue.md(names.to_markdown(index=False) if len(names)
                                            else "(none)")})


@published_table("hf_model_info", deps=[snapshot_key("hf_model_info")])
def hf_model_info(context: AssetExecutionContext) -> pd.DataFrame:
    """Hugging Face Hub model info of the open models (repos that answered)."""
    store = context.resources.settings.snapshots()
    source = load_sources()["hf_model_info"]
    rows, used = [], []
    for stream, url in source_streams(source):
        hit = latest_snapshot_body(store, stream)
        if hit is None:
            continue
        body, rec = hit
        rows.append(model_cards.parse_hf_model_info(body, hub_repo_id(stream), url))
        used.append(rec)
    df = model_cards.hf_model_info_frame(rows)
    if df.empty:
        df.attrs["no_source"] = ("no Hub model info snapshot (offline without one, or the Hub "
                                 "did not answer: see source_status)")
    df.attrs[SOURCE_SNAPSHOTS_ATTR] = [{"stream": r.stream, "sha256": r.sha256, "url": r.url}
                                       for r in used]
    return df


@published_table("models", ins=["model_facts", "hf_model_info"])
def models(context: AssetExecutionContext, model_facts: pd.DataFrame,
           hf_model_info: pd.DataFrame) -> pd.DataFrame:
    """Registry x reference facts x Hub info, one row per model."""
    return model_cards.build_models(load_models(), model_facts, hf_model_info)


@published_table("training_compute", ins=["model_facts"])
def training_compute(context: AssetExecutionContext, model_facts: pd.DataFrame):
    """GPU type, GPU hours, rate and cost per model, with what each figure covers."""
    return model_cards.build_training_compute(model_facts)


MODEL_ASSETS = [benchmark_results, hf_model_info, models, training_compute]

# --- claims --------------------------------------------------------------------------------

#: Published tables the claim rules read (every non-claims table built by the pipeline).
CLAIM_INPUTS = ["patent_figures", "model_facts", "benchmark_figures", "patent_families",
                "patent_shares", "patent_family_offices", "benchmark_results", "models",
                "training_compute", "arena_scores_latest", "livebench_summary"]


def claim_tables(context, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The input tables plus the arena history (all versions, read from the hive folder)."""
    data_dir = context.resources.settings.effective_data_dir()
    return {**tables, "arena_scores": read_arena_history(data_dir)}


@published_tables(["article_claims", "claim_evidence"], ins=CLAIM_INPUTS,
                  deps=[ARENA_SCORES_KEY])
def article_claims(context: AssetExecutionContext, **tables: pd.DataFrame):
    """The article's claims with verdicts computed by their rules from the input tables, and
    the evidence rows of each (one run of the rules)."""
    claims, evidence = check_claims(claim_tables(context, tables))
    for row in claims.itertuples():
        context.log.info(f"{row.claim_id}: {row.verdict}")
    return {"article_claims": claims, "claim_evidence": evidence}


@published_table("reference_agreement",
                 ins=["benchmark_figures", "patent_figures", "benchmark_results",
                      "livebench_summary", "patent_families"],
                 deps=[ARENA_SCORES_KEY])
def reference_agreement(context: AssetExecutionContext, benchmark_figures: pd.DataFrame,
                        patent_figures: pd.DataFrame, benchmark_results: pd.DataFrame,
                        livebench_summary: pd.DataFrame, patent_families: pd.DataFrame):
    """Each reference figure next to the value computed from its primary source."""
    history = read_arena_history(context.resources.settings.effective_data_dir())
    out = check_reference(benchmark_figures, patent_figures, benchmark_results, history,
                          livebench_summary, patent_families)
    counts = out["status"].value_counts().to_dict()
    context.log.info(f"reference_agreement: {counts}")
    for row in out[out["status"] == "disagrees"].itertuples():
        context.log.warning(f"reference figure disagrees with its primary source: "
                            f"{row.reference_key}: {row.reference_value} vs {row.primary_value}")
    return out


PUBLISHED_ASSETS = [*REFERENCE_ASSETS, source_status, *PATENT_ASSETS, *MODEL_ASSETS,
                    *leaderboard_assets.PUBLISHED_ASSETS, reference_agreement, article_claims]


@asset(
    key=AssetKey(["published", "claims_report"]),
    group_name="claims",
    ins={"article_claims": AssetIn(key=published_key("article_claims")),
         "claim_evidence": AssetIn(key=published_key("claim_evidence"))},
    required_resource_keys={"settings"},
    description="The claims report a person can read: report.html / report.md with one "
                "chart per claim, in <data_dir>/published/report/.",
    kinds={"html", "matplotlib"},
)
def claims_report(context: AssetExecutionContext, article_claims: pd.DataFrame,
                  claim_evidence: pd.DataFrame) -> MaterializeResult:
    out = context.resources.settings.effective_data_dir() / "published" / "report"
    written = build_report(article_claims, claim_evidence, out)
    counts = article_claims["verdict"].value_counts().to_dict()
    return MaterializeResult(metadata={
        "html": MetadataValue.path(str(written["html"])),
        "charts": sum(k.startswith("chart:") for k in written),
        **{f"verdict_{k}": int(v) for k, v in counts.items()},
        "report": MetadataValue.md(written["markdown"].read_text(encoding="utf-8")[:20000]),
    })


def _published_names() -> list[str]:
    return [k.path[-1] for a in PUBLISHED_ASSETS for k in a.keys]


@asset(
    key=AssetKey(["published", "datapackage"]),
    group_name="catalog",
    deps=[published_key(n) for n in _published_names()],
    required_resource_keys={"settings"},
    description="Frictionless datapackage.json describing every published table, column, "
                "type, unit, license and source.",
    kinds={"json"},
)
def datapackage(context: AssetExecutionContext) -> MaterializeResult:
    published = context.resources.settings.effective_data_dir() / "published"
    path, descriptor = write_datapackage(published)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "resources": len(descriptor["resources"]),
        "tables": MetadataValue.md("\n".join(
            f"- `{r['name']}`: {r['rows']} rows, {len(r['schema']['fields'])} columns"
            for r in descriptor["resources"])),
    })
