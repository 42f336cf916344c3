"""Category colours that are the same for a value in every chart, report and dashboard.

A value's colour depends on the value alone, never on what else a chart shows:
the known values of the data model's vocabularies (channels, priorities, ticket,
conversation and call statuses, SLA statuses, directions, survey types, categories)
have fixed colours (SLA and call outcomes read green for good, red for bad); any
other value gets a colour from a hash of its text. Values are matched on their key
(`key_of`: lower case, spaces as `_`), so the measure `completed` drawn as the series
"Completed" has the colour of the call status `completed`. When two values of one
chart would share a colour, the later one takes the next colour free in that chart.

Example:
    >>> p = Palette.for_values(["email", "chat", "email"])
    >>> p.domain, p.color("chat") == KNOWN["chat"]
    (('email', 'chat'), True)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reportbuilder.render.chart_data import NONE_LABEL, chart_data, series_name

# Vega's tableau10, then a second distinct set: readable on white, colour-blind aware first.
COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
          "#9d755d", "#bab0ac", "#1f77b4", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94")
NONE_COLOR, OTHER_COLOR = "#8c959f", "#c9ced4"
OTHER_LABEL = "Other"
_GOOD, _WARN, _BAD, _WAIT, _SOON = "#54a24b", "#f58518", "#e45756", "#bab0ac", "#eeca3b"

# The data model's vocabularies (shared/contract/data-model.md); one value, one colour.
KNOWN = {
    # channels (tickets, conversations)
    "email": "#4c78a8", "chat": "#f58518", "phone": "#54a24b", "form": "#b279a2", "social": "#72b7b2",
    "sms": "#ff9da6",
    # priorities
    "low": "#98df8a", "medium": "#eeca3b", "high": "#f58518", "urgent": "#e45756",
    # ticket and conversation statuses
    "new": "#4c78a8", "waiting_on_us": "#f58518", "waiting_on_contact": "#eeca3b", "closed": "#54a24b",
    "open": "#4c78a8",
    # call statuses
    "completed": _GOOD, "missed": _BAD, "cancelled": _WARN, "ringing": _SOON,
    # SLA statuses and progress
    "on_time": _GOOD, "late": _WARN, "overdue": _BAD, "pending": _WAIT, "due_soon": _SOON, "active": "#72b7b2",
    # directions, survey types
    "incoming": "#4c78a8", "outgoing": "#f58518", "csat": "#4c78a8", "ces": "#72b7b2", "nps": "#b279a2",
    # ticket categories
    "billing": "#4c78a8", "technical": "#e45756", "account": "#54a24b", "feature_request": "#b279a2",
    "other": "#9d755d",
    NONE_LABEL: NONE_COLOR, OTHER_LABEL.lower(): OTHER_COLOR,
}


def key_of(value: str) -> str:
    """The vocabulary key of a drawn value: `On time` -> `on_time`, `Completed` -> `completed`."""
    return str(value).strip().lower().replace(" ", "_").replace("-", "_")


def color_of(value: str) -> str:
    """The colour of `value` in any chart: its fixed colour, else one picked by a hash of it."""
    key = key_of(value)
    if key in KNOWN:
        return KNOWN[key]
    return COLORS[int(hashlib.sha1(key.encode()).hexdigest(), 16) % len(COLORS)]


@dataclass(frozen=True)
class Palette:
    domain: tuple[str, ...]
    range: tuple[str, ...]

    @classmethod
    def for_values(cls, values) -> "Palette":
        """The colours of one chart's `values`: known values first keep theirs, then the others
        take their hashed colour, or the next colour free in this chart when it is taken."""
        domain = list(dict.fromkeys(values))
        if not domain:
            return cls((), COLORS[:1])
        chosen: dict[str, str] = {}
        known = [v for v in domain if key_of(v) in KNOWN]
        for value in known + [v for v in domain if v not in known]:
            color = color_of(value)
            if color in chosen.values() and color not in (NONE_COLOR, OTHER_COLOR):
                start = COLORS.index(color) if color in COLORS else 0
                free = [c for c in COLORS[start:] + COLORS[:start] if c not in chosen.values()]
                color = free[0] if free else color
            chosen[value] = color
        return cls(tuple(domain), tuple(chosen[v] for v in domain))

    def color(self, value: str) -> str:
        return self.range[self.domain.index(value)]


def series_values(result, spec) -> list[str]:
    """The series labels a chart colours, as the chart data writes them."""
    if spec.type in ("kpi", "table", "heatmap"):
        return []
    column = spec.color or (spec.x if spec.type in ("pie", "donut") else None)
    if column is None:
        measures = list(spec.y) + list(spec.line)
        return [series_name(m) for m in measures] if len(spec.y) > 1 or spec.line else []
    if column not in result.names:
        return []
    data = chart_data(result, {}, {column})
    key = data[column].key
    return [record[key] for record in data.records]
