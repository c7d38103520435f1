"""The layout's rules, checked from the source files themselves (issue "Rooms by domain").

- No import cycle among the project's modules (``assets``, ``pipelines``).
- Nothing under ``pipelines/`` but ``definitions.py`` imports ``assets``.
- No module over 500 lines and no function over 80 lines in ``assets/`` and ``pipelines/``.
- Each domain folder has the same file names: ``assets.py`` (its Dagster definitions) and
  ``tables.py`` (its table specs).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PACKAGES = ("assets", "pipelines")
DOMAINS = ("patents", "models", "leaderboards", "claims")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((PROJECT / pkg).rglob("*.py")):
            parts = list(path.relative_to(PROJECT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (at any depth: module level or in a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for t in targets:
            # the longest known module that the target names (a package's module or itself)
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # importing a package's submodule runs the package's __init__ first, which is
            # not a cycle through the submodule itself
            if state.get(nxt) == 1 and not node.startswith(nxt + "."):
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_find_cycle_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_the_projects_modules():
    assert find_cycle(import_graph()) is None


def test_only_definitions_imports_assets_from_pipelines():
    offenders = {name: sorted(m for m in deps if m.split(".")[0] == "assets")
                 for name, deps in import_graph().items()
                 if name.startswith("pipelines") and name != "pipelines.definitions"}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("name,path", sorted(modules().items()))
def test_module_and_function_sizes(name, path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{name}: {len(text.splitlines())} lines"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == [], f"{name}: functions over {MAX_FUNCTION_LINES} lines"


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_folder_has_the_same_file_names(domain):
    folder = PROJECT / "assets" / domain
    assert (folder / "assets.py").exists() and (folder / "tables.py").exists()
