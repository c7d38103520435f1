"""Dagster definitions of the reference family: the curated figures (``patent_figures``,
``model_facts``, ``benchmark_figures``) and ``reference_agreement``, each reference figure
next to the value computed from its primary source."""
import pandas as pd
from dagster import AssetExecutionContext, Definitions

from assets.leaderboards.history import ARENA_SCORES_KEY, read_arena_history
from assets.reference.agreement import agreement_rows
from assets.reference.figures import load_reference
from assets.reference.tables import REFERENCE_TABLES
from pipelines.io_managers import SOURCE_SNAPSHOTS_ATTR
from pipelines.publish import published_table
from pipelines.settings import PipelineSettings


def _reference_asset(name: str):
    @published_table(name)
    def _ref(context: AssetExecutionContext) -> pd.DataFrame:
        df = load_reference(name)
        df.attrs[SOURCE_SNAPSHOTS_ATTR] = [{"reference": f"assets/reference/{name}.yaml",
                                            "carried_from": f"shared/reference/{name}.csv"}]
        return df

    return _ref


@published_table("reference_agreement",
                 ins=["benchmark_figures", "patent_figures", "benchmark_results",
                      "livebench_summary", "patent_families"],
                 deps=[ARENA_SCORES_KEY])
def reference_agreement(context: AssetExecutionContext, settings: PipelineSettings,
                        benchmark_figures: pd.DataFrame,
                        patent_figures: pd.DataFrame, benchmark_results: pd.DataFrame,
                        livebench_summary: pd.DataFrame, patent_families: pd.DataFrame):
    """Each reference figure next to the value computed from its primary source."""
    history = read_arena_history(settings.effective_data_dir())
    out = agreement_rows(benchmark_figures, patent_figures, benchmark_results, history,
                         livebench_summary, patent_families)
    counts = out["status"].value_counts().to_dict()
    context.log.info(f"reference_agreement: {counts}")
    for row in out[out["status"] == "disagrees"].itertuples():
        context.log.warning(f"reference figure disagrees with its primary source: "
                            f"{row.reference_key}: {row.reference_value} vs {row.primary_value}")
    return out


defs = Definitions(assets=[*(_reference_asset(spec.name) for spec in REFERENCE_TABLES),
                           reference_agreement])
