"""The bucket that holds the report's now (in its zone) is marked partial in charts and the HTML page only."""
from __future__ import annotations

from datetime import date, datetime

from reportbuilder.render.chart_output import render_chart
from reportbuilder.render.chart_partial import partial_rows
from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.render.chart_vega import vegalite
from reportbuilder.render.render_data import render
from reportbuilder.run.result import Result, ResultColumn

MONTHS = ((date(2026, 5, 1), 120), (date(2026, 6, 1), 130), (date(2026, 7, 1), 12))


def _monthly(tz="Europe/Paris"):
    return Result((ResultColumn("month", "date"), ResultColumn("tickets", "integer")), MONTHS, tz, "T")


def test_the_bucket_is_taken_in_the_report_zone():
    # 23:30 UTC on June 30 is already July 1 in Paris (and still June 30 in UTC)
    now = datetime(2026, 6, 30, 23, 30)
    assert partial_rows(_monthly(), (("month", "month"),), now) == {2}
    assert partial_rows(_monthly("UTC"), (("month", "month"),), now) == {1, 2}  # June not over, July after now
    assert partial_rows(_monthly(), (("month", "month"),), None) == frozenset()


def test_hour_buckets_and_week_starts():
    hours = Result((ResultColumn("hour", "timestamp"), ResultColumn("n", "integer")),
                   ((datetime(2026, 3, 29, 0), 1), (datetime(2026, 3, 29, 1), 2)), "Europe/Paris")
    # 01:20 UTC is 03:20 CEST: the 01:00 UTC row (03:00 local) is the current hour
    assert partial_rows(hours, (("hour", "hour"),), datetime(2026, 3, 29, 1, 20)) == {1}
    weeks = Result((ResultColumn("week", "date"), ResultColumn("n", "integer")),
                   ((date(2026, 6, 7), 1), (date(2026, 6, 14), 2)), "UTC")
    now = datetime(2026, 6, 13, 12)  # a Saturday: in the Sunday-started week of June 7
    assert partial_rows(weeks, (("week", "week"),), now, "sunday") == {0, 1}
    assert partial_rows(weeks, (("week", "week"),), now, "monday") == {1}  # the current week starts Monday June 8
    assert partial_rows(weeks, (("week", "week"),), datetime(2026, 6, 14, 1), "sunday") == {1}


def test_a_line_ends_in_a_dashed_segment_from_the_last_complete_bucket():
    shape = ChartShape(("month",), (("month", "month"),), now_utc=datetime(2026, 7, 3))
    r = _monthly()
    spec = vegalite(r, choose_chart(r, shape), shape)
    assert spec["encoding"]["strokeDash"]["field"] == "segment"
    segments = [(v["f0"][:10], v["segment"]) for v in spec["data"]["values"]]
    assert segments == [("2026-05-01", "complete"), ("2026-06-01", "complete"), ("2026-07-01", "partial"),
                        ("2026-06-01", "partial")]
    assert "month is not over yet" in spec["title"]["subtitle"]


def test_a_bar_draws_the_partial_bucket_lighter():
    shape = ChartShape(("month",), (("month", "month"),), chart={"type": "bar"}, now_utc=datetime(2026, 7, 3))
    r = _monthly()
    spec = vegalite(r, choose_chart(r, shape), shape)
    assert spec["encoding"]["opacity"]["condition"]["test"] == "datum.partial"
    assert [v["partial"] for v in spec["data"]["values"]] == [False, False, True]
    complete = ChartShape(("month",), (("month", "month"),), chart={"type": "bar"}, now_utc=datetime(2026, 8, 3))
    assert "opacity" not in vegalite(r, choose_chart(r, complete), complete)["encoding"]


def test_the_html_page_marks_the_row_and_json_rows_are_unchanged():
    shape = ChartShape(("month",), (("month", "month"),), now_utc=datetime(2026, 7, 3))
    page = render_chart(_monthly(), "html", shape)
    assert page.count('<tr class="partial">') == 1 and "month is not over yet" in page
    assert '"partial"' not in render(_monthly(), "json", color=False)


def test_a_combo_line_is_dashed_into_the_partial_bucket():
    r = Result((ResultColumn("month", "date"), ResultColumn("responses", "integer"), ResultColumn("csat", "percent")),
               ((date(2026, 5, 1), 40, 80.0), (date(2026, 6, 1), 41, 81.0), (date(2026, 7, 1), 3, 33.3)), "UTC", "T")
    shape = ChartShape(("month",), (("month", "month"),), chart={"type": "combo", "y": ["responses", "csat"]},
                       now_utc=datetime(2026, 7, 3))
    spec = vegalite(r, choose_chart(r, shape), shape)
    bars, line = spec["layer"]
    assert bars["encoding"]["opacity"]["condition"]["test"] == "datum.partial"
    assert line["encoding"]["strokeDash"]["field"] == "segment"
    assert [v["segment"] for v in line["data"]["values"]] == ["complete", "complete", "partial", "partial"]
