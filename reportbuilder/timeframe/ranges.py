"""Date ranges: presets and explicit from/to values, half-open [start, end) in local time.

A `LocalRange` holds naive wall-clock times in the report's zone (None = unbounded);
`range_to_utc` turns it into the UTC instants the SQL compares with.

Presets ("today" is the local date of `now` in the report's zone):

    today, yesterday            [today, today+1d), [today-1d, today)
    this_week|month|quarter|year  [start of the unit, today+1d)  (runs to the end of today)
    month|quarter|year_to_date  the same as this_month|quarter|year
    last_week|month|quarter|year  the previous full unit
    last_N_days|weeks|months|quarters|years  (any N >= 1, named ones below included)
                                [today - N units, today)  (today excluded; months clamp the day)
    last_7_days, last_14_days, last_30_days, last_4_weeks, last_3_months, last_12_months
    all_time                    unbounded

Example:
    >>> preset_range("last_3_months", datetime(2025, 5, 31, 12), "UTC")
    LocalRange(start=datetime.datetime(2025, 2, 28, 0, 0), end=datetime.datetime(2025, 5, 31, 0, 0))
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from .units import add_units, start_of
from .zones import local_date, local_to_utc, utc_to_local

PRESETS = (
    "today", "yesterday",
    "this_week", "last_week", "this_month", "last_month",
    "this_quarter", "last_quarter", "this_year", "last_year",
    "last_7_days", "last_14_days", "last_30_days", "last_4_weeks",
    "last_3_months", "last_12_months",
    "month_to_date", "quarter_to_date", "year_to_date",
    "all_time",
)

# The unit of each preset that covers the current unit so far (it ends with today).
PARTIAL_PRESETS = {
    "this_week": "week",
    "this_month": "month", "month_to_date": "month",
    "this_quarter": "quarter", "quarter_to_date": "quarter",
    "this_year": "year", "year_to_date": "year",
}

_PREVIOUS_UNIT = {"last_week": "week", "last_month": "month", "last_quarter": "quarter", "last_year": "year"}
_LAST_N = re.compile(r"last_([1-9][0-9]*)_(day|week|month|quarter|year)s")


@dataclass(frozen=True)
class LocalRange:
    """A half-open range [start, end) of local wall-clock times; None = unbounded.

    An explicit value written with an offset stays an aware datetime and is
    converted exactly by `range_to_utc`.
    """

    start: datetime | None
    end: datetime | None

    def __post_init__(self):
        for value in (self.start, self.end):
            if value is not None and not isinstance(value, datetime):
                raise TypeError(f"range bounds are datetimes or None, not {value!r}")

    @property
    def bounded(self) -> bool:
        """True when both ends are set."""
        return self.start is not None and self.end is not None


def is_preset(name: str) -> bool:
    """True for a contract preset or any `last_N_days|weeks|months|quarters|years`."""
    return isinstance(name, str) and (name in PRESETS or _LAST_N.fullmatch(name) is not None)


def preset_range(preset: str, now_utc: datetime, tz: str, week_start: str = "monday") -> LocalRange:
    """The local range a preset names at the instant `now_utc` (naive UTC or aware): only its local date
    is read, and not at all for `all_time` (so a compile's entry can be kept on the wall clock's now for
    the day, or for good: watched_now.py)."""
    if preset == "all_time":
        return LocalRange(None, None)
    today = local_date(now_utc, tz)
    tomorrow = today + timedelta(days=1)
    if preset == "today":
        return _days(today, tomorrow)
    if preset == "yesterday":
        return _days(today - timedelta(days=1), today)
    if preset in PARTIAL_PRESETS:
        return _days(start_of(today, PARTIAL_PRESETS[preset], week_start), tomorrow)
    if preset in _PREVIOUS_UNIT:
        unit = _PREVIOUS_UNIT[preset]
        current = start_of(today, unit, week_start)
        return _days(add_units(current, unit, -1), current)
    match = _LAST_N.fullmatch(preset)
    if match:
        return _days(add_units(today, match[2], -int(match[1])), today)
    raise ValueError(_unknown_preset_message(preset))


def explicit_range(start, end) -> LocalRange:
    """The range [start, end) from YAML/CLI values (None = unbounded on that side).

    A `date` (or 'YYYY-MM-DD') is local midnight; a naive `datetime` (or
    '2025-03-28T10:00:00', '2025-03-28 10:00') is local wall time; a value with an
    offset or Z stays aware and is converted exactly by `range_to_utc`.
    """
    r = LocalRange(_bound("from", start), _bound("to", end))
    # A naive and an aware bound can only be ordered in a zone: range_to_utc checks them.
    if r.bounded and (r.start.tzinfo is None) == (r.end.tzinfo is None) and r.start > r.end:
        raise ValueError(_order_message(r))
    return r


def range_to_utc(r: LocalRange, tz: str) -> tuple[datetime | None, datetime | None]:
    """The range's ends as naive UTC instants (None stays None)."""
    start, end = _to_utc(r.start, tz), _to_utc(r.end, tz)
    if start is not None and end is not None and start > end:
        raise ValueError(_order_message(r))
    return start, end


def localize(r: LocalRange, tz: str) -> LocalRange:
    """The range with aware bounds turned into naive wall time in `tz` (a repeated
    fall-back time keeps `fold=1`, so `range_to_utc` gives back the same instants)."""
    return LocalRange(_to_local(r.start, tz), _to_local(r.end, tz))


def _to_local(value: datetime | None, tz: str) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return utc_to_local(value, tz)


def _to_utc(value: datetime | None, tz: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return local_to_utc(value, tz)
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _bound(side: str, value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        f"{side}: cannot read {value!r} as a date or timestamp "
        "(expected ISO 8601, e.g. 2025-03-28 or 2025-03-28T10:00:00)"
    )


def _days(start: date, end: date) -> LocalRange:
    return LocalRange(datetime.combine(start, time()), datetime.combine(end, time()))


def _order_message(r: LocalRange) -> str:
    return f"from {r.start.isoformat()} is after to {r.end.isoformat()}"


def _unknown_preset_message(preset: str) -> str:
    message = f"unknown date preset {preset!r}"
    suggestions = difflib.get_close_matches(str(preset), PRESETS, n=3)
    if suggestions:
        message += f" (did you mean {' or '.join(suggestions)}?)"
    return message + "; presets are " + ", ".join(PRESETS) + " and last_N_days|weeks|months|quarters|years"
