"""Card and table text with HTML, ``<script>`` or a ``javascript:`` URL in the claims
report (issue #12): the template is autoescaped, and a source URL is a link only when it is
http(s). The report is built from the offline claims with hostile text put into every field
the page shows, then read back with lxml."""
from __future__ import annotations

import lxml.html
import pytest

from assets.claims.engine import check_claims
from assets.claims.report import ReportInputs, build_report
from assets.claims.rules import RULES
from assets.reference import load_reference

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
JS_URL = "javascript:alert(3)"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """report.html of the offline claims (bundled reference figures) where a model name in
    the evidence, a claim's text and explanation, a publisher and a source's URL are
    hostile."""
    tables = {n: load_reference(n) for n in ("patent_figures", "model_facts",
                                             "benchmark_figures")}
    claims, evidence = check_claims(tables, RULES)
    claims = claims.copy()
    evidence = evidence.copy()
    claims.loc[claims.index[0], "claim"] = f"Claim {SCRIPT}"
    claims.loc[claims.index[0], "explanation"] = f"Because {IMG}"
    first = claims["claim_id"].iloc[0]
    rows = evidence.index[evidence["claim_id"] == first]
    assert len(rows), "the first claim has evidence rows"
    evidence.loc[rows[0], "key"] = f"model {SCRIPT}"
    evidence.loc[rows[0], "publisher"] = f"Publisher {IMG}"
    facts = tables["model_facts"].copy()
    facts["url"] = JS_URL  # every reference figure's source URL
    out = tmp_path_factory.mktemp("report")
    written = build_report(claims, evidence, out, ReportInputs(
        patent_figures=tables["patent_figures"], model_facts=facts))
    html = written["html"].read_text(encoding="utf-8")
    return html, lxml.html.fromstring(html), first


def test_no_script_or_event_handler_reaches_the_page(hostile_report):
    html, root, _ = hostile_report
    assert not root.findall(".//script")
    assert SCRIPT not in html and "<img src=x" not in html
    handlers = [(el.tag, a) for el in root.iter() if isinstance(el.tag, str)
                for a in el.attrib if a.lower().startswith("on")]
    assert handlers == []


def test_the_hostile_text_is_shown_as_text(hostile_report):
    _, root, first = hostile_report
    section = root.get_element_by_id(first)
    assert section.find("h2").text_content() == f"Claim {SCRIPT}"
    assert f"Because {IMG}" in section.find_class("reason")[0].text_content()
    assert f"model {SCRIPT}" in section.text_content()
    assert f"Publisher {IMG}" in section.text_content()


def test_a_javascript_url_is_never_a_link(hostile_report):
    _, root, _ = hostile_report
    hrefs = [a.get("href") for a in root.iter("a")]
    assert hrefs
    assert not [h for h in hrefs if h.split(":", 1)[0].lower() not in ("http", "https")
                and not h.startswith("#") and ":" in h]
