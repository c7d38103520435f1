"""The report in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no
browser download): every claim section, every chart with alt text and shown at its own
size, no console error, no request leaving the machine, under 12,000 px with everything
folded."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.helpers import PROJECT, run_pipeline, shared_path

SHOTS = PROJECT / "screenshots"


def check_report(browser, data_dir: Path, name: str) -> None:
    claims = pd.read_parquet(data_dir / "published" / "article_claims.parquet")
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        requests.append(r.request.url)
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            r.abort()
    page.route("**/*", route)
    page.goto((data_dir / "published" / "report" / "report.html").as_uri())
    page.wait_for_load_state("load")
    ids = page.eval_on_selector_all("section.claim", "els => els.map(e => e.id)")
    assert sorted(ids) == sorted(claims["claim_id"])
    imgs = page.eval_on_selector_all("figure.chart img", "els => els.map(e => "
                                     "[e.getAttribute('alt'), e.naturalWidth])")
    assert imgs and all(alt and width > 0 for alt, width in imgs), imgs
    # shown at (nearly) their own size: a tall chart capped at 30em high, or the mission's
    # charts in a grid of 20em columns, drew their 8-10 px text at 3-5 px
    shown = page.eval_on_selector_all("figure.chart img", "els => els.map(e => "
                                      "[e.getAttribute('src'), e.getBoundingClientRect()"
                                      ".width, e.naturalWidth])")
    small = [(src, w, n) for src, w, n in shown if w < 0.95 * min(n, 760)]
    assert not small, small
    figures = page.eval_on_selector_all("#charts figure", "els => els.length")
    assert figures == 5
    assert not errors, errors
    assert all(u.startswith(("file://", "data:")) for u in requests), requests
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{name}.png"), full_page=True)
    page.eval_on_selector_all("details", "els => els.forEach(e => e.open = false)")
    height = page.evaluate("document.documentElement.scrollHeight")
    # the five mission charts at their own width (about 3,500 px after a live run) and every
    # claim section folded to its heading, verdict and values
    assert height < 12000, height
    page.set_viewport_size({"width": 390, "height": 800})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.close()


def test_report_after_offline_run(browser, tmp_path):
    run_pipeline(tmp_path)
    check_report(browser, tmp_path, "offline")


def test_report_after_live_run(browser, tmp_path):
    from tools.replay import ReplayServer

    upstream = shared_path("upstream")
    with ReplayServer(upstream) as srv:
        run_pipeline(tmp_path, mode="live", mirror=srv.url)
    check_report(browser, tmp_path, "live")
    assert "no data" not in (tmp_path / "published" / "report" / "report.html").read_text()
