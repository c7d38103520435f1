"""Model cards, Hugging Face Hub model info, the ``models`` table and training compute.

Plain functions, no Dagster: bytes or text in, DataFrames out.

* :func:`parse_model_card` reads every benchmark table of a model card (markdown tables
  through markdown-it-py, HTML ``<table>`` blocks through lxml.html, ``rowspan``/``colspan``
  expanded) into rows of the published table ``benchmark_results``: one row per cell.
* :func:`benchmark_identity` normalises a benchmark as printed to a stable id with the rules
  of ``assets/registry/benchmarks.yaml`` (MATH is not MATH-500, GPQA is not GPQA-Diamond ...),
  and records whether higher or lower is better.
* :func:`parse_hf_model_info` reads one answer of the Hub's model-info endpoint
  (``GET https://huggingface.co/api/models/{repo_id}``) into one row of ``hf_model_info``.
* :func:`build_models` joins the model registry, the reference ``model_facts`` and the Hub
  rows into ``models``; :func:`build_training_compute` gives ``training_compute``.

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
   numbers and other text is an error.
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

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pandas as pd
import yaml
from markdown_it import MarkdownIt

from assets.registry import Model, load_models, match_model
from pipelines.tables import (
    register,
    BOOL, DATE, FLOAT, INT64, STR, TIMESTAMP, Column, TableSpec,
)

BENCHMARKS_FILE = Path(__file__).parents[1] / "registry" / "benchmarks.yaml"


class ModelCardError(ValueError):
    """A model card cannot be read as its layout says (names the document, table and cell)."""


class HubInfoError(ValueError):
    """A Hugging Face model-info body is not the documented JSON shape (names the document)."""


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


# --- cells and tables ---------------------------------------------------------------------

_FOOTNOTE_TAIL = re.compile(r"(?:\s*(?:[*†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰]+|\^\d+|\[\d+\]))+$")
_DASHES = {"", "-", "–", "—", "n/a", "N/A", "NA"}
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Cell:
    """One table cell: cleaned text, whether it is bold, footnote marks stripped from it."""

    text: str
    bold: bool = False
    footnote: str | None = None


def _clean(text: str, bold: bool = False, sup: str | None = None) -> Cell:
    text = " ".join(text.replace("\u00a0", " ").split())
    footnote = sup
    m = _FOOTNOTE_TAIL.search(text)
    if m and m.start() > 0:
        mark = m.group(0).strip()
        footnote = f"{footnote or ''}{mark}" or None
        text = text[: m.start()].rstrip()
    return Cell(text=text, bold=bold, footnote=footnote or None)


@dataclass
class RawTable:
    """A table found in a card: its heading path (outermost first) and its grid of cells."""

    headings: list[str]
    rows: list[list[Cell]]
    kind: str  # "markdown" or "html"


def _inline_cell(inline) -> Cell:
    parts, strong_depth, bold_chars, text_chars = [], 0, 0, 0
    for child in inline.children or []:
        if child.type in ("strong_open",):
            strong_depth += 1
        elif child.type in ("strong_close",):
            strong_depth -= 1
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
            n = len(child.content.strip())
            text_chars += n
            if strong_depth > 0:
                bold_chars += n
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline":
            continue
    return _clean("".join(parts), bold=bold_chars > 0 and bold_chars >= text_chars - 3)


def _html_grid(fragment: str, where: str) -> list[list[Cell]]:
    """Rows of an HTML ``<table>`` with ``rowspan``/``colspan`` expanded into a full grid.

    A ``rowspan`` reaching past the last row is cut at the table's end.
    """
    try:
        table = lxml.html.fromstring(fragment)
    except Exception as exc:  # lxml raises several types on broken markup
        raise ModelCardError(f"{where}: HTML table does not parse: {exc}") from exc
    trs = list(table.iter("tr"))
    grid: dict[tuple[int, int], Cell] = {}
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            sups = [s.text_content().strip() for s in td.iter("sup")]
            for s in list(td.iter("sup")):
                s.drop_tree()
            bold_text = "".join(s.text_content() for s in td.iter("strong", "b"))
            text = td.text_content()
            cell = _clean(text, bold=bool(bold_text.strip())
                          and len(bold_text.strip()) >= len(text.strip()) - 3,
                          sup="".join(sups) or None)
            try:
                rs = max(1, int(td.get("rowspan", 1) or 1))
                cs = max(1, int(td.get("colspan", 1) or 1))
            except ValueError as exc:
                raise ModelCardError(f"{where}: bad rowspan/colspan in row {r}") from exc
            for dr in range(rs):
                for dc in range(cs):
                    if r + dr < len(trs):
                        grid[(r + dr, c + dc)] = cell
            c += cs
    if not grid:
        return []
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), Cell("")) for c in range(width)] for r in range(len(trs))]


def extract_tables(text: str, where: str = "card") -> list[RawTable]:
    """Every table of a markdown document, markdown and embedded HTML, in document order.

    Consecutive HTML blocks are joined until each ``<table>`` is closed (a blank line inside
    an HTML table splits it into several markdown blocks). HTML comments are not content.
    """
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    headings: list[tuple[int, str]] = []
    tables: list[RawTable] = []
    html_buf: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1:])
            title = _inline_cell(tokens[i + 1]).text
            headings = [(lv, t) for lv, t in headings if lv < level] + [(level, title)]
            i += 3
            continue
        if tok.type == "html_block":
            content = re.sub(r"<!--.*?-->", "", tok.content, flags=re.S)
            if html_buf or "<table" in content.lower():
                html_buf.append(content)
                joined = "".join(html_buf)
                low = joined.lower()
                if low.count("</table") >= low.count("<table"):
                    for frag in _split_tables(joined):
                        grid = _html_grid(frag, where)
                        if grid:
                            tables.append(RawTable([t for _, t in headings], grid, "html"))
                    html_buf = []
            i += 1
            continue
        if tok.type == "table_open":
            rows: list[list[Cell]] = []
            row: list[Cell] | None = None
            while tokens[i].type != "table_close":
                t = tokens[i]
                if t.type == "tr_open":
                    row = []
                elif t.type == "tr_close":
                    rows.append(row or [])
                elif t.type == "inline" and row is not None:
                    row.append(_inline_cell(t))
                i += 1
            tables.append(RawTable([t for _, t in headings], rows, "markdown"))
        i += 1
    if html_buf:
        raise ModelCardError(f"{where}: an HTML <table> is never closed")
    return tables


def _split_tables(html: str) -> list[str]:
    out, pos, low = [], 0, html.lower()
    while True:
        start = low.find("<table", pos)
        if start < 0:
            return out
        end = low.find("</table", start)
        end = low.find(">", end) + 1
        out.append(html[start:end])
        pos = end


# --- benchmark identity ---------------------------------------------------------------------

@cache
def load_benchmarks() -> dict:
    """``benchmarks.yaml``: ``metrics`` (unit/direction/scale by metric) and ``benchmarks``.

    Raises:
        ModelCardError: duplicate benchmark id, or an entry without ``id``/``match``/``rule``.
    """
    doc = yaml.safe_load(BENCHMARKS_FILE.read_text(encoding="utf-8"))
    seen = set()
    for b in doc["benchmarks"]:
        for item in b.get("match", []):
            if isinstance(item, dict) and not ("name" in item or "pattern" in item):
                raise ModelCardError(f"{BENCHMARKS_FILE.name}: {b.get('id')!r}: match item "
                                     f"{item!r} has neither 'name' nor 'pattern'")
        for key in ("id", "match", "rule"):
            if key not in b:
                raise ModelCardError(f"{BENCHMARKS_FILE.name}: entry {b.get('id')!r} lacks {key!r}")
        if b["id"] in seen:
            raise ModelCardError(f"{BENCHMARKS_FILE.name}: duplicate benchmark id {b['id']!r}")
        seen.add(b["id"])
    return doc


def _norm(s: str | None) -> str:
    return "" if s is None else re.sub(r"[\s\-_.]+", "", str(s)).lower()


def benchmark_identity(benchmark: str, metric: str | None = None,
                       evaluator: str | None = None) -> dict[str, Any]:
    """Normalised identity of a benchmark as a card prints it.

    Returns ``{"benchmark_id": str | None, "higher_is_better": bool, "unit": str,
    "scale_max": float}``. ``benchmark_id`` is None when no entry of ``benchmarks.yaml``
    matches (never guessed). Matching is exact after folding case, spaces, ``-``, ``_`` and
    ``.``; an entry's ``match`` item may also require the metric and/or the evaluator, and the
    most specific matching item wins. Unit, direction and scale come from the benchmark entry,
    overridden by a matching entry of ``metrics`` (bits per byte: lower is better; ratings).
    """
    doc = load_benchmarks()
    n_b, n_m = _norm(benchmark), _norm(metric)
    best, best_score = None, -1
    for entry in doc["benchmarks"]:
        for item in entry["match"]:
            item = item if isinstance(item, dict) else {"name": item}
            if "pattern" in item:
                if not re.fullmatch(item["pattern"], str(benchmark).strip(), flags=re.I):
                    continue
            elif _norm(item["name"]) != n_b:
                continue
            score = 0
            if "metric" in item:
                if _norm(item["metric"]) != n_m:
                    continue
                score += 1
            if "evaluator" in item:
                if evaluator is None or not str(evaluator).startswith(item["evaluator"]):
                    continue
                score += 1
            if score > best_score:
                best, best_score = entry, score
    out = {"benchmark_id": None, "higher_is_better": True, "unit": "percent",
           "scale_max": 100.0}
    if best is not None:
        out["benchmark_id"] = best["id"]
        out["higher_is_better"] = best.get("direction", "higher") == "higher"
        out["unit"] = best.get("unit", "percent")
        out["scale_max"] = float(best.get("scale_max", 100))
    for m in doc.get("metrics", []):
        if n_m and n_m in {_norm(x) for x in m["match"]}:
            out["higher_is_better"] = m.get("direction", "higher") == "higher"
            out["unit"] = m.get("unit", out["unit"])
            out["scale_max"] = float(m.get("scale_max", out["scale_max"]))
    return out


# --- reading a card -------------------------------------------------------------------------

_BENCH_HEADER = re.compile(r"^(benchmarks?|datasets?|tasks?)(\s*\(metric\))?$", re.I)
_MODEL_HEADER = re.compile(r"^models?$", re.I)
_ROLE = {"#shots": "shots", "shots": "shots", "metric": "metric", "language": "language"}
_SHOTS_METRIC = re.compile(r"^(.*?)\s*\((\d+(?:-\d+)?)-shot,\s*([^()]+)\)$", re.I)
_TRAILING_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
_HEADER_METRIC = re.compile(r"^(.*\S)\s+((?:pass|cons|maj)@\d+|rating)$", re.I)
_SHOT_IN_TEXT = re.compile(r"(\d+(?:-\d+)?)-shot", re.I)

_BASE_WORDS = re.compile(r"\bbase\b|\bpre-?trained\b", re.I)
_INSTRUCT_WORDS = re.compile(r"\bchat\b|\binstruct|\binstruction", re.I)

#: Columns of ``benchmark_results`` in order.
BENCHMARK_COLUMNS = [
    "source_document", "table", "model_name_raw", "benchmark", "metric", "shots",
    "model_id", "variant", "benchmark_id", "value", "unit", "higher_is_better", "scale_max",
    "category", "bold", "footnote", "evaluator",
]
BENCHMARK_KEY = ["source_document", "table", "model_name_raw", "benchmark", "metric", "shots"]


def _variant(headings: list[str], default: str) -> str:
    for h in reversed(headings):
        if _BASE_WORDS.search(h):
            return "base"
        if _INSTRUCT_WORDS.search(h):
            return "instruct"
    return default


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(",", "")))


def _value(cell: Cell, where: str) -> float | None:
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
    names, counts = [], {}
    for t in tables:
        name = " / ".join(t.headings[-2:]) if t.headings else "(no heading)"
        counts[name] = counts.get(name, 0) + 1
        names.append(name if counts[name] == 1 else f"{name} [{counts[name]}]")
    return names


def parse_model_card(
    text: str,
    source_document: str,
    evaluator: str | None = None,
    *,
    source_id: str | None = None,
    default_variant: str | None = None,
) -> pd.DataFrame:
    """Every cell of every benchmark table of a model card, one row per cell.

    Args:
        text: the card as markdown (HTML tables inside are read too).
        source_document: where the text is from, ``owner/repo@commit:path``
            (see :func:`source_document_for`).
        evaluator: who ran the evaluations printed in the card; default from
            :data:`CARD_SOURCES` when ``source_id`` is given.
        source_id: ``deepseek_v3_card``, ``deepseek_r1_card``, ``llama31_card`` or
            ``qwen25_blog`` (gives evaluator and default variant), or None.
        default_variant: variant of tables whose headings do not say (default ``instruct``).

    Returns:
        DataFrame with :data:`BENCHMARK_COLUMNS`: ``source_document, table, model_name_raw,
        benchmark, metric, shots, model_id, variant, benchmark_id, unit, category, footnote,
        evaluator`` (str, nullable where the card is silent), ``value`` (float64, score in
        ``unit``; null for ``-``), ``higher_is_better``, ``bold`` (bool), ``scale_max``
        (float64). Primary key :data:`BENCHMARK_KEY`. ``df.attrs["skipped_tables"]`` lists
        ``(table, reason)`` for tables that are not benchmark tables and
        ``df.attrs["skipped_rows"]`` the model-attribute rows.

    Raises:
        ModelCardError: a value cell mixes text and numbers where scores are expected, a
            table's HTML is broken, or two cells share one primary key (names the cells).
    """
    cfg = CARD_SOURCES.get(source_id or "", {})
    if source_id is not None and not cfg:
        raise ModelCardError(f"{source_document}: unknown card source id {source_id!r}; "
                             f"known: {sorted(CARD_SOURCES)}")
    evaluator = evaluator or cfg.get("evaluator")
    if not evaluator:
        raise ModelCardError(f"{source_document}: no evaluator given")
    default_variant = default_variant or cfg.get("default_variant", "instruct")
    tables = extract_tables(text, where=source_document)
    rows: list[dict] = []
    skipped_tables: list[tuple[str, str]] = []
    skipped_rows: list[tuple[str, str]] = []
    for raw, name in zip(tables, _table_names(tables)):
        where = f"{source_document}, table {name!r}"
        variant = _variant(raw.headings, default_variant)
        reason = _read_table(raw, name, where, variant, source_document, evaluator,
                             rows, skipped_rows)
        if reason:
            skipped_tables.append((name, reason))
    df = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    for col in ("value", "scale_max"):
        df[col] = df[col].astype("float64")
    for col in ("bold", "higher_is_better"):
        df[col] = df[col].astype("bool")
    dup = df.duplicated(BENCHMARK_KEY, keep=False)
    if dup.any():
        first = df.loc[dup, BENCHMARK_KEY].head(3).to_dict("records")
        raise ModelCardError(f"{source_document}: cells share one key {BENCHMARK_KEY}: {first}")
    df.attrs["skipped_tables"] = skipped_tables
    df.attrs["skipped_rows"] = skipped_rows
    return df


def _read_table(raw: RawTable, name: str, where: str, variant: str, source_document: str,
                evaluator: str, out: list[dict], skipped_rows: list) -> str | None:
    """Append the cells of one table to ``out``; return a skip reason or None."""
    if len(raw.rows) < 2:
        return "fewer than two rows"
    header = [c.text for c in raw.rows[0]]
    label_col = next((i for i, h in enumerate(header) if _BENCH_HEADER.match(h)), None)

    def emit(model: str, bench_label: str, metric: str | None, shots: str | None,
             cell: Cell, category: str | None, cell_where: str, label_cell: Cell | None):
        value = _value(cell, cell_where)
        ident = benchmark_identity(bench_label, metric, evaluator)
        foot = "".join(x for x in (cell.footnote, label_cell.footnote if label_cell else None)
                       if x) or None
        out.append({
            "source_document": source_document, "table": name,
            "model_name_raw": model, "benchmark": bench_label, "metric": metric,
            "shots": shots, "model_id": match_model(model, variant), "variant": variant,
            "benchmark_id": ident["benchmark_id"], "value": value, "unit": ident["unit"],
            "higher_is_better": ident["higher_is_better"], "scale_max": ident["scale_max"],
            "category": category, "bold": bool(cell.bold), "footnote": foot,
            "evaluator": evaluator,
        })

    if label_col is not None:
        split_metric = "(metric)" in header[label_col].lower()
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
        if not models:
            return "no model columns"
        category = None
        for r, row in enumerate(raw.rows[1:], start=1):
            cells = {j: (row[j] if j < len(row) else Cell("")) for j in range(len(header))}
            label = cells[label_col]
            cats = [cells[j].text for j, role in roles.items() if role == "category"]
            if cats and cats[-1]:
                category = cats[-1]
            vals = [cells[j] for j in models]
            if all(v.text == "" for v in vals):
                if label.text:
                    category = label.text  # a category heading row (Qwen's ***General Tasks***)
                continue
            non_dash = [v.text for v in vals if v.text not in _DASHES]
            numeric = [t for t in non_dash if _is_number(t)]
            if not numeric:
                skipped_rows.append((name, label.text))
                continue
            if len(numeric) != len(non_dash):
                bad = [t for t in non_dash if not _is_number(t)]
                raise ModelCardError(f"{where}, row {label.text!r}: numbers mixed with {bad}")
            bench, metric = label.text, None
            shots = None
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
            for j, model in models.items():
                emit(model, bench, metric, shots, cells[j], category,
                     f"{where}, row {label.text!r}, column {model!r}", label)
        return None

    if header and _MODEL_HEADER.match(header[0]):
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
                emit(model, bench, metric, None, cell, None,
                     f"{where}, row {model!r}, column {h!r}", None)
        return None
    return f"header {header[:3]!r} names neither benchmarks nor models"


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


def unmatched_benchmarks(benchmark_results: pd.DataFrame) -> pd.DataFrame:
    """Benchmarks of ``benchmark_results`` with no id in ``benchmarks.yaml`` (distinct
    ``benchmark, metric, source_document``, str), for a warning check."""
    df = benchmark_results[benchmark_results["benchmark_id"].isna()]
    return df[["benchmark", "metric", "source_document"]].drop_duplicates().reset_index(drop=True)


# --- Hugging Face Hub -----------------------------------------------------------------------

#: ``createdAt`` the Hub gives every repo made before it stored creation dates.
HF_PLACEHOLDER_CREATED_AT = "2022-03-02T23:29:04.000Z"

HF_COLUMNS = [
    "repo_id", "model_id", "created_at", "created_at_is_placeholder", "last_modified", "sha",
    "license", "gated", "downloads", "likes", "params_total", "source_document",
]


def _utc_ts(value: Any, field: str, where: str) -> pd.Timestamp | None:
    if value in (None, ""):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise HubInfoError(f"{where}: {field} {value!r} is not a timestamp") from exc
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def parse_hf_model_info(body: bytes, repo_id: str, source_document: str) -> dict[str, Any]:
    """One row of ``hf_model_info`` from the body of ``GET /api/models/{repo_id}``.

    Returns a dict with :data:`HF_COLUMNS`: ``repo_id`` (as asked), ``model_id`` (registry id
    whose ``hf_repo`` is this repo, else None), ``created_at`` (UTC Timestamp; None when the
    Hub gives its placeholder :data:`HF_PLACEHOLDER_CREATED_AT`, flagged in
    ``created_at_is_placeholder``), ``last_modified`` (UTC Timestamp), ``sha`` (str),
    ``license`` (``cardData.license``, else the ``license:`` tag; ``other`` is kept),
    ``gated`` (str ``"false"``, ``"auto"`` or ``"manual"``), ``downloads``, ``likes`` (int),
    ``params_total`` (int, parameters, ``safetensors.total``; None when absent),
    ``source_document``.

    Raises:
        HubInfoError: body is not JSON, not an object, or its ``id`` is not ``repo_id``
            (case-insensitive), or a field has the wrong type.
    """
    where = source_document
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HubInfoError(f"{where}: Hub model info is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise HubInfoError(f"{where}: Hub model info is {type(data).__name__}, not an object")
    got = data.get("id") or data.get("modelId")
    if not got or str(got).lower() != repo_id.lower():
        raise HubInfoError(f"{where}: Hub model info is for {got!r}, expected {repo_id!r}")
    card = data.get("cardData") or {}
    if not isinstance(card, dict):
        raise HubInfoError(f"{where}: cardData is {type(card).__name__}, not an object")
    license_ = card.get("license")
    if isinstance(license_, list):
        license_ = ", ".join(str(x) for x in license_)
    if not license_:
        tags = data.get("tags") or []
        license_ = next((t.split(":", 1)[1] for t in tags
                         if isinstance(t, str) and t.startswith("license:")), None)
    gated = data.get("gated", False)
    if gated is False or gated is None:
        gated_s = "false"
    elif gated is True:
        gated_s = "true"
    elif isinstance(gated, str) and gated in ("auto", "manual"):
        gated_s = gated
    else:
        raise HubInfoError(f"{where}: gated {gated!r} is not false, 'auto' or 'manual'")
    created_raw = data.get("createdAt")
    placeholder = created_raw == HF_PLACEHOLDER_CREATED_AT
    st = data.get("safetensors") or {}
    total = st.get("total") if isinstance(st, dict) else None
    for field in ("downloads", "likes"):
        if data.get(field) is not None and not isinstance(data[field], int):
            raise HubInfoError(f"{where}: {field} {data[field]!r} is not an integer")
    if total is not None and not isinstance(total, int):
        raise HubInfoError(f"{where}: safetensors.total {total!r} is not an integer")
    by_repo = {(m.hf_repo or "").lower(): mid for mid, m in load_models().items()}
    return {
        "repo_id": repo_id,
        "model_id": by_repo.get(repo_id.lower()),
        "created_at": None if placeholder else _utc_ts(created_raw, "createdAt", where),
        "created_at_is_placeholder": placeholder,
        "last_modified": _utc_ts(data.get("lastModified"), "lastModified", where),
        "sha": data.get("sha"),
        "license": license_,
        "gated": gated_s,
        "downloads": data.get("downloads"),
        "likes": data.get("likes"),
        "params_total": total,
        "source_document": source_document,
    }


def hf_model_info_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """``hf_model_info`` as a DataFrame from rows of :func:`parse_hf_model_info` (may be [])."""
    df = pd.DataFrame(rows, columns=HF_COLUMNS)
    for col in ("downloads", "likes", "params_total"):
        df[col] = df[col].astype("Int64")
    df["created_at_is_placeholder"] = df["created_at_is_placeholder"].astype("bool")
    for col in ("created_at", "last_modified"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df


# --- models and training compute ------------------------------------------------------------

MODELS_COLUMNS = [
    "id", "name", "organization", "country", "open_weights", "variant", "hf_repo",
    "release_date", "license_weights", "license_code", "params_total_b", "params_active_b",
    "context_length_k", "hf_created_at", "hf_last_modified", "hf_sha", "hf_license",
    "hf_gated", "hf_downloads", "hf_likes", "hf_params_total_b", "disagreements",
]

#: Reference license names and the Hub license id they correspond to (for disagreements).
_LICENSE_TO_HUB = {
    "mit": "mit", "apache 2.0": "apache-2.0", "apache-2.0": "apache-2.0",
    "llama 3.1 community license": "llama3.1", "qwen license": "qwen",
    "deepseek model license": "deepseek",
}
#: Relative difference of parameter counts above which the Hub and the reference disagree.
PARAMS_TOLERANCE = 0.02
#: Days between the Hub repo's creation and the reference release date that are flagged.
RELEASE_TOLERANCE_DAYS = 7


def _facts(model_facts: pd.DataFrame) -> dict[tuple[str, str], dict]:
    need = {"model", "fact", "value", "value_text"}
    missing = need - set(model_facts.columns)
    if missing:
        raise ValueError(f"model_facts lacks columns {sorted(missing)}")
    return {(r["model"], r["fact"]): r for r in model_facts.to_dict("records")}


def _fact_num(facts, model, fact) -> float | None:
    r = facts.get((model, fact))
    if r is None or pd.isna(r["value"]):
        return None
    return float(r["value"])


def _fact_text(facts, model, fact) -> str | None:
    r = facts.get((model, fact))
    if r is None or pd.isna(r["value_text"]):
        return None
    return str(r["value_text"])


def build_models(registry: Mapping[str, Model], model_facts: pd.DataFrame,
                 hf_model_info: pd.DataFrame | None) -> pd.DataFrame:
    """The ``models`` table: registry x reference facts x Hub model info, one row per model.

    Args:
        registry: :func:`assets.registry.load_models` (id -> :class:`Model`).
        model_facts: the reference table ``model_facts`` (columns ``model, fact, value,
            value_text``).
        hf_model_info: the ``hf_model_info`` table (may be None or empty: no Hub data).

    Returns:
        DataFrame with :data:`MODELS_COLUMNS`: identity from the registry; ``release_date``
        (date), licenses, ``params_total_b``/``params_active_b`` (billion parameters) and
        ``context_length_k`` (thousand tokens) from the reference facts of that model id only
        (null where the reference has none, e.g. base models); ``hf_*`` from the Hub (``hf_params_total_b`` in billions); and
        ``disagreements`` (str, ``"; "``-joined, None when none): license, parameter count
        (more than :data:`PARAMS_TOLERANCE` apart) and release date vs repo creation (more
        than :data:`RELEASE_TOLERANCE_DAYS` apart) where both sides are known.
    """
    facts = _facts(model_facts)
    hf = {}
    if hf_model_info is not None and len(hf_model_info):
        for r in hf_model_info.to_dict("records"):
            hf[str(r["repo_id"]).lower()] = r
    rows = []
    for mid, m in registry.items():
        rel = _fact_text(facts, mid, "release_date")
        row = {
            "id": mid, "name": m.name, "organization": m.organization,
            "country": m.country, "open_weights": bool(m.open_weights),
            "variant": m.variant, "hf_repo": m.hf_repo,
            "release_date": date.fromisoformat(rel) if rel else None,
            "license_weights": _fact_text(facts, mid, "license_weights"),
            "license_code": _fact_text(facts, mid, "license_code"),
            "params_total_b": _fact_num(facts, mid, "params_total"),
            "params_active_b": _fact_num(facts, mid, "params_active"),
            "context_length_k": _fact_num(facts, mid, "context_length"),
        }
        h = hf.get(str(m.hf_repo or "").lower())
        notes = []
        if h:
            total = h.get("params_total")
            total_b = None if total is None or pd.isna(total) else float(total) / 1e9
            created = h.get("created_at")
            created = None if created is None or pd.isna(created) else pd.Timestamp(created)
            row.update({
                "hf_created_at": created, "hf_last_modified": h.get("last_modified"),
                "hf_sha": h.get("sha"), "hf_license": h.get("license"),
                "hf_gated": h.get("gated"), "hf_downloads": h.get("downloads"),
                "hf_likes": h.get("likes"), "hf_params_total_b": total_b,
            })
            ref_lic = row["license_weights"]
            hub_lic = h.get("license")
            if ref_lic and hub_lic and str(hub_lic).lower() != "other":
                want = _LICENSE_TO_HUB.get(ref_lic.lower(), ref_lic.lower())
                if str(hub_lic).lower() != want:
                    notes.append(f"license: Hub {hub_lic!r}, reference {ref_lic!r}")
            ref_p = row["params_total_b"]
            if ref_p and total_b and abs(total_b - ref_p) / ref_p > PARAMS_TOLERANCE:
                notes.append(f"params_total: Hub safetensors {total_b:.1f}B, "
                             f"reference {ref_p:g}B")
            if row["release_date"] and created is not None:
                days = (created.date() - row["release_date"]).days
                if abs(days) > RELEASE_TOLERANCE_DAYS:
                    notes.append(f"release: Hub repo created {created.date()}, reference "
                                 f"release {row['release_date']} ({days:+d} days)")
        row["disagreements"] = "; ".join(notes) or None
        rows.append(row)
    df = pd.DataFrame(rows, columns=MODELS_COLUMNS)
    df["open_weights"] = df["open_weights"].astype("bool")
    for col in ("params_total_b", "params_active_b", "context_length_k", "hf_params_total_b"):
        df[col] = df[col].astype("float64")
    for col in ("hf_downloads", "hf_likes"):
        df[col] = pd.array(df[col].tolist(), dtype="Int64")
    return df


TRAINING_COLUMNS = [
    "model_id", "covers", "gpu_type", "gpu_hours", "cluster_gpus",
    "rental_rate_usd_per_gpu_hour", "cost_usd", "source",
]

#: What each GPU-hours fact of ``model_facts`` covers, as its source says.
_GPU_HOUR_FACTS = {
    "training_gpu_hours_total": "full training as reported",
    "training_gpu_hours_pretraining": "pre-training only",
}


def build_training_compute(model_facts: pd.DataFrame) -> pd.DataFrame:
    """The ``training_compute`` table from the reference ``model_facts``.

    One row per model and GPU-hours fact (``training_gpu_hours_total``,
    ``training_gpu_hours_pretraining``). ``covers`` says what the figure covers (with the
    fact's note, e.g. DeepSeek-V3's total is the final training run: pre-training, context
    extension and post-training, no prior research or ablations); ``gpu_type`` (str),
    ``gpu_hours`` (int64, GPU hours), ``cluster_gpus`` (Int64, GPUs),
    ``rental_rate_usd_per_gpu_hour`` (float64, USD per GPU hour, the rate the model's own
    report assumes; null when none), ``cost_usd`` (float64, USD, computed here as
    ``gpu_hours * rate``; null without a rate), ``source`` (publisher, title, locator).
    """
    facts = _facts(model_facts)
    rows = []
    for (mid, fact), r in sorted(facts.items()):
        if fact not in _GPU_HOUR_FACTS or pd.isna(r["value"]):
            continue
        rate = _fact_num(facts, mid, "gpu_rental_rate_assumed")
        cluster = _fact_num(facts, mid, "cluster_gpus")
        hours = int(round(float(r["value"])))
        covers = _GPU_HOUR_FACTS[fact]
        note = r.get("note")
        if note is not None and not pd.isna(note):
            covers += f" ({note})"
        cost_note = facts.get((mid, "training_cost"), {}).get("note")
        if fact == "training_gpu_hours_total" and isinstance(cost_note, str):
            covers += f"; {cost_note}"
        src = ", ".join(str(r[k]) for k in ("publisher", "title", "locator")
                        if k in r and r[k] is not None and not pd.isna(r[k]))
        rows.append({
            "model_id": mid, "covers": covers, "gpu_type": _fact_text(facts, mid, "training_gpu"),
            "gpu_hours": hours, "cluster_gpus": None if cluster is None else int(cluster),
            "rental_rate_usd_per_gpu_hour": rate,
            "cost_usd": None if rate is None else hours * rate,
            "source": src,
        })
    df = pd.DataFrame(rows, columns=TRAINING_COLUMNS)
    df["gpu_hours"] = df["gpu_hours"].astype("int64")
    df["cluster_gpus"] = pd.array(df["cluster_gpus"].tolist(), dtype="Int64")
    for col in ("rental_rate_usd_per_gpu_hour", "cost_usd"):
        df[col] = df[col].astype("float64")
    return df


# --- published tables -----------------------------------------------------------------------

_CARD_LICENSE = ("numbers as published in each model card, under its repository's terms "
                 "(DeepSeek: MIT code license; Meta: Llama 3.1 Community License; Qwen blog)")

TABLES = register(
    TableSpec(
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
            Column("source_document", STR, "Document the cell is from: owner/repo@commit:path",
                   nullable=False),
            Column("table", STR, "Heading of the table in the document (parent / heading)",
                   nullable=False),
            Column("model_name_raw", STR, "Model name as the card prints it", nullable=False),
            Column("benchmark", STR, "Benchmark as printed, cleaned (bold, footnotes and "
                   "the metric in parentheses removed)", nullable=False),
            Column("metric", STR, "Metric as printed (EM, Pass@1, macro_avg/acc ...)"),
            Column("shots", STR, "Number of shots as printed ('5', '3-5'); null if unstated"),
            Column("model_id", STR, "Model id of assets/registry/models.yaml; null when the "
                   "name matches no alias"),
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
    ),
    TableSpec(
        name="hf_model_info",
        title="Hugging Face Hub model info of the article's open models",
        description="One row per Hub repo from GET https://huggingface.co/api/models/{repo_id}.",
        group="models",
        primary_key=("repo_id",),
        license="Hugging Face Hub metadata; each model under its own license",
        sources=("hf_model_info",),
        columns=(
            Column("repo_id", STR, "Hub repository id (owner/name)", nullable=False),
            Column("model_id", STR, "Model id of assets/registry/models.yaml"),
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
            Column("source_document", STR, "Snapshot / URL of the Hub answer", nullable=False),
        ),
    ),
    TableSpec(
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
    ),
    TableSpec(
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
            Column("model_id", STR, "Model id of assets/registry/models.yaml", nullable=False),
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
    ),
)
