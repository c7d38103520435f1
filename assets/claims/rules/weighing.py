"""The evidence hierarchy of ``claims.yaml`` (``evidence_hierarchy``), applied by every
model-comparison rule: independent evaluators (LMArena, LiveBench) before the evaluations a
model maker publishes itself (its card, its blog, its report).

A rule turns each evaluator's evidence into a :class:`Reading` (where the subject stands
against the comparator: ``ahead``, ``comparable`` or ``behind``, and the verdict that gives
the claim), then :func:`weigh` combines the independent and the maker readings:

- only maker readings: at most ``partly_supported``;
- independent readings that disagree among themselves: ``partly_supported``;
- a comparability claim ("comparable", "matches", "rivals"): the independent readings
  decide where they exist; a disagreeing maker reading is named in the explanation;
- any other claim: when one kind supports it and the other contradicts it (the claim turns
  entirely on the disagreement) ``disputed``; another disagreement ``partly_supported``.

A reading observed after the article's date (``observed_on`` later than ``article.as_of``,
:func:`assets.claims.engine.later_than_article`) is not weighed at all, whatever its
evaluator: :func:`weigh` names it in the explanation as not counted, and why.

Direction-aware precision (:func:`claim_verdict`): a comparability claim holds when the
subject is at least comparable (ahead is said, never held against it); a "beats" claim
holds only when the subject is ahead.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assets.claims.engine import article, evidence_hierarchy, later_than_article

#: Where the subject of a comparison stands against the comparator.
STANDINGS = ("ahead", "comparable", "behind")
#: Kinds of model-comparison claim: ``comparable`` ("comparable", "matches", "rivals"),
#: ``beats`` ("outperforms").
CLAIM_KINDS = ("comparable", "beats")
#: Verdict order from strongest to weakest (for :func:`at_most`).
_ORDER = ("supported", "partly_supported", "disputed", "contradicted", "unverifiable")


def independent_evaluators() -> dict[str, dict]:
    """The independent evaluators of ``claims.yaml`` by name (``LMArena``, ``LiveBench``),
    each with its ``comparable_when`` (and for LiveBench ``comparable_points``)."""
    return {e["evaluator"]: e for e in evidence_hierarchy()["independent"]}


def is_independent(evaluator: str | None) -> bool:
    """Whether ``evaluator`` is one of the independent evaluators of the hierarchy (any
    other evaluator of a benchmark table is a model maker)."""
    return evaluator in independent_evaluators()


def livebench_points() -> float:
    """The LiveBench margin (points of the 0-100 global average) within which two models
    are comparable (``claims.yaml`` ``evidence_hierarchy``)."""
    return float(independent_evaluators()["LiveBench"]["comparable_points"])


def standing_from_gap(gap: float, margin: float) -> str:
    """``ahead`` when ``gap`` (subject minus comparator) exceeds ``+margin``, ``behind``
    below ``-margin``, else ``comparable``."""
    if gap > margin:
        return "ahead"
    return "behind" if gap < -margin else "comparable"


def claim_verdict(kind: str, standing: str) -> str:
    """The verdict one evaluator's ``standing`` gives a claim of ``kind``.

    ``comparable``: ahead or comparable -> supported (the claim understates in its own
    direction), behind -> contradicted. ``beats``: ahead -> supported, comparable ->
    partly_supported (not shown to be better), behind -> contradicted.

    Raises:
        ValueError: an unknown kind or standing.
    """
    if kind not in CLAIM_KINDS or standing not in STANDINGS:
        raise ValueError(f"unknown claim kind {kind!r} or standing {standing!r}")
    if standing == "behind":
        return "contradicted"
    if kind == "comparable" or standing == "ahead":
        return "supported"
    return "partly_supported"


@dataclass(frozen=True)
class Reading:
    """What one evaluator's evidence says: ``evaluator`` (str), ``independent`` (bool),
    ``verdict`` (for the claim), ``text`` (a short phrase naming the evaluator and the
    figures, e.g. ``LiveBench 60.45 vs 59.03: comparable``), ``observed_on``
    (``datetime.date`` the figures were read from their source, None when not dated)."""

    evaluator: str
    independent: bool
    verdict: str
    text: str
    observed_on: date | None = None


def counted(readings: Iterable[Reading]) -> tuple[list[Reading], list[Reading]]:
    """``readings`` split into those that count and those observed after the article's date
    (:func:`assets.claims.engine.later_than_article`), which are not evidence."""
    readings = list(readings)
    late = [r for r in readings if later_than_article(r.observed_on)]
    return [r for r in readings if r not in late], late


def not_counted_text(late: Iterable[Reading]) -> str:
    """The sentence naming readings left out because they were observed after the article's
    date (empty when none)."""
    parts = [f"{r.text} (read on {r.observed_on}, after the article's date "
             f"({article()['as_of']}); rows may have been added since)" for r in late]
    return f" Not counted: {'; '.join(parts)}." if parts else ""


def combine(verdicts: Iterable[str]) -> str | None:
    """One verdict from several of the same kind: the common one when all agree, else
    ``partly_supported``; None when there is none."""
    found = set(verdicts)
    if not found:
        return None
    return found.pop() if len(found) == 1 else "partly_supported"


def at_most(verdict: str, cap: str) -> str:
    """``verdict`` but no stronger than ``cap`` (``supported`` > ``partly_supported`` >
    ``disputed`` > ``contradicted``)."""
    return verdict if _ORDER.index(verdict) >= _ORDER.index(cap) else cap


def weigh(readings: list[Reading], kind: str) -> tuple[str | None, str]:
    """The verdict of a model-comparison claim of ``kind`` from its ``readings``, and a
    sentence saying how the hierarchy decided it (names both kinds when they disagree, and
    any reading not counted because it was observed after the article's date).

    Returns ``(None, "")`` when there is no reading at all, ``(None, <why not counted>)``
    when every reading was observed after the article's date.
    """
    readings, late = counted(readings)
    verdict, text = _weigh_counted(readings, kind)
    return verdict, (text + not_counted_text(late)).strip()


def _weigh_counted(readings: list[Reading], kind: str) -> tuple[str | None, str]:
    ind = [r for r in readings if r.independent]
    maker = [r for r in readings if not r.independent]
    v_ind = combine(r.verdict for r in ind)
    v_maker = combine(r.verdict for r in maker)
    ind_text = "; ".join(r.text for r in ind)
    maker_text = "; ".join(r.text for r in maker)
    if v_ind is None and v_maker is None:
        return None, ""
    if v_ind is None:
        verdict = at_most(v_maker, "partly_supported")
        return verdict, (f"No independent evaluation (LMArena, LiveBench): it rests only on "
                         f"model makers' own tables ({maker_text}), so at most partly "
                         f"supported.")
    if v_maker is None or v_maker == v_ind:
        also = f" Model makers' tables agree ({maker_text})." if maker else ""
        return v_ind, f"Independent evaluations: {ind_text}.{also}"
    both = (f"Independent evaluations ({ind_text}) and model makers' own tables "
            f"({maker_text}) disagree")
    if kind == "comparable":
        return v_ind, f"{both}; a comparability claim is judged on the independent ones."
    if {v_ind, v_maker} == {"supported", "contradicted"}:
        return "disputed", f"{both}: the claim turns entirely on which is used."
    return "partly_supported", f"{both}: the claim holds only in part."
