"""Presets and explicit ranges, every expected bound written out by hand."""
from datetime import date, timedelta, timezone
from datetime import datetime as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportbuilder.timeframe.ranges import (
    PRESETS, LocalRange, explicit_range, is_preset, localize, preset_range, range_to_utc,
)

NOON = D(2025, 6, 30, 12)          # Monday 2025-06-30 in UTC
LATE = D(2025, 6, 30, 23, 30)      # already Tuesday 2025-07-01 01:30 in Paris


def days(start, end):
    return LocalRange(D(*start), D(*end))


def test_presets_cover_the_contract():
    assert len(PRESETS) == 20 and len(set(PRESETS)) == 20
    assert all(is_preset(name) for name in PRESETS)


# now = Monday 2025-06-30 12:00 UTC, report zone UTC, weeks from Monday
AT_NOON = {
    "today": days((2025, 6, 30), (2025, 7, 1)),
    "yesterday": days((2025, 6, 29), (2025, 6, 30)),
    "this_week": days((2025, 6, 30), (2025, 7, 1)),
    "last_week": days((2025, 6, 23), (2025, 6, 30)),
    "this_month": days((2025, 6, 1), (2025, 7, 1)),
    "last_month": days((2025, 5, 1), (2025, 6, 1)),
    "this_quarter": days((2025, 4, 1), (2025, 7, 1)),
    "last_quarter": days((2025, 1, 1), (2025, 4, 1)),
    "this_year": days((2025, 1, 1), (2025, 7, 1)),
    "last_year": days((2024, 1, 1), (2025, 1, 1)),
    "last_7_days": days((2025, 6, 23), (2025, 6, 30)),
    "last_14_days": days((2025, 6, 16), (2025, 6, 30)),
    "last_30_days": days((2025, 5, 31), (2025, 6, 30)),
    "last_4_weeks": days((2025, 6, 2), (2025, 6, 30)),
    "last_3_months": days((2025, 3, 30), (2025, 6, 30)),
    "last_12_months": days((2024, 6, 30), (2025, 6, 30)),
    "month_to_date": days((2025, 6, 1), (2025, 7, 1)),
    "quarter_to_date": days((2025, 4, 1), (2025, 7, 1)),
    "year_to_date": days((2025, 1, 1), (2025, 7, 1)),
    "all_time": LocalRange(None, None),
}

# now = 2025-06-30 23:30 UTC = Tuesday 2025-07-01 01:30 in Europe/Paris
LATE_IN_PARIS = {
    "today": days((2025, 7, 1), (2025, 7, 2)),
    "yesterday": days((2025, 6, 30), (2025, 7, 1)),
    "this_week": days((2025, 6, 30), (2025, 7, 2)),
    "last_week": days((2025, 6, 23), (2025, 6, 30)),
    "this_month": days((2025, 7, 1), (2025, 7, 2)),
    "last_month": days((2025, 6, 1), (2025, 7, 1)),
    "this_quarter": days((2025, 7, 1), (2025, 7, 2)),
    "last_quarter": days((2025, 4, 1), (2025, 7, 1)),
    "this_year": days((2025, 1, 1), (2025, 7, 2)),
    "last_year": days((2024, 1, 1), (2025, 1, 1)),
    "last_7_days": days((2025, 6, 24), (2025, 7, 1)),
    "last_14_days": days((2025, 6, 17), (2025, 7, 1)),
    "last_30_days": days((2025, 6, 1), (2025, 7, 1)),
    "last_4_weeks": days((2025, 6, 3), (2025, 7, 1)),
    "last_3_months": days((2025, 4, 1), (2025, 7, 1)),
    "last_12_months": days((2024, 7, 1), (2025, 7, 1)),
    "month_to_date": days((2025, 7, 1), (2025, 7, 2)),
    "quarter_to_date": days((2025, 7, 1), (2025, 7, 2)),
    "year_to_date": days((2025, 1, 1), (2025, 7, 2)),
    "all_time": LocalRange(None, None),
}


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_at_noon_utc(preset):
    assert preset_range(preset, NOON, "UTC") == AT_NOON[preset]


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_after_local_midnight(preset):
    assert preset_range(preset, LATE, "Europe/Paris") == LATE_IN_PARIS[preset]


def test_same_instant_is_still_june_30_in_new_york():
    assert preset_range("today", LATE, "America/New_York") == days((2025, 6, 30), (2025, 7, 1))


def test_now_may_be_aware():
    now = D(2025, 7, 1, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert preset_range("today", now, "UTC") == days((2025, 6, 30), (2025, 7, 1))


def test_sunday_weeks():
    # Monday 2025-06-30: the Sunday week began the day before
    assert preset_range("this_week", NOON, "UTC", "sunday") == days((2025, 6, 29), (2025, 7, 1))
    assert preset_range("last_week", NOON, "UTC", "sunday") == days((2025, 6, 22), (2025, 6, 29))
    # on a Sunday, the Sunday week is one day old and the ISO week six
    sunday = D(2025, 6, 29, 12)
    assert preset_range("this_week", sunday, "UTC", "sunday") == days((2025, 6, 29), (2025, 6, 30))
    assert preset_range("this_week", sunday, "UTC") == days((2025, 6, 23), (2025, 6, 30))


def test_iso_week_across_new_year():
    new_year = D(2025, 1, 1, 12)  # a Wednesday, in the week of Monday 2024-12-30
    assert preset_range("this_week", new_year, "UTC") == days((2024, 12, 30), (2025, 1, 2))
    assert preset_range("last_week", new_year, "UTC") == days((2024, 12, 23), (2024, 12, 30))
    assert preset_range("this_week", new_year, "UTC", "sunday") == days((2024, 12, 29), (2025, 1, 2))
    assert preset_range("last_year", new_year, "UTC") == days((2024, 1, 1), (2025, 1, 1))


def test_quarter_boundary_depends_on_the_zone():
    # 2025-03-31 22:30 UTC is 2025-04-01 00:30 in Paris (CEST) but still March in UTC
    now = D(2025, 3, 31, 22, 30)
    assert preset_range("this_quarter", now, "Europe/Paris") == days((2025, 4, 1), (2025, 4, 2))
    assert preset_range("last_quarter", now, "Europe/Paris") == days((2025, 1, 1), (2025, 4, 1))
    assert preset_range("this_quarter", now, "UTC") == days((2025, 1, 1), (2025, 4, 1))
    assert preset_range("last_quarter", now, "UTC") == days((2024, 10, 1), (2025, 1, 1))


def test_month_lengths_clamp():
    assert preset_range("last_3_months", D(2025, 5, 31, 12), "UTC") == days((2025, 2, 28), (2025, 5, 31))
    assert preset_range("last_3_months", D(2024, 5, 31, 12), "UTC") == days((2024, 2, 29), (2024, 5, 31))
    assert preset_range("last_12_months", D(2024, 2, 29, 12), "UTC") == days((2023, 2, 28), (2024, 2, 29))
    assert preset_range("last_month", D(2025, 3, 31, 12), "UTC") == days((2025, 2, 1), (2025, 3, 1))
    assert preset_range("last_month", D(2025, 1, 15, 12), "UTC") == days((2024, 12, 1), (2025, 1, 1))


@pytest.mark.parametrize("preset, expected", [
    ("last_1_days", days((2025, 6, 29), (2025, 6, 30))),
    ("last_10_days", days((2025, 6, 20), (2025, 6, 30))),
    ("last_3_weeks", days((2025, 6, 9), (2025, 6, 30))),
    ("last_1_months", days((2025, 5, 30), (2025, 6, 30))),
    ("last_2_quarters", days((2024, 12, 30), (2025, 6, 30))),
    ("last_2_years", days((2023, 6, 30), (2025, 6, 30))),
])
def test_general_last_n_units(preset, expected):
    assert is_preset(preset)
    assert preset_range(preset, NOON, "UTC") == expected


@pytest.mark.parametrize("preset", ["last_0_days", "last_01_days", "last_weeks", "last_3_fortnights",
                                    "tomorrow", "last_7_day", ""])
def test_unknown_presets(preset):
    assert not is_preset(preset)
    with pytest.raises(ValueError, match="unknown date preset"):
        preset_range(preset, NOON, "UTC")


def test_unknown_preset_suggests():
    with pytest.raises(ValueError, match="did you mean last_month"):
        preset_range("last_mnth", NOON, "UTC")


def test_unknown_zone_in_preset():
    with pytest.raises(ValueError, match="unknown time zone"):
        preset_range("today", NOON, "Europe/Pari")


def test_bounded():
    assert days((2025, 1, 1), (2025, 1, 2)).bounded
    assert not LocalRange(D(2025, 1, 1), None).bounded
    assert not LocalRange(None, None).bounded


def test_bounds_must_be_datetimes():
    with pytest.raises(TypeError):
        LocalRange(date(2025, 1, 1), None)


# --- explicit ranges ---------------------------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    ("2025-03-28", "2025-04-02", days((2025, 3, 28), (2025, 4, 2))),
    (date(2025, 3, 28), date(2025, 4, 2), days((2025, 3, 28), (2025, 4, 2))),
    ("2025-03-28T10:00:00", "2025-03-28 10:30", days((2025, 3, 28, 10), (2025, 3, 28, 10, 30))),
    (D(2025, 3, 28, 10), " 2025-03-29 ", days((2025, 3, 28, 10), (2025, 3, 29))),
    ("2025-03-28", None, LocalRange(D(2025, 3, 28), None)),
    (None, None, LocalRange(None, None)),
    ("2025-03-28", "2025-03-28", days((2025, 3, 28), (2025, 3, 28))),
])
def test_explicit_range(start, end, expected):
    assert explicit_range(start, end) == expected


def test_explicit_range_keeps_offsets():
    r = explicit_range("2025-03-28T10:00:00Z", "2025-03-28T18:00:00+05:30")
    assert r.start == D(2025, 3, 28, 10, tzinfo=timezone.utc)
    assert r.end.utcoffset() == timedelta(hours=5, minutes=30)


@pytest.mark.parametrize("start, end, side", [
    ("soon", "2025-04-01", "from"),
    ("2025-03-28", "2025-13-01", "to"),
    (20250328, None, "from"),
    ("", None, "from"),
    (None, "28/03/2025", "to"),
])
def test_explicit_range_unreadable(start, end, side):
    with pytest.raises(ValueError, match=f"^{side}: cannot read"):
        explicit_range(start, end)


def test_explicit_range_reversed():
    with pytest.raises(ValueError, match="from 2025-04-02T00:00:00 is after to 2025-03-28T00:00:00"):
        explicit_range("2025-04-02", "2025-03-28")
    with pytest.raises(ValueError, match="is after"):
        explicit_range("2025-03-28T10:00:00Z", "2025-03-28T10:00:00+05:30")


# --- to UTC ------------------------------------------------------------------------

@pytest.mark.parametrize("r, tz, expected", [
    (days((2025, 3, 30), (2025, 3, 31)), "Europe/Paris", (D(2025, 3, 29, 23), D(2025, 3, 30, 22))),
    (days((2025, 10, 26), (2025, 10, 27)), "Europe/Paris", (D(2025, 10, 25, 22), D(2025, 10, 26, 23))),
    (days((2025, 3, 9), (2025, 3, 10)), "America/New_York", (D(2025, 3, 9, 5), D(2025, 3, 10, 4))),
    (days((2025, 11, 2), (2025, 11, 3)), "America/New_York", (D(2025, 11, 2, 4), D(2025, 11, 3, 5))),
    (days((2025, 6, 1), (2025, 6, 2)), "Asia/Kolkata", (D(2025, 5, 31, 18, 30), D(2025, 6, 1, 18, 30))),
    (LocalRange(None, D(2025, 6, 1)), "UTC", (None, D(2025, 6, 1))),
    (LocalRange(None, None), "Europe/Paris", (None, None)),
])
def test_range_to_utc(r, tz, expected):
    assert range_to_utc(r, tz) == expected


def test_aware_bounds_convert_exactly():
    r = explicit_range("2025-03-28T10:00:00+05:30", "2025-03-28T12:00:00Z")
    assert range_to_utc(r, "Europe/Paris") == (D(2025, 3, 28, 4, 30), D(2025, 3, 28, 12))


def test_naive_and_aware_bounds_are_ordered_in_the_zone():
    r = explicit_range("2025-03-28T12:00", "2025-03-28T10:00:00Z")
    assert range_to_utc(r, "Asia/Tokyo") == (D(2025, 3, 28, 3), D(2025, 3, 28, 10))
    with pytest.raises(ValueError, match="is after"):
        range_to_utc(r, "America/New_York")


def test_localize_keeps_the_second_occurrence():
    r = explicit_range("2025-11-02T06:30:00Z", "2025-11-02T07:30:00Z")
    local = localize(r, "America/New_York")
    assert local == days((2025, 11, 2, 1, 30), (2025, 11, 2, 2, 30))
    assert range_to_utc(local, "America/New_York") == (D(2025, 11, 2, 6, 30), D(2025, 11, 2, 7, 30))


# --- properties ----------------------------------------------------------------------

nows = st.datetimes(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31))
zones = st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"])


@given(nows, zones, st.integers(min_value=1, max_value=400))
def test_last_n_days_is_n_days_before_today(now, tz, n):
    r = preset_range(f"last_{n}_days", now, tz)
    today = preset_range("today", now, tz).start
    assert r.end == today and r.end - r.start == timedelta(days=n)


@given(nows, zones, st.sampled_from(["week", "month", "quarter", "year"]), st.sampled_from(["monday", "sunday"]))
def test_this_unit_follows_last_unit(now, tz, unit, week_start):
    this = preset_range(f"this_{unit}", now, tz, week_start)
    last = preset_range(f"last_{unit}", now, tz, week_start)
    tomorrow = preset_range("today", now, tz).end
    assert last.end == this.start < tomorrow == this.end
