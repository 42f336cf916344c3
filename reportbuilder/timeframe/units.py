"""Calendar units on plain dates: the start of a day, week, month, quarter or year,
and moving by whole units (months clamp the day: 2025-05-31 minus 3 months is 2025-02-28).

Example:
    >>> start_of(date(2025, 1, 1), "week")
    datetime.date(2024, 12, 30)
    >>> add_units(date(2024, 2, 29), "year", -1)
    datetime.date(2023, 2, 28)
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

UNITS = ("day", "week", "month", "quarter", "year")
WEEK_STARTS = ("monday", "sunday")

_MONTHS_PER_UNIT = {"month": 1, "quarter": 3, "year": 12}


def start_of(day: date, unit: str, week_start: str = "monday") -> date:
    """The first day of the `unit` that contains `day`."""
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=_days_into_week(day, week_start))
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return date(day.year, day.month - (day.month - 1) % 3, 1)
    if unit == "year":
        return date(day.year, 1, 1)
    raise ValueError(f"unknown calendar unit {unit!r} (expected one of {', '.join(UNITS)})")


def add_units(day: date, unit: str, n: int) -> date:
    """`day` moved by `n` units (negative: back); month-based units clamp the day."""
    if unit == "day":
        return day + timedelta(days=n)
    if unit == "week":
        return day + timedelta(weeks=n)
    if unit in _MONTHS_PER_UNIT:
        return add_months(day, n * _MONTHS_PER_UNIT[unit])
    raise ValueError(f"unknown calendar unit {unit!r} (expected one of {', '.join(UNITS)})")


def add_months(day: date, n: int) -> date:
    """`day` moved by `n` months, the day clamped to the target month's length."""
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end`, both taken as month starts."""
    return (end.year - start.year) * 12 + end.month - start.month


def _days_into_week(day: date, week_start: str) -> int:
    if week_start == "monday":
        return day.weekday()
    if week_start == "sunday":
        return day.isoweekday() % 7
    raise ValueError(f"unknown week_start {week_start!r} (expected monday or sunday)")
