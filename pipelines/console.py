"""What ``ai-numbers`` prints: the per-source lines, the claims and the failed checks.

Pure rendering from the published tables (pandas DataFrames) to ``rich`` text; the
commands are in :mod:`pipelines.cli`. Colours only on a terminal (``rich`` turns them off
when the output is piped).
"""
from __future__ import annotations

import re

import pandas as pd
from rich.console import Console
from rich.text import Text

from pipelines.freshness import stale_mask, stale_sources, stale_text
from pipelines.ratelimit import usage_lines

#: Verdict -> style on a terminal.
VERDICT_STYLE = {"supported": "green", "partly_supported": "yellow", "contradicted": "red",
                 "disputed": "magenta", "unverifiable": "dim"}
#: The arena source: one line "N versions, M new" instead of one per CSV.
ARENA_SOURCE = "lmarena_history"


def make_console(stderr: bool = False) -> Console:
    """A console that crops long lines on a terminal and never wraps them when piped."""
    probe = Console(stderr=stderr)
    return Console(stderr=stderr, highlight=False, soft_wrap=not probe.is_terminal)


def emit(console: Console, line) -> None:
    """Print ``line`` (str or Text) on one line: cropped with an ellipsis on a terminal,
    whole when piped (a log keeps everything)."""
    if console.is_terminal:
        console.print(line, no_wrap=True, overflow="ellipsis", markup=False)
    else:
        console.print(line, soft_wrap=True, markup=False)


def one_line(text: object, limit: int = 140) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    s = " ".join(str(text).split()) if text is not None and not pd.isna(text) else ""
    return s if len(s) <= limit else s[: limit - 1] + "…"


def source_lines(status: pd.DataFrame, versions: dict[str, int] | None = None,
                 new_versions: int | None = None) -> list[Text]:
    """One line per source of ``status`` (``source_status`` columns): its request counts by
    outcome, the arena as "N versions, M new", the first failure's cause in one line."""
    lines = []
    for source_id, rows in status.groupby("source_id", sort=True):
        counts = rows["status"].value_counts()
        outcome = ", ".join(f"{n} {st}" for st, n in counts.items())
        line = Text(f"  {source_id:<20} ")
        if source_id == ARENA_SOURCE:
            n = (versions or {}).get("arena_scores", len(rows) - 1)
            line.append(f"{n} versions" + (f", {new_versions} new" if new_versions is not None
                                           else "") + f" ({outcome})")
        else:
            line.append(outcome)
        failed = rows[rows["status"] == "failed"]
        if not failed.empty:
            line.append(f"  failed: {first_cause(failed['error'])}", style="red")
        deferred = rows[rows["status"] == "deferred"]
        if not deferred.empty:
            line.append(f"  {deferred_text(deferred['error'])}", style="yellow")
        if rows["sha256"].isna().all():
            line.append("  no local snapshot: reference figures used", style="yellow")
        elif _has_age(rows) and stale_mask(rows).any():
            line.append("  stale: " + stale_text(stale_sources(rows).iloc[0]).split(": ", 1)[1],
                        style="yellow")
        lines.append(line)
    return lines


def _has_age(status: pd.DataFrame) -> bool:
    """Whether ``status`` has the freshness columns (a table published before them has
    not)."""
    return {"age_days", "cadence_days"} <= set(status.columns)


def stale_lines(status: pd.DataFrame | None) -> list[Text]:
    """"Stale sources (N):" and one line per source of ``status`` (``source_status``)
    whose newest version is older than its cadence (:mod:`pipelines.freshness`); nothing
    when none is."""
    if status is None or status.empty or not _has_age(status):
        return []
    stale = stale_sources(status)
    if stale.empty:
        return []
    return [Text(f"Stale sources ({len(stale)}):", style="yellow")] + [
        Text(f"  {stale_text(row)}", style="yellow") for row in stale.itertuples()]


def http_lines(usage: dict[str, dict] | None) -> list[Text]:
    """"Requests:" and one line per upstream host of a run's HTTP usage
    (:func:`pipelines.ratelimit.usage_lines`); nothing when no request was made."""
    if not usage:
        return []
    return [Text("Requests:")] + [Text(f"  {line}") for line in usage_lines(usage)]


_RESETS_AT = re.compile(r"resets at (\S+?)[;,]?(?:\s|$)")


def deferred_text(errors: pd.Series) -> str:
    """``N deferred: rate limit, resets at <time>; asked again by the next run`` for the
    errors of a source's ``deferred`` rows (the latest reset named)."""
    resets = sorted({m.group(1) for e in errors.dropna() for m in _RESETS_AT.finditer(e)})
    when = f", resets at {resets[-1]}" if resets else ""
    return f"{len(errors)} deferred: rate limit{when}; asked again by the next run"


def first_cause(errors: pd.Series, limit: int = 90) -> str:
    """The first error of ``errors`` that is a cause (not "not asked again" after an
    earlier one), on one line."""
    texts = [e for e in errors.dropna() if e]
    causes = [e for e in texts if "not asked again" not in e] or texts
    return one_line(causes[0], limit) if causes else "no error recorded"


def stale_rows(status: pd.DataFrame) -> pd.Series:
    """Boolean Series: rows of ``source_status`` with no snapshot in use, or of a source
    whose newest version is older than its cadence (:func:`pipelines.freshness.stale_mask`)."""
    missing = status["sha256"].isna()
    return missing | stale_mask(status) if _has_age(status) else missing


def claim_lines(claims: pd.DataFrame) -> list[Text]:
    """One line per claim of ``article_claims``: verdict (coloured), claim text, reason."""
    width = max((len(v) for v in claims["verdict"]), default=0)
    lines = []
    for row in claims.itertuples():
        line = Text("  ")
        line.append(f"{row.verdict:<{width}}", style=VERDICT_STYLE.get(row.verdict, ""))
        line.append(f"  {one_line(row.claim, 70)}")
        line.append(f": {one_line(row.explanation, 110)}", style="dim")
        lines.append(line)
    return lines


def check_lines(failed) -> list[Text]:
    """The failed checks (:class:`pipelines.runner.FailedCheck`), grouped by check name and
    severity: "N failed checks" then one line per group naming every asset."""
    if not failed:
        return [Text("No check failed.", style="green")]
    groups: dict[tuple[str, str], list[str]] = {}
    for c in failed:
        groups.setdefault((c.severity, c.check), []).append(c.asset)
    n_err = sum(c.severity == "ERROR" for c in failed)
    lines = [Text(f"{len(failed)} failed check(s) ({n_err} ERROR, {len(failed) - n_err} WARN):",
                  style="red" if n_err else "yellow")]
    for (severity, check), assets in sorted(groups.items()):
        line = Text("  ")
        line.append(f"{severity:<5}", style="red" if severity == "ERROR" else "yellow")
        line.append(f" {check} on {', '.join(assets)}")
        lines.append(line)
    return lines
