"""IANA time zones: checking names and moving between local wall time and UTC.

"Local" datetimes are naive wall-clock times in a report's zone; "UTC" datetimes
are naive UTC instants. The machine's own zone is never used.

Example:
    >>> local_to_utc(datetime(2025, 3, 30, 2, 30), "Europe/Paris")  # in the DST gap
    datetime.datetime(2025, 3, 30, 1, 0)
    >>> utc_to_local(datetime(2025, 6, 30, 23, 30), "Europe/Paris")
    datetime.datetime(2025, 7, 1, 1, 30)
"""
from __future__ import annotations

import difflib
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

# `localtime` names the machine's zone, which a report must never depend on.
_NOT_REPORT_ZONES = frozenset({"localtime"})


def check_zone(name: str) -> bool:
    """True when `name` is an IANA zone a report may use ("UTC" included)."""
    return isinstance(name, str) and name in _known_zones()


def zone_suggestions(name: str) -> list[str]:
    """Up to three known zone names close to `name` (case-insensitive), best first."""
    by_lower = {zone.lower(): zone for zone in sorted(_known_zones())}
    matches = difflib.get_close_matches(str(name).lower(), by_lower, n=3, cutoff=0.6)
    return [by_lower[match] for match in matches]


def get_zone(name: str) -> ZoneInfo:
    """The zone named `name`; ValueError (with did-you-mean) for an unknown name."""
    if not check_zone(name):
        message = f"unknown time zone {name!r}"
        suggestions = zone_suggestions(name)
        if suggestions:
            message += f" (did you mean {' or '.join(suggestions)}?)"
        raise ValueError(message)
    return ZoneInfo(name)


def utc_to_local(utc: datetime, tz: str) -> datetime:
    """The wall-clock time in `tz` at the UTC instant `utc` (naive UTC, or aware)."""
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=timezone.utc)
    return utc.astimezone(get_zone(tz)).replace(tzinfo=None)


def local_date(utc: datetime, tz: str) -> date:
    """The date in `tz` at the UTC instant `utc` (naive UTC, or aware). A watched now
    (watched_now.py) records this much of itself only, so what needs no more than today's
    local date asks here (a compile that read only that is kept for the day)."""
    from ..watched_now import WatchedNow

    if isinstance(utc, WatchedNow):
        return utc.local_date(tz)
    return utc_to_local(utc, tz).date()


def local_to_utc(local: datetime, tz: str) -> datetime:
    """The UTC instant at which clocks in `tz` show `local`.

    An ambiguous time (fall-back) maps to its first occurrence, or to the second
    when `local.fold` is 1 (as `utc_to_local` marks it, so the two round-trip);
    a time that does not exist (spring-forward gap) maps to the end of the gap,
    the instant clocks jump over it.
    """
    instants = local_instants(local, tz)
    if instants:
        return instants[min(local.fold, len(instants) - 1)]
    # In a gap, fold=0 reads `local` with the offset before the jump (an instant
    # after it) and fold=1 with the offset after (an instant before it).
    zone = get_zone(tz)
    before = _as_utc(local.replace(tzinfo=zone, fold=1))
    after = _as_utc(local.replace(tzinfo=zone, fold=0))
    return _first_instant_showing(local, tz, before, after)


def local_instants(local: datetime, tz: str) -> list[datetime]:
    """Every UTC instant at which clocks in `tz` show `local`, in order: one as a
    rule, two in a fall-back overlap, none in a spring-forward gap."""
    zone = get_zone(tz)
    instants = []
    for fold in (0, 1):
        instant = _as_utc(local.replace(tzinfo=zone, fold=fold))
        if instant not in instants and utc_to_local(instant, tz) == local:
            instants.append(instant)
    return instants


def _first_instant_showing(local: datetime, tz: str, low: datetime, high: datetime) -> datetime:
    """The earliest instant in (low, high] whose wall time is >= `local` (binary search
    on whole seconds: zone transitions happen on whole seconds)."""
    base = low.replace(microsecond=0)
    lo, hi = 0, int((high - base) / timedelta(seconds=1)) + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if utc_to_local(base + timedelta(seconds=mid), tz) >= local:
            hi = mid
        else:
            lo = mid
    return base + timedelta(seconds=hi)


def _as_utc(aware: datetime) -> datetime:
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"}) - _NOT_REPORT_ZONES
