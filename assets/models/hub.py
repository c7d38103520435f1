"""The Hugging Face Hub model-info source: one request per open model of the registry.

Streams are named ``hf_model_info/<owner>__<repo>`` (a Hub repo id has a ``/``, which a
stream name keeps only as the separator of source and sub key).
"""
from __future__ import annotations

from assets.registry import load_models
from pipelines.fetching import Source


def hub_streams(source: Source) -> list[tuple[str, str]]:
    """``(stream, url)`` of every model of ``models.yaml`` with open weights and a Hub repo,
    ``source.url`` formatted with its ``repo_id``."""
    return [(f"{source.id}/{m.hf_repo.replace('/', '__')}", source.url.format(repo_id=m.hf_repo))
            for m in load_models().values() if m.hf_repo and m.open_weights]


def hub_repo_id(stream: str) -> str:
    """The Hub repo id of an ``hf_model_info/<owner>__<repo>`` stream (see
    :func:`hub_streams`)."""
    return stream.split("/", 1)[1].replace("__", "/")
