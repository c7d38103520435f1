"""The Hugging Face Hub model-info source: one request per open model of the registry, and
the parser of its answers.

Streams are named ``hf_model_info/<owner>__<repo>`` (a Hub repo id has a ``/``, which a
stream name keeps only as the separator of source and sub key). Each answer
(``GET https://huggingface.co/api/models/{repo_id}``) is one row of ``hf_model_info``
(:func:`parse_hf_model_info`, :func:`hf_model_info_frame`).
"""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from assets.models.tables import HF_COLUMNS
from assets.registry import load_models
from pipelines.fetching import Source

#: ``createdAt`` the Hub gives every repo made before it stored creation dates.
HF_PLACEHOLDER_CREATED_AT = "2022-03-02T23:29:04.000Z"


class HubInfoError(ValueError):
    """A Hugging Face model-info body is not the documented JSON shape (names the document)."""


def hub_streams(source: Source) -> list[tuple[str, str]]:
    """``(stream, url)`` of every model of ``models.yaml`` with open weights and a Hub repo,
    ``source.url`` formatted with its ``repo_id``."""
    return [(f"{source.id}/{m.hf_repo.replace('/', '__')}", source.url.format(repo_id=m.hf_repo))
            for m in load_models().values() if m.hf_repo and m.open_weights]


def hub_repo_id(stream: str) -> str:
    """The Hub repo id of an ``hf_model_info/<owner>__<repo>`` stream (see
    :func:`hub_streams`)."""
    return stream.split("/", 1)[1].replace("__", "/")


def _utc_ts(value: Any, field: str, where: str) -> pd.Timestamp | None:
    """``value`` as a UTC Timestamp (naive values taken as UTC); None when empty.

    Raises:
        HubInfoError: ``value`` is not a timestamp."""
    if value in (None, ""):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise HubInfoError(f"{where}: {field} {value!r} is not a timestamp") from exc
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _json_object(body: bytes, repo_id: str, where: str) -> dict:
    """The answer as a dict, checked to be about ``repo_id`` (case-insensitive).

    Raises:
        HubInfoError: not JSON, not an object, or about another repo."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HubInfoError(f"{where}: Hub model info is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise HubInfoError(f"{where}: Hub model info is {type(data).__name__}, not an object")
    got = data.get("id") or data.get("modelId")
    if not got or str(got).lower() != repo_id.lower():
        raise HubInfoError(f"{where}: Hub model info is for {got!r}, expected {repo_id!r}")
    return data


def _license(data: dict, where: str) -> str | None:
    """``cardData.license`` (a list joined with ``", "``), else the ``license:`` tag."""
    card = data.get("cardData") or {}
    if not isinstance(card, dict):
        raise HubInfoError(f"{where}: cardData is {type(card).__name__}, not an object")
    license_ = card.get("license")
    if isinstance(license_, list):
        license_ = ", ".join(str(x) for x in license_)
    if not license_:
        tags = data.get("tags") or []
        license_ = next((t.split(":", 1)[1] for t in tags
                         if isinstance(t, str) and t.startswith("license:")), None)
    return license_


def _gated(data: dict, where: str) -> str:
    """``gated`` as ``"false"``, ``"true"``, ``"auto"`` or ``"manual"``."""
    gated = data.get("gated", False)
    if gated is False or gated is None:
        return "false"
    if gated is True:
        return "true"
    if isinstance(gated, str) and gated in ("auto", "manual"):
        return gated
    raise HubInfoError(f"{where}: gated {gated!r} is not false, 'auto' or 'manual'")


def _counts(data: dict, where: str) -> tuple[int | None, int | None, int | None]:
    """``(downloads, likes, safetensors.total)``, each an int or None."""
    st = data.get("safetensors") or {}
    total = st.get("total") if isinstance(st, dict) else None
    for field in ("downloads", "likes"):
        if data.get(field) is not None and not isinstance(data[field], int):
            raise HubInfoError(f"{where}: {field} {data[field]!r} is not an integer")
    if total is not None and not isinstance(total, int):
        raise HubInfoError(f"{where}: safetensors.total {total!r} is not an integer")
    return data.get("downloads"), data.get("likes"), total


def parse_hf_model_info(body: bytes, repo_id: str, source_document: str) -> dict[str, Any]:
    """One row of ``hf_model_info`` from the body of ``GET /api/models/{repo_id}``.

    Returns a dict with :data:`HF_COLUMNS`: ``repo_id`` (as asked), ``model_id`` (registry id
    whose ``hf_repo`` is this repo, else None), ``created_at`` (UTC Timestamp; None when the
    Hub gives its placeholder :data:`HF_PLACEHOLDER_CREATED_AT`, flagged in
    ``created_at_is_placeholder``), ``last_modified`` (UTC Timestamp), ``sha`` (str),
    ``license`` (``cardData.license``, else the ``license:`` tag; ``other`` is kept),
    ``gated`` (str ``"false"``, ``"auto"`` or ``"manual"``), ``downloads``, ``likes`` (int),
    ``params_total`` (int, parameters, ``safetensors.total``; None when absent),
    ``source_document``.

    Raises:
        HubInfoError: body is not JSON, not an object, or its ``id`` is not ``repo_id``
            (case-insensitive), or a field has the wrong type.
    """
    where = source_document
    data = _json_object(body, repo_id, where)
    license_ = _license(data, where)
    gated = _gated(data, where)
    created_raw = data.get("createdAt")
    placeholder = created_raw == HF_PLACEHOLDER_CREATED_AT
    downloads, likes, total = _counts(data, where)
    by_repo = {(m.hf_repo or "").lower(): mid for mid, m in load_models().items()}
    return {
        "repo_id": repo_id,
        "model_id": by_repo.get(repo_id.lower()),
        "created_at": None if placeholder else _utc_ts(created_raw, "createdAt", where),
        "created_at_is_placeholder": placeholder,
        "last_modified": _utc_ts(data.get("lastModified"), "lastModified", where),
        "sha": data.get("sha"),
        "license": license_,
        "gated": gated,
        "downloads": downloads,
        "likes": likes,
        "params_total": total,
        "source_document": source_document,
    }


def hf_model_info_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """``hf_model_info`` as a DataFrame from rows of :func:`parse_hf_model_info` (may be []).

    Columns :data:`HF_COLUMNS`; ``downloads``, ``likes``, ``params_total`` Int64,
    ``created_at_is_placeholder`` bool, ``created_at`` and ``last_modified``
    ``datetime64[ns, UTC]``, the others object (str or None).
    """
    df = pd.DataFrame(rows, columns=HF_COLUMNS)
    for col in ("downloads", "likes", "params_total"):
        df[col] = df[col].astype("Int64")
    df["created_at_is_placeholder"] = df["created_at_is_placeholder"].astype("bool")
    for col in ("created_at", "last_modified"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df
