"""Values computed straight from the primary rows, with the standard library only (csv, json,
zipfile), never the pipeline's parsers: the reference CSVs in ``../shared/reference`` and
the upstream files in ``../shared/upstream`` (found through its ``index.tsv``). The verdict
tests (``tests/integration/test_verdicts.py``) compare the published verdicts with these.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from datetime import date, datetime, timezone

from tests.helpers import shared_path


def reference_rows(name: str) -> list[dict[str, str]]:
    """Every row of ``../shared/reference/<name>.csv`` as a dict of strings."""
    with shared_path("reference", f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def fact(model: str, name: str) -> str:
    """The ``value`` of ``model_facts.csv`` row (model, fact)."""
    (row,) = [r for r in reference_rows("model_facts")
              if r["model"] == model and r["fact"] == name]
    return row["value"]


def figure(claim: str, metric: str, area: str, period: str) -> float:
    """The ``value`` of one ``patent_figures.csv`` row, as float."""
    (row,) = [r for r in reference_rows("patent_figures")
              if (r["claim"], r["metric"], r["area"], r["period"]) == (claim, metric, area,
                                                                      period)]
    return float(row["value"])


def _upstream(url: str) -> bytes:
    with shared_path("upstream", "index.tsv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["url"] == url:
                return shared_path("upstream", row["file"]).read_bytes()
    raise KeyError(url)


def _last_commit(listing_url: str, as_of: date) -> str:
    """The sha of the newest commit of a GitHub commits listing on or before ``as_of``
    (UTC date of the committer date)."""
    best = None
    for c in json.loads(_upstream(listing_url)):
        when = datetime.fromisoformat(c["commit"]["committer"]["date"].replace("Z", "+00:00"))
        when = when.astimezone(timezone.utc)
        if when.date() <= as_of and (best is None or when > best[0]):
            best = (when, c["sha"])
    assert best, f"no commit on or before {as_of} in {listing_url}"
    return best[1]


def arena(as_of: date) -> dict[str, tuple[float, float, float]]:
    """The LMArena leaderboard file (fboulnois/llm-leaderboard-csv, ``csv/lmsys.csv``) at
    the last commit on or before ``as_of``: model name -> (score, ci_plus, ci_minus)."""
    sha = _last_commit("https://api.github.com/repos/fboulnois/llm-leaderboard-csv/commits"
                       "?path=csv/lmsys.csv", as_of)
    text = _upstream(f"https://raw.githubusercontent.com/fboulnois/llm-leaderboard-csv/{sha}/"
                     "csv/lmsys.csv").decode()
    out = {}
    for r in csv.DictReader(io.StringIO(text)):
        plus, minus = r["95_pct_ci"].split("/")
        out[r["model"]] = (float(r["arena_score"]), float(plus), -float(minus))
    return out


def arena_standing(board: dict, a: list[str], b: list[str]) -> str:
    """``ahead``/``behind``/``comparable`` of the best-scoring variant among names ``a``
    against that among ``b`` on one arena ``board``: comparable when the 95% intervals
    overlap."""
    sa = max((board[n] for n in a if n in board), key=lambda t: t[0])
    sb = max((board[n] for n in b if n in board), key=lambda t: t[0])
    lo_a, hi_a, lo_b, hi_b = sa[0] - sa[2], sa[0] + sa[1], sb[0] - sb[2], sb[0] + sb[1]
    if lo_a <= hi_b and lo_b <= hi_a:
        return "comparable"
    return "ahead" if sa[0] > sb[0] else "behind"


def livebench_global(release: str, as_of: date) -> dict[str, float]:
    """LiveBench global averages (mean of the category means, rounded to 2 decimals as the
    site shows them) of release ``release`` (``2024_11_25``) as the table stood on
    ``as_of``: the table and categories files at their last commits on or before it."""
    base = "https://api.github.com/repos/LiveBench/livebench.github.io/commits?path=public/"
    raw = "https://raw.githubusercontent.com/LiveBench/livebench.github.io/{sha}/public/{file}"
    files = {}
    for kind, suffix in (("table", "csv"), ("categories", "json")):
        file = f"{kind}_{release}.{suffix}"
        files[kind] = _upstream(raw.format(sha=_last_commit(base + file, as_of), file=file))
    categories = json.loads(files["categories"])
    out = {}
    for r in csv.DictReader(io.StringIO(files["table"].decode())):
        means = []
        for tasks in categories.values():
            values = [float(r[t]) for t in tasks if r.get(t) not in (None, "")]
            if len(values) != len(tasks):
                break
            means.append(sum(values) / len(values))
        else:
            out[r["model"]] = round(sum(means) / len(means), 2)
    return out


def family_offices_cn() -> dict[str, int]:
    """From the CSET/1790 ``patent_database.csv.zip`` (upstream mirror), the simple families
    with a member published at CN: ``families``, ``only`` (no other office, WO included),
    ``pct_only`` (CN and WO only) and ``also`` (another national or regional office)."""
    data = _upstream("https://raw.githubusercontent.com/georgetown-cset/1790-ai-patent-data/"
                     "cf8cef13916d3851ad2532c38dea3652e7e23ff5/patent_database.csv.zip")
    offices: dict[str, set[str]] = defaultdict(set)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        reader = csv.DictReader(io.TextIOWrapper(zf.open("patent_database.csv"),
                                                 encoding="utf-8"))
        for row in reader:
            offices[row["Simple_family_ID"]].add(row["Publication_country"])
    cn = [o for o in offices.values() if "CN" in o]
    only = sum(o == {"CN"} for o in cn)
    pct_only = sum(o == {"CN", "WO"} for o in cn)
    return {"families": len(cn), "only": only, "pct_only": pct_only,
            "also": len(cn) - only - pct_only}
