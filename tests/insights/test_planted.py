"""Planted truths on generated data, through `rb insights` and the engine: the findings
name the planted shift, trend, odd day and driving team, and claim nothing on noise."""
from datetime import date

import pytest

from .synthetic import daily_spec, daily_tickets, insights, write

WEEKDAY = lambda day: 1.0 if day.isoweekday() <= 5 else 0.4  # noqa: E731


def kinds(findings, kind):
    return [f for f in findings if f["kind"] == kind]


def test_level_shift_is_named_with_its_start(tmp_path):
    shift_day = date(2025, 5, 19)
    data = write(tmp_path, daily_tickets(lambda d, t: 15 * WEEKDAY(d) * (1.6 if d >= shift_day else 1.0)))
    found = insights(tmp_path, data, daily_spec())
    shifts = kinds(found, "shift")
    assert len(shifts) == 1 and not kinds(found, "trend")
    started = date.fromisoformat(shifts[0]["numbers"]["bucket"])
    assert abs((started - shift_day).days) <= 2
    assert shifts[0]["numbers"]["median_after"] > shifts[0]["numbers"]["median_before"]


def test_trend_is_named_with_its_slope(tmp_path):
    start = date(2025, 4, 7)
    data = write(tmp_path, daily_tickets(lambda d, t: 5 + 0.25 * max((d - start).days, 0)))
    found = insights(tmp_path, data, daily_spec())
    trends = kinds(found, "trend")
    assert len(trends) == 1 and not kinds(found, "shift")
    slope = trends[0]["numbers"]["slope_per_bucket"]
    low, high = trends[0]["numbers"]["ci95"]
    assert low <= 0.5 <= high and slope > 0  # two teams at +0.25 a day each
    assert "rising" in trends[0]["sentence"]


def test_outlier_day_is_named_against_its_weekday(tmp_path):
    odd = date(2025, 6, 11)  # a Wednesday
    data = write(tmp_path, daily_tickets(lambda d, t: 20 * WEEKDAY(d) * (3.0 if d == odd else 1.0)))
    found = insights(tmp_path, data, daily_spec())
    outliers = kinds(found, "outlier")
    assert [o["numbers"]["bucket"] for o in outliers] == ["2025-06-11"]
    assert "a Wednesday typically has" in outliers[0]["sentence"]
    assert not kinds(found, "trend") and not kinds(found, "shift")


def test_team_that_doubles_is_the_driver(tmp_path):
    last_week = date(2025, 6, 23)
    data = write(tmp_path, daily_tickets(
        lambda d, t: 12 * (2.0 if t == 2 and d >= last_week else 1.0)))
    spec = ("source: tickets\ndimensions: [{field: created_at, granularity: week, as: week}, owner.team.name]\n"
            "measures: [count() as tickets]\ndate_range: {preset: last_12_weeks}\n")
    found = insights(tmp_path, data, spec)
    change = [f for f in kinds(found, "change") if f["numbers"]["against"] == "previous"]
    assert len(change) == 1 and change[0]["numbers"]["bucket"] == "2025-06-23"
    assert change[0]["numbers"]["difference"] > 0
    drivers = kinds(found, "driver")
    assert drivers[0]["numbers"]["group"] == "Tier 2" and drivers[0]["numbers"]["share"] > 0.8
    assert found.index(drivers[0]) == found.index(change[0]) + 1
    assert all(d["numbers"]["group"] != "Tier 1" for d in drivers)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_noise_claims_nothing(tmp_path, seed):
    data = write(tmp_path, daily_tickets(lambda d, t: 15 * WEEKDAY(d), seed))
    found = insights(tmp_path, data, daily_spec(extra=", channel"))
    assert not [f for f in found if f["kind"] in ("change", "trend", "shift", "driver")]
    assert kinds(found, "within_noise")


def test_same_input_same_output(tmp_path):
    data = write(tmp_path, daily_tickets(lambda d, t: 10 * WEEKDAY(d) * (2 if d >= date(2025, 6, 23) else 1)))
    spec = daily_spec(extra=", channel")
    first = insights(tmp_path, data, spec, fmt="text")
    assert insights(tmp_path, data, spec, fmt="text") == first
    assert insights(tmp_path, data, spec) == insights(tmp_path, data, spec)
