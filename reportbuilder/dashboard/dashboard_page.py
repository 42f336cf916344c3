"""A dashboard as one self-contained HTML page (inline SVG charts, no script) or one PNG.

The page shows the title, description, the date range and filters in force (with a
warning for a filter value that matches nothing), the data time, then one card per report:
its findings when computed (render/findings_card.py), its chart, and a note for each
dashboard filter that does not apply to it (or its error). A category's colour depends on
its value alone (`chart_palette`), so it is the same in every card.
"""
from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor
from typing import Callable
from zoneinfo import ZoneInfo

import altair as alt

from reportbuilder.dashboard.run_dashboard import DashboardRun, PanelRun
from reportbuilder.render.chart_output import png_of, svg_of
from reportbuilder.render.html_page import PAGE_STYLE, data_table
from reportbuilder.render.chart_spec import choose_chart
from reportbuilder.render.chart_dict import building, spec_dict
from reportbuilder.render.chart_vega import altair_chart, configure
from reportbuilder.render.findings_card import CARD_STYLE, findings_card
from reportbuilder.render.values import local_time

PANEL_WIDTH, PANEL_HEIGHT = 520, 240
WIDE_TABLE = 5  # a table card of more columns spans the grid's row (and scrolls when still too wide)

_DASH_STYLE = """
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 1.25rem;
        grid-auto-flow: row dense; }  /* charts fill the holes a whole-row table leaves */
.card h2 { font-size: 1.05rem; font-weight: 600; margin: 0 0 .5rem; }
.panel-range { color: #656d76; font-size: .8rem; margin: 0 0 .5rem; }
.grid > .card { min-width: 0; }  /* a wide table scrolls inside its card, not past the card's edge */
.grid > .card[data-wide] { grid-column: 1 / -1; }  /* a table of many columns takes the whole row */
.card .chart { overflow-x: auto; }
.card table { font-size: .78rem; margin-top: .5rem; }
.card th, .card td { padding: .25rem .5rem; }
.note { color: #9a6700; background: #fff8c5; border: 1px solid #d4a72c66; border-radius: 6px;
        font-size: .82rem; padding: .35rem .6rem; margin: .5rem 0 0; }
.error { color: #cf222e; background: #ffebe9; border: 1px solid #ff818266; border-radius: 6px;
         font-size: .85rem; padding: .5rem .75rem; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 1.25rem; padding: 0; list-style: none; }
.filters li { background: #ddf4ff; border: 1px solid #54aeff66; border-radius: 999px; padding: .15rem .7rem;
              font-size: .85rem; }
.description { margin: 0 0 .75rem; color: #424a53; }
"""


def panel_spec(panel: PanelRun, chosen=None) -> dict:
    """The Vega-Lite dict of a panel's card chart (`chosen`: its `choose_chart`, when known)."""
    spec = chosen or choose_chart(panel.result, panel.shape)
    spec = type(spec)(**{**spec.__dict__, "title": ""})  # the card shows the title
    return spec_dict(configure(altair_chart(panel.result, spec, panel.shape, PANEL_WIDTH, PANEL_HEIGHT)))


def _svg(spec: dict, panel: PanelRun) -> str:
    return svg_of(spec)


class CardsAhead:
    """Each panel's card, its chart drawn to SVG, made on a worker thread as soon as the panel's
    result arrives (`add`: run_dashboard's `on_panel`), so that vl-convert draws while DuckDB
    runs the next panels' queries (DuckDB runs without the GIL). One worker, in panel order:
    the page is the one `dashboard_html` makes alone (vl-convert numbers gradients in call order)."""

    def __init__(self):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="rb-cards")
        self._cards: dict = {}

    def __enter__(self) -> "CardsAhead":
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, panel: PanelRun) -> None:
        self._cards[id(panel)] = (panel, self._pool.submit(_card, panel, _svg))

    def card(self, panel: PanelRun) -> str:
        kept = self._cards.get(id(panel))
        return kept[1].result() if kept and kept[0] is panel else _card(panel, _svg)


def dashboard_html(run: DashboardRun, progress: Callable[[str], None] | None = None,
                   draw: Callable[[dict, PanelRun], str] = _svg, controls: str = "",
                   scripts: str = "", ahead: CardsAhead | None = None) -> str:
    """The page; `progress(label)` is called after each chart is drawn. `draw(spec, panel)` turns
    a panel's Vega-Lite spec into the card's HTML (inline SVG here; `rb serve` embeds it for
    vega-embed), `controls` goes above the filters and `scripts` at the end of the body.
    `ahead`: the cards drawn (as inline SVG) while the dashboard ran."""
    cards = []
    for panel in run.panels:
        cards.append(ahead.card(panel) if ahead is not None else _card(panel, draw))
        if progress:
            progress(panel.ref)
    dash = run.dashboard
    title = html.escape(dash.title)
    description = f'<p class="description">{html.escape(dash.description)}</p>\n' if dash.description else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>{PAGE_STYLE}{_DASH_STYLE}{CARD_STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n{description}"
            f'<p class="meta">{html.escape(_meta(run))}</p>\n{_filters(run)}'
            f'{controls}<div class="grid">\n{"".join(cards)}</div>\n{scripts}</body>\n</html>\n')


def _card(panel: PanelRun, draw) -> str:
    head = f"<h2>{html.escape(panel.title)}</h2>\n"
    if panel.missing_table is not None:  # not a failure of the report: the data lacks what it reads
        body = (f'<p class="note">Needs {html.escape(panel.missing_table)}, which this data does not have.</p>\n')
        return f'<section class="card" data-report="{html.escape(panel.ref)}">\n{head}{body}</section>\n'
    if panel.error is not None:
        body = f'<p class="error">This report failed: {html.escape(panel.error)}</p>\n'
        return f'<section class="card" data-report="{html.escape(panel.ref)}">\n{head}{body}</section>\n'
    wide = ""
    chosen = choose_chart(panel.result, panel.shape)
    if chosen.type == "table":
        # text reads better as HTML than as a drawn table; a null group reads "(none)"
        drawing = data_table(panel.result, groups=panel.shape.dimensions)
        wide = " data-wide" if len(panel.result.columns) > WIDE_TABLE else ""
    else:
        drawing = draw(panel_spec(panel, chosen), panel)
    rng = f'<p class="panel-range">{html.escape(panel.date_range)}</p>\n' if panel.date_range else ""
    notes = "".join(f'<p class="note">{html.escape(n)}</p>\n' for n in panel.not_applied)
    card = findings_card(panel.findings)
    return (f'<section class="card" data-report="{html.escape(panel.ref)}"{wide}>\n{head}{rng}{card}'
            f'<div class="chart">{drawing}</div>\n{notes}</section>\n')


def _meta(run: DashboardRun) -> str:
    dash = run.dashboard
    if dash.preset:
        span = dash.preset.replace("_", " ")
    elif dash.start or dash.end:
        span = f"{dash.start or '…'} to {dash.end or '…'}"
    else:
        span = "each report's own date range"
    data_time = local_time(run.now_utc, ZoneInfo(run.timezone))
    return f"Date range: {span} · Data as of {data_time:%Y-%m-%d %H:%M} ({run.timezone})"


def _filters(run: DashboardRun) -> str:
    if not run.dashboard.filters:
        return '<ul class="filters"><li>No dashboard filters</li></ul>\n'
    items = "".join(f"<li>{html.escape(k)}: {html.escape(_value(v))}</li>" for k, v in run.dashboard.filters)
    warnings = "".join(f'<p class="note filter-warning">{html.escape(w)}</p>\n' for w in run.warnings)
    return f'<ul class="filters">{items}</ul>\n{warnings}'


def _value(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def dashboard_png(run: DashboardRun, columns: int = 2) -> bytes:
    """The whole dashboard as one PNG: the charts in a grid under the dashboard's title."""
    return png_of(dashboard_png_spec(run, columns), scale=1.5)


def dashboard_png_spec(run: DashboardRun, columns: int = 2) -> dict:
    """The Vega-Lite dict of `dashboard_png`."""
    charts = []
    for panel in run.panels:
        if panel.result is None:
            continue
        spec = choose_chart(panel.result, panel.shape)
        charts.append(altair_chart(panel.result, spec, panel.shape, PANEL_WIDTH, PANEL_HEIGHT))
    with building():  # the charts' rows are opaque to altair's checks (chart_dict.py)
        rows = [alt.hconcat(*charts[i:i + columns], spacing=40).resolve_scale(color="independent")
                for i in range(0, len(charts), columns)]  # each legend under its own chart
        whole = alt.vconcat(*rows, spacing=40).properties(
            title=alt.TitleParams(run.dashboard.title, subtitle=_meta(run), fontSize=20, anchor="start"))
        whole = configure(whole).resolve_scale(color="independent")
    return spec_dict(whole)
