"""A dashboard's shared scans: panels that compute the same derived entity or lookup read one
temporary table, and every panel's answer stays the report's answer run alone (`rb run`), with a
date range and as a restricted user (whose table holds only the rows they may see)."""
from __future__ import annotations

from datetime import datetime

import pytest

from reportbuilder.dashboard.load_dashboard import Dashboard
from reportbuilder.dashboard.run_dashboard import run_dashboard, takes_dashboard_range
from reportbuilder.dashboard.shared_scans import Need, share
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.running import execute, load_spec, plan_report, viewer_of
from reportbuilder.workspace import open_workspace

from tests.security.access_world import FIXTURE, MEMBER, WORKSPACE

NOW = "2025-06-30T12:00:00"
# three read messages.reply_time, two the response_turns entity, one shares nothing
REPORTS = ("rep_reply_time_over_time", "slowest_responding_reps", "customer_wait_time_by_company",
           "sla_progress", "next_response_sla_over_time", "tickets_created_over_time")
RANGE = ("2025-06-01", "2025-06-30")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("ws") / "rb.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    return open_workspace(path)


def _alone(ws, name: str, as_user: str | None) -> list:
    """The report as `rb run NAME --from --to --now --as` answers it (without the range when the
    report has none of its own, as the dashboard runs it)."""
    raw = load_spec(name, {})
    span = RANGE if takes_dashboard_range(raw) else (None, None)
    report_plan, data, restriction = plan_report(ws, raw, str(FIXTURE), NOW, None, None, *span, as_user=as_user)
    return execute(report_plan, ws, data, restriction=restriction).rows


def _board(ws, as_user: str | None, share_scans: bool, reports: tuple = REPORTS) -> dict:
    board = Dashboard("d", "D", "", reports, start=RANGE[0], end=RANGE[1])
    now = datetime.fromisoformat(NOW)
    run = run_dashboard(board, ws, FIXTURE, now, viewer=viewer_of(as_user, ws, now), share_scans=share_scans)
    assert not run.failed, [p.error for p in run.failed]
    return {p.ref: p.result.rows for p in run.panels}


def test_panels_share_the_scans_they_compute_identically(workspace):
    now = datetime.fromisoformat(NOW)
    needs = []
    for name in REPORTS:
        report_plan, _, _ = plan_report(workspace, load_spec(name, {}), str(FIXTURE), NOW, None, None, *RANGE)
        needs.append(Need(build_sql(report_plan, workspace.catalog), now, report_plan.report.source, None))
    queries, scans = share(needs, workspace.catalog)
    assert len(scans.tables) == 2  # messages.reply_time and response_turns, each computed once
    reading = {name: names for name, (_, names) in zip(REPORTS, queries)}
    assert len(set(reading["rep_reply_time_over_time"] + reading["sla_progress"])) == 2
    assert reading["rep_reply_time_over_time"] == reading["slowest_responding_reps"]
    assert reading["sla_progress"] == reading["next_response_sla_over_time"]
    assert reading["tickets_created_over_time"] == ()
    rewritten = queries[0][0].sql()
    assert "field_messages_reply_time AS (\n  SELECT\n    *\n  FROM rb_shared_" in rewritten


@pytest.mark.parametrize("as_user", [None, MEMBER], ids=["admin", "restricted"])
def test_each_panel_answers_as_the_report_run_alone(workspace, as_user):
    shared = _board(workspace, as_user, share_scans=True)
    assert shared == _board(workspace, as_user, share_scans=False)
    for name in REPORTS:
        assert shared[name] == _alone(workspace, name, as_user), name


def test_a_restricted_user_never_reads_the_shared_rows_of_another(workspace):
    # computed for the admin first in the same process, then for the member: the member's panels
    # are their own answers, and differ from the admin's (the fixture has rows bob may not see)
    admin = _board(workspace, None, share_scans=True)
    member = _board(workspace, MEMBER, share_scans=True)
    assert member["slowest_responding_reps"] != admin["slowest_responding_reps"]
    assert member["sla_progress"] != admin["sla_progress"]
    for name in ("slowest_responding_reps", "customer_wait_time_by_company", "sla_progress"):
        assert member[name] == _alone(workspace, name, MEMBER), name
