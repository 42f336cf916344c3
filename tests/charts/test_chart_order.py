"""The chart keeps the result's order and plots the measure the spec is about."""
from __future__ import annotations

from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.render.chart_vega import vegalite
from reportbuilder.run.result import Result, ResultColumn


def _result(columns, rows):
    return Result(tuple(ResultColumn(n, t) for n, t in columns), tuple(rows), "UTC", "T")


def _encoding(spec: dict) -> dict:
    return spec.get("encoding") or spec["layer"][0]["encoding"]


def test_bars_keep_the_sorted_result_order():
    r = _result([("channel", "text"), ("fcr_rate", "percent")],
                [("phone", 80.0), ("chat", 70.0), (None, 50.0), ("email", 40.0)])
    shape = ChartShape(("channel",), sort=(("fcr_rate", True),))
    spec = vegalite(r, choose_chart(r, shape), shape)
    x = _encoding(spec)["x"]
    assert x["sort"] is None  # data order, not alphabetical (which would put "(none)" and "chat" first)
    assert [v["f0"] for v in spec["data"]["values"]] == ["phone", "chat", "(none)", "email"]


def test_horizontal_top_n_keeps_the_ranking():
    rows = [(f"customer {i:02d}", 100.0 - i) for i in range(10)]
    r = _result([("customer", "text"), ("avg_wait_hours", "number")], rows)
    shape = ChartShape(("customer",), chart={"type": "horizontal_bar"}, sort=(("avg_wait_hours", True),))
    spec = vegalite(r, choose_chart(r, shape), shape)
    y = _encoding(spec)["y"]
    assert y["field"] == "f0" and y["sort"] is None  # not re-sorted by value nor alphabetically
    assert _encoding(spec)["x"]["field"] == "f1"


def test_the_sort_measure_is_plotted_when_chart_y_is_absent():
    r = _result([("channel", "text"), ("tickets", "integer"), ("fcr_rate", "percent")],
                [("phone", 3, 80.0), ("chat", 9, 70.0)])
    shape = ChartShape(("channel",), sort=(("fcr_rate", True),))
    assert choose_chart(r, shape).y == ("fcr_rate",)
    named = ChartShape(("channel",), chart={"y": "tickets"}, sort=(("fcr_rate", True),))
    assert choose_chart(r, named).y == ("tickets",)
    assert choose_chart(r, ChartShape(("channel",))).y == ("tickets",)  # no sort: the first measure
