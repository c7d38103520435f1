"""The console script ``ai-numbers`` run as a user runs it: a subprocess of
``.venv/bin/ai-numbers`` (installed by ``setup.py``), with its exit codes, its console output
and the files it leaves. No network: unreachable upstreams are a closed loopback port and a
host name under ``.invalid`` (RFC 2606: never resolves)."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import PROJECT

SCRIPT = Path(sys.executable).parent / "ai-numbers"


def ai_numbers(tmp_path: Path, *args: str, extra_env: dict | None = None,
               timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``ai-numbers ARGS`` with its data dir and Dagster home under ``tmp_path``."""
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not installed: run `make install`")
    return subprocess.run([str(SCRIPT), *args], cwd=PROJECT, env=_env(tmp_path, extra_env),
                          capture_output=True, text=True, timeout=timeout)


def _env(tmp_path: Path, extra: dict | None) -> dict:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return {"PATH": "/usr/bin:/bin", "DAGSTER_HOME": str(home),
            "AI_NUMBERS_DATA_DIR": str(tmp_path / "data"), **(extra or {})}


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_table(tmp_path: Path) -> pd.DataFrame:
    return pd.read_parquet(tmp_path / "data" / "published" / "source_status.parquet")


@pytest.fixture(scope="module")
def offline_cli(tmp_path_factory):
    """One ``ai-numbers run --mode offline`` into a fresh data dir: ``(tmp_path, process)``."""
    tmp = tmp_path_factory.mktemp("cli-offline")
    return tmp, ai_numbers(tmp, "run", "--mode", "offline")


def test_offline_run_exits_0_and_prints_one_screen(offline_cli):
    tmp, proc = offline_cli
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert len(lines) < 60, proc.stdout
    claims = pd.read_parquet(tmp / "data" / "published" / "article_claims.parquet")
    for row in claims.itertuples():  # every claim with its verdict and (the start of) its text
        assert any(row.verdict in ln and row.claim[:40] in ln for ln in lines), row.claim_id
    # every source of the published status table has its line
    for source_id in set(status_table(tmp)["source_id"]):
        assert any(ln.strip().startswith(source_id) for ln in lines), source_id
    assert "Done:" in proc.stdout and "FAILED" not in proc.stdout + proc.stderr
    assert "INFO" not in proc.stdout + proc.stderr  # Dagster's log lines are not on the console
    log_files = list((tmp / "data" / "logs").glob("run-*.log"))
    assert len(log_files) == 1 and "STEP_SUCCESS" in log_files[0].read_text()


@pytest.mark.parametrize("mirror", ["closed_port", "http://nonexistent.invalid:1"])
def test_auto_without_network_falls_back_and_asks_each_host_once(tmp_path, mirror):
    if mirror == "closed_port":
        mirror = f"http://127.0.0.1:{closed_port()}"
    host = mirror.removeprefix("http://")
    proc = ai_numbers(tmp_path, "run", extra_env={"AI_NUMBERS_UPSTREAM_MIRROR": mirror})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Fell back (no source answered" in proc.stdout
    status = status_table(tmp_path)
    assert set(status["mode"]) == {"auto"} and set(status["status"]) == {"failed"}
    cause = "name does not resolve" if "invalid" in host else "connection refused"
    asked = status[status["error"] == f"{host}: {cause}"]
    assert len(asked) == 1, status["error"].tolist()  # the one request that reached the host
    assert status["error"].drop(asked.index).str.contains("not asked again").all()
    # every failed check is named: each source's upstream_available and source_status
    lines = proc.stdout.splitlines()
    assert len(lines) < 60
    warn = next(ln for ln in lines if "upstream_available on" in ln)
    for source_id in set(status["source_id"]):
        assert f"snapshot/{source_id}" in warn
    assert any("expectation_suite on published/source_status" in ln for ln in lines)


def test_live_without_network_exits_3_and_never_says_success(tmp_path):
    mirror = f"http://127.0.0.1:{closed_port()}"
    proc = ai_numbers(tmp_path, "run", "--mode", "live",
                      extra_env={"AI_NUMBERS_UPSTREAM_MIRROR": mirror})
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert "every source request of this live run failed" in proc.stderr
    assert "connection refused" in proc.stderr
    assert "succeeded" not in proc.stdout + proc.stderr


def test_bad_mode_exits_2(tmp_path):
    proc = ai_numbers(tmp_path, "run", "--mode", "sometimes")
    assert proc.returncode == 2 and "sometimes" in proc.stderr
    proc = ai_numbers(tmp_path, "run", extra_env={"AI_NUMBERS_MODE": "sometimes"})
    assert proc.returncode == 2 and "AI_NUMBERS_MODE" in proc.stderr


def test_critical_check_failure_exits_1(tmp_path):
    """A duplicated key in model_facts (patched in by a ``sitecustomize`` on the script's
    path) fails the suite's critical uniqueness: exit 1, the failed check named."""
    patch = tmp_path / "patch"
    patch.mkdir()
    (patch / "sitecustomize.py").write_text(
        "import pandas as pd\n"
        "import assets.reference.assets as mod\n"
        "real = mod.load_reference\n"
        "def broken(name):\n"
        "    df = real(name)\n"
        "    return pd.concat([df, df.head(1)], ignore_index=True) "
        "if name == 'model_facts' else df\n"
        "mod.load_reference = broken\n")
    proc = ai_numbers(tmp_path, "run", "--mode", "offline",
                      extra_env={"PYTHONPATH": f"{patch}:{PROJECT}"})
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "FAILED: publish" in proc.stderr and "succeeded" not in proc.stdout
    assert any("ERROR" in ln and "published/model_facts" in ln
               for ln in proc.stdout.splitlines())


def test_interrupt_exits_130(tmp_path):
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not installed: run `make install`")
    proc = subprocess.Popen([str(SCRIPT), "run", "--mode", "offline"], cwd=PROJECT,
                            env=_env(tmp_path, None), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # printed once the settings are checked
    assert first.startswith("ai-numbers run: mode offline")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err


def test_claims_json_prints_the_published_verdicts(offline_cli):
    tmp, _ = offline_cli
    proc = ai_numbers(tmp, "claims", "--json")
    assert proc.returncode == 0, proc.stderr
    printed = {c["claim_id"]: c["verdict"] for c in json.loads(proc.stdout)}
    claims = pd.read_parquet(tmp / "data" / "published" / "article_claims.parquet")
    assert printed == dict(zip(claims["claim_id"], claims["verdict"]))


def test_sources_json_lists_every_request_with_stale_flag(offline_cli):
    tmp, _ = offline_cli
    proc = ai_numbers(tmp, "sources", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    status = status_table(tmp)
    assert len(rows) == len(status)
    # offline without snapshots: nothing in use, so every row is flagged stale
    assert status["sha256"].isna().all() and all(r["stale"] for r in rows)
    plain = ai_numbers(tmp, "sources")
    assert plain.returncode == 0 and "no local snapshot" in plain.stdout


def test_claims_fail_on_change_both_ways(tmp_path):
    data = tmp_path / "data" / "published" / "article_claims.parquet"
    assert ai_numbers(tmp_path, "run", "--mode", "offline").returncode == 0
    assert ai_numbers(tmp_path, "run", "--mode", "offline").returncode == 0
    same = ai_numbers(tmp_path, "claims", "--fail-on-change")
    assert same.returncode == 0, same.stderr  # two offline runs on the same inputs agree
    claims = pd.read_parquet(data)
    before = claims.loc[0, "verdict"]
    after = "contradicted" if before != "contradicted" else "supported"
    claims.loc[0, "verdict"] = after  # as a later run with other evidence would publish
    claims.to_parquet(data)
    changed = ai_numbers(tmp_path, "claims", "--fail-on-change")
    assert changed.returncode == 4
    assert f"{claims.loc[0, 'claim_id']}: {before} -> {after}" in changed.stderr
    assert ai_numbers(tmp_path, "claims").returncode == 0  # without the flag: no failure
