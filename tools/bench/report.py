"""The table ``make bench`` prints (and the README's "Performance" section shows): each
figure's median, its floor's, the ratio and the goal of issue #13."""
from __future__ import annotations

#: figure -> (goal text, test on the results of that figure)
GOALS = {
    "main_job": ("<= 1.3x floor", lambda r: r["ratio"] <= 1.3),
    "refresh": ("0 materialized, <= 0.2x cold",
                lambda r: r["warm"]["materialized"]["max"] == 0 and r["ratio"] <= 0.2),
    "startup": ("<= 1.2x floor, no GX",
                lambda r: r["ratio"] <= 1.2 and not r["great_expectations_loaded"]),
    "patents": ("<= 1.5x DuckDB, x50 RSS < 2x CSV", None),
}


def _med(summary: dict, field: str = "seconds") -> float:
    """The median of ``field``; NaN when ``summary`` lacks it (a results.json written by an
    older ``make bench`` and kept by ``--only``)."""
    return summary[field]["median"] if field in summary else float("nan")


def rows(results: dict) -> list[tuple[str, str, str, str, str]]:
    """``(figure, measured, floor, ratio, goal met?)`` rows from ``results``."""
    out = []
    r = results.get("main_job")
    if r:
        ok = "yes" if GOALS["main_job"][1](r) else "no"
        out.append(("cold main job (offline)",
                    f"{_med(r['job']):.1f} s, {_med(r['job'], 'peak_rss_mb'):.0f} MB",
                    f"{_med(r['floor']):.1f} s, {_med(r['floor'], 'peak_rss_mb'):.0f} MB",
                    f"{r['ratio']:.2f}x", ok))
    r = results.get("refresh")
    if r and "skipped" not in r:
        ok = "yes" if GOALS["refresh"][1](r) else "no"
        for name in ("cold", "warm"):
            s = r[name]
            out.append((f"live refresh, {name}",
                        f"{_med(s):.1f} s, {_med(s, 'bytes') / 2**20:.1f} MB sent, "
                        f"{_med(s, 'api_calls'):.0f} API calls, "
                        f"{_med(s, 'materialized'):.0f} materialized "
                        f"(+ {_med(s, 'snapshots'):.0f} snapshots fetched)"
                        + "".join(f", {n} failed at {host}"
                                  for host, n in s.get("http_failed", {}).items()),
                        "" if name == "cold" else "cold run",
                        "" if name == "cold" else f"{r['ratio']:.2f}x",
                        "" if name == "cold" else ok))
    r = results.get("startup")
    if r:
        ok = "yes" if GOALS["startup"][1](r) else "no"
        out.append(("start-up (load definitions)",
                    f"{_med(r['definitions'], 'process_seconds'):.2f} s"
                    f"{', GX loaded' if r['great_expectations_loaded'] else ', GX not loaded'}",
                    f"{_med(r['floor'], 'process_seconds'):.2f} s (dagster+pandas+pyarrow)",
                    f"{r['ratio']:.2f}x", ok))
    for size, r in (results.get("patents") or {}).items():
        if not isinstance(r, dict) or "ours" not in r:
            continue
        ok = r["ratio"] <= 1.5 and (size != "x50" or r["memory_over_csv"] < 2)
        out.append((f"patent step {size} ({r['csv_mb']:.0f} MB CSV)",
                    f"{_med(r['ours']):.2f} s, {_med(r['ours'], 'peak_rss_mb'):.0f} MB",
                    f"{_med(r['duckdb']):.2f} s, {_med(r['duckdb'], 'peak_rss_mb'):.0f} MB "
                    "(DuckDB)",
                    f"{r['ratio']:.2f}x", "yes" if ok else "no"))
    return out


def table(results: dict) -> str:
    """A Markdown table of :func:`rows` (medians; time, peak RSS of the whole process)."""
    lines = ["| figure | measured (median) | floor (median) | ratio | goal met |",
             "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows(results)]
    return "\n".join(lines)


def breakdown(results: dict) -> str | None:
    """One line on where the cold main job's time beyond its floor goes (medians): inside
    GX validations, inside the charts (:mod:`tools.bench.breakdown`), and the rest, the
    project's own work, also as a multiple of the floor. None without those figures."""
    r = results.get("main_job") or {}
    job, floor = r.get("job", {}), r.get("floor", {})
    if "gx_seconds" not in job or "seconds" not in floor:
        return None
    gx, charts = _med(job, "gx_seconds"), _med(job, "charts_seconds")
    rest = _med(job) - _med(floor) - gx - charts
    return (f"cold main job beyond its floor ({_med(job) - _med(floor):.1f} s): "
            f"GX validations {gx:.1f} s (its import included), charts {charts:.1f} s "
            f"(matplotlib: import, drawing, SVG and PNG), the rest {rest:.1f} s "
            f"({rest / _med(floor):.2f}x the floor: the project's own work)")
