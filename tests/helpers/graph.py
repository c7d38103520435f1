"""The asset graph of the project's Definitions as plain data, for a snapshot test.

``python -m tests.helpers.graph OUT.json`` writes it; ``tests/integration/asset_graph.json``
is the reviewed snapshot (written from the commit before the layout change, 1c9c563, and
equal after it), so a change of lineage shows up in review as a diff of that file.
"""
from __future__ import annotations

import json
import sys


def asset_graph() -> dict:
    """``{"assets": {key: {group, deps, checks, partitioned}}, "jobs": [...],
    "schedules": [...], "sensors": [...]}`` of ``pipelines.definitions.defs``."""
    from pipelines.definitions import defs

    repo = defs.get_repository_def()
    graph = repo.asset_graph
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "checks": sorted(c.name for c in node.check_keys),
            "partitioned": node.is_partitioned,
        }
    return {
        "assets": assets,
        "jobs": sorted(j.name for j in repo.get_all_jobs() if not j.name.startswith("__")),
        "schedules": sorted(s.name for s in repo.schedule_defs),
        "sensors": sorted(s.name for s in repo.sensor_defs),
    }


if __name__ == "__main__":
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        json.dump(asset_graph(), fh, indent=1, sort_keys=True)
        fh.write("\n")
