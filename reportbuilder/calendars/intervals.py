"""A calendar's open time as UTC intervals, and the rows of the relations the SQL reads.

Times are integer seconds since 1970-01-01 UTC. A local wall-clock time is written the same
way ("wall seconds"): the seconds since 1970-01-01 00:00 of that wall clock. An instant t is
open when its wall time t + offset(t) lies in an open local interval of a day that is not a
holiday, so each local interval maps to UTC piecewise, one piece per stretch of constant
offset: a spring-forward gap is never open, a repeated fall-back hour is open twice.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from .model import Calendar

DAY = 86400
EPOCH = date(1970, 1, 1)
BUCKET = DAY  # open seconds per bucket of the inverse relation (business_add, compact.py)


def _offset(zone: ZoneInfo, t: int) -> int:
    return int(datetime.fromtimestamp(t, timezone.utc).astimezone(zone).utcoffset().total_seconds())


@lru_cache(maxsize=64)
def offset_pieces(tz: str, first_day: int, last_day: int) -> tuple[tuple[int, int, int], ...]:
    """(start, end, offset) stretches of constant UTC offset covering UTC days [first_day, last_day]
    (change instants found to the second by bisection between daily samples)."""
    zone = ZoneInfo(tz)
    start, end = first_day * DAY, (last_day + 1) * DAY
    pieces, begin, current = [], start, _offset(zone, start)
    for day in range(first_day + 1, last_day + 2):
        t = day * DAY
        if _offset(zone, t) == current:
            continue
        lo, hi = t - DAY, t  # offset(lo) == current != offset(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if _offset(zone, mid) == current else (lo, mid)
        pieces.append((begin, hi, current))
        begin, current = hi, _offset(zone, hi)
    pieces.append((begin, end, current))
    return tuple(pieces)


def _wall(day: date, minutes: int) -> int:
    return (day - EPOCH).days * DAY + minutes * 60


def open_intervals(cal: Calendar, first: date, last: date) -> list[tuple[int, int]]:
    """The open UTC intervals [start, end) of the local days first..last, sorted and merged."""
    first_day, last_day = (first - EPOCH).days - 2, (last - EPOCH).days + 2
    pieces = offset_pieces(cal.timezone, first_day, last_day)
    starts = [p[0] for p in pieces]
    found = []
    day = first
    while day <= last:
        if day not in cal.holidays:
            for lo_min, hi_min in cal.hours[day.weekday()]:
                x0, x1 = _wall(day, lo_min), _wall(day, hi_min)
                i = max(bisect_right(starts, x0 - 2 * DAY) - 1, 0)
                while i < len(pieces) and pieces[i][0] < x1 + 2 * DAY:
                    p0, p1, off = pieces[i]
                    lo, hi = max(p0, x0 - off), min(p1, x1 - off)
                    if lo < hi:
                        found.append((lo, hi))
                    i += 1
        day += timedelta(days=1)
    return merge(found)


def merge(intervals) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def span_days(cal: Calendar, now: datetime) -> tuple[int, int]:
    """The UTC days [first, last] the relation covers: the calendar's `years`, else the six
    years from four years before now's year to the end of the year after it (the relation is
    part of the SQL text: a longer default would slow every compile)."""
    years = cal.years or (now.year - 4, now.year + 1)
    return (date(years[0], 1, 1) - EPOCH).days, (date(years[1], 12, 31) - EPOCH).days


def day_rows(cal: Calendar, first_day: int, last_day: int) -> tuple[int, list[tuple[int, ...]]]:
    """Rows (day, open seconds before the day, s1, e1, ..., sK, eK) for UTC days first..last, the
    day's open pieces as seconds into the day, padded with (0, 0); returns (K, rows)."""
    local = EPOCH + timedelta(days=first_day - 1), EPOCH + timedelta(days=last_day + 1)
    per_day: dict[int, list[tuple[int, int]]] = {}
    for lo, hi in open_intervals(cal, *local):
        for day in range(max(lo // DAY, first_day), min((hi - 1) // DAY, last_day) + 1):
            base = day * DAY
            per_day.setdefault(day, []).append((max(lo, base) - base, min(hi, base + DAY) - base))
    width = max([len(p) for p in per_day.values()] + [1])
    rows, before = [], 0
    for day in range(first_day, last_day + 1):
        pieces = per_day.get(day, [])
        flat = [v for piece in pieces for v in piece] + [0, 0] * (width - len(pieces))
        rows.append((day, before, *flat))
        before += sum(hi - lo for lo, hi in pieces)
    return width, rows
