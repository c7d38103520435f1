"""Registries: the article's models (``models.yaml``) and upstream sources (``sources.yaml``).

Each entry is loaded into a typed, frozen record (:class:`Model`,
:class:`pipelines.fetching.Source`); an unknown or missing key is a :class:`RegistryError`
naming the file and the entry, so a typo in a YAML file fails loudly instead of being
ignored. ``benchmarks.yaml`` (benchmark identity) is read by ``assets/models/benchmarks.py``.
"""
from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

from pipelines.fetching import Source
from pipelines.yamlfile import load_yaml

HERE = Path(__file__).parent


class RegistryError(ValueError):
    """A registry file is malformed: an unknown or missing key, a duplicate id, or an alias
    claimed by two models of the same variant."""


@dataclasses.dataclass(frozen=True)
class Model:
    """One model of ``models.yaml``: ``country`` is ISO 3166-1 alpha-3, ``variant`` ``base`` or
    ``instruct``, ``hf_repo`` the Hub repo id (None when the model has none), ``aliases`` the
    names as printed by sources."""

    id: str
    name: str
    organization: str
    country: str
    open_weights: bool
    variant: str = "instruct"
    hf_repo: str | None = None
    aliases: tuple[str, ...] = ()


def _record(cls, entry: dict, file: str):
    """``cls(**entry)``, or a RegistryError naming the file, the entry and the bad keys."""
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(entry) - fields)
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING}
    missing = sorted(required - set(entry))
    if unknown or missing:
        raise RegistryError(f"{file}: entry {entry.get('id')!r}: unknown key(s) {unknown}, "
                            f"missing key(s) {missing}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
    return cls(**values)


def _load(file: str, key: str, cls) -> dict:
    doc = load_yaml(HERE / file)
    out: dict = {}
    for entry in doc[key]:
        record = _record(cls, entry, file)
        if record.id in out:
            raise RegistryError(f"{file}: duplicate id {record.id!r}")
        out[record.id] = record
    return out


def normalize_name(name: str) -> str:
    """Fold case, whitespace and the separators ``- _ .`` so that aliases match names as
    printed by different sources (``Llama3.1 405B-Inst.`` -> ``llama31405binst``)."""
    return re.sub(r"[\s\-_.]+", "", str(name)).lower()


@cache
def load_models() -> dict[str, Model]:
    """Every model of ``models.yaml`` by id (see :class:`Model`).

    The same printed name may belong to a base and an instruct model (``LLaMA3.1 405B`` is
    the base model in a base-model table and the instruct model in a chat table): such an
    alias is resolved by the variant of the table it is read from.

    Raises:
        RegistryError: duplicate id, or one normalised alias claimed by two models of the
        same variant.
    """
    models = _load("models.yaml", "models", Model)
    _alias_index(models)
    return models


def _alias_index(models: dict[str, Model]) -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for mid, m in models.items():
        variant = m.variant
        for alias in [mid, m.name, *m.aliases]:
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
def load_sources() -> dict[str, Source]:
    """Every upstream source of ``sources.yaml`` by id (see :class:`pipelines.fetching.Source`).

    ``cadence_days`` is required of every source (a positive number of days, or null for a
    file pinned to a commit), so no source is added without saying how fresh it should be.

    Raises:
        RegistryError: an unknown or missing key, a duplicate id, or a missing or
        non-positive ``cadence_days``.
    """
    sources = _load("sources.yaml", "sources", Source)
    for entry in load_yaml(HERE / "sources.yaml")["sources"]:
        check_cadence(entry, "sources.yaml")
    return sources


def check_cadence(entry: dict, file: str) -> None:
    """Raise a RegistryError unless ``entry`` has ``cadence_days``: null or a positive
    number (days)."""
    if "cadence_days" not in entry:
        raise RegistryError(f"{file}: entry {entry.get('id')!r}: missing key 'cadence_days' "
                            "(days between upstream versions; null for a pinned file)")
    value = entry["cadence_days"]
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or value <= 0):
        raise RegistryError(f"{file}: entry {entry.get('id')!r}: cadence_days {value!r} is "
                            "not a positive number of days (or null)")
