"""Reading the project's YAML files (registry, claims, reference figures) safely.

:func:`load_yaml` uses the safe loader only (libyaml's ``CSafeLoader`` where PyYAML was
built with it, about five times faster, else ``SafeLoader``): a language-specific tag
(``!!python/object/apply:...``) is refused, never constructed; a malformed file raises
:class:`YamlFileError` naming the file, the line and the problem.
"""
from __future__ import annotations

from pathlib import Path

import yaml

#: The safe loader, in C where available (same documents, same refusals).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(ValueError):
    """A YAML file is malformed, uses a language-specific tag, or is not a mapping."""


def load_yaml(path: str | Path) -> dict:
    """The mapping at the top of the YAML file ``path`` (UTF-8), loaded safely.

    Raises:
        YamlFileError: not UTF-8, not YAML, a tag safe loading refuses, or a top level that
            is not a mapping (names the file and, where known, the line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlFileError(f"{path}: not UTF-8 ({exc})") from exc
    return load_yaml_text(text, str(path))


def load_yaml_text(text: str, where: str, first_line: int = 1) -> dict:
    """The mapping at the top of the YAML document ``text``, loaded safely (libyaml's safe
    loader where available, else ``yaml.SafeLoader``). ``where`` names the document in errors; ``first_line`` is the line of the
    enclosing file where ``text`` starts (a card's front matter starts at line 2).

    Raises:
        YamlFileError: not YAML, a tag safe loading refuses (``!!python/object`` ...), or a
            top level that is not a mapping (names ``where`` and, where known, the line).
    """
    try:
        doc = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 (SAFE_LOADER: safe loading)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + first_line}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlFileError(f"{where}{line}: not safe YAML: {problem}") from exc
    if not isinstance(doc, dict):
        raise YamlFileError(f"{where}: expected a mapping at the top, found "
                            f"{type(doc).__name__}")
    return doc
