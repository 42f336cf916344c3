"""Colours by value, top 10 and Other, readable units, SLA on-time and late: asserted on the
Vega-Lite spec and the HTML, and drawn as PNGs kept in test-artifacts/charts2/ to be looked at."""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import checked_plan
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.dashboard.dashboard_page import panel_spec
from reportbuilder.dashboard.load_dashboard import load_dashboard
from reportbuilder.dashboard.run_dashboard import run_dashboard
from reportbuilder.demo.generate_demo import generate_demo
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.render.chart_data import humanize
from reportbuilder.render.chart_output import png_of, render_chart, svg_of
from reportbuilder.render.html_page import chart_page
from reportbuilder.render.chart_palette import KNOWN, OTHER_COLOR, Palette, color_of
from reportbuilder.render.chart_spec import ChartShape, ChartSpec, choose_chart
from reportbuilder.render.chart_vega import vegalite
from reportbuilder.render.render_data import render
from reportbuilder.render.values import display_cell
from reportbuilder.run.execute import run_query
from reportbuilder.run.result import Result, ResultColumn
from reportbuilder.workspace import builtin_path, open_workspace

NOW = datetime(2026, 6, 15, 12)
ARTIFACTS = Path(os.environ.get("RB_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts") / "charts2"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, anchor=date(2026, 6, 15))
    return folder


def _builtin(name, demo_dir):
    ws = open_workspace()
    report_plan = checked_plan(load_spec_file(builtin_path(name)), ws.catalog, ReportOptions(now_utc=NOW))
    report = report_plan.report
    result = run_query(build_sql(report_plan, ws.catalog), demo_dir, ws.catalog, report.timezone, report.title)
    return result, ChartShape.of_report(report)


def _keep(name: str, png: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(png)


def _scale(spec: dict) -> dict:
    """{value: colour} of the chart's (or its first layer's) colour scale."""
    for part in [spec, *spec.get("layer", [])]:
        color = part.get("encoding", {}).get("color", {})
        if "scale" in color and "domain" in color["scale"]:
            return dict(zip(color["scale"]["domain"], color["scale"]["range"]))
    raise AssertionError("no colour scale")


def _result(columns, rows, tz="UTC"):
    return Result(tuple(ResultColumn(n, t) for n, t in columns), tuple(rows), tz, "T")


# -- colours ------------------------------------------------------------------

def test_a_value_has_one_colour_whatever_else_the_chart_shows():
    alone = Palette.for_values(["chat"])
    crowded = Palette.for_values(["email", "zeta", "chat", "phone"])
    assert alone.color("chat") == crowded.color("chat") == KNOWN["chat"]
    assert Palette.for_values(["Completed"]).color("Completed") == KNOWN["completed"]  # a measure named completed
    assert color_of("Support EMEA") == color_of("support emea")  # unknown values: hashed on their key


def test_two_values_of_one_chart_never_share_a_colour():
    values = [f"team {i}" for i in range(10)] + ["email", "On time", "Completed"]  # top 10, + known
    palette = Palette.for_values(values)
    assert len(set(palette.range)) == len(values)
    assert palette.color("email") == KNOWN["email"] and palette.color("On time") == KNOWN["on_time"]


def test_completed_has_the_same_colour_in_its_report_and_both_dashboards(demo_dir):
    result, shape = _builtin("call_performance", demo_dir)
    own = _scale(vegalite(result, choose_chart(result, shape), shape))
    assert own["Completed"] == KNOWN["completed"] and own["Missed"] == KNOWN["missed"]
    _keep("call_performance", render_chart(result, "png", shape))
    for name in ("helpdesk_summary", "communications"):
        run = run_dashboard(load_dashboard(name), open_workspace(), demo_dir, NOW)
        panel = next(p for p in run.panels if p.ref == "call_performance")
        drawn = panel_spec(panel)
        assert _scale(drawn)["Completed"] == own["Completed"]
        _keep(f"{name}_call_performance", png_of(drawn))


# -- top 10 and Other ---------------------------------------------------------

def _categories(measure_type="integer"):
    rows = [(f"category {i:02d}", 100 - i) for i in range(54)]
    return _result([("category", "text"), ("tickets", measure_type)], rows)


def test_54_categories_draw_the_top_10_and_other_summed():
    r = _categories()
    shape = ChartShape(("category",), additive=("tickets",))
    spec = vegalite(r, ChartSpec("bar", x="category", y=("tickets",)), shape)
    drawn = [(v["f0"], v["f1"]) for v in spec["data"]["values"]]
    assert drawn[:10] == [(f"category {i:02d}", 100 - i) for i in range(10)]
    assert drawn[10] == ("Other", sum(100 - i for i in range(10, 54)))  # 44 categories: 90 + ... + 47
    assert len(drawn) == 11 and "Top 10 of 54 categories by tickets" in spec["title"]["subtitle"]
    page = chart_page(r, svg_of(spec))
    assert page.count("<tr>") == 54 + 1  # the table keeps every row (and its header)
    assert len(render(r, "csv").splitlines()) == 55


def test_a_non_additive_measure_is_never_summed_into_other():
    r = _result([("category", "text"), ("fcr_rate", "percent")], [(f"c{i:02d}", 50.0 + i / 10) for i in range(54)])
    spec = vegalite(r, ChartSpec("bar", x="category", y=("fcr_rate",)), ChartShape(("category",)))
    drawn = [v["f0"] for v in spec["data"]["values"]]
    assert drawn == [f"c{i}" for i in range(44, 54)]  # the ten highest rates, in the result's order
    assert spec["title"]["subtitle"].startswith("Top 10 of 54 categories by FCR rate (the rest are not drawn")


def test_a_split_line_keeps_10_series_and_sums_other_per_bucket():
    rows = [(date(2026, 6, d), f"cat {c:02d}", c + d) for d in (1, 2) for c in range(30)]
    r = _result([("day", "date"), ("category", "text"), ("tickets", "integer")], rows)
    shape = ChartShape(("day", "category"), (("day", "day"),), additive=("tickets",))
    spec = vegalite(r, choose_chart(r, shape), shape)
    other = {v["f0"][:10]: v["f2"] for v in spec["data"]["values"] if v["f1"] == "Other"}
    assert other == {"2026-06-01": sum(c + 1 for c in range(20)), "2026-06-02": sum(c + 2 for c in range(20))}
    assert _scale(spec)["Other"] == OTHER_COLOR and len(_scale(spec)) == 11


def test_54_categories_png_stays_bounded_with_its_whole_legend():
    rows = [(f"category {i:02d}", ch, 60 - i) for i in range(54) for ch in ("email", "chat")]
    r = _result([("category", "text"), ("channel", "text"), ("tickets", "integer")], rows)
    shape = ChartShape(("channel", "category"), additive=("tickets",))
    spec = vegalite(r, ChartSpec("bar", x="channel", y=("tickets",), color="category", stack=True), shape)
    png = png_of(spec)
    _keep("top10_of_54", png)
    width = int.from_bytes(png[16:20], "big") / 2  # PNG_SCALE 2
    assert width < 900
    assert "category 00" in svg_of(spec) and "Other" in svg_of(spec)  # the legend is drawn whole


# -- units, ticks, titles -----------------------------------------------------

def test_durations_in_any_unit_read_as_durations():
    utc = ZoneInfo("UTC")
    assert display_cell(346359.69, ResultColumn("avg_time_to_close", "seconds"), utc) == "4d 0h"
    assert display_cell(22, ResultColumn("avg_reply_minutes", "number"), utc) == "22m 00s"
    assert display_cell(99.5, ResultColumn("avg_first_response_hours", "number"), utc) == "4d 3h"
    previous = ResultColumn("avg_wait_hours_previous", "number", "previous", "avg_wait_hours")
    assert display_cell(2.5, previous, utc) == "2h 30m"
    assert display_cell(22, ResultColumn("tickets", "number"), utc) == "22"
    r = _result([("owner", "text"), ("avg_reply_minutes", "number")], [("Ann", 22.5), ("Bo", 1500.0)])
    spec = vegalite(r, ChartSpec("bar", x="owner", y=("avg_reply_minutes",)))
    assert spec["encoding"]["y"]["title"] == "Avg reply (hours)"
    assert [v["f1"] for v in spec["data"]["values"]] == [0.375, 25.0]
    assert [v["f1_label"] for v in spec["data"]["values"]] == ["22m 30s", "1d 1h"]
    assert "22m 30s" in render(r, "table") and "<td class=\"num\">1d 1h</td>" in render(r, "html")


def test_counts_get_whole_ticks_and_acronyms_stay():
    r = _result([("channel", "text"), ("fcr_rate", "percent"), ("tickets", "integer")],
                [("email", 50.0, 2), ("chat", 40.0, 3)])
    counts = vegalite(r, ChartSpec("bar", x="channel", y=("tickets",)))["encoding"]["y"]
    assert counts["axis"]["format"] == "d" and counts["axis"]["tickMinStep"] == 1
    rate = vegalite(r, ChartSpec("bar", x="channel", y=("fcr_rate",)))["encoding"]["y"]
    assert rate["title"] == "FCR rate (%)" and "format" not in rate["axis"]
    assert [humanize(n) for n in ("csat", "nps_score", "ces", "first_response_sla_rate")] == \
        ["CSAT", "NPS score", "CES", "First response SLA rate"]


def test_a_multi_series_axis_is_titled_by_what_the_series_share():
    r = _result([("week", "date"), ("on_time", "integer"), ("late", "integer"), ("fast", "seconds"),
                 ("slow", "seconds")], [(date(2026, 6, 1), 3, 1, 600, 7200), (date(2026, 6, 8), 4, 2, 900, 9000)])
    shape = ChartShape(("week",), (("week", "week"),), source="tickets")
    counts = vegalite(r, ChartSpec("line", x="week", y=("on_time", "late")), shape)["encoding"]["y"]
    assert counts["title"] == "Tickets" and counts["axis"]["tickMinStep"] == 1
    waits = vegalite(r, ChartSpec("line", x="week", y=("fast", "slow")), shape)
    assert waits["encoding"]["y"]["title"] == "Duration (hours)"  # one unit for both series
    assert sorted(v["value"] for v in waits["data"]["values"] if v["series"] == "Fast") == [600 / 3600, 900 / 3600]


# -- SLA: on time and late ----------------------------------------------------

@pytest.mark.parametrize("name", ["first_response_sla_over_time", "next_response_sla_over_time",
                                  "time_to_close_sla_over_time"])
def test_sla_charts_draw_on_time_and_late(name, demo_dir):
    result, shape = _builtin(name, demo_dir)
    spec = vegalite(result, choose_chart(result, shape), shape)
    bars = spec["layer"][0]
    series = {v["series"] for v in bars["data"]["values"]}
    assert {"On time", "Late", "Overdue", "Pending"} <= series
    assert bars["encoding"]["y"]["stack"] is True and bars["encoding"]["y"]["title"] == humanize(shape.source)
    assert _scale(spec)["On time"] == KNOWN["on_time"] and _scale(spec)["Late"] == KNOWN["late"]
    _keep(name, render_chart(result, "png", shape))


def test_duration_series_are_named_without_their_unit_word():
    r = _result([("week", "date"), ("avg_reply_minutes", "number"), ("p90_reply_minutes", "number")],
                [(date(2026, 6, 1), 30.0, 600.0), (date(2026, 6, 8), 45.0, 1200.0)])
    shape = ChartShape(("week",), (("week", "week"),), source="response_turns")
    spec = vegalite(r, choose_chart(r, shape), shape)
    assert list(_scale(spec)) == ["Avg reply", "P90 reply"] and spec["encoding"]["y"]["title"] == "Duration (hours)"
    assert sorted(v["value"] for v in spec["data"]["values"]) == [0.5, 0.75, 10.0, 20.0]
