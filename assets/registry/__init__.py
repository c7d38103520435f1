"""Registries: the article's models (``models.yaml``) and upstream sources (``sources.yaml``)."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent


class RegistryError(ValueError):
    """A registry file is malformed: duplicate id, or an alias claimed by two models of the
    same variant."""


def normalize_name(name: str) -> str:
    """Fold case, whitespace and the separators ``- _ .`` so that aliases match names as
    printed by different sources (``Llama3.1 405B-Inst.`` -> ``llama31405binst``)."""
    return re.sub(r"[\s\-_.]+", "", str(name)).lower()


@cache
def load_models() -> dict[str, dict]:
    """Every model of ``models.yaml`` by id: ``name, organization, country`` (ISO 3166-1
    alpha-3), ``open_weights`` (bool), ``variant`` (base/instruct), ``hf_repo`` (or None),
    ``aliases`` (list of names as printed by sources).

    The same printed name may belong to a base and an instruct model (``LLaMA3.1 405B`` is
    the base model in a base-model table and the instruct model in a chat table): such an
    alias is resolved by the variant of the table it is read from.

    Raises:
        RegistryError: duplicate id, or one normalised alias claimed by two models of the
        same variant.
    """
    doc = yaml.safe_load((HERE / "models.yaml").read_text(encoding="utf-8"))
    models: dict[str, dict] = {}
    for m in doc["models"]:
        if m["id"] in models:
            raise RegistryError(f"models.yaml: duplicate model id {m['id']!r}")
        models[m["id"]] = m
    _alias_index(models)
    return models


def _alias_index(models: dict[str, dict]) -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for mid, m in models.items():
        variant = m.get("variant", "instruct")
        for alias in [mid, m["name"], *m.get("aliases", [])]:
            by_variant = index.setdefault(normalize_name(alias), {})
            if by_variant.setdefault(variant, mid) != mid:
                raise RegistryError(
                    f"models.yaml: alias {alias!r} is claimed by {by_variant[variant]!r} "
                    f"and {mid!r} (both {variant})"
                )
    return index


@cache
def alias_index() -> dict[str, dict[str, str]]:
    """Normalised alias -> {variant: model id}, for :func:`match_model`."""
    return _alias_index(load_models())


def match_model(name: str | None, variant: str | None = None) -> str | None:
    """The registry id for a model name as a source prints it, or None when unmatched.

    Exact match after :func:`normalize_name`, never a fuzzy guess. ``variant`` (``base`` or
    ``instruct``, the kind of table the name is read from) resolves a name that base and
    instruct models share; without it such a name stays unmatched.
    """
    if name is None:
        return None
    by_variant = alias_index().get(normalize_name(name))
    if not by_variant:
        return None
    if variant is not None:
        return by_variant.get(variant)
    return next(iter(by_variant.values())) if len(by_variant) == 1 else None


@cache
def load_sources() -> dict[str, dict]:
    """Every upstream source of ``sources.yaml`` by id (publisher, title, urls, license,
    citation, format, kind)."""
    doc = yaml.safe_load((HERE / "sources.yaml").read_text(encoding="utf-8"))
    out: dict[str, dict] = {}
    for s in doc["sources"]:
        if s["id"] in out:
            raise RegistryError(f"sources.yaml: duplicate source id {s['id']!r}")
        out[s["id"]] = s
    return out
