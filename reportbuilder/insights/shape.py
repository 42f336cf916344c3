"""The shape of one measure's series over the report's complete buckets: a trend, a
level shift, and unusual buckets.

- Seasonality: a daily (hourly) series with at least three weeks (days) has each
  bucket's weekday (hour) median taken out first, so that weekends are neither a trend
  nor outliers.
- Trend: Mann-Kendall (Kendall's tau against time) with p < ALPHA and a Theil-Sen
  95% interval that excludes 0. Shift: the best single split, Mann-Whitney with
  Bonferroni over the splits tried, p < ALPHA. When both hold, the one that fits
  better (smaller residual sum of squares) is stated, not both.
- Unusual buckets: robust z (value minus the seasonal baseline, over the MAD of those
  residuals, after any stated trend or shift) above OUTLIER_Z; for counts the scale is
  at least the Poisson sd; a rate's bucket must also have its own interval exclude the
  baseline at the Bonferroni level over the buckets read (ALPHA / their number: with 84
  days, a 95% interval would exclude the truth on about four of them by chance). At most
  TOP_OUTLIERS, largest first.
Fewer than MIN_BUCKETS complete buckets: nothing is said about the shape.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import stats
from .calendar import BucketCalendar

ALPHA = 0.01
MIN_BUCKETS = 8
OUTLIER_Z = 4.0
TOP_OUTLIERS = 3


@dataclass(frozen=True)
class Shape:
    trend: stats.Trend | None = None  # stated only when it holds
    shift: stats.Shift | None = None
    outliers: tuple = ()  # (index, value, baseline, z)
    seasonal: bool = False


def seasonal_baseline(buckets: list, values: list[float], calendar: BucketCalendar) -> list[float] | None:
    """Each bucket's seasonal median (same weekday / hour), when there are 3 cycles."""
    length = calendar.season_length
    if not length or len(values) < 3 * length:
        return None
    by_key: dict = {}
    for b, v in zip(buckets, values):
        by_key.setdefault(calendar.season_key(b), []).append(v)
    medians = {k: stats.median(v) for k, v in by_key.items()}
    return [medians[calendar.season_key(b)] for b in buckets]


def shape(buckets: list, values: list[float], calendar: BucketCalendar, counts: bool,
          intervals: list | None = None) -> Shape:
    if len(values) < MIN_BUCKETS:
        return Shape()
    baseline = seasonal_baseline(buckets, values, calendar)
    level = stats.median(values)
    adjusted = values if baseline is None else [v - s + level for v, s in zip(values, baseline)]
    trend = stats.trend(adjusted)
    trend_ok = trend.p < ALPHA and (trend.low > 0 or trend.high < 0)
    found = stats.shift(adjusted)
    shift_ok = found is not None and found.p < ALPHA and found.before != found.after
    if trend_ok and shift_ok:
        if stats.step_rss(adjusted, found.at) < stats.linear_rss(adjusted, trend.slope):
            trend_ok = False
        else:
            shift_ok = False
    structure = _structure(adjusted, trend if trend_ok else None, found if shift_ok else None)
    expected = [(s if baseline is None else s - level + b) for s, b in zip(structure, baseline or structure)]
    outliers = _outliers(values, expected, counts, intervals)
    return Shape(trend if trend_ok else None, found if shift_ok else None, outliers, baseline is not None)


def _structure(values, trend, shift) -> list[float]:
    """The level each bucket is expected at, from a stated trend or shift (else the median)."""
    n = len(values)
    if trend is not None:
        intercept = stats.median([v - trend.slope * i for i, v in enumerate(values)])
        return [intercept + trend.slope * i for i in range(n)]
    if shift is not None:
        return [shift.before if i < shift.at else shift.after for i in range(n)]
    level = stats.median(values)
    return [level] * n


def _outliers(values, expected, counts, intervals) -> tuple:
    residuals = [v - e for v, e in zip(values, expected)]
    scale = stats.robust_scale(residuals)
    widen = stats.z_two_sided(ALPHA / len(values)) / stats.Z95 if intervals is not None else 1.0
    found = []
    for i, (v, e, r) in enumerate(zip(values, expected, residuals)):
        s = max(scale, math.sqrt(max(e, 1.0))) if counts else scale
        if s <= 0:
            continue
        z = r / s
        if abs(z) <= OUTLIER_Z:
            continue
        if intervals is not None and not _excludes(intervals[i], v, e, widen):
            continue  # a rate whose own interval holds the baseline: too few answers to call it
        found.append((i, v, e, z))
    found.sort(key=lambda x: (-abs(x[3]), x[0]))
    return tuple(found[:TOP_OUTLIERS])


def _excludes(interval, value: float, expected: float, widen: float) -> bool:
    """Whether a bucket's 95% `interval` around `value`, each side stretched by `widen` (to the
    corrected level; the sides of a Wilson interval differ), leaves out `expected`."""
    if interval is None:
        return False
    low, high = interval
    return expected < value - widen * (value - low) or expected > value + widen * (high - value)
