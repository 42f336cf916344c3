"""Python values -> sqlglot literals (the only way a value of a spec reaches SQL)."""
from __future__ import annotations

from datetime import date, datetime

from sqlglot import exp


def sql_literal(value, kind: str | None = None) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.Type.TIMESTAMP)
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if kind == "interval":
        return exp.Interval(this=exp.Literal.string(str(value)))
    if isinstance(value, (int, float)):
        return exp.Literal.number(repr(value) if isinstance(value, float) else str(value))
    return exp.Literal.string(str(value))
