"""`compare:` is drawn as a second, lighter series; a rate's change reads in percentage points."""
from __future__ import annotations

from datetime import date

from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.render.chart_vega import vegalite
from reportbuilder.run.result import Result, ResultColumn

COLUMNS = (("month", "date"), ("tickets", "integer"), ("tickets_previous", "integer", "previous", "tickets"),
           ("tickets_change_pct", "percent", "change_pct", "tickets"))


def _result(columns, rows):
    """Columns as (name, type) or, for a comparison column, (name, type, role, measure)."""
    return Result(tuple(ResultColumn(*c) for c in columns), tuple(rows), "UTC", "T")


def test_a_line_gets_the_previous_period_as_a_lighter_series():
    r = _result(COLUMNS, [(date(2026, 7, 1), 149, 124, 20.16), (date(2026, 8, 1), 145, None, None)])
    shape = ChartShape(("month",), (("month", "month"),))
    spec = vegalite(r, choose_chart(r, shape), shape)
    color = spec["encoding"]["color"]
    assert color["field"] == "series"
    assert color["scale"]["domain"] == ["Tickets", "Tickets (previous period)"]
    current, previous = color["scale"]["range"]
    assert sum(int(previous[i:i + 2], 16) for i in (1, 3, 5)) > sum(int(current[i:i + 2], 16) for i in (1, 3, 5))
    values = [(v["series"], v["value"], v["change_label"]) for v in spec["data"]["values"]]
    assert values == [("Tickets", 149, "+20.16%"), ("Tickets (previous period)", 124, "+20.16%"),
                      ("Tickets", 145, "—"), ("Tickets (previous period)", None, "—")]


def test_a_previous_duration_is_drawn_in_the_measure_unit():
    r = _result([("channel", "text"), ("wait", "seconds"), ("wait_previous", "seconds", "previous", "wait"),
                 ("wait_change_pct", "percent", "change_pct", "wait")], [("chat", 7200, 360, 1900.0)])
    shape = ChartShape(("channel",))
    spec = vegalite(r, choose_chart(r, shape), shape)
    assert [v["value"] for v in spec["data"]["values"]] == [2.0, 0.1]  # hours, both
    assert spec["encoding"]["xOffset"]["field"] == "series"


def test_a_rate_changes_in_points_in_the_tooltip_and_the_kpi():
    r = _result([("fcr_rate", "percent"), ("fcr_rate_previous", "percent", "previous", "fcr_rate"),
                 ("fcr_rate_change_pct", "percent", "change_pct", "fcr_rate")], [(37.25, 35.8, 4.05)])
    kpi = vegalite(r, choose_chart(r, ChartShape()))
    texts = [v["text"] for v in kpi["data"]["values"]]
    assert texts[2].startswith("▲ 1.45 pts vs previous period")
    by_channel = _result([("channel", "text"), ("fcr_rate", "percent"),
                          ("fcr_rate_previous", "percent", "previous", "fcr_rate"),
                          ("fcr_rate_change_pct", "percent", "change_pct", "fcr_rate")], [("chat", 30.0, 32.5, -7.69)])
    spec = vegalite(by_channel, choose_chart(by_channel, ChartShape(("channel",))), ChartShape(("channel",)))
    assert {v["change_label"] for v in spec["data"]["values"]} == {"-2.5 pts"}
