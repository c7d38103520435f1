"""Parse a freshly fetched body before it becomes a snapshot.

A body that arrives intact but cannot be used (a zip whose CSV lost a column, a card with
no benchmark table, a Hub answer that is an error object) must not become the newest
snapshot: it would block every later run, offline included. :func:`validator_for` gives,
per source, a function that runs the source's own parser on the body and raises (with the
parser's message, which names the file and the problem) when it cannot be used; the fetch
then rejects the body, keeps it aside and keeps the last good snapshot in use.

Arena CSVs are not checked here: an unknown layout fails its own partition, as it should
(the file at a pinned commit never changes, so the code has to learn the layout).
"""
from __future__ import annotations

from collections.abc import Callable


def validator_for(source_id: str, stream: str, url: str) -> Callable[[bytes], None] | None:
    """The check of one fetched body of ``source_id`` (None: no parser-level check)."""
    from assets import model_cards, patents

    if source_id == "eto_cat":
        return lambda body: patents.parse_cat_zip(body, url)
    if source_id == "cset_1790_patents":
        return lambda body: patents.read_patentdb(body, url)
    if source_id in model_cards.CARD_SOURCES:
        def card(body: bytes) -> None:
            cells = model_cards.parse_model_card(
                body.decode("utf-8"), model_cards.source_document_for(url), source_id=source_id)
            if cells.empty:
                raise model_cards.ModelCardError(f"{url}: no benchmark table found")
        return card
    if source_id == "hf_model_info":
        from assets.sources import hub_repo_id

        return lambda body: model_cards.parse_hf_model_info(body, hub_repo_id(stream), url)
    return None
