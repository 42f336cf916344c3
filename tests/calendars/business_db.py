"""Evaluate business_seconds / business_add SQL on DuckDB for literal instants (test helper)."""
from __future__ import annotations

from datetime import datetime

import duckdb
from sqlglot import exp

from reportbuilder.emit.literals import sql_literal
from reportbuilder.calendars.model import ALWAYS_CALENDAR, BusinessHours, Calendar
from reportbuilder.calendars.sql import BusinessSql

NOW = datetime(2025, 6, 30, 12)


def week(**days) -> tuple:
    """hours per weekday from mon=["09:00-18:00"] style keyword arguments."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    out = []
    for name in names:
        out.append(tuple((int(a[:2]) * 60 + int(a[3:5]), int(a[6:8]) * 60 + int(a[9:11])) for a in days.get(name, ())))
    return tuple(out)


def evaluate(cal: Calendar, calls: list[tuple], dialect: str = "duckdb") -> list:
    """Each call ('seconds', a, b) or ('add', a, s) with naive UTC datetimes -> its value."""
    business = BusinessHours((ALWAYS_CALENDAR, cal), cal.name)
    sql = BusinessSql(business, NOW)
    columns = []
    for i, (kind, first, second) in enumerate(calls):
        a = exp.cast(sql_literal(first), exp.DataType.Type.TIMESTAMP)
        if kind == "seconds":
            value = sql.seconds(a, exp.cast(sql_literal(second), exp.DataType.Type.TIMESTAMP), cal.name)
        else:
            value = sql.add(a, sql_literal(second), cal.name)
        columns.append(exp.alias_(value, f"c{i}"))
    select = exp.select(*columns)
    for name, cte in sql.ctes():
        select = select.with_(name, as_=cte)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return list(con.execute(select.sql(dialect)).fetchone())
