"""Time in reports, end to end: zones and DST, buckets, presets, gaps and comparisons.

Small hand-made tables (fixture_data.write_tables) with timestamps placed on the edges,
specs run through `rb run` in process (fixture_data.run_report / invoke) with `--now`
fixed (fixture_data.NOW = 2025-06-30T12:00:00 UTC, a Monday, unless a test passes its
own `--now`, which click takes as the last value given). The data's timestamps are UTC
instants; the comment above each expectation shows the arithmetic in the report's zone.

Offsets used below:
  America/New_York  EST -05:00, EDT -04:00; 2025-03-09 02:00 EST -> 03:00 EDT at 07:00Z,
                    2025-11-02 02:00 EDT -> 01:00 EST at 06:00Z.
  Europe/Paris      CET +01:00, CEST +02:00; 2025-03-30 02:00 CET -> 03:00 CEST at 01:00Z,
                    2025-10-26 03:00 CEST -> 02:00 CET at 01:00Z.
  Asia/Kolkata      +05:30, no DST.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

from .fixture_data import invoke, run_report, write_tables


def tickets(*created_at: str, **columns) -> list[dict]:
    """Ticket rows with ids 1.. and the given created_at values (UTC)."""
    return [{"id": i, "subject": f"t{i}", "created_at": ts, **columns} for i, ts in enumerate(created_at, start=1)]


def column(rows: list[dict], name: str) -> list:
    return [row[name] for row in rows]


def pairs(rows: list[dict], *names: str) -> list[tuple]:
    return [tuple(row[n] for n in names) for row in rows]


def hourly(tz: str, date_range: str) -> str:
    return f"""source: tickets
timezone: {tz}
date_range: {date_range}
dimensions: [{{field: created_at, granularity: hour, as: hour}}]
measures: [count() as n]
"""


def bucketed(granularity: str, date_range: str | None, tz: str | None = None, measures: str = "[count() as n]") -> str:
    text = "source: tickets\n"
    if tz:
        text += f"timezone: {tz}\n"
    if date_range:
        text += f"date_range: {date_range}\n"
    return text + (f"dimensions: [{{field: created_at, granularity: {granularity}, as: b}}]\n"
                   f"measures: {measures}\n")


# =========================================================================================
# DST: hour buckets
# =========================================================================================

def test_new_york_spring_forward_day_has_23_hours(tmp_path):
    # 2025-03-09 in New York = [05:00Z, 2025-03-10 04:00Z) = 23 hours:
    #   00:00-05:00 (05Z), 01:00-05:00 (06Z), then 03:00-04:00 (07Z) ... 23:00-04:00 (03Z next day).
    data = write_tables(tmp_path, tickets=tickets(
        "2025-03-09 04:59:59",  # 2025-03-08 23:59:59 EST: before the range
        "2025-03-09 05:00:00",  # 00:00:00 EST -> hour 00:00-05:00
        "2025-03-09 06:59:59",  # 01:59:59 EST -> hour 01:00-05:00 (the last second before the jump)
        "2025-03-09 07:00:00",  # 03:00:00 EDT -> hour 03:00-04:00
        "2025-03-09 07:30:00",  # 03:30:00 EDT -> hour 03:00-04:00
        "2025-03-10 03:59:59",  # 23:59:59 EDT -> hour 23:00-04:00
        "2025-03-10 04:00:00",  # 2025-03-10 00:00 EDT: after the range
    ))
    rows = run_report(hourly("America/New_York", "{from: 2025-03-09, to: 2025-03-10}"), data)
    expected_hours = (["2025-03-09T00:00:00-05:00", "2025-03-09T01:00:00-05:00"]
                      + [f"2025-03-09T{h:02d}:00:00-04:00" for h in range(3, 24)])  # 2 + 21 = 23
    assert len(rows) == 23
    assert column(rows, "hour") == expected_hours
    counts = dict(pairs(rows, "hour", "n"))
    assert counts["2025-03-09T00:00:00-05:00"] == 1
    assert counts["2025-03-09T01:00:00-05:00"] == 1
    assert counts["2025-03-09T03:00:00-04:00"] == 2
    assert counts["2025-03-09T23:00:00-04:00"] == 1
    assert sum(counts.values()) == 5  # 7 rows minus the two outside the local day


def test_new_york_fall_back_day_has_25_hours_with_two_distinct_1am(tmp_path):
    # 2025-11-02 in New York = [04:00Z, 2025-11-03 05:00Z) = 25 hours:
    #   00:00-04:00 (04Z), 01:00-04:00 (05Z), 01:00-05:00 (06Z), 02:00-05:00 (07Z) ... 23:00-05:00 (04Z).
    data = write_tables(tmp_path, tickets=tickets(
        "2025-11-02 04:00:00",  # 00:00 EDT
        "2025-11-02 05:30:00",  # 01:30 EDT (first 1 am)
        "2025-11-02 05:59:59",  # 01:59:59 EDT (first 1 am)
        "2025-11-02 06:00:00",  # 01:00 EST (second 1 am)
        "2025-11-02 06:30:00",  # 01:30 EST (second 1 am)
        "2025-11-02 06:45:00",  # 01:45 EST (second 1 am)
        "2025-11-02 07:00:00",  # 02:00 EST
        "2025-11-03 04:59:59",  # 23:59:59 EST
        "2025-11-03 05:00:00",  # 2025-11-03 00:00 EST: after the range
    ))
    rows = run_report(hourly("America/New_York", "{from: 2025-11-02, to: 2025-11-03}"), data)
    expected_hours = (["2025-11-02T00:00:00-04:00", "2025-11-02T01:00:00-04:00", "2025-11-02T01:00:00-05:00"]
                      + [f"2025-11-02T{h:02d}:00:00-05:00" for h in range(2, 24)])  # 3 + 22 = 25
    assert len(rows) == 25
    assert column(rows, "hour") == expected_hours
    assert pairs(rows[:4], "hour", "n") == [
        ("2025-11-02T00:00:00-04:00", 1),
        ("2025-11-02T01:00:00-04:00", 2),  # 05:30Z, 05:59:59Z
        ("2025-11-02T01:00:00-05:00", 3),  # 06:00Z, 06:30Z, 06:45Z (not merged with the first 1 am)
        ("2025-11-02T02:00:00-05:00", 1),
    ]
    assert rows[-1] == {"hour": "2025-11-02T23:00:00-05:00", "n": 1}
    assert sum(column(rows, "n")) == 8


def test_paris_spring_forward_and_fall_back_hours(tmp_path):
    # 2025-03-30 in Paris = [03-29 23:00Z, 03-30 22:00Z) = 23 hours: 00:00+01, 01:00+01, 03:00+02 .. 23:00+02.
    # 2025-10-26 in Paris = [10-25 22:00Z, 10-26 23:00Z) = 25 hours:
    #   00:00+02 (22Z), 01:00+02 (23Z), 02:00+02 (00Z), 02:00+01 (01Z), 03:00+01 (02Z) .. 23:00+01 (22Z).
    data = write_tables(tmp_path, tickets=tickets(
        "2025-03-29 23:00:00",  # 03-30 00:00 CET
        "2025-03-30 00:59:59",  # 01:59:59 CET
        "2025-03-30 01:00:00",  # 03:00 CEST
        "2025-10-26 00:30:00",  # 02:30 CEST (first 2 am)
        "2025-10-26 01:30:00",  # 02:30 CET (second 2 am)
        "2025-10-26 01:59:00",  # 02:59 CET (second 2 am)
    ))
    spring = run_report(hourly("Europe/Paris", "{from: 2025-03-30, to: 2025-03-31}"), data)
    assert len(spring) == 23
    assert column(spring, "hour") == (["2025-03-30T00:00:00+01:00", "2025-03-30T01:00:00+01:00"]
                                      + [f"2025-03-30T{h:02d}:00:00+02:00" for h in range(3, 24)])
    assert column(spring, "n")[:3] == [1, 1, 1]
    assert sum(column(spring, "n")) == 3

    autumn = run_report(hourly("Europe/Paris", "{from: 2025-10-26, to: 2025-10-27}"), data)
    assert len(autumn) == 25
    assert column(autumn, "hour") == (
        ["2025-10-26T00:00:00+02:00", "2025-10-26T01:00:00+02:00", "2025-10-26T02:00:00+02:00",
         "2025-10-26T02:00:00+01:00"] + [f"2025-10-26T{h:02d}:00:00+01:00" for h in range(3, 24)])
    assert pairs(autumn[2:4], "hour", "n") == [("2025-10-26T02:00:00+02:00", 1), ("2025-10-26T02:00:00+01:00", 2)]
    assert sum(column(autumn, "n")) == 3


def test_paris_day_buckets_around_the_dst_day(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2025-03-29 22:59:59",  # Paris 03-29 23:59:59 CET | UTC 03-29
        "2025-03-29 23:00:00",  # Paris 03-30 00:00 CET    | UTC 03-29
        "2025-03-30 21:59:59",  # Paris 03-30 23:59:59 CEST| UTC 03-30
        "2025-03-30 22:30:00",  # Paris 03-31 00:30 CEST   | UTC 03-30
        "2025-03-31 22:00:00",  # Paris 04-01 00:00 CEST (outside) | UTC 03-31
    ))
    spec = bucketed("day", "{from: 2025-03-29, to: 2025-04-01}")
    # In Paris (through --timezone, the spec sets none): 03-29: 1, 03-30: 2 (a 23-hour day), 03-31: 1
    paris = run_report(spec, data, "--timezone", "Europe/Paris")
    assert paris == [{"b": "2025-03-29", "n": 1}, {"b": "2025-03-30", "n": 2}, {"b": "2025-03-31", "n": 1}]
    # In UTC (the default): 03-29: 2, 03-30: 2, 03-31: 1
    utc = run_report(spec, data)
    assert utc == [{"b": "2025-03-29", "n": 2}, {"b": "2025-03-30", "n": 2}, {"b": "2025-03-31", "n": 1}]


def test_kolkata_hours_start_at_half_past_utc(tmp_path):
    # +05:30: the local hour 05:00 is [23:30Z, 00:30Z); range 05:00 to 08:00 local wall time
    # = [06-29 23:30Z, 06-30 02:30Z): buckets 05:00, 06:00, 07:00 (+05:30).
    data = write_tables(tmp_path, tickets=tickets(
        "2025-06-29 23:29:59",  # 04:59:59 local: outside
        "2025-06-29 23:30:00",  # 05:00 local
        "2025-06-30 00:29:59",  # 05:59:59 local
        "2025-06-30 00:30:00",  # 06:00 local
        "2025-06-30 02:29:59",  # 07:59:59 local
        "2025-06-30 02:30:00",  # 08:00 local: outside
    ))
    rows = run_report(hourly("Asia/Kolkata", "{from: '2025-06-30T05:00:00', to: '2025-06-30T08:00:00'}"), data)
    assert rows == [
        {"hour": "2025-06-30T05:00:00+05:30", "n": 2},
        {"hour": "2025-06-30T06:00:00+05:30", "n": 1},
        {"hour": "2025-06-30T07:00:00+05:30", "n": 1},
    ]
    # Day buckets: the Kolkata day 06-30 starts at 06-29 18:30Z, so all six rows
    # (06-29 23:29:59Z .. 06-30 02:30Z) are 06-30.
    days = run_report(bucketed("day", "{from: 2025-06-30, to: 2025-07-01}", "Asia/Kolkata"), data)
    assert days == [{"b": "2025-06-30", "n": 6}]


# =========================================================================================
# Weeks, months, quarters, years, leap day
# =========================================================================================

WEEK_ROWS = (
    "2024-12-29 12:00:00",  # Sunday
    "2024-12-30 00:00:00",  # Monday
    "2025-01-01 00:00:00",  # Wednesday
    "2025-01-05 23:59:59",  # Sunday
    "2025-01-06 00:00:00",  # Monday
)


def test_iso_weeks_start_on_monday(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(*WEEK_ROWS))
    # ISO weeks: 12-29 -> week of Mon 12-23; 12-30, 01-01, 01-05 -> week of 12-30; 01-06 -> 01-06.
    rows = run_report(bucketed("week", "{from: 2024-12-23, to: 2025-01-13}"), data)
    assert rows == [{"b": "2024-12-23", "n": 1}, {"b": "2024-12-30", "n": 3}, {"b": "2025-01-06", "n": 1}]
    # From Wednesday 2025-01-01: the first bucket is still dated Monday 2024-12-30 and holds the
    # rows of the range only (01-01, 01-05 = 2; 12-30 is before the range).
    rows = run_report(bucketed("week", None), data, "--from", "2025-01-01", "--to", "2025-01-13")
    assert rows == [{"b": "2024-12-30", "n": 2}, {"b": "2025-01-06", "n": 1}]


def test_week_start_sunday_from_the_workspace(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(*WEEK_ROWS))
    workspace = tmp_path / "rb.yaml"
    workspace.write_text("week_start: sunday\n", encoding="utf-8")
    # Sunday weeks: 12-29, 12-30, 01-01 -> week of Sun 12-29 (3); 01-05, 01-06 -> week of Sun 01-05 (2).
    # Range [12-23, 01-13) overlaps the weeks of 12-22 (starts before the range), 12-29, 01-05 and
    # 01-12 (01-12 < 01-13): 4 buckets, the first and last empty.
    rows = run_report(bucketed("week", "{from: 2024-12-23, to: 2025-01-13}"), data, "--workspace", str(workspace))
    assert rows == [
        {"b": "2024-12-22", "n": 0},
        {"b": "2024-12-29", "n": 3},
        {"b": "2025-01-05", "n": 2},
        {"b": "2025-01-12", "n": 0},
    ]
    # day_of_week keeps 1 = Monday .. 7 = Sunday whatever week_start says:
    # Sundays 12-29, 01-05 -> 7; Mondays 12-30, 01-06 -> 1; Wednesday 01-01 -> 3.
    rows = run_report("source: tickets\ndimensions: [day_of_week(created_at) as dow]\nmeasures: [count() as n]\n",
                      data, "--workspace", str(workspace))
    assert rows == [{"dow": 1, "n": 2}, {"dow": 3, "n": 1}, {"dow": 7, "n": 2}]


MONTH_ROWS = (
    "2024-01-31 23:59:59",
    "2024-02-01 00:00:00",
    "2024-02-29 12:00:00",  # leap day
    "2024-02-29 23:59:59",  # leap day
    "2024-03-01 00:00:00",
    "2024-03-31 23:59:59",
    "2024-04-01 00:00:00",
    "2024-12-31 23:59:59",
    "2025-01-01 00:00:00",
)


def test_month_quarter_year_buckets_and_leap_day(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(*MONTH_ROWS))
    # months: Jan 1 (01-31), Feb 3 (02-01, 02-29 x2), Mar 2 (03-01, 03-31), Apr 1 (04-01)
    rows = run_report(bucketed("month", "{from: 2024-01-01, to: 2024-05-01}"), data)
    assert rows == [{"b": "2024-01-01", "n": 1}, {"b": "2024-02-01", "n": 3},
                    {"b": "2024-03-01", "n": 2}, {"b": "2024-04-01", "n": 1}]
    # quarters over [2024-01-01, 2025-04-01): Q1 6 (01-31 .. 03-31), Q2 1 (04-01), Q3 0, Q4 1 (12-31),
    # 2025 Q1 1 (01-01)
    rows = run_report(bucketed("quarter", "{from: 2024-01-01, to: 2025-04-01}"), data)
    assert rows == [{"b": "2024-01-01", "n": 6}, {"b": "2024-04-01", "n": 1}, {"b": "2024-07-01", "n": 0},
                    {"b": "2024-10-01", "n": 1}, {"b": "2025-01-01", "n": 1}]
    # years without a range (no gap filling): 2024: 8, 2025: 1
    rows = run_report(bucketed("year", None), data)
    assert rows == [{"b": "2024-01-01", "n": 8}, {"b": "2025-01-01", "n": 1}]
    # days around the leap day: 02-28 0, 02-29 2, 03-01 1
    rows = run_report(bucketed("day", "{from: 2024-02-28, to: 2024-03-02}"), data)
    assert rows == [{"b": "2024-02-28", "n": 0}, {"b": "2024-02-29", "n": 2}, {"b": "2024-03-01", "n": 1}]


def test_month_quarter_year_edges_in_a_zone(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2024-01-31 22:59:59",  # Paris 01-31 23:59:59 CET  | New York 01-31 17:59 EST
        "2024-01-31 23:00:00",  # Paris 02-01 00:00 CET     | New York 01-31 18:00 EST
        "2024-04-01 03:59:59",  # Paris 04-01 05:59 CEST    | New York 03-31 23:59:59 EDT
        "2024-04-01 04:00:00",  # Paris 04-01 06:00 CEST    | New York 04-01 00:00 EDT
        "2025-01-01 04:59:59",  # Paris 2025-01-01 05:59    | New York 2024-12-31 23:59:59 EST
    ))
    # Paris months: Jan 1, Feb 1, Mar 0, Apr 2, then Jan 2025 1 (no range: only months with rows)
    rows = run_report(bucketed("month", None, "Europe/Paris"), data)
    assert rows == [{"b": "2024-01-01", "n": 1}, {"b": "2024-02-01", "n": 1}, {"b": "2024-04-01", "n": 2},
                    {"b": "2025-01-01", "n": 1}]
    # New York quarters: Q1 2024 = 01-31 x2 + 03-31 = 3; Q2 = 1; Q4 = 2024-12-31 = 1
    rows = run_report(bucketed("quarter", None, "America/New_York"), data)
    assert rows == [{"b": "2024-01-01", "n": 3}, {"b": "2024-04-01", "n": 1}, {"b": "2024-10-01", "n": 1}]
    # New York years: all five rows are in 2024
    rows = run_report(bucketed("year", None, "America/New_York"), data)
    assert rows == [{"b": "2024-01-01", "n": 5}]


# =========================================================================================
# Cyclic granularities
# =========================================================================================

def test_hour_of_day_has_24_rows_filled_with_zero(tmp_path):
    # New York, range [06-10, 06-12) local = [06-10 04:00Z, 06-12 04:00Z)
    data = write_tables(tmp_path, tickets=tickets(
        "2025-06-10 04:00:00",  # 00:00 EDT -> 0
        "2025-06-10 13:15:00",  # 09:15 EDT -> 9
        "2025-06-11 13:45:00",  # 09:45 EDT (next day) -> 9
        "2025-06-11 03:00:00",  # 06-10 23:00 EDT -> 23
        "2025-06-12 04:00:00",  # 06-12 00:00 EDT: outside
    ))
    rows = run_report(bucketed("hour_of_day", "{from: 2025-06-10, to: 2025-06-12}", "America/New_York"), data)
    assert column(rows, "b") == list(range(24))
    expected = [0] * 24
    expected[0], expected[9], expected[23] = 1, 2, 1
    assert column(rows, "n") == expected


def test_day_of_week_has_all_seven_days(tmp_path):
    # New York, range [Mon 06-02, Mon 06-09) local = [06-02 04:00Z, 06-09 04:00Z)
    data = write_tables(tmp_path, tickets=tickets(
        "2025-06-02 12:00:00",  # Mon 08:00 EDT -> 1
        "2025-06-02 13:00:00",  # Mon 09:00 EDT -> 1
        "2025-06-04 12:00:00",  # Wed -> 3
        "2025-06-09 03:00:00",  # Sun 06-08 23:00 EDT -> 7 (Monday in UTC)
    ))
    rows = run_report(bucketed("day_of_week", "{from: 2025-06-02, to: 2025-06-09}", "America/New_York"), data)
    assert pairs(rows, "b", "n") == [(1, 2), (2, 0), (3, 1), (4, 0), (5, 0), (6, 0), (7, 1)]
    # Over a range covering Monday to Wednesday only, the whole cycle still shows: 1: 2, 3: 1, rest 0.
    rows = run_report(bucketed("day_of_week", "{from: 2025-06-02, to: 2025-06-05}", "America/New_York"), data)
    assert pairs(rows, "b", "n") == [(1, 2), (2, 0), (3, 1), (4, 0), (5, 0), (6, 0), (7, 0)]


def test_month_of_year_has_twelve_months(tmp_path):
    data = write_tables(tmp_path, tickets=tickets("2024-03-15 10:00:00", "2025-03-10 10:00:00",
                                                  "2025-12-01 00:00:00", "2026-01-01 00:00:00"))
    # [2024-01-01, 2026-01-01): March x2 (2024, 2025), December 1; 2026-01-01 is outside.
    rows = run_report(bucketed("month_of_year", "{from: 2024-01-01, to: 2026-01-01}"), data)
    expected = [0] * 12
    expected[2], expected[11] = 2, 1
    assert column(rows, "b") == list(range(1, 13))
    assert column(rows, "n") == expected


# =========================================================================================
# Presets at a fixed now
# =========================================================================================

PRESET_ROWS = (
    "2025-06-30 00:00:00",  # 1  start of today
    "2025-06-30 23:59:59",  # 2  end of today (after now, still today)
    "2025-07-01 00:00:00",  # 3  tomorrow
    "2025-06-29 23:59:59",  # 4  end of yesterday
    "2025-06-29 00:00:00",  # 5  start of yesterday
    "2025-06-23 00:00:00",  # 6  start of last_7_days
    "2025-06-22 23:59:59",  # 7  just before last_7_days
    "2025-06-01 00:00:00",  # 8  start of this month
    "2025-05-31 23:59:59",  # 9  end of last month
    "2025-05-01 00:00:00",  # 10 start of last month
    "2025-04-30 23:59:59",  # 11 before last month
    "2025-03-31 23:59:59",  # 12 end of last quarter
    "2025-01-01 00:00:00",  # 13 start of last quarter and of the year
    "2024-12-31 23:59:59",  # 14 last year
    "2024-06-30 00:00:00",  # 15 start of last_12_months
    "2024-06-29 23:59:59",  # 16 just before last_12_months
    "2020-01-01 00:00:00",  # 17 long ago
)

IDS_SPEC = "source: tickets\n{range}dimensions: [id]\nmeasures: [count() as n]\n"


@pytest.fixture(scope="module")
def preset_data(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("presets"), tickets=tickets(*PRESET_ROWS))


def ids(rows: list[dict]) -> list[int]:
    assert all(row["n"] == 1 for row in rows)
    return sorted(row["id"] for row in rows)


@pytest.mark.parametrize("preset, expected", [
    # now = Mon 2025-06-30 12:00 UTC, report in UTC; ranges are [from, to)
    ("today", [1, 2]),                                    # [06-30, 07-01)
    ("yesterday", [4, 5]),                                # [06-29, 06-30)
    ("last_7_days", [4, 5, 6]),                           # [06-23, 06-30): today excluded
    ("this_month", [1, 2, 4, 5, 6, 7, 8]),                # [06-01, 07-01): to the end of today
    ("last_month", [9, 10]),                              # [05-01, 06-01)
    ("last_quarter", [12, 13]),                           # [01-01, 04-01)
    ("year_to_date", [1, 2] + list(range(4, 14))),        # [2025-01-01, 07-01)
    ("last_12_months", list(range(4, 16))),               # [2024-06-30, 2025-06-30)
    ("all_time", list(range(1, 18))),                     # unbounded
])
def test_presets_at_fixed_now(preset_data, preset, expected):
    rows = run_report(IDS_SPEC.format(range=f"date_range: {{preset: {preset}}}\n"), preset_data)
    assert ids(rows) == expected


def test_today_is_the_local_date_of_now(preset_data):
    # now 2025-06-30 23:30Z is already 07-01 in Paris: today = [06-30 22:00Z, 07-01 22:00Z) -> ids 2, 3
    spec = IDS_SPEC.format(range="date_range: {preset: today}\n")
    assert ids(run_report(spec, preset_data, "--timezone", "Europe/Paris", "--now", "2025-06-30T23:30:00")) == [2, 3]
    # now 2025-06-30 02:00Z is still 06-29 22:00 in New York: today = [06-29 04:00Z, 06-30 04:00Z)
    # -> id 1 (06-30 00:00Z = 06-29 20:00 EDT) and id 4 (06-29 23:59:59Z); not 5 (06-28 20:00 EDT)
    rows = run_report(spec, preset_data, "--timezone", "America/New_York", "--now", "2025-06-30T02:00:00")
    assert ids(rows) == [1, 4]


def test_range_option_overrides_the_spec(preset_data):
    spec = IDS_SPEC.format(range="date_range: {preset: last_month}\n")
    assert ids(run_report(spec, preset_data, "--range", "yesterday")) == [4, 5]
    # an explicit range replaces the spec's preset: [05-31 23:59:59, 06-01 00:00:01) -> 9, 8
    assert ids(run_report(spec, preset_data, "--from", "2025-05-31T23:59:59", "--to", "2025-06-01T00:00:01")) == [8, 9]


def test_from_and_to_options(preset_data):
    spec = IDS_SPEC.format(range="")
    # dates: [06-29, 06-30) -> 4, 5
    assert ids(run_report(spec, preset_data, "--from", "2025-06-29", "--to", "2025-06-30")) == [4, 5]
    # only --from: [06-30, unbounded) -> 1, 2, 3
    assert ids(run_report(spec, preset_data, "--from", "2025-06-30")) == [1, 2, 3]
    # only --to: (unbounded, 2025-01-01) -> 14, 15, 16, 17
    assert ids(run_report(spec, preset_data, "--to", "2025-01-01")) == [14, 15, 16, 17]
    # an offset is an exact instant: 2025-06-30T01:59:59+02:00 = 06-29 23:59:59Z -> [4, 06-30 00:00Z) -> 4
    assert ids(run_report(spec, preset_data, "--from", "2025-06-30T01:59:59+02:00", "--to", "2025-06-30")) == [4]


def test_from_after_to_is_an_error(preset_data):
    result = invoke(IDS_SPEC.format(range=""), preset_data, "--from", "2025-06-30", "--to", "2025-06-01")
    assert result.exit_code == 2
    assert "after" in result.output
    result = invoke(IDS_SPEC.format(range="date_range: {from: 2025-06-30, to: 2025-06-01}\n"), preset_data)
    assert result.exit_code == 2
    assert "after" in result.output


def test_preset_typo_is_an_error_with_did_you_mean(preset_data):
    result = invoke(IDS_SPEC.format(range="date_range: {preset: last_7_dayz}\n"), preset_data)
    assert result.exit_code == 2
    assert "did you mean last_7_days" in result.output
    result = invoke(IDS_SPEC.format(range=""), preset_data, "--range", "yesterdy")
    assert result.exit_code == 2
    assert "did you mean yesterday" in result.output


def test_unknown_time_zone_is_an_error_with_a_suggestion(preset_data):
    result = invoke("timezone: Europe/Pari\n" + IDS_SPEC.format(range=""), preset_data)
    assert result.exit_code == 2
    assert "unknown time zone 'Europe/Pari'" in result.output and "Europe/Paris" in result.output
    result = invoke(IDS_SPEC.format(range=""), preset_data, "--timezone", "America/New_Yrok")
    assert result.exit_code == 2
    assert "America/New_York" in result.output


def test_zone_precedence_spec_then_option_then_workspace(tmp_path):
    # 2025-06-30 03:00Z: New York 06-29 23:00, Paris 06-30 05:00, UTC 06-30 03:00.
    data = write_tables(tmp_path, tickets=tickets("2025-06-30 03:00:00"))
    workspace = tmp_path / "rb.yaml"
    workspace.write_text("timezone: America/New_York\n", encoding="utf-8")
    spec = bucketed("day", None)
    assert run_report(spec, data, "--workspace", str(workspace)) == [{"b": "2025-06-29", "n": 1}]
    assert run_report(spec, data, "--workspace", str(workspace), "--timezone", "UTC") == [{"b": "2025-06-30", "n": 1}]
    paris = bucketed("day", None, "Europe/Paris")
    assert run_report(paris, data, "--workspace", str(workspace), "--timezone", "America/New_York") == [
        {"b": "2025-06-30", "n": 1}]


# =========================================================================================
# Gap filling
# =========================================================================================

@pytest.fixture(scope="module")
def gap_data(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("gaps"), tickets=[
        {"id": 1, "priority": "high", "category": "a", "created_at": "2025-06-01 10:00:00", "handle_time_seconds": 100},
        {"id": 2, "priority": "high", "category": "b", "created_at": "2025-06-01 11:00:00", "handle_time_seconds": 300},
        {"id": 3, "priority": "low", "category": "a", "created_at": "2025-06-03 09:00:00", "handle_time_seconds": 50},
        {"id": 4, "priority": "urgent", "category": "a", "created_at": "2025-05-31 23:00:00",
         "handle_time_seconds": 70},  # before the range
    ])


GAP_SPEC = """source: tickets
{range}dimensions:
  - {{field: created_at, granularity: day, as: day}}
  - priority
measures:
  - count() as n
  - count_if(handle_time_seconds > 100) as slow
  - count_distinct(category) as categories
  - sum(handle_time_seconds) as handle
  - avg(handle_time_seconds) as avg_handle
{extra}"""


def test_gaps_filled_for_each_other_dimension_value(gap_data):
    rows = run_report(GAP_SPEC.format(range="date_range: {from: 2025-06-01, to: 2025-06-04}\n", extra=""), gap_data)
    empty = {"n": 0, "slow": 0, "categories": 0, "handle": None, "avg_handle": None}
    # high and low have rows in the range (urgent only before it): 3 days x 2 priorities = 6 rows.
    # 06-01 high: ids 1, 2 -> n 2, slow 1 (300 > 100), categories 2 (a, b), sum 400, avg 200
    # 06-03 low : id 3     -> n 1, slow 0, categories 1, sum 50, avg 50
    assert rows == [
        {"day": "2025-06-01", "priority": "high", "n": 2, "slow": 1, "categories": 2, "handle": 400, "avg_handle": 200},
        {"day": "2025-06-01", "priority": "low", **empty},
        {"day": "2025-06-02", "priority": "high", **empty},
        {"day": "2025-06-02", "priority": "low", **empty},
        {"day": "2025-06-03", "priority": "high", **empty},
        {"day": "2025-06-03", "priority": "low", "n": 1, "slow": 0, "categories": 1, "handle": 50, "avg_handle": 50},
    ]


def test_fill_gaps_false(gap_data):
    rows = run_report(GAP_SPEC.format(range="date_range: {from: 2025-06-01, to: 2025-06-04}\n",
                                      extra="fill_gaps: false\n"), gap_data)
    assert pairs(rows, "day", "priority", "n") == [("2025-06-01", "high", 2), ("2025-06-03", "low", 1)]


def test_no_filling_without_a_bounded_range(gap_data):
    # no date_range: every row counts, only buckets with rows appear (05-31 urgent, 06-01 high, 06-03 low)
    rows = run_report(GAP_SPEC.format(range="", extra=""), gap_data)
    assert pairs(rows, "day", "priority", "n") == [
        ("2025-05-31", "urgent", 1), ("2025-06-01", "high", 2), ("2025-06-03", "low", 1)]
    # all_time is unbounded too; so is a range open on one side
    rows = run_report(GAP_SPEC.format(range="date_range: {preset: all_time}\n", extra=""), gap_data)
    assert len(rows) == 3
    rows = run_report(GAP_SPEC.format(range="date_range: {from: 2025-06-01}\n", extra=""), gap_data)
    assert pairs(rows, "day", "priority", "n") == [("2025-06-01", "high", 2), ("2025-06-03", "low", 1)]


def test_filter_matching_nothing_gives_every_bucket_with_zero(gap_data):
    rows = run_report("""source: tickets
date_range: {from: 2025-06-01, to: 2025-06-04}
dimensions: [{field: created_at, granularity: day, as: day}]
measures: [count() as n, avg(handle_time_seconds) as avg_handle]
filters: ["priority = 'none'"]
""", gap_data)
    assert rows == [{"day": f"2025-06-0{d}", "n": 0, "avg_handle": None} for d in (1, 2, 3)]


# =========================================================================================
# Comparisons
# =========================================================================================

def test_previous_period_whole_months_column_order_and_change(tmp_path):
    data = write_tables(tmp_path, tickets=[
        {"id": 1, "created_at": "2025-01-10 00:00:00", "handle_time_seconds": 100},
        {"id": 2, "created_at": "2025-01-31 23:59:59", "handle_time_seconds": 200},
        {"id": 3, "created_at": "2025-03-15 00:00:00", "handle_time_seconds": 300},
        {"id": 4, "created_at": "2025-04-01 00:00:00", "handle_time_seconds": 10},
        {"id": 5, "created_at": "2025-04-15 00:00:00", "handle_time_seconds": 20},
        {"id": 6, "created_at": "2025-04-30 23:59:59", "handle_time_seconds": 30},
        {"id": 7, "created_at": "2025-05-20 00:00:00", "handle_time_seconds": 50},
    ])
    # [04-01, 07-01) is whole months: the previous period is [01-01, 04-01); Apr~Jan, May~Feb, Jun~Mar.
    rows = run_report("""source: tickets
date_range: {from: 2025-04-01, to: 2025-07-01}
dimensions: [{field: created_at, granularity: month, as: month}]
measures: [count() as n, avg(handle_time_seconds) as h]
compare: previous_period
""", data)
    assert list(rows[0]) == ["month", "n", "h", "n_previous", "n_change_pct", "h_previous", "h_change_pct"]
    assert [r["month"] for r in rows] == ["2025-04-01", "2025-05-01", "2025-06-01"]
    # Apr: n 3, h (10+20+30)/3 = 20; Jan: n 2, h 150 -> n +50 % (100*(3-2)/2), h 100*(20-150)/150 = -86.67 %
    assert rows[0]["n"] == 3 and rows[0]["h"] == 20 and rows[0]["n_previous"] == 2 and rows[0]["h_previous"] == 150
    assert rows[0]["n_change_pct"] == pytest.approx(50.0)
    assert rows[0]["h_change_pct"] == pytest.approx(-260.0 / 3)
    # May: n 1, h 50; Feb: no rows -> n_previous 0, h_previous null; both changes null
    assert rows[1] == {"month": "2025-05-01", "n": 1, "h": 50, "n_previous": 0, "n_change_pct": None,
                       "h_previous": None, "h_change_pct": None}
    # Jun: no rows -> n 0, h null; Mar: n 1, h 300 -> n 100*(0-1)/1 = -100 %, h change null (h null)
    assert rows[2] == {"month": "2025-06-01", "n": 0, "h": None, "n_previous": 1, "n_change_pct": -100.0,
                       "h_previous": 300, "h_change_pct": None}


def test_previous_period_last_3_months_aligns_bucket_by_bucket(tmp_path):
    # now 2025-06-30: last_3_months = [03-30, 06-30) (92 days: 2 + 30 + 31 + 29); not whole months,
    # so the previous period is the 92 days before: [2024-12-28, 2025-03-30).
    # Current month buckets: 2025-03 (03-30..31), 04, 05, 06 (06-01..29);
    # previous: 2024-12 (12-28..31), 2025-01, 02, 03 (03-01..29). Aligned i with i.
    data = write_tables(tmp_path, tickets=tickets(
        "2024-12-27 23:59:59",  # before the previous range
        "2024-12-28 00:00:00",  # previous bucket 1 (Dec)
        "2025-01-15 00:00:00",  # previous bucket 2 (Jan)
        "2025-01-16 00:00:00",  # previous bucket 2 (Jan)
        "2025-03-29 23:59:59",  # previous bucket 4 (Mar 01..29)
        "2025-03-30 00:00:00",  # current bucket 1 (Mar 30..31)
        "2025-03-31 12:00:00",  # current bucket 1
        "2025-04-10 00:00:00",  # current bucket 2 (Apr)
        "2025-06-29 23:59:59",  # current bucket 4 (Jun)
        "2025-06-30 00:00:00",  # today: excluded
    ))
    rows = run_report("""source: tickets
date_range: {preset: last_3_months}
dimensions: [{field: created_at, granularity: month, as: month}]
measures: [count() as n]
compare: previous_period
""", data)
    assert rows == [
        {"month": "2025-03-01", "n": 2, "n_previous": 1, "n_change_pct": 100.0},   # 100*(2-1)/1
        {"month": "2025-04-01", "n": 1, "n_previous": 2, "n_change_pct": -50.0},   # 100*(1-2)/2
        {"month": "2025-05-01", "n": 0, "n_previous": 0, "n_change_pct": None},    # Feb: 0 -> null
        {"month": "2025-06-01", "n": 1, "n_previous": 1, "n_change_pct": 0.0},     # Mar 01..29: 1
    ]


def test_previous_year_leap_day_and_months(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2023-02-28 10:00:00",  # previous year of 2024-02-29
        "2023-03-01 00:00:00",  # outside [2023-02-28, 2023-03-01)
        "2024-02-29 08:00:00",
        "2024-02-29 23:00:00",
        "2024-04-02 00:00:00",
        "2025-04-03 00:00:00",
        "2025-04-04 00:00:00",
        "2025-04-05 00:00:00",
        "2024-05-01 00:00:00",
    ))
    # [2024-02-29, 2024-03-01) compares with [2023-02-28, 2023-03-01): 2 vs 1 -> +100 %
    rows = run_report("""source: tickets
date_range: {from: 2024-02-29, to: 2024-03-01}
dimensions: [{field: created_at, granularity: day, as: day}]
measures: [count() as n]
compare: previous_year
""", data)
    assert rows == [{"day": "2024-02-29", "n": 2, "n_previous": 1, "n_change_pct": 100.0}]
    # [2025-04-01, 2025-06-01) vs [2024-04-01, 2024-06-01): Apr 3 vs 1 -> +200 %, May 0 vs 1 -> -100 %
    rows = run_report("""source: tickets
date_range: {from: 2025-04-01, to: 2025-06-01}
dimensions: [{field: created_at, granularity: month, as: month}]
measures: [count() as n]
compare: previous_year
""", data)
    assert rows == [
        {"month": "2025-04-01", "n": 3, "n_previous": 1, "n_change_pct": 200.0},
        {"month": "2025-05-01", "n": 0, "n_previous": 1, "n_change_pct": -100.0},
    ]


@pytest.fixture(scope="module")
def compare_data(tmp_path_factory):
    rows = [
        # previous period of [04-01, 06-01) is [02-01, 04-01)
        ("2025-02-10 00:00:00", "low"),
        ("2025-03-05 00:00:00", "high"),
        ("2025-03-06 00:00:00", "high"),
        ("2025-03-07 00:00:00", "high"),
        # current
        ("2025-04-10 00:00:00", "high"),
        ("2025-05-01 00:00:00", "high"),
        ("2025-05-02 00:00:00", "low"),
        ("2025-05-03 00:00:00", "low"),
        ("2025-05-31 23:59:59", "low"),
    ]
    return write_tables(tmp_path_factory.mktemp("compare"), tickets=[
        {"id": i, "created_at": ts, "priority": p} for i, (ts, p) in enumerate(rows, start=1)])


def test_compare_without_time_dimension(compare_data):
    # [04-01, 06-01) vs [02-01, 04-01), one row per priority:
    #   high: 2 (04-10, 05-01) vs 3 -> 100*(2-3)/3 = -33.33 %
    #   low : 3 (05-02, 05-03, 05-31) vs 1 -> +200 %
    rows = run_report("""source: tickets
date_range: {from: 2025-04-01, to: 2025-06-01}
dimensions: [priority]
measures: [count() as n]
compare: previous_period
""", compare_data)
    assert [{k: r[k] for k in ("priority", "n", "n_previous")} for r in rows] == [
        {"priority": "high", "n": 2, "n_previous": 3},
        {"priority": "low", "n": 3, "n_previous": 1},
    ]
    assert rows[0]["n_change_pct"] == pytest.approx(-100.0 / 3)
    assert rows[1]["n_change_pct"] == pytest.approx(200.0)


def test_compare_ratio_measure_recomputed_from_its_parts(compare_data):
    # current [04-01, 06-01): 2 high of 5 -> 40 % (Apr 100 %, May 25 %: averaging months would give 62.5)
    # previous [02-01, 04-01): 3 high of 4 -> 75 % (Feb 0 %, Mar 100 %: averaging would give 50)
    # change 100*(40-75)/75 = -46.67 %
    spec = """source: tickets
date_range: {from: 2025-04-01, to: 2025-06-01}
measures: [count() as n, 100.0 * count_if(priority = 'high') / count() as high_pct]
compare: previous_period
"""
    rows = run_report(spec, compare_data)
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == ["n", "high_pct", "n_previous", "n_change_pct", "high_pct_previous", "high_pct_change_pct"]
    assert row["n"] == 5 and row["n_previous"] == 4 and row["n_change_pct"] == pytest.approx(25.0)
    assert row["high_pct"] == pytest.approx(40.0)
    assert row["high_pct_previous"] == pytest.approx(75.0)
    assert row["high_pct_change_pct"] == pytest.approx(-140.0 / 3)
    # by month: Apr 1/1 = 100 % vs Feb 0/1 = 0 % -> change null (previous 0); May 1/4 = 25 % vs Mar 3/3 = 100 %
    rows = run_report(spec.replace("measures:", "dimensions: [{field: created_at, granularity: month, as: m}]\n"
                                                "measures:"), compare_data)
    assert pairs(rows, "m", "high_pct", "high_pct_previous", "high_pct_change_pct") == [
        ("2025-04-01", 100.0, 0.0, None),
        ("2025-05-01", 25.0, 100.0, -75.0),
    ]


def test_compare_needs_a_bounded_range(compare_data):
    spec = "source: tickets\n{range}measures: [count() as n]\ncompare: previous_period\n"
    for date_range in ("", "date_range: {preset: all_time}\n", "date_range: {from: 2025-01-01}\n"):
        result = invoke(spec.format(range=date_range), compare_data)
        assert result.exit_code == 2, date_range
        assert "compare needs a bounded date range" in result.output


def test_this_month_compares_with_the_same_partial_span(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2025-05-01 00:00:00",  # previous [05-01, 05-17)
        "2025-05-16 23:59:59",  # previous
        "2025-05-17 00:00:00",  # after the same day of May: not compared
        "2025-06-16 20:00:00",  # current [06-01, 06-17) (later than now, still today)
        "2025-06-17 00:00:00",  # tomorrow
        "2025-02-28 23:59:59",  # for now = 03-30: previous = all of February
        "2025-03-30 10:00:00",  # for now = 03-30: current
        "2025-03-30 11:00:00",  # for now = 03-30: current
    ))
    spec = "source: tickets\ndate_range: {preset: this_month}\nmeasures: [count() as n]\ncompare: previous_period\n"
    # now 06-16: [06-01, 06-17) vs [05-01, 05-17): 1 vs 2 -> -50 %
    assert run_report(spec, data, "--now", "2025-06-16T12:00:00") == [
        {"n": 1, "n_previous": 2, "n_change_pct": -50.0}]
    # now 03-30: [03-01, 03-31) vs February clamped to its end [02-01, 03-01): 2 vs 1 -> +100 %
    assert run_report(spec, data, "--now", "2025-03-30T12:00:00") == [
        {"n": 2, "n_previous": 1, "n_change_pct": 100.0}]


# =========================================================================================
# now() and today() in filters; time functions in dimensions
# =========================================================================================

def test_now_in_a_filter_uses_the_fixed_now(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2025-06-30 09:59:59",  # before now - 2 h
        "2025-06-30 10:00:00",  # = now - 2 h
        "2025-06-30 12:30:00",  # after now
    ))
    rows = run_report("source: tickets\ndimensions: [id]\nmeasures: [count() as n]\n"
                      "filters: [\"created_at >= now() - interval '2 hours'\", \"created_at < now()\"]\n", data)
    assert ids(rows) == [2]


def test_today_in_a_filter_is_the_local_date(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2025-06-30 03:59:59",  # NY 06-29 23:59:59 | Paris 06-30 05:59
        "2025-06-30 21:59:59",  # NY 06-30 17:59    | Paris 06-30 23:59:59
        "2025-06-30 22:00:00",  # NY 06-30 18:00    | Paris 07-01 00:00
        "2025-07-01 21:59:59",  # NY 07-01 17:59    | Paris 07-01 23:59:59
        "2025-07-01 22:00:00",  # NY 07-01 18:00    | Paris 07-02 00:00
    ))
    spec = "source: tickets\ndimensions: [id]\nmeasures: [count() as n]\nfilters: [\"date(created_at) = today()\"]\n"
    # now 2025-06-30 23:30Z: today is 07-01 in Paris -> ids 3, 4; 06-30 in New York -> ids 2, 3
    assert ids(run_report(spec, data, "--now", "2025-06-30T23:30:00", "--timezone", "Europe/Paris")) == [3, 4]
    assert ids(run_report(spec, data, "--now", "2025-06-30T23:30:00", "--timezone", "America/New_York")) == [2, 3]
    # UTC: today 06-30 -> ids 1, 2, 3
    assert ids(run_report(spec, data, "--now", "2025-06-30T23:30:00")) == [1, 2, 3]


def test_time_functions_in_dimensions_use_the_report_zone(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2025-06-01 03:00:00",  # NY Sat 05-31 23:00 EDT
        "2025-06-02 03:00:00",  # NY Sun 06-01 23:00 EDT
        "2025-06-02 04:00:00",  # NY Mon 06-02 00:00 EDT
    ))
    spec = """source: tickets
dimensions:
  - date_trunc('week', created_at) as wk
  - date_trunc('month', created_at) as mo
  - hour(created_at) as hr
  - day_of_week(created_at) as dow
  - date(created_at) as d
measures: [count() as n]
"""
    # New York: Sat 05-31 23h -> week Mon 05-26, month 05-01, dow 6; Sun 06-01 23h -> week 05-26, dow 7;
    # Mon 06-02 00h -> week 06-02, dow 1.
    assert run_report(spec, data, "--timezone", "America/New_York") == [
        {"wk": "2025-05-26", "mo": "2025-05-01", "hr": 23, "dow": 6, "d": "2025-05-31", "n": 1},
        {"wk": "2025-05-26", "mo": "2025-06-01", "hr": 23, "dow": 7, "d": "2025-06-01", "n": 1},
        {"wk": "2025-06-02", "mo": "2025-06-01", "hr": 0, "dow": 1, "d": "2025-06-02", "n": 1},
    ]
    # UTC: Sun 06-01 03h (week 05-26, dow 7), Mon 06-02 03h and 04h (week 06-02, dow 1)
    assert run_report(spec, data) == [
        {"wk": "2025-05-26", "mo": "2025-06-01", "hr": 3, "dow": 7, "d": "2025-06-01", "n": 1},
        {"wk": "2025-06-02", "mo": "2025-06-01", "hr": 3, "dow": 1, "d": "2025-06-02", "n": 1},
        {"wk": "2025-06-02", "mo": "2025-06-01", "hr": 4, "dow": 1, "d": "2025-06-02", "n": 1},
    ]


# =========================================================================================
# Comparisons: unequal bucket counts, DST, cyclic alignment
# =========================================================================================

def test_previous_period_days_of_months_with_different_lengths(tmp_path):
    data = write_tables(tmp_path, tickets=tickets(
        "2025-02-01 00:00:00",  # Feb 1st (partner of Mar 1st)
        "2025-02-28 10:00:00",  # Feb 28th (partner of Mar 28th)
        "2025-02-28 23:59:59",
        "2025-03-01 00:00:00",
        "2025-03-01 01:00:00",
        "2025-03-01 02:00:00",
        "2025-03-28 00:00:00",
        "2025-03-31 23:59:59",
        "2025-05-30 00:00:00",  # May 30th (partner of June 30th)
        "2025-05-31 00:00:00",  # May 31st: no partner in June, not shown
        "2025-06-30 00:00:00",
    ))
    spec = """source: tickets
date_range: {preset: last_month}
dimensions: [{field: created_at, granularity: day, as: day}]
measures: [count() as n]
compare: previous_period
"""
    # now 2025-04-15: last_month = March (31 days) vs February (28 days), day i vs day i;
    # March 29..31 have no partner: null previous and change.
    rows = run_report(spec, data, "--now", "2025-04-15T12:00:00")
    assert len(rows) == 31
    by_day = {r["day"]: (r["n"], r["n_previous"], r["n_change_pct"]) for r in rows}
    assert by_day["2025-03-01"] == (3, 1, 200.0)    # 100*(3-1)/1
    assert by_day["2025-03-02"] == (0, 0, None)     # previous 0 -> null change
    assert by_day["2025-03-28"] == (1, 2, -50.0)    # 100*(1-2)/2
    assert by_day["2025-03-29"] == (0, None, None)
    assert by_day["2025-03-30"] == (0, None, None)
    assert by_day["2025-03-31"] == (1, None, None)
    assert sum(r["n_previous"] or 0 for r in rows) == 3
    # now 2025-07-15: June (30 days) vs May (31): June 30 ~ May 30; May 31 is not shown.
    rows = run_report(spec, data, "--now", "2025-07-15T12:00:00")
    assert len(rows) == 30
    assert rows[-1] == {"day": "2025-06-30", "n": 1, "n_previous": 1, "n_change_pct": 0.0}
    assert sum(r["n_previous"] for r in rows) == 1


def test_previous_period_hours_of_a_25_hour_day(tmp_path):
    # New York [11-02, 11-03) local (25 hours) vs [11-01, 11-02) (24 hours, all EDT), hour i vs hour i:
    #   i=2: 01:00-05:00 ~ 11-01 02:00; i=23: 22:00-05:00 ~ 11-01 23:00; i=24: 23:00-05:00 has no partner.
    data = write_tables(tmp_path, tickets=tickets(
        "2025-11-01 06:00:00",  # 11-01 02:00 EDT -> previous i=2
        "2025-11-02 03:30:00",  # 11-01 23:30 EDT -> previous i=23
        "2025-11-02 06:10:00",  # 11-02 01:10 EST -> current i=2
        "2025-11-03 04:30:00",  # 11-02 23:30 EST -> current i=24
    ))
    rows = run_report("""source: tickets
timezone: America/New_York
date_range: {from: 2025-11-02, to: 2025-11-03}
dimensions: [{field: created_at, granularity: hour, as: hour}]
measures: [count() as n]
compare: previous_period
""", data)
    assert len(rows) == 25
    assert rows[2] == {"hour": "2025-11-02T01:00:00-05:00", "n": 1, "n_previous": 1, "n_change_pct": 0.0}
    assert rows[23] == {"hour": "2025-11-02T22:00:00-05:00", "n": 0, "n_previous": 1, "n_change_pct": -100.0}
    assert rows[24] == {"hour": "2025-11-02T23:00:00-05:00", "n": 1, "n_previous": None, "n_change_pct": None}
    assert sum(r["n_previous"] or 0 for r in rows) == 2


def test_previous_period_local_days_across_dst(tmp_path):
    # Paris [03-30, 04-01) (2 local days, the first 23 hours) vs the 2 local days before: [03-28, 03-30)
    data = write_tables(tmp_path, tickets=tickets(
        "2025-03-27 22:59:59",  # 03-27 23:59:59 CET: outside
        "2025-03-27 23:00:00",  # 03-28 00:00 CET -> previous day 1
        "2025-03-29 22:59:59",  # 03-29 23:59:59 CET -> previous day 2
        "2025-03-30 21:59:59",  # 03-30 23:59:59 CEST -> current day 1
        "2025-03-30 22:00:00",  # 03-31 00:00 CEST -> current day 2
        "2025-03-31 10:00:00",  # current day 2
    ))
    rows = run_report("""source: tickets
timezone: Europe/Paris
date_range: {from: 2025-03-30, to: 2025-04-01}
dimensions: [{field: created_at, granularity: day, as: day}]
measures: [count() as n]
compare: previous_period
""", data)
    assert rows == [
        {"day": "2025-03-30", "n": 1, "n_previous": 1, "n_change_pct": 0.0},
        {"day": "2025-03-31", "n": 2, "n_previous": 1, "n_change_pct": 100.0},
    ]


def test_cyclic_buckets_compare_by_value(tmp_path):
    # last_7_days at 06-30 = [06-23, 06-30) vs [06-16, 06-23); hour 9 against hour 9.
    data = write_tables(tmp_path, tickets=tickets(
        "2025-06-25 09:10:00",  # current, hour 9
        "2025-06-20 09:50:00",  # previous, hour 9
        "2025-06-20 10:00:00",  # previous, hour 10
        "2025-06-21 10:30:00",  # previous, hour 10
        "2025-06-15 11:00:00",  # before the previous range
    ))
    rows = run_report("""source: tickets
date_range: {preset: last_7_days}
dimensions: [{field: created_at, granularity: hour_of_day, as: h}]
measures: [count() as n]
compare: previous_period
""", data)
    assert column(rows, "h") == list(range(24))
    assert rows[9] == {"h": 9, "n": 1, "n_previous": 1, "n_change_pct": 0.0}
    assert rows[10] == {"h": 10, "n": 0, "n_previous": 2, "n_change_pct": -100.0}
    assert rows[11] == {"h": 11, "n": 0, "n_previous": 0, "n_change_pct": None}
    assert sum(column(rows, "n_previous")) == 3



# =========================================================================================
# Wall times that do not exist or exist twice; now with an offset; RB_NOW; last_N_units
# =========================================================================================

@pytest.fixture(scope="module")
def wall_data(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("wall"), tickets=tickets(
        "2025-03-30 00:59:59",  # 1 Paris 01:59:59 CET (just before the gap)
        "2025-03-30 01:00:00",  # 2 Paris 03:00 CEST (just after the gap)
        "2025-11-02 05:29:59",  # 3 New York 01:29:59 EDT
        "2025-11-02 05:30:00",  # 4 New York 01:30 EDT (first 01:30)
        "2025-11-02 06:30:00",  # 5 New York 01:30 EST (second 01:30)
        "2025-04-10 00:00:00",  # 6
        "2025-04-11 00:00:00",  # 7
        "2025-05-10 00:00:00",  # 8
    ))


def test_wall_time_in_the_spring_gap_means_the_instant_after_it(wall_data):
    # Paris 2025-03-30 02:30 does not exist: it means 01:00Z (03:00 CEST). Range [01:00Z, 05:00 CEST = 03:00Z):
    # row 2 only; the hour buckets overlapping it are 03:00 and 04:00 (+02:00).
    rows = run_report(hourly("Europe/Paris", "{from: '2025-03-30T02:30:00', to: '2025-03-30T05:00:00'}"), wall_data)
    assert rows == [{"hour": "2025-03-30T03:00:00+02:00", "n": 1}, {"hour": "2025-03-30T04:00:00+02:00", "n": 0}]


def test_wall_time_in_the_fall_back_overlap_means_its_first_occurrence(wall_data):
    # New York 2025-11-02 01:30 is 05:30Z (EDT), not 06:30Z. Range [05:30Z, 03:00 EST = 08:00Z): rows 4, 5;
    # buckets 01:00-04:00 (starts before the range), 01:00-05:00, 02:00-05:00.
    rows = run_report(hourly("America/New_York", "{from: '2025-11-02T01:30:00', to: '2025-11-02T03:00:00'}"),
                      wall_data)
    assert rows == [{"hour": "2025-11-02T01:00:00-04:00", "n": 1}, {"hour": "2025-11-02T01:00:00-05:00", "n": 1},
                    {"hour": "2025-11-02T02:00:00-05:00", "n": 0}]
    # The same rule for a text literal compared with a timestamp in a filter:
    # ['2025-11-02 01:30', '2025-11-02 02:00') = [05:30Z, 07:00Z) -> rows 4, 5
    rows = run_report("source: tickets\ntimezone: America/New_York\ndimensions: [id]\nmeasures: [count() as n]\n"
                      "filters: [\"created_at >= '2025-11-02 01:30'\", \"created_at < '2025-11-02 02:00'\"]\n",
                      wall_data)
    assert ids(rows) == [4, 5]


def test_now_with_an_offset_and_rb_now(wall_data, tmp_path):
    spec = IDS_SPEC.format(range="date_range: {preset: today}\n")
    # --now 2025-05-10T01:00:00+02:00 = 05-09 23:00Z: today (UTC) is 05-09, row 8 (05-10) is not in it
    assert run_report(spec, wall_data, "--now", "2025-05-10T01:00:00+02:00") == []
    # ... but in Paris it is 05-10: row 8
    assert ids(run_report(spec, wall_data, "--now", "2025-05-10T01:00:00+02:00", "--timezone", "Europe/Paris")) == [8]
    # RB_NOW fixes now when --now is absent (read as UTC): 2025-04-11T05:00 -> today 04-11 -> row 7
    spec_file = tmp_path / "today.yaml"
    spec_file.write_text(spec, encoding="utf-8")
    result = CliRunner(env={"RB_NOW": "2025-04-11T05:00:00"}).invoke(
        main, ["run", str(spec_file), "--data", str(wall_data), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ids(json.loads(result.stdout)) == [7]


@pytest.mark.parametrize("now, preset, expected", [
    # last_3_months on 05-31 = [02-28, 05-31) (May 31 minus 3 months clamped to Feb 28): rows 1, 2, 6, 7, 8
    ("2025-05-31T12:00:00", "last_3_months", [1, 2, 6, 7, 8]),
    # last_2_weeks on Mon 04-21 = [04-07, 04-21): rows 6, 7
    ("2025-04-21T12:00:00", "last_2_weeks", [6, 7]),
    # last_1_days on 04-11 = [04-10, 04-11): row 6
    ("2025-04-11T12:00:00", "last_1_days", [6]),
    # last_2_quarters on 2025-11-05 = [05-05, 11-05): rows 8 (05-10), 3, 4, 5 (11-02)
    ("2025-11-05T12:00:00", "last_2_quarters", [3, 4, 5, 8]),
])
def test_last_n_units(wall_data, now, preset, expected):
    rows = run_report(IDS_SPEC.format(range=f"date_range: {{preset: {preset}}}\n"), wall_data, "--now", now)
    assert ids(rows) == expected


def test_sort_by_change_pct(compare_data):
    # high 2 vs 3 -> -33.3 %, low 3 vs 1 -> +200 %: sorted by -n_change_pct, low first
    rows = run_report("""source: tickets
date_range: {from: 2025-04-01, to: 2025-06-01}
dimensions: [priority]
measures: [count() as n]
compare: previous_period
sort: [-n_change_pct]
""", compare_data)
    assert column(rows, "priority") == ["low", "high"]


@pytest.fixture(scope="module")
def sparse_compare_data(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("sparse_compare"), tickets=[
        # last_7_days at 06-30 = [06-23, 06-30) vs [06-16, 06-23)
        {"id": 1, "created_at": "2025-06-29 10:00:00", "priority": "high", "handle_time_seconds": 10},
        {"id": 2, "created_at": "2025-06-28 10:00:00", "priority": "low", "handle_time_seconds": 20},
        {"id": 3, "created_at": "2025-06-22 10:00:00", "priority": "low", "handle_time_seconds": 30},
    ])


def test_compare_group_absent_from_the_previous_period_counts_zero(sparse_compare_data):
    # high: 1 (06-29) now, no high ticket in [06-16, 06-23): count() over no rows is 0, so n_previous 0,
    #       n_change_pct null (previous 0); sum over no rows is null.
    # low : 1 (06-28) vs 1 (06-22) -> 0 %; sum 20 vs 30 -> 100*(20-30)/30 = -33.3 %
    rows = run_report("""source: tickets
date_range: {preset: last_7_days}
dimensions: [priority]
measures: [count() as n, sum(handle_time_seconds) as s]
compare: previous_period
""", sparse_compare_data)
    assert rows[0] == {"priority": "high", "n": 1, "s": 10, "n_previous": 0, "n_change_pct": None,
                       "s_previous": None, "s_change_pct": None}
    assert rows[1]["n_previous"] == 1 and rows[1]["n_change_pct"] == 0.0


def test_compare_bucket_partner_without_rows_of_the_group_counts_zero(sparse_compare_data):
    # day i of [06-23, 06-30) against day i of [06-16, 06-23), per priority (high, low have current rows):
    #   06-29 high (partner 06-22): 1 vs 0 high rows -> n_previous 0
    #   06-29 low  (partner 06-22): 0 vs 1 (id 3)    -> n_previous 1, change -100 %
    #   06-28 low  (partner 06-21): 1 vs 0           -> n_previous 0
    rows = run_report("""source: tickets
date_range: {preset: last_7_days}
dimensions: [{field: created_at, granularity: day, as: d}, priority]
measures: [count() as n]
compare: previous_period
""", sparse_compare_data)
    by_key = {(r["d"], r["priority"]): (r["n"], r["n_previous"], r["n_change_pct"]) for r in rows}
    assert len(rows) == 14  # 7 days x 2 priorities
    assert by_key[("2025-06-29", "low")] == (0, 1, -100.0)
    assert by_key[("2025-06-29", "high")] == (1, 0, None)
    assert by_key[("2025-06-28", "low")] == (1, 0, None)
    assert all(v[1] is not None for v in by_key.values())
