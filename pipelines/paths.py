"""Names from upstream (model repos, file names, version keys) made into safe paths.

A name may hold ``/``, ``..``, a backslash or control characters (a hostile model name, a
file name in a listing). :func:`confined` turns a ``/``-separated name into a path that
stays under a root; :func:`partition_folder` turns a partition key into one hive folder
name (``column=key``) that pyarrow decodes back to the key.
"""
from __future__ import annotations

import re
from pathlib import Path

#: Characters never used in a folder name: C0/C1 control characters and DEL.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Characters percent-encoded in a partition folder name: ``%`` itself, ``/``, ``\``,
#: control characters (pyarrow's hive partitioning decodes ``%XX``).
_PARTITION_UNSAFE = re.compile(r"[%/\\\x00-\x1f\x7f-\x9f]")


def confined(root, name: str):
    """``root`` (a local ``Path``, or a ``UPath`` on object storage) joined with the
    ``/``-separated ``name``: each part kept as one folder or file name, with control
    characters, backslashes and ``..`` replaced by ``_`` and empty or ``.`` parts dropped
    (locally also checked, links resolved, to stay inside ``root``).

    Raises:
        ValueError: ``name`` has no usable part, or would still leave ``root`` (names it).
    """
    parts = [CONTROL.sub("_", part).replace("\\", "_").replace("..", "_")
             for part in name.split("/")]
    parts = [p for p in parts if p.strip() not in ("", ".")]
    if not parts:
        raise ValueError(f"{name!r} names no file or folder")
    if not isinstance(root, Path):   # object storage (a UPath): no links to follow
        return root.joinpath(*parts)
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"{name!r} leaves {root}")
    return path


def partition_folder(column: str, key: str) -> str:
    """The hive folder name of partition ``key`` of a table partitioned by ``column``:
    ``column=key``, with ``%``, ``/``, ``\\`` and control characters of ``key``
    percent-encoded (``/`` as ``%2F``), so it is one folder inside the table's.

    >>> partition_folder("arena_version", "../../etc/x")
    'arena_version=..%2F..%2Fetc%2Fx'
    """
    return f"{column}=" + _PARTITION_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", key)
