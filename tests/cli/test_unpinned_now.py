"""An unpinned now is kept only when a fresh compile at another instant prints the same SQL.

`rb run` keeps a compiled command for the wall clock's now only when the compile never looked
at the instant (watched_now.WatchedNow). Here every built-in report, with several option sets
and a restricted user, is compiled with a watched now; wherever it was not looked at, compiles
at other instants (hours later the same day, another day, across a DST change in the report's
zone and in the US) must give byte-identical SQL and restricted views. Both verdicts must occur
(the check can fail).
"""
from __future__ import annotations

from datetime import datetime

import pytest

from reportbuilder.compile import compile_raw
from reportbuilder.errors import SpecError
from reportbuilder.locate import builtin_names
from reportbuilder.running import load_spec, report_options, viewer_of
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


def test_a_compile_that_never_saw_now_is_the_same_at_every_instant(workspaces):
    verdicts = {True: 0, False: 0}
    for name in builtin_names():
        for as_user in (None, MEMBER):
            for options in OPTIONS if as_user is None else OPTIONS[:3]:
                watched = WatchedNow.at(BASE)
                try:
                    first = compiled(workspaces[as_user], name, watched, as_user, **options)
                except SpecError:  # a filter on a field the report's source lacks: nothing compiled or kept
                    continue
                verdicts[watched.seen] += 1
                if watched.seen:
                    continue
                for other in OTHERS:
                    assert compiled(workspaces[as_user], name, other, as_user, **options) == first, (name, options)
    assert verdicts[True] > 10 and verdicts[False] > 40, verdicts


def test_a_relative_range_is_seen_and_changes_with_the_day(workspaces):
    """The other verdict is needed: the SQL of last_90_days moves with the day."""
    watched = WatchedNow.at(BASE)
    first = compiled(workspaces[None], "tickets_created_over_time", watched, range_="last_90_days")
    assert watched.seen
    assert compiled(workspaces[None], "tickets_created_over_time", OTHERS[1], range_="last_90_days") != first
