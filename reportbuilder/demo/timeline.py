"""Time and chance helpers of the demo data: the two-year span, working hours, random draws."""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """The demo's period: two years up to `now` (the anchor day at 12:00 UTC, naive)."""

    start: dt.datetime
    now: dt.datetime

    @classmethod
    def ending(cls, anchor: dt.date) -> Span:
        now = dt.datetime.combine(anchor, dt.time(12))
        return cls(now - 730 * DAY, now)

    def days(self) -> list[dt.date]:
        """Every calendar day from the start's day to the anchor day, in order."""
        first = self.start.date()
        return [first + i * DAY for i in range((self.now.date() - first).days + 1)]


@dataclass(frozen=True)
class Schedule:
    """Weekday working hours in UTC, from `start_hour` for `hours` hours (within one day)."""

    start_hour: int
    hours: int = 8

    def __post_init__(self):
        if not 0 <= self.start_hour <= 24 - self.hours:
            raise ValueError("working hours must fit in one UTC day")

    def is_open(self, at: dt.datetime) -> bool:
        return at.weekday() < 5 and self.start_hour <= at.hour < self.start_hour + self.hours

    def next_open(self, at: dt.datetime) -> dt.datetime:
        """`at` itself during working hours, else the start of the next working period."""
        if self.is_open(at):
            return at
        day = dt.datetime.combine(at.date(), dt.time())
        if at.weekday() >= 5 or at.hour >= self.start_hour:
            day += DAY
        while day.weekday() >= 5:
            day += DAY
        return day + dt.timedelta(hours=self.start_hour)

    def after_working(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment `duration` of working time has passed since `start`."""
        at = self.next_open(start)
        while True:
            opening = dt.datetime.combine(at.date(), dt.time(self.start_hour))
            closing = opening + dt.timedelta(hours=self.hours)
            if at + duration <= closing:
                return at + duration
            duration -= closing - at
            at = self.next_open(closing)


def minutes(value: float) -> dt.timedelta:
    """A duration of `value` minutes, rounded to whole seconds (the data has no fractions)."""
    return dt.timedelta(seconds=round(value * 60))


def lognormal_minutes(rng: random.Random, median: float, sigma: float) -> dt.timedelta:
    """A right-skewed duration around `median` minutes, as waiting times are in practice."""
    return minutes(rng.lognormvariate(math.log(median), sigma))


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """One key of `weights`, drawn with the given relative weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]
