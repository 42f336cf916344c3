"""Typed result values as JSON values (for machines) and as display text (for people).

JSON values: timestamps (naive UTC instants) become ISO-8601 in the report's time
zone with its offset, dates `YYYY-MM-DD`, `Decimal`s ints when integral else
floats, NaN and infinities null; other numbers, booleans and text are kept.
Display text adds thousands separators (at most 2 decimals), durations (`3d 4h`)
for `seconds` columns and for numbers named `*_minutes`, `*_hours`, `*_days`
(what `minutes(...)`, `hours(...)`, `days(...)` measures are called), a `%` for
`percent` columns and local wall-clock times. `display_cell` is the one function
every display (terminal, HTML, chart tooltips) uses for a result cell.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from reportbuilder.run.result import NUMERIC_TYPES, Result, ResultColumn  # noqa: F401  (NUMERIC_TYPES re-exported)


NONE_LABEL = "(none)"  # a null group (dimension value) where people read it

# The two largest non-zero units of a duration are shown: "3d 4h", "1h 05m", "2m 05s".
_DURATION_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


# Seconds per unit of a number column whose name (its measure's, for a `previous` column) ends with `_<unit>`.
DURATION_SUFFIXES = (("_seconds", 1), ("_minutes", 60), ("_hours", 3600), ("_days", 86400))


def duration_scale(column: ResultColumn) -> int | None:
    """Seconds per unit when `column` holds durations (1 for `seconds`), else None.

    Example:
        >>> duration_scale(ResultColumn("avg_wait_minutes_previous", "number", "previous", "avg_wait_minutes"))
        60
    """
    if column.type == "seconds":
        return 1
    if column.type not in ("integer", "number"):
        return None
    name = column.of if column.role == "previous" else column.name
    return next((size for suffix, size in DURATION_SUFFIXES if name.endswith(suffix)), None)


def display_cell(value, column: ResultColumn, zone: ZoneInfo) -> str | None:
    """A result cell as text for people (None for a null): durations in any unit as `22m 30s`.

    Example:
        >>> display_cell(22.5, ResultColumn("avg_reply_minutes", "number"), ZoneInfo("UTC"))
        '22m 30s'
    """
    scale = duration_scale(column)
    number = json_value(value, zone) if scale else None
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        return format_duration(number * scale)
    return display_value(value, column.type, zone)


def local_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """An aware datetime in `zone` for a naive UTC (or an aware) datetime."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return instant.astimezone(zone)


def json_value(value, zone: ZoneInfo):
    """The JSON value of one cell, timestamps shown in `zone`.

    Example:
        >>> json_value(datetime(2025, 3, 30, 1, 0), ZoneInfo("Europe/Paris"))
        '2025-03-30T03:00:00+02:00'
    """
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, datetime):
        return local_time(value, zone).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, timedelta):
        return value.total_seconds()  # durations are plain numbers of seconds
    return str(value)


def json_rows(result: Result) -> list[dict]:
    """The rows as JSON objects, keys in column order."""
    zone = ZoneInfo(result.timezone)
    return [dict(zip(result.names, (json_value(v, zone) for v in row))) for row in result.rows]


def text_value(value, zone: ZoneInfo) -> str:
    """A cell as CSV text: the JSON value, null as empty, booleans `true`/`false`."""
    value = json_value(value, zone)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def display_value(value, column_type: str, zone: ZoneInfo) -> str | None:
    """A cell as text for people, or None for a null.

    Example:
        >>> display_value(3900, "seconds", ZoneInfo("UTC"))
        '1h 05m'
    """
    plain = json_value(value, zone)
    if plain is None:
        return None
    if isinstance(plain, bool):
        return "true" if plain else "false"
    if isinstance(value, datetime):
        return _wall_clock(local_time(value, zone))
    if isinstance(plain, (int, float)):
        if column_type == "seconds":
            return format_duration(plain)
        if column_type == "percent":
            return format_number(plain) + "%"
        return format_number(plain)
    return str(plain)


def display_row(row, columns, groups, zone: ZoneInfo) -> list[str | None]:
    """A row as display text per cell (`display_cell`): None for a null, NONE_LABEL for a null
    in a `groups` column."""
    cells = [display_cell(value, column, zone) for value, column in zip(row, columns)]
    return [NONE_LABEL if text is None and column.name in groups else text for text, column in zip(cells, columns)]


def format_number(number: int | float) -> str:
    """`1234.567` -> `1,234.57`: thousands separators, at most 2 decimals."""
    if isinstance(number, int):
        return f"{number:,}"
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_duration(seconds: int | float) -> str:
    """`3900` -> `1h 05m`, `273600` -> `3d 4h`, `42` -> `42s` (rounded to the second)."""
    rest = round(abs(seconds))
    sign = "-" if seconds < 0 and rest else ""
    for (unit, size), (small_unit, small_size) in zip(_DURATION_UNITS, _DURATION_UNITS[1:]):
        if rest >= size:
            count, rest = divmod(rest, size)
            digits = 1 if unit == "d" else 2
            return f"{sign}{count}{unit} {rest // small_size:0{digits}d}{small_unit}"
    return f"{sign}{rest}s"


def _wall_clock(moment: datetime) -> str:
    """`2025-03-30 03:00`, with `:SS` only when the seconds are not zero."""
    text = f"{moment:%Y-%m-%d %H:%M}"
    return f"{text}:{moment.second:02d}" if moment.second else text
