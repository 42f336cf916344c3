"""Time axes tick at bucket starts, label each bucket once (thinned when crowded) and show the year across years."""
from __future__ import annotations

from datetime import date, datetime, timezone

from reportbuilder.render.chart_spec import ChartShape, choose_chart
from reportbuilder.render.chart_vega import vegalite
from reportbuilder.run.result import Result, ResultColumn


def _ms(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp() * 1000)


def _line(grain, days, width=560):
    r = Result((ResultColumn(grain, "date"), ResultColumn("tickets", "integer")),
               tuple((d, i) for i, d in enumerate(days)), "Europe/Paris", "T")
    shape = ChartShape((grain,), ((grain, grain),))
    return vegalite(r, choose_chart(r, shape), shape, width=width)["encoding"]["x"]["axis"]


def test_three_months_get_three_ticks_one_per_month():
    months = [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
    axis = _line("month", months)
    assert axis["values"] == [_ms(d) for d in months]
    assert "'%b %Y'" in axis["labelExpr"]


def test_weekly_ticks_fall_on_week_starts_and_thin_when_crowded():
    weeks = [date.fromordinal(date(2026, 1, 5).toordinal() + 7 * i) for i in range(30)]
    axis = _line("week", weeks)
    values = axis["values"]
    assert 2 <= len(values) < 30
    step = (values[1] - values[0]) // (7 * 86400000)
    assert values == [_ms(d) for d in weeks[::step]]  # every k-th week start, from the first
    assert "%Y" not in axis["labelExpr"]  # one year: no year on the labels
    assert _line("week", weeks[:3])["values"] == [_ms(d) for d in weeks[:3]]  # few weeks: every one


def test_the_year_is_shown_when_the_range_crosses_one():
    months = [date(2025, 12, 1), date(2026, 1, 1)]
    assert "%Y" in _line("day", months)["labelExpr"]
    assert "%Y" not in _line("day", [date(2026, 1, 1), date(2026, 1, 2)])["labelExpr"]
