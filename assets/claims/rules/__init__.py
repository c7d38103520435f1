"""Every claim's rule, by claim id: :data:`RULES`.

Each module of this package registers its rules with :func:`assets.claims.engine.rule` when
imported; importing the package imports them all.
"""
from assets.claims.engine import registered_rules
from assets.claims.rules import models, patents  # noqa: F401 (each registers its rules)

#: Claim id -> rule function.
RULES = registered_rules()
