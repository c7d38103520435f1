"""assets/claims/engine.py: how the ``sources`` column names an evidence row's source."""
from assets.claims.engine import EvidenceRow, source_label


def row(document: str, publisher: str) -> EvidenceRow:
    return EvidenceRow(table="t", key="k", value=None, unit=None,
                       source_document=document, publisher=publisher)


def test_title_and_publisher():
    assert source_label(row("AI Index Report 2024", "Stanford HAI")) == \
        "AI Index Report 2024 (Stanford HAI)"


def test_url_or_repeated_publisher_gives_the_publisher_alone():
    assert source_label(row("https://example.org/a.csv", "LMArena")) == "LMArena"
    assert source_label(row("WIPO", "WIPO")) == "WIPO"
