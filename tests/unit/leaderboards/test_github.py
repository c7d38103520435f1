"""Tests of assets/leaderboards/github.py: the pagination of GitHub listings."""
from __future__ import annotations

import pytest

from assets.leaderboards import github

GH = "https://api.github.com/repositories/1/commits?path=csv%2Flmsys.csv&per_page=100"


@pytest.mark.parametrize("header, expected", [
    (f'<{GH}&page=2>; rel="next", <{GH}&page=5>; rel="last"', f"{GH}&page=2"),
    (f'<{GH}&page=1>; rel="prev", <{GH}&page=3>; rel="next"', f"{GH}&page=3"),
    (f'<{GH}&page=1>; rel="first", <{GH}&page=2>; rel="prev"', None),  # last page
    (f"<{GH}&page=4>; REL=Next", f"{GH}&page=4"),                     # bare, any case
    (f'<{GH}&page=6>; title="x"; rel="next last"', f"{GH}&page=6"),   # several rels
    ('<https://x.test/a?b=1,2>; rel="next"', "https://x.test/a?b=1,2"),  # comma in URL
    (None, None),
    ("", None),
])
def test_next_page_url(header, expected):
    assert github.next_page_url(header) == expected


def _fake_fetch(pages: dict):
    calls = []

    def fetch(url):
        calls.append(url)
        return pages[url]
    return fetch, calls


def test_iter_pages_follows_next_and_stops_on_empty_page():
    p1, p2, p3 = f"{GH}&page=1", f"{GH}&page=2", f"{GH}&page=3"
    fetch, calls = _fake_fetch({
        p1: ([{"sha": "1"}], f'<{p2}>; rel="next", <{p3}>; rel="last"'),
        p2: ([{"sha": "2"}], f'<{p3}>; rel="next", <{p1}>; rel="first"'),
        p3: ([], f'<{p1}>; rel="first"'),       # past the end: GitHub answers []
    })
    pages = list(github.iter_pages(fetch, p1))
    assert pages == [[{"sha": "1"}], [{"sha": "2"}]]
    assert calls == [p1, p2, p3]


def test_iter_pages_stops_without_next_link_and_refuses_loops_and_non_arrays():
    p1, p2 = f"{GH}&page=1", f"{GH}&page=2"
    fetch, calls = _fake_fetch({p1: ([{"sha": "1"}], None)})
    assert list(github.iter_pages(fetch, p1)) == [[{"sha": "1"}]] and calls == [p1]
    loop, _ = _fake_fetch({p1: ([1], f'<{p2}>; rel="next"'), p2: ([2], f'<{p1}>; rel="next"')})
    with pytest.raises(github.VersionListingError, match="loops"):
        list(github.iter_pages(loop, p1))
    bad, _ = _fake_fetch({p1: ({"message": "API rate limit exceeded"}, None)})
    with pytest.raises(github.VersionListingError, match="JSON array"):
        list(github.iter_pages(bad, p1))

