"""SLA policy deadlines and SLA progress on a hand-made dataset (now = 2025-06-30 12:00 UTC, a Monday).

Policy calendar: UTC, Mon-Fri 09:00-17:00; first response urgent 60, high 120 open minutes;
close urgent 480; due soon = 30 minutes.
"""
from __future__ import annotations

from tests.engine.fixture_data import run_report, write_tables

WORKSPACE = """\
calendars:
  desk:
    timezone: UTC
    hours:
      mon: ["09:00-17:00"]
      tue: ["09:00-17:00"]
      wed: ["09:00-17:00"]
      thu: ["09:00-17:00"]
      fri: ["09:00-17:00"]
sla_due_soon_minutes: 30
sla_policy:
  calendar: desk
  first_response: {urgent: 60, high: 120}
  close: {urgent: 480}
"""
SPEC = """\
source: tickets
dimensions: [id]
measures:
  - max(first_response_due) as fr_due
  - max(first_response_sla_progress) as fr_progress
  - max(first_response_sla_status) as fr_status
  - max(close_due) as close_due
  - max(close_sla_progress) as close_progress
sort: [id]
"""
T = "id,subject,contact_id,company_id,owner_id,pipeline,status,priority".split(",")


def ticket(id, priority, created, status="open", first_response=None, fr_due=None, closed=None):
    return {"id": id, "status": status, "priority": priority, "created_at": created,
            "first_response_at": first_response, "first_response_due_at": fr_due, "closed_at": closed}


def test_sla_progress_boundaries_and_policy_deadlines(tmp_path):
    data = write_tables(tmp_path, tickets=[
        # created Fri 16:30: 30 open min on Friday + 30 on Monday -> due Mon 09:30 (overdue at 12:00)
        ticket(1, "urgent", "2025-06-27 16:30:00"),
        # created Mon 11:00, high: 120 open minutes -> 13:00, more than 30 min ahead: active
        ticket(2, "high", "2025-06-30 11:00:00"),
        # created Mon 11:00, urgent -> due exactly now (12:00): due_soon
        ticket(3, "urgent", "2025-06-30 11:00:00"),
        # created 10:30 + 120 -> 12:30 = now + 30 minutes exactly: due_soon
        ticket(4, "high", "2025-06-30 10:30:00"),
        # created 10:30:01 + 120 -> 12:30:01: active
        ticket(5, "high", "2025-06-30 10:30:01"),
        # created 10:59:59 urgent -> 11:59:59: overdue
        ticket(6, "urgent", "2025-06-30 10:59:59"),
        # a deadline in the data wins over the policy; responded: completed
        ticket(7, "urgent", "2025-06-30 08:00:00", first_response="2025-06-30 10:00:00",
               fr_due="2025-06-30 11:00:00"),
        # no policy entry for low, none for a missing priority: no deadline
        ticket(8, "low", "2025-06-30 08:00:00"),
        ticket(9, None, "2025-06-30 08:00:00"),
        # closed: close completed
        ticket(10, "urgent", "2025-06-30 09:00:00", status="closed", first_response="2025-06-30 09:10:00",
               closed="2025-06-30 09:20:00"),
    ])
    (tmp_path / "rb.yaml").write_text(WORKSPACE, encoding="utf-8")
    rows = run_report(SPEC, data, "--workspace", str(tmp_path / "rb.yaml"))
    got = {r["id"]: (r["fr_due"], r["fr_progress"], r["fr_status"], r["close_due"], r["close_progress"])
           for r in rows}
    assert got[1][:3] == ("2025-06-30T09:30:00+00:00", "overdue", "overdue")
    assert got[1][3:] == ("2025-06-30T16:30:00+00:00", "active")  # 30 min Fri + 7h30 from Mon 09:00
    assert got[2][:2] == ("2025-06-30T13:00:00+00:00", "active")
    assert got[3][:3] == ("2025-06-30T12:00:00+00:00", "due_soon", "pending")
    assert got[4][:2] == ("2025-06-30T12:30:00+00:00", "due_soon")
    assert got[5][:2] == ("2025-06-30T12:30:01+00:00", "active")
    assert got[6][:2] == ("2025-06-30T11:59:59+00:00", "overdue")
    assert got[7][:3] == ("2025-06-30T11:00:00+00:00", "completed", "on_time")
    assert got[8] == (None, None, None, None, None)
    assert got[9] == (None, None, None, None, None)
    assert got[10][4] == "completed"
