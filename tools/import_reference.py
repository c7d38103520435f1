"""Carry the curated reference figures of ``../shared/reference`` into ``assets/reference``.

Usage: ``python -m tools.import_reference [SHARED_REFERENCE_DIR]``

Each CSV becomes a YAML file in the project's own format: the citations (publisher, title,
url) are written once in a ``citations`` block; each figure names its citation by id and keeps
its locator (where in the document), its status (how sure the figure is) and its note.
``tests/unit/reference/test_figures.py`` checks the YAML against the CSVs whenever ``../shared`` is
present, so nothing drifts.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "assets" / "reference"
CITATION_FIELDS = ("publisher", "title", "url")
FILES = {
    "patent_figures.csv": "Figures on AI patents from reports with no machine-readable source",
    "model_facts.csv": (
        "Release dates, licenses, sizes and training compute of the article's models"),
    "benchmark_figures.csv": "Benchmark, arena and LiveBench figures the model claims rest on",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48]


def convert(csv_path: Path) -> dict:
    """Read one reference CSV and return the YAML document (citations + figures)."""
    with csv_path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    citations: dict[str, dict] = {}
    by_key: dict[tuple, str] = {}
    figures = []
    for row in rows:
        key = tuple(row[f] for f in CITATION_FIELDS)
        if key not in by_key:
            base = _slug(f"{row['publisher']} {row['title']}") or "unattributed"
            cid, n = base, 2
            while cid in citations:
                cid, n = f"{base}-{n}", n + 1
            by_key[key] = cid
            citations[cid] = {f: row[f] for f in CITATION_FIELDS if row[f]}
        fig = {k: v for k, v in row.items() if k not in CITATION_FIELDS and v != ""}
        fig["citation"] = by_key[key]
        figures.append(fig)
    return {
        "description": FILES[csv_path.name],
        "carried_from": f"shared/reference/{csv_path.name}",
        "columns": list(rows[0].keys()),
        "citations": citations,
        "figures": figures,
    }


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else Path("../shared/reference")
    for name in FILES:
        doc = convert(src / name)
        out = OUT / name.replace(".csv", ".yaml")
        header = (f"# {doc['description']}.\n# Carried from shared/reference/{name} by "
                  "tools/import_reference.py; citations kept, one block per document.\n")
        out.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True,
                                               width=100), encoding="utf-8")
        print(f"{out}: {len(doc['figures'])} figures, {len(doc['citations'])} citations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
