"""The report's time buckets as insights see them: which are complete, which lie in the
report's own range, the bucket one season earlier, and a bucket's place in its season.

A bucket is complete when it lies wholly inside the date range and has ended by `now`
(the report's `--now`): the current week of `this_week` or of `last_4_weeks`' last day
is partial and is never compared as if complete. Hour buckets are UTC instants (as in
a `Result`), coarser ones local dates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..check.report import Report
from ..timeframe.ranges import LocalRange, localize
from ..timeframe.units import add_units, start_of
from ..timeframe.zones import local_to_utc, utc_to_local

# granularity -> (what "a season earlier" is called, the season key's name)
SEASONS = {"hour": ("a day earlier", "hour of day"), "day": ("a week earlier", "weekday"),
           "week": ("a year earlier", None), "month": ("a year earlier", None),
           "quarter": ("a year earlier", None)}
SERIES_GRANULARITIES = ("hour", "day", "week", "month", "quarter", "year")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class BucketCalendar:
    granularity: str
    timezone: str
    week_start: str
    now_utc: datetime
    range: LocalRange  # the report's own range, local and naive (None ends = unbounded)

    @classmethod
    def of(cls, report: Report) -> "BucketCalendar":
        r = localize(report.window.range, report.timezone) if report.window else LocalRange(None, None)
        return cls(report.time_dimension.granularity, report.timezone, report.week_start, report.now_utc, r)

    # -- bounds of a bucket, as local wall time ---------------------------------------
    def start(self, bucket) -> datetime:
        if self.granularity == "hour":
            return utc_to_local(bucket, self.timezone)
        return datetime.combine(bucket, time())

    def end(self, bucket) -> datetime:
        if self.granularity == "hour":
            return utc_to_local(bucket + timedelta(hours=1), self.timezone)
        return datetime.combine(add_units(bucket, self.granularity, 1), time())

    def complete(self, bucket, extended: bool = False) -> bool:
        """Wholly inside the range (moved back one season when `extended`) and ended by now."""
        now = utc_to_local(self.now_utc, self.timezone)
        start, end = self.start(bucket), self.end(bucket)
        first = self.extended_start() if extended else self.range.start
        if self.granularity == "hour":  # compare instants: a fall-back hour repeats wall time
            start_ok = first is None or bucket >= local_to_utc(first, self.timezone)
            end_utc = bucket + timedelta(hours=1)
            end_ok = end_utc <= self.now_utc and (self.range.end is None
                                                  or end_utc <= local_to_utc(self.range.end, self.timezone))
            return start_ok and end_ok
        return ((first is None or start >= first)
                and end <= now and (self.range.end is None or end <= self.range.end))

    def in_range(self, bucket) -> bool:
        """Overlaps the report's own range (the buckets the report shows)."""
        start, end = self.start(bucket), self.end(bucket)
        return ((self.range.start is None or end > self.range.start)
                and (self.range.end is None or start < self.range.end))

    # -- seasons ------------------------------------------------------------------------
    @property
    def season_label(self) -> str | None:
        return SEASONS.get(self.granularity, (None, None))[0]

    def season_earlier(self, bucket):
        """The same bucket one season earlier: the hour a day before, the weekday a week
        before, the week/month/quarter a year before; None for years."""
        g = self.granularity
        if g == "hour":
            local = utc_to_local(bucket, self.timezone)
            return local_to_utc(local - timedelta(days=1), self.timezone)
        if g == "day":
            return bucket - timedelta(days=7)
        if g == "week":
            return start_of(add_units(bucket, "year", -1), "week", self.week_start)
        if g in ("month", "quarter"):
            return add_units(bucket, "year", -1)
        return None

    def season_key(self, bucket):
        """The bucket's place in its season (hour of day, weekday), None without one."""
        if self.granularity == "hour":
            return utc_to_local(bucket, self.timezone).hour
        if self.granularity == "day":
            return bucket.isoweekday()
        return None

    @property
    def season_length(self) -> int | None:
        return {"hour": 24, "day": 7}.get(self.granularity)

    def extended_start(self) -> datetime | None:
        """The range's start moved back one season, so that the first buckets shown
        have their season-earlier partner; None when unbounded."""
        start = self.range.start
        if start is None:
            return None
        g = self.granularity
        if g == "hour":
            return start - timedelta(days=1)
        if g == "day":
            return start - timedelta(days=7)
        if g == "week":
            return datetime.combine(start_of(add_units(start.date(), "year", -1), "week", self.week_start), time())
        if g in ("month", "quarter"):
            return datetime.combine(add_units(start.date(), "year", -1), time())
        return start

    def label(self, bucket) -> str:
        """How a person names the bucket."""
        g = self.granularity
        if g == "hour":
            return utc_to_local(bucket, self.timezone).strftime("%Y-%m-%d %H:00")
        if g == "day":
            return f"{_WEEKDAYS[bucket.weekday()]} {bucket.isoformat()}"
        if g == "week":
            return f"week of {bucket.isoformat()}"
        if g == "month":
            return bucket.strftime("%Y-%m")
        if g == "quarter":
            return f"{bucket.year}-Q{(bucket.month - 1) // 3 + 1}"
        return str(bucket.year)

    def key_label(self, key) -> str:
        if self.granularity == "day":
            return {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday", 6: "Saturday",
                    7: "Sunday"}[key]
        return f"{key:02d}:00"


def bucket_text(bucket) -> str:
    """A bucket as JSON shows it (ISO)."""
    return bucket.isoformat() if isinstance(bucket, (date, datetime)) else str(bucket)
