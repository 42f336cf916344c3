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

import html
from zoneinfo import ZoneInfo

import vl_convert

from reportbuilder.render.chart_partial import partial_note, partial_rows, time_dimension
from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.render.chart_vega import vegalite
from reportbuilder.render.findings_card import CARD_STYLE, findings_card
from reportbuilder.render.values import NUMERIC_TYPES, display_row
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


PAGE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Liberation Sans", sans-serif; margin: 2rem;
       color: #1f2328; background: #f6f8fa; }
h1 { font-size: 1.5rem; font-weight: 600; margin: 0 0 .25rem; }
.meta { color: #656d76; font-size: .9rem; margin: 0 0 1.25rem; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem 1.25rem; }
.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .88rem; margin-top: 1.5rem; background: #fff; }
th, td { padding: .35rem .75rem; border-bottom: 1px solid #d0d7de; text-align: left; }
th { background: #f6f8fa; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.partial td { font-style: italic; color: #656d76; }
caption { caption-side: bottom; text-align: left; color: #656d76; padding-top: .5rem; }
"""


def chart_page(result: Result, svg: str | None, partial: frozenset = frozenset(), grain: str | None = None,
               groups: tuple[str, ...] = (), card: str = "") -> str:
    """A self-contained page: title, the findings `card` (findings_card's markup; "" for none),
    the chart as inline SVG (None: no chart), then the data table (rows of a bucket that is not
    over, `partial`, marked; a null in a `groups` column reads "(none)")."""
    title = html.escape(result.title or "Report")
    chart = f'<div class="card chart">{svg}</div>\n' if svg is not None else ""
    style = PAGE_STYLE + (CARD_STYLE if card else "")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>{style}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
            f'<p class="meta">Times in {html.escape(result.timezone)}</p>\n'
            f'{card}{chart}{data_table(result, partial, grain, groups)}</body>\n</html>\n')


def data_table(result: Result, partial: frozenset = frozenset(), grain: str | None = None,
               groups: tuple[str, ...] = ()) -> str:
    """The rows as an HTML table of display text (the markup of the `html` data format);
    rows whose index is in `partial` (their `grain` bucket is not over) get class `partial` and a note;
    a null in a `groups` column reads "(none)"."""
    zone = ZoneInfo(result.timezone)
    classes = [' class="num"' if c.type in NUMERIC_TYPES else "" for c in result.columns]
    head = "".join(f"<th{cls}>{html.escape(c.name)}</th>" for cls, c in zip(classes, result.columns))
    body = []
    for n, row in enumerate(result.rows):
        cells = (text or "" for text in display_row(row, result.columns, groups, zone))
        body.append(("<tr class=\"partial\">" if n in partial else "<tr>") + "".join(f"<td{cls}>{html.escape(t)}</td>" for cls, t in zip(classes, cells)) + "</tr>\n")
    count = len(result.rows)
    caption = f"{count:,} row{'' if count == 1 else 's'}"
    if partial and grain:
        caption += html.escape(". " + partial_note(grain, "its rows in italics"))
    return (f"<table>\n<caption>{caption}</caption>\n<thead>\n<tr>{head}</tr>\n</thead>\n<tbody>\n"
            f"{''.join(body)}</tbody>\n</table>\n")
