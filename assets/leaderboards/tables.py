"""The tables the leaderboards domain publishes, registered with
:func:`pipelines.tables.register`: the LMArena history (``arena_versions``, the partitioned
``arena_scores``, ``arena_scores_latest``, ``arena_rank_changes``) and LiveBench
(``livebench_versions``, the partitioned ``livebench_history``, ``livebench_scores``,
``livebench_summary``).

Each spec is the one place its columns are named, typed and described; the parsers take
their column lists from here (``spec.column_names``) and their pandas dtypes too
(:func:`with_spec_dtypes`). A column shared by several tables is one
:class:`~pipelines.tables.Column` constant.
"""
from __future__ import annotations

import pandas as pd

from pipelines.tables import (
    BOOL,
    DATE,
    FLOAT,
    INT16,
    INT32,
    INT64,
    STR,
    TIMESTAMP,
    Column,
    TableSpec,
    register,
)

#: Source ids (``assets/registry/sources.yaml``).
ARENA_SOURCE = "lmarena_history"
LIVEBENCH_SOURCE = "livebench"

_ARENA_LICENSE = ("LMArena leaderboard data, via fboulnois/llm-leaderboard-csv "
                  "(repository MPL-2.0)")
_LIVEBENCH_LICENSE = "no license file; cite LiveBench (livebench.ai)"

MODEL_ID = Column("model_id", STR, "Registry id (assets/registry/models.yaml); null when "
                  "unmatched")
ARENA_MODEL_NAME = Column("model_name_raw", STR, "Model name exactly as the arena prints it "
                          "(variants such as -bf16/-fp8 are separate entries)", nullable=False)
LIVEBENCH_MODEL_NAME = Column("model_name_raw", STR, "Model name as LiveBench prints it",
                              nullable=False)
RELEASE = Column("release", DATE, "LiveBench release date (from the file name)",
                 nullable=False)

_ARENA_COLUMNS = (
    ARENA_MODEL_NAME,
    MODEL_ID,
    Column("rank", INT32, "Arena rank (ties share a rank)", unit="rank", nullable=False),
    Column("rank_style_control", INT32, "Rank with style control (column rank_stylectrl, "
           "from October 2024; null before)", unit="rank"),
    Column("score", FLOAT, "Arena score (Elo-style rating; column arena_elo before July 2024, "
           "arena_score after)", unit="arena score points", nullable=False),
    Column("ci_plus", FLOAT, "Upper half-width of the 95% confidence interval (the +a of "
           "95_pct_ci)", unit="arena score points", nullable=False),
    Column("ci_minus", FLOAT, "Lower half-width of the 95% confidence interval (the b of "
           "-b in 95_pct_ci), as a positive number", unit="arena score points",
           nullable=False),
    Column("votes", INT64, "Number of votes (battles) behind the score", unit="votes",
           nullable=False),
    Column("organization", STR, "Organization as the arena prints it"),
    Column("license", STR, "License as the arena prints it"),
    Column("knowledge_cutoff", DATE, "Knowledge cutoff, first day of the printed month "
           "(null for Unknown, Online or other text)"),
    Column("knowledge_cutoff_raw", STR, "Knowledge cutoff exactly as printed (YYYY/M, "
           "Unknown, Online)"),
    Column("source_sha", STR, "Commit of fboulnois/llm-leaderboard-csv the version was read "
           "at (csv/lmsys.csv)", nullable=False),
)

ARENA_VERSIONS = TableSpec(
    name="arena_versions",
    title="LMArena leaderboard versions (partitions of arena_scores)",
    description="One row per version of the arena leaderboard CSV (csv/lmsys.csv, then its "
    "successors in sources.yaml): the version date is the leaderboard date stated upstream "
    "(the scraper's commit message), else the commit's UTC date; of commits with the same "
    "version date the last committed is the version (the others are listed). A commit that "
    "deletes its file is no version. The version is the partition key of arena_scores.",
    group="leaderboards",
    primary_key=("version",),
    license=_ARENA_LICENSE,
    sources=(ARENA_SOURCE,),
    columns=(
        Column("version", STR, "Version date YYYY-MM-DD (the partition key)", nullable=False),
        Column("sha", STR, "Commit that is this version", nullable=False),
        Column("path", STR, "File of the repository read at that commit (csv/lmsys.csv or a "
               "successor)", nullable=False),
        Column("dated_by", STR, "Where the version date comes from: stated (the leaderboard "
               "date in the commit message) or committed (the commit's UTC date)",
               nullable=False),
        Column("committed_at", TIMESTAMP, "Commit time (UTC)", nullable=False),
        Column("superseded_shas", STR, "Same-date commits dropped (';'-joined, newest "
               "first; empty when none)"),
    ),
)

ARENA_SCORES = TableSpec(
    name="arena_scores",
    title="LMArena (Chatbot Arena) leaderboard history",
    description="Every version of the Chatbot Arena text leaderboard since June 2024, one "
    "partition per version date (hive folder snapshot_date=YYYY-MM-DD; the date is not "
    "inside the files). One row per model name per version. A version is the last "
    "commit of csv/lmsys.csv on its UTC date.",
    group="leaderboards",
    primary_key=("model_name_raw",),
    license=_ARENA_LICENSE,
    sources=(ARENA_SOURCE,),
    columns=_ARENA_COLUMNS,
    partition_column="snapshot_date",
)

ARENA_SCORES_LATEST = TableSpec(
    name="arena_scores_latest",
    title="LMArena (Chatbot Arena) leaderboard, latest version",
    description="The newest version of arena_scores, with its version date.",
    group="leaderboards",
    primary_key=("snapshot_date", "model_name_raw"),
    license=_ARENA_LICENSE,
    sources=(ARENA_SOURCE,),
    columns=(Column("snapshot_date", DATE, "Version date (UTC date of the commit)",
                    nullable=False),) + _ARENA_COLUMNS,
)

ARENA_RANK_CHANGES = TableSpec(
    name="arena_rank_changes",
    title="LMArena rank and score changes between consecutive versions",
    description="For each pair of consecutive arena versions: models on both (moved, "
    "with rank and score change), new entries (entered) and models gone (exited). "
    "Models are followed by their printed name: a rename is an exit plus an entry.",
    group="leaderboards",
    primary_key=("snapshot_date", "model_name_raw"),
    license=_ARENA_LICENSE,
    sources=(ARENA_SOURCE,),
    columns=(
        Column("snapshot_date", DATE, "The later version of the pair", nullable=False),
        Column("previous_snapshot_date", DATE, "The earlier version of the pair",
               nullable=False),
        ARENA_MODEL_NAME,
        MODEL_ID,
        Column("change", STR, "moved (on both versions), entered (new) or exited (gone)",
               nullable=False),
        Column("rank_previous", INT32, "Rank on the earlier version", unit="rank"),
        Column("rank", INT32, "Rank on the later version", unit="rank"),
        Column("rank_change", INT32, "rank - rank_previous (negative: climbed)", unit="rank"),
        Column("score_previous", FLOAT, "Arena score on the earlier version",
               unit="arena score points"),
        Column("score", FLOAT, "Arena score on the later version", unit="arena score points"),
        Column("score_change", FLOAT, "score - score_previous", unit="arena score points"),
    ),
)

LIVEBENCH_SCORES = TableSpec(
    name="livebench_scores",
    title="LiveBench task scores per release",
    description="One row per release, model and task (tasks of the release's categories "
    "file, plus table columns no category lists, with a null category). Null score: the "
    "table has no value for that task.",
    group="leaderboards",
    primary_key=("release", "model_name_raw", "task"),
    license=_LIVEBENCH_LICENSE,
    sources=(LIVEBENCH_SOURCE,),
    columns=(
        RELEASE,
        LIVEBENCH_MODEL_NAME,
        MODEL_ID,
        Column("task", STR, "Task name (a column of the release table)", nullable=False),
        Column("category", STR, "Category of the task in the release's categories file "
               "(null: listed by no category)"),
        Column("score", FLOAT, "Task score (null: no value in the table)", unit="score 0-100",
               max_null_fraction=0.05),  # real releases: at most 0.1 % null
    ),
)

LIVEBENCH_SUMMARY = TableSpec(
    name="livebench_summary",
    title="LiveBench category and global averages per release",
    description="Mean of tasks within each category, then mean of categories "
    "(category='global'), as the LiveBench site computes it. complete=False: a task is "
    "missing and the mean is over the tasks present only (not the site's figure).",
    group="leaderboards",
    primary_key=("release", "model_name_raw", "category"),
    license=_LIVEBENCH_LICENSE,
    sources=(LIVEBENCH_SOURCE,),
    columns=(
        RELEASE,
        LIVEBENCH_MODEL_NAME,
        MODEL_ID,
        Column("category", STR, "Category, or 'global' for the mean of category means",
               nullable=False),
        Column("score", FLOAT, "Mean score (over the tasks present)", unit="score 0-100"),
        Column("tasks_expected", INT16, "Tasks the category has in this release",
               unit="tasks", nullable=False),
        Column("tasks_present", INT16, "Tasks with a score for this model", unit="tasks",
               nullable=False),
        Column("complete", BOOL, "True when every expected task has a score", nullable=False),
    ),
)

LIVEBENCH_VERSIONS = TableSpec(
    name="livebench_versions",
    title="LiveBench release-file versions (partitions of livebench_history)",
    description="One row per release and UTC date on which its table or categories file "
    "changed (GitHub commits listing of each file): the version is the pair of files as "
    "they stood at the end of that date (the last commit of each on or before it). A date "
    "before both files exist is no version.",
    group="leaderboards",
    primary_key=("version",),
    license=_LIVEBENCH_LICENSE,
    sources=(LIVEBENCH_SOURCE,),
    columns=(
        Column("version", STR, "Partition key <release>@<version date>, both YYYY-MM-DD",
               nullable=False),
        RELEASE,
        Column("version_date", DATE, "UTC date the files took this state", nullable=False),
        Column("table_sha", STR, "Commit the release table is read at", nullable=False),
        Column("categories_sha", STR, "Commit the categories file is read at",
               nullable=False),
        Column("committed_at", TIMESTAMP, "Time of the later of the two commits (UTC)",
               nullable=False),
    ),
)

LIVEBENCH_HISTORY = TableSpec(
    name="livebench_history",
    title="LiveBench task scores, every version of every release",
    description="livebench_scores of each version of each release, one partition per "
    "version (hive folder version=<release>@<version date>; the key is not inside the "
    "files): the release as it stood on that date, models added later absent.",
    group="leaderboards",
    primary_key=("model_name_raw", "task"),
    license=_LIVEBENCH_LICENSE,
    sources=(LIVEBENCH_SOURCE,),
    columns=LIVEBENCH_SCORES.columns,
    partition_column="version",
)

#: Every table of the domain, in the order of registration.
TABLES = register(ARENA_VERSIONS, ARENA_SCORES, ARENA_SCORES_LATEST, ARENA_RANK_CHANGES,
                  LIVEBENCH_VERSIONS, LIVEBENCH_HISTORY, LIVEBENCH_SCORES, LIVEBENCH_SUMMARY)


#: The pandas dtype the parsers give a column of each Parquet type (dates stay
#: ``datetime.date`` objects; a string column is pandas' ``str``).
_PANDAS_DTYPES = {STR: "str", INT16: "Int16", INT32: "Int32", INT64: "Int64",
                  FLOAT: "float64", BOOL: "bool", DATE: object,
                  TIMESTAMP: "datetime64[s, UTC]"}


def with_spec_dtypes(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """A copy of ``df`` with each column of ``spec`` cast to the pandas dtype of its type:
    ``str`` for strings, ``Int16``/``Int32``/``Int64`` (nullable) for integers, ``float64``,
    ``bool``, ``object`` (``datetime.date`` values) for dates and ``datetime64[s, UTC]`` for
    timestamps (pass timestamps already tz-aware). Columns not in ``spec`` are left as they
    are.

    Raises:
        KeyError: a column of ``spec`` is missing from ``df``.
    """
    df = df.copy()
    for col in spec.columns:
        df[col.name] = df[col.name].astype(_PANDAS_DTYPES[col.type])
    return df
