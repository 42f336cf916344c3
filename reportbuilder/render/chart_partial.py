"""Which rows of a result belong to a time bucket that is not over yet (a partial period).

A report's `now` falls inside one bucket of its time dimension (this month, this
week...): that bucket's numbers are a few days' worth, not a drop. Its rows (and any
later bucket's) are flagged so that charts draw them dashed or lighter and the HTML
table marks them. The data formats (`json`, `csv`, ...) keep the contract's columns
unchanged: the flag lives only in what is drawn.

Example:
    >>> from datetime import date, datetime
    >>> from reportbuilder.run.result import Result, ResultColumn
    >>> r = Result((ResultColumn("month", "date"), ResultColumn("n", "integer")),
    ...            ((date(2026, 5, 1), 9), (date(2026, 6, 1), 2)), "Europe/Paris")
    >>> partial_rows(r, (("month", "month"),), datetime(2026, 6, 15, 12))
    frozenset({1})
"""
from __future__ import annotations

from datetime import datetime

from reportbuilder.run.result import Result
from reportbuilder.timeframe.buckets import CYCLIC, bucket_start
from reportbuilder.timeframe.zones import utc_to_local


def time_dimension(result: Result, granularities) -> tuple[str, str] | None:
    """(column, granularity) of the result's first calendar time bucket, if any."""
    types = {c.name: c.type for c in result.columns}
    for column, grain in granularities:
        if grain not in CYCLIC and types.get(column) in ("date", "timestamp"):
            return column, grain
    return None


def partial_rows(result: Result, granularities, now_utc: datetime | None, week_start: str = "monday") -> frozenset:
    """Indexes of the rows whose time bucket holds `now_utc` (or starts after it)."""
    found = time_dimension(result, granularities)
    if found is None or now_utc is None:
        return frozenset()
    column, grain = found
    now_local = utc_to_local(now_utc, result.timezone)
    current = bucket_start(now_local, grain, week_start)
    i = result.names.index(column)
    return frozenset(n for n, row in enumerate(result.rows)
                     if row[i] is not None and _local_bucket(row[i], grain, result.timezone) >= current)


def _local_bucket(value, grain: str, tz: str):
    """A bucket value as `bucket_start` writes it: a local datetime for hours (stored as UTC), a date otherwise."""
    if grain == "hour":
        local = utc_to_local(value, tz) if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
        return local.replace(minute=0, second=0, microsecond=0)
    return value.date() if isinstance(value, datetime) else value


def partial_note(granularity: str, how: str) -> str:
    """The sentence a chart or table shows about a partial bucket, `how` it is marked."""
    return f"The current {granularity} is not over yet ({how})"

