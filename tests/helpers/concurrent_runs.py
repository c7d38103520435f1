"""Two runs of one job started at once in two processes, the way the Dagster daemon or the
UI launches runs (no ``ai-numbers run``, so no update lock), on one Dagster instance and one
data dir; and the checks that the data dir came out whole."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from dagster import DagsterInstance

from tests.helpers import PROJECT

#: One run of the job ``argv[1]`` on the instance of ``DAGSTER_HOME``, its resources from
#: the environment (``AI_NUMBERS_*``), never through pipelines.runner (no update lock).
RUN_JOB = """
import sys
from dagster import DagsterInstance
from pipelines.definitions import defs
with DagsterInstance.get() as instance:
    result = defs.resolve_job_def(sys.argv[1]).execute_in_process(
        instance=instance, raise_on_error=False)
print("RUN", result.run_id, "success" if result.success else "failure")
sys.exit(0 if result.success else 1)
"""


def two_runs_at_once(job: str, env: dict[str, str], out_dir: Path,
                     timeout: float = 1500) -> dict[str, tuple[int, str]]:
    """Start two processes each running ``job`` with ``env`` (DAGSTER_HOME, the data dir,
    the mirror...), wait for both; ``{name: (exit code, output)}``. Output goes to files in
    ``out_dir`` (never a pipe a run could block on)."""
    procs, files = {}, {}
    for name in ("a", "b"):
        files[name] = (out_dir / f"{name}.out").open("wb")
        procs[name] = subprocess.Popen([sys.executable, "-c", RUN_JOB, job], cwd=PROJECT,
                                       env=env, stdout=files[name], stderr=subprocess.STDOUT)
    try:
        for p in procs.values():
            p.wait(timeout=timeout)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        for fh in files.values():
            fh.close()
    return {name: (p.returncode, (out_dir / f"{name}.out").read_text(errors="replace"))
            for name, p in procs.items()}


def run_spans(instance: DagsterInstance, run_ids: list[str]) -> list[tuple[float, float]]:
    """``(start, end)`` times (epoch seconds) of the runs ``run_ids`` from ``instance``."""
    records = {r.dagster_run.run_id: r for r in instance.get_run_records()}
    return [(records[i].start_time, records[i].end_time) for i in run_ids]


def run_ids(outputs: dict[str, tuple[int, str]]) -> list[str]:
    """The run ids the two processes printed (``RUN <id> ...`` lines of :data:`RUN_JOB`)."""
    ids = []
    for _, text in outputs.values():
        ids += [line.split()[1] for line in text.splitlines() if line.startswith("RUN ")]
    return ids


def data_dir_problems(data: Path) -> list[str]:
    """What is wrong with ``data`` after runs that overlapped: a Parquet file that does not
    read, a catalog entry whose sha256 or row count is not its file's, a report page
    naming a chart that is not there, a snapshot body not matching its record, a
    temporary file left. Empty when the data dir is whole."""
    problems = []
    published = data / "published"
    for path in published.rglob("*.parquet"):
        try:
            pq.read_table(path)
        except Exception as exc:  # any pyarrow error: the file is not whole
            problems.append(f"{path}: does not read: {exc}")
    catalog = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    for res in catalog["resources"]:
        path = published / res["path"]
        digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != res.get("hash"):
            problems.append(f"catalog: {res['path']} hash {res.get('hash')} is not the "
                            f"file's {digest}")
        if pq.ParquetFile(path).metadata.num_rows != res.get("rows"):
            problems.append(f"catalog: {res['path']} rows {res.get('rows')} differ")
    report = published / "report"
    if (report / "report.html").exists():
        import lxml.html

        page = lxml.html.fromstring((report / "report.html").read_bytes())
        for img in page.iter("img"):
            if not (report / img.get("src")).exists():
                problems.append(f"report: chart {img.get('src')} missing")
    records = list((data / "snapshots").rglob("record.json"))
    if not records:
        problems.append("no snapshot recorded")
    for rec_path in records:
        rec = json.loads(rec_path.read_text(encoding="utf-8"))
        body = (data / "snapshots" / rec["file"]).read_bytes()
        if not (hashlib.sha256(body).hexdigest() == rec["sha256"] == rec_path.parent.name
                and len(body) == rec["bytes"]):
            problems.append(f"snapshot {rec['file']} does not match its record")
    problems += [f"temporary file left: {p}" for p in data.rglob(".*.tmp")]
    return problems


def run_env(home: Path, data: Path, mirror: str, extra: dict[str, str] | None = None
            ) -> dict[str, str]:
    """The environment of a run: the instance ``home``, the data dir, live mode against
    ``mirror`` (other ``AI_NUMBERS_*`` of the test's environment dropped)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AI_NUMBERS_")}
    env.update(DAGSTER_HOME=str(home), AI_NUMBERS_DATA_DIR=str(data),
               AI_NUMBERS_MODE="live", AI_NUMBERS_UPSTREAM_MIRROR=mirror, **(extra or {}))
    return env
