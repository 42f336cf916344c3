"""A result's rows as chart data: safe field keys, local times, units, display labels.

Vega-Lite reads ISO dates as UTC but draws them in the renderer's local time. So
every time value is turned into the report's local wall clock first and handed
over as a UTC instant (`...Z`); the charts use UTC scales and UTC formats, which
show that wall clock unchanged on any machine.

Durations (`seconds` columns, numbers named `*_minutes`, `*_hours`, `*_days`: see
`values.duration_scale`) are drawn in one unit chosen from the largest value (seconds,
minutes, hours or days) and labelled with it; percentages get a `%`. Every field
also gets a display label (`values.display_cell`) for tooltips.
Each record carries `rb_row`, its row's index, kept by the long (folded) forms, so that
`rb serve` knows which row a clicked mark stands for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from reportbuilder.render.values import (DURATION_SUFFIXES, NONE_LABEL, display_cell, display_value, duration_scale,
                                         json_value, local_time)
from reportbuilder.run.result import Result

_UNITS = (("days", 86400), ("hours", 3600), ("minutes", 60), ("seconds", 1))
UNIT_SECONDS = dict(_UNITS)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ACRONYMS = {w.lower(): w for w in ("FCR", "CES", "NPS", "CSAT", "SLA", "SLAs", "AHT", "ASA", "ID", "KPI", "URL")}


@dataclass(frozen=True)
class FieldInfo:
    """How one result column is drawn."""

    key: str  # field name in the chart data
    label_key: str  # its display text, for tooltips
    title: str  # axis / legend title, unit included
    kind: str  # temporal | quantitative | nominal | ordinal
    column_type: str
    granularity: str | None = None
    unit: str | None = None  # duration columns: the unit drawn
    divisor: float = 1  # drawn value = stored value / divisor (durations in their drawn unit)
    sort: tuple | None = None  # explicit order of an ordinal field


@dataclass(frozen=True)
class ChartData:
    records: tuple[dict, ...]  # one per result row; `partial` is true where its time bucket is not over
    fields: dict
    partial_grain: str | None = None  # the granularity of the partial bucket, when some row is in one
    noun: str | None = None  # what the report counts (`Tickets`): the title of an axis of several counts

    def __getitem__(self, column: str) -> FieldInfo:
        return self.fields[column]


def humanize(name: str) -> str:
    """`first_response_time` -> `First response time`; acronyms stay upper case (`fcr_rate` -> `FCR rate`)."""
    words = [ACRONYMS.get(w.lower(), w) for w in name.replace("_", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def series_name(measure: str) -> str:
    """A measure as a legend, KPI or note names it: its unit word dropped (the axis or value says
    it: `avg_reply_minutes` -> `Avg reply`, drawn in hours on an axis saying so)."""
    return humanize(without_unit(measure))


def duration_unit(values) -> tuple[str, int]:
    """The unit (name, seconds) that draws these durations with readable numbers."""
    biggest = max((abs(v) for v in values if isinstance(v, (int, float))), default=0)
    for name, size in _UNITS:
        if biggest >= 2 * size:
            return name, size
    return "seconds", 1


def chart_data(result: Result, granularities: dict, categorical: set, partial: frozenset = frozenset(),
               partial_grain: str | None = None, origin: tuple | None = None) -> ChartData:
    """The chart data of `result`; `categorical` columns are drawn as categories even if numeric;
    rows whose index is in `partial` lie in a `partial_grain` bucket that is not over; `origin`
    gives each row's index in the report's result (None: a drawn row of no single result
    row, such as "Other", which is then not clickable); by default the rows are the result's."""
    zone = ZoneInfo(result.timezone)
    fields = {}
    converters = []
    for i, column in enumerate(result.columns):
        values = [row[i] for row in result.rows]
        info, convert = _field(i, column, values, granularities.get(column.name), column.name in categorical)
        fields[column.name] = info
        converters.append(convert)
    records = []
    for n, row in enumerate(result.rows):
        record = {"partial": n in partial, "rb_row": n if origin is None else origin[n]}  # rb serve's clicks
        for (column, convert, value) in zip(result.columns, converters, row):
            info = fields[column.name]
            record[info.key] = convert(value, zone)
            record[info.label_key] = _label(value, column, info, zone)
        records.append(record)
    return ChartData(tuple(records), fields, partial_grain if partial else None)


def _field(i, column, values, grain, categorical):
    key, label_key = f"f{i}", f"f{i}_label"
    title = humanize(column.name)
    if grain in ("day_of_week", "month_of_year", "hour_of_day"):
        names = {"day_of_week": WEEKDAYS, "month_of_year": MONTHS}.get(grain)
        order = tuple(names) if names else tuple(f"{h:02d}" for h in range(24))
        return (FieldInfo(key, label_key, title, "ordinal", column.type, grain, sort=order),
                lambda v, z, n=names: _cyclic(v, n))
    if column.type in ("date", "timestamp") and not categorical:
        return FieldInfo(key, label_key, title, "temporal", column.type, grain or _guess_grain(column.type)), _utc_text
    scale = duration_scale(column)
    if scale and not categorical:
        unit, size = duration_unit([float(v) * scale for v in values if v is not None])
        title = series_name(column.of) + " previous" if column.role == "previous" else series_name(column.name)
        info = FieldInfo(key, label_key, f"{title} ({unit})", "quantitative", column.type, unit=unit,
                         divisor=size / scale)
        return info, lambda v, z, d=size / scale: None if v is None else float(v) / d
    if column.type in ("integer", "number", "percent") and not categorical:
        suffix = " (%)" if column.type == "percent" else ""
        return FieldInfo(key, label_key, title + suffix, "quantitative", column.type), _number
    return FieldInfo(key, label_key, title, "nominal", column.type), _category


def without_unit(name: str) -> str:
    """`avg_reply_minutes` -> `avg_reply` (the axis title names the unit drawn instead)."""
    for suffix, _ in DURATION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _guess_grain(column_type: str) -> str:
    return "hour" if column_type == "timestamp" else "day"


def _utc_text(value, zone):
    """A time as its local wall clock written as a UTC instant (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return local_time(value, zone).replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00Z"
    return str(value)


def _number(value, zone):
    plain = json_value(value, zone)
    return plain if isinstance(plain, (int, float)) and not isinstance(plain, bool) else None


def _category(value, zone):
    text = display_value(value, "text", zone)
    return NONE_LABEL if text is None else text


def _cyclic(value, names):
    if value is None:
        return NONE_LABEL
    number = int(value)
    if names is None:
        return f"{number:02d}"
    return names[number - 1] if 1 <= number <= len(names) else str(number)


def _label(value, column, info: FieldInfo, zone) -> str:
    if info.sort is not None:
        return _cyclic(value, None if info.granularity == "hour_of_day" else
                       (WEEKDAYS if info.granularity == "day_of_week" else MONTHS))
    if isinstance(value, date) and not isinstance(value, datetime):
        return _date_label(value, info.granularity)
    text = display_cell(value, column, zone)
    return NONE_LABEL if text is None else text


def _date_label(value: date, grain: str | None) -> str:
    if grain == "week":
        return f"week of {value:%Y-%m-%d}"
    if grain == "month":
        return f"{value:%B %Y}"
    if grain == "quarter":
        return f"Q{(value.month - 1) // 3 + 1} {value.year}"
    if grain == "year":
        return str(value.year)
    return value.isoformat()
