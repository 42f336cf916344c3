"""A report's chart as a file: `svg` text, `png` bytes, or a self-contained `html` page.

`rb run --format html` writes the chart page: the chart as inline SVG (no script, no
network) with the data table below it; `rb insights -o x.html` (and `rb run --insights`)
writes the same page with the findings card above the chart. Vega-Lite goes to SVG/PNG
with vl-convert.

Example:
    >>> from reportbuilder.run.result import Result, ResultColumn
    >>> r = Result((ResultColumn("channel", "text"), ResultColumn("tickets", "integer")), (("email", 3),))
    >>> render_chart(r, "svg").startswith("<svg")
    True
"""
from __future__ import annotations

import vl_convert

from reportbuilder.render.chart_partial import partial_rows, time_dimension
from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.render.chart_vega import vegalite
from reportbuilder.render.findings_card import findings_card
from reportbuilder.render.html_page import chart_page
from reportbuilder.run.result import Result

PNG_SCALE = 2


def chart_vegalite(result: Result, shape: ChartShape = ChartShape(),
                   width: int = 560, height: int = 280) -> dict:
    """The Vega-Lite spec of the chart `shape` asks for (or its default)."""
    return vegalite(result, choose_chart(result, shape), shape, width, height)


def svg_of(spec: dict) -> str:
    return vl_convert.vegalite_to_svg(spec)


def png_of(spec: dict, scale: float = PNG_SCALE) -> bytes:
    return vl_convert.vegalite_to_png(spec, scale=scale)


def render_chart(result: Result, fmt: str, shape: ChartShape = ChartShape(), findings=()) -> str | bytes:
    """The chart as `svg` (str), `png` (bytes) or `html` (a page with the data table below and
    the card of `findings` above the chart; a report whose chart is a table gets the HTML table
    alone, drawn once)."""
    card = findings_card(findings)
    if fmt == "html" and choose_chart(result, shape).type == "table":
        return chart_page(result, None, groups=shape.dimensions, card=card)
    spec = chart_vegalite(result, shape)
    if fmt == "svg":
        return svg_of(spec)
    if fmt == "png":
        return png_of(spec)
    if fmt == "html":
        found = time_dimension(result, shape.granularities)
        partial = partial_rows(result, shape.granularities, shape.now_utc, shape.week_start)
        return chart_page(result, svg_of(spec), partial, found[1] if found else None, shape.dimensions, card)
    raise ValueError(f"unknown chart format {fmt!r}; expected png, svg or html")
