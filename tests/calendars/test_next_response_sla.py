"""Next-response SLA in open minutes: per customer turn, due_at = business_add(turn start,
60 * target) on the policy's calendar; hand-computed deadlines and progress.

Calendar `paris`: Europe/Paris, Mon-Fri 09:00-18:00, holiday Thu 2025-05-01. Policy next
response targets: urgent 30, high 60, medium 240 open minutes. Now = Mon 2025-06-30 12:00 UTC
(14:00 in Paris); due soon = 30 minutes. Each conversation: a customer message, an agent
reply, then the customer message that starts the turn (id = 10 * ticket + 3) and maybe the
agent reply answering it.
"""
from __future__ import annotations

from tests.engine.fixture_data import invoke, run_report, write_tables

CALENDAR = """\
calendars:
  paris:
    timezone: Europe/Paris
    hours:
      mon: ["09:00-18:00"]
      tue: ["09:00-18:00"]
      wed: ["09:00-18:00"]
      thu: ["09:00-18:00"]
      fri: ["09:00-18:00"]
    holidays: [2025-05-01]
sla_due_soon_minutes: 30
"""
POLICY = CALENDAR + """\
sla_policy:
  calendar: paris
  next_response: {urgent: 30, high: 60, medium: 240}
"""
SPEC = """\
source: response_turns
dimensions: [message_id]
measures:
  - max(due_at) as due
  - max(sla_status) as status
  - max(sla_progress) as progress
sort: [message_id]
"""


def _tables(tmp_path, turns):
    """turns: (ticket id, priority, data minutes, turn start UTC, answer UTC or None)."""
    tickets, conversations, messages = [], [], []
    for tid, priority, minutes, start, answer in turns:
        tickets.append({"id": tid, "status": "open", "priority": priority, "created_at": "2025-01-01 08:00:00",
                        "next_response_sla_minutes": minutes})
        conversations.append({"id": tid, "ticket_id": tid, "started_at": "2025-01-01 08:00:00"})
        sent = [(1, "incoming", "contact", "2025-01-01 08:00:00"), (2, "outgoing", "agent", "2025-01-01 08:05:00"),
                (3, "incoming", "contact", start)] + ([(4, "outgoing", "agent", answer)] if answer else [])
        messages += [{"id": 10 * tid + k, "conversation_id": tid, "direction": d, "sender_type": who, "sent_at": at}
                     for k, d, who, at in sent]
    return write_tables(tmp_path, tickets=tickets, conversations=conversations, messages=messages)


def _run(tmp_path, workspace, turns):
    data = _tables(tmp_path, turns)
    (tmp_path / "rb.yaml").write_text(workspace, encoding="utf-8")
    rows = run_report(SPEC, data, "--workspace", str(tmp_path / "rb.yaml"))
    return {r["message_id"] // 10: (r["due"], r["status"], r["progress"]) for r in rows}


def utc(text):
    return text.replace(" ", "T") + "+00:00"


TURNS = [
    # Fri 13 June 17:30 Paris (15:30 UTC), high 60: 30 min Friday + 30 min Monday -> Mon 09:30
    # Paris = 07:30 UTC; answered Mon 09:20 Paris: on time (wall clock would say Fri 18:30, late)
    (1, "high", None, "2025-06-13 15:30:00", "2025-06-16 07:20:00"),
    # Wed 30 April 17:45 Paris, urgent 30: 15 min Wednesday, Thu 1 May a holiday, Fri 2 May
    # 09:15 Paris = 07:15 UTC; answered 09:20 Paris: late
    (2, "urgent", None, "2025-04-30 15:45:00", "2025-05-02 07:20:00"),
    # Fri 28 March 17:30 CET (16:30 UTC), high 60; the clocks move on Sunday 30 March: Mon 31
    # March 09:30 CEST = 07:30 UTC (not 08:30); answered exactly then: on time
    (3, "high", None, "2025-03-28 16:30:00", "2025-03-31 07:30:00"),
    # open turns at now = Mon 30 June 14:00 Paris (12:00 UTC), due soon = 30 minutes:
    # urgent from 13:30 Paris -> due 14:00 Paris = now exactly: due_soon
    (4, "urgent", None, "2025-06-30 11:30:00", None),
    # urgent from 13:29:59 -> 13:59:59: overdue
    (5, "urgent", None, "2025-06-30 11:29:59", None),
    # medium 240 from 10:30 Paris -> 14:30 Paris = now + 30 min exactly: due_soon
    (6, "medium", None, "2025-06-30 08:30:00", None),
    # medium 240 from 10:30:01 -> 14:30:01: active
    (7, "medium", None, "2025-06-30 08:30:01", None),
    # the data's target wins, in wall-clock minutes: Fri 17:30 Paris + 120 min = 19:30 Paris
    (8, "urgent", 120, "2025-06-13 15:30:00", "2025-06-13 17:00:00"),
]


def test_next_response_deadlines_in_open_minutes(tmp_path):
    got = _run(tmp_path, POLICY, TURNS + [(9, "low", None, "2025-06-13 15:30:00", None)])
    assert got[1] == (utc("2025-06-16 07:30:00"), "on_time", "completed")
    assert got[2] == (utc("2025-05-02 07:15:00"), "late", "completed")
    assert got[3] == (utc("2025-03-31 07:30:00"), "on_time", "completed")
    assert got[4] == (utc("2025-06-30 12:00:00"), "pending", "due_soon")
    assert got[5] == (utc("2025-06-30 11:59:59"), "overdue", "overdue")
    assert got[6] == (utc("2025-06-30 12:30:00"), "pending", "due_soon")
    assert got[7] == (utc("2025-06-30 12:30:01"), "pending", "active")
    assert got[8] == (utc("2025-06-13 17:30:00"), "on_time", "completed")
    assert 9 not in got  # no policy target for low, no data target: no next-response SLA


def test_data_minutes_in_open_time_when_the_policy_says_so(tmp_path):
    # 120 open minutes from Fri 17:30 Paris: 30 on Friday + 90 on Monday -> Mon 10:30 Paris
    got = _run(tmp_path, POLICY + "  next_response_data_clock: open\n", TURNS)
    assert got[8] == (utc("2025-06-16 08:30:00"), "on_time", "completed")
    assert got[1] == (utc("2025-06-16 07:30:00"), "on_time", "completed")  # the policy's own targets unchanged


def test_without_next_response_targets_the_data_counts_wall_minutes(tmp_path):
    got = _run(tmp_path, CALENDAR + "sla_policy:\n  calendar: paris\n  first_response: {urgent: 30}\n", TURNS)
    assert set(got) == {8}
    assert got[8] == (utc("2025-06-13 17:30:00"), "on_time", "completed")


def test_a_bad_data_clock_is_a_positioned_error(tmp_path):
    data = _tables(tmp_path, TURNS[:1])
    (tmp_path / "rb.yaml").write_text(POLICY + "  next_response_data_clock: business\n", encoding="utf-8")
    result = invoke(SPEC, data, "--workspace", str(tmp_path / "rb.yaml"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'rb.yaml'}:15:29: error:" in result.output
    assert "next_response_data_clock: 'business' is not one of wall, open" in result.output
    assert "Traceback" not in result.output
