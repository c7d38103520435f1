"""Hostile content (issue #12): YAML with language-specific tags or broken syntax is
refused by safe loading with an error naming the file; names with ``/``, ``..`` or control
characters are never used as paths (snapshot streams, report chart files)."""
from __future__ import annotations

import pytest

import assets.reference.figures as figures
import assets.registry as registry
from assets.claims import engine
from assets.claims.charts import Chart, file_stem, save
from assets.registry import Source
from pipelines.snapshots import SnapshotStore
from pipelines.yamlfile import YamlFileError, load_yaml

PYTHON_TAG = '!!python/object/apply:os.system ["touch {canary}"]\n'


def _python_tagged(tmp_path, name: str, key: str):
    canary = tmp_path / "canary"
    path = tmp_path / name
    path.write_text(f"{key}:\n  - " + PYTHON_TAG.format(canary=canary), encoding="utf-8")
    return path, canary


def test_a_python_tag_is_refused_naming_the_file_and_never_run(tmp_path):
    path, canary = _python_tagged(tmp_path, "sources.yaml", "sources")
    with pytest.raises(YamlFileError, match=r"sources\.yaml, line 2: not safe YAML"):
        load_yaml(path)
    assert not canary.exists()


def test_malformed_yaml_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n  - id: a\n    claim: [unclosed\n", encoding="utf-8")
    with pytest.raises(YamlFileError, match=r"claims\.yaml, line \d+: not safe YAML"):
        load_yaml(path)
    path.write_text("- a list\n- not a mapping\n", encoding="utf-8")
    with pytest.raises(YamlFileError, match=r"claims\.yaml: expected a mapping"):
        load_yaml(path)


def test_every_project_loader_loads_safely(tmp_path, monkeypatch):
    """The registry, claims, reference and benchmark loaders go through safe loading."""
    path, canary = _python_tagged(tmp_path, "sources.yaml", "sources")
    monkeypatch.setattr(registry, "HERE", tmp_path)
    with pytest.raises(YamlFileError, match="sources.yaml"):
        registry._load("sources.yaml", "sources", Source)
    path, _ = _python_tagged(tmp_path, "claims.yaml", "claims")
    monkeypatch.setattr(engine, "CLAIMS_FILE", path)
    with pytest.raises(YamlFileError, match="claims.yaml"):
        engine.load_claims.__wrapped__()
    path, _ = _python_tagged(tmp_path, "model_facts.yaml", "figures")
    monkeypatch.setattr(figures, "HERE", tmp_path)
    with pytest.raises(YamlFileError, match="model_facts.yaml"):
        figures._load.__wrapped__("model_facts")
    assert not canary.exists()


@pytest.mark.parametrize("stream", [
    "hf/../../../outside", "hf/..", "../x", "hf/a\x00b", "hf/a\nb/../..", "hf/\x1b[31m",
    "hf\\..\\..\\x", "/etc/passwd",
])
def test_a_hostile_stream_name_stays_under_the_snapshot_root(tmp_path, stream):
    store = SnapshotStore(tmp_path / "data")
    folder = store._dir(stream)
    root = store.root.resolve()
    assert folder.resolve().is_relative_to(root) and folder.resolve() != root
    assert not any(ord(c) < 32 for c in str(folder.relative_to(store.root)))


def test_ordinary_stream_names_keep_their_folders(tmp_path):
    store = SnapshotStore(tmp_path)
    assert store._dir("hf_model_info/deepseek-ai/DeepSeek-V3") == \
        store.root / "hf_model_info" / "deepseek-ai" / "DeepSeek-V3"
    assert store._dir("livebench/table_2024_11_25.csv") == \
        store.root / "livebench" / "table_2024_11_25.csv"


@pytest.mark.parametrize("claim_id", ["../../escape", "/tmp/x", "a/b", "..", "x\x00y\n"])
def test_a_hostile_claim_id_never_names_a_chart_file_outside_the_report(tmp_path, claim_id):
    from assets.claims.charts import plt
    out = tmp_path / "report" / "charts"
    out.mkdir(parents=True)
    fig, _ = plt().subplots()
    chart = save(Chart(name=claim_id, title="t", alt="a", figure=fig), out)
    assert sorted(p.name for p in out.iterdir()) == sorted(chart.files.values())
    assert all("/" not in f and not f.startswith(".") for f in chart.files.values())
    assert file_stem(claim_id) + ".svg" == chart.files["svg"]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == \
        sorted(chart.files.values())
