"""Typed literals: intervals, and date/timestamp strings read in the report's time zone."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from ..timeframe.zones import local_to_utc

_INTERVAL_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day|week|month|quarter|year)s?\s*", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_interval(text: str) -> tuple[tuple[float, str], ...] | None:
    """'1 day 2 hours' -> ((1, 'day'), (2, 'hour')); None if it is not an interval."""
    parts, pos = [], 0
    while pos < len(text):
        m = _INTERVAL_PART.match(text, pos)
        if not m or m.end() == pos:
            return None
        number = float(m.group(1))
        parts.append((int(number) if number.is_integer() else number, m.group(2).lower()))
        pos = m.end()
    return tuple(parts) or None


def parse_moment(value, tz: str) -> tuple[str, object] | None:
    """A date or timestamp string/value -> ('date', date) or ('timestamp', naive UTC datetime).

    A bare date or a timestamp without offset is wall time in `tz`; an offset (or Z) is exact.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return "date", value
    elif isinstance(value, str):
        text = value.strip()
        if _DATE.match(text):
            try:
                return "date", date.fromisoformat(text)
            except ValueError:
                return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is not None:
        return "timestamp", moment.astimezone(timezone.utc).replace(tzinfo=None)
    return "timestamp", local_to_utc(moment, tz)


def midnight_utc(day: date, tz: str) -> datetime:
    """The UTC instant of local midnight starting `day` in `tz`."""
    return local_to_utc(datetime(day.year, day.month, day.day), tz)
