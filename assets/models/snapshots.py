"""How the models family's snapshots are collected: each model card (one file, which must
hold a benchmark table) and the Hub's model info (one request per open model of the
registry, each answer checked by its parser)."""
from __future__ import annotations

from assets.models.cards import ModelCardError, read_card
from assets.models.hub import hub_repo_id, hub_streams, parse_hf_model_info
from pipelines.fetching import Fetcher, Source, fetch_streams, one_file


def collect_card(source: Source):
    """The collector of a card source's snapshot asset: the card must parse and hold a
    benchmark table."""
    def check(body: bytes, url: str) -> None:
        cells = read_card(body, url, source.id)
        if cells.empty:
            raise ModelCardError(f"{url}: no benchmark table found")
    return one_file(source, check)


def collect_hub(source: Source, fetcher: Fetcher):
    """Fetch or look up the Hub model info of every open model of the registry."""
    return fetch_streams(fetcher, source, hub_streams(source),
                         lambda stream, url: lambda body: parse_hf_model_info(
                             body, hub_repo_id(stream), url))
