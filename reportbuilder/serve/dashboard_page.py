"""What `rb serve` adds to the page of `rb dashboard`: the options form (date range, time
zone, the dashboard-wide filters chosen from the values in the data) and charts drawn in the
browser by vega-embed from the same Vega-Lite specs, in the same layout.

The form's choices replace the dashboard's own filters key by key; left at "as the
dashboard says" a key keeps the YAML's value. The URL is the whole state.
"""
from __future__ import annotations

import json
from html import escape

from ..catalog.model import DASHBOARD_FILTER_KEYS
from .pages import FORM_STYLE
from .report_page import LABELS, range_fields, scripts as report_scripts, select, zone_field

DASHBOARD_KEYS = ("range", "from", "to", "timezone", "now") + DASHBOARD_FILTER_KEYS


def chart_holder(spec: dict, panel) -> str:
    """The element dashboard.js draws `spec` into, with the spec beside it."""
    data = json.dumps(spec, ensure_ascii=False, default=str).replace("</", "<\\/")
    return f'<div class="vega-chart"></div><script type="application/json">{data}</script>'


def controls(params, board, choices: dict[str, list[str]]) -> str:
    own = dict(board.filters)
    fields = range_fields(params) + [zone_field(params)]
    for key, values in choices.items():
        said = own.get(key)
        first = f"as the dashboard says ({said})" if said else "all"
        fields.append(select(key, LABELS.get(key, key), [("", first)] + [(v, v) for v in values],
                             dict(params.board).get(key)))
    if params.now:
        fields.append(f'<input type="hidden" name="now" value="{escape(params.now)}">')
    fields.append('<button type="submit">Apply</button><a href="/">All reports</a>')
    return f'<style>{FORM_STYLE}</style><form class="options" id="options" method="get">' + "".join(fields) + "</form>\n"


def scripts() -> str:
    return report_scripts("/static/dashboard.js")
