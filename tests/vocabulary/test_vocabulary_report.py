"""The help-desk vocabulary end to end: specs run by `python -m reportbuilder run`.

The dataset is tests/fixtures/vocabulary/ (11 tables in the contract's shape, 12 tickets),
the report's now is 2025-06-30 12:00:00 UTC. Every expected row below is worked out by
hand from the tables; the working is in the comments. The fixture at a glance:

ticket  status              prio    owner  FR due / FR at          close due / closed at     nrs  handle
T1      closed              high    Alice  06-02 10:00 / 09:30     06-03 09:00 / 06-02 12:00  -    600
T2      closed              high    Alice  06-03 11:00 / 11:00     06-03 14:00 / 06-03 14:00  60   1200
T3      closed (reopened x2)low     Bob    - / 06-05 08:15         - / 06-07 10:00            -    3000
T4      new                 urgent  -      06-10 13:00 / -         07-01 09:00 / -            240  -
T5      new (no history)    urgent  -      06-30 12:00 / -         - / -                      -    -
T6      waiting_on_us       medium  Bob    06-12 09:10 / 09:20     06-14 09:00 / -            -    6000
T7      waiting_on_us       medium  Alice  06-30 09:00 / 08:30     - / -                      120  1200
T8      closed              low     Bob    06-15 09:30 / 10:00     06-15 11:00 / 06-15 12:00  -    -
T9      waiting_on_contact  medium  Carol  - / 06-20 10:00         - / -                      30   -
T10     waiting_on_us       low     Dave   - / -                   - / -                      -    -
T11     closed              high    Carol  06-16 17:00 / -         06-17 09:00 / 06-16 10:00  -    1800
T12     closed              medium  Alice  06-18 09:30 / 09:30     - / 06-18 10:00            -    900

Carol (Tier 1) has no shifts; Dave has no team. T6's history ends with `waiting_on_us` and
`closed` at the same instant (06-13 09:00, written in that order): the current status goes
last, so it reads closed -> waiting_on_us, one reopen. T10 enters waiting_on_us on 07-01,
after now. Feedback: nps 10 (T1), 9 and 6 (T2), 7 (T3), 8 (T6), 0 (T7), 4 (T8), 9 (T9),
10 (T12), 9 (no ticket); csat 5 (T1), 2 (T3), 4 (T6), 3 (T8), 5 (T12); ces 4 (T2), 2 (T3),
6 (T6), 7 (T7), 5 (T12). T4, T5, T10 and T11 have no feedback.

This module needs the engine (`python -m reportbuilder`); the SQL of the vocabulary is
tested on its own in test_vocabulary_sql.py.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "vocabulary"
NOW = "2025-06-30T12:00:00"

# A case: (name, spec YAML, key columns identifying a row, expected rows in column order).
CASES = []


def case(name: str, spec: str, keys: tuple, rows: list[dict]):
    CASES.append(pytest.param(spec, keys, rows, id=name))


# ---------------------------------------------------------------------------------------
# Derived fields of tickets
# ---------------------------------------------------------------------------------------

# time_to_first_response = first_response_at - created_at:
#   T1 09:00->09:30 1800, T2 10:00->11:00 3600, T3 08:00->08:15 900, T6 09:00->09:20 1200,
#   T7 08:00->08:30 1800, T8 09:00->10:00 3600, T9 10:00->10:00 0, T12 09:00->09:30 1800.
# time_to_close (closed only): T1 09:00->12:00 10800, T2 10:00->14:00 14400,
#   T3 06-05 08:00->06-07 10:00 = 2 d 2 h 180000, T8 09:00->12:00 10800, T11 3600, T12 3600.
# first-response SLA: T1 on_time; T2 response exactly at the deadline: on_time; T4 no
#   response, 06-10 13:00 < now: overdue; T5 deadline exactly at now: pending; T6 09:20 >
#   09:10: late; T7 on_time; T8 10:00 > 09:30 late; T11 closed without response, deadline
#   past: overdue; T12 exactly at the deadline: on_time; T3, T9, T10 no SLA: null.
# close SLA: T1 on_time; T2 exactly at the deadline: on_time; T4 07-01 09:00 > now: pending;
#   T6 not closed, 06-14 09:00 < now: overdue; T8 12:00 > 11:00 late; T11 on_time; others null.
case("ticket_times", """
source: tickets
dimensions: [id, time_to_first_response, time_to_close, first_response_sla_status, close_sla_status]
measures: [count() as n]
""", ("id",), [
    {"id": 1, "time_to_first_response": 1800, "time_to_close": 10800,
     "first_response_sla_status": "on_time", "close_sla_status": "on_time", "n": 1},
    {"id": 2, "time_to_first_response": 3600, "time_to_close": 14400,
     "first_response_sla_status": "on_time", "close_sla_status": "on_time", "n": 1},
    {"id": 3, "time_to_first_response": 900, "time_to_close": 180000,
     "first_response_sla_status": None, "close_sla_status": None, "n": 1},
    {"id": 4, "time_to_first_response": None, "time_to_close": None,
     "first_response_sla_status": "overdue", "close_sla_status": "pending", "n": 1},
    {"id": 5, "time_to_first_response": None, "time_to_close": None,
     "first_response_sla_status": "pending", "close_sla_status": None, "n": 1},
    {"id": 6, "time_to_first_response": 1200, "time_to_close": None,
     "first_response_sla_status": "late", "close_sla_status": "overdue", "n": 1},
    {"id": 7, "time_to_first_response": 1800, "time_to_close": None,
     "first_response_sla_status": "on_time", "close_sla_status": None, "n": 1},
    {"id": 8, "time_to_first_response": 3600, "time_to_close": 10800,
     "first_response_sla_status": "late", "close_sla_status": "late", "n": 1},
    {"id": 9, "time_to_first_response": 0, "time_to_close": None,
     "first_response_sla_status": None, "close_sla_status": None, "n": 1},
    {"id": 10, "time_to_first_response": None, "time_to_close": None,
     "first_response_sla_status": None, "close_sla_status": None, "n": 1},
    {"id": 11, "time_to_first_response": None, "time_to_close": 3600,
     "first_response_sla_status": "overdue", "close_sla_status": "on_time", "n": 1},
    {"id": 12, "time_to_first_response": 1800, "time_to_close": 3600,
     "first_response_sla_status": "on_time", "close_sla_status": None, "n": 1},
])

# reopen_count: T3 closed -> waiting_on_us (06-06), closed -> new (06-07): 2; T6: 1 (see
#   the header); T5 has no history: 0.
# agent_reply_count (outgoing + agent, over all conversations): T1 msg 2: 1; T2 msgs 4, 8
#   (bot 6 not counted): 2; T3 msg 10: 1; T6 msg 14: 1; T7 msgs 16 (conv 6), 19, 20 (conv 7):
#   3; T8 msgs 23, 25 (undelivered still counts): 2; T9 msgs 26, 28: 2; T12 msg 31 (bots 30,
#   32 not counted): 1; T4 (incoming only), T5, T10, T11 (no conversation): 0.
# first_contact_resolution (closed only): T1 true, T2 false (2 replies), T3 false
#   (reopened), T8 false (2 replies), T11 false (0 replies), T12 true; open tickets null.
# first_response_sla_met / close_sla_met: on_time -> true, late/overdue -> false, else null.
case("ticket_counts", """
source: tickets
dimensions:
  - id
  - reopen_count
  - agent_reply_count
  - first_contact_resolution
  - is_closed
  - is_reopened
  - first_response_sla_met
  - close_sla_met
measures:
  - count() as n
""", ("id",), [
    {"id": 1, "reopen_count": 0, "agent_reply_count": 1, "first_contact_resolution": True,
     "is_closed": True, "is_reopened": False, "first_response_sla_met": True, "close_sla_met": True, "n": 1},
    {"id": 2, "reopen_count": 0, "agent_reply_count": 2, "first_contact_resolution": False,
     "is_closed": True, "is_reopened": False, "first_response_sla_met": True, "close_sla_met": True, "n": 1},
    {"id": 3, "reopen_count": 2, "agent_reply_count": 1, "first_contact_resolution": False,
     "is_closed": True, "is_reopened": True, "first_response_sla_met": None, "close_sla_met": None, "n": 1},
    {"id": 4, "reopen_count": 0, "agent_reply_count": 0, "first_contact_resolution": None,
     "is_closed": False, "is_reopened": False, "first_response_sla_met": False, "close_sla_met": None, "n": 1},
    {"id": 5, "reopen_count": 0, "agent_reply_count": 0, "first_contact_resolution": None,
     "is_closed": False, "is_reopened": False, "first_response_sla_met": None, "close_sla_met": None, "n": 1},
    {"id": 6, "reopen_count": 1, "agent_reply_count": 1, "first_contact_resolution": None,
     "is_closed": False, "is_reopened": True, "first_response_sla_met": False, "close_sla_met": False, "n": 1},
    {"id": 7, "reopen_count": 0, "agent_reply_count": 3, "first_contact_resolution": None,
     "is_closed": False, "is_reopened": False, "first_response_sla_met": True, "close_sla_met": None, "n": 1},
    {"id": 8, "reopen_count": 0, "agent_reply_count": 2, "first_contact_resolution": False,
     "is_closed": True, "is_reopened": False, "first_response_sla_met": False, "close_sla_met": False, "n": 1},
    {"id": 9, "reopen_count": 0, "agent_reply_count": 2, "first_contact_resolution": None,
     "is_closed": False, "is_reopened": False, "first_response_sla_met": None, "close_sla_met": None, "n": 1},
    {"id": 10, "reopen_count": 0, "agent_reply_count": 0, "first_contact_resolution": None,
     "is_closed": False, "is_reopened": False, "first_response_sla_met": None, "close_sla_met": None, "n": 1},
    {"id": 11, "reopen_count": 0, "agent_reply_count": 0, "first_contact_resolution": False,
     "is_closed": True, "is_reopened": False, "first_response_sla_met": False, "close_sla_met": True, "n": 1},
    {"id": 12, "reopen_count": 0, "agent_reply_count": 1, "first_contact_resolution": True,
     "is_closed": True, "is_reopened": False, "first_response_sla_met": True, "close_sla_met": None, "n": 1},
])

# Counts per first-response SLA status: on_time T1 T2 T7 T12, late T6 T8, overdue T4 T11,
# pending T5, null T3 T9 T10.
case("first_response_sla_status_counts", """
source: tickets
dimensions: [first_response_sla_status]
measures: [count() as tickets]
""", ("first_response_sla_status",), [
    {"first_response_sla_status": "on_time", "tickets": 4},
    {"first_response_sla_status": "late", "tickets": 2},
    {"first_response_sla_status": "overdue", "tickets": 2},
    {"first_response_sla_status": "pending", "tickets": 1},
    {"first_response_sla_status": None, "tickets": 3},
])

# close SLA: on_time T1 T2 T11, late T8, overdue T6, pending T4, null T3 T5 T7 T9 T10 T12.
case("close_sla_status_counts", """
source: tickets
dimensions: [close_sla_status]
measures: [count() as tickets]
""", ("close_sla_status",), [
    {"close_sla_status": "on_time", "tickets": 3},
    {"close_sla_status": "late", "tickets": 1},
    {"close_sla_status": "overdue", "tickets": 1},
    {"close_sla_status": "pending", "tickets": 1},
    {"close_sla_status": None, "tickets": 6},
])

# ---------------------------------------------------------------------------------------
# messages.reply_time, shifts.duration
# ---------------------------------------------------------------------------------------

# Outgoing messages. reply_time = reply - first incoming since the previous agent reply:
#   2: 09:30 - 09:00 (msg 1) = 1800          4: 11:00 - 10:00 (msg 3) = 3600
#   8: 12:30 - 11:30 (msg 5; msg 7 and bot 6 in between) = 3600
#   10: 08:15 - 08:00 = 900   14: 09:20 - 09:00 = 1200   16: 08:30 - 08:00 = 1800
#   19: 09:45 - 09:30 = 900   20: second reply in a row, nothing came in: null
#   23: 10:00 - 09:00 = 3600  25: 11:10 - 11:00 = 600 (undelivered, still a reply)
#   26: the conversation starts with it, nothing to answer: null   28: 11:40 - 11:00 = 2400
#   31: 09:30 - 09:00 = 1800 (bot 30 in between is no reply)   34: 15:05 - 15:00 = 300
#   bots 6, 30, 32: not agent replies, null.
case("outgoing_reply_times", """
source: messages
dimensions: [id, is_agent_reply, reply_time]
measures: [count() as n]
filters: ["direction = 'outgoing'"]
""", ("id",), [
    {"id": 2, "is_agent_reply": True, "reply_time": 1800, "n": 1},
    {"id": 4, "is_agent_reply": True, "reply_time": 3600, "n": 1},
    {"id": 6, "is_agent_reply": False, "reply_time": None, "n": 1},
    {"id": 8, "is_agent_reply": True, "reply_time": 3600, "n": 1},
    {"id": 10, "is_agent_reply": True, "reply_time": 900, "n": 1},
    {"id": 14, "is_agent_reply": True, "reply_time": 1200, "n": 1},
    {"id": 16, "is_agent_reply": True, "reply_time": 1800, "n": 1},
    {"id": 19, "is_agent_reply": True, "reply_time": 900, "n": 1},
    {"id": 20, "is_agent_reply": True, "reply_time": None, "n": 1},
    {"id": 23, "is_agent_reply": True, "reply_time": 3600, "n": 1},
    {"id": 25, "is_agent_reply": True, "reply_time": 600, "n": 1},
    {"id": 26, "is_agent_reply": True, "reply_time": None, "n": 1},
    {"id": 28, "is_agent_reply": True, "reply_time": 2400, "n": 1},
    {"id": 30, "is_agent_reply": False, "reply_time": None, "n": 1},
    {"id": 31, "is_agent_reply": True, "reply_time": 1800, "n": 1},
    {"id": 32, "is_agent_reply": False, "reply_time": None, "n": 1},
    {"id": 34, "is_agent_reply": True, "reply_time": 300, "n": 1},
])

# The 17 incoming messages never have a reply_time.
case("incoming_have_no_reply_time", """
source: messages
measures: [count() as n, count(reply_time) as timed]
filters: ["direction = 'incoming'"]
""", (), [
    {"n": 17, "timed": 0},
])

# Overall: 14 agent replies, 12 with a reply_time, summing to 22500 s: mean 1875 s = 31.25 min.
case("reply_time_overall", """
source: messages
measures:
  - count_if(is_agent_reply) as agent_replies
  - count(reply_time) as timed
  - avg_reply_time_minutes
""", (), [
    {"agent_replies": 14, "timed": 12, "avg_reply_time_minutes": 31.25},
])

# By the replying agent: Alice msgs 2, 4, 8, 16, 19, 31 = 1800+3600+3600+1800+900+1800
# = 13500 / 6 = 2250 s = 37.5 min; Bob msgs 10, 14, 23, 25, 34 = 900+1200+3600+600+300 =
# 6600 / 5 = 1320 s = 22 min; Carol msg 28 = 2400 s = 40 min.
case("reply_time_by_owner", """
source: messages
dimensions:
  - field: owner.name
    as: owner
measures:
  - count() as replies
  - avg(reply_time) as avg_reply
  - avg_reply_time_minutes
filters: [reply_time is not null]
""", ("owner",), [
    {"owner": "Alice Martin", "replies": 6, "avg_reply": 2250, "avg_reply_time_minutes": 37.5},
    {"owner": "Bob Chen", "replies": 5, "avg_reply": 1320, "avg_reply_time_minutes": 22.0},
    {"owner": "Carol Diaz", "replies": 1, "avg_reply": 2400, "avg_reply_time_minutes": 40.0},
])

# duration: 08:00-16:00 28800, 09:00-13:30 16200, 10:00-18:00 28800, 22:00-00:30 next day 9000.
case("shift_durations", """
source: shifts
dimensions: [id, duration]
measures: [count() as n]
""", ("id",), [
    {"id": 1, "duration": 28800, "n": 1},
    {"id": 2, "duration": 16200, "n": 1},
    {"id": 3, "duration": 28800, "n": 1},
    {"id": 4, "duration": 9000, "n": 1},
])

# Alice shifts 1, 2: 45000; Bob shift 3: 28800; Carol none: 0 shifts, sum null; Dave 9000.
case("owner_shift_time", """
source: owners
dimensions: [name]
measures:
  - count(shifts) as shifts
  - sum(shifts.duration) as shift_seconds
""", ("name",), [
    {"name": "Alice Martin", "shifts": 2, "shift_seconds": 45000},
    {"name": "Bob Chen", "shifts": 1, "shift_seconds": 28800},
    {"name": "Carol Diaz", "shifts": 0, "shift_seconds": None},
    {"name": "Dave Evans", "shifts": 1, "shift_seconds": 9000},
])

# ---------------------------------------------------------------------------------------
# ticket_status_periods
# ---------------------------------------------------------------------------------------

# Stays (closed left out; the last one runs to now = 06-30 12:00):
#   T1 new 1800, woc 9000 | T2 new 3600, woc 10800 | T3 new 600, wou 6600, wou 10800, new 7200
#   T4 new 06-10 09:00 -> now = 20 d 3 h = 1738800 | T5 none
#   T6 new 1200, woc 06-12 09:20 -> 06-13 09:00 = 85200, wou 06-13 09:00 -> now = 17 d 3 h = 1479600
#   T7 new 1800, woc 1800, wou 09:00 -> now 10800 | T8 new 3600, woc 7200
#   T9 new 6000, woc 06-20 11:40 -> now = 10 d 20 min = 865200
#   T10 new 06-25 09:00 -> 07-01 09:00 = 518400, wou starts after now: 0
#   T11 new 3600 | T12 new 1800, woc 1800
# new: 12 stays, 1800+3600+600+7200+1738800+1200+1800+3600+6000+518400+3600+1800 = 2288400
# waiting_on_contact: 7 stays, 9000+10800+85200+1800+7200+865200+1800 = 981000
# waiting_on_us: 5 stays, 6600+10800+1479600+10800+0 = 1507800
case("status_periods_by_status", """
source: ticket_status_periods
dimensions: [status]
measures:
  - count() as stays
  - sum(seconds) as seconds
""", ("status",), [
    {"status": "new", "stays": 12, "seconds": 2288400},
    {"status": "waiting_on_contact", "stays": 7, "seconds": 981000},
    {"status": "waiting_on_us", "stays": 5, "seconds": 1507800},
])

case("status_periods_rows", """
source: ticket_status_periods
dimensions: [ticket_id, status, started_at, ended_at, seconds]
measures: [count() as n]
filters: ["ticket_id in (3, 6, 10)"]
""", ("ticket_id", "status", "started_at"), [
    {"ticket_id": 3, "status": "new", "started_at": "2025-06-05 08:00:00",
     "ended_at": "2025-06-05 08:10:00", "seconds": 600, "n": 1},
    {"ticket_id": 3, "status": "waiting_on_us", "started_at": "2025-06-05 08:10:00",
     "ended_at": "2025-06-05 10:00:00", "seconds": 6600, "n": 1},
    {"ticket_id": 3, "status": "waiting_on_us", "started_at": "2025-06-06 09:00:00",
     "ended_at": "2025-06-06 12:00:00", "seconds": 10800, "n": 1},
    {"ticket_id": 3, "status": "new", "started_at": "2025-06-07 08:00:00",
     "ended_at": "2025-06-07 10:00:00", "seconds": 7200, "n": 1},
    {"ticket_id": 6, "status": "new", "started_at": "2025-06-12 09:00:00",
     "ended_at": "2025-06-12 09:20:00", "seconds": 1200, "n": 1},
    {"ticket_id": 6, "status": "waiting_on_contact", "started_at": "2025-06-12 09:20:00",
     "ended_at": "2025-06-13 09:00:00", "seconds": 85200, "n": 1},
    {"ticket_id": 6, "status": "waiting_on_us", "started_at": "2025-06-13 09:00:00",
     "ended_at": "2025-06-30 12:00:00", "seconds": 1479600, "n": 1},
    {"ticket_id": 10, "status": "new", "started_at": "2025-06-25 09:00:00",
     "ended_at": "2025-07-01 09:00:00", "seconds": 518400, "n": 1},
    {"ticket_id": 10, "status": "waiting_on_us", "started_at": "2025-07-01 09:00:00",
     "ended_at": "2025-07-01 09:00:00", "seconds": 0, "n": 1},
])

# Through tickets.ticket_status_periods, by the ticket's priority:
#   high T1 T2 T11: 5 stays, 10800+14400+3600 = 28800
#   low T3 T8 T10: 8 stays, 25200+10800+518400 = 554400
#   medium T6 T7 T9 T12: 10 stays, 1566000+14400+871200+3600 = 2455200
#   urgent T4 T5: 1 stay, 1738800 (T5 has none; the ticket is still counted)
case("status_periods_through_tickets", """
source: tickets
dimensions: [priority]
measures:
  - count() as tickets
  - count(ticket_status_periods) as stays
  - sum(ticket_status_periods.seconds) as status_seconds
""", ("priority",), [
    {"priority": "high", "tickets": 3, "stays": 5, "status_seconds": 28800},
    {"priority": "low", "tickets": 3, "stays": 8, "status_seconds": 554400},
    {"priority": "medium", "tickets": 4, "stays": 10, "status_seconds": 2455200},
    {"priority": "urgent", "tickets": 2, "stays": 1, "status_seconds": 1738800},
])

# waiting_on_us stays by ticket.priority: low T3 6600 + 10800, T10 0 -> 3, 17400;
# medium T6 1479600, T7 10800 -> 2, 1490400.
case("status_periods_by_ticket_priority", """
source: ticket_status_periods
dimensions:
  - field: ticket.priority
    as: priority
measures:
  - count() as stays
  - sum(seconds) as seconds
filters: ["status = 'waiting_on_us'"]
""", ("priority",), [
    {"priority": "low", "stays": 3, "seconds": 17400},
    {"priority": "medium", "stays": 2, "seconds": 1490400},
])

# ---------------------------------------------------------------------------------------
# response_turns
# ---------------------------------------------------------------------------------------

# Tickets with next_response_sla_minutes: T2 (60), T4 (240), T7 (120), T9 (30).
#   T2 conv 2: reply 4 (11:00), then msg 5 at 11:30 starts a turn (due 12:30); bot 6 and
#     msg 7 do not change it; reply 8 at 12:30, exactly at the deadline: on_time, 3600 s.
#   T4 conv 4: no agent reply at all: no turn (first incoming messages never start one).
#   T7 conv 6: reply 16, msg 17 at 09:00 starts a turn due 11:00, no reply, now 12:00: overdue.
#   T7 conv 7: replies 19 and 20 in a row (no turn between them), msg 21 at 10:00 starts a
#     turn due 12:00 = now: pending.
#   T9 conv 9: starts with agent msg 26; msg 27 at 11:00 starts a turn due 11:30; reply 28
#     at 11:40: late, 2400 s.
#   T8 (two replies, no SLA) and conversation 11 (no ticket): none.
case("response_turn_rows", """
source: response_turns
dimensions: [ticket_id, conversation_id, started_at, due_at, replied_at, reply_seconds, sla_status]
measures: [count() as n]
""", ("ticket_id", "conversation_id", "started_at"), [
    {"ticket_id": 2, "conversation_id": 2, "started_at": "2025-06-03 11:30:00",
     "due_at": "2025-06-03 12:30:00", "replied_at": "2025-06-03 12:30:00", "reply_seconds": 3600,
     "sla_status": "on_time", "n": 1},
    {"ticket_id": 7, "conversation_id": 6, "started_at": "2025-06-30 09:00:00",
     "due_at": "2025-06-30 11:00:00", "replied_at": None, "reply_seconds": None,
     "sla_status": "overdue", "n": 1},
    {"ticket_id": 7, "conversation_id": 7, "started_at": "2025-06-30 10:00:00",
     "due_at": "2025-06-30 12:00:00", "replied_at": None, "reply_seconds": None,
     "sla_status": "pending", "n": 1},
    {"ticket_id": 9, "conversation_id": 9, "started_at": "2025-06-20 11:00:00",
     "due_at": "2025-06-20 11:30:00", "replied_at": "2025-06-20 11:40:00", "reply_seconds": 2400,
     "sla_status": "late", "n": 1},
])

# By conversation.channel: chat (convs 2, 6, 7): on_time, overdue, pending -> rate 1 of 2
# decided = 50, mean reply 3600; email (conv 9): late -> 0, mean reply 2400.
case("response_turns_by_channel", """
source: response_turns
dimensions:
  - field: conversation.channel
    as: channel
measures:
  - count() as turns
  - next_response_sla_rate
  - avg(reply_seconds) as avg_reply
""", ("channel",), [
    {"channel": "chat", "turns": 3, "next_response_sla_rate": 50.0, "avg_reply": 3600},
    {"channel": "email", "turns": 1, "next_response_sla_rate": 0.0, "avg_reply": 2400},
])

# Through tickets: high T2 1 turn on_time -> 100; medium T7 (overdue, pending) + T9 (late):
# 3 turns, 0 of 2 decided -> 0; low and urgent: no turn -> 0 turns, rate null.
case("response_turns_through_tickets", """
source: tickets
dimensions: [priority]
measures:
  - count(response_turns) as turns
  - next_response_sla_rate
""", ("priority",), [
    {"priority": "high", "turns": 1, "next_response_sla_rate": 100.0},
    {"priority": "low", "turns": 0, "next_response_sla_rate": None},
    {"priority": "medium", "turns": 3, "next_response_sla_rate": 0.0},
    {"priority": "urgent", "turns": 0, "next_response_sla_rate": None},
])

# The time field of response_turns is started_at: only T7's two turns start on 06-30.
case("response_turns_date_range", """
source: response_turns
date_range:
  from: 2025-06-30
  to: 2025-07-01
dimensions: [sla_status]
measures: [count() as turns]
""", ("sla_status",), [
    {"sla_status": "overdue", "turns": 1},
    {"sla_status": "pending", "turns": 1},
])

# ---------------------------------------------------------------------------------------
# Named measures
# ---------------------------------------------------------------------------------------

# By survey type (each measure only counts its own survey type, else null):
#   csat 5, 2, 4, 3, 5: 3 of 5 score 4-5 -> 60; mean 19/5 = 3.8
#   ces 4, 2, 6, 7, 5: 3 easy (5-7), 1 hard (1-3), 4 neutral -> 100 * (3-1)/5 = 40; mean 24/5 = 4.8
#   nps 10, 9, 6, 7, 8, 0, 4, 9, 10, 9: 5 promoters, 3 detractors, 2 passives -> 100*(5-3)/10 = 20
case("feedback_by_survey_type", """
source: feedback_submissions
dimensions: [survey_type]
measures: [count() as n, csat, csat_score, ces, ces_score, nps]
""", ("survey_type",), [
    {"survey_type": "ces", "n": 5, "csat": None, "csat_score": None, "ces": 40.0, "ces_score": 4.8,
     "nps": None},
    {"survey_type": "csat", "n": 5, "csat": 60.0, "csat_score": 3.8, "ces": None, "ces_score": None,
     "nps": None},
    {"survey_type": "nps", "n": 10, "csat": None, "csat_score": None, "ces": None, "ces_score": None,
     "nps": 20.0},
])

case("feedback_overall", """
source: feedback_submissions
measures: [count() as n, csat, csat_score, ces, ces_score, nps]
""", (), [
    {"n": 20, "csat": 60.0, "csat_score": 3.8, "ces": 40.0, "ces_score": 4.8, "nps": 20.0},
])

# No row to count: every measure is null, count() is 0.
case("feedback_no_rows", """
source: feedback_submissions
measures: [count() as n, csat, csat_score, ces, ces_score, nps]
filters: ["score > 100"]
""", (), [
    {"n": 0, "csat": None, "csat_score": None, "ces": None, "ces_score": None, "nps": None},
])

# Feedback measures from tickets (the feedback of each group's tickets), by priority:
#   high T1 T2 T11: nps 10, 9, 6 -> 100*(2-1)/3 = 33.33; csat 5 -> 100; ces 4 -> 0 (neutral)
#   low T3 T8 T10: nps 7, 4 -> 100*(0-1)/2 = -50; csat 2, 3 -> 0; ces 2 -> -100
#   medium T6 T7 T9 T12: nps 8, 0, 9, 10 -> 100*(2-1)/4 = 25; csat 4, 5 -> 100; ces 6, 7, 5 -> 100
#   urgent T4 T5: no feedback -> null
# fcr_rate: high T1 yes, T2 no, T11 no -> 33.33; low T3 no, T8 no (T10 open) -> 0;
#   medium T12 yes (others open) -> 100; urgent: no closed ticket -> null
# avg_handle_time_minutes (closed only): high 600, 1200, 1800 -> 1200 s = 20; low T3 3000
#   (T8 null left out) -> 50; medium T12 900 -> 15 (T6, T7 open); urgent -> null
case("feedback_and_fcr_by_priority", """
source: tickets
dimensions: [priority]
measures: [count() as tickets, nps, csat, ces, fcr_rate, avg_handle_time_minutes]
""", ("priority",), [
    {"priority": "high", "tickets": 3, "nps": 100 / 3, "csat": 100.0, "ces": 0.0,
     "fcr_rate": 100 / 3, "avg_handle_time_minutes": 20.0},
    {"priority": "low", "tickets": 3, "nps": -50.0, "csat": 0.0, "ces": -100.0,
     "fcr_rate": 0.0, "avg_handle_time_minutes": 50.0},
    {"priority": "medium", "tickets": 4, "nps": 25.0, "csat": 100.0, "ces": 100.0,
     "fcr_rate": 100.0, "avg_handle_time_minutes": 15.0},
    {"priority": "urgent", "tickets": 2, "nps": None, "csat": None, "ces": None,
     "fcr_rate": None, "avg_handle_time_minutes": None},
])

# Closed tickets by owner: Alice T1 T2 T12: nps 10, 9, 6, 10 -> 100*(3-1)/4 = 50, first
# responses 1800, 3600, 1800 -> 2400; Bob T3 T8: nps 7, 4 -> -50, frt 900, 3600 -> 2250;
# Carol T11: no feedback, no response -> null, null.
case("closed_tickets_by_owner", """
source: tickets
dimensions:
  - field: owner.name
    as: owner
measures: [count() as tickets, nps, "avg(time_to_first_response) as frt"]
filters: ["status = 'closed'"]
""", ("owner",), [
    {"owner": "Alice Martin", "tickets": 3, "nps": 50.0, "frt": 2400},
    {"owner": "Bob Chen", "tickets": 2, "nps": -50.0, "frt": 2250},
    {"owner": "Carol Diaz", "tickets": 1, "nps": None, "frt": None},
])

# From owners: Alice T1 T2 T7 T12: closed T1 (fcr), T2, T12 (fcr) -> 66.67; handle 600,
# 1200, 900 -> 900 s = 15 min; nps 10, 9, 6, 0, 10 -> 100*(3-2)/5 = 20.
# Bob T3 T6 T8: closed T3, T8, none fcr -> 0; handle 3000 (T8 null) -> 50; nps 7, 8, 4 -> -33.33.
# Carol T9 T11: closed T11 no -> 0; 1800 -> 30; nps 9 -> 100.
# Dave T10: open, no feedback -> null, null, null.
case("fcr_by_owner", """
source: owners
dimensions: [name]
measures: [count(tickets) as tickets, fcr_rate, avg_handle_time_minutes, nps]
""", ("name",), [
    {"name": "Alice Martin", "tickets": 4, "fcr_rate": 200 / 3, "avg_handle_time_minutes": 15.0,
     "nps": 20.0},
    {"name": "Bob Chen", "tickets": 3, "fcr_rate": 0.0, "avg_handle_time_minutes": 50.0,
     "nps": -100 / 3},
    {"name": "Carol Diaz", "tickets": 2, "fcr_rate": 0.0, "avg_handle_time_minutes": 30.0,
     "nps": 100.0},
    {"name": "Dave Evans", "tickets": 1, "fcr_rate": None, "avg_handle_time_minutes": None,
     "nps": None},
])

# All tickets: closed T1 T2 T3 T8 T11 T12; fcr T1 T12 -> 2/6 = 33.33; handle of closed 600,
# 1200, 3000, 1800, 900 (T8 null) -> 7500/5 = 1500 s = 25 min; reopened among closed: T3 ->
# 1/6 = 16.67; first-response SLA decided 8 (on_time 4) -> 50; close SLA decided 5 (on_time
# 3: T1 T2 T11; late T8; overdue T6; pending T4 left out) -> 60; mean first response
# (1800+3600+900+1200+1800+3600+0+1800)/8 = 1837.5 s = 0.5104 h; mean time to close
# (10800+14400+180000+10800+3600+3600)/6 = 37200 s = 10.333 h; reopens T3 2 + T6 1 = 3;
# agent replies 1+2+1+1+3+2+2+1 = 13 (message 34 has no ticket).
case("ticket_kpis", """
source: tickets
measures:
  - count() as tickets
  - count_if(first_contact_resolution) as fcr_tickets
  - fcr_rate
  - avg_handle_time_minutes
  - reopen_rate
  - first_response_sla_rate
  - close_sla_rate
  - avg_first_response_hours
  - avg_time_to_close_hours
  - sum(reopen_count) as reopens
  - sum(agent_reply_count) as agent_replies
""", (), [
    {"tickets": 12, "fcr_tickets": 2, "fcr_rate": 100 / 3, "avg_handle_time_minutes": 25.0,
     "reopen_rate": 100 / 6, "first_response_sla_rate": 50.0, "close_sla_rate": 60.0,
     "avg_first_response_hours": 1837.5 / 3600, "avg_time_to_close_hours": 37200 / 3600,
     "reopens": 3, "agent_replies": 13},
])

case("ticket_kpis_no_rows", """
source: tickets
measures:
  - count() as tickets
  - fcr_rate
  - avg_handle_time_minutes
  - reopen_rate
  - first_response_sla_rate
  - close_sla_rate
  - avg_first_response_hours
  - avg_time_to_close_hours
filters: ["priority = 'none'"]
""", (), [
    {"tickets": 0, "fcr_rate": None, "avg_handle_time_minutes": None, "reopen_rate": None,
     "first_response_sla_rate": None, "close_sla_rate": None, "avg_first_response_hours": None,
     "avg_time_to_close_hours": None},
])


# ---------------------------------------------------------------------------------------
# ticket_events (extra): created / first_response / closed / open_now on one time axis
# ---------------------------------------------------------------------------------------

# created: the 12 tickets, from T1 06-02 09:00 to T5 06-30 11:00.
# first_response: T1 1800, T2 3600, T3 900, T6 1200, T7 1800 (06-30 08:30, the last),
#   T8 3600, T9 0, T12 1800: 8 events, 14700 s, mean 1837.5 s; first 06-02 09:30 (T1).
# closed (status closed): T1 10800 (06-02 12:00, the first), T2 14400, T3 180000,
#   T8 10800, T11 3600, T12 3600 (06-18 10:00, the last): 6 events, mean 223200 / 6 = 37200.
# open_now: the tickets not closed, all created before now: T4 T5 T6 T7 T9 T10, dated now.
case("ticket_events_by_event", """
source: ticket_events
dimensions: [event]
measures:
  - count() as events
  - count_distinct(ticket_id) as tickets
  - avg(seconds) as avg_seconds
  - min(at) as first_at
  - max(at) as last_at
""", ("event",), [
    {"event": "closed", "events": 6, "tickets": 6, "avg_seconds": 37200,
     "first_at": "2025-06-02 12:00:00", "last_at": "2025-06-18 10:00:00"},
    {"event": "created", "events": 12, "tickets": 12, "avg_seconds": None,
     "first_at": "2025-06-02 09:00:00", "last_at": "2025-06-30 11:00:00"},
    {"event": "first_response", "events": 8, "tickets": 8, "avg_seconds": 1837.5,
     "first_at": "2025-06-02 09:30:00", "last_at": "2025-06-30 08:30:00"},
    {"event": "open_now", "events": 6, "tickets": 6, "avg_seconds": None,
     "first_at": "2025-06-30 12:00:00", "last_at": "2025-06-30 12:00:00"},
])

# Today (06-30) by the team of the ticket's owner (Alice, Carol: Tier 1; Bob: Tier 2; Dave:
# no team; T4, T5: no owner): created T7 (Alice) and T5 (none); first response T7 1800 s =
# 0.5 h; nothing closed; open now T7, T9 (Tier 1), T6 (Tier 2), T4, T5, T10 (null);
# overdue first response among them: T4 only (T5 pending, T6 late, T7 on time, T9 T10 none).
case("ticket_events_team_summary_today", """
source: ticket_events
date_range: {preset: today}
dimensions:
  - field: ticket.owner.team.name
    as: team
measures:
  - count_if(event = 'created') as created
  - count_if(event = 'closed') as closed
  - count_if(event = 'open_now') as open_now
  - count_if(event = 'open_now' and ticket.first_response_sla_status = 'overdue') as overdue_now
  - hours(avg_if(seconds, event = 'first_response')) as avg_first_response_hours
""", ("team",), [
    {"team": "Tier 1", "created": 1, "closed": 0, "open_now": 2, "overdue_now": 0,
     "avg_first_response_hours": 0.5},
    {"team": "Tier 2", "created": 0, "closed": 0, "open_now": 1, "overdue_now": 0,
     "avg_first_response_hours": None},
    {"team": None, "created": 1, "closed": 0, "open_now": 3, "overdue_now": 1,
     "avg_first_response_hours": None},
])

# A range without now has no open_now rows: [06-01, 06-30) keeps 10 created (not T5, T7),
# 7 first responses (not T7), the 6 closes.
case("ticket_events_range_without_now", """
source: ticket_events
date_range: {from: 2025-06-01, to: 2025-06-30}
measures:
  - count_if(event = 'created') as created
  - count_if(event = 'first_response') as first_responses
  - count_if(event = 'closed') as closed
  - count_if(event = 'open_now') as open_now
""", (), [
    {"created": 10, "first_responses": 7, "closed": 6, "open_now": 0},
])

# ---------------------------------------------------------------------------------------
# agent_workload (extra) and the utilization measure
# ---------------------------------------------------------------------------------------

# Closed tickets: T1 Alice 06-02 12:00 600 s, T2 Alice 06-03 14:00 1200, T3 Bob 06-07 10:00
# 3000, T8 Bob 06-15 12:00 (no handle time), T11 Carol 06-16 10:00 1800, T12 Alice 06-18
# 10:00 900. Shifts: Alice 06-02 28800 and 06-03 16200, Bob 06-02 28800, Dave 06-25 22:00 ->
# 06-26 00:30 9000.
# [06-02, 06-17): Alice T1 + T2 = 1800 over 45000 -> 4 %; T12 (closed 06-18) is outside.
#   Bob T3 3000 (+ T8 null) over 28800 -> 10.4167 %. Carol T11 1800, no shift -> null.
#   Dave: no closed ticket, his shift is outside: no row.
case("agent_workload_utilization", """
source: agent_workload
date_range: {from: 2025-06-02, to: 2025-06-17}
dimensions:
  - field: owner.name
    as: owner
measures:
  - utilization
  - sum(handle_seconds) as handle_seconds
  - sum(shift_seconds) as shift_seconds
  - count_if(kind = 'ticket') as tickets
  - count_if(kind = 'shift') as shifts
""", ("owner",), [
    {"owner": "Alice Martin", "utilization": 4.0, "handle_seconds": 1800, "shift_seconds": 45000,
     "tickets": 2, "shifts": 2},
    {"owner": "Bob Chen", "utilization": 100 * 3000 / 28800, "handle_seconds": 3000,
     "shift_seconds": 28800, "tickets": 2, "shifts": 1},
    {"owner": "Carol Diaz", "utilization": None, "handle_seconds": 1800, "shift_seconds": None,
     "tickets": 1, "shifts": 0},
])

# [06-18, 06-26): Alice T12 900, no shift -> null. Dave's shift starts 06-25 22:00 and ends
# after the range: counted whole, 9000 s, nothing handled -> 0 %.
case("agent_workload_shift_started_in_range", """
source: agent_workload
date_range: {from: 2025-06-18, to: 2025-06-26}
dimensions:
  - field: owner.name
    as: owner
measures:
  - utilization
  - sum(handle_seconds) as handle_seconds
  - sum(shift_seconds) as shift_seconds
""", ("owner",), [
    {"owner": "Alice Martin", "utilization": None, "handle_seconds": 900, "shift_seconds": None},
    {"owner": "Dave Evans", "utilization": 0.0, "handle_seconds": None, "shift_seconds": 9000},
])

# utilization from owners (owners.agent_workload), all time: Alice 600 + 1200 + 900 = 2700
# over 45000 -> 6 %; Bob 3000 / 28800; Carol no shift -> null; Dave 0 / 9000 -> 0.
case("utilization_from_owners", """
source: owners
dimensions: [name]
measures: [utilization]
""", ("name",), [
    {"name": "Alice Martin", "utilization": 6.0},
    {"name": "Bob Chen", "utilization": 100 * 3000 / 28800},
    {"name": "Carol Diaz", "utilization": None},
    {"name": "Dave Evans", "utilization": 0.0},
])


# ---------------------------------------------------------------------------------------
# Running and comparing
# ---------------------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def normalize(value):
    """Timestamps (either ISO spelling, any offset) -> naive UTC datetime; numbers -> float."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _TIMESTAMP.match(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        return moment
    return value


def assert_rows(actual: list[dict], expected: list[dict], keys: tuple):
    """Same columns in order, same rows (matched by `keys`, any order), numbers approx."""
    columns = list(expected[0])
    for row in actual:
        assert list(row) == columns, f"columns {list(row)} != {columns}"
    by_key = {}
    for row in actual:
        key = tuple(normalize(row[k]) for k in keys)
        assert key not in by_key, f"two rows for {key}"
        by_key[key] = row
    wanted = {tuple(normalize(row[k]) for k in keys): row for row in expected}
    assert set(by_key) == set(wanted), (
        f"missing {sorted(map(repr, set(wanted) - set(by_key)))}, "
        f"unexpected {sorted(map(repr, set(by_key) - set(wanted)))}")
    for key, want in wanted.items():
        got = by_key[key]
        for column in columns:
            w, g = normalize(want[column]), normalize(got[column])
            if isinstance(w, float):
                assert isinstance(g, float) and g == pytest.approx(w, rel=1e-9, abs=1e-9), \
                    f"{key} {column}: {got[column]!r} != {want[column]!r}"
            else:
                assert g == w and type(g) is type(w), f"{key} {column}: {got[column]!r} != {want[column]!r}"


def run_report(tmp_path: Path, spec: str) -> list[dict]:
    path = tmp_path / "spec.yaml"
    path.write_text(spec.lstrip(), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "reportbuilder", "run", str(path), "--data", str(FIXTURES),
         "--format", "json", "--now", NOW],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr}"
    return json.loads(proc.stdout)


@pytest.mark.parametrize("spec,keys,rows", CASES)
def test_vocabulary_report(tmp_path, spec, keys, rows):
    assert_rows(run_report(tmp_path, spec), rows, keys)
