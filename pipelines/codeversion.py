"""Code versions of assets: a digest of the project source an asset's output depends on.

An asset's code version (Dagster's ``code_version=``) is the sha256 (first 16 hex digits) of
the project modules its defining module imports, transitively (``assets.*`` and
``pipelines.*`` imports, found by reading the source; third-party imports are the
environment's and not part of it), the data files beside those modules (``*.yaml``,
``*.json``, ``*.j2``) and any ``extra`` files (a table's expectation suite). Editing a
parser, a table spec, a rule or a suite therefore changes the code version of exactly the
assets built with it, and :mod:`pipelines.staleness` rebuilds them; editing the CLI
changes none.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PACKAGES = ("assets", "pipelines")
_IMPORT = re.compile(r"^\s*(?:from\s+((?:assets|pipelines)(?:\.\w+)*)\s+import\s+"
                     r"(\([^)]*\)|[^\n]*)|import\s+((?:assets|pipelines)(?:\.\w+)*))", re.M)
_DATA_SUFFIXES = (".yaml", ".yml", ".json", ".j2")


@lru_cache(maxsize=None)
def _module_files(root: Path) -> dict[str, Path]:
    """Every project module under ``root`` (dotted name -> source file), from one walk."""
    out = {}
    for package in _PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _module_file(name: str) -> Path | None:
    """The source file of project module ``name`` (a package's ``__init__.py``), or None."""
    return _module_files(ROOT).get(name)


@lru_cache(maxsize=None)
def _data_files(folder: Path) -> tuple[Path, ...]:
    """The data files (``*.yaml``, ``*.json``, ``*.j2``) directly in ``folder``."""
    return tuple(p for p in folder.iterdir() if p.suffix in _DATA_SUFFIXES)


@lru_cache(maxsize=None)
def _imports(path: Path) -> frozenset[str]:
    """Project modules imported by the source file ``path`` (``from a.b import c`` names
    ``a.b`` and, when it is a module, ``a.b.c``)."""
    out = set()
    for frm, names, imp in _IMPORT.findall(path.read_text("utf-8")):
        if imp:
            out.add(imp)
            continue
        out.add(frm)
        for n in re.split(r"[\s,()]+", re.sub(r"#[^\n]*", "", names)):
            if n and n != "as" and _module_file(f"{frm}.{n}"):
                out.add(f"{frm}.{n}")
    return frozenset(out)


@lru_cache(maxsize=None)
def module_closure(name: str) -> tuple[Path, ...]:
    """The source files of project module ``name`` and every project module it imports,
    transitively, with the data files of their folders; sorted.

    Raises:
        ValueError: ``name`` is not a module of ``assets`` or ``pipelines``.
    """
    start = _module_file(name)
    if start is None or name.split(".")[0] not in _PACKAGES:
        raise ValueError(f"code version: {name!r} is not a module of {_PACKAGES}")
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        parts = path.relative_to(ROOT).with_suffix("").parts
        parents = [".".join(parts[:i]) for i in range(1, len(parts))]  # __init__ of packages
        for mod in [*_imports(path), *parents]:
            f = _module_file(mod)
            if f is not None and f not in seen:
                todo.append(f)
    data = {p for f in seen for p in _data_files(f.parent)}
    return tuple(sorted(seen | data))


def code_version(module: str, *extra: Path) -> str:
    """The code version of an asset defined in ``module``: 16 hex digits of the sha256 of
    the files of :func:`module_closure` and ``extra`` (paths; a missing one counts as
    absent). Raises ValueError for a module outside the project."""
    digest = hashlib.sha256()
    for path in (*module_closure(module), *sorted(Path(p).resolve() for p in extra)):
        digest.update(_file_digest(path))
    return digest.hexdigest()[:16]


@lru_cache(maxsize=None)
def _file_digest(path: Path) -> bytes:
    """sha256 of a file's path (relative to the project) and bytes (absent: a marker)."""
    body = path.read_bytes() if path.is_file() else b"<absent>"
    return hashlib.sha256(str(path.relative_to(ROOT)).encode() + b"\0" + body).digest()
