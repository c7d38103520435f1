"""The data store (pipelines.store): a local folder stays a pathlib.Path, a URL becomes a
UPath on its fsspec filesystem, and writes to either are whole. Object storage here is
fsspec's in-memory filesystem (``memory://``), a real fsspec backend living in the process;
the S3 server tests are in tests/integration/test_object_storage.py."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from upath import UPath

from pipelines.runlock import lock_path, sweep_temporary_files
from pipelines.settings import (
    PipelineSettings,
    SettingsError,
    check_writable,
    env_data_dir,
)
from pipelines.snapshots import SnapshotStore, atomic_write
from pipelines.store import (
    StoreError,
    as_store_path,
    data_root,
    env_storage_options,
    is_local,
    is_url,
    read_parquet,
)


@pytest.mark.parametrize("value, url", [
    ("s3://bucket/prefix", True), ("gs://b/p", True), ("memory://x", True),
    ("data", False), ("/srv/data", False), ("file:///srv/data", False), ("C:\\data", False),
])
def test_is_url_tells_object_storage_from_a_folder(value, url):
    assert is_url(value) is url


def test_a_local_data_dir_stays_a_plain_path(tmp_path, monkeypatch):
    monkeypatch.setenv("AI_NUMBERS_DATA_DIR", str(tmp_path / "d"))
    assert env_data_dir() == str(tmp_path / "d")
    root = PipelineSettings().effective_data_dir()
    assert type(root) is type(tmp_path) and root == tmp_path / "d"
    assert as_store_path(UPath(tmp_path / "x")) == tmp_path / "x"
    assert type(as_store_path(UPath(tmp_path / "x"))) is type(tmp_path)


def test_a_url_data_dir_is_a_upath_with_the_storage_options(monkeypatch):
    monkeypatch.setenv("AI_NUMBERS_DATA_DIR", "memory://store-test/data/")
    monkeypatch.setenv("AI_NUMBERS_STORAGE_OPTIONS", json.dumps({"skip_instance_cache": True}))
    assert env_data_dir() == "memory://store-test/data"  # not resolved against the cwd
    root = PipelineSettings().effective_data_dir()
    assert isinstance(root, UPath) and not is_local(root)
    assert root.protocol == "memory"
    assert root.storage_options.get("skip_instance_cache") is True


@pytest.mark.parametrize("raw, says", [("{not json", "not JSON"), ("[1, 2]", "JSON object")])
def test_bad_storage_options_name_the_variable(monkeypatch, raw, says):
    monkeypatch.setenv("AI_NUMBERS_STORAGE_OPTIONS", raw)
    with pytest.raises(StoreError, match=f"AI_NUMBERS_STORAGE_OPTIONS.*{says}"):
        env_storage_options()
    with pytest.raises(SettingsError, match="AI_NUMBERS_STORAGE_OPTIONS"):
        check_writable("memory://store-test/bad-options")


def test_an_unknown_protocol_is_a_settings_error_naming_the_url():
    with pytest.raises(SettingsError, match="nosuchprotocol://b/p"):
        check_writable("nosuchprotocol://b/p")


def test_writes_and_reads_through_the_store_on_object_storage():
    root = data_root("memory://store-test/rw")
    check_writable(root)  # a probe object, removed again
    assert not list(root.rglob("*"))
    atomic_write(root / "status" / "a.json", b"[1]")
    atomic_write(root / "status" / "a.json", b"[2]")
    assert (root / "status" / "a.json").read_bytes() == b"[2]"
    # no temporary object beside it: the object is put whole, never renamed into place
    assert [p.name for p in root.rglob("*") if p.is_file()] == ["a.json"]
    df = pd.DataFrame({"k": ["x", "y"], "v": [1.5, None]})
    assert is_local(Path("/srv/data"))
    buf = io.BytesIO()
    df.to_parquet(buf)
    atomic_write(root / "t.parquet", buf.getvalue())
    back = read_parquet(root / "t.parquet")
    pd.testing.assert_frame_equal(back, df)
    with pytest.raises(FileNotFoundError):
        read_parquet(root / "missing.parquet")


def test_the_snapshot_store_on_object_storage():
    from types import SimpleNamespace

    store = SnapshotStore("memory://store-test/snaps")
    result = SimpleNamespace(body=b"bytes as fetched", url="https://example.org/f",
                             content_type="text/plain", etag=None, last_modified=None,
                             http_status=200, link=None)
    record, created = store.save("src/sub", "src", result, "CC-BY-4.0")
    assert created and store.read(record) == b"bytes as fetched" and store.verify(record)
    assert store.save("src/sub", "src", result, "CC-BY-4.0") == (record, False)
    assert [r.sha256 for r in store.records("src/sub")] == [record.sha256]
    escaped = store._dir("../../escape")  # a hostile stream name stays under the root
    assert escaped == store.root / "_" / "_" / "escape"
    moved = store.quarantine(record)
    assert ".altered-" in moved and store.records("src/sub") == []


def test_the_lock_of_a_url_is_a_local_file_named_after_it(tmp_path):
    one, other = lock_path("s3://b/one"), lock_path("s3://b/other")
    assert one != other and one == lock_path("s3://b/one/")
    assert is_local(one) and one.name.endswith(".lock")
    assert lock_path(tmp_path) == tmp_path / ".run.lock"
    assert sweep_temporary_files(data_root("memory://store-test/none")) == []


@pytest.mark.parametrize("where", ["local", "memory://store-open/snaps"])
def test_a_snapshot_opens_as_a_file_verified_and_refused_once_altered(tmp_path, where):
    """``SnapshotStore.open`` (what a streaming parser gets: the patent step's 1790 zip)
    checks the sha256 in a streaming pass, hands a seekable file, and refuses a body
    altered after it was recorded, naming the file."""
    from types import SimpleNamespace

    store = SnapshotStore(tmp_path / "snaps" if where == "local" else where)
    result = SimpleNamespace(body=b"PK as fetched", url="https://example.org/f.zip",
                             content_type="application/zip", etag=None, last_modified=None,
                             http_status=200, link=None)
    record, _ = store.save("src", "src", result, "CC-BY-4.0")
    with store.open(record) as fh:
        fh.seek(3)
        assert fh.read() == b"as fetched"
    (store.root / record.file).write_bytes(b"PK as altered")
    with pytest.raises(ValueError, match="altered") as err:
        store.open(record)
    assert record.file in str(err.value)
