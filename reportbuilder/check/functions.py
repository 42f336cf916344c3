"""The scalar functions of the expression language: names, arities and result types
(the aggregates are in expr.aggregates).

Nothing outside these tables reaches the database: an unknown function is a check error.
"""
from __future__ import annotations

from ..expr.aggregates import AGGREGATES, NUMERIC, ORDERED

ROUND_PLACES = 12  # round(x, n): n is a whole-number literal from 0 to this

SCALARS = {
    "coalesce": (1, 16),
    "if": (3, 3),
    "lower": (1, 1),
    "upper": (1, 1),
    "length": (1, 1),
    "concat": (1, 16),
    "now": (0, 0),
    "sla_due_soon_until": (0, 0),
    "today": (0, 0),
    "date_trunc": (2, 2),
    "date": (1, 1),
    "hour": (1, 1),
    "day_of_week": (1, 1),
    "month": (1, 1),
    "year": (1, 1),
    "minutes": (1, 1),
    "hours": (1, 1),
    "days": (1, 1),
    "round": (1, 2),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceil": (1, 1),
    "greatest": (2, 16),
    "least": (2, 16),
    "nullif": (2, 2),
    "business_seconds": (2, 3),
    "business_add": (2, 3),
}
BUSINESS = ("business_seconds", "business_add")  # last argument: a calendar name (a string literal)
TRUNC_UNITS = ("hour", "day", "week", "month", "quarter", "year")
ALL_FUNCTIONS = tuple(sorted(set(AGGREGATES) | set(SCALARS)))


def scalar_type(name: str, arg_types: list[str]) -> str | None:
    """The result type of a scalar call, or None when the argument types do not fit."""
    first = arg_types[0] if arg_types else None
    if name in ("lower", "upper"):
        return "text" if first in ("text", "null") else None
    if name in ("length",):
        return "integer" if first in ("text", "null") else None
    if name == "concat":
        return "text"
    if name in ("now", "sla_due_soon_until"):
        return "timestamp"
    if name == "today":
        return "date"
    if name == "date":
        return "date" if first in ("timestamp", "date", "null") else None
    if name in ("hour", "day_of_week", "month", "year"):
        if name == "hour" and first == "date":
            return None
        return "integer" if first in ("timestamp", "date", "null") else None
    if name in ("minutes", "hours", "days", "round", "floor", "ceil"):
        ok = first in NUMERIC + ("null",) and all(t in NUMERIC for t in arg_types[1:])
        return "number" if ok else None
    if name == "abs":
        return first if first in NUMERIC else ("number" if first == "null" else None)
    if name == "business_seconds":
        return "number" if all(t in ("timestamp", "null") for t in arg_types[:2]) else None
    if name == "business_add":
        ok = first in ("timestamp", "null") and arg_types[1] in NUMERIC + ("null",)
        return "timestamp" if ok else None
    if name in ("coalesce", "greatest", "least", "nullif"):
        return common_type(arg_types)
    if name == "if":
        return common_type(arg_types[1:]) if arg_types[0] in ("boolean", "null") else None
    return None


def common_type(types: list[str]) -> str | None:
    """The type that values of all `types` share (null fits anything; integer widens to number)."""
    known = [t for t in types if t != "null"]
    if not known:
        return "null"
    if all(t in NUMERIC for t in known):
        return "integer" if all(t == "integer" for t in known) else "number"
    if all(t == known[0] for t in known):
        return known[0]
    if set(known) <= {"timestamp", "date"}:
        return "timestamp"
    return None
