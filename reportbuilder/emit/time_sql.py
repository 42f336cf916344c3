"""Time in SQL: stored UTC timestamps seen in the report's zone, and time buckets.

Bucket values match `timeframe.buckets.bucket_values`: a date for day and coarser (the
local start), the UTC instant of the local hour start for `hour` (so the two 01:00 hours
of a fall-back day stay apart), an integer for the cyclic granularities.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlglot import exp

from .nodes import MARKERS, BackToHourStart, utc_to_local

DATE_UNITS = ("day", "week", "month", "quarter", "year")


def local_time(ts: exp.Expression, tz: str) -> exp.Expression:
    """The naive wall-clock time in `tz` of a naive UTC timestamp."""
    ts = _atomic(ts)
    if tz == "UTC":
        return ts
    return utc_to_local(ts, tz)


def _interval(n: int, unit: str) -> exp.Interval:
    return exp.Interval(this=exp.Literal.string(str(n)), unit=exp.Var(this=unit.upper()))


def local_date_trunc(ts: exp.Expression, unit: str, tz: str, week_start: str) -> exp.Expression:
    """The local start of the `unit` holding `ts`, as a DATE (unit is day or coarser)."""
    local = local_time(ts, tz)
    if unit == "week" and week_start == "sunday":
        shifted = exp.Add(this=local, expression=_interval(1, "day"))
        start = exp.Sub(this=exp.TimestampTrunc(this=shifted, unit=exp.Literal.string("WEEK")),
                        expression=_interval(1, "day"))
        return exp.cast(start, exp.DataType.Type.DATE)
    if unit == "day":
        return exp.cast(local, exp.DataType.Type.DATE)
    return exp.cast(exp.TimestampTrunc(this=local, unit=exp.Literal.string(unit.upper())), exp.DataType.Type.DATE)


def _atomic(e: exp.Expression) -> exp.Expression:
    """`e` in parentheses unless it prints as one term (a marker may print as operators:
    AT TIME ZONE steps, a subtraction)."""
    keep = isinstance(e, (exp.Column, exp.Func, exp.Paren)) and not isinstance(e, (exp.Connector, *MARKERS))
    return e if keep else exp.paren(e, copy=False)


def _hour_trunc(e: exp.Expression) -> exp.Expression:
    return exp.TimestampTrunc(this=e, unit=exp.Literal.string("HOUR"))


def _half_hour_dst(tz: str) -> bool:
    """True for zones whose daylight-saving shift is not a whole hour (Australia/Lord_Howe)."""
    zone = ZoneInfo(tz)
    year = datetime.now(timezone.utc).year
    offsets = {zone.utcoffset(datetime(year, month, 1)) for month in (1, 7)}
    return len(offsets) == 2 and abs((max(offsets) - min(offsets)).total_seconds()) % 3600 != 0


def hour_start(ts: exp.Expression, tz: str) -> exp.Expression:
    """The UTC instant at which the local hour holding `ts` began.

    `ts - (local - hour(local))` keeps the two 01:00 hours of a fall-back day apart. Where
    clocks move by half an hour, that instant can show another wall hour; it is then moved
    by the difference, to the end of a spring-forward gap or to the hour's first start.
    """
    if tz == "UTC":
        return _hour_trunc(ts)
    local = local_time(ts, tz)
    start = BackToHourStart(this=_atomic(ts), local=local, trunc=_hour_trunc(local.copy()))
    if not _half_hour_dst(tz):
        return start
    shown = local_time(exp.paren(start.copy(), copy=False), tz)
    drift = exp.Sub(this=_hour_trunc(local_time(ts.copy(), tz)), expression=shown)
    return exp.Add(this=exp.paren(start, copy=False), expression=exp.paren(drift, copy=False))


def bucket(ts: exp.Expression, granularity: str, tz: str, week_start: str) -> exp.Expression:
    """The bucket value of `ts` for a granularity of the spec language."""
    if granularity == "hour":
        return hour_start(ts, tz)
    if granularity in DATE_UNITS:
        return local_date_trunc(ts, granularity, tz, week_start)
    local = local_time(ts, tz)
    if granularity == "hour_of_day":
        return exp.func("hour", local)
    if granularity == "day_of_week":
        return exp.DayOfWeekIso(this=local)
    if granularity == "month_of_year":
        return exp.func("month", local)
    raise ValueError(granularity)
