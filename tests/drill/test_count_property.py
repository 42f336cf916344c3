"""Property: for every count-like measure of every built-in report on the demo data, the rows
`rb rows` lists behind a cell are as many as the cell's value.

Count-like: `count()`, `count(x)`, `count_if(c)`, and `count_distinct` of the grain's key.
Cells are drawn from the report's own rows (seeded, several per report, nulls and zeros
included when the report has them); the rows come through the library on one connection.
"""
from __future__ import annotations

import random

import pytest

from reportbuilder.emit.build_sql import build_sql
from reportbuilder.check.options import ReportOptions
from reportbuilder.check.resolved import Agg, Field
from reportbuilder.compile import checked_plan
from reportbuilder.drill import DrillRequest, drill_on, drill_tables
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.render.values import json_value
from reportbuilder.run.execute import DuckDBEngine
from reportbuilder.workspace import builtin_names, builtin_path, open_workspace, resolve_data
from zoneinfo import ZoneInfo

CELLS_PER_REPORT = 6


def count_like(measure, catalog, report_plan) -> bool:
    agg = measure.expr
    if not isinstance(agg, Agg):
        return False
    if agg.func in ("count", "count_if"):
        return True
    if agg.func == "count_distinct" and isinstance(agg.args[0], Field):
        entity = catalog.entity(report_plan.node(agg.grain).entity)
        field = agg.args[0]
        return field.path == agg.grain and field.column.name == entity.primary_key
    return False


@pytest.fixture(scope="module")
def demo():
    ws = open_workspace(None)
    data_path, demo_now = resolve_data(None, ws)
    return ws, data_path, demo_now


@pytest.mark.parametrize("name", builtin_names())
def test_rows_count_equals_cell_value(demo, name):
    ws, data_path, demo_now = demo
    report_plan = checked_plan(load_spec_file(builtin_path(name)), ws.catalog, ReportOptions(now_utc=demo_now))
    report = report_plan.report
    measures = [m for m in report.measures if count_like(m, ws.catalog, report_plan)]
    if not measures:
        pytest.skip(f"{name} has no count-like measure")
    query = build_sql(report_plan, ws.catalog)
    tables = set(query.tables)
    for m in measures:
        tables |= set(drill_tables(report_plan, ws.catalog, DrillRequest(
            {d.name: None for d in report.dimensions}, m.name)))
    con = DuckDBEngine().open(data_path, tuple(sorted(tables)), ws.catalog)
    try:
        result = con.run(query, report.timezone)
        assert result.rows, f"{name}: the demo report is empty"
        picked = random.Random(name).sample(result.rows, min(CELLS_PER_REPORT, len(result.rows)))
        zone = ZoneInfo(report.timezone)
        checked = 0
        for row in picked:
            cell = {d.name: json_value(v, zone) for d, v in zip(report.dimensions, row)}
            for m in measures:
                value = row[result.names.index(m.name)]
                page = drill_on(con, report_plan, ws.catalog, DrillRequest(cell, m.name), total=True)
                assert len(page.rows.rows) == value == page.total, (name, cell, m.name)
                assert page.value == value
                checked += 1
        assert checked
    finally:
        con.close()


def _percent_ratio(measure):
    """(numerator, denominator) aggregates of a `100.0 * count_if(..) / count_if(..)` measure, else None."""
    expr = measure.expr
    if not (getattr(expr, "op", None) == "/" and isinstance(expr.right, Agg)):
        return None
    left = expr.left
    if getattr(left, "op", None) == "*" and getattr(left.left, "value", None) == 100.0 and isinstance(left.right, Agg):
        if {left.right.func, expr.right.func} <= {"count", "count_if"}:
            return left.right, expr.right
    return None


@pytest.mark.parametrize("name", [n for n in builtin_names() if n in (
    "first_contact_resolution", "customer_satisfaction", "call_performance", "calls_by_owner",
    "first_response_sla_over_time", "time_to_close_sla_over_time", "next_response_sla_over_time")])
def test_ratio_parts_give_the_rate(demo, name):
    """A percent ratio of two counts is 100 * (numerator rows) / (denominator rows), whichever way
    the rows are asked for: flagged together, or one part at a time with --part."""
    ws, data_path, demo_now = demo
    report_plan = checked_plan(load_spec_file(builtin_path(name)), ws.catalog, ReportOptions(now_utc=demo_now))
    report = report_plan.report
    ratios = [m for m in report.measures if _percent_ratio(m)]
    assert ratios, name
    query = build_sql(report_plan, ws.catalog)
    blank = {d.name: None for d in report.dimensions}
    tables = set(query.tables) | set(drill_tables(report_plan, ws.catalog, DrillRequest(blank, ratios[0].name)))
    con = DuckDBEngine().open(data_path, tuple(sorted(tables)), ws.catalog)
    try:
        result = con.run(query, report.timezone)
        zone = ZoneInfo(report.timezone)
        for row in random.Random(name).sample(result.rows, min(CELLS_PER_REPORT, len(result.rows))):
            cell = {d.name: json_value(v, zone) for d, v in zip(report.dimensions, row)}
            for m in ratios:
                value = row[result.names.index(m.name)]
                both = drill_on(con, report_plan, ws.catalog, DrillRequest(cell, m.name)).rows
                flags = [(r[both.names.index("in_numerator")], r[both.names.index("in_denominator")])
                         for r in both.rows]
                num = sum(1 for n, _ in flags if n)
                den = sum(1 for _, d in flags if d)
                assert all(n or d for n, d in flags)
                parts = [len(drill_on(con, report_plan, ws.catalog, DrillRequest(cell, m.name, p)).rows.rows)
                         for p in ("numerator", "denominator")]
                assert parts == [num, den], (name, cell, m.name)
                if den:
                    assert value == pytest.approx(100.0 * num / den), (name, cell, m.name)
                else:
                    assert value is None
    finally:
        con.close()
