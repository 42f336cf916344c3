"""The numbers insights read, fetched by running variants of the report through the
normal engine: the report's measures plus their parts (parts.py), by time bucket alone
(the series) and by time bucket and each other dimension (the groups).

A variant keeps the report's source, filters, time zone and date range (moved back one
season, calendar.py) and drops what only shapes the display: having, sort, limit,
compare, chart. Each group's numbers come from its own re-aggregated parts, never from
the report's per-group rates.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..check.report import Dimension, Measure, Report, TimeWindow
from ..check.resolved import Agg
from ..run.result import Result
from ..timeframe.ranges import LocalRange
from .calendar import BucketCalendar
from .parts import Decomposition, decompose, part_measures

RunReport = Callable[[Report], Result]


@dataclass(frozen=True)
class MeasureInfo:
    measure: Measure
    decomposition: Decomposition


@dataclass(frozen=True)
class Cell:
    """One measure in one bucket (and group): the value and its parts' values."""

    value: float | None
    parts: dict  # Agg -> float | None


@dataclass(frozen=True)
class Fetched:
    measures: tuple[MeasureInfo, ...]
    buckets: tuple  # every bucket of the series, in order
    series: dict  # (measure name, bucket) -> Cell
    groups: dict  # dimension name -> {(measure name, bucket, group value) -> Cell}


def measure_infos(report: Report) -> tuple[MeasureInfo, ...]:
    return tuple(MeasureInfo(m, decompose(m.expr)) for m in report.measures)


def fetch(report: Report, calendar: BucketCalendar, run: RunReport) -> Fetched:
    """Run the series variant and one grouped variant per non-time dimension."""
    infos = measure_infos(report)
    time = report.time_dimension
    part_names = _part_names(infos)
    measures = tuple(m.measure for m in infos) + tuple(
        m for i, info in enumerate(infos) for m in part_measures(info.decomposition.aggregates, part_names[i]))
    series_rows = run(_variant(report, calendar, (time,), measures)).rows
    buckets = tuple(row[0] for row in series_rows)
    series = {}
    for row in series_rows:
        for key, cell in _cells(infos, row[1:]).items():
            series[(key, row[0])] = cell
    groups = {}
    for dim in report.dimensions:
        if dim is time:
            continue
        table = {}
        for row in run(_variant(report, calendar, (time, dim), measures)).rows:
            for key, cell in _cells(infos, row[2:]).items():
                table[(key, row[0], row[1])] = cell
        groups[dim.name] = table
    return Fetched(infos, buckets, series, groups)


def _part_names(infos) -> list[str]:
    """A prefix per measure that no output column of the report uses."""
    taken = {info.measure.name for info in infos}
    base = "rb_part"
    while any(name.startswith(base) for name in taken):
        base += "_"
    return [f"{base}{i}_" for i in range(len(infos))]


def _variant(report: Report, calendar: BucketCalendar, dims: tuple[Dimension, ...],
             measures: tuple[Measure, ...]) -> Report:
    window = report.window
    if window is not None and calendar.range.start is not None:
        window = TimeWindow(window.field, LocalRange(calendar.extended_start(), calendar.range.end), None)
    taken = {m.name for m in measures}
    dims = tuple(replace(d, name=f"rb_dim{i}") if d.name in taken else d for i, d in enumerate(dims))
    return replace(report, dimensions=dims, measures=measures, having=(), limit=None, compare=None,
                   chart=None, window=window, sort=tuple((d.name, False) for d in dims))


def _cells(infos, values) -> dict:
    """The measure values of one row (measures first, then each measure's parts)."""
    out = {}
    offset = len(infos)
    for i, info in enumerate(infos):
        aggs = info.decomposition.aggregates
        parts = {agg: values[offset + j] for j, agg in enumerate(aggs)}
        offset += len(aggs)
        out[info.measure.name] = Cell(values[i], parts)
    return out


def part_value(cell: Cell, agg: Agg) -> float:
    value = cell.parts.get(agg)
    return 0.0 if value is None else float(value)
