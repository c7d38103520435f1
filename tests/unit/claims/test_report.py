"""The claims report: every claim's section matches article_claims, every chart draws every
number of its evidence, and the mission charts say when they have no data."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from assets.claims.charts import compact, evidence_chart, plt
from assets.claims.engine import check_claims
from assets.claims.mission import gpu_hours_chart, granted_shares_chart
from assets.claims.report import ReportInputs, build_report
from assets.claims.rules import RULES
from assets.reference import load_reference
from tests.helpers.report import section_mismatches


@pytest.fixture(scope="module")
def offline():
    """Claims, evidence and reference tables as an offline run computes them (the bundled
    reference figures, assets/reference/*.yaml)."""
    tables = {n: load_reference(n) for n in ("patent_figures", "model_facts",
                                             "benchmark_figures")}
    claims, evidence = check_claims(tables, RULES)
    return claims, evidence, tables


def _marks(fig) -> list[float]:
    """Every value the figure draws: the bars' lengths and the dots' x positions."""
    from matplotlib.collections import PathCollection

    values = []
    for ax in fig.axes:
        for container in ax.containers:
            horizontal = container.orientation == "horizontal"
            values += [p.get_width() if horizontal else p.get_height() for p in container]
        values += [float(x) for col in ax.collections if isinstance(col, PathCollection)
                   for x, _y in col.get_offsets()]
    return values


def test_each_claim_chart_draws_every_numeric_evidence_row(offline):
    claims, evidence, _ = offline
    charted = 0
    for _, claim in claims.iterrows():
        ev = evidence[evidence["claim_id"] == claim["claim_id"]]
        chart = evidence_chart(claim, ev)
        numeric = ev.dropna(subset=["value", "unit"])
        if chart is None:
            assert len(numeric) < 2, claim["claim_id"]
            continue
        charted += 1
        assert sorted(d["value"] for d in chart.drawn) == sorted(numeric["value"]), \
            claim["claim_id"]
        drawn = _marks(chart.figure)
        assert sorted(drawn) == pytest.approx(sorted(numeric["value"])), claim["claim_id"]
        assert chart.alt and chart.source
        plt().close(chart.figure)
    assert charted >= 5


def test_many_benchmark_comparison_is_not_cut(offline):
    """The cut of 60 bars dropped Claude 3.5 Sonnet's rows: every row is drawn now."""
    claims, evidence, _ = offline
    claim = claims[claims["claim_id"] == "qwen_matches_western"].iloc[0]
    ev = evidence[evidence["claim_id"] == "qwen_matches_western"]
    assert len(ev.dropna(subset=["value"])) > 60  # the old limit
    chart = evidence_chart(claim, ev)
    claude = ev[ev["key"].str.endswith("claude-3.5-sonnet-20241022") & ev["value"].notna()]
    assert len(claude) and sum("claude-3.5-sonnet-20241022" in (d["series"], d["label"])
                               for d in chart.drawn) == len(claude)
    legend = {t.get_text() for ax in chart.figure.axes if ax.get_legend()
              for t in ax.get_legend().get_texts()}
    assert {"claude-3.5-sonnet-20241022", "llama-3.1-405b-instruct"} <= legend
    plt().close(chart.figure)


def test_disputed_patent_claim_shows_every_source(offline):
    claims, evidence, _ = offline
    claim = claims[claims["claim_id"] == "cn_4x_us_patents_2022"].iloc[0]
    ev = evidence[evidence["claim_id"] == "cn_4x_us_patents_2022"]
    chart = evidence_chart(claim, ev)
    labels = " ".join(t.get_text() for ax in chart.figure.axes for t in ax.get_yticklabels())
    for publisher in ev["publisher"].unique():  # WIPO (via Bloomberg) beside Stanford HAI
        assert publisher.split(" (")[0].split()[0] in labels or publisher in chart.source
    plt().close(chart.figure)


def test_report_sections_match_article_claims(offline, tmp_path):
    claims, evidence, tables = offline
    written = build_report(claims, evidence, tmp_path, ReportInputs(
        patent_figures=tables["patent_figures"], model_facts=tables["model_facts"]))
    html = written["html"].read_text(encoding="utf-8")
    assert section_mismatches(html, claims) == []
    assert "no data" in html and {"missing:patent_families", "missing:arena",
                                  "missing:shared_benchmarks"} <= set(written)
    for key, path in written.items():
        if key.startswith("chart:"):
            assert path.read_bytes().lstrip().startswith(b"<?xml")
            assert path.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_report_with_one_verdict_for_every_claim_fails_the_comparison(offline, tmp_path):
    claims, evidence, _ = offline
    html = build_report(claims, evidence, tmp_path)["html"].read_text(encoding="utf-8")
    same = re.sub(r'data-verdict="\w+"', 'data-verdict="supported"', html)
    assert claims["verdict"].nunique() > 1
    assert section_mismatches(same, claims)


def test_report_escapes_text_and_shows_verdict_changes(offline, tmp_path):
    claims, evidence, _ = offline
    claims = claims.copy()
    claims.loc[0, "explanation"] = "<script>alert(1)</script>"
    first = claims.iloc[1]
    html = build_report(claims, evidence, tmp_path, ReportInputs(
        previous_verdicts={first["claim_id"]: "contradicted"}))["html"].read_text("utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    if first["verdict"] != "contradicted":
        assert f"{first['claim_id']}: contradicted → {first['verdict']}" in html


def test_mission_charts_label_values_for_readers(offline):
    _, _, tables = offline
    compute = pd.DataFrame({"model_id": ["deepseek-v3", "llama-3.1-405b-instruct"],
                            "covers": ["full training as reported"] * 2,
                            "gpu_hours": [2788000, 30840000], "source": ["a", "b"]})
    chart = gpu_hours_chart(compute)  # values as in the two model cards
    texts = [t.get_text() for t in chart.figure.axes[0].texts]
    assert " 2.79M GPU hours" in texts and " 30.8M GPU hours" in texts
    assert "11x" in chart.title
    plt().close(chart.figure)
    shares = granted_shares_chart(tables["patent_figures"])
    ref = tables["patent_figures"]
    rows = ref[(ref["metric"] == "share_of_world_granted_AI_patents")
               & ref["area"].isin(["China", "United States"])]
    assert sorted(d["value"] for d in shares.drawn) == sorted(
        rows.drop_duplicates(["area", "period"])["value"])
    plt().close(shares.figure)
    assert gpu_hours_chart(None).missing and granted_shares_chart(None).missing


def test_numbers_read_as_people_write_them():
    assert [compact(v, u) for v, u in ((30840000, "GPU hours"), (2788000, ""),
                                       (61.13, "percent"), (4.26, "ratio"))] \
        == ["30.8M GPU hours", "2.79M", "61.13%", "4.26x"]


def test_granted_share_chart_keeps_one_legend_and_marks_incomplete_years(offline):
    """Reference shares (AI Index, keys ending in a year) beside ETO CAT shares (keys ending
    in a country, years flagged incomplete): no legend mixing years and countries, and the
    incomplete years drawn hatched with a legend entry of their own."""
    claims, evidence, tables = offline
    claim = claims.set_index("claim_id").loc["cn_share_granted_2022_2023"]
    claim["claim_id"] = "cn_share_granted_2022_2023"
    shares = evidence[evidence["claim_id"] == claim["claim_id"]].copy()
    ref_rows = len(shares.dropna(subset=["value"]))
    cat = pd.DataFrame([
        {"table": "patent_shares", "key": f"granted / All / {y} / CHN", "value": v,
         "unit": "percent", "source_document": "CAT", "publisher": "CSET",
         "note": note, "claim_id": claim["claim_id"]}
        for y, v, note in [(2022, 83.9, "year flagged incomplete: not used"),
                           (2017, 37.6, "context: latest complete year")]])
    chart = evidence_chart(claim, pd.concat([shares, cat], ignore_index=True))
    labels = [t for ax in chart.figure.axes for t in ax.get_legend_handles_labels()[1]]
    assert "CHN" not in labels and "2022" not in labels
    assert labels.count("incomplete year (not final)") == 1
    hatched = [p for ax in chart.figure.axes for p in ax.patches if p.get_hatch()]
    assert [p.get_width() for p in hatched] == [83.9]
    assert len(chart.drawn) == ref_rows + 2
    plt().close(chart.figure)


def test_svg_charts_keep_their_text_as_text_and_escape_it(tmp_path):
    """The SVG charts carry their words as <text> (a reader can search and copy a label, an
    editor can restyle it), parse as XML whatever a label holds, and a hostile label is
    text, never markup."""
    import xml.etree.ElementTree as ET

    from assets.claims.charts import Chart, save

    fig, ax = plt().subplots()
    ax.barh([0], [3.0])
    ax.set_yticks([0], ["<script>alert(1)</script> & DeepSeek-V3"])
    ax.set_title("GPU hours per model")
    chart = save(Chart(name="t", title="t", figure=fig), tmp_path)
    root = ET.parse(tmp_path / chart.files["svg"]).getroot()
    texts = ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "GPU hours per model" in texts
    assert "<script>alert(1)</script> & DeepSeek-V3" in texts
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))


def _layout_faults(chart) -> list[str]:
    """What a reader would find cut off or hidden in ``chart`` as drawn: a text ending
    outside the figure, a legend over the plot area (where marks and value labels are), a
    title reaching into a plot, a source line reaching into the axis labels."""
    fig = chart.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    faults = []
    texts = list(fig.texts)
    for ax in fig.axes:   # what is drawn: tick labels within the view, not every tick made
        texts += [*ax.texts, ax.xaxis.label, ax.yaxis.label,
                  *(ax.get_legend().get_texts() if ax.get_legend() else [])]
        for axis, (lo, hi) in ((ax.xaxis, sorted(ax.get_xlim())),
                               (ax.yaxis, sorted(ax.get_ylim()))):
            texts += [t.label1 for t in axis.get_major_ticks()
                      if lo - 1e-9 <= t.get_loc() <= hi + 1e-9]
    texts = [t for t in texts if t.get_visible() and t.get_text().strip()]
    for t in texts:
        box = t.get_window_extent(renderer)
        if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 \
                or box.y1 > page.y1 + 1:
            faults.append(f"{chart.name}: {t.get_text()[:40]!r} ends outside the figure")
    plots = [ax.get_window_extent(renderer) for ax in fig.axes]
    for plot in plots:   # squeezed by its labels, legend or title: no room for the marks
        if plot.width < 0.25 * page.width or plot.height < 0.4 * fig.dpi:
            faults.append(f"{chart.name}: the plot is squeezed to {plot.width:.0f} x "
                          f"{plot.height:.0f} px")
    for ax, plot in zip(fig.axes, plots, strict=True):
        if ax.get_legend() and ax.get_legend().get_window_extent(renderer).overlaps(plot):
            faults.append(f"{chart.name}: the legend lies over the plot")
        if ax.get_legend() and any(
                ax.get_legend().get_window_extent(renderer).overlaps(t.get_window_extent(
                    renderer)) for t in ax.texts):
            faults.append(f"{chart.name}: the legend meets a value label")
        lo, hi = sorted(ax.get_ylim())
        ticks = sorted((t.label1.get_window_extent(renderer) for t in ax.yaxis.get_major_ticks()
                        if lo <= t.get_loc() <= hi and t.label1.get_text()),
                       key=lambda b: b.y0)
        if any(a.y1 > b.y0 + 1 for a, b in zip(ticks, ticks[1:])):
            faults.append(f"{chart.name}: y labels overlap one another")
    titles = [t.get_window_extent(renderer) for t in fig.texts if t.get_gid() == "title"]
    if len(titles) != 1 or any(titles[0].y0 < ax.get_tightbbox(renderer).y1 - 1
                               for ax in fig.axes):
        faults.append(f"{chart.name}: no title above the plots")
    source = [t for t in fig.texts if t.get_text().startswith("Source: ")]
    if len(source) != 1 or any(source[0].get_window_extent(renderer).y1
                               > ax.get_tightbbox(renderer).y0 + 1 for ax in fig.axes):
        faults.append(f"{chart.name}: the source line is missing or overlaps the plot")
    return faults


def test_no_chart_cuts_off_a_text_or_hides_a_mark_under_its_legend(offline):
    """Every chart of the report, drawn from the offline run's evidence and from tables shaped
    like the live run's (a long title, 22 long benchmark names, legends of several series):
    the granted-shares legend once hid the 61.1% label, and the shared-benchmarks title
    ran off the right edge."""
    from assets.claims.charts import patent_families_chart
    from assets.claims.mission import arena_chart, shared_benchmarks_chart

    claims, evidence, tables = offline
    charts = [evidence_chart(c, evidence[evidence["claim_id"] == c["claim_id"]])
              for _, c in claims.iterrows()]
    names = ["AIME 2024", "Aider-Edit", "Aider-Polyglot", "C-Eval", "C-SimpleQA", "CLUEWSC",
             "CNMO 2024", "Codeforces", "DROP", "FRAMES", "GPQA-Diamond", "HumanEval-Mul",
             "IF-Eval", "LiveCodeBench", "LiveCodeBench (COT)", "LongBench v2", "MATH-500",
             "MMLU", "MMLU-Pro", "MMLU-Redux", "SWE Verified", "SimpleQA"]
    models = ["deepseek-v3", "llama-3.1-405b-instruct", "claude-3.5-sonnet-20241022"]
    results = pd.DataFrame([
        {"model_id": m, "benchmark": b, "metric": "Pass@1", "value": 10.0 + 3 * i + 20 * j,
         "unit": "percent", "source_document": "deepseek-ai/DeepSeek-V3:README.md",
         "table": "Chat Model / Standard Benchmarks (Models larger than 67B)",
         "evaluator": "DeepSeek"}
        for i, b in enumerate(names) for j, m in enumerate(models)])
    history = pd.DataFrame([
        {"model_id": m, "snapshot_date": d, "score": 1250.0 + 10 * j, "ci_minus": 5.0,
         "ci_plus": 5.0} for j, m in enumerate(["deepseek-v3", "deepseek-r1",
                                                   "claude-3.5-sonnet-20241022"])
        for d in ["2024-12-20", "2025-01-10", "2025-02-01"]])
    families = pd.DataFrame([
        {"field": "All", "is_country": True, "country_iso3": c, "year": y,
         "applications": n * (y - 2010), "applications_complete": y < 2023}
        for c, n in (("CHN", 9000), ("USA", 2500), ("DEU", 400)) for y in range(2012, 2025)])
    charts += [granted_shares_chart(tables["patent_figures"]), shared_benchmarks_chart(results),
               arena_chart(history), patent_families_chart(families),
               gpu_hours_chart(pd.DataFrame({
                   "model_id": ["deepseek-v3", "llama-3.1-405b-instruct"],
                   "covers": ["full training as reported"] * 2,
                   "gpu_hours": [2788000, 30840000], "source": ["a", "b"]}))]
    charts = [c for c in charts if c is not None and c.figure is not None]
    assert len(charts) >= 10
    faults = [f for c in charts for f in _layout_faults(c)]
    for c in charts:
        plt().close(c.figure)
    assert faults == [], "\n".join(faults)


def _claim(text: str) -> pd.Series:
    return pd.Series({"claim_id": "c1", "claim": text, "verdict": "supported",
                      "claimed_low": float("nan"), "claimed_high": float("nan"),
                      "claimed_unit": ""})


def _evidence(keys: list[str], values: list[float] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"claim_id": "c1", "key": keys,
                         "value": values or [10.0 + i for i in range(len(keys))],
                         "unit": "percent", "publisher": "Pub", "note": None, "table": "t"})


@pytest.mark.parametrize("series", [
    "Claude 3.5 Sonnet (2024-10-22), evaluated by the publisher on the full test set, pass at",
    "m" * 100])
def test_long_series_names_never_squeeze_the_plot_away(series):
    """Series names come from the data (the last part of an evidence key): at 90 characters
    the plot was 12 px wide, at 100 without a space the layout gave up and the legend ran
    off the figure."""
    keys = [f"tbl / group {i % 2} of a long name / {series}{i // 2}" for i in range(4)]
    chart = evidence_chart(_claim("China files most AI patents"), _evidence(keys))
    faults = _layout_faults(chart)
    plt().close(chart.figure)
    assert faults == [], "\n".join(faults)


@pytest.mark.parametrize("text", ["a\n" * 10, "China files most AI patents " * 40,
                                  "tab\tand\rcarriage return " * 8])
def test_a_long_or_many_line_claim_makes_the_chart_taller_not_the_plot_smaller(text):
    """A claim of ten lines (a YAML block) or of a thousand characters: the figure grows
    by its title's height; the plot keeps its room and the source line stays below it."""
    chart = evidence_chart(_claim(text), _evidence(["t / a / 2023", "t / b / 2023"]))
    faults = _layout_faults(chart)
    plt().close(chart.figure)
    assert faults == [], "\n".join(faults)


def test_dollar_signs_are_dollars_not_mathtext(tmp_path):
    """Two "$" in one text were read as mathtext: "$5.6 million where others spent $100
    million" lost its signs and spaces, and "$\\foo$" stopped the whole report."""
    from assets.claims.charts import save

    claim = _claim("DeepSeek spent $5.6 million where others spent $100 million")
    chart = evidence_chart(claim, _evidence(["t / $\\foo$ / 2023", "t / b / 2023"]))
    save(chart, tmp_path)
    svg = (tmp_path / chart.files["svg"]).read_text()
    assert "others spent $100 million" in svg and "$\\foo$" in svg


def test_one_chart_that_cannot_be_drawn_never_stops_the_report(offline, tmp_path):
    """A training_compute row of 0 GPU hours made the GPU-hours chart divide by zero, and
    an infinite evidence value drew an "infB%" label off the figure: the page is still
    written, says which chart could not be drawn and why, and draws the rest."""
    claims, evidence, tables = offline
    compute = pd.DataFrame({"model_id": ["deepseek-v3", "llama-3.1-405b-instruct"],
                            "covers": ["full training as reported"] * 2,
                            "gpu_hours": [0, 30840000], "source": ["a", "b"]})
    target = evidence.dropna(subset=["value"])["claim_id"].value_counts().index[0]
    ev = evidence.copy()
    rows = ev.index[(ev["claim_id"] == target) & ev["value"].notna()]
    ev.loc[rows[0], "value"] = float("inf")
    written = build_report(claims, ev, tmp_path,
                           ReportInputs(training_compute=compute, **{
                               k: v for k, v in tables.items() if k == "patent_figures"}))
    html = (tmp_path / "report.html").read_text()
    assert "failed:gpu_hours" in written
    assert "gpu hours: the chart could not be drawn (ZeroDivisionError" in html
    assert "chart:granted_shares" in written and "missing:patent_families" in written
    assert not any(k.startswith("failed:") and k != "failed:gpu_hours" for k in written)
    assert f"chart:{target}" in written   # drawn from its finite values


def test_a_dot_plot_of_long_benchmark_labels_keeps_every_label_apart():
    """Rows of a model comparison whose labels wrap to three lines (the DeepSeek-R1 card's
    "4. Evaluation Results / DeepSeek-R1-Evaluation / ..." tables, seen after a live run):
    each y row is as tall as its label, so no label runs into its neighbour."""
    groups = [f"{t} / {b} (Pass@1)" for t, b in zip(
        ["4. Evaluation Results / DeepSeek-R1-Evaluation",
         "Standard Benchmarks (Models larger than 67B) / Chat Model"] * 5,
        ("AIME 2024", "Codeforces", "GPQA Diamond", "LiveCodeBench", "MATH-500", "MMLU",
         "MMLU-Pro", "SWE Verified", "SimpleQA", "IF-Eval"), strict=False)]
    keys = [f"{g} / {m}" for g in groups for m in ("deepseek-r1", "o1-1217")]
    chart = evidence_chart(_claim("R1 matches o1"), _evidence(keys))
    faults = _layout_faults(chart)
    plt().close(chart.figure)
    assert faults == [], "\n".join(faults)
