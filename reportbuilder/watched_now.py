"""The wall clock's now, watched: whether a compile's SQL can depend on the instant.

An unpinned now (no `--now`, `RB_NOW`, workspace `now` or demo data) is the wall clock's. A
compiled command (warm_cache.py) may be kept for it only when a compile at any other instant
would print byte-identical SQL. `WatchedNow` is that instant as a real `datetime` (every
computation on it gives the real answer) that records any look at its value: an attribute or
method (`.year`, `.date()`, `.replace()`, `.isoformat()`), a comparison or arithmetic on
either side (Python asks a subclass's reflected method first), formatting, hashing, copying.
A compile (check, plan, build, and the viewer's row filters) that ends with `seen` false never
read the instant, so its SQL is the same at every now. Truthiness is not a look (a datetime is
always true), nor is `isinstance`. C code that reads a datetime's fields directly (zoneinfo's
`utcoffset(dt)`) would not be seen: rb hands such functions datetimes derived from now (the
derivation was a look), never now itself. tests/cli/test_unpinned_now.py checks the claim on
every built-in report against compiles at other instants.

A weaker look: `local_date(tz)`, the date of now in zone `tz`, is all a day-granular preset
(`last_12_months`, `today`, ...) and `today()` need (their bounds are local midnights). It records
`(tz, ISO date)` in `dates_seen` and leaves `seen` false; code reaches it through
`timeframe.zones.local_date`, which takes plain datetimes too. A compile whose only looks were
these prints the same SQL at every instant of those local dates: its compiled command is kept
with the dates and served only while each is still the wall clock's date in its zone
(warm_cache.read).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

_UNWATCHED = frozenset({"seen", "dates_seen", "local_date", "__class__", "__dict__"})
_FIELDS = ("year", "month", "day", "hour", "minute", "second", "microsecond")
_OPERATORS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__add__", "__radd__",
              "__sub__", "__rsub__", "__str__", "__repr__", "__format__", "__reduce__", "__reduce_ex__")


class WatchedNow(datetime):
    """A naive UTC instant whose `seen` turns true at the first look at its value (but its local
    date, `local_date`, which only adds to `dates_seen`)."""

    @classmethod
    def wall(cls) -> "WatchedNow":
        """The wall clock's now (naive UTC), watched."""
        return cls.at(datetime.now(timezone.utc).replace(tzinfo=None))

    @classmethod
    def at(cls, now: datetime) -> "WatchedNow":
        """The naive instant `now`, watched."""
        watched = cls(now.year, now.month, now.day, now.hour, now.minute, now.second, now.microsecond)
        object.__setattr__(watched, "seen", False)
        object.__setattr__(watched, "dates_seen", set())
        return watched

    def local_date(self, tz: str) -> date:
        """The date in zone `tz` at this instant, recorded as `(tz, ISO date)` in `dates_seen`."""
        from .timeframe.zones import utc_to_local

        plain = datetime(*(object.__getattribute__(self, field) for field in _FIELDS))
        day = utc_to_local(plain, tz).date()
        object.__getattribute__(self, "dates_seen").add((tz, day.isoformat()))
        return day

    def __getattribute__(self, name):
        if name not in _UNWATCHED:
            object.__setattr__(self, "seen", True)
        return super().__getattribute__(name)


def _watching(name: str):
    plain = getattr(datetime, name)

    def look(self, *args):
        object.__setattr__(self, "seen", True)
        return plain(self, *args)

    look.__name__ = name
    return look


for _name in _OPERATORS:
    setattr(WatchedNow, _name, _watching(_name))
