"""What the two leaderboard sources share: both are GitHub repositories read through the
GitHub REST API, and both key their versions by a ``YYYY-MM-DD`` date.

Pure functions, no Dagster and no HTTP (the caller passes a ``fetch`` function).

- Listing pagination: GitHub pages a listing with an RFC 8288 ``Link`` header
  (``rel="next"``, newest first for the commits listing); an empty page is past the end.
- Version dates: an arena version (the UTC date of its commit) and a LiveBench release (the
  date in its file names) are both ``YYYY-MM-DD`` strings, read by :func:`as_date`.
- :class:`LeaderboardError` is the base of every error the leaderboard parsers raise.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime


class LeaderboardError(ValueError):
    """Bad leaderboard input; the message names the source, version and what was wrong."""


class VersionListingError(LeaderboardError):
    """A page of a GitHub listing is not in the API's shape, or its pagination is broken."""


_LINK_RE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")


def next_page_url(link_header: str | None) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 ``Link`` header, or None.

    Handles several links in one header, quoted or bare ``rel`` values, several relation
    types in one ``rel`` (``rel="next last"``) and any case. None when the header is absent,
    empty or has no next link (the last page).
    """
    if not link_header:
        return None
    for match in _LINK_RE.finditer(link_header):
        target, params = match.group(1).strip(), match.group(2)
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() != "rel":
                continue
            rels = value.strip().strip('"').lower().split()
            if "next" in rels:
                return target
    return None


def iter_pages(fetch: Callable[[str], tuple[object, str | None]], first_url: str,
               max_pages: int = 500) -> Iterator[list]:
    """Yield the pages of a paginated GitHub listing, newest first.

    ``fetch(url)`` returns ``(decoded JSON body, Link header or None)``; the caller owns the
    HTTP (client, token, mirror). Follows ``rel="next"`` (:func:`next_page_url`) and stops on
    an empty page or when there is no next link; the empty page is not yielded.

    Raises:
        VersionListingError: a body is not a JSON array, a next link points back to a page
        already fetched, or more than ``max_pages`` pages.
    """
    url: str | None = first_url
    seen: set[str] = set()
    while url is not None:
        if url in seen:
            raise VersionListingError(f"listing pagination loops back to {url}")
        if len(seen) >= max_pages:
            raise VersionListingError(f"listing has more than {max_pages} pages ({first_url})")
        seen.add(url)
        body, link = fetch(url)
        if not isinstance(body, list):
            raise VersionListingError(
                f"listing page {url}: expected a JSON array, got {type(body).__name__}")
        if not body:
            return
        yield body
        url = next_page_url(link)


def as_date(value, what: str) -> date:
    """``value`` as a ``datetime.date``: a ``date`` as is, a ``datetime``'s date, or a
    ``YYYY-MM-DD`` string (an arena version, a LiveBench release, an ``as_of`` date).

    Raises:
        LeaderboardError: anything else; the message starts with ``what``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value), "%Y-%m-%d").date()
    except ValueError:
        raise LeaderboardError(f"{what} {value!r} is not a YYYY-MM-DD date") from None
