"""A chart with nothing to draw says so instead of bare axes."""
from __future__ import annotations

from reportbuilder.render.chart_output import render_chart
from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.render.chart_vega import EMPTY_TEXT, vegalite
from reportbuilder.run.result import Result, ResultColumn


def _result(columns, rows):
    return Result(tuple(ResultColumn(n, t) for n, t in columns), tuple(rows), "UTC", "T")


def test_no_rows_gives_the_sentence_not_axes():
    r = _result([("channel", "text"), ("tickets", "integer")], [])
    spec = vegalite(r, choose_chart(r, ChartShape(("channel",))))
    assert spec["mark"]["type"] == "text" and spec["data"]["values"] == [{"text": EMPTY_TEXT}]
    assert "x" not in spec["encoding"] or "field" not in spec["encoding"]["x"]
    assert EMPTY_TEXT in render_chart(r, "svg", ChartShape(("channel",)))


def test_a_heatmap_without_values_is_empty_not_nan():
    r = _result([("day", "integer"), ("hour", "integer"), ("n", "number")], [(1, 2, None), (3, 4, None)])
    shape = ChartShape(("day", "hour"), (("day", "day_of_week"), ("hour", "hour_of_day")))
    svg = render_chart(r, "svg", shape)
    assert EMPTY_TEXT in svg and "NaN" not in svg


def test_rows_with_values_still_draw():
    r = _result([("channel", "text"), ("tickets", "integer")], [("chat", 0), ("email", None)])
    assert vegalite(r, choose_chart(r, ChartShape(("channel",))))["mark"]["type"] == "bar"
