"""Compile a result and its `ChartSpec` to a Vega-Lite spec, through altair.

One function per chart type; `vegalite()` is the entry point and returns the
Vega-Lite JSON as a dict (the `$schema` altair writes included). Temporal axes use
UTC scales and formats over local wall-clock values (see `chart_data`). Category
colours come from a `Palette` so that a dashboard gives a value one colour everywhere.

Example:
    >>> from reportbuilder.run.result import Result, ResultColumn
    >>> r = Result((ResultColumn("channel", "text"), ResultColumn("tickets", "integer")), (("email", 3),))
    >>> vegalite(r, ChartSpec("bar", x="channel", y=("tickets",)))["mark"]["type"]
    'bar'
"""
from __future__ import annotations

from dataclasses import replace

import altair as alt

from reportbuilder.render.chart_dict import building, inline_data, spec_dict
from reportbuilder.render.chart_data import ChartData, chart_data, humanize, series_name
from reportbuilder.render.chart_compare import change, change_label, compare_records, lighter, previous_column, series_names
from reportbuilder.render.chart_partial import partial_note, partial_rows, time_dimension
from reportbuilder.render.chart_palette import Palette, series_values
from reportbuilder.render.chart_spec import ChartShape, ChartSpec
from reportbuilder.render.chart_table import table_chart
from reportbuilder.render.chart_top import top_categories
from reportbuilder.render.chart_time import time_format, time_ticks
from reportbuilder.render.chart_units import axis_format, common_unit, value_title
from reportbuilder.render.values import duration_scale, format_duration, format_number
from reportbuilder.run.result import Result, comparison_column

FONT = "Liberation Sans, Helvetica, Arial, sans-serif"
LEGEND_COLUMNS = 4
EMPTY_TEXT = "No data for this range and filters"
_UP, _DOWN, _FLAT = "#1a7f37", "#cf222e", "#656d76"
_MARKS_PARTIAL = ("line", "bar", "grouped_bar", "stacked_bar", "horizontal_bar", "combo")
_PARTIAL_OPACITY = 0.4
_DASH = alt.StrokeDash("segment", type="nominal", legend=None,  # see _dashed_tail
                       scale=alt.Scale(domain=["complete", "partial"], range=[[1, 0], [5, 4]]))


def vegalite(result: Result, spec: ChartSpec, shape: ChartShape = ChartShape(),
             width: int = 560, height: int = 280) -> dict:
    """The Vega-Lite spec (a dict) drawing `result` as `spec` says."""
    return spec_dict(configure(altair_chart(result, spec, shape, width, height)))


def altair_chart(result: Result, spec: ChartSpec, shape: ChartShape = ChartShape(),
                 width: int = 560, height: int = 280):
    """The altair chart, before the top-level configuration (so that charts can be concatenated);
    its data rows are opaque (chart_dict.py): `spec_dict` makes its Vega-Lite dict."""
    with building():
        return _chart(result, spec, shape, width, height)


def _chart(result, spec, shape, width, height):
    result, top_note, origin = top_categories(result, spec, shape)
    palette = Palette.for_values(series_values(result, spec))
    categorical = {spec.x} if spec.type in ("bar", "grouped_bar", "stacked_bar", "horizontal_bar", "heatmap",
                                            "pie", "donut", "combo") and spec.x else set()
    if spec.color:
        categorical.add(spec.color)
    partial = partial_rows(result, shape.granularities, shape.now_utc, shape.week_start)
    grain = (time_dimension(result, shape.granularities) or (None, None))[1]
    data = chart_data(result, dict(shape.granularities), categorical - _temporal_ok(result, spec), partial, grain,
                      origin)
    data = replace(data, noun=humanize(shape.source) if shape.source else None)
    builder = _empty if _nothing_to_draw(result, spec) else _BUILDERS.get(spec.type, _bar)
    chart = builder(result, spec, data, palette, width, height)
    marked = data.partial_grain and spec.type in _MARKS_PARTIAL
    how = {"line": "dashed", "combo": "lighter bar, dashed line"}.get(spec.type, "lighter")
    notes = ([partial_note(data.partial_grain, how)] if marked else []) + ([top_note] if top_note else [])
    if spec.title or notes:  # a dashboard card has its own title, but still the notes
        subtitle = (notes[0] if len(notes) == 1 else notes) if notes else alt.Undefined
        chart = chart.properties(title=alt.TitleParams(spec.title or " ", anchor="start", fontSize=15,
                                                       subtitle=subtitle, subtitleColor="#656d76"))
    return chart


def _temporal_ok(result, spec) -> set:
    """Time columns stay temporal on bar and combo x axes (bars per bucket, in time order)."""
    types = {c.name: c.type for c in result.columns}
    return {spec.x} if spec.x and types.get(spec.x) in ("date", "timestamp") and spec.type != "heatmap" else set()


def configure(chart):
    """Fonts, colours and legend placement shared by every chart."""
    with building():
        return _configured(chart)


def _configured(chart):
    return (chart.configure(font=FONT, padding=12)
            .configure_view(stroke=None)
            .configure_axis(labelFontSize=11, titleFontSize=12, titleFontWeight="normal", gridColor="#eaeef2",
                            domainColor="#8c959f", tickColor="#8c959f", labelColor="#424a53", titleColor="#424a53")
            .configure_legend(labelFontSize=11, titleFontSize=12, titleFontWeight="normal", orient="bottom",
                              labelLimit=180)
            .configure_title(color="#1f2328", fontWeight=600))


def _base(records, width, height):
    return alt.Chart(inline_data(records)).properties(width=width, height=height)


# -- encodings ----------------------------------------------------------------

def _axis_x(data: ChartData, column: str, ordinal_time: bool = False, width: int = 560, **extra):
    info = data[column]
    if info.kind == "temporal":
        texts = [r[info.key] for r in data.records]
        if ordinal_time:  # one band per bucket: Vega-Lite labels each band, dropping overlapping labels
            fmt = time_format(texts, info.granularity)
            axis = alt.Axis(labelExpr=f"utcFormat(datum.value, '{fmt}')", labelAngle=0, labelOverlap=True)
            unit = "utcyearmonthdatehours" if info.granularity == "hour" else "utcyearmonthdate"
            return alt.X(info.key, type="ordinal", timeUnit=unit, title=info.title, axis=axis, **extra)
        ticks = time_ticks(texts, info.granularity, width)
        axis = alt.Axis(values=ticks.values, labelExpr=f"utcFormat(datum.value, '{ticks.format}')", labelAngle=0,
                        labelOverlap=True)
        return alt.X(info.key, type="temporal", title=info.title, scale=alt.Scale(type="utc"), axis=axis, **extra)
    return _category_channel(alt.X, info, axis=alt.Axis(labelAngle=0 if info.sort else -30, labelLimit=140), **extra)


def _category_channel(channel, info, **extra):
    if info.sort:  # a cyclic bucket shows all its values in order, even those without rows
        return channel(info.key, type="ordinal", title=info.title, sort=list(info.sort),
                       scale=alt.Scale(domain=list(info.sort)), **extra)
    return channel(info.key, type="nominal", title=info.title, sort=None, **extra)  # the result's order


def _measure(channel, data: ChartData, column: str, title: str | None = None, field: str | None = None, **extra):
    """The value channel of `column` (read from `field` of long records when given)."""
    info = data[column]
    return channel(field or info.key, type="quantitative", title=title or info.title,
                   axis=alt.Axis(**axis_format([info])), **extra)


def _value_axis(channel, data: ChartData, measures, **extra):
    """The value channel of several measures folded into `value` (see `_folded`)."""
    infos = _folded_infos(data, measures)
    return channel("value", type="quantitative", title=value_title(infos, data.noun),
                   axis=alt.Axis(**axis_format(infos)), **extra)


def _color(palette: Palette, field: str, title: str | None):
    return alt.Color(field, type="nominal", title=title,
                     scale=alt.Scale(domain=palette.domain, range=palette.range),
                     sort=palette.domain, legend=alt.Legend(columns=LEGEND_COLUMNS))  # wraps, never widens


def _tooltip(data: ChartData, columns):
    return [alt.Tooltip(data[c].label_key, type="nominal", title=c) for c in columns if c]


def _folded(result, spec, data, measures):
    """Long records: one per row and measure, with `series`, `value`, `value_label`; durations
    brought to one unit (each measure was drawn in its own)."""
    infos = [data[m] for m in measures]
    keys = [i.key for i in infos]
    common = common_unit(infos, data.records, keys)
    factors = common[1] if common else {}
    out = []
    for record in data.records:
        for m, info in zip(measures, infos):
            value = record[info.key]
            if value is not None and info.key in factors:
                value = value * factors[info.key]
            out.append({**record, "series": series_name(m), "value": value, "value_label": record[info.label_key]})
    return out


def _folded_infos(data, measures):
    """The fields of folded measures as `_folded` draws them (durations in their common unit)."""
    infos = [data[m] for m in measures]
    common = common_unit(infos, data.records, [i.key for i in infos])
    return [replace(i, unit=common[0]) for i in infos] if common else infos


def _previous_series(result, spec, data, palette):
    """(long records, palette) drawing one measure and, lighter, its previous period; None when
    the report does not compare or the chart splits its series by `color:` already."""
    y = list(spec.y)
    if spec.color or len(y) != 1 or not previous_column(result, y[0]):
        return None
    base = palette.range[0]
    return compare_records(result, data, y[0]), Palette(series_names(y[0]), (base, lighter(base)))


def _compare_tips(data, spec):
    return _tooltip(data, [spec.x]) + [alt.Tooltip("series", type="nominal", title="period"),
                                       alt.Tooltip("value_label", type="nominal", title="value"),
                                       alt.Tooltip("change_label", type="nominal", title="change")]


def _series(result, spec, data, palette, width, height, mark):
    """Line or area: one measure split by `color`, or several measures as series, or one
    measure and its previous period."""
    y = list(spec.y)
    compared = _previous_series(result, spec, data, palette)
    if compared:
        records, palette = compared
        enc = dict(y=_measure(alt.Y, data, y[0], field="value"), color=_color(palette, "series", None),
                   tooltip=_compare_tips(data, spec))
    elif len(y) > 1 and not spec.color:
        records = _folded(result, spec, data, y)
        enc = dict(y=_value_axis(alt.Y, data, y, stack=True if mark == "area" else None),
                   color=_color(palette, "series", None),
                   tooltip=_tooltip(data, [spec.x]) + [alt.Tooltip("series", type="nominal", title="measure"),
                                                       alt.Tooltip("value_label", type="nominal", title="value")])
    else:
        records = data.records
        enc = dict(y=_measure(alt.Y, data, y[0], stack=True if mark == "area" else None),
                   tooltip=_tooltip(data, [spec.x, spec.color, y[0]]))
        if spec.color:
            enc["color"] = _color(palette, data[spec.color].key, data[spec.color].title)
        else:
            mark_color = palette.range[0]
    if data.partial_grain and mark == "line":
        records = _dashed_tail(records, data[spec.x].key)
        enc["strokeDash"] = _DASH
        enc["tooltip"] = enc["tooltip"] + _partial_tip(data)
    chart = _base(records, width, height)
    many = len(data.records) > 60
    if mark == "area":
        chart = chart.mark_area(opacity=0.85, line=True, interpolate="linear")
    else:
        chart = chart.mark_line(point=not many, strokeWidth=2, interpolate="linear")
    if "color" not in enc:
        chart = chart.mark_area(opacity=0.85, line=True, color=mark_color) if mark == "area" else \
            chart.mark_line(point=alt.OverlayMarkDef(color=mark_color) if not many else False,
                            strokeWidth=2, color=mark_color)
    return chart.encode(x=_axis_x(data, spec.x, width=width), **enc)


def _dashed_tail(records, x_key):
    """Records with a `segment`: the partial buckets, joined to the last complete bucket, form the
    `partial` segment (drawn dashed); the last complete bucket is repeated there so the line is unbroken."""
    complete = [r[x_key] for r in records if not r["partial"] and r[x_key] is not None]
    last = max(complete, default=None)
    out = [{**r, "segment": "partial" if r["partial"] else "complete"} for r in records]
    out += [{**r, "segment": "partial"} for r in records if not r["partial"] and r[x_key] == last]
    return out


def _partial_tip(data: ChartData):
    return [alt.Tooltip("partial", type="nominal", title=f"{data.partial_grain} not over yet")]


def _partial_opacity():
    return alt.condition("datum.partial", alt.value(_PARTIAL_OPACITY), alt.value(1.0))


def _line(result, spec, data, palette, width, height):
    return _series(result, spec, data, palette, width, height, "line")


def _area(result, spec, data, palette, width, height):
    return _series(result, spec, data, palette, width, height, "area")


def _bar(result, spec, data, palette, width, height):
    y = list(spec.y)
    records = data.records
    compared = _previous_series(result, spec, data, palette)
    if compared:
        records, palette = compared
        spec = ChartSpec(spec.type, spec.x, spec.y, horizontal=spec.horizontal, title=spec.title)  # side by side
        value = _measure(alt.Y, data, y[0], field="value")
        color_field, color_title, value_tip = "series", None, _compare_tips(data, spec)[1:]
    elif len(y) > 1 and not spec.color:
        records = _folded(result, spec, data, y)
        value = _value_axis(alt.Y, data, y, stack=True if spec.stack else None)
        color_field, color_title, value_tip = "series", None, [alt.Tooltip("series", type="nominal", title="measure"),
                                                               alt.Tooltip("value_label", type="nominal", title="value")]
    else:
        value = _measure(alt.Y, data, y[0], stack=True if spec.stack else None)
        color_field = data[spec.color].key if spec.color else None
        color_title = data[spec.color].title if spec.color else None
        value_tip = _tooltip(data, [spec.color, y[0]])
    if color_field:
        chart = _base(records, width, height).mark_bar()
    else:
        chart = _base(records, width, height).mark_bar(color=palette.range[0], cornerRadiusEnd=2)
    enc = dict(tooltip=_tooltip(data, [spec.x]) + value_tip)
    if data.partial_grain:
        enc.update(opacity=_partial_opacity(), tooltip=enc["tooltip"] + _partial_tip(data))
    if color_field:
        enc["color"] = _color(palette, color_field, color_title)
    category = _axis_x(data, spec.x, ordinal_time=True, width=width)
    if spec.horizontal:
        info = data[spec.x]
        sort = list(info.sort) if info.sort else None  # None: the result's order (its `sort:`, its ranking)
        category = alt.Y(info.key, type="ordinal" if info.sort or info.kind == "temporal" else "nominal",
                         title=info.title, sort=sort, axis=alt.Axis(labelLimit=180),
                         **({"timeUnit": "utcyearmonthdate"} if info.kind == "temporal" else {}))
        value = alt.X(**value.to_dict(validate=False))
        enc.update(y=category, x=value)
        if color_field and not spec.stack:
            enc["yOffset"] = alt.YOffset(color_field, type="nominal", sort=palette.domain)
        rows = len({r[info.key] for r in records})
        chart = chart.properties(height=max(height, 22 * rows * (1 if spec.stack or not color_field else 2)))
    else:
        enc.update(x=category, y=value)
        if color_field and not spec.stack:
            enc["xOffset"] = alt.XOffset(color_field, type="nominal", sort=palette.domain)
    return chart.encode(**enc)


def _pie(result, spec, data, palette, width, height, donut=False):
    size = min(width, height)
    info_x = data[spec.x]
    color = _color(palette, info_x.key, info_x.title)
    chart = _base(data.records, size, size).mark_arc(innerRadius=size * 0.28 if donut else 0, outerRadius=size / 2,
                                                     stroke="white", strokeWidth=1.5)
    return chart.encode(theta=alt.Theta(data[spec.y[0]].key, type="quantitative", stack=True),
                        color=color, tooltip=_tooltip(data, [spec.x, spec.y[0]]))


def _donut(result, spec, data, palette, width, height):
    return _pie(result, spec, data, palette, width, height, donut=True)


def _heatmap(result, spec, data, palette, width, height):
    x, y, value = data[spec.x], data[spec.color] if spec.color else None, data[spec.y[0]]
    enc = dict(x=_category_channel(alt.X, x, axis=alt.Axis(labelAngle=0)),
               color=alt.Color(value.key, type="quantitative", title=value.title,
                               scale=alt.Scale(scheme="blues"),  # counts read as whole numbers, as on count axes
                               legend=alt.Legend(orient="right", **axis_format([value]))),
               tooltip=_tooltip(data, [spec.x, spec.color, spec.y[0]]))
    if y is not None:
        enc["y"] = _category_channel(alt.Y, y)
    return _base(data.records, width, height).mark_rect(stroke="white", strokeWidth=1).encode(**enc)


def _combo(result, spec, data, palette, width, height):
    """Bars of every `y` measure (stacked or side by side: an SLA's on-time and late counts), and
    each `line` measure as a line on its own axis."""
    lines_of = spec.line or spec.y[1:2]
    bar_y = spec.y if spec.line else spec.y[:1]
    bars = _bar(result, ChartSpec("bar", x=spec.x, y=bar_y, color=spec.color, stack=spec.stack), data,
                palette, width, height)
    lines = []
    for m in lines_of:
        color = palette.color(series_name(m)) if not spec.color and series_name(m) in palette.domain else "#1f2328"
        records, dash = data.records, {}
        if data.partial_grain:
            records, dash = _dashed_tail(records, data[spec.x].key), dict(strokeDash=_DASH)
        lines.append(_base(records, width, height)
                     .mark_line(point=alt.OverlayMarkDef(color=color, size=50), strokeWidth=2.5, color=color)
                     .encode(x=_axis_x(data, spec.x, ordinal_time=True, width=width), y=_measure(alt.Y, data, m),
                             tooltip=_tooltip(data, [spec.x, m]), **dash))
    return alt.layer(bars, *lines).resolve_scale(y="independent")


def _scatter(result, spec, data, palette, width, height):
    enc = dict(x=_measure(alt.X, data, spec.x) if data[spec.x].kind == "quantitative" else _axis_x(data, spec.x, width=width),
               y=_measure(alt.Y, data, spec.y[0]), tooltip=_tooltip(data, [spec.x, spec.y[0], spec.color]))
    if spec.color:
        enc["color"] = _color(palette, data[spec.color].key, data[spec.color].title)
    return _base(data.records, width, height).mark_circle(size=70, opacity=0.8, color=palette.range[0]).encode(**enc)


def _nothing_to_draw(result, spec) -> bool:
    """No rows, or (a chart, not a table) no value in any measure it plots: axes alone would mislead."""
    if not result.rows:
        return True
    plotted = [result.names.index(m) for m in (*spec.y, *spec.line) if m in result.names]
    return spec.type != "table" and bool(plotted) and all(row[i] is None for row in result.rows for i in plotted)


def _empty(result, spec, data, palette, width, height):
    """The empty state: one plain sentence where the chart would be."""
    box = min(height, 120)
    return (alt.Chart(inline_data([{"text": EMPTY_TEXT}])).mark_text(fontSize=14, color="#656d76")
            .encode(text="text:N", x=alt.value(width / 2), y=alt.value(box / 2))
            .properties(width=width, height=box))


def _kpi(result, spec, data, palette, width, height):
    measure = spec.y[0]
    names = result.names
    row = result.rows[0] if result.rows else None
    scale = duration_scale(result.columns[names.index(measure)])  # a duration in any unit reads `3d 4h`
    kind = "seconds" if scale else data[measure].column_type
    value = _in_seconds(row[names.index(measure)] if row else None, scale)
    lines = [{"text": _kpi_text(value, kind), "y": 0, "size": 46, "weight": 700, "tone": "value"},
             {"text": series_name(measure), "y": 1, "size": 14, "weight": 400, "tone": "label"}]
    change_column, previous_name = comparison_column(result, measure, "change_pct"), previous_column(result, measure)
    if row and change_column is not None:
        pct = row[names.index(change_column)]
        previous = row[names.index(previous_name)] if previous_name is not None else None
        previous = _in_seconds(previous, scale)
        moved = change(value, previous, pct, kind)
        lines.append({"text": _change_text(value, previous, pct, kind), "y": 2, "size": 14, "weight": 600,
                      "tone": _tone(moved, kind)})
    tones = ["value", "label", "up", "down", "flat"]
    colors = ["#1f2328", "#656d76", _UP, _DOWN, _FLAT]
    chart = _base(lines, width, min(height, 150)).mark_text(align="center", baseline="middle")
    return chart.encode(
        text="text:N",
        y=alt.Y("y:O", axis=None, scale=alt.Scale(paddingOuter=0.3)),
        size=alt.Size("size:Q", scale=None, legend=None),
        color=alt.Color("tone:N", scale=alt.Scale(domain=tones, range=colors), legend=None),
    )


def _in_seconds(value, scale):
    return float(value) * scale if scale and value is not None else value


def _kpi_text(value, kind) -> str:
    if value is None:
        return "—"
    if kind == "seconds":
        return format_duration(value)
    if kind == "percent":
        return format_number(value) + "%"
    return format_number(value)


def _change_text(value, previous, pct, kind) -> str:
    """`▲ 1.45 pts vs previous period (...)` for a rate, `▼ 3.5% ...` for anything else."""
    before = f" (previous period: {_kpi_text(previous, kind)})" if previous is not None else ""
    label = change_label(value, previous, pct, kind)
    if label is None:
        return "no change to compare" + before
    moved = change(value, previous, pct, kind)
    arrow = "▲" if moved > 0 else ("▼" if moved < 0 else "■")
    return f"{arrow} {label.lstrip('+-±')} vs previous period" + before


def _tone(pct, kind) -> str:
    if not pct:
        return "flat"
    better = pct < 0 if kind == "seconds" else pct > 0  # a shorter duration is an improvement
    return "up" if better else "down"


def _table(result, spec, data, palette, width, height):
    return table_chart(result, data, width)


_BUILDERS = {
    "line": _line, "area": _area, "bar": _bar, "grouped_bar": _bar, "stacked_bar": _bar,
    "horizontal_bar": _bar, "pie": _pie, "donut": _donut, "heatmap": _heatmap, "combo": _combo,
    "kpi": _kpi, "table": _table, "scatter": _scatter,
}
