"""The article's claims and the machinery that re-checks each one from published tables.

``assets/claims/claims.yaml`` holds what the article says (claimed value, unit, precision, and the
written rule for judgement words such as "beats" or "comparable"). Each claim id has exactly
one rule function, registered with :func:`rule` in a module of ``assets/claims/rules/``
(``patents``, ``models``, ``comparisons``, ...). A rule receives the claim spec and the
published tables and returns a :class:`RuleResult`; it never returns a typed-in verdict: the
verdict is computed from the evidence values.

:func:`check_claims` runs every rule and returns the ``article_claims`` and
``claim_evidence`` tables.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from assets.claims.tables import TABLES
from pipelines.yamlfile import load_yaml

CLAIMS_FILE = Path(__file__).with_name("claims.yaml")

#: Verdict vocabulary (claims.yaml ``verdicts``; from the article's claim list, CLAIMS.md).
VERDICTS = ("supported", "partly_supported", "contradicted", "disputed", "unverifiable")
#: Evidence kinds (primary data / primary text / secondary report, or none).
EVIDENCE_KINDS = ("primary_data", "primary_text", "secondary_report", "none")

@dataclass(frozen=True)
class ClaimSpec:
    """One claim of ``claims.yaml``; ``params`` keeps every other key (rule thresholds)."""

    id: str
    claim: str
    claimed_value: str
    claimed_unit: str
    claimed_low: float | None
    claimed_high: float | None
    precision: dict
    evidence: str
    rule_text: str | None
    params: dict

    def param(self, key: str, default: Any = None) -> Any:
        """A rule parameter of the claim (for example ``tie_margin``)."""
        return self.params.get(key, default)


@dataclass(frozen=True)
class EvidenceRow:
    """One row of evidence a rule used.

    ``table`` is a published table name, ``key`` a human-readable key of the row in it
    (for example ``China / 2023 / share_of_world_granted_AI_patents``), ``value`` and
    ``unit`` what that row says, ``source_document`` the document (or snapshot) it comes
    from, ``publisher`` who published it; ``value_text`` the value of a row that is not a
    number (a date as ``YYYY-MM-DD``, a license, a short text). ``evaluator`` (who measured
    a benchmark or leaderboard value) and ``independent`` (True for the independent
    evaluators of ``claims.yaml`` ``evidence_hierarchy``, False for a model maker's own
    evaluation) are set by the model-comparison rules, None elsewhere. ``observed_on``
    (``datetime.date``) is the day the value was read from its source (a leaderboard
    version, the table state of a reference figure), None when the source gives none; a
    row observed after the article's date (:func:`later_than_article`) is listed but is not
    evidence for the verdict.
    """

    table: str
    key: str
    value: float | None
    unit: str | None
    source_document: str
    publisher: str
    note: str | None = None
    value_text: str | None = None
    evaluator: str | None = None
    independent: bool | None = None
    observed_on: date | None = None


def later_than_article(day: date | None) -> bool:
    """Whether a figure observed on ``day`` was read after the article's date
    (``claims.yaml`` ``article.as_of``): such a figure is not evidence for a verdict, since
    rows may have been added to its source since (False when ``day`` is None)."""
    return day is not None and day > date.fromisoformat(str(article()["as_of"]))


def source_label(ev: EvidenceRow) -> str:
    """How the ``sources`` column names one evidence row's source: ``title (publisher)``, or
    the publisher alone when the document is the publisher or a bare URL."""
    doc, pub = ev.source_document, ev.publisher
    if not doc or doc == pub or doc.startswith(("http://", "https://")):
        return pub
    return f"{doc} ({pub})"


@dataclass
class RuleResult:
    """What a rule found: the verdict computed from the evidence, and the evidence.

    ``evidence_value`` is the headline number (in ``evidence_unit``); ``evidence_text``
    carries a non-numeric headline (a date, a license). ``explanation`` is one or two
    sentences a journalist can quote, naming the sources.
    """

    verdict: str
    explanation: str
    evidence_kind: str
    evidence_value: float | None = None
    evidence_unit: str | None = None
    evidence_text: str | None = None
    evidence: list[EvidenceRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r} not in {VERDICTS}")
        if self.evidence_kind not in EVIDENCE_KINDS:
            raise ValueError(f"evidence_kind {self.evidence_kind!r} not in {EVIDENCE_KINDS}")


Tables = Mapping[str, pd.DataFrame]
Rule = Callable[[ClaimSpec, Tables], RuleResult]
_RULES: dict[str, Rule] = {}


def rule(claim_id: str) -> Callable[[Rule], Rule]:
    """Register ``fn`` as the rule of ``claim_id`` (one rule per claim id).

    Raises:
        ValueError: if the claim id is not in ``claims.yaml`` or already has a rule.
    """

    def add(fn: Rule) -> Rule:
        if claim_id not in load_claims():
            raise ValueError(f"rule for unknown claim id {claim_id!r} ({fn.__module__})")
        if claim_id in _RULES and _RULES[claim_id] is not fn:
            raise ValueError(f"claim {claim_id!r} already has a rule")
        _RULES[claim_id] = fn
        return fn

    return add


def registered_rules() -> dict[str, Rule]:
    """Every rule registered so far by claim id (``assets.claims.rules`` imports them all
    and exposes them as ``RULES``)."""
    return dict(_RULES)


@cache
def article() -> dict:
    """The ``article`` block of ``claims.yaml`` (title, language, ``as_of`` date string)."""
    return load_yaml(CLAIMS_FILE)["article"]


@cache
def evidence_hierarchy() -> dict:
    """The ``evidence_hierarchy`` block of ``claims.yaml``: ``independent`` (a list of
    ``{evaluator, comparable_when, ...}``) and ``model_maker``.

    Raises:
        ValueError: when the block or its ``independent`` list is missing.
    """
    block = load_yaml(CLAIMS_FILE).get("evidence_hierarchy") or {}
    if not block.get("independent"):
        raise ValueError(f"{CLAIMS_FILE.name}: evidence_hierarchy.independent is missing")
    return block


@cache
def load_claims() -> dict[str, ClaimSpec]:
    """Every claim of ``claims.yaml`` by id, in file order.

    Raises:
        ValueError: on a duplicate id or a missing required key (names the claim).
    """
    doc = load_yaml(CLAIMS_FILE)
    known = {"id", "claim", "claimed_value", "claimed_unit", "claimed_low", "claimed_high",
             "precision", "evidence", "rule"}
    out: dict[str, ClaimSpec] = {}
    for raw in doc["claims"]:
        for key in ("id", "claim", "claimed_value", "claimed_unit", "evidence"):
            if key not in raw:
                raise ValueError(f"{CLAIMS_FILE.name}: claim {raw.get('id')!r} lacks {key!r}")
        if raw["id"] in out:
            raise ValueError(f"{CLAIMS_FILE.name}: duplicate claim id {raw['id']!r}")
        out[raw["id"]] = ClaimSpec(
            id=raw["id"],
            claim=" ".join(str(raw["claim"]).split()),
            claimed_value=str(raw["claimed_value"]),
            claimed_unit=str(raw["claimed_unit"]),
            claimed_low=_float_or_none(raw.get("claimed_low")),
            claimed_high=_float_or_none(raw.get("claimed_high")),
            precision=raw.get("precision") or {},
            evidence=" ".join(str(raw["evidence"]).split()),
            rule_text=" ".join(str(raw["rule"]).split()) if raw.get("rule") else None,
            params={k: v for k, v in raw.items() if k not in known},
        )
    return out


def _float_or_none(v: Any) -> float | None:
    return None if v is None else float(v)


# --- helpers shared by rules -------------------------------------------------------------

def within_precision(spec: ClaimSpec, value: float) -> bool:
    """Whether ``value`` agrees with the claim within the claim's own precision.

    ``range: [lo, hi]`` (widened by ``absolute`` if given), else ``relative`` (fraction of
    the claimed value) or ``absolute`` (same unit) around ``claimed_low..claimed_high``.

    Raises:
        ValueError: when the claim has no numeric claimed value or no precision.
    """
    p = spec.precision
    slack = float(p.get("absolute", 0.0))
    if "range" in p:
        lo, hi = (float(x) for x in p["range"])
        return lo - slack <= value <= hi + slack
    if spec.claimed_low is None or spec.claimed_high is None:
        raise ValueError(f"claim {spec.id!r} has no numeric claimed value")
    if "relative" in p:
        rel = float(p["relative"])
        return spec.claimed_low * (1 - rel) <= value <= spec.claimed_high * (1 + rel)
    if "absolute" in p:
        return spec.claimed_low - slack <= value <= spec.claimed_high + slack
    raise ValueError(f"claim {spec.id!r} has no numeric precision")


def within_window(spec: ClaimSpec, day: date) -> bool:
    """Whether ``day`` lies in the claim's ``window: [from, to]`` (inclusive ISO dates)."""
    lo, hi = (date.fromisoformat(str(x)) for x in spec.precision["window"])
    return lo <= day <= hi


def unverifiable(spec: ClaimSpec, missing: str, found: str = "") -> RuleResult:
    """The result when evidence a rule needs is not built yet or not published."""
    text = f"Cannot be checked yet: {missing} not available."
    if found:
        text += f" Found instead: {found}"
    return RuleResult(verdict="unverifiable", explanation=text, evidence_kind="none")


def check_claims(
    tables: Tables, rules: Mapping[str, Rule], now: datetime | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every claim's rule (``rules``: claim id -> rule, ``assets.claims.rules.RULES``)
    over ``tables`` (published table name -> DataFrame).

    Returns ``(article_claims, claim_evidence)`` with the columns of :data:`TABLES`. A claim
    without a rule, or whose rule raises, gets ``unverifiable`` with the reason; it never
    stops the other claims.
    """
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    registered = rules
    rows, ev_rows = [], []
    for spec in load_claims().values():
        error = False
        fn = registered.get(spec.id)
        if fn is None:
            result = unverifiable(spec, "a rule for this claim")
        else:
            try:
                result = fn(spec, tables)
            except Exception as exc:  # a broken rule must not hide the other claims
                error = True
                last = traceback.extract_tb(exc.__traceback__)[-1]
                result = RuleResult(
                    verdict="unverifiable",
                    explanation=(f"The rule failed: {type(exc).__name__}: {exc} "
                                 f"({Path(last.filename).name}:{last.lineno})"),
                    evidence_kind="none",
                )
        sources = []
        for i, ev in enumerate(result.evidence):
            ev_rows.append({
                "claim_id": spec.id, "seq": i, "table": ev.table, "key": ev.key,
                "value": ev.value, "unit": ev.unit, "source_document": ev.source_document,
                "publisher": ev.publisher, "note": ev.note, "value_text": ev.value_text,
                "evaluator": ev.evaluator, "independent": ev.independent,
                "observed_on": ev.observed_on,
                "later_than_article": later_than_article(ev.observed_on),
            })
            label = source_label(ev)
            if label not in sources:
                sources.append(label)
        rows.append({
            "claim_id": spec.id, "claim": spec.claim, "claimed_value": spec.claimed_value,
            "claimed_unit": spec.claimed_unit, "claimed_low": spec.claimed_low,
            "claimed_high": spec.claimed_high, "evidence_value": result.evidence_value,
            "evidence_unit": result.evidence_unit, "evidence_text": result.evidence_text,
            "verdict": result.verdict, "explanation": result.explanation,
            "evidence_kind": result.evidence_kind,
            "sources": "; ".join(sources) or None,
            "evidence_rows": len(result.evidence), "rule": spec.rule_text,
            "rule_error": error, "checked_at": now,
        })
    claims = pd.DataFrame(rows, columns=TABLES[0].column_names)
    evidence = pd.DataFrame(ev_rows, columns=TABLES[1].column_names)
    return claims, evidence
