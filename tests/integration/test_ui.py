"""The Dagster UI (dagster-webserver) loads the workspace: lineage, checks, groups."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers import PROJECT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webserver_serves_asset_graph_with_checks(tmp_path):
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "AI_NUMBERS_DATA_DIR": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    exe = Path(sys.executable).with_name("dagster-webserver")
    proc = subprocess.Popen([str(exe), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p",
                             str(port)], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("dagster-webserver did not answer /server_info in 120 s")
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
        assert checks == {"expectation_suite", "verdict_unchanged"}
        snap = by_key["snapshot/eto_cat"]
        assert {c["name"] for c in snap["assetChecksOrError"]["checks"]} == {"upstream_available"}
        assert {n["groupName"] for n in nodes} >= {"patents", "models", "leaderboards",
                                                   "claims", "reference", "sources"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
