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


def test_the_collector_is_on_again_after_loading_and_after_a_failed_load():
    """Loading the definitions pauses the cyclic garbage collector for the project's own
    imports only: it is on again afterwards, and also when one of those imports fails."""
    load = ("import gc\n"
            "try:\n    import pipelines.definitions\nexcept Exception as exc:\n"
            "    print(type(exc).__name__)\n"
            "print(gc.isenabled())\n")
    # a failing import inside the paused block: the claims' asset module raising
    fail = ("import builtins\nreal = builtins.__import__\n"
            "def broken(name, *args, **kwargs):\n"
            "    if name == 'assets.claims':\n        raise RuntimeError('broken on purpose')\n"
            "    return real(name, *args, **kwargs)\n"
            "builtins.__import__ = broken\n")
    for code, expected in ((load, ["True"]), (fail + load, ["RuntimeError", "True"])):
        out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True,
                             text=True, check=True, timeout=120)
        assert out.stdout.split() == expected, out.stderr[-2000:]
