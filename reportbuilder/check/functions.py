"""The function names the checker knows: the aggregates (expr.aggregates) and the scalar
functions (expr.scalars), each defined by its table entry.

Nothing outside these tables reaches the database: an unknown function is a check error.
"""
from __future__ import annotations

from ..expr.aggregates import AGGREGATES, NUMERIC, ORDERED  # noqa: F401  (re-exported for check)
from ..expr.scalars import SCALARS, callable_scalars, common_type  # noqa: F401

ALL_FUNCTIONS = tuple(sorted(set(AGGREGATES) | set(callable_scalars())))


def known_functions() -> tuple[str, ...]:
    """The names a spec may call, read from the tables now (a test may add an entry)."""
    return tuple(sorted(set(AGGREGATES) | set(callable_scalars())))
