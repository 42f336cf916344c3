"""The HTML page of a result: its style, the data table, the page with or without a chart.

One writer for every HTML table: `rb run -o x.html` (below its chart, or alone for a `table`
chart), the `html` data format (`rb rows`), dashboards and `rb serve` pages.
"""
from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from reportbuilder.render.chart_partial import partial_note
from reportbuilder.render.findings_card import CARD_STYLE
from reportbuilder.render.values import NUMERIC_TYPES, display_row
from reportbuilder.run.result import Result

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
