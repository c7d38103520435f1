"""Every claim's rule, by claim id: :data:`RULES`.

Each module of this package registers its rules with :func:`assets.claims.engine.rule` when
imported; importing the package imports them all.
"""
from assets.claims.engine import registered_rules
from assets.claims.rules import comparisons, compute, models, patents, shares  # noqa: F401 (each registers)

#: Claim id -> rule function.
RULES = registered_rules()
