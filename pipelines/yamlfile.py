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
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506
    except UnicodeDecodeError as exc:
        raise YamlFileError(f"{path}: not UTF-8 ({exc})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlFileError(f"{path}{where}: not safe YAML: {problem}") from exc
    if not isinstance(doc, dict):
        raise YamlFileError(f"{path}: expected a mapping at the top, found "
                            f"{type(doc).__name__}")
    return doc
