"""The Dagster UI (dagster-webserver) loads the workspace: lineage, checks, groups."""
from __future__ import annotations

import time

import requests

from tests.helpers.webserver import dagster_webserver


def test_webserver_serves_asset_graph_with_checks(tmp_path):
    with dagster_webserver(tmp_path) as base:
        query = """{ assetNodes { assetKey { path } groupName
                     dependencyKeys { path } assetChecksOrError {
                       ... on AssetChecks { checks { name } } } } }"""
        nodes = []
        for _ in range(60):  # the code location may still be loading
            data = requests.post(f"{base}/graphql", json={"query": query}, timeout=30).json()
            nodes = (data.get("data") or {}).get("assetNodes") or []
            if nodes:
                break
            time.sleep(1)
        by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
        claims = by_key["published/article_claims"]
        assert claims["groupName"] == "claims"
        deps = {"/".join(d["path"]) for d in claims["dependencyKeys"]}
        assert {"published/model_facts", "published/patent_figures",
                "published/arena_scores"} <= deps
        checks = {c["name"] for c in claims["assetChecksOrError"]["checks"]}
        assert checks == {"expectation_suite", "verdict_unchanged", "sources_fresh"}
        snap = by_key["snapshot/eto_cat"]
        assert {c["name"] for c in snap["assetChecksOrError"]["checks"]} == {"upstream_available"}
        assert {n["groupName"] for n in nodes} >= {"patents", "models", "leaderboards",
                                                   "claims", "reference", "sources"}
