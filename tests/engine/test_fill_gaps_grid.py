"""Gap filling with several bucket dimensions, and measures of the filled rows.

Every combination of the bucket dimensions' values that the date range allows appears
(a calendar bucket crossed with another or with a cyclic one: only pairs some moment of
the range has; cyclic ones alone: their whole cycles); other dimensions keep the values
that have rows. A filled row's measure is its expression with count-like aggregates 0
and the others null (`count() + 1` is 1 there, `coalesce(sum(x), 0)` is 0).

Europe/Paris is CET (+01:00) until 2025-03-30 01:00Z; the range [2025-03-03, 2025-03-10)
is [03-02 23:00Z, 03-09 23:00Z), Monday to Sunday. The data (UTC -> Paris):
  1  2025-03-03 08:15  Mon 03-03 09:15  high  handle 100
  2  2025-03-03 08:45  Mon 03-03 09:45  low   handle null
  3  2025-03-06 23:30  Fri 03-07 00:30  high  handle 300  (Thursday in UTC)
  4  2025-03-09 23:00  Mon 03-10 00:00  high  outside the range
  5  2025-03-02 22:59  Sun 03-02 23:59  low   outside the range
"""
from __future__ import annotations

from datetime import date, timedelta
from itertools import product
from pathlib import Path

import duckdb
import pytest

from .fixture_data import invoke, run_report, write_tables

WEEK = [str(date(2025, 3, 3) + timedelta(days=i)) for i in range(7)]
RANGE = "{from: 2025-03-03, to: 2025-03-10}"


@pytest.fixture(scope="module")
def week_data(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("grid"), tickets=[
        {"id": 1, "priority": "high", "created_at": "2025-03-03 08:15:00", "handle_time_seconds": 100},
        {"id": 2, "priority": "low", "created_at": "2025-03-03 08:45:00"},
        {"id": 3, "priority": "high", "created_at": "2025-03-06 23:30:00", "handle_time_seconds": 300},
        {"id": 4, "priority": "high", "created_at": "2025-03-09 23:00:00", "handle_time_seconds": 50},
        {"id": 5, "priority": "low", "created_at": "2025-03-02 22:59:00", "handle_time_seconds": 70},
    ])


def grid_spec(*granularities: str, date_range: str | None = RANGE, extra_dims: str = "",
              measures: str = "  - count() as n\n", filters: str = "") -> str:
    text = "source: tickets\ntimezone: Europe/Paris\n"
    if date_range:
        text += f"date_range: {date_range}\n"
    text += filters + "dimensions:\n"
    text += "".join(f"  - {{field: created_at, granularity: {g}, as: {g}}}\n" for g in granularities)
    return text + extra_dims + "measures:\n" + measures


def counts(rows: list[dict], *names: str) -> dict[tuple, int]:
    """The non-zero counts by the named columns."""
    return {tuple(r[n] for n in names): r["n"] for r in rows if r["n"]}


def keys(rows: list[dict], *names: str) -> list[tuple]:
    return [tuple(r[n] for n in names) for r in rows]


# --- a cyclic dimension crossed with a calendar one ------------------------------------------

@pytest.mark.parametrize("order", [("hour_of_day", "day"), ("day", "hour_of_day")])
def test_hour_of_day_by_day_has_every_hour_of_every_day(week_data, order):
    rows = run_report(grid_spec(*order), week_data)
    # 7 days x 24 hours, whichever comes first (it was 24 x the 2 days with rows, or 7 x the 2 hours)
    assert len(rows) == 168
    assert sorted(keys(rows, "day", "hour_of_day")) == sorted(product(WEEK, range(24)))
    assert counts(rows, "day", "hour_of_day") == {("2025-03-03", 9): 2, ("2025-03-07", 0): 1}


def test_week_by_day_of_week_has_seven_days_per_week(week_data):
    rows = run_report(grid_spec("week", "day_of_week"), week_data)
    assert keys(rows, "week", "day_of_week") == [("2025-03-03", d) for d in range(1, 8)]
    assert [r["n"] for r in rows] == [2, 0, 0, 0, 1, 0, 0]


def test_a_partial_first_week_has_only_the_days_the_range_covers(week_data):
    # [Fri 03-07, Wed 03-12): Fri-Sun of the week of 03-03, then Mon-Tue of the week of 03-10;
    # ticket 4 (Mon 03-10 00:00) is now inside.
    rows = run_report(grid_spec("week", "day_of_week", date_range="{from: 2025-03-07, to: 2025-03-12}"), week_data)
    assert keys(rows, "week", "day_of_week") == [
        ("2025-03-03", 5), ("2025-03-03", 6), ("2025-03-03", 7), ("2025-03-10", 1), ("2025-03-10", 2)]
    assert [r["n"] for r in rows] == [1, 0, 0, 1, 0]


def test_day_by_hour_pairs_each_day_with_its_own_hours_only(week_data):
    rows = run_report(grid_spec("day", "hour"), week_data)
    assert len(rows) == 168  # never 2025-03-03 with an hour of 2025-03-04
    assert all(r["hour"][:10] == r["day"] for r in rows)
    assert counts(rows, "day", "hour") == {("2025-03-03", "2025-03-03T09:00:00+01:00"): 2,
                                           ("2025-03-07", "2025-03-07T00:00:00+01:00"): 1}


# --- cyclic dimensions only ------------------------------------------------------------------

def test_day_of_week_by_hour_of_day_has_every_pair(week_data):
    rows = run_report(grid_spec("day_of_week", "hour_of_day"), week_data)
    assert keys(rows, "day_of_week", "hour_of_day") == list(product(range(1, 8), range(24)))
    assert counts(rows, "day_of_week", "hour_of_day") == {(1, 9): 2, (5, 0): 1}


def test_cyclic_pairs_are_whole_cycles_even_over_one_day_and_without_a_range(week_data):
    one_day = run_report(grid_spec("day_of_week", "hour_of_day", date_range="{from: 2025-03-03, to: 2025-03-04}"),
                         week_data)
    assert len(one_day) == 168 and counts(one_day, "day_of_week", "hour_of_day") == {(1, 9): 2}
    # no range: all five tickets count; Sun 03-02 23:59 -> (7, 23), Mon 03-10 00:00 -> (1, 0)
    unbounded = run_report(grid_spec("day_of_week", "hour_of_day", date_range=None), week_data)
    assert len(unbounded) == 168
    assert counts(unbounded, "day_of_week", "hour_of_day") == {(1, 0): 1, (1, 9): 2, (5, 0): 1, (7, 23): 1}


def test_no_row_at_all_still_gives_every_pair_with_zero(week_data):
    rows = run_report(grid_spec("day_of_week", "hour_of_day", filters="filters: [\"priority = 'none'\"]\n"),
                      week_data)
    assert len(rows) == 168 and not counts(rows, "day_of_week", "hour_of_day")


def test_a_calendar_bucket_without_a_bounded_range_shows_only_rows(week_data):
    # without a range there is no list of days: only the combinations that have rows
    rows = run_report(grid_spec("day", "hour_of_day", date_range=None), week_data)
    assert keys(rows, "day", "hour_of_day", "n") == [
        ("2025-03-02", 23, 1), ("2025-03-03", 9, 2), ("2025-03-07", 0, 1), ("2025-03-10", 0, 1)]


# --- other dimensions ------------------------------------------------------------------------

def test_other_dimensions_keep_the_values_that_have_rows(week_data):
    spec = grid_spec("day_of_week", "hour_of_day", extra_dims="  - priority\n")
    rows = run_report(spec, week_data)
    # high and low have rows in the range: 7 x 24 x 2
    assert len(rows) == 336
    assert sorted(set(keys(rows, "priority"))) == [("high",), ("low",)]
    assert counts(rows, "day_of_week", "hour_of_day", "priority") == {
        (1, 9, "high"): 1, (1, 9, "low"): 1, (5, 0, "high"): 1}
    # only urgent: no value has rows, so no row at all (as with one bucket dimension)
    rows = run_report(grid_spec("day_of_week", "hour_of_day", extra_dims="  - priority\n",
                                filters="filters: [\"priority = 'urgent'\"]\n"), week_data)
    assert rows == []


# --- DST: Europe/Paris [day, hour] and [day, hour_of_day] -----------------------------------

@pytest.fixture(scope="module")
def dst_data(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("grid_dst"), tickets=[
        {"id": 1, "created_at": "2025-03-30 00:30:00"},  # 03-30 01:30 CET
        {"id": 2, "created_at": "2025-03-30 01:30:00"},  # 03-30 03:30 CEST (02:00-03:00 does not exist)
        {"id": 3, "created_at": "2025-10-26 00:30:00"},  # 10-26 02:30 CEST (first 2 am)
        {"id": 4, "created_at": "2025-10-26 01:30:00"},  # 10-26 02:30 CET (second 2 am)
    ])


def test_spring_forward_day_has_23_hours_and_fall_back_day_25(dst_data):
    spring = run_report(grid_spec("day", "hour", date_range="{from: 2025-03-29, to: 2025-04-01}"), dst_data)
    per_day = {d: sum(1 for r in spring if r["day"] == d) for d in ("2025-03-29", "2025-03-30", "2025-03-31")}
    assert per_day == {"2025-03-29": 24, "2025-03-30": 23, "2025-03-31": 24}
    assert all(r["hour"][:10] == r["day"] for r in spring)
    assert "2025-03-30T02:00:00+01:00" not in {r["hour"] for r in spring}
    assert counts(spring, "hour") == {("2025-03-30T01:00:00+01:00",): 1, ("2025-03-30T03:00:00+02:00",): 1}

    autumn = run_report(grid_spec("day", "hour", date_range="{from: 2025-10-25, to: 2025-10-28}"), dst_data)
    per_day = {d: sum(1 for r in autumn if r["day"] == d) for d in ("2025-10-25", "2025-10-26", "2025-10-27")}
    assert per_day == {"2025-10-25": 24, "2025-10-26": 25, "2025-10-27": 24}
    assert counts(autumn, "hour") == {("2025-10-26T02:00:00+02:00",): 1, ("2025-10-26T02:00:00+01:00",): 1}


def test_hour_of_day_by_day_skips_the_missing_hour_and_merges_the_repeated_one(dst_data):
    spring = run_report(grid_spec("day", "hour_of_day", date_range="{from: 2025-03-30, to: 2025-03-31}"), dst_data)
    assert [r["hour_of_day"] for r in spring] == [0, 1] + list(range(3, 24))
    assert counts(spring, "hour_of_day") == {(1,): 1, (3,): 1}
    autumn = run_report(grid_spec("day", "hour_of_day", date_range="{from: 2025-10-26, to: 2025-10-27}"), dst_data)
    assert [r["hour_of_day"] for r in autumn] == list(range(24))
    assert counts(autumn, "hour_of_day") == {(2,): 2}


# --- measures of a filled row ----------------------------------------------------------------

MEASURES = """  - count() as n
  - count() + 1 as n_plus_1
  - count() * 2 as twice
  - coalesce(sum(handle_time_seconds), 0) as handled
  - sum(handle_time_seconds) as total
  - avg(handle_time_seconds) as average
  - 100.0 * count_if(priority = 'high') / count() as high_pct
  - count_distinct(priority) + count_if(priority = 'low') as mixed
"""


@pytest.mark.parametrize("granularities", [("day",), ("week", "day_of_week")])
def test_a_filled_row_evaluates_each_measure_over_no_rows(week_data, granularities):
    rows = run_report(grid_spec(*granularities, measures=MEASURES), week_data)
    assert len(rows) == 7
    empty = {"n": 0, "n_plus_1": 1, "twice": 0, "handled": 0, "total": None, "average": None,
             "high_pct": None, "mixed": 0}
    measures = [{k: r[k] for k in empty} for r in rows]
    # Monday: tickets 1 (high, 100) and 2 (low, null); Friday: ticket 3 (high, 300)
    monday = {"n": 2, "n_plus_1": 3, "twice": 4, "handled": 100, "total": 100, "average": 100,
              "high_pct": 50, "mixed": 3}
    friday = {"n": 1, "n_plus_1": 2, "twice": 2, "handled": 300, "total": 300, "average": 300,
              "high_pct": 100, "mixed": 1}
    assert measures == [monday, empty, empty, empty, friday, empty, empty]


def test_having_sees_the_filled_values(week_data):
    rows = run_report(grid_spec("week", "day_of_week", measures="  - count() + 1 as n1\n")
                      + "having: [n1 = 1]\n", week_data)
    assert keys(rows, "day_of_week") == [(2,), (3,), (4,), (6,), (7,)]


# --- the limit -------------------------------------------------------------------------------

def test_too_many_combinations_is_a_positioned_error(week_data):
    # [2000-01-01, 2030-01-01) walked by hours: about 10,958 days x 24 = 263,016 > 200,000
    result = invoke(grid_spec("day", "hour_of_day", date_range="{from: 2000-01-01, to: 2030-01-01}"), week_data)
    assert result.exit_code == 2
    assert "spec.yaml:6:38: error: the date range has about 263,016 day x hour_of_day combinations" in result.output
    # by days it fits (10,958 x 7), and so does any cyclic grid
    assert len(run_report(grid_spec("week", "day_of_week", date_range="{from: 2000-01-01, to: 2030-01-01}"),
                          week_data)) == 10_958
    assert "Traceback" not in result.output


# --- the issue's examples on the acceptance data --------------------------------------------

ACCEPTANCE = Path(__file__).resolve().parents[3] / "shared" / "acceptance" / "data"
ISSUE_SPEC = """source: tickets
timezone: Europe/Paris
date_range: {{from: 2025-03-03, to: 2025-03-10}}
filters: ["priority in ('urgent','high')"]
dimensions:
  - {{field: created_at, granularity: {0}, as: a}}
  - {{field: created_at, granularity: {1}, as: b}}
measures: [count() as n]
"""


@pytest.mark.skipif(not ACCEPTANCE.is_dir(), reason="the shared acceptance data is not next to this checkout")
@pytest.mark.parametrize("first, second, expected", [
    ("hour_of_day", "day", 168), ("day", "hour_of_day", 168), ("day_of_week", "hour_of_day", 168),
    ("week", "day_of_week", 7), ("day", "hour", 168)])
def test_issue_examples_on_the_acceptance_data(first, second, expected, tmp_path):
    data = tmp_path / "data"
    data.symlink_to(ACCEPTANCE, target_is_directory=True)
    rows = run_report(ISSUE_SPEC.format(first, second), data)
    assert len(rows) == expected
    # the counts, independently: DuckDB over the raw CSV, in Paris time
    truth = duckdb.connect().execute(f"""
        select count(*) from read_csv_auto('{ACCEPTANCE / "tickets.csv"}') t
        where priority in ('urgent', 'high')
          and timezone('Europe/Paris', timezone('UTC', created_at::timestamp)) >= '2025-03-03'
          and timezone('Europe/Paris', timezone('UTC', created_at::timestamp)) < '2025-03-10'""").fetchone()[0]
    assert sum(r["n"] for r in rows) == truth > 0


@pytest.mark.skipif(not ACCEPTANCE.is_dir(), reason="the shared acceptance data is not next to this checkout")
def test_activity_heatmap_over_last_7_days_has_every_hour_of_every_weekday(tmp_path):
    data = tmp_path / "data"
    data.symlink_to(ACCEPTANCE, target_is_directory=True)
    spec = (Path(__file__).resolve().parents[2] / "specs" / "activity_heatmap.yaml").read_text(encoding="utf-8")
    rows = run_report(spec, data, "--range", "last_7_days")
    assert keys(rows, "day_of_week", "hour") == list(product(range(1, 8), range(24)))
    # [06-23, 06-30) UTC: every message of the week, counted independently
    truth = duckdb.connect().execute(f"""
        select count(*) from read_csv_auto('{ACCEPTANCE / "messages.csv"}')
        where sent_at::timestamp >= '2025-06-23' and sent_at::timestamp < '2025-06-30'""").fetchone()[0]
    assert sum(r["messages"] for r in rows) == truth > 0
