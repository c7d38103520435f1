"""The evidence hierarchy (claims.yaml ``evidence_hierarchy``) and how
:func:`assets.claims.rules.weighing.weigh` combines independent and maker readings."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from assets.claims.engine import CLAIMS_FILE, article, later_than_article
from assets.claims.rules.weighing import (
    Reading,
    claim_verdict,
    independent_evaluators,
    is_independent,
    livebench_points,
    standing_from_gap,
    weigh,
)
from pipelines.yamlfile import load_yaml


def test_hierarchy_is_read_from_claims_yaml():
    block = load_yaml(CLAIMS_FILE)["evidence_hierarchy"]
    assert set(independent_evaluators()) == {e["evaluator"] for e in block["independent"]}
    assert set(independent_evaluators()) == {"LMArena", "LiveBench"}
    assert is_independent("LiveBench") and not is_independent("DeepSeek")
    assert not is_independent(None)
    (lb,) = [e for e in block["independent"] if e["evaluator"] == "LiveBench"]
    assert livebench_points() == float(lb["comparable_points"])


@pytest.mark.parametrize("kind, standing, verdict", [
    ("comparable", "ahead", "supported"),        # understates in its own direction
    ("comparable", "comparable", "supported"),
    ("comparable", "behind", "contradicted"),    # overstates beyond its precision
    ("beats", "ahead", "supported"),
    ("beats", "comparable", "partly_supported"),
    ("beats", "behind", "contradicted"),
])
def test_direction_aware_precision(kind, standing, verdict):
    assert claim_verdict(kind, standing) == verdict


def test_standing_from_gap():
    assert [standing_from_gap(g, 3.0) for g in (3.5, 3.0, -3.0, -3.01)] == [
        "ahead", "comparable", "comparable", "behind"]
    with pytest.raises(ValueError):
        claim_verdict("rivals", "ahead")


def ind(verdict, name="LMArena"):
    return Reading(name, True, verdict, f"{name} says {verdict}")


def maker(verdict, name="DeepSeek"):
    return Reading(name, False, verdict, f"{name} says {verdict}")


def test_maker_tables_alone_are_at_most_partly():
    verdict, text = weigh([maker("supported")], "beats")
    assert verdict == "partly_supported" and "rests only on" in text
    assert weigh([maker("contradicted")], "comparable")[0] == "contradicted"
    assert weigh([], "beats") == (None, "")


def test_independents_contradicting_in_part_give_partly():
    verdict, _ = weigh([ind("supported"), ind("contradicted", "LiveBench"),
                        maker("supported")], "comparable")
    assert verdict == "partly_supported"


def test_disagreement_names_both_kinds():
    # a comparability claim is judged on the independent evaluations
    verdict, text = weigh([ind("contradicted"), maker("supported")], "comparable")
    assert verdict == "contradicted"
    assert "LMArena says contradicted" in text and "DeepSeek says supported" in text
    # another claim that turns entirely on the disagreement is disputed
    verdict, text = weigh([ind("contradicted"), maker("supported")], "beats")
    assert verdict == "disputed" and "turns entirely" in text
    assert weigh([ind("supported"), maker("partly_supported")], "beats")[0] == \
        "partly_supported"
    # agreement: the common verdict
    verdict, text = weigh([ind("supported"), maker("supported")], "beats")
    assert verdict == "supported" and "agree" in text


def _as_of() -> date:
    return date.fromisoformat(str(article()["as_of"]))


def test_reading_observed_after_the_article_is_not_counted():
    # The independent reading that would decide alone is dated a day after claims.yaml
    # article.as_of: left out, so the maker's tables alone decide (at most partly).
    late = Reading("LiveBench", True, "supported", "LiveBench 62.29 vs 59.03",
                   observed_on=_as_of() + timedelta(days=1))
    maker = Reading("Alibaba", False, "supported", "Alibaba's own tables")
    verdict, text = weigh([late, maker], "comparable")
    assert verdict == "partly_supported"
    assert "rests only on model makers' own tables" in text
    assert (f"Not counted: LiveBench 62.29 vs 59.03 (read on {_as_of() + timedelta(days=1)}, "
            f"after the article's date ({_as_of()}); rows may have been added since)") in text
    # only late readings: no verdict, the reason given
    assert weigh([late], "comparable") == (None, text[text.index("Not counted"):])


def test_reading_observed_on_or_before_the_article_counts():
    for day in (_as_of(), _as_of() - timedelta(days=28), None):
        r = Reading("LMArena", True, "contradicted", "LMArena: behind", observed_on=day)
        verdict, text = weigh([r], "comparable")
        assert verdict == "contradicted" and "Not counted" not in text
        assert not later_than_article(day)
    assert later_than_article(_as_of() + timedelta(days=1))
