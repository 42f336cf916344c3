"""business_seconds / business_add in SQL against hand-computed values.

Instants are UTC. Europe/Paris is UTC+1 in winter, UTC+2 in summer (2025: forward on
30 March 02:00 -> 03:00, back on 26 October 03:00 -> 02:00); America/New_York forward on
9 March, back on 2 November 2025; Australia/Lord_Howe moves by 30 minutes (UTC+11 -> +10:30
on 6 April 2025 at 02:00, back to +11 on 5 October 2025 at 02:00).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from reportbuilder.calendars.model import Calendar
from tests.calendars.business_db import evaluate, week

T = datetime.fromisoformat
OFFICE = week(mon=["09:00-18:00"], tue=["09:00-18:00"], wed=["09:00-18:00"], thu=["09:00-18:00"],
              fri=["09:00-18:00"])
WHOLE_DAYS = week(**{d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})


def paris(hours=OFFICE, holidays=()):
    return Calendar("paris", "Europe/Paris", hours, frozenset(holidays))


def seconds(cal, a, b):
    return evaluate(cal, [("seconds", T(a), T(b))])[0]


def add(cal, a, s):
    return evaluate(cal, [("add", T(a), s)])[0]


def test_friday_evening_answered_on_monday_is_twenty_open_minutes():
    # Fri 2025-06-13 17:50 CEST = 15:50Z; Mon 2025-06-16 09:10 CEST = 07:10Z: 10 + 10 minutes
    assert seconds(paris(), "2025-06-13 15:50", "2025-06-16 07:10") == 1200


def test_a_holiday_is_closed_all_day():
    # Wed 30 April 17:00 -> Fri 2 May 10:00 (CEST), 1 May closed: 1 h + 1 h
    cal = paris(holidays=[date(2025, 5, 1)])
    assert seconds(cal, "2025-04-30 15:00", "2025-05-02 08:00") == 7200
    assert seconds(paris(), "2025-04-30 15:00", "2025-05-02 08:00") == 7200 + 9 * 3600


@pytest.mark.parametrize("zone, day, hours", [
    ("Europe/Paris", "2025-03-30", 23), ("Europe/Paris", "2025-10-26", 25),
    ("America/New_York", "2025-03-09", 23), ("America/New_York", "2025-11-02", 25),
    ("Australia/Lord_Howe", "2025-04-06", 24.5), ("Australia/Lord_Howe", "2025-10-05", 23.5),
])
def test_a_whole_open_day_lasts_as_long_as_the_local_day(zone, day, hours):
    only = week(sun=["00:00-24:00"])  # all six days are Sundays
    cal = Calendar("c", zone, only)
    # a week around the day: only that Sunday is open
    d = date.fromisoformat(day)
    before, after = d - timedelta(days=3), d + timedelta(days=3)
    assert seconds(cal, f"{before} 00:00", f"{after} 00:00") == hours * 3600


def test_an_interval_inside_the_skipped_hour_is_never_open_and_a_repeated_hour_twice():
    cal = Calendar("c", "Europe/Paris", week(sun=["02:00-03:00"]))
    assert seconds(cal, "2025-03-29 00:00", "2025-03-31 00:00") == 0
    assert seconds(cal, "2025-10-25 00:00", "2025-10-27 00:00") == 7200
    # the day after, an ordinary Sunday: one hour
    assert seconds(cal, "2025-11-01 00:00", "2025-11-03 00:00") == 3600


def test_dst_day_of_office_hours_is_nine_hours_in_utc_too():
    # Mon 31 March 2025, first CEST weekday: 09:00-18:00 CEST = 07:00-16:00Z
    cal = paris()
    assert seconds(cal, "2025-03-31 06:00", "2025-03-31 07:30") == 1800
    assert seconds(cal, "2025-03-28 00:00", "2025-04-01 00:00") == 18 * 3600


def test_overnight_shift_written_as_two_intervals():
    shift = week(mon=["22:00-24:00"], tue=["00:00-06:00"])
    cal = Calendar("night", "UTC", shift)
    assert seconds(cal, "2025-06-16 21:00", "2025-06-17 07:00") == 8 * 3600
    assert seconds(cal, "2025-06-16 23:00", "2025-06-17 01:00") == 2 * 3600
    assert add(cal, "2025-06-16 23:00", 3 * 3600) == T("2025-06-17 02:00")


def test_start_and_end_in_the_same_closed_stretch_is_zero():
    assert seconds(paris(), "2025-06-14 08:00", "2025-06-15 10:00") == 0  # Saturday -> Sunday
    assert seconds(paris(), "2025-06-16 17:00", "2025-06-16 16:00") == 0  # end before start


def test_start_and_end_outside_open_hours():
    # Sun 10:00 CEST -> Tue 20:00 CEST: Monday and Tuesday whole
    assert seconds(paris(), "2025-06-15 08:00", "2025-06-17 18:00") == 18 * 3600


def test_business_add_lands_on_the_end_of_an_interval_not_the_next_start():
    # Mon 17:00 CEST + 1 open hour = Mon 18:00 CEST (16:00Z), not Tue 09:00
    assert add(paris(), "2025-06-16 15:00", 3600) == T("2025-06-16 16:00")
    assert add(paris(), "2025-06-16 15:00", 3601) == T("2025-06-17 07:00:01")
    # Fri 17:50 + 20 minutes = Mon 09:10
    assert add(paris(), "2025-06-13 15:50", 1200) == T("2025-06-16 07:10")


def test_business_add_of_zero_is_the_start_even_when_closed():
    assert add(paris(), "2025-06-14 10:00", 0) == T("2025-06-14 10:00")
    assert add(paris(), "2025-06-14 10:00", 1) == T("2025-06-16 07:00:01")


def test_nulls_give_null():
    cal = paris()
    assert evaluate(cal, [("seconds", None, T("2025-06-16 07:10")), ("add", None, 5), ("add", T("2025-06-16 07:10"), None)]) \
        == [None, None, None]


def test_always_is_plain_elapsed_time():
    from reportbuilder.calendars.model import ALWAYS_CALENDAR

    values = evaluate(ALWAYS_CALENDAR, [("seconds", T("2025-03-30 00:00"), T("2025-03-31 00:00")),
                                        ("seconds", T("2025-03-31 00:00"), T("2025-03-30 00:00")),
                                        ("add", T("2025-03-30 00:00"), 90)])
    assert values == [86400, 0, T("2025-03-30 00:01:30")]


def test_the_worked_example_of_the_docs():
    # docs/business-hours.md: paris_support closes at 17:00 on Fridays
    support = Calendar("paris_support", "Europe/Paris",
                       week(mon=["09:00-12:30", "13:30-18:00"], tue=["09:00-18:00"], wed=["09:00-18:00"],
                            thu=["09:00-18:00"], fri=["09:00-17:00"]))
    assert seconds(support, "2025-06-13 15:50", "2025-06-16 07:10") == 600
    assert add(support, "2025-06-13 15:50", 3600) == T("2025-06-16 08:00")
    # Monday's lunch break: 12:00 Paris + 1 open hour = 14:00 Paris
    assert add(support, "2025-06-16 10:00", 3600) == T("2025-06-16 12:00")
