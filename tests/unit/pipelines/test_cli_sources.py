"""The "Sources" block ``ai-numbers run`` prints: the header counts the files each source
tracks and the requests actually made, and the arena's line counts its own new versions."""
from __future__ import annotations

import pandas as pd
from rich.console import Console

from pipelines.cli import _print_sources
from pipelines.runner import RunSummary


def test_sources_header_and_arena_line_count_what_they_say():
    # a live run seen by a user: the arena's pinned CSVs reused without a request (no HTTP
    # status), its listing asked; LiveBench fetched; 44 arena and 80 LiveBench versions new
    status = pd.DataFrame({
        "source_id": ["lmarena_history"] * 3 + ["livebench"],
        "stream": ["lmarena_history/commits", "lmarena_history/a", "lmarena_history/b",
                   "livebench/x"],
        "status": ["unchanged", "unchanged", "unchanged", "fetched"],
        "http_status": [304, None, None, 200],
        "error": [None] * 4, "sha256": ["0" * 64] * 4})
    summary = RunSummary(versions={"arena_scores": 44, "livebench_history": 80},
                         new_versions={"arena_scores": 44, "livebench_history": 80})
    out = Console(record=True, width=200)
    _print_sources(out, status, summary)
    text = out.export_text()
    assert "Sources (2; 4 files, 2 requests):" in text
    arena = next(line for line in text.splitlines() if "lmarena_history" in line)
    assert "44 versions, 44 new" in arena      # was "124 new": every history's new versions
