"""A report's `compare:` as a chart draws it: the previous period as a second, lighter series.

The result carries `M_previous` and `M_change_pct` next to a measure `M` (the contract
fixes those columns: `M_change_pct` is the relative change). What a person reads is
different for a rate: FCR moving from 35.8 % to 37.25 % is "+1.45 pts", not "+4.05 %".
So a `percent` measure's change is shown in percentage points (`M - M_previous`), any
other measure's as the relative change; the data columns are left as they are.

Example:
    >>> change_label(37.25, 35.8, 4.05, "percent"), change_label(149, 124, 20.16, "integer")
    ('+1.45 pts', '+20.16%')
"""
from __future__ import annotations

from reportbuilder.render.chart_data import ChartData, series_name
from reportbuilder.render.values import format_number
from reportbuilder.run.result import Result, comparison_column

PREVIOUS = " (previous period)"


def previous_column(result: Result, measure: str) -> str | None:
    """The `previous` column of `measure` (`M_previous`), when the report compares."""
    return comparison_column(result, measure, "previous")


def change(value, previous, change_pct, column_type: str) -> float | None:
    """The change a person reads: points for a percent, the relative change (%) otherwise."""
    if column_type == "percent":
        return None if value is None or previous is None else value - previous
    return change_pct


def change_label(value, previous, change_pct, column_type: str) -> str | None:
    """`+1.45 pts` for a percent, `-3.51%` for anything else; None when there is nothing to compare."""
    amount = change(value, previous, change_pct, column_type)
    if amount is None:
        return None
    sign = "+" if amount > 0 else ("-" if amount < 0 else "±")
    unit = " pts" if column_type == "percent" else "%"
    return f"{sign}{format_number(abs(round(amount, 2)))}{unit}"


def compare_records(result: Result, data: ChartData, measure: str) -> list[dict]:
    """Long records: per row, the measure (series `M`) then its previous period (series
    `M (previous period)`, drawn in the measure's unit, never partial), each with `value`,
    `value_label` and the row's `change_label`."""
    info = data[measure]
    names = result.names
    at, before = names.index(measure), names.index(previous_column(result, measure))
    change_pct = comparison_column(result, measure, "change_pct")
    pct = names.index(change_pct) if change_pct is not None else None
    size = info.divisor
    previous_info = data[names[before]]
    current, earlier = series_name(measure), series_name(measure) + PREVIOUS
    out = []
    for row, record in zip(result.rows, data.records):
        label = change_label(row[at], row[before], row[pct] if pct is not None else None, info.column_type) or "—"
        old = row[before]
        out.append({**record, "series": current, "value": record[info.key],
                    "value_label": record[info.label_key], "change_label": label})
        out.append({**record, "series": earlier, "partial": False, "change_label": label,
                    "value": None if old is None else float(old) / size,
                    "value_label": record[previous_info.label_key]})
    return out


def series_names(measure: str) -> tuple[str, str]:
    return series_name(measure), series_name(measure) + PREVIOUS


def lighter(color: str, amount: float = 0.55) -> str:
    """`color` (#rrggbb) mixed with white: the previous period's shade of the measure's colour."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)
