"""Zone names and local <-> UTC conversion, DST gaps and overlaps worked out by hand."""
from datetime import datetime as D
from datetime import timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportbuilder.timeframe.zones import (
    check_zone, get_zone, local_instants, local_to_utc, utc_to_local, zone_suggestions,
)

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Sydney",
         "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns"]


@pytest.mark.parametrize("name", ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"])
def test_known_zones(name):
    assert check_zone(name)


@pytest.mark.parametrize("name", ["Europe/Pari", "", "localtime", "Mars/Olympus", "../etc/passwd", None])
def test_unknown_zones(name):
    assert not check_zone(name)


def test_suggestions():
    assert zone_suggestions("Europe/Pari")[0] == "Europe/Paris"
    assert zone_suggestions("america/new_york")[0] == "America/New_York"
    assert zone_suggestions("qqqqqqqq") == []


def test_get_zone_error_suggests():
    with pytest.raises(ValueError, match="did you mean Europe/Paris"):
        get_zone("Europe/Pari")


@pytest.mark.parametrize("local, tz, utc", [
    (D(2025, 6, 30, 12), "UTC", D(2025, 6, 30, 12)),
    (D(2025, 6, 1, 0), "Asia/Kolkata", D(2025, 5, 31, 18, 30)),
    (D(2025, 1, 15, 9), "Europe/Paris", D(2025, 1, 15, 8)),
    (D(2025, 7, 15, 9), "Europe/Paris", D(2025, 7, 15, 7)),
    # spring forward: 02:00 -> 03:00 local; the gap maps to the instant after it
    (D(2025, 3, 30, 1, 59), "Europe/Paris", D(2025, 3, 30, 0, 59)),
    (D(2025, 3, 30, 2, 0), "Europe/Paris", D(2025, 3, 30, 1, 0)),
    (D(2025, 3, 30, 2, 30), "Europe/Paris", D(2025, 3, 30, 1, 0)),
    (D(2025, 3, 30, 3, 0), "Europe/Paris", D(2025, 3, 30, 1, 0)),
    (D(2025, 3, 9, 2, 30), "America/New_York", D(2025, 3, 9, 7, 0)),
    # fall back: the repeated hour maps to its first occurrence
    (D(2025, 10, 26, 2, 30), "Europe/Paris", D(2025, 10, 26, 0, 30)),
    (D(2025, 11, 2, 1, 30), "America/New_York", D(2025, 11, 2, 5, 30)),
    (D(2025, 11, 2, 2, 0), "America/New_York", D(2025, 11, 2, 7, 0)),
])
def test_local_to_utc(local, tz, utc):
    assert local_to_utc(local, tz) == utc


def test_fold_one_picks_the_second_occurrence():
    assert local_to_utc(D(2025, 11, 2, 1, 30, fold=1), "America/New_York") == D(2025, 11, 2, 6, 30)
    assert local_to_utc(D(2025, 10, 26, 2, 30, fold=1), "Europe/Paris") == D(2025, 10, 26, 1, 30)


def test_half_hour_gap():
    # Lord Howe moves from +10:30 to +11:00 at 02:00 local on 2025-10-05.
    assert local_to_utc(D(2025, 10, 5, 2, 15), "Australia/Lord_Howe") == D(2025, 10, 4, 15, 30)


@pytest.mark.parametrize("utc, tz, local", [
    (D(2025, 6, 30, 23, 30), "Europe/Paris", D(2025, 7, 1, 1, 30)),
    (D(2025, 6, 30, 23, 30), "America/New_York", D(2025, 6, 30, 19, 30)),
    (D(2025, 5, 31, 18, 30), "Asia/Kolkata", D(2025, 6, 1, 0, 0)),
    (D(2025, 11, 2, 5, 30), "America/New_York", D(2025, 11, 2, 1, 30)),
    (D(2025, 11, 2, 6, 30), "America/New_York", D(2025, 11, 2, 1, 30)),
])
def test_utc_to_local(utc, tz, local):
    assert utc_to_local(utc, tz) == local


def test_utc_to_local_marks_the_second_occurrence():
    assert utc_to_local(D(2025, 11, 2, 5, 30), "America/New_York").fold == 0
    assert utc_to_local(D(2025, 11, 2, 6, 30), "America/New_York").fold == 1


def test_utc_to_local_accepts_aware():
    aware = D(2025, 6, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert utc_to_local(aware, "UTC") == D(2025, 6, 1, 10)


def test_local_instants():
    assert local_instants(D(2025, 11, 2, 1, 30), "America/New_York") == [D(2025, 11, 2, 5, 30), D(2025, 11, 2, 6, 30)]
    assert local_instants(D(2025, 3, 9, 2, 30), "America/New_York") == []
    assert local_instants(D(2025, 3, 9, 3, 30), "America/New_York") == [D(2025, 3, 9, 7, 30)]


instants = st.datetimes(min_value=D(1980, 1, 1), max_value=D(2037, 12, 31))


@given(instants, st.sampled_from(ZONES))
def test_utc_round_trips_through_local(utc, tz):
    assert local_to_utc(utc_to_local(utc, tz), tz) == utc


@given(instants, st.sampled_from(ZONES))
def test_local_to_utc_is_the_first_instant_showing_that_time(local, tz):
    utc = local_to_utc(local, tz)
    assert utc_to_local(utc, tz) >= local
    assert utc_to_local(utc - timedelta(microseconds=1), tz) < local
