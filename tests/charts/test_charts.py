"""Every built-in report draws a chart (svg and png), and the chart defaults follow the result's shape."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import checked_plan
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.demo.generate_demo import generate_demo
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.render.chart_output import render_chart
from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.run.execute import run_query
from reportbuilder.run.result import Result, ResultColumn
from reportbuilder.workspace import builtin_names, builtin_path, open_workspace

NOW = datetime(2026, 6, 15, 12)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, anchor=date(2026, 6, 15))
    return folder


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_report_draws(name, demo_dir, tmp_path):
    ws = open_workspace()
    report_plan = checked_plan(load_spec_file(builtin_path(name)), ws.catalog, ReportOptions(now_utc=NOW))
    report = report_plan.report
    result = run_query(build_sql(report_plan, ws.catalog), demo_dir, ws.catalog, report.timezone, report.title)
    svg = render_chart(result, "svg", ChartShape.of_report(report))
    assert svg.startswith("<svg") and "NaN" not in svg.replace("NaN\"", "")
    png = render_chart(result, "png", ChartShape.of_report(report))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    (tmp_path / f"{name}.png").write_bytes(png)


def _result(columns, rows, tz="UTC"):
    return Result(tuple(ResultColumn(n, t) for n, t in columns), tuple(rows), tz, "T")


def test_defaults_follow_the_shape():
    one = _result([("tickets", "integer")], [(5,)])
    assert choose_chart(one, ChartShape()).type == "kpi"
    weekly = _result([("week", "date"), ("tickets", "integer")], [(date(2026, 6, 1), 3)])
    assert choose_chart(weekly, ChartShape(("week",), (("week", "week"),))).type == "line"
    heat = _result([("day", "integer"), ("hour", "integer"), ("n", "integer")], [(1, 2, 3)])
    shape = ChartShape(("day", "hour"), (("day", "day_of_week"), ("hour", "hour_of_day")))
    spec = choose_chart(heat, shape)
    assert (spec.type, spec.x, spec.color) == ("heatmap", "hour", "day")


def test_local_time_is_drawn_as_utc_wall_clock():
    from reportbuilder.render.chart_data import chart_data
    r = _result([("hour", "timestamp"), ("n", "integer")], [(datetime(2026, 3, 29, 1, 0), 1)], "Europe/Paris")
    data = chart_data(r, {"hour": "hour"}, set())
    assert data.records[0]["f0"] == "2026-03-29T03:00:00Z"  # Paris wall clock after the DST switch


def test_durations_are_labelled_in_their_unit():
    from reportbuilder.render.chart_data import chart_data
    r = _result([("team", "text"), ("wait", "seconds")], [("a", 7200 * 3)])
    info = chart_data(r, {}, set())["wait"]
    assert info.title == "Wait (hours)"


@pytest.mark.parametrize("kind", ["line", "area", "bar", "stacked_bar", "grouped_bar", "horizontal_bar", "pie",
                                  "donut", "kpi", "table", "heatmap", "combo", "scatter"])
def test_every_chart_type_renders(kind):
    r = _result([("channel", "text"), ("tickets", "integer"), ("wait", "seconds")],
                [("email", 3, 3600), ("chat", 5, 60)])
    shape = ChartShape(("channel",), (), {"type": kind, "x": "channel", "y": ["tickets"], "line": ["wait"]}
                       if kind == "combo" else {"type": kind})
    assert render_chart(r, "svg", shape).startswith("<svg")


def test_a_heatmap_legend_of_counts_reads_whole_numbers():
    from reportbuilder.render.chart_output import chart_vegalite
    heat = _result([("day", "integer"), ("hour", "integer"), ("n", "integer")], [(1, 2, 3), (2, 3, 1)])
    shape = ChartShape(("day", "hour"), (("day", "day_of_week"), ("hour", "hour_of_day")))
    legend = chart_vegalite(heat, shape)["encoding"]["color"]["legend"]
    assert legend["format"] == "d" and legend["tickMinStep"] == 1
    rate = _result([("day", "integer"), ("hour", "integer"), ("share", "number")], [(1, 2, 0.5)])
    assert "format" not in chart_vegalite(rate, shape)["encoding"]["color"]["legend"]


def test_a_drawn_table_aligns_headers_with_their_cells_and_never_overlaps_them():
    from reportbuilder.render.chart_output import chart_vegalite
    from reportbuilder.render.chart_table import CHAR_PX
    r = _result([("status", "text"), ("first_response_on_time", "integer"), ("first_response_late", "integer")],
                [("waiting_on_contact", 3, 1), (None, 12, 0)])
    spec = chart_vegalite(r, ChartShape(("status",), chart={"type": "table"}))
    texts = [(layer["mark"], v) for layer in spec["layer"] if layer["mark"]["type"] == "text"
             for v in layer["data"]["values"]]
    heads = {v["text"]: (mark["align"], v["x"]) for mark, v in texts if v["row"] == 0}
    assert [h for h in heads] == ["status", "first_response_on_time", "first_response_late"]
    assert heads["status"][0] == "left" and heads["first_response_late"][0] == "right"
    for mark, v in texts:  # each cell under its header, aligned as it is
        if v["row"] > 0:
            assert (mark["align"], v["x"]) in heads.values()
    assert {v["text"] for _, v in texts if v["row"] == 2} == {"(none)", "12", "0"}
    extents = [(x, x + CHAR_PX * len(t)) if a == "left" else (x - CHAR_PX * len(t), x) for t, (a, x) in heads.items()]
    assert all(a[1] < b[0] for a, b in zip(extents, extents[1:]))
