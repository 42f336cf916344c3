"""Which chart a result gets: the spec's `chart:` completed, or a default from the result's shape.

A `ChartSpec` names columns of the result: `x` (the category or time axis), `y`
(measures), `color` (a dimension splitting the series), `line` (measures drawn as a
line over the bars of a combo). Defaults when `chart:` is absent:

- no dimension and one row: a KPI (with its change when the report compares);
- `hour_of_day` and `day_of_week` dimensions: a heatmap;
- a time dimension: a line, split by a second dimension;
- one category dimension: a bar (horizontal for many or long labels);
- two category dimensions: a stacked bar; anything else: a table.

Example:
    >>> from reportbuilder.run.result import Result, ResultColumn
    >>> r = Result((ResultColumn("channel", "text"), ResultColumn("tickets", "integer")), (("email", 3),))
    >>> choose_chart(r, ChartShape(dimensions=("channel",))).type
    'bar'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reportbuilder.check.resolved import Agg
from reportbuilder.render.values import NUMERIC_TYPES
from reportbuilder.run.result import Result

TIME_TYPES = ("date", "timestamp")
CYCLIC = ("hour_of_day", "day_of_week", "month_of_year")
ADDITIVE_AGGREGATES = ("count", "count_if", "sum")  # not count_distinct: one value can be in two groups
_BAR_TYPES = {"bar": (False, False), "grouped_bar": (False, False), "stacked_bar": (True, False),
              "horizontal_bar": (False, True)}


@dataclass(frozen=True)
class ChartShape:
    """What the report (not its rows) says about charting: dimensions, their granularities, `chart:`."""

    dimensions: tuple[str, ...] = ()
    granularities: tuple[tuple[str, str], ...] = ()  # (dimension, granularity) of time dimensions
    chart: dict | None = field(default=None, compare=False)
    sort: tuple[tuple[str, bool], ...] = ()  # the spec's `sort:` as (column, descending)
    now_utc: datetime | None = None  # the report's now: the bucket holding it is not over (partial)
    week_start: str = "monday"
    source: str | None = None  # the entity the report counts (`tickets`): names an axis of several counts
    additive: tuple[str, ...] = ()  # measures that are sums over the rows (count, count_if, sum): see chart_top

    @classmethod
    def of_report(cls, report) -> "ChartShape":
        """The shape of a checked `Report`."""
        grains = tuple((d.name, d.granularity) for d in report.dimensions if d.granularity)
        return cls(tuple(d.name for d in report.dimensions), grains, report.chart, tuple(report.sort),
                   report.now_utc, report.week_start, report.source, _additive(report.measures))

    def granularity(self, column: str | None) -> str | None:
        return dict(self.granularities).get(column)


def _additive(measures) -> tuple[str, ...]:
    """The measures whose value over several groups is the sum of the groups' values."""
    return tuple(m.name for m in measures if isinstance(m.expr, Agg) and m.expr.func in ADDITIVE_AGGREGATES)


@dataclass(frozen=True)
class ChartSpec:
    type: str
    x: str | None = None
    y: tuple[str, ...] = ()
    color: str | None = None
    line: tuple[str, ...] = ()
    stack: bool = False
    horizontal: bool = False
    title: str = ""


def measures_of(result: Result, shape: ChartShape) -> list[str]:
    """Numeric measure columns that are not dimensions (a comparison column has its own role)."""
    dims = set(dimensions_of(result, shape))
    return [c.name for c in result.columns
            if c.role == "measure" and c.name not in dims and c.type in NUMERIC_TYPES]


def dimensions_of(result: Result, shape: ChartShape) -> list[str]:
    if shape.dimensions:
        return [d for d in shape.dimensions if d in result.names]
    return [c.name for c in result.columns if c.type not in NUMERIC_TYPES]


def choose_chart(result: Result, shape: ChartShape) -> ChartSpec:
    """The chart to draw: `chart:` with its gaps filled, else the default for the shape."""
    given = dict(shape.chart or {})
    auto = _default(result, shape)
    kind = given.get("type") or auto.type
    y = _tuple(given.get("y")) or _default_y(result, shape, auto)
    x = given.get("x") or auto.x or _first(dimensions_of(result, shape))
    color = given.get("color", auto.color if auto.type == kind else None)
    if given.get("type") in _BAR_TYPES:
        stack, horizontal = _BAR_TYPES[given["type"]]
    elif auto.type == kind:
        stack, horizontal = auto.stack, auto.horizontal
    else:
        stack, horizontal = False, False
    line = _tuple(given.get("line"))
    if kind == "combo" and not line and len(y) > 1:
        y, line = y[:1], y[1:]
    return ChartSpec(
        type=kind, x=x, y=y, color=color, line=line,
        stack=bool(given.get("stack", stack)),
        horizontal=bool(given.get("horizontal", horizontal)),
        title=str(given.get("title") or result.title or ""),
    )


def _default_y(result, shape, auto) -> tuple[str, ...]:
    return auto.y or tuple(lead_measures(result, shape)[:1])


def lead_measures(result: Result, shape: ChartShape) -> list[str]:
    """The measures, the one the spec sorts by first (it is what the chart is about)."""
    measures = measures_of(result, shape)
    keys = [name for name, _ in shape.sort if name in measures]
    return keys[:1] + [m for m in measures if m not in keys[:1]]


def _default(result: Result, shape: ChartShape) -> ChartSpec:
    dims = dimensions_of(result, shape)
    measures = lead_measures(result, shape)
    if not measures:
        return ChartSpec("table")
    same_unit = tuple(m for m in measures if _type(result, m) == _type(result, measures[0]))
    if not dims:
        return ChartSpec("kpi", y=(measures[0],)) if len(result.rows) <= 1 else ChartSpec("table")
    grains = {d: shape.granularity(d) for d in dims}
    by_grain = {g: d for d, g in grains.items() if g}
    if "hour_of_day" in by_grain and "day_of_week" in by_grain and len(dims) == 2:
        return ChartSpec("heatmap", x=by_grain["hour_of_day"], y=(measures[0],), color=by_grain["day_of_week"])
    time = [d for d in dims if (grains[d] and grains[d] not in CYCLIC) or _type(result, d) in TIME_TYPES]
    others = [d for d in dims if d not in time]
    if len(dims) > 2:
        return ChartSpec("table")
    if time:
        color = others[0] if others else (time[1] if len(time) > 1 else None)
        return ChartSpec("line", x=time[0], y=same_unit[:1] if color else same_unit, color=color)
    if len(dims) == 2:
        return ChartSpec("bar", x=dims[0], y=measures[:1], color=dims[1], stack=True)
    labels = [str(row[result.names.index(dims[0])]) for row in result.rows]
    long = len(labels) > 8 or max((len(t) for t in labels), default=0) > 12
    horizontal = long and not grains.get(dims[0])
    return ChartSpec("bar", x=dims[0], y=same_unit, horizontal=horizontal)


def _type(result: Result, name: str) -> str | None:
    for column in result.columns:
        if column.name == name:
            return column.type
    return None


def _tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def _first(items):
    return items[0] if items else None
