"""An unpinned now is kept only when a fresh compile at another instant prints the same SQL.

`rb run` keeps a compiled command for the wall clock's now only when the compile never looked
at the instant (watched_now.WatchedNow), or looked only at its local date in some zones (then
the entry holds those dates and serves only while they are the wall clock's: warm_cache.read).
Here every built-in report, with several option sets and a restricted user, is compiled with a
watched now; wherever it was not looked at, compiles at other instants (hours later the same
day, another day, across a DST change in the report's zone and in the US) must give
byte-identical SQL and restricted views; wherever only local dates were read, compiles at the
first and last microsecond of those local dates (DST change days in Europe/Berlin and
America/New_York, a half-hour zone) must too, and no instant of another local date may reuse
the entry. All three verdicts must occur (the check can fail).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from reportbuilder.compile import compile_raw
from reportbuilder.errors import SpecError
from reportbuilder.locate import builtin_names
from reportbuilder.running import load_spec, report_options, viewer_of
from reportbuilder.timeframe.zones import local_date, local_to_utc
from reportbuilder.warm_cache import dates_hold
from reportbuilder.watched_now import WatchedNow
from reportbuilder.workspace import open_workspace
from tests.security.access_world import MEMBER, WORKSPACE

BASE = datetime(2025, 3, 29, 9, 30)  # the day before Europe's DST change, three weeks after the US's
OTHERS = [datetime(2025, 3, 29, 22, 59), datetime(2025, 3, 30, 9, 30), datetime(2025, 3, 31, 1, 15),
          datetime(2025, 3, 8, 12, 0), datetime(2025, 3, 10, 12, 0), datetime(2026, 11, 2, 4, 0)]
OPTIONS = [{}, {"range_": "all_time"}, {"range_": "last_90_days"}, {"from_": "2025-01-01", "to": "2025-03-01"},
           {"range_": "all_time", "timezone": "Europe/Paris", "filters": ("priority = 'high'",)},
           {"from_": "2024-10-01", "to": "2025-04-01", "timezone": "America/New_York"}]


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    (folder / "rb.yaml").write_text(WORKSPACE, encoding="utf-8")
    return {None: open_workspace(), MEMBER: open_workspace(folder / "rb.yaml")}


def compiled(ws, name, now, as_user=None, **options):
    """(SQL, the restricted views' SQL) of built-in `name` at `now` (None: the default options)."""
    viewer = viewer_of(as_user, ws, now) if as_user else None
    args = {"timezone": None, "range_": None, "from_": None, "to": None, "filters": (), **options}
    opts = report_options(None, args["timezone"], args["range_"], args["from_"], args["to"], args["filters"], None,
                          ws, viewer, now)
    query = compile_raw(load_spec(name, {}), ws.catalog, opts)
    views = [view.sql("duckdb") for view in viewer.restriction.statements(query.tables)] if viewer else []
    return query.sql(), views


def same_local_days(dates) -> list[datetime]:
    """The first and last microsecond (UTC) of each recorded local date, where every date recorded holds."""
    instants = []
    for zone, day in dates:
        start = datetime.combine(datetime.fromisoformat(day).date(), time())
        instants += [local_to_utc(start, zone), local_to_utc(start + timedelta(days=1), zone) - timedelta(microseconds=1)]
    return [instant for instant in instants if dates_hold(dates, instant)]


def other_local_days(dates) -> list[datetime]:
    """The microseconds (UTC) just before and just after each recorded local date."""
    instants = []
    for zone, day in dates:
        start = datetime.combine(datetime.fromisoformat(day).date(), time())
        instants += [local_to_utc(start, zone) - timedelta(microseconds=1), local_to_utc(start + timedelta(days=1), zone)]
    return instants


def check_at_other_instants(ws, name, watched, first, as_user, options) -> str:
    """The verdict on one watched compile ("seen", "timeless" or "dated"), after checking its claim."""
    if watched.seen:
        return "seen"
    dates = sorted(watched.dates_seen)
    if not dates:
        for other in OTHERS:
            assert compiled(ws, name, other, as_user, **options) == first, (name, options)
        return "timeless"
    same = same_local_days(dates)
    assert len(same) >= 2, dates
    for other in same:
        assert compiled(ws, name, other, as_user, **options) == first, (name, options, other)
    for other in other_local_days(dates) + OTHERS:
        if any(local_date(other, zone).isoformat() != day for zone, day in dates):
            assert not dates_hold(dates, other), (dates, other)
    return "dated"


def test_a_compile_that_never_saw_now_is_the_same_at_every_instant(workspaces):
    verdicts = {"seen": 0, "timeless": 0, "dated": 0}
    for name in builtin_names():
        for as_user in (None, MEMBER):
            for options in OPTIONS if as_user is None else OPTIONS[:3]:
                watched = WatchedNow.at(BASE)
                try:
                    first = compiled(workspaces[as_user], name, watched, as_user, **options)
                except SpecError:  # a filter on a field the report's source lacks: nothing compiled or kept
                    continue
                verdicts[check_at_other_instants(workspaces[as_user], name, watched, first, as_user, options)] += 1
    assert verdicts["seen"] > 10 and verdicts["timeless"] > 40 and verdicts["dated"] > 20, verdicts


# (options, watched instant): DST change days in Berlin (spring, autumn) and New York (autumn), a
# half-hour zone whose date is already the next one, and a weekly preset over the Berlin change.
DATED = [({"timezone": "Europe/Berlin"}, datetime(2025, 3, 30, 12, 0)),
         ({"timezone": "Europe/Berlin", "range_": "last_12_months"}, datetime(2025, 10, 26, 0, 30)),
         ({"timezone": "America/New_York", "range_": "today"}, datetime(2025, 11, 2, 15, 0)),
         ({"timezone": "Asia/Kolkata", "range_": "yesterday"}, datetime(2025, 3, 29, 20, 0)),
         ({"timezone": "Europe/Berlin", "range_": "this_week"}, datetime(2025, 3, 30, 21, 59))]


def test_a_compile_that_read_only_the_local_date_is_the_same_all_that_day(workspaces):
    verdicts = {"seen": 0, "timeless": 0, "dated": 0}
    for name in builtin_names():
        for as_user, cases in ((None, DATED), (MEMBER, DATED[2:3])):
            for options, instant in cases:
                watched = WatchedNow.at(instant)
                try:
                    first = compiled(workspaces[as_user], name, watched, as_user, **options)
                except SpecError:  # a field hidden from the user: nothing compiled or kept
                    continue
                verdicts[check_at_other_instants(workspaces[as_user], name, watched, first, as_user, options)] += 1
    assert verdicts["dated"] > 100 and verdicts["seen"] > 5, verdicts


def test_the_local_date_is_a_weaker_look():
    watched = WatchedNow.at(datetime(2025, 10, 26, 22, 30))
    assert local_date(watched, "Europe/Berlin").isoformat() == "2025-10-26"
    assert local_date(watched, "Asia/Tokyo").isoformat() == "2025-10-27"
    assert not watched.seen
    assert watched.dates_seen == {("Europe/Berlin", "2025-10-26"), ("Asia/Tokyo", "2025-10-27")}
    assert local_date(datetime(2025, 10, 26, 22, 30), "Asia/Tokyo").isoformat() == "2025-10-27"  # plain too
    assert watched.date().isoformat() == "2025-10-26"  # any other look is a full one
    assert watched.seen


def test_a_damaged_date_never_holds():
    assert dates_hold([], BASE)
    assert not dates_hold([["No/Such_Zone", "2025-03-29"]], BASE)
    assert not dates_hold([["UTC"]], BASE)


def test_a_relative_range_reads_only_the_local_date_and_moves_with_it(workspaces):
    """last_90_days reads the local date, not the instant: the same SQL all that day, another the next."""
    watched = WatchedNow.at(BASE)
    first = compiled(workspaces[None], "tickets_created_over_time", watched, range_="last_90_days")
    assert not watched.seen and watched.dates_seen
    assert compiled(workspaces[None], "tickets_created_over_time", OTHERS[1], range_="last_90_days") != first
