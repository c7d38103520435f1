"""LiveBench releases: the ``public/`` listing, the parser of a release's table and
categories file, and the site's category and global means.

Pure functions, no Dagster: bytes or DataFrames in, DataFrames out (wrapped by
:mod:`assets.leaderboards.assets`).

Source (``shared/reference/SOURCES.md``, Leaderboards): ``public/table_YYYY_MM_DD.csv`` (one
row per model, one column per task, scores 0-100) and ``public/categories_YYYY_MM_DD.json``
(category -> task names) of ``LiveBench/livebench.github.io``, listed by the GitHub contents
API. No license file; cite LiveBench (livebench.ai).

Missing tasks, decided once: ``livebench_scores`` has one row per model and per task the
categories file expects, with ``score`` null where the table has no value (an empty cell, or
a task the categories file lists but the table has no column for). ``livebench_summary``
shows means over the tasks present and marks ``complete=False`` whenever a task is missing;
only ``complete=True`` rows are the site's figure. Table columns that no category lists are
kept in ``livebench_scores`` with ``category`` null and left out of the summary, as the site
leaves them out.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd

from assets.leaderboards.github import LeaderboardError, as_date
from assets.leaderboards.tables import (
    LIVEBENCH_SCORES,
    LIVEBENCH_SOURCE,
    LIVEBENCH_SUMMARY,
    with_spec_dtypes,
)
from assets.registry import match_model
from pipelines.rejects import RejectedRow

#: Columns of :func:`livebench_releases` (not a published table: the snapshot's index).
RELEASE_COLUMNS = ["release", "table_url", "categories_url", "table_sha", "categories_sha"]

_RELEASE_FILE_RE = re.compile(r"^(table|categories)_(\d{4})_(\d{2})_(\d{2})\.(csv|json)$")


class LiveBenchError(LeaderboardError):
    """A LiveBench listing, table or categories file is malformed."""


def livebench_releases(listing_json: bytes) -> pd.DataFrame:
    """LiveBench releases from the contents API listing of ``public/``.

    Returns one row per release date found in a ``table_YYYY_MM_DD.csv`` or
    ``categories_YYYY_MM_DD.json`` file name, with the :data:`RELEASE_COLUMNS` (all str):
    ``release`` (``YYYY-MM-DD``, the partition key), ``table_url``, ``categories_url`` (the
    entries' ``download_url``; null when that file is missing from the listing: such a
    release cannot be summarised), ``table_sha``, ``categories_sha`` (git blob shas: they
    change exactly when the file changes), sorted by ``release``. Other files
    (``index.html``, images) are ignored.

    Raises:
        LiveBenchError: not JSON, not an array, an entry without ``name``, a release file
        without ``download_url``.
        LeaderboardError: a file name with an impossible date.
    """
    try:
        listing = json.loads(listing_json)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LiveBenchError(f"LiveBench public/ listing: not JSON: {exc}") from exc
    if not isinstance(listing, list):
        raise LiveBenchError(
            f"LiveBench public/ listing: expected a JSON array, got {type(listing).__name__}")
    releases: dict[str, dict] = {}
    for i, entry in enumerate(listing):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            raise LiveBenchError(f"LiveBench public/ listing, entry {i}: no 'name'")
        m = _RELEASE_FILE_RE.match(name)
        if not m or entry.get("type", "file") != "file":
            continue
        kind, ext = m.group(1), m.group(5)
        if (kind, ext) not in (("table", "csv"), ("categories", "json")):
            continue
        key = f"{m.group(2)}-{m.group(3)}-{m.group(4)}"
        as_date(key, f"LiveBench file {name}: release date")
        url = entry.get("download_url")
        if not url:
            raise LiveBenchError(f"LiveBench public/ listing: {name} has no download_url")
        rec = releases.setdefault(key, dict.fromkeys(RELEASE_COLUMNS))
        rec["release"] = key
        rec[f"{kind}_url"] = url
        rec[f"{kind}_sha"] = entry.get("sha")
    df = pd.DataFrame([releases[k] for k in sorted(releases)], columns=RELEASE_COLUMNS)
    return df.astype({c: "str" for c in RELEASE_COLUMNS})


def parse_livebench(table_csv: bytes, categories_json: bytes, release: str,
                    rejects: list | None = None) -> pd.DataFrame:
    """Table ``livebench_scores`` for one release, long form.

    ``table_csv``: ``public/table_YYYY_MM_DD.csv`` (a ``model`` column, then one column per
    task, scores 0-100, an empty cell where a model has no score). ``categories_json``:
    ``public/categories_YYYY_MM_DD.json`` (category -> list of task names). ``release``:
    ``YYYY-MM-DD``.

    Returns one row per model and per task of the categories file, plus per extra table
    column: ``release`` (``datetime.date``), ``model_name_raw`` (str), ``model_id`` (registry
    id or null), ``task`` (str), ``category`` (str; null for a table column that no category
    lists), ``score`` (float64, 0-100; null where the cell is empty or the table has no
    column for a task the categories file lists). Sorted by model then task.

    ``rejects``: when a list is given, a row that cannot be read (wrong field count, empty
    model name, a non-numeric cell, a model listed twice with different scores) is set
    aside there as :class:`pipelines.rejects.RejectedRow` (source ``livebench``, version
    the release, the file, line, column, reason, raw text) and the other rows are
    returned; without it such a row raises.

    Raises:
        LiveBenchError: bad JSON or categories shape, a task in two categories, a category
        named ``global``, no ``model`` column (the file cannot be used at all); without
        ``rejects``, also a bad row (names the release, line, model, task and value).
        LeaderboardError: ``release`` is not a ``YYYY-MM-DD`` date.
    """
    rel = as_date(release, "LiveBench release")
    where = f"LiveBench release {release}"
    task_category = _task_categories(categories_json, where)
    table_tasks, models = _table_scores(table_csv, where, rejects)
    all_tasks = list(task_category) + [t for t in table_tasks if t not in task_category]
    rows = []
    for name in sorted(models):
        mid = match_model(name, variant="instruct")
        for task in sorted(all_tasks):
            rows.append({"release": rel, "model_name_raw": name, "model_id": mid,
                         "task": task, "category": task_category.get(task),
                         "score": models[name].get(task)})
    df = pd.DataFrame(rows, columns=LIVEBENCH_SCORES.column_names)
    return with_spec_dtypes(df, LIVEBENCH_SCORES)


def check_table(body: bytes) -> None:
    """Body check of a release table before it becomes a snapshot (``Fetcher.fetch(...,
    validate=)``): the CSV must be UTF-8 with the parser's header rules (first column
    ``model``, no task twice). Rows are read leniently, as :func:`parse_livebench` does (a
    bad row is set aside there, not here).

    Raises:
        LiveBenchError: not UTF-8, or a header the parser refuses (names the problem).
    """
    _table_scores(body, "LiveBench", rejects=[])


def check_categories(body: bytes) -> None:
    """Body check of a release's categories file before it becomes a snapshot: a JSON
    object of category -> list of task names, no task in two categories.

    Raises:
        LiveBenchError: not JSON, not an object of task-name lists (an HTML page, a JSON
            array), or a task in two categories.
    """
    _task_categories(body, "LiveBench")


def _task_categories(categories_json: bytes, where: str) -> dict[str, str]:
    """Task name -> category, from a release's categories file (category -> task names)."""
    try:
        cats = json.loads(categories_json)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LiveBenchError(f"{where}: categories file is not JSON: {exc}") from exc
    if not isinstance(cats, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in cats.values()):
        raise LiveBenchError(f"{where}: categories file is not an object of task-name lists")
    task_category: dict[str, str] = {}
    for category, tasks in cats.items():
        if category.strip().lower() == "global":
            raise LiveBenchError(f"{where}: category name 'global' is reserved")
        for task in tasks:
            if task in task_category and task_category[task] != category:
                raise LiveBenchError(
                    f"{where}: task {task!r} in two categories ({task_category[task]!r}, "
                    f"{category!r})")
            task_category[task] = category
    return task_category


def _table_scores(table_csv: bytes, where: str, rejects: list | None = None
                  ) -> tuple[list[str], dict[str, dict[str, float | None]]]:
    """The task columns of a release table and each model's scores (task -> score, None
    for an empty cell), a model listed twice with the same scores kept once.

    With ``rejects`` (a list), a row that cannot be read (wrong field count, empty model
    name, a cell that is not a number, a model listed twice with different scores: every
    row of it) is appended as :class:`pipelines.rejects.RejectedRow` and left out, instead
    of raising."""
    try:
        text = table_csv.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LiveBenchError(f"{where}: table is not UTF-8: {exc}") from exc
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if not header or header[0] != "model":
        raise LiveBenchError(f"{where}: table's first column is {header[:1]}, expected 'model'")
    table_tasks = header[1:]
    if len(set(table_tasks)) != len(table_tasks):
        raise LiveBenchError(f"{where}: table has a task column twice: {table_tasks}")
    models: dict[str, dict[str, float | None]] = {}
    seen: dict[str, list[tuple[int, str]]] = {}
    conflicting: set[str] = set()
    start = reader.line_num
    for fields in reader:
        line_no, raw = start + 1, "\n".join(lines[start:reader.line_num])
        start = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        try:
            name, scores = _row_scores(fields, header, where, line_no)
        except _BadRow as bad:
            if rejects is None:
                raise LiveBenchError(str(bad)) from None
            rejects.append(_reject(where, line_no, bad.column, str(bad), raw))
            continue
        seen.setdefault(name, []).append((line_no, raw))
        if name in models:
            if models[name] != scores:
                if rejects is None:
                    raise LiveBenchError(f"{where}: model {name!r} twice with different scores")
                conflicting.add(name)
            continue
        models[name] = scores
    for name in sorted(conflicting):
        del models[name]
        for line_no, raw in seen[name]:
            rejects.append(_reject(where, line_no, "model",
                                   f"{where}: model {name!r} twice with different scores",
                                   raw))
    return table_tasks, models


class _BadRow(ValueError):
    """A table row that cannot be read; ``column`` is the column at fault (None: the row)."""

    def __init__(self, message: str, column: str | None):
        super().__init__(message)
        self.column = column


def _row_scores(fields: list[str], header: list[str], where: str, line_no: int
                ) -> tuple[str, dict[str, float | None]]:
    """A row's model name and scores. Raises :class:`_BadRow`."""
    if len(fields) != len(header):
        raise _BadRow(f"{where}, table line {line_no}: {len(fields)} fields, expected "
                      f"{len(header)}", None)
    name = fields[0].strip()
    if not name:
        raise _BadRow(f"{where}, table line {line_no}: empty model name", "model")
    scores = {}
    for task, cell in zip(header[1:], fields[1:]):
        try:
            scores[task] = _score(cell.strip(), f"{where}, model {name!r}, task {task!r}")
        except LiveBenchError as exc:
            raise _BadRow(f"{exc} (table line {line_no})", task) from None
    return name, scores


def _reject(where: str, line_no: int, column: str | None, reason: str, raw: str):
    """A :class:`pipelines.rejects.RejectedRow` of a LiveBench release table."""
    release = where.rsplit(" ", 1)[-1]
    return RejectedRow(source_id=LIVEBENCH_SOURCE, version=release,
                       file=f"table_{release.replace('-', '_')}.csv", line=line_no,
                       column=column, reason=reason, raw=raw)


def _score(cell: str, at: str) -> float | None:
    """A table cell as a score; None when empty."""
    if not cell:
        return None
    try:
        return float(cell)
    except ValueError:
        raise LiveBenchError(f"{at}: {cell!r} is not a number") from None


def livebench_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Table ``livebench_summary`` (long form) from ``livebench_scores`` rows.

    The site's rule: the mean of the tasks within each category, then the mean of the
    categories (``category='global'``). ``tasks_expected`` is the number of tasks of the
    category in the release (every task of the categories file, whether or not the table
    has it); ``tasks_present`` the model's non-null scores among them. When a task is
    missing, ``score`` is the mean over the tasks present (null when none) and ``complete``
    is False; the global row is then the mean of the category means available and is
    ``complete`` only when every category is. Rows with a null ``category`` are ignored.

    Returns columns ``release`` (date), ``model_name_raw``, ``model_id`` (str),
    ``category`` (str), ``score`` (float64, 0-100), ``tasks_expected``, ``tasks_present``
    (Int16), ``complete`` (bool); one row per (release, model_name_raw, category), sorted.
    Accepts several releases concatenated.
    """
    cols = LIVEBENCH_SUMMARY.column_names
    df = scores[scores["category"].notna()].copy()
    if df.empty:
        return with_spec_dtypes(pd.DataFrame(columns=cols), LIVEBENCH_SUMMARY)
    expected = (df.groupby(["release", "category"])["task"].nunique()
                .rename("tasks_expected").reset_index())
    per_cat = (df.groupby(["release", "model_name_raw", "category"], dropna=False)
               .agg(score=("score", "mean"), tasks_present=("score", "count"))
               .reset_index()
               .merge(expected, on=["release", "category"], how="left"))
    ids = df.groupby(["release", "model_name_raw"])["model_id"].first().rename("model_id")
    per_cat = per_cat.merge(ids.reset_index(), on=["release", "model_name_raw"], how="left")
    per_cat["complete"] = per_cat["tasks_present"] == per_cat["tasks_expected"]
    glob = (per_cat.groupby(["release", "model_name_raw"])
            .agg(score=("score", "mean"), tasks_expected=("tasks_expected", "sum"),
                 tasks_present=("tasks_present", "sum"), complete=("complete", "all"),
                 model_id=("model_id", "first"))
            .reset_index())
    glob["category"] = "global"
    out = pd.concat([per_cat[cols], glob[cols]], ignore_index=True)
    out = out.sort_values(["release", "model_name_raw", "category"], kind="stable")
    return with_spec_dtypes(out.reset_index(drop=True), LIVEBENCH_SUMMARY)
