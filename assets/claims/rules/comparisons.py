"""Rules of the article's model-comparison claims (``v3_beats_llama31``,
``v3_comparable_claude35``, ``qwen_matches_western``), weighed by the evidence hierarchy of
``claims.yaml`` (:mod:`assets.claims.rules.weighing`).

Each rule reads every evaluator apart: the independent ones (LMArena as of the article's
date, LiveBench global averages of the last release on or before it) and the model makers'
own tables (the parsed card and blog tables, ``benchmark_results``, else the reference
``benchmark_figures``), one :class:`~assets.claims.rules.weighing.Reading` per evaluator.
Every evidence row names its evaluator and whether it is independent.
"""
from __future__ import annotations

from assets.claims.engine import ClaimSpec, EvidenceRow, RuleResult, Tables, rule, unverifiable
from assets.claims.evidence import article_date, plural
from assets.claims.rules.benchmarks import (
    Comparison,
    basis_text,
    benchmark_cells,
    compare_models,
    gap_text,
    pair_evidence,
)
from assets.claims.rules.leaderboards import (
    arena_evidence,
    arena_history,
    arena_standing,
    livebench_evidence,
    livebench_global,
)
from assets.claims.rules.weighing import (
    Reading,
    claim_verdict,
    counted,
    is_independent,
    livebench_points,
    standing_from_gap,
    weigh,
)

_RANK = ("supported", "partly_supported", "disputed", "contradicted")


def independent_readings(tables: Tables, model: str, other: str, kind: str
                         ) -> tuple[list[Reading], list[EvidenceRow]]:
    """The LMArena and LiveBench readings of ``model`` against ``other`` for a claim of
    ``kind`` (``comparable``/``beats``), as they stood on the article's date, with their
    evidence rows (``independent=True``); empty where an evaluator lacks either model."""
    readings, rows = [], []
    arena, abasis = arena_history(tables)
    standing = arena_standing(arena, model, other)
    if standing:
        text, arows = arena_evidence(arena, abasis, model, other)
        rows += arows
        text = f"LMArena {text.removeprefix('Arena ').rstrip('.')}"
        if not text.endswith(f"{model} {standing}"):   # "X ahead" says it already
            text += f": {model} {standing}"
        readings.append(Reading("LMArena", True, claim_verdict(kind, standing), text,
                                observed(arows)))
    lb, lbasis = livebench_global(tables)
    score = {r["model_id"]: r for r in lb.to_dict("records")}
    if model in score and other in score:
        a, b = float(score[model]["score"]), float(score[other]["score"])
        standing = standing_from_gap(a - b, livebench_points())
        lrows = livebench_evidence(lb, lbasis, [model, other])[1]
        rows += lrows
        readings.append(Reading(
            "LiveBench", True, claim_verdict(kind, standing),
            f"LiveBench global average {a:.2f} vs {b:.2f} (release "
            f"{score[model]['release']}, {lbasis}; within {livebench_points():g} points is "
            f"comparable): "
            f"{model} {standing}", observed(lrows)))
    return readings, rows


def observed(rows: list[EvidenceRow]):
    """The latest ``observed_on`` of evidence ``rows`` (None when none is dated): a reading
    is as late as its latest figure."""
    days = [r.observed_on for r in rows if r.observed_on is not None]
    return max(days) if days else None


def by_evaluator(comp: Comparison) -> dict[str, Comparison]:
    """``comp`` split by the evaluator of each table (model makers and any other)."""
    return {str(e): Comparison(comp.model, comp.other, group.reset_index(drop=True))
            for e, group in comp.pairs.groupby("evaluator", sort=False)}


def _record(comp: Comparison) -> str:
    return (f"{plural(comp.wins, 'win')}, {plural(comp.losses, 'loss', 'losses')}, "
            f"{plural(comp.ties, 'tie')} on {comp.n} benchmarks, mean gap "
            f"{gap_text(comp.mean_gap)}")


def _setup(spec: ClaimSpec, tables: Tables):
    cells, basis = benchmark_cells(tables)
    return cells, basis, spec.param("comparison") or {}, float(spec.param("tie_margin", 0.5))


def _too_late(spec: ClaimSpec, weighing: str, evidence: list[EvidenceRow]) -> RuleResult:
    """``unverifiable`` when every reading was observed after the article's date; the rows
    are still listed."""
    result = unverifiable(spec, "evidence observed on or before the article's date", weighing)
    result.evidence = evidence
    return result


def _result(verdict, expl, value, unit, evidence) -> RuleResult:
    return RuleResult(verdict=verdict, explanation=expl, evidence_kind="primary_data",
                      evidence_value=value, evidence_unit=unit, evidence=evidence)


@rule("v3_beats_llama31")
def v3_beats_llama31(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Wins/losses/ties of DeepSeek-V3 vs Llama-3.1-405B-Instruct in each maker's tables,
    weighed with the arena and LiveBench (claims.yaml rule and evidence_hierarchy)."""
    cells, basis, cmp_spec, tie = _setup(spec, tables)
    model, other = cmp_spec.get("model", "deepseek-v3"), cmp_spec["against"][0]
    several = int(spec.param("several", 3))
    comp = compare_models(cells, model, other, tie)
    readings, rows = independent_readings(tables, model, other, "beats")
    if comp.n == 0 and not readings:
        return unverifiable(spec, f"a benchmark table or leaderboard with {model} and {other}")
    for evaluator, sub in by_evaluator(comp).items():
        w, l = sub.wins, sub.losses
        verdict = ("supported" if w >= several and w > l else
                   "partly_supported" if w >= several else "contradicted")
        readings.append(Reading(evaluator, is_independent(evaluator), verdict,
                                f"{evaluator}'s tables: {_record(sub)}"))
    verdict, weighing = weigh(readings, "beats")
    if verdict is None:
        return _too_late(spec, weighing, pair_evidence(comp, basis) + rows)
    expl = (f"On {comp.n} shared benchmarks of model makers' tables ({basis_text(basis)}; same "
            f"table, same evaluator, tie within {tie:g} points) {model} wins {comp.wins}, "
            f"loses {comp.losses}, ties {comp.ties} against {other}: {comp.per_table()}. "
            f"Rule: at least {several} wins and more wins than losses; on an independent "
            f"leaderboard, ahead. {weighing}")
    return _result(verdict, expl, float(comp.wins), "benchmarks won",
                   pair_evidence(comp, basis) + rows)


def maker_standing(comp: Comparison, max_gap: float) -> str:
    """Where ``comp.model`` stands in one maker's tables: ``comparable`` when the mean gap
    is within ``+-max_gap`` points and each side wins at least a third of the decided
    benchmarks; ``ahead`` when the gap is above ``+max_gap`` or, within it, the model wins
    more than two thirds; ``behind`` otherwise."""
    gap = comp.mean_gap or 0.0
    decided = comp.wins + comp.losses
    share_ok = decided == 0 or (comp.wins >= decided / 3 and comp.losses >= decided / 3)
    if abs(gap) <= max_gap and share_ok:
        return "comparable"
    if gap > max_gap or (abs(gap) <= max_gap and comp.wins > comp.losses):
        return "ahead"
    return "behind"


@rule("v3_comparable_claude35")
def v3_comparable_claude35(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """"Comparable" judged on the independent evaluations (arena, LiveBench) where they
    exist, the maker's tables beside them; holds when V3 is at least comparable."""
    cells, basis, cmp_spec, tie = _setup(spec, tables)
    model, other = cmp_spec.get("model", "deepseek-v3"), cmp_spec["against"][0]
    max_gap = float(spec.param("comparable_gap", 3.0))
    comp = compare_models(cells, model, other, tie)
    readings, rows = independent_readings(tables, model, other, "comparable")
    if comp.n == 0 and not readings:
        return unverifiable(spec, f"a benchmark table or leaderboard with {model} and {other}")
    for evaluator, sub in by_evaluator(comp).items():
        standing = maker_standing(sub, max_gap)
        readings.append(Reading(evaluator, is_independent(evaluator),
                                claim_verdict("comparable", standing),
                                f"{evaluator}'s own tables: {_record(sub)}: {model} {standing}"))
    verdict, weighing = weigh(readings, "comparable")
    if verdict is None:
        return _too_late(spec, weighing, pair_evidence(comp, basis) + rows)
    readings = counted(readings)[0]
    ahead = [r.evaluator for r in readings
             if r.independent and r.text.endswith(f"{model} ahead")]
    expl = weighing
    if ahead and verdict == "supported":
        expl += (f" {model} is ahead on {', '.join(ahead)} (independent): the claim "
                 f"understates in its own direction, so 'comparable' holds.")
    expl += (f" Model makers' tables ({basis_text(basis)}; comparable when the mean gap is "
             f"within +-{max_gap:g} points and each side wins a third): {comp.per_table()}.")
    independent = [r for r in readings if r.independent]
    value = float(sum(r.verdict == "supported" for r in independent)) if independent else None
    return _result(verdict, expl, value, "independent evaluations showing at least comparable",
                   pair_evidence(comp, basis) + rows)


def _maker_match(sub: Comparison) -> str:
    """Standing of one maker's tables for "matches or beats": ``ahead`` when the Qwen
    model wins a majority, ``comparable`` when it wins or ties a majority, else behind."""
    if sub.wins > sub.n / 2:
        return "ahead"
    return "comparable" if sub.wins + sub.ties > sub.n / 2 else "behind"


def _qwen_pair(tables, cells, basis, q, o, tie):
    comp = compare_models(cells, q, o, tie)
    readings, rows = independent_readings(tables, q, o, "comparable")
    for evaluator, sub in by_evaluator(comp).items():
        standing = _maker_match(sub)
        readings.append(Reading(evaluator, is_independent(evaluator),
                                claim_verdict("comparable", standing),
                                f"{evaluator}'s tables: matches or beats on "
                                f"{sub.wins + sub.ties} of {sub.n}: {q} {standing}"))
    verdict, weighing = weigh(readings, "comparable")
    return verdict, weighing, pair_evidence(comp, basis) + rows


@rule("qwen_matches_western")
def qwen_matches_western(spec: ClaimSpec, tables: Tables) -> RuleResult:
    """Qwen2.5-72B-Instruct and Qwen2.5-Max, apart, vs Llama 3.1 405B and Claude 3.5 Sonnet,
    each pair judged on the independent evaluations where they exist (claims.yaml)."""
    cells, basis, cmp_spec, tie = _setup(spec, tables)
    qwens = [cmp_spec.get("model", "qwen2.5-72b-instruct"), *cmp_spec.get("also", [])]
    against = list(cmp_spec.get("against", []))
    evidence: list[EvidenceRow] = []
    parts, per_qwen, matched = [], {}, {}
    for q in qwens:
        verdicts = []
        for o in against:
            verdict, weighing, rows = _qwen_pair(tables, cells, basis, q, o, tie)
            evidence += [r for r in rows if (r.table, r.key) not in
                         {(e.table, e.key) for e in evidence}]
            if verdict is None:
                parts.append(f"{q} vs {o}: no shared benchmark or leaderboard counted. "
                             f"{weighing}" if weighing else
                             f"{q} vs {o}: no shared benchmark or leaderboard.")
                continue
            verdicts.append(verdict)
            parts.append(f"{q} vs {o}: {verdict.replace('_', ' ')}. {weighing}")
        matched[q] = verdicts.count("supported")
        if verdicts:
            per_qwen[q] = ("supported" if matched[q] == len(against) else
                           "contradicted" if set(verdicts) == {"contradicted"} else
                           "disputed" if set(verdicts) == {"disputed"} else "partly_supported")
    if not per_qwen:
        return unverifiable(spec, "a benchmark table or leaderboard with a Qwen model and a "
                            "comparator")
    best = min(per_qwen, key=lambda q: (_RANK.index(per_qwen[q]), -matched[q]))
    expl = (" ".join(parts) + f" Best: {best} ({per_qwen[best].replace('_', ' ')}, "
            f"{matched[best]} of {len(against)} comparators matched). Leaderboards as they "
            f"stood on {article_date()}.")
    return _result(per_qwen[best], expl, float(matched[best]), "comparators matched",
                   evidence)

