"""The value axis of a chart: its title and tick format, from what its measures share.

One measure: its own title (`Wait (hours)`). Several measures on one axis (stacked or
folded series): the unit they share (`Duration (hours)`, `Percent (%)`), or, for counts,
what the report counts (`Tickets`, `Calls`: the report's source); else no title (the
legend names the series). Counts never get fractional ticks (`format: d`, `tickMinStep: 1`);
percentages read `12%`.

Example:
    >>> from reportbuilder.render.chart_data import FieldInfo
    >>> late = FieldInfo("f1", "f1_label", "Late", "quantitative", "integer")
    >>> value_title([late, late], "Tickets"), axis_format([late])
    ('Tickets', {'format': 'd', 'tickMinStep': 1})
"""
from __future__ import annotations

from reportbuilder.render.chart_data import UNIT_SECONDS, FieldInfo, duration_unit


def value_title(infos: list[FieldInfo], noun: str | None) -> str | None:
    """The title of an axis drawing the measures `infos`."""
    if len(infos) == 1:
        return infos[0].title
    units = {i.unit for i in infos}
    if len(units) == 1 and None not in units:
        return f"Duration ({units.pop()})"
    types = {i.column_type for i in infos}
    if types == {"percent"}:
        return "Percent (%)"
    if types == {"integer"}:
        return noun
    return None


def axis_format(infos: list[FieldInfo]) -> dict:
    """Axis properties: whole-number ticks for counts, a `%` on percentages."""
    types = {i.column_type for i in infos}
    if types == {"integer"} and not any(i.unit for i in infos):
        return {"format": "d", "tickMinStep": 1}
    if types == {"percent"}:
        return {"labelExpr": "datum.label + '%'"}
    return {}


def common_unit(infos: list[FieldInfo], records, keys) -> tuple[str, dict] | None:
    """When every measure is a duration: one unit for all (from the largest value) and, per field
    key, the factor turning its drawn value into that unit; else None."""
    if not infos or any(i.unit is None for i in infos):
        return None
    unit, size = duration_unit([r[k] * UNIT_SECONDS[i.unit] for r in records for i, k in zip(infos, keys)
                                if isinstance(r[k], (int, float))])
    return unit, {k: UNIT_SECONDS[i.unit] / size for i, k in zip(infos, keys)}
