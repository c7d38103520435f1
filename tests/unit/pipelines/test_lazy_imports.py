"""Loading the definitions imports no library that only some steps use (README,
"Performance", start-up): each is imported where it is used. A fresh interpreter, since
this test session has imported most of them already."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]

#: Imported by the steps that use them, never by ``import pipelines.definitions``:
#: validation, charts, the report page, country codes, object storage, HTTP, the catalog's
#: checks, markdown and HTML tables, Parquet/CSV/dataset readers of pyarrow.
LAZY = ("great_expectations", "matplotlib", "jinja2", "pycountry", "upath", "fsspec",
        "urllib3", "requests", "frictionless", "lxml", "markdown_it", "pyarrow.parquet",
        "pyarrow.csv", "pyarrow.dataset")


def test_loading_the_definitions_imports_none_of_the_step_libraries():
    code = ("import json, sys; import pipelines.definitions; "
            f"print(json.dumps([m for m in {list(LAZY)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True,
                         text=True, check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
