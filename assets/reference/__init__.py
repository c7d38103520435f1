"""The reference domain: curated figures with citations (:mod:`assets.reference.figures`),
their check against primary sources (:mod:`assets.reference.agreement`), specs in
:mod:`assets.reference.tables`, Dagster definitions in :mod:`assets.reference.assets`."""
from assets.reference.figures import load_reference

__all__ = ["load_reference"]
