"""Category colours that stay the same for a value across every chart of a page.

A `Palette` maps series values (categories of a `color:` column, measure names of a
multi-measure chart, slices of a pie) to colours in order of first appearance. A
dashboard builds one palette over all its charts, so `email` is one colour everywhere.

Example:
    >>> p = Palette.for_values(["email", "chat", "email"])
    >>> p.domain, p.color("chat") == p.range[1]
    (('email', 'chat'), True)
"""
from __future__ import annotations

from dataclasses import dataclass

from reportbuilder.render.chart_data import NONE_LABEL, chart_data, humanize

# Vega's tableau10, then a lighter set: distinct, readable on white, colour-blind aware first.
COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
          "#9d755d", "#bab0ac", "#1f77b4", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94")


@dataclass(frozen=True)
class Palette:
    domain: tuple[str, ...]
    range: tuple[str, ...]

    @classmethod
    def for_values(cls, values) -> "Palette":
        domain = []
        for value in values:
            if value not in domain:
                domain.append(value)
        if not domain:
            return cls((), COLORS[:1])
        colors = tuple(_gray_none(v, COLORS[i % len(COLORS)]) for i, v in enumerate(domain))
        return cls(tuple(domain), colors)

    def color(self, value: str) -> str:
        return self.range[self.domain.index(value)]

    def restricted(self, values) -> "Palette":
        """The same colours for the subset `values` (a chart's own legend shows only its values)."""
        wanted = set(values)
        pairs = [(d, c) for d, c in zip(self.domain, self.range) if d in wanted]
        if not pairs:
            return Palette((), self.range[:1])
        return Palette(tuple(d for d, _ in pairs), tuple(c for _, c in pairs))


def _gray_none(value, color):
    return "#8c959f" if value == NONE_LABEL else color


def series_values(result, spec) -> list[str]:
    """The series labels a chart colours, as the chart data writes them."""
    if spec.type in ("kpi", "table", "heatmap"):
        return []
    column = spec.color or (spec.x if spec.type in ("pie", "donut") else None)
    if column is None:
        measures = list(spec.y) + list(spec.line)
        return [humanize(m) for m in measures] if len(spec.y) > 1 or spec.line else []
    if column not in result.names:
        return []
    data = chart_data(result, {}, {column})
    key = data[column].key
    return [record[key] for record in data.records]
