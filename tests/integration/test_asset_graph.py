"""The asset graph (keys, groups, dependencies, checks, partitions, jobs, schedules, sensors)
equals its reviewed snapshot ``asset_graph.json``: a change of lineage is a diff in review.

The snapshot was written from the commit before the layout change and is unchanged by it:
asset keys stay ``[layer, name]``, so existing instances keep their history. A deliberate
change of the graph rewrites it with ``python -m tests.helpers.graph
tests/integration/asset_graph.json``.
"""
from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.graph import asset_graph

SNAPSHOT = Path(__file__).with_name("asset_graph.json")


def test_asset_graph_equals_its_snapshot():
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    actual = asset_graph()
    changed = sorted(k for k in set(expected["assets"]) | set(actual["assets"])
                     if expected["assets"].get(k) != actual["assets"].get(k))
    assert changed == [], f"assets whose lineage, group or checks changed: {changed}"
    assert {k: v for k, v in actual.items() if k != "assets"} == \
        {k: v for k, v in expected.items() if k != "assets"}


def test_every_asset_key_has_a_layer_and_a_name():
    assert all(len(key.split("/")) == 2 and key.split("/")[0] in ("snapshot", "published")
               for key in asset_graph()["assets"])
