"""Many categories: a chart draws the top `TOP_N` and folds the rest into "Other".

The category is the `color:` split, else the x axis of a bar, pie or donut (not a time
or cyclic axis). Categories are ranked by the plotted measure (`y`'s first: the row's
value, or a series' total over the x axis). "Other" is re-aggregated only when that is
right: every plotted measure is additive (a `count`, `count_if` or `sum`: the groups
partition the rows, so the rest's value is the sum of theirs). A rate or an average of
the rest cannot be rebuilt from the groups' values, so then only the top N are drawn and
the chart says "Top 10 of 54 ...". Only the drawing changes: tables and data formats
keep every row.

Example:
    >>> from reportbuilder.run.result import Result, ResultColumn
    >>> cols = (ResultColumn("category", "text"), ResultColumn("tickets", "integer"))
    >>> r = Result(cols, tuple((f"c{i}", i) for i in range(54)))
    >>> from reportbuilder.render.chart_spec import ChartSpec
    >>> from reportbuilder.render.chart_spec import ChartShape
    >>> shape = ChartShape(("category",), additive=("tickets",))
    >>> top, note, origin = top_categories(r, ChartSpec("bar", x="category", y=("tickets",)), shape)
    >>> len(top.rows), top.rows[-1], note
    (11, ('Other', 946), 'Top 10 of 54 categories by tickets; the other 44 summed as Other')
    >>> top.rows[0], origin[0], origin[-1]  # kept rows stay in the result's order; origin: their index
    (('c44', 44), 44, None)
"""
from __future__ import annotations

from dataclasses import replace

from reportbuilder.render.chart_data import humanize, series_name
from reportbuilder.render.chart_palette import OTHER_LABEL
from reportbuilder.render.chart_spec import TIME_TYPES, ChartShape, ChartSpec, dimensions_of
from reportbuilder.run.result import Result

TOP_N = 10
_BY_X = ("bar", "grouped_bar", "stacked_bar", "horizontal_bar", "pie", "donut", "combo")


def top_categories(result: Result, spec: ChartSpec, shape: ChartShape) -> tuple[Result, str | None, tuple]:
    """(`result` with at most `TOP_N` categories and maybe an "Other", a note saying so, the
    index in `result` of each row drawn: None for an "Other" row) or (`result`, None, its
    indices) when the chart has few categories."""
    everything = tuple(range(len(result.rows)))
    column = _category_column(result, spec, dict(shape.granularities))
    if column is None or not spec.y or spec.y[0] not in result.names:
        return result, None, everything
    at, measure = result.names.index(column), result.names.index(spec.y[0])
    totals: dict = {}
    for row in result.rows:
        value = row[measure]
        totals[row[at]] = totals.get(row[at], 0) + (abs(float(value)) if value is not None else 0)
    if len(totals) <= TOP_N + 1:  # an "Other" of one category hides more than it saves
        return result, None, everything
    ranked = sorted(totals, key=lambda k: -totals[k])  # stable: ties keep the result's order
    kept = set(ranked[:TOP_N])
    origin = tuple(n for n, row in enumerate(result.rows) if row[at] in kept)
    rows = [result.rows[n] for n in origin]
    plotted = [m for m in (*spec.y, *spec.line) if m in result.names]
    what = f"Top {TOP_N} of {len(totals)} {_plural(column)} by {_in_sentence(spec.y[0])}"
    if not all(m in shape.additive for m in plotted):
        return replace(result, rows=tuple(rows)), what + " (the rest are not drawn: it is not a sum)", origin
    other = _other_rows(result, at, kept, shape.additive, set(dimensions_of(result, shape)))
    summed = f"; the other {len(totals) - TOP_N} summed as {OTHER_LABEL}"
    return replace(result, rows=tuple(rows + other)), what + summed, origin + (None,) * len(other)


def _category_column(result, spec, granularities) -> str | None:
    types = {c.name: c.type for c in result.columns}
    if spec.type in ("kpi", "table", "heatmap", "scatter"):
        return None
    column = spec.color or (spec.x if spec.type in _BY_X else None)
    if column not in types or types[column] in TIME_TYPES or granularities.get(column):
        return None
    return column


def _other_rows(result, at, kept, additive, dimensions) -> list[tuple]:
    """One "Other" row per value of the other dimensions (the x axis of a split chart), its
    additive measures summed, its other columns null."""
    sums = [i for i, n in enumerate(result.names) if n in additive]
    dims = [i for i, n in enumerate(result.names) if n in dimensions and i != at]
    groups: dict = {}
    for row in result.rows:
        if row[at] in kept:
            continue
        key = tuple(row[i] for i in dims)
        total = groups.setdefault(key, [0] * len(sums))
        for j, i in enumerate(sums):
            total[j] += row[i] or 0
    out = []
    for key, total in groups.items():
        cells = {at: OTHER_LABEL, **dict(zip(dims, key)), **dict(zip(sums, total))}
        out.append(tuple(cells.get(i) for i in range(len(result.names))))
    return out


def _in_sentence(name: str) -> str:
    """`Tickets` -> `tickets`, but `FCR rate` stays."""
    text = series_name(name)
    return text if text.split()[0].isupper() else text[:1].lower() + text[1:]


def _plural(column: str) -> str:
    name = humanize(column).lower()
    return name if name.endswith("s") else (name[:-1] + "ies" if name.endswith("y") else name + "s")
