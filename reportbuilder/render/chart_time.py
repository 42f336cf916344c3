"""Time axes of a chart: a tick at every bucket start, one label per bucket, thinned when crowded.

Vega-Lite's own temporal ticks fall on "nice" instants (odd days of a weekly line, two
ticks inside one month), so the axis gets explicit values: the bucket starts present in
the data (epoch milliseconds of the UTC wall-clock values `chart_data` writes), every
k-th one when they would not fit. Labels carry the year when the range crosses one.

Example:
    >>> ticks = time_ticks(["2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z"], "month", 560)
    >>> ticks.values == [1782864000000, 1785542400000], ticks.format
    (True, '%b %Y')
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from math import ceil

# Label format per granularity, without and with the year (the year is added when the range crosses one).
_FORMATS = {"hour": ("%b %d %H:%M", "%b %d, %Y %H:%M"), "day": ("%b %d", "%b %d, %Y"),
            "week": ("%b %d", "%b %d, %Y"), "month": ("%b %Y", "%b %Y"), "quarter": ("Q%q %Y", "Q%q %Y"),
            "year": ("%Y", "%Y")}
_CHAR_PX, _GAP_PX = 6.5, 16  # an 11 px label's character, and the room between two labels
_SAMPLE = datetime(2026, 12, 28, 23, 59)  # the widest label of a pattern, for sizing


@dataclass(frozen=True)
class TimeTicks:
    values: list[int]  # epoch ms of the ticks (bucket starts)
    format: str  # utcFormat pattern of their labels


def time_format(texts, granularity: str | None) -> str:
    """The label pattern of these bucket starts (ISO `...Z` texts): the year is shown when they cross one."""
    plain, with_year = _FORMATS.get(granularity or "day", _FORMATS["day"])
    years = {t[:4] for t in texts if t}
    return with_year if len(years) > 1 else plain


def time_ticks(texts, granularity: str | None, width: int) -> TimeTicks:
    """One tick per distinct bucket start, every k-th when `width` px cannot hold all labels."""
    fmt = time_format(texts, granularity)
    values = sorted({_epoch_ms(t) for t in texts if t})
    label_px = len(_SAMPLE.strftime(fmt.replace("%q", "4"))) * _CHAR_PX + _GAP_PX
    fits = max(2, int(width // label_px))
    step = ceil(len(values) / fits) if len(values) > fits else 1
    return TimeTicks(values[::step], fmt)


def _epoch_ms(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)
