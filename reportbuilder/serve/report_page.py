"""The report page: the options form, the chart drawn in the browser by vega-embed from the
Vega-Lite spec `rb run --format png` draws, the table, and the drill-down panel.

The form is a GET form, so the URL is the whole state: a copied link reproduces the view.
The page hands its data to static/report.js in one JSON script element (the Vega-Lite spec,
the rows as `rb run --format json` prints them, the dimension and measure names); each data
record of the spec carries `rb_row` (chart_data.py), its row's index, so a click finds its cell. Without
scripts the table below the chart still shows every number.
"""
from __future__ import annotations

import json
from html import escape
from zoneinfo import available_timezones

from ..render.chart_data import humanize
from ..render.html_page import data_table
from ..timeframe.ranges import PRESETS
from .pages import page, query_of
from .params import BUCKETS
from .static_files import CHART_SCRIPTS

LABELS = {"owner": "Owner", "team": "Team", "channel_account": "Channel account (phone number)",
          "pipeline": "Pipeline", "company": "Company"}
COMPARE_LABELS = (("", "as the report says"), ("previous_period", "previous period"),
                  ("previous_year", "previous year"), ("off", "off"))


def select(name: str, label: str, options, chosen: str | None) -> str:
    items = "".join(f'<option value="{escape(v)}"{" selected" if v == (chosen or "") else ""}>{escape(t)}</option>'
                    for v, t in options)
    return f'<label>{escape(label)}<select name="{name}" data-autosubmit>{items}</select></label>'


def _presets(chosen: str | None) -> tuple[str, ...]:
    """The named presets, and the chosen one when it is another accepted form (last_90_days)."""
    return PRESETS if chosen in PRESETS or chosen is None else (chosen,) + PRESETS


def range_fields(params) -> list[str]:
    """The date range: a preset, or custom from/to dates."""
    first = "custom" if params.from_ or params.to else "as the report says"
    return [select("range", "Range", [("", first)] + [(p, p.replace("_", " ")) for p in _presets(params.range_)],
                   params.range_),
            f'<label>From<input type="date" name="from" value="{escape(params.from_ or "")}"></label>',
            f'<label>To<input type="date" name="to" value="{escape(params.to or "")}"></label>']


def zone_field(params) -> str:
    zones = "".join(f'<option value="{z}">' for z in sorted(available_timezones()))
    return (f'<label>Time zone<input name="timezone" list="zones" value="{escape(params.timezone or "")}" '
            f'placeholder="Europe/Paris"><datalist id="zones">{zones}</datalist></label>')


def options_form(params, has_time: bool, has_range: bool, choices: dict[str, list[str]]) -> str:
    """Range, granularity, time zone, compare, dashboard filters (values from `choices`), filters."""
    fields = range_fields(params)
    if has_time:
        fields.append(select("granularity", "Granularity", [("", "as the report says")] + [(b, b) for b in BUCKETS],
                             params.granularity))
    fields.append(zone_field(params))
    if has_range:
        fields.append(select("compare", "Compare with", COMPARE_LABELS, params.compare))
    board = dict(params.board)
    for key, values in choices.items():
        fields.append(select(key, LABELS.get(key, key), [("", "all")] + [(v, v) for v in values], board.get(key)))
    for text in params.filters + ("",):
        fields.append(f'<label>Filter<input name="filter" value="{escape(text)}" '
                      'placeholder="priority = \'high\'"></label>')
    if params.now:
        fields.append(f'<input type="hidden" name="now" value="{escape(params.now)}">')
    fields.append('<button type="submit">Apply</button>')
    return '<form class="options" id="options" method="get">' + "".join(fields) + "</form>\n"


def _data_json(name: str, query: str, spec: dict, rows: list, report) -> str:
    data = {"name": name, "query": query, "spec": spec, "rows": rows,
            "dimensions": [d.name for d in report.dimensions], "measures": [m.name for m in report.measures],
            "chart_y": list((report.chart or {}).get("y") or []),
            "series": {humanize(m.name): m.name for m in report.measures}}
    return json.dumps(data, ensure_ascii=False, default=str).replace("</", "<\\/")


def scripts(page_script: str = "/static/report.js") -> str:
    """The vendored chart scripts, the form's, then the page's own."""
    return "".join(f'<script src="{src}"></script>\n' for src in CHART_SCRIPTS + ("/static/form.js", page_script))


def report_page(name: str, title: str, params, *, report=None, result=None, spec=None, rows=None,
                choices=None, error: str | None = None, card: str = "") -> str:
    """`card`: the findings card (render/findings_card.py), shown above the chart."""
    has_time = bool(report) and any(d.granularity in BUCKETS for d in report.dimensions)
    body = options_form(params, has_time or bool(params.granularity), bool(report and report.window), choices or {})
    if error is not None or report is None:
        return page(title or name, body + f'<pre class="error">{escape(error or "")}</pre>\n')
    query = query_of(params)
    suffix = "?" + escape(query) if query else ""
    body += (f'<p class="meta" id="exports"><a id="csv" href="/api/run/{escape(name)}.csv{suffix}" download>CSV</a> '
             f'<a href="/api/run/{escape(name)}{suffix}">JSON</a> '
             f'<button type="button" id="png" disabled>PNG</button> '
             f'Times in {escape(result.timezone)}. Click a bar, point or cell to see the rows behind it.</p>\n'
             f'{card}<div class="card chart" id="chart"></div>\n'
             '<section id="drill" class="card" hidden><h2 id="drill-title"></h2>'
             '<p class="meta"><button type="button" id="drill-prev">Previous</button> '
             '<span id="drill-page"></span> <button type="button" id="drill-next">Next</button> '
             '<a id="drill-csv" download>CSV of these rows</a></p>'
             '<div class="scroll"><table id="drill-table"></table></div></section>\n'
             f'<div id="result" class="scroll">{data_table(result, groups=tuple(d.name for d in report.dimensions))}</div>\n'
             f'<script type="application/json" id="rb-report">{_data_json(name, query, spec, rows, report)}</script>\n'
             + scripts())
    return page(title or name, body)
