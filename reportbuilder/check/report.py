"""The checked report: every name resolved, every expression typed. Input of `plan`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..timeframe.ranges import LocalRange


@dataclass(frozen=True)
class Dimension:
    name: str
    expr: object  # resolved row expression (before bucketing)
    type: str  # type of the output column
    granularity: str | None = None


@dataclass(frozen=True)
class Measure:
    name: str
    expr: object  # resolved expression over `Agg` nodes
    type: str
    unit: str | None = None
    count_like: bool = False  # shows 0, not null, where a group has no rows


@dataclass(frozen=True)
class TimeWindow:
    """The report's date range on one time field (an expression of the source's rows)."""

    field: object
    range: LocalRange
    preset: str | None = None


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    description: str
    source: str
    timezone: str
    week_start: str
    now_utc: datetime
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    filters: tuple = ()
    having: tuple = ()
    sort: tuple[tuple[str, bool], ...] = ()  # (column, descending)
    limit: int | None = None
    fill_gaps: bool = True
    compare: str | None = None
    window: TimeWindow | None = None
    chart: dict | None = None
    dashboard_filters: tuple[tuple[str, str | None], ...] = ()  # (filter key, field path; None: not applicable)

    def __post_init__(self):
        names = [d.name for d in self.dimensions] + [m.name for m in self.measures]
        if len(set(names)) != len(names):
            raise ValueError("duplicate output column names")

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions) + tuple(m.name for m in self.measures)

    @property
    def time_dimension(self) -> Dimension | None:
        for d in self.dimensions:
            if d.granularity is not None:
                return d
        return None
