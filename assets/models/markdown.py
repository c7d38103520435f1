"""Tables of a markdown document: markdown tables (markdown-it-py) and embedded HTML
``<table>`` blocks (lxml.html, ``rowspan``/``colspan`` expanded), in document order, each
with its heading path and its grid of cleaned cells.

Plain functions: text in, :class:`RawTable` out. A YAML front matter (``---`` on the first
line, closed by ``---`` or ``...``) is split off first (:func:`split_front_matter`, safe
loading only): a malformed one is set aside with its reason, never raised, and the tables
below it are still read. Cell cleaning (rule 4 of
:mod:`assets.models.cards`): whitespace collapsed, bold kept as a flag, footnote marks
(``*``, ``†``, ``‡``, ``§``, superscripts, ``<sup>``) stripped into ``footnote``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


class ModelCardError(ValueError):
    """A model card cannot be read as its layout says (names the document, table and cell)."""


_FOOTNOTE_TAIL = re.compile(r"(?:\s*(?:[*†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰]+|\^\d+|\[\d+\]))+$")


@dataclass(frozen=True)
class Cell:
    """One table cell: cleaned text, whether it is bold, footnote marks stripped from it."""

    text: str
    bold: bool = False
    footnote: str | None = None


def _clean(text: str, bold: bool = False, sup: str | None = None) -> Cell:
    """A cell from raw text: whitespace collapsed, trailing footnote marks moved (after
    ``sup``, the marks of ``<sup>`` tags) into ``footnote``."""
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
    """A table found in a card: its heading path (outermost first), its grid of cells, and
    the rows set aside as ``(row text, reason)`` (a markdown row with more or fewer cells
    than the header: never trimmed or padded silently)."""

    headings: list[str]
    rows: list[list[Cell]]
    set_aside: list[tuple[str, str]] = field(default_factory=list)


def _inline_cell(inline) -> Cell:
    """A cell from a markdown-it ``inline`` token: bold when (nearly) all its text is in
    ``**...**``; inline HTML dropped."""
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
        import lxml.html  # lazy, like markdown_it below: not needed to load the defs

        table = lxml.html.fromstring(fragment)
    except Exception as exc:  # lxml raises several types on broken markup
        raise ModelCardError(f"{where}: HTML table does not parse: {exc}") from exc
    trs = _own_rows(table)
    grid: dict[tuple[int, int], Cell] = {}
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            _flatten_nested_tables(td)
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


def _own_rows(table) -> list:
    """The ``<tr>`` of ``table`` itself (under ``thead``/``tbody``/``tfoot`` or directly),
    not those of a table nested in one of its cells."""
    own = []
    for tr in table.iter("tr"):
        parent = tr.getparent()
        while parent is not None and parent.tag != "table":
            parent = parent.getparent()
        if parent is table:
            own.append(tr)
    return own


def _flatten_nested_tables(td) -> None:
    """Replace each table nested in cell ``td`` by the text of its cells, space-separated
    (a one-cell inner table becomes that cell's text; several cells give text that is not a
    single number, which the card reader rejects by name rather than losing)."""
    while (inner := td.find(".//table")) is not None:
        texts = [" ".join(c.text_content().split()) for c in inner.iter("td", "th")]
        span = td.makeelement("span", {})
        span.text = " " + " ".join(t for t in texts if t) + " "
        span.tail = inner.tail
        inner.getparent().replace(inner, span)


_FRONT_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)


@dataclass(frozen=True)
class FrontMatter:
    """A card's YAML front matter: ``data`` (the mapping, None when set aside), ``reason``
    (why it was set aside: not safe YAML, a language-specific tag, not a mapping, never
    closed; None when read) and ``lines`` (how many lines of the card it spans)."""

    data: dict | None
    reason: str | None
    lines: int


def split_front_matter(text: str, where: str = "card") -> tuple[FrontMatter | None, str]:
    """``(front matter or None, body)`` of a markdown document. The body keeps the
    document's line numbers (the front matter's lines become blank), so the tables below
    are read as before. A front matter that does not load (``yaml.safe_load`` only: a
    ``!!python/object`` tag is refused, never constructed) or is never closed is returned
    with its ``reason`` naming ``where`` and the line; it never raises."""
    from pipelines.yamlfile import YamlFileError, load_yaml_text

    opening = _FRONT_OPEN.match(text)
    if not opening:
        return None, text
    closing = _FRONT_CLOSE.search(text, opening.end())
    if closing is None:
        return FrontMatter(None, f"{where}: front matter opened on line 1 is never closed "
                                 "(read as markdown)", 0), text
    yaml_text = text[opening.end():closing.start()]
    end = closing.end() + (1 if text[closing.end():closing.end() + 1] == "\n" else 0)
    n_lines = text.count("\n", 0, end)
    body = "\n" * n_lines + text[end:]
    if not yaml_text.strip():
        return FrontMatter({}, None, n_lines), body
    try:
        data = load_yaml_text(yaml_text, f"{where}, front matter", first_line=2)
    except YamlFileError as exc:
        return FrontMatter(None, str(exc), n_lines), body
    return FrontMatter(data, None, n_lines), body


_PIPE = re.compile(r"(?<!\\)\|")


def _source_cells(line: str) -> int:
    """The number of cells a markdown table row's source line has (unescaped ``|``
    separators; the leading and trailing pipes are optional)."""
    parts = _PIPE.split(line.strip())
    if parts and parts[0].strip() == "":
        parts = parts[1:]
    if parts and parts[-1].strip() == "" and line.strip().endswith("|"):
        parts = parts[:-1]
    return len(parts)


def _markdown_table(tokens, i: int, lines: list[str]) -> tuple[RawTable, int]:
    """The markdown table starting at ``tokens[i]`` (``table_open``) and the index of its
    ``table_close``. A body row whose source line has more or fewer cells than the header
    is set aside with a reason (markdown-it would trim or pad it)."""
    rows: list[list[Cell]] = []
    set_aside: list[tuple[str, str]] = []
    row: list[Cell] | None = None
    width = None
    line = None
    while tokens[i].type != "table_close":
        t = tokens[i]
        if t.type == "tr_open":
            row = []
            line = lines[t.map[0]] if t.map and t.map[0] < len(lines) else None
        elif t.type == "tr_close":
            n = _source_cells(line) if line is not None else len(row or [])
            if width is None:
                width = n
                rows.append(row or [])
            elif n != width:
                set_aside.append((line.strip() if line else "", (
                    f"{n} cells under a header of {width}: "
                    f"{'more' if n > width else 'fewer'} cells than the header, not "
                    f"{'trimmed' if n > width else 'padded'}")))
            else:
                rows.append(row or [])
        elif t.type == "inline" and row is not None:
            row.append(_inline_cell(t))
        i += 1
    return RawTable([], rows, set_aside), i


def extract_tables(text: str, where: str = "card") -> list[RawTable]:
    """Every table of a markdown document, markdown and embedded HTML, in document order.

    Consecutive HTML blocks are joined until each ``<table>`` is closed (a blank line inside
    an HTML table splits it into several markdown blocks). HTML comments are not content.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    lines = text.splitlines()
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
                            tables.append(RawTable([t for _, t in headings], grid))
                    html_buf = []
            i += 1
            continue
        if tok.type == "table_open":
            table, i = _markdown_table(tokens, i, lines)
            table.headings = [t for _, t in headings]
            tables.append(table)
        i += 1
    if html_buf:
        raise ModelCardError(f"{where}: an HTML <table> is never closed")
    return tables


_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)


def _split_tables(html: str) -> list[str]:
    """Each outermost ``<table>...</table>`` fragment of ``html``, in order; a table nested
    in a cell stays inside its outer table (the outer one is not cut at the inner
    ``</table>``)."""
    out, depth, start = [], 0, 0
    for m in _TABLE_TAG.finditer(html):
        if not m.group(1):
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append(html[start:m.end()])
    return out
