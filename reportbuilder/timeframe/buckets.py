"""Time buckets: the bucket of one local time, every bucket of a range and every
combination of several granularities' buckets (for gap filling), and the preceding
range a comparison reads, aligned bucket by bucket.

A bucket's value is its start in the report's zone: a `date` for day and coarser,
a naive local datetime for `hour` (`bucket_values` gives hours as UTC instants,
so that a repeated fall-back hour is two buckets). Cyclic granularities are ints:
hour_of_day 0-23, day_of_week 1 = Monday .. 7 = Sunday (whatever the week start),
month_of_year 1-12.

Example:
    >>> bucket_values("day", LocalRange(datetime(2025, 3, 29), datetime(2025, 3, 31)), "Europe/Paris")
    [datetime.date(2025, 3, 29), datetime.date(2025, 3, 30)]
    >>> len(bucket_values("hour", LocalRange(datetime(2025, 3, 30), datetime(2025, 3, 31)), "Europe/Paris"))
    23
    >>> bucket_grid(["week", "day_of_week"], LocalRange(datetime(2025, 3, 7), datetime(2025, 3, 11)), "UTC")
    [(datetime.date(2025, 3, 3), 5), (datetime.date(2025, 3, 3), 6), (datetime.date(2025, 3, 3), 7), \
(datetime.date(2025, 3, 10), 1)]
"""
from __future__ import annotations

import difflib
from datetime import date, datetime, time, timedelta
from itertools import product, zip_longest

from .ranges import PARTIAL_PRESETS, LocalRange, localize, range_to_utc
from .units import add_months, add_units, months_between, start_of
from .zones import local_instants, local_to_utc, utc_to_local

GRANULARITIES = ("hour", "day", "week", "month", "quarter", "year",
                 "hour_of_day", "day_of_week", "month_of_year")
CYCLIC = ("hour_of_day", "day_of_week", "month_of_year")
MAX_BUCKETS = 200_000  # gap filling lists at most this many buckets
COMPARE_MODES = ("previous_period", "previous_year")
_STEPS_PER_DAY = {"hour": 24, "day": 1, "week": 1 / 7, "month": 1 / 28, "quarter": 1 / 89, "year": 1 / 365}

_CYCLES = {"hour_of_day": range(24), "day_of_week": range(1, 8), "month_of_year": range(1, 13)}
_HOUR = timedelta(hours=1)
# Fall-backs repeat at most two hours of wall time, so an hour starting before the
# range's end shows a wall time at most this much after the end's.
_FALL_BACK_SLACK = timedelta(hours=2)


def bucket_start(local: datetime, granularity: str, week_start: str = "monday"):
    """The bucket of the local time `local` (a `date` will do for day and coarser)."""
    if granularity == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    if granularity == "hour_of_day":
        return local.hour
    if granularity == "day_of_week":
        return local.isoweekday()
    if granularity == "month_of_year":
        return local.month
    _check_granularity(granularity)
    day = local.date() if isinstance(local, datetime) else local
    return start_of(day, granularity, week_start)


def bucket_values(granularity: str, r: LocalRange, tz: str, week_start: str = "monday") -> list:
    """Every bucket that overlaps `r`, in order: the rows gap filling must show.

    `hour` gives the UTC instant of each local hour start (23 on a spring-forward
    day, 25 on a fall-back day); day and coarser give the bucket start dates (the
    first may be before r.start); a cyclic granularity gives its whole cycle.
    """
    _check_granularity(granularity)
    if granularity in CYCLIC:
        return list(_CYCLES[granularity])
    if not r.bounded:
        raise ValueError(f"{granularity} buckets need a bounded date range")
    start_utc, end_utc = range_to_utc(r, tz)
    if start_utc == end_utc:
        return []
    if granularity == "hour":
        return _hour_starts(start_utc, end_utc, tz)
    return _date_buckets(granularity, localize(r, tz), week_start)


def grid_unit(granularities) -> str:
    """The step `bucket_grid` walks a range by: fine enough that each step lies in one
    bucket of every granularity (hour, day, or the finest calendar unit; a week that
    meets a month, quarter or year is walked by days, since weeks straddle them)."""
    chosen = set(granularities)
    if chosen & {"hour", "hour_of_day"}:
        return "hour"
    if chosen & {"day", "day_of_week"} or ("week" in chosen and chosen & {"month", "quarter", "year", "month_of_year"}):
        return "day"
    calendar = {"month_of_year": "month"}
    return next(u for u in ("week", "month", "quarter", "year") if u in {calendar.get(g, g) for g in chosen})


def bucket_estimate(unit: str, start: datetime, end: datetime) -> int:
    """At least how many `unit` steps (of `grid_unit`) a range from `start` to `end` holds,
    counted before listing any: the one measure the bucket limit `MAX_BUCKETS` is checked
    against (check, with the spec's position; build, for a range check did not see). It
    is never below the count `bucket_grid` lists (a day of slack covers DST and partial ends).

    >>> bucket_estimate("hour", datetime(2025, 1, 1), datetime(2025, 1, 2))
    48
    """
    days = int((end - start).total_seconds() // 86400) + 1
    return days * 24 if unit == "hour" else int(days * _STEPS_PER_DAY[unit]) + 2  # + both partial ends


def bucket_grid(granularities, r: LocalRange, tz: str, week_start: str = "monday") -> list[tuple]:
    """Every combination of buckets (one per granularity, in order) that gap filling must show.

    Cyclic granularities alone: every combination of their whole cycles, whatever the
    range (`[day_of_week, hour_of_day]`: 168). With a calendar granularity (the range must
    be bounded): the combinations some moment of `r` falls in, so the pairs agree with
    each other (`[day, hour]` over a 23-hour spring-forward day: 23 pairs; `[week,
    day_of_week]` over a range from a Friday: Friday to Sunday of the first week).
    """
    for g in granularities:
        _check_granularity(g)
    if all(g in CYCLIC for g in granularities):
        return list(product(*(_CYCLES[g] for g in granularities)))
    unit = grid_unit(granularities)
    if unit == "hour":
        moments = [(start, utc_to_local(start, tz)) for start in bucket_values("hour", r, tz)]
    else:
        moments = [(day, day) for day in bucket_values(unit, r, tz, week_start)]
    combos = (tuple(instant if g == "hour" else bucket_start(local, g, week_start) for g in granularities)
              for instant, local in moments)
    return list(dict.fromkeys(combos))


def previous_range(r: LocalRange, mode: str, preset: str | None = None) -> LocalRange:
    """The range `compare: mode` reads for the (bounded, local) range `r`.

    - previous_year: the same range one year earlier (Feb 29 becomes Feb 28).
    - previous_period, for a partial current unit (`preset` is this_week|month|
      quarter|year or month|quarter|year_to_date): the start of the previous unit
      up to the same day in it (clamped to its end): month_to_date on 2025-06-16,
      [06-01, 06-17), reads [05-01, 05-17); on 2025-03-30 it reads [02-01, 03-01).
    - previous_period, when both ends are the 1st at 00:00 (whole months,
      quarters, years): the range shifted back by that many months.
    - previous_period otherwise: the range shifted back by its wall-clock length,
      so a range of local days maps to as many local days, across DST too.
    Bounds with an offset must go through `localize` first.
    """
    if not r.bounded:
        raise ValueError("a comparison needs a bounded date range")
    if mode == "previous_year":
        return LocalRange(_shift_months(r.start, -12), _shift_months(r.end, -12))
    if mode != "previous_period":
        hint = difflib.get_close_matches(str(mode), COMPARE_MODES, n=1)
        did_you_mean = f" (did you mean {hint[0]}?)" if hint else ""
        raise ValueError(f"unknown compare mode {mode!r}{did_you_mean}; expected previous_period or previous_year")
    if preset in PARTIAL_PRESETS:
        return _previous_partial(r, PARTIAL_PRESETS[preset])
    if _is_month_start(r.start) and _is_month_start(r.end):
        months = months_between(r.start, r.end)
        return LocalRange(_shift_months(r.start, -months), r.start)
    return LocalRange(r.start - (r.end - r.start), r.start)


def align_buckets(current: list, previous: list) -> list[tuple]:
    """Pairs the i-th current bucket with the i-th previous one; the longer list's
    tail pairs with None ((None, p) is a previous bucket no current row shows)."""
    return list(zip_longest(current, previous))


def _hour_starts(start_utc: datetime, end_utc: datetime, tz: str) -> list[datetime]:
    """UTC instants of the local hour starts whose hour overlaps [start_utc, end_utc)."""
    starts = []
    wall = bucket_start(utc_to_local(start_utc, tz), "hour")
    last_wall = utc_to_local(end_utc, tz) + _FALL_BACK_SLACK
    while wall <= last_wall:
        starts.extend(_instants_of_hour(wall, tz))
        wall += _HOUR
    before = [s for s in starts if s <= start_utc]
    inside = [s for s in starts if start_utc < s < end_utc]
    return before[-1:] + inside


def _instants_of_hour(wall: datetime, tz: str) -> list[datetime]:
    """The instants that start the local hour `wall`: its occurrences, or, when a
    gap swallows its start but not the whole hour, the end of the gap."""
    instants = local_instants(wall, tz)
    if instants:
        return instants
    after_gap = local_to_utc(wall, tz)
    return [after_gap] if utc_to_local(after_gap, tz) < wall + _HOUR else []


def _date_buckets(unit: str, r: LocalRange, week_start: str) -> list[date]:
    last_day = r.end.date() if r.end.time() != time.min else r.end.date() - timedelta(days=1)
    buckets = []
    bucket = start_of(r.start.date(), unit, week_start)
    while bucket <= last_day:
        buckets.append(bucket)
        bucket = add_units(bucket, unit, 1)
    return buckets


def _previous_partial(r: LocalRange, unit: str) -> LocalRange:
    """The previous unit up to the same day (the day clamped by `add_units`)."""
    last_day = r.end.date() - timedelta(days=1)
    start = add_units(r.start.date(), unit, -1)
    end = add_units(last_day, unit, -1) + timedelta(days=1)
    return LocalRange(datetime.combine(start, time.min), datetime.combine(end, time.min))


def _shift_months(value: datetime, months: int) -> datetime:
    day = add_months(value.date(), months)
    return value.replace(year=day.year, month=day.month, day=day.day)


def _is_month_start(value: datetime) -> bool:
    return value.day == 1 and value.time() == time.min


def _check_granularity(granularity: str) -> None:
    if granularity not in GRANULARITIES:
        hint = difflib.get_close_matches(str(granularity), GRANULARITIES, n=1)
        did_you_mean = f" (did you mean {hint[0]}?)" if hint else ""
        raise ValueError(f"unknown granularity {granularity!r}{did_you_mean}")
