"""Buckets, gap-filling values and comparison ranges, expected values worked out by hand."""
from datetime import date, timedelta
from datetime import datetime as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reportbuilder.timeframe.buckets import (
    CYCLIC, GRANULARITIES, align_buckets, bucket_start, bucket_values, previous_range,
)
from reportbuilder.timeframe.ranges import LocalRange, explicit_range, preset_range, range_to_utc
from reportbuilder.timeframe.zones import utc_to_local


def days(start, end):
    return LocalRange(D(*start), D(*end))


def hours_from(first, count):
    return [first + timedelta(hours=i) for i in range(count)]


def test_granularities():
    assert set(CYCLIC) < set(GRANULARITIES)
    assert CYCLIC == ("hour_of_day", "day_of_week", "month_of_year")


# --- bucket_start -----------------------------------------------------------------------

FRIDAY = D(2025, 3, 28, 10, 45, 12)


@pytest.mark.parametrize("granularity, week_start, expected", [
    ("hour", "monday", D(2025, 3, 28, 10)),
    ("day", "monday", date(2025, 3, 28)),
    ("week", "monday", date(2025, 3, 24)),
    ("week", "sunday", date(2025, 3, 23)),
    ("month", "monday", date(2025, 3, 1)),
    ("quarter", "monday", date(2025, 1, 1)),
    ("year", "monday", date(2025, 1, 1)),
    ("hour_of_day", "monday", 10),
    ("day_of_week", "monday", 5),
    ("day_of_week", "sunday", 5),
    ("month_of_year", "monday", 3),
])
def test_bucket_start(granularity, week_start, expected):
    assert bucket_start(FRIDAY, granularity, week_start) == expected


@pytest.mark.parametrize("local, granularity, week_start, expected", [
    (D(2025, 1, 1, 8), "week", "monday", date(2024, 12, 30)),   # ISO week 1 of 2025
    (D(2025, 1, 1, 8), "week", "sunday", date(2024, 12, 29)),
    (D(2025, 3, 30, 23), "week", "monday", date(2025, 3, 24)),  # Sunday ends the ISO week
    (D(2025, 3, 30, 23), "week", "sunday", date(2025, 3, 30)),  # and starts a Sunday one
    (D(2025, 12, 31, 23, 59), "quarter", "monday", date(2025, 10, 1)),
    (D(2025, 7, 1), "quarter", "monday", date(2025, 7, 1)),
    (D(2024, 2, 29, 12), "month", "monday", date(2024, 2, 1)),
    (D(2025, 3, 30, 12), "day_of_week", "sunday", 7),
    (D(2025, 3, 31, 0), "day_of_week", "sunday", 1),
    (date(2025, 3, 28), "week", "monday", date(2025, 3, 24)),   # a date will do
])
def test_bucket_start_edges(local, granularity, week_start, expected):
    assert bucket_start(local, granularity, week_start) == expected


def test_unknown_granularity():
    with pytest.raises(ValueError, match="did you mean week"):
        bucket_start(FRIDAY, "weeks")
    with pytest.raises(ValueError, match="unknown granularity"):
        bucket_values("minute", days((2025, 1, 1), (2025, 1, 2)), "UTC")


# --- bucket_values: days and coarser ------------------------------------------------

def test_days_across_paris_dst():
    r = explicit_range("2025-03-28", "2025-04-02")
    assert bucket_values("day", r, "Europe/Paris") == [
        date(2025, 3, 28), date(2025, 3, 29), date(2025, 3, 30), date(2025, 3, 31), date(2025, 4, 1)]


def test_range_ending_mid_day_includes_that_day():
    r = days((2025, 1, 30, 10), (2025, 2, 1, 6))
    assert bucket_values("day", r, "UTC") == [date(2025, 1, 30), date(2025, 1, 31), date(2025, 2, 1)]


def test_weeks_start_before_the_range():
    r = days((2025, 1, 1), (2025, 1, 15))
    assert bucket_values("week", r, "UTC") == [date(2024, 12, 30), date(2025, 1, 6), date(2025, 1, 13)]
    assert bucket_values("week", r, "UTC", "sunday") == [date(2024, 12, 29), date(2025, 1, 5), date(2025, 1, 12)]


def test_months_quarters_years():
    assert bucket_values("month", days((2025, 1, 15), (2025, 4, 1)), "UTC") == [
        date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert bucket_values("month", days((2024, 1, 31), (2024, 3, 1)), "UTC") == [
        date(2024, 1, 1), date(2024, 2, 1)]
    assert bucket_values("quarter", days((2024, 11, 15), (2025, 4, 1)), "UTC") == [
        date(2024, 10, 1), date(2025, 1, 1)]
    assert bucket_values("year", days((2023, 12, 31), (2025, 1, 2)), "UTC") == [
        date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]


def test_aware_bounds_are_bucketed_in_the_report_zone():
    # 2025-06-30 23:30 UTC is already July 1st in Paris
    r = explicit_range("2025-06-30T23:30:00Z", "2025-07-01T12:00:00Z")
    assert bucket_values("day", r, "Europe/Paris") == [date(2025, 7, 1)]
    assert bucket_values("day", r, "UTC") == [date(2025, 6, 30), date(2025, 7, 1)]


def test_empty_range_has_no_buckets():
    r = days((2025, 3, 28), (2025, 3, 28))
    assert bucket_values("day", r, "UTC") == []
    assert bucket_values("hour", r, "UTC") == []


# --- bucket_values: hours (UTC instants of local hour starts) ------------------------

def test_hours_of_a_utc_day():
    assert bucket_values("hour", explicit_range("2025-03-03", "2025-03-04"), "UTC") == hours_from(D(2025, 3, 3), 24)


def test_paris_spring_forward_has_23_hours():
    values = bucket_values("hour", days((2025, 3, 30), (2025, 3, 31)), "Europe/Paris")
    # 00:00 and 01:00 CET, then 03:00 CEST .. 23:00 CEST
    assert values == hours_from(D(2025, 3, 29, 23), 23)
    assert [utc_to_local(v, "Europe/Paris").hour for v in values[:3]] == [0, 1, 3]


def test_paris_fall_back_has_25_hours():
    values = bucket_values("hour", days((2025, 10, 26), (2025, 10, 27)), "Europe/Paris")
    assert values == hours_from(D(2025, 10, 25, 22), 25)
    assert [utc_to_local(v, "Europe/Paris").hour for v in values[:5]] == [0, 1, 2, 2, 3]


def test_new_york_spring_forward_has_23_hours():
    values = bucket_values("hour", days((2025, 3, 9), (2025, 3, 10)), "America/New_York")
    assert values == hours_from(D(2025, 3, 9, 5), 23)
    assert values[2] == D(2025, 3, 9, 7)  # 03:00 EDT
    assert values[-1] == D(2025, 3, 10, 3)  # 23:00 EDT


def test_new_york_fall_back_has_25_hours():
    values = bucket_values("hour", days((2025, 11, 2), (2025, 11, 3)), "America/New_York")
    assert values == hours_from(D(2025, 11, 2, 4), 25)
    assert values[1:3] == [D(2025, 11, 2, 5), D(2025, 11, 2, 6)]  # 01:00 EDT, 01:00 EST
    assert values[-1] == D(2025, 11, 3, 4)  # 23:00 EST


def test_kolkata_hours_start_at_half_past_utc():
    values = bucket_values("hour", days((2025, 6, 1), (2025, 6, 1, 3)), "Asia/Kolkata")
    assert values == [D(2025, 5, 31, 18, 30), D(2025, 5, 31, 19, 30), D(2025, 5, 31, 20, 30)]


def test_hours_include_the_one_the_range_starts_in():
    values = bucket_values("hour", days((2025, 6, 1, 10, 15), (2025, 6, 1, 12)), "UTC")
    assert values == [D(2025, 6, 1, 10), D(2025, 6, 1, 11)]


def test_hours_inside_the_repeated_hour():
    # 06:30Z is 01:30 EST, in the second 01:00 hour; it ends at 08:00Z = 03:00 EST
    r = explicit_range("2025-11-02T06:30:00Z", "2025-11-02T08:00:00Z")
    assert bucket_values("hour", r, "America/New_York") == [D(2025, 11, 2, 6), D(2025, 11, 2, 7)]


def test_half_hour_dst_shift_keeps_the_partial_hour():
    # Lord Howe jumps 02:00 -> 02:30 on 2025-10-05: the 02:00 hour has 30 minutes, from 02:30
    values = bucket_values("hour", days((2025, 10, 5), (2025, 10, 6)), "Australia/Lord_Howe")
    assert len(values) == 24
    assert [utc_to_local(v, "Australia/Lord_Howe").time().isoformat() for v in values[1:4]] == [
        "01:00:00", "02:30:00", "03:00:00"]


# --- cyclic and unbounded ------------------------------------------------------------

def test_cyclic_values_are_the_whole_cycle():
    unbounded = LocalRange(None, None)
    assert bucket_values("hour_of_day", unbounded, "UTC") == list(range(24))
    assert bucket_values("day_of_week", days((2025, 1, 1), (2025, 1, 2)), "UTC", "sunday") == [1, 2, 3, 4, 5, 6, 7]
    assert bucket_values("month_of_year", unbounded, "UTC") == list(range(1, 13))


def test_time_buckets_need_a_bounded_range():
    with pytest.raises(ValueError, match="bounded"):
        bucket_values("day", LocalRange(D(2025, 1, 1), None), "UTC")


# --- previous_range ----------------------------------------------------------------------

@pytest.mark.parametrize("r, expected", [
    (days((2024, 2, 29), (2024, 3, 1)), days((2023, 2, 28), (2023, 3, 1))),
    (days((2024, 2, 1), (2024, 3, 1)), days((2023, 2, 1), (2023, 3, 1))),
    (days((2025, 6, 23), (2025, 6, 30)), days((2024, 6, 23), (2024, 6, 30))),
    (days((2025, 3, 30, 2, 30), (2025, 3, 30, 5)), days((2024, 3, 30, 2, 30), (2024, 3, 30, 5))),
])
def test_previous_year(r, expected):
    assert previous_range(r, "previous_year") == expected


@pytest.mark.parametrize("r, expected", [
    (days((2025, 6, 1), (2025, 7, 1)), days((2025, 5, 1), (2025, 6, 1))),        # a month
    (days((2025, 3, 1), (2025, 4, 1)), days((2025, 2, 1), (2025, 3, 1))),        # 31 days -> 28
    (days((2025, 3, 1), (2025, 5, 1)), days((2025, 1, 1), (2025, 3, 1))),        # two months
    (days((2025, 1, 1), (2025, 4, 1)), days((2024, 10, 1), (2025, 1, 1))),       # a quarter
    (days((2025, 1, 1), (2026, 1, 1)), days((2024, 1, 1), (2025, 1, 1))),        # a year
    (days((2025, 6, 23), (2025, 6, 30)), days((2025, 6, 16), (2025, 6, 23))),    # last_7_days
    (days((2025, 3, 30), (2025, 3, 31)), days((2025, 3, 29), (2025, 3, 30))),    # a DST day
    (days((2025, 6, 1), (2025, 6, 17)), days((2025, 5, 16), (2025, 6, 1))),      # days, not months
    (days((2025, 6, 30, 10), (2025, 6, 30, 14)), days((2025, 6, 30, 6), (2025, 6, 30, 10))),
])
def test_previous_period(r, expected):
    assert previous_range(r, "previous_period") == expected


@pytest.mark.parametrize("preset, now, expected", [
    ("month_to_date", D(2025, 6, 16, 12), days((2025, 5, 1), (2025, 5, 17))),
    ("this_month", D(2025, 6, 16, 12), days((2025, 5, 1), (2025, 5, 17))),
    ("month_to_date", D(2025, 3, 30, 12), days((2025, 2, 1), (2025, 3, 1))),     # clamped to Feb's end
    ("month_to_date", D(2025, 3, 1, 12), days((2025, 2, 1), (2025, 2, 2))),
    ("quarter_to_date", D(2025, 5, 31, 12), days((2025, 1, 1), (2025, 3, 1))),   # May 31 -> Feb 28
    ("this_quarter", D(2025, 4, 1, 12), days((2025, 1, 1), (2025, 1, 2))),
    ("year_to_date", D(2024, 2, 29, 12), days((2023, 1, 1), (2023, 3, 1))),
    ("this_year", D(2025, 6, 30, 12), days((2024, 1, 1), (2024, 7, 1))),
    ("this_week", D(2025, 7, 2, 12), days((2025, 6, 23), (2025, 6, 26))),        # Mon-Wed
])
def test_previous_period_of_a_partial_unit(preset, now, expected):
    r = preset_range(preset, now, "UTC")
    assert previous_range(r, "previous_period", preset) == expected


def test_previous_period_of_full_presets():
    at = D(2025, 6, 30, 12)
    assert previous_range(preset_range("last_month", at, "UTC"), "previous_period", "last_month") == \
        days((2025, 4, 1), (2025, 5, 1))
    assert previous_range(preset_range("today", at, "UTC"), "previous_period", "today") == \
        days((2025, 6, 29), (2025, 6, 30))
    assert previous_range(preset_range("last_week", at, "UTC"), "previous_period", "last_week") == \
        days((2025, 6, 16), (2025, 6, 23))


def test_previous_range_errors():
    with pytest.raises(ValueError, match="bounded"):
        previous_range(LocalRange(None, D(2025, 1, 1)), "previous_year")
    with pytest.raises(ValueError, match="did you mean previous_year"):
        previous_range(days((2025, 1, 1), (2025, 1, 2)), "previous_yr")


# --- align_buckets ---------------------------------------------------------------------

def test_align_equal_lengths():
    assert align_buckets([1, 2], ["a", "b"]) == [(1, "a"), (2, "b")]


def test_align_june_against_may():
    june = bucket_values("day", days((2025, 6, 1), (2025, 7, 1)), "UTC")
    may = bucket_values("day", previous_range(days((2025, 6, 1), (2025, 7, 1)), "previous_period"), "UTC")
    pairs = align_buckets(june, may)
    assert len(pairs) == 31
    assert pairs[0] == (date(2025, 6, 1), date(2025, 5, 1))
    assert pairs[29] == (date(2025, 6, 30), date(2025, 5, 30))
    assert pairs[30] == (None, date(2025, 5, 31))


def test_align_march_against_february():
    pairs = align_buckets([date(2025, 3, d) for d in range(1, 32)], [date(2025, 2, d) for d in range(1, 29)])
    assert pairs[27] == (date(2025, 3, 28), date(2025, 2, 28))
    assert pairs[28:] == [(date(2025, 3, 29), None), (date(2025, 3, 30), None), (date(2025, 3, 31), None)]


def test_align_hours_of_a_short_day():
    today = bucket_values("hour", days((2025, 3, 30), (2025, 3, 31)), "Europe/Paris")
    before = bucket_values("hour", days((2025, 3, 29), (2025, 3, 30)), "Europe/Paris")
    pairs = align_buckets(today, before)
    assert len(pairs) == 24 and pairs[-1] == (None, D(2025, 3, 29, 22))


# --- properties ---------------------------------------------------------------------------

start_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
whole_hour_zones = st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata",
                                    "Australia/Sydney", "America/Sao_Paulo"])


def local_days(start, n):
    return LocalRange(D(start.year, start.month, start.day), D(start.year, start.month, start.day) + timedelta(days=n))


@given(start_days, st.integers(min_value=1, max_value=120), whole_hour_zones)
def test_n_local_days_are_n_day_buckets(start, n, tz):
    values = bucket_values("day", local_days(start, n), tz)
    assert values == [start + timedelta(days=i) for i in range(n)]


@given(start_days, st.integers(min_value=1, max_value=10), whole_hour_zones)
def test_hours_add_up_to_the_real_duration(start, n, tz):
    r = local_days(start, n)
    start_utc, end_utc = range_to_utc(r, tz)
    values = bucket_values("hour", r, tz)
    assert len(values) == (end_utc - start_utc) / timedelta(hours=1)
    assert values[0] == start_utc
    assert all(b - a == timedelta(hours=1) for a, b in zip(values, values[1:]))


@given(start_days, st.integers(min_value=1, max_value=90), whole_hour_zones)
def test_previous_period_of_days_has_as_many_days(start, n, tz):
    r = local_days(start, n)
    # days that happen to be whole months (Dec 1 + 90 days = Mar 1) follow the month rule instead
    assume(not (r.start.day == 1 and r.end.day == 1))
    previous = previous_range(r, "previous_period")
    assert previous.end == r.start
    assert len(bucket_values("day", previous, tz)) == n


def test_previous_period_of_whole_months_of_days_is_the_previous_months():
    # 2000-12-01 + 90 days = 2001-03-01: three whole months, compared with Sep-Nov (91 days)
    previous = previous_range(local_days(date(2000, 12, 1), 90), "previous_period")
    assert (previous.start, previous.end) == (D(2000, 9, 1), D(2000, 12, 1))


@given(start_days, st.integers(min_value=1, max_value=30), st.sampled_from(["week", "month", "quarter", "year"]),
       st.sampled_from(["monday", "sunday"]))
def test_coarse_buckets_cover_the_range(start, n, unit, week_start):
    r = local_days(start, n)
    values = bucket_values(unit, r, "UTC", week_start)
    assert values[0] <= start < (values[1] if len(values) > 1 else date.max)
    assert all(bucket_start(v, unit, week_start) == v for v in values)
    assert bucket_start(r.end - timedelta(days=1), unit, week_start) == values[-1]
