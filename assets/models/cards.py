"""Model cards: every benchmark table of a card, one row of ``benchmark_results`` per cell.

Plain functions, no Dagster: text in, DataFrames out.
:func:`assets.models.markdown.extract_tables` finds the tables of a card (markdown tables
and HTML ``<table>`` blocks); :func:`parse_model_card` reads
the benchmark tables among them into cells, each benchmark identified by
:func:`assets.models.benchmarks.benchmark_identity`.

Rules for reading a card (stated here once, applied to every card):

1. A table's heading (``table``) is its nearest heading, prefixed by the parent heading
   (``Chat Model / Standard Benchmarks (Models larger than 67B)``); a heading repeated in the
   same document gets `` [2]``, `` [3]`` ... in order of appearance.
2. Orientation comes from the header row. A header cell ``Benchmark``, ``Benchmark (Metric)``,
   ``Datasets`` or ``Tasks`` marks the benchmark-label column: benchmarks are rows, the
   columns before it hold the category, the columns after it named ``# Shots``, ``Metric`` or
   ``Language`` hold those, every other column is a model. A first header cell ``Model(s)``
   means models are rows and the other columns are benchmarks. Any other header: the table is
   not a benchmark table and is skipped (Meta's model-information and emissions tables).
3. A table whose models are rows is skipped when any value cell is neither a number nor a
   dash: it describes models, not scores (the Model Downloads tables, Qwen's model-size
   table). In a table whose benchmarks are rows, a row with no numeric cell is a model
   attribute row (``Architecture``, ``# Total Params``) and is skipped; a row whose model
   cells are all empty is a category heading (Qwen's ``***General Tasks***``); a row mixing
   numbers and other text is an error; a row whose model cells are only dashes is kept, its
   scores null. A markdown row with more or fewer cells than its header is set aside
   (``df.attrs["set_aside_rows"]``), never trimmed or padded.
4. ``-`` (or an empty cell) is a null value; bold (``**x**``, ``<strong>``) is kept as the
   ``bold`` flag; footnote marks (``*``, ``†``, ``‡``, ``§``, superscripts, ``<sup>``) are
   stripped into ``footnote``; an empty category cell carries the category above it.
5. ``Benchmark (Metric)`` headers split ``MMLU (EM)`` into benchmark ``MMLU`` and metric
   ``EM``; a label ending in ``(5-shot, macro_avg/acc)`` gives shots and metric; a
   ``3-shot`` metric or shots cell gives shots ``3``; in model-row tables a column header
   ending in ``pass@1``, ``cons@64`` or ``rating`` gives the metric. A ``Language`` cell is
   appended to the benchmark: ``MMLU (Portuguese)``.
6. The variant (base / instruct) of a table is read from its heading path, innermost first:
   ``base`` or ``pretrained`` -> base; ``chat``, ``instruct`` or ``instruction`` -> instruct;
   else the card's default. Model names are matched with
   :func:`assets.registry.match_model` under that variant; unmatched names stay null.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from assets.models.benchmarks import benchmark_identity
from assets.models.markdown import (
    Cell,
    ModelCardError,
    RawTable,
    extract_tables,
    split_front_matter,
)
from assets.models.tables import BENCHMARK_COLUMNS, BENCHMARK_KEY
from assets.registry import match_model

#: The four cards the project reads, by source id: who ran the evaluations in each card and
#: the variant of a table whose headings do not say.
CARD_SOURCES: dict[str, dict[str, str]] = {
    "deepseek_v3_card": {
        "evaluator": "DeepSeek", "default_variant": "instruct",
        "note": "DeepSeek evaluated every model in its tables itself, competitors included",
    },
    "deepseek_r1_card": {
        "evaluator": "DeepSeek", "default_variant": "instruct",
        "note": "DeepSeek evaluated every model in its tables itself, competitors included",
    },
    "llama31_card": {
        "evaluator": "Meta", "default_variant": "instruct",
        "note": "Meta's internal evaluations library",
    },
    "qwen25_blog": {
        "evaluator": "Qwen team (Alibaba Cloud)", "default_variant": "instruct",
        "note": "Qwen team's evaluations, competitors included",
    },
}


def source_document_for(url: str) -> str:
    """``owner/repo@commit:path`` for a ``raw.githubusercontent.com`` URL; other URLs as given.

    >>> source_document_for("https://raw.githubusercontent.com/a/b/0123abc/x/README.md")
    'a/b@0123abc:x/README.md'
    """
    m = re.match(r"^https?://raw\.githubusercontent\.com/([^/]+)/([^/]+)/([^/]+)/(.+)$", url)
    if not m:
        return url
    owner, repo, ref, path = m.groups()
    return f"{owner}/{repo}@{ref}:{path}"


# --- reading a card's tables ---------------------------------------------------------------

_DASHES = {"", "-", "–", "—", "n/a", "N/A", "NA"}
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")

_BENCH_HEADER = re.compile(r"^(benchmarks?|datasets?|tasks?)(\s*\(metric\))?$", re.I)
_MODEL_HEADER = re.compile(r"^models?$", re.I)
_ROLE = {"#shots": "shots", "shots": "shots", "metric": "metric", "language": "language"}
_SHOTS_METRIC = re.compile(r"^(.*?)\s*\((\d+(?:-\d+)?)-shot,\s*([^()]+)\)$", re.I)
_TRAILING_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
_HEADER_METRIC = re.compile(r"^(.*\S)\s+((?:pass|cons|maj)@\d+|rating)$", re.I)
_SHOT_IN_TEXT = re.compile(r"(\d+(?:-\d+)?)-shot", re.I)

_BASE_WORDS = re.compile(r"\bbase\b|\bpre-?trained\b", re.I)
_INSTRUCT_WORDS = re.compile(r"\bchat\b|\binstruct|\binstruction", re.I)

def _variant(headings: list[str], default: str) -> str:
    """``base`` or ``instruct`` from the innermost heading that says (rule 6), else
    ``default``."""
    for h in reversed(headings):
        if _BASE_WORDS.search(h):
            return "base"
        if _INSTRUCT_WORDS.search(h):
            return "instruct"
    return default


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(",", "")))


def _value(cell: Cell, where: str) -> float | None:
    """The score in ``cell``; None for a dash or an empty cell.

    Raises:
        ModelCardError: the cell is neither a number nor a dash."""
    t = cell.text.strip()
    if t in _DASHES:
        return None
    t = t.replace(",", "")
    if not _NUMBER.match(t):
        raise ModelCardError(f"{where}: value {cell.text!r} is neither a number nor '-'")
    return float(t)


def _shots(text: str | None) -> str | None:
    if text is None:
        return None
    t = text.strip()
    if t in _DASHES:
        return None
    m = _SHOT_IN_TEXT.search(t)
    return m.group(1) if m else t


def _table_names(tables: list[RawTable]) -> list[str]:
    """The name of each table (rule 1): its last two headings, `` [n]`` when repeated."""
    names, counts = [], {}
    for t in tables:
        name = " / ".join(t.headings[-2:]) if t.headings else "(no heading)"
        counts[name] = counts.get(name, 0) + 1
        names.append(name if counts[name] == 1 else f"{name} [{counts[name]}]")
    return names


def _card_settings(source_document: str, evaluator: str | None,
                   source_id: str | None) -> tuple[str, str]:
    """``(evaluator, default variant)`` of a card: as given, else from :data:`CARD_SOURCES`.

    Raises:
        ModelCardError: ``source_id`` is not a card source, or no evaluator is known."""
    cfg = CARD_SOURCES.get(source_id or "", {})
    if source_id is not None and not cfg:
        raise ModelCardError(f"{source_document}: unknown card source id {source_id!r}; "
                             f"known: {sorted(CARD_SOURCES)}")
    evaluator = evaluator or cfg.get("evaluator")
    if not evaluator:
        raise ModelCardError(f"{source_document}: no evaluator given")
    return evaluator, cfg.get("default_variant", "instruct")


def parse_model_card(
    text: str,
    source_document: str,
    evaluator: str | None = None,
    *,
    source_id: str | None = None,
) -> pd.DataFrame:
    """Every cell of every benchmark table of a model card, one row per cell.

    Args:
        text: the card as markdown (HTML tables inside are read too).
        source_document: where the text is from, ``owner/repo@commit:path``
            (see :func:`source_document_for`).
        evaluator: who ran the evaluations printed in the card; default from
            :data:`CARD_SOURCES` when ``source_id`` is given.
        source_id: ``deepseek_v3_card``, ``deepseek_r1_card``, ``llama31_card`` or
            ``qwen25_blog`` (gives evaluator and the variant of tables whose headings do not
            say), or None (variant ``instruct``).

    Returns:
        DataFrame with :data:`BENCHMARK_COLUMNS`: ``source_document, table, model_name_raw,
        benchmark, metric, shots, model_id, variant, benchmark_id, unit, category, footnote,
        evaluator`` (str, nullable where the card is silent), ``value`` (float64, score in
        ``unit``; null for ``-``), ``higher_is_better``, ``bold`` (bool), ``scale_max``
        (float64). Primary key :data:`BENCHMARK_KEY`. ``df.attrs["skipped_tables"]`` lists
        ``(table, reason)`` for tables that are not benchmark tables and
        ``df.attrs["skipped_rows"]`` the model-attribute rows; ``df.attrs["set_aside_rows"]``
        lists ``(table, row source, reason)`` for rows not read (wrong number of cells);
        ``df.attrs["front_matter"]`` is the card's YAML front matter (a dict, None when
        absent or set aside) and ``df.attrs["front_matter_set_aside"]`` the reason a
        malformed or unsafe one was set aside (None otherwise): it never stops the card's
        tables from being read.

    Raises:
        ModelCardError: a value cell mixes text and numbers where scores are expected, a
            table's HTML is broken, or two cells share one primary key (names the cells).
    """
    evaluator, default_variant = _card_settings(source_document, evaluator, source_id)
    front, text = split_front_matter(text, where=source_document)
    tables = extract_tables(text, where=source_document)
    rows: list[dict] = []
    skipped_tables: list[tuple[str, str]] = []
    skipped_rows: list[tuple[str, str]] = []
    set_aside = [(name, line, why) for raw, name in zip(tables, _table_names(tables))
                 for line, why in raw.set_aside]
    for raw, name in zip(tables, _table_names(tables)):
        ctx = _TableContext(source_document, name, f"{source_document}, table {name!r}",
                            _variant(raw.headings, default_variant), evaluator)
        reason = _read_table(raw, ctx, rows, skipped_rows)
        if reason:
            skipped_tables.append((name, reason))
    df = _cells_frame(rows, source_document)
    df.attrs["skipped_tables"] = skipped_tables
    df.attrs["skipped_rows"] = skipped_rows
    df.attrs["set_aside_rows"] = set_aside
    df.attrs["front_matter"] = front.data if front else None
    df.attrs["front_matter_set_aside"] = front.reason if front else None
    return df


def _cells_frame(rows: list[dict], source_document: str) -> pd.DataFrame:
    """The cells as a DataFrame with :data:`BENCHMARK_COLUMNS` and their dtypes.

    Raises:
        ModelCardError: two cells share one primary key :data:`BENCHMARK_KEY`."""
    df = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    for col in ("value", "scale_max"):
        df[col] = df[col].astype("float64")
    for col in ("bold", "higher_is_better"):
        df[col] = df[col].astype("bool")
    dup = df.duplicated(BENCHMARK_KEY, keep=False)
    if dup.any():
        first = df.loc[dup, BENCHMARK_KEY].head(3).to_dict("records")
        raise ModelCardError(f"{source_document}: cells share one key {BENCHMARK_KEY}: {first}")
    return df


@dataclass(frozen=True)
class _TableContext:
    """The table being read: its document, name, place for messages, variant and evaluator."""

    source_document: str
    name: str
    where: str
    variant: str
    evaluator: str

    def cell_row(self, model: str, bench: str, metric: str | None, shots: str | None,
                 cell: Cell, category: str | None, cell_where: str,
                 label_cell: Cell | None) -> dict:
        """One row of ``benchmark_results``: the value of ``cell`` for ``model`` and
        ``bench``, its footnotes joined with those of the benchmark's label cell."""
        value = _value(cell, cell_where)
        ident = benchmark_identity(bench, metric, self.evaluator)
        foot = "".join(x for x in (cell.footnote, label_cell.footnote if label_cell else None)
                       if x) or None
        return {
            "source_document": self.source_document, "table": self.name,
            "model_name_raw": model, "benchmark": bench, "metric": metric,
            "shots": shots, "model_id": match_model(model, self.variant),
            "variant": self.variant, "benchmark_id": ident["benchmark_id"], "value": value,
            "unit": ident["unit"], "higher_is_better": ident["higher_is_better"],
            "scale_max": ident["scale_max"], "category": category, "bold": bool(cell.bold),
            "footnote": foot, "evaluator": self.evaluator,
        }


def _read_table(raw: RawTable, ctx: _TableContext, out: list[dict],
                skipped_rows: list[tuple[str, str]]) -> str | None:
    """Append the cells of one table to ``out`` (rule 2 picks the orientation); return a
    skip reason, or None when the table was read."""
    if len(raw.rows) < 2:
        return "fewer than two rows"
    header = [c.text for c in raw.rows[0]]
    label_col = next((i for i, h in enumerate(header) if _BENCH_HEADER.match(h)), None)
    if label_col is not None:
        return _read_benchmark_rows(raw, header, label_col, ctx, out, skipped_rows)
    if header and _MODEL_HEADER.match(header[0]):
        return _read_model_rows(raw, header, ctx, out)
    return f"header {header[:3]!r} names neither benchmarks nor models"


def _column_roles(header: list[str], label_col: int) -> tuple[dict[int, str], dict[int, str]]:
    """``(roles, models)`` of a benchmarks-as-rows header: the role (``category``,
    ``shots``, ``metric``, ``language``) of each non-model column and the model name of
    each model column, by column index."""
    roles: dict[int, str] = {}
    models: dict[int, str] = {}
    for j, h in enumerate(header):
        if j < label_col:
            roles[j] = "category"
        elif j > label_col:
            role = _ROLE.get(h.lower().replace(" ", ""))
            if role:
                roles[j] = role
            elif h:
                models[j] = h
    return roles, models


def _benchmark_label(text: str, cells: dict[int, Cell], roles: dict[int, str],
                     split_metric: bool) -> tuple[str, str | None, str | None]:
    """``(benchmark, metric, shots)`` of a row from its label and its role columns (rule 5)."""
    bench, metric, shots = text, None, None
    for j, role in roles.items():
        if role == "metric":
            metric = cells[j].text or None
        elif role == "shots":
            shots = _shots(cells[j].text)
    m = _SHOTS_METRIC.match(bench)
    if m and metric is None:
        bench, shots, metric = m.group(1), m.group(2), m.group(3).strip()
    elif split_metric:
        m = _TRAILING_PAREN.match(bench)
        if m:
            bench, metric = m.group(1), m.group(2).strip()
    if shots is None and metric:
        sm = _SHOT_IN_TEXT.search(metric)
        shots = sm.group(1) if sm else None
    for j, role in roles.items():
        if role == "language" and cells[j].text:
            bench = f"{bench} ({cells[j].text})"
    return bench, metric, shots


def _has_scores(values: list[Cell], label: Cell, where: str) -> bool:
    """Whether a row's model cells hold scores (rule 3): True for numbers and dashes (a
    row of dashes only is kept, its scores null), False for a model-attribute row (text,
    no number).

    Raises:
        ModelCardError: numbers mixed with other text."""
    non_dash = [v.text for v in values if v.text not in _DASHES]
    if not non_dash:
        return True
    numeric = [t for t in non_dash if _is_number(t)]
    if not numeric:
        return False
    if len(numeric) != len(non_dash):
        bad = [t for t in non_dash if not _is_number(t)]
        raise ModelCardError(f"{where}, row {label.text!r}: numbers mixed with {bad}")
    return True


def _read_benchmark_rows(raw: RawTable, header: list[str], label_col: int,
                         ctx: _TableContext, out: list[dict],
                         skipped_rows: list[tuple[str, str]]) -> str | None:
    """Read a table whose benchmarks are rows (label column ``label_col``) into ``out``;
    "no model columns" when no column names a model."""
    split_metric = "(metric)" in header[label_col].lower()
    roles, models = _column_roles(header, label_col)
    if not models:
        return "no model columns"
    category = None
    for row in raw.rows[1:]:
        cells = {j: (row[j] if j < len(row) else Cell("")) for j in range(len(header))}
        label = cells[label_col]
        cats = [cells[j].text for j, role in roles.items() if role == "category"]
        if cats and cats[-1]:
            category = cats[-1]
        values = [cells[j] for j in models]
        if all(v.text == "" for v in values):
            if label.text:
                category = label.text  # a category heading row (Qwen's ***General Tasks***)
            continue
        if not _has_scores(values, label, ctx.where):
            skipped_rows.append((ctx.name, label.text))
            continue
        bench, metric, shots = _benchmark_label(label.text, cells, roles, split_metric)
        for j, model in models.items():
            out.append(ctx.cell_row(model, bench, metric, shots, cells[j], category,
                                    f"{ctx.where}, row {label.text!r}, column {model!r}",
                                    label))
    return None


def _read_model_rows(raw: RawTable, header: list[str], ctx: _TableContext,
                     out: list[dict]) -> str | None:
    """Read a table whose models are rows into ``out``; a skip reason when a value cell is
    not a score (the table describes models)."""
    body = raw.rows[1:]
    for row in body:
        for c in row[1:]:
            if c.text not in _DASHES and not _is_number(c.text):
                return f"models as rows with a non-score cell ({c.text!r}): model attributes"
    for j, h in enumerate(header[1:], start=1):
        if not h:
            continue
        m = _HEADER_METRIC.match(h)
        bench, metric = (m.group(1), m.group(2)) if m else (h, None)
        for row in body:
            model = row[0].text
            if not model:
                continue
            cell = row[j] if j < len(row) else Cell("")
            out.append(ctx.cell_row(model, bench, metric, None, cell, None,
                                    f"{ctx.where}, row {model!r}, column {h!r}", None))
    return None


def read_card(body: bytes, url: str, source_id: str) -> pd.DataFrame:
    """:func:`parse_model_card` of a card fetched from ``url`` (UTF-8 bytes), its document
    named by :func:`source_document_for`.

    Raises:
        ModelCardError: as :func:`parse_model_card`; UnicodeDecodeError: not UTF-8.
    """
    return parse_model_card(body.decode("utf-8"), source_document_for(url), source_id=source_id)


def unmatched_model_names(benchmark_results: pd.DataFrame) -> pd.DataFrame:
    """Model names of ``benchmark_results`` that match no registry entry, for the warning
    check ``unmatched_model_names``.

    Returns columns ``model_name_raw, variant, source_document`` (str) and ``cells`` (int64),
    one row per distinct name, variant and document; empty when every name matched.
    """
    df = benchmark_results[benchmark_results["model_id"].isna()]
    out = (df.groupby(["model_name_raw", "variant", "source_document"], dropna=False)
           .size().rename("cells").reset_index())
    out["cells"] = out["cells"].astype("int64")
    return out
