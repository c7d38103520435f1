"""What ``ai-numbers`` prints: the per-source lines, the claims and the failed checks.

Pure rendering from the published tables (pandas DataFrames) to ``rich`` text; the
commands are in :mod:`pipelines.cli`. Colours only on a terminal (``rich`` turns them off
when the output is piped).
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
from rich.console import Console
from rich.text import Text

#: A snapshot older than this is flagged stale (the snapshot assets' freshness fail window).
STALE_AFTER = timedelta(hours=72)
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
        if rows["sha256"].isna().all():
            line.append("  no local snapshot: reference figures used", style="yellow")
        elif (stale := stale_rows(rows) & rows["sha256"].notna()).any():
            line.append(f"  stale: {int(stale.sum())} snapshot(s) older than "
                        f"{STALE_AFTER.total_seconds() / 3600:.0f} h", style="yellow")
        lines.append(line)
    return lines


def first_cause(errors: pd.Series, limit: int = 90) -> str:
    """The first error of ``errors`` that is a cause (not "not asked again" after an
    earlier one), on one line."""
    texts = [e for e in errors.dropna() if e]
    causes = [e for e in texts if "not asked again" not in e] or texts
    return one_line(causes[0], limit) if causes else "no error recorded"


def stale_rows(status: pd.DataFrame, now: pd.Timestamp | None = None) -> pd.Series:
    """Boolean Series: rows of ``source_status`` with no snapshot in use, or one retrieved
    more than :data:`STALE_AFTER` before ``now`` (default: the current UTC time)."""
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    retrieved = pd.to_datetime(status["snapshot_retrieved_at"], utc=True)
    return retrieved.isna() | (now - retrieved > STALE_AFTER)


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
