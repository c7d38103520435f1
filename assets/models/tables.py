"""The tables of the models domain: ``benchmark_results`` (model cards), ``hf_model_info``
(Hugging Face Hub), ``models`` and ``training_compute``, registered with
:func:`pipelines.tables.register` when imported.

Column lists used by the builders (``BENCHMARK_COLUMNS``, ``HF_COLUMNS``, ...) are read off
these specs, never retyped; a column several tables share is one :class:`Column` constant.
"""
from __future__ import annotations

from dataclasses import replace

from pipelines.tables import (
    BOOL,
    DATE,
    FLOAT,
    INT64,
    STR,
    TIMESTAMP,
    Column,
    TableSpec,
    register,
)

#: The registry id of a model (``benchmark_results``, ``hf_model_info``, and not null in
#: ``training_compute``).
MODEL_ID = Column("model_id", STR, "Model id of assets/registry/models.yaml; null where no "
                  "registry entry matches (never guessed)")
#: Where a row's figures were read: ``owner/repo@commit:path`` of a model card, or the URL
#: of a Hub answer.
SOURCE_DOCUMENT = Column("source_document", STR, "Document or snapshot the row is from: "
                         "owner/repo@commit:path of a card, URL of a Hub answer",
                         nullable=False)

_CARD_LICENSE = ("numbers as published in each model card, under its repository's terms "
                 "(DeepSeek: MIT code license; Meta: Llama 3.1 Community License; Qwen blog)")

#: Primary key of ``benchmark_results``: a cell is one model x benchmark of one table of one
#: document (a card at another commit is another document).
BENCHMARK_KEY = ["source_document", "table", "model_name_raw", "benchmark", "metric", "shots"]

BENCHMARK_RESULTS = TableSpec(
    name="benchmark_results",
    title="Benchmark results from model cards, one row per table cell",
    description=(
        "Every cell of every benchmark table of the DeepSeek-V3 and DeepSeek-R1 READMEs, "
        "Meta's Llama 3.1 model card and the Qwen2.5-LLM blog, at pinned commits. The "
        "same model and benchmark often differ between documents (who ran it, which "
        "version): rows are keyed by source document and never merged."
    ),
    group="models",
    primary_key=tuple(BENCHMARK_KEY),
    license=_CARD_LICENSE,
    sources=("deepseek_v3_card", "deepseek_r1_card", "llama31_card", "qwen25_blog"),
    columns=(
        SOURCE_DOCUMENT,
        Column("table", STR, "Heading of the table in the document (parent / heading)",
               nullable=False),
        Column("model_name_raw", STR, "Model name as the card prints it", nullable=False),
        Column("benchmark", STR, "Benchmark as printed, cleaned (bold, footnotes and "
               "the metric in parentheses removed)", nullable=False),
        Column("metric", STR, "Metric as printed (EM, Pass@1, macro_avg/acc ...)"),
        Column("shots", STR, "Number of shots as printed ('5', '3-5'); null if unstated"),
        MODEL_ID,
        Column("variant", STR, "base or instruct: the kind of table the cell is in",
               nullable=False),
        Column("benchmark_id", STR, "Normalised benchmark id (assets/registry/"
               "benchmarks.yaml); null when unmatched"),
        Column("value", FLOAT, "The score; null where the card prints '-'",
               unit="see unit"),
        Column("unit", STR, "Unit of value (percent, bits per byte, rating, score 0-10)",
               nullable=False),
        Column("higher_is_better", BOOL, "Direction of the metric", nullable=False),
        Column("scale_max", FLOAT, "Largest possible value in unit (range check)",
               unit="see unit", nullable=False),
        Column("category", STR, "Category of the benchmark in its table"),
        Column("bold", BOOL, "The card prints the value in bold (its best in row)",
               nullable=False),
        Column("footnote", STR, "Footnote marks stripped from the cell or its label"),
        Column("evaluator", STR, "Who ran the evaluation (DeepSeek's cards evaluate "
               "competitors themselves)", nullable=False),
    ),
)

HF_MODEL_INFO = TableSpec(
    name="hf_model_info",
    title="Hugging Face Hub model info of the article's open models",
    description="One row per Hub repo from GET https://huggingface.co/api/models/{repo_id}.",
    group="models",
    primary_key=("repo_id",),
    license="Hugging Face Hub metadata; each model under its own license",
    sources=("hf_model_info",),
    columns=(
        Column("repo_id", STR, "Hub repository id (owner/name)", nullable=False),
        MODEL_ID,
        Column("created_at", TIMESTAMP, "Repository creation time (UTC); null where the "
               "Hub gives its 2022-03-02T23:29:04Z placeholder"),
        Column("created_at_is_placeholder", BOOL, "createdAt was the Hub's placeholder",
               nullable=False),
        Column("last_modified", TIMESTAMP, "Last commit time (UTC)"),
        Column("sha", STR, "Commit sha of the repository's main revision"),
        Column("license", STR, "License id from cardData, else the license: tag"),
        Column("gated", STR, "false, auto or manual", nullable=False),
        Column("downloads", INT64, "Downloads in the Hub's last-30-days window",
               unit="downloads"),
        Column("likes", INT64, "Likes", unit="likes"),
        Column("params_total", INT64, "Parameters in safetensors files (safetensors.total)",
               unit="parameters"),
        SOURCE_DOCUMENT,
    ),
)

MODELS = TableSpec(
    name="models",
    title="The article's models and comparators",
    description=(
        "Registry identity joined with reference facts (release, licenses, size) and "
        "Hub model info (primary data where present); 'disagreements' lists facts "
        "where the Hub and the reference differ."
    ),
    group="models",
    primary_key=("id",),
    license="CC BY 4.0 (this compilation); facts under their sources' terms",
    sources=("hf_model_info",),
    columns=(
        Column("id", STR, "Model id of assets/registry/models.yaml", nullable=False),
        Column("name", STR, "Display name", nullable=False),
        Column("organization", STR, "Developer"),
        Column("country", STR, "Developer's country, ISO 3166-1 alpha-3"),
        Column("open_weights", BOOL, "Weights published", nullable=False),
        Column("variant", STR, "base or instruct", nullable=False),
        Column("hf_repo", STR, "Hugging Face repository id"),
        Column("release_date", DATE, "Release date (reference model_facts)"),
        Column("license_weights", STR, "License of the weights (reference)"),
        Column("license_code", STR, "License of the code (reference)"),
        Column("params_total_b", FLOAT, "Total parameters (reference)",
               unit="billion parameters"),
        Column("params_active_b", FLOAT, "Parameters active per token (reference)",
               unit="billion parameters"),
        Column("context_length_k", FLOAT, "Context length (reference)",
               unit="thousand tokens"),
        Column("hf_created_at", TIMESTAMP, "Hub repository creation (UTC)"),
        Column("hf_last_modified", TIMESTAMP, "Hub last commit (UTC)"),
        Column("hf_sha", STR, "Hub main revision sha"),
        Column("hf_license", STR, "License id on the Hub"),
        Column("hf_gated", STR, "false, auto or manual"),
        Column("hf_downloads", INT64, "Hub downloads (last 30 days)", unit="downloads"),
        Column("hf_likes", INT64, "Hub likes", unit="likes"),
        Column("hf_params_total_b", FLOAT, "Parameters in the Hub's safetensors",
               unit="billion parameters"),
        Column("disagreements", STR, "Facts where Hub and reference disagree"),
    ),
)

TRAINING_COMPUTE = TableSpec(
    name="training_compute",
    title="Training compute of the article's models",
    description=(
        "GPU hours as each model's own document states them, with what the figure "
        "covers, the cluster, the rental rate the document assumes, and the cost "
        "computed here as GPU hours x rate."
    ),
    group="models",
    primary_key=("model_id", "covers"),
    license="figures as cited (see source)",
    columns=(
        replace(MODEL_ID, nullable=False),
        Column("covers", STR, "What the GPU hours cover (final run only, pre-training "
               "only ...)", nullable=False),
        Column("gpu_type", STR, "GPU model"),
        Column("gpu_hours", INT64, "GPU hours", unit="GPU hours", nullable=False),
        Column("cluster_gpus", INT64, "GPUs in the training cluster", unit="GPUs"),
        Column("rental_rate_usd_per_gpu_hour", FLOAT, "Rental price the document assumes",
               unit="USD per GPU hour"),
        Column("cost_usd", FLOAT, "gpu_hours x rental rate (computed)", unit="USD"),
        Column("source", STR, "Publisher, document and locator of the GPU hours",
               nullable=False),
    ),
)

TABLES = register(BENCHMARK_RESULTS, HF_MODEL_INFO, MODELS, TRAINING_COMPUTE)

#: Columns of each table in order, from its spec.
BENCHMARK_COLUMNS = BENCHMARK_RESULTS.column_names
HF_COLUMNS = HF_MODEL_INFO.column_names
MODELS_COLUMNS = MODELS.column_names
TRAINING_COLUMNS = TRAINING_COMPUTE.column_names
