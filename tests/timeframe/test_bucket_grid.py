"""Combinations of several granularities' buckets (gap filling), worked out by hand."""
from datetime import date, timedelta
from datetime import datetime as D
from itertools import product

import pytest

from reportbuilder.timeframe.buckets import GRANULARITIES, bucket_grid, bucket_values, grid_unit
from reportbuilder.timeframe.ranges import LocalRange
from reportbuilder.timeframe.zones import utc_to_local


def days(start, end):
    return LocalRange(D(*start), D(*end))


PARIS_WEEK = days((2025, 3, 3), (2025, 3, 10))  # Monday to Sunday, CET


@pytest.mark.parametrize("granularities, unit", [
    (["day", "hour"], "hour"), (["hour_of_day", "month"], "hour"), (["week", "day_of_week"], "day"),
    (["week", "month"], "day"), (["week", "month_of_year"], "day"), (["year", "week"], "day"),
    (["week"], "week"), (["month", "year"], "month"), (["quarter", "month_of_year"], "month"),
    (["year", "quarter"], "quarter"), (["year"], "year"), (["day_of_week", "month"], "day"),
])
def test_grid_unit_is_fine_enough_for_every_granularity(granularities, unit):
    assert grid_unit(granularities) == unit


@pytest.mark.parametrize("granularity", GRANULARITIES)
@pytest.mark.parametrize("r, tz", [(days((2025, 3, 26), (2025, 4, 2)), "Europe/Paris"),
                                   (days((2024, 12, 30, 6), (2025, 2, 1)), "Asia/Kolkata")])
def test_one_granularity_gives_its_buckets(granularity, r, tz):
    assert bucket_grid([granularity], r, tz) == [(v,) for v in bucket_values(granularity, r, tz)]


def test_hour_of_day_by_day_over_a_week_is_168_pairs_in_either_order():
    week = [date(2025, 3, 3) + timedelta(days=i) for i in range(7)]
    assert bucket_grid(["day", "hour_of_day"], PARIS_WEEK, "Europe/Paris") == list(product(week, range(24)))
    assert sorted(bucket_grid(["hour_of_day", "day"], PARIS_WEEK, "Europe/Paris")) == list(product(range(24), week))


def test_day_by_hour_pairs_each_hour_with_its_own_day_across_dst():
    # 2025-03-30 in Paris has 23 hours (no 02:00), 2025-10-26 has 25 (02:00 twice)
    spring = bucket_grid(["day", "hour"], days((2025, 3, 29), (2025, 4, 1)), "Europe/Paris")
    autumn = bucket_grid(["day", "hour"], days((2025, 10, 25), (2025, 10, 28)), "Europe/Paris")
    for grid in (spring, autumn):
        assert all(utc_to_local(hour, "Europe/Paris").date() == day for day, hour in grid)
    assert [sum(1 for d, _ in spring if d == date(2025, 3, n)) for n in (29, 30, 31)] == [24, 23, 24]
    assert [sum(1 for d, _ in autumn if d == date(2025, 10, n)) for n in (25, 26, 27)] == [24, 25, 24]
    # the two 2 am hours of 10-26 are 00:00Z and 01:00Z
    assert (date(2025, 10, 26), D(2025, 10, 26, 0)) in autumn and (date(2025, 10, 26), D(2025, 10, 26, 1)) in autumn


def test_hour_of_day_on_dst_days_lacks_the_skipped_hour_and_has_the_repeated_one_once():
    spring = bucket_grid(["day", "hour_of_day"], days((2025, 3, 30), (2025, 3, 31)), "Europe/Paris")
    assert spring == [(date(2025, 3, 30), h) for h in [0, 1] + list(range(3, 24))]
    autumn = bucket_grid(["day", "hour_of_day"], days((2025, 10, 26), (2025, 10, 27)), "Europe/Paris")
    assert autumn == [(date(2025, 10, 26), h) for h in range(24)]


def test_week_by_day_of_week_from_a_friday():
    grid = bucket_grid(["week", "day_of_week"], days((2025, 3, 7), (2025, 3, 12)), "UTC")
    assert grid == [(date(2025, 3, 3), 5), (date(2025, 3, 3), 6), (date(2025, 3, 3), 7),
                    (date(2025, 3, 10), 1), (date(2025, 3, 10), 2)]
    # weeks from Sunday: Fri 03-07 and Sat 03-08 are in the week of Sun 03-02
    grid = bucket_grid(["week", "day_of_week"], days((2025, 3, 7), (2025, 3, 10)), "UTC", "sunday")
    assert grid == [(date(2025, 3, 2), 5), (date(2025, 3, 2), 6), (date(2025, 3, 9), 7)]


def test_a_week_straddling_two_months_pairs_with_both():
    grid = bucket_grid(["week", "month"], days((2025, 1, 27), (2025, 2, 10)), "UTC")
    assert grid == [(date(2025, 1, 27), date(2025, 1, 1)), (date(2025, 1, 27), date(2025, 2, 1)),
                    (date(2025, 2, 3), date(2025, 2, 1))]


def test_coarser_calendar_pairs():
    assert bucket_grid(["year", "month_of_year"], days((2024, 11, 15), (2025, 2, 1)), "UTC") == [
        (date(2024, 1, 1), 11), (date(2024, 1, 1), 12), (date(2025, 1, 1), 1)]
    assert bucket_grid(["month", "quarter"], days((2025, 2, 15), (2025, 5, 1)), "UTC") == [
        (date(2025, 2, 1), date(2025, 1, 1)), (date(2025, 3, 1), date(2025, 1, 1)),
        (date(2025, 4, 1), date(2025, 4, 1))]


def test_cyclic_granularities_alone_give_every_combination_whatever_the_range():
    one_day = days((2025, 3, 3), (2025, 3, 4))
    assert bucket_grid(["day_of_week", "hour_of_day"], one_day, "UTC") == list(product(range(1, 8), range(24)))
    unbounded = LocalRange(None, None)
    assert len(bucket_grid(["month_of_year", "day_of_week"], unbounded, "UTC")) == 84


def test_an_empty_range_has_no_calendar_combination():
    assert bucket_grid(["day", "hour_of_day"], days((2025, 3, 3), (2025, 3, 3)), "UTC") == []


def test_a_calendar_granularity_needs_a_bounded_range():
    with pytest.raises(ValueError, match="bounded"):
        bucket_grid(["day", "hour_of_day"], LocalRange(D(2025, 1, 1), None), "UTC")
    with pytest.raises(ValueError, match="unknown granularity"):
        bucket_grid(["day", "minute"], PARIS_WEEK, "UTC")


@pytest.mark.parametrize("granularities", [("hour",), ("day",), ("week",), ("month",), ("quarter",), ("year",),
                                           ("week", "month"), ("hour", "day_of_week")])
@pytest.mark.parametrize(("start", "end"), [
    (D(2025, 3, 29, 23), D(2025, 3, 31, 1)),  # over the spring-forward night (Paris)
    (D(2024, 10, 26, 5, 30), D(2024, 10, 28, 0, 15)),  # over the fall-back night
    (D(2023, 12, 31, 12), D(2025, 1, 1, 12)),  # partial ends, a leap year
    (D(2025, 1, 1), D(2025, 1, 1, 0, 30)),  # under an hour
])
def test_the_estimate_checked_against_the_limit_is_never_below_the_buckets_listed(granularities, start, end):
    from reportbuilder.timeframe.buckets import bucket_estimate

    listed = bucket_grid(granularities, LocalRange(start, end), "Europe/Paris")
    assert bucket_estimate(grid_unit(granularities), start, end) >= len(listed)
