"""A derived field's `default` is for a row that exists and has no related rows, never for
a missing row (issue 14, item 2): read through a missing link it is null, in dimensions,
filters and measures alike. Every number below is worked out by hand.

    tickets  status  conversations -> messages               status history         replies reopen
    T1       open    C1: outgoing agent, outgoing agent,     new, closed, open      2       1
                         incoming contact, outgoing bot
    T2       new     -                                       -                      0 (def) 0 (def)
    calls    K1 -> T1, K2 -> T2, K3 no ticket, K4 -> 99 (dangling)
    chats    C1 -> T1, C2 no ticket
"""
from __future__ import annotations

import pytest

from .fixture_data import run_report, write_tables
from .test_topologies import rows_sorted, spec

TS = "2025-06-01 09:00:00"


@pytest.fixture(scope="module")
def links(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("derived_defaults"),
        tickets=[{"id": 1, "status": "open", "created_at": TS}, {"id": 2, "status": "new", "created_at": TS}],
        ticket_status_changes=[(1, "new", "2025-06-01 09:00:00"), (1, "closed", "2025-06-02 09:00:00"),
                               (1, "open", "2025-06-03 09:00:00")],
        conversations=[{"id": 1, "ticket_id": 1, "channel": "chat", "started_at": TS},
                       {"id": 2, "ticket_id": None, "channel": "chat", "started_at": TS}],
        messages=[{"id": 1, "conversation_id": 1, "direction": "outgoing", "sender_type": "agent", "sent_at": TS},
                  {"id": 2, "conversation_id": 1, "direction": "outgoing", "sender_type": "agent", "sent_at": TS},
                  {"id": 3, "conversation_id": 1, "direction": "incoming", "sender_type": "contact", "sent_at": TS},
                  {"id": 4, "conversation_id": 1, "direction": "outgoing", "sender_type": "bot", "sent_at": TS}],
        calls=[{"id": 1, "ticket_id": 1, "started_at": TS}, {"id": 2, "ticket_id": 2, "started_at": TS},
               {"id": 3, "ticket_id": None, "started_at": TS}, {"id": 4, "ticket_id": 99, "started_at": TS}],
    )


def test_filter_through_a_missing_link_is_unknown_not_the_default(links):
    # not ticket.is_reopened: K1 false (reopened), K2 true (0 by default), K3/K4 null -> 1 call
    rows = run_report(spec("calls", "filters: [not ticket.is_reopened]\nmeasures: [count() as n]\n"), links)
    assert rows == [{"n": 1}]


def test_is_null_through_a_missing_link_keeps_the_ticketless_calls(links):
    # ticket.reopen_count is null only for K3 (no ticket) and K4 (dangling)
    rows = run_report(spec("calls", "filters: [ticket.reopen_count is null]\nmeasures: [count() as n]\n"), links)
    assert rows == [{"n": 2}]


def test_dimension_through_a_missing_link_is_a_null_group(links):
    # K1 -> 2 replies; K2 -> 0 (T2 exists, no messages); K3, K4 -> null
    rows = run_report(spec("calls", "dimensions: [ticket.agent_reply_count]\nmeasures: [count() as n]\n"), links)
    assert rows_sorted(rows, "ticket.agent_reply_count") == [
        {"ticket.agent_reply_count": None, "n": 2},
        {"ticket.agent_reply_count": 0, "n": 1},
        {"ticket.agent_reply_count": 2, "n": 1},
    ]


def test_measures_through_a_missing_link_count_only_existing_rows(links):
    # tickets reached: T1 (2), T2 (0): sum 2, avg 1.0, count 2; count_if(= 0) 1 (T2 only)
    rows = run_report(spec("calls", """
measures:
  - sum(ticket.agent_reply_count) as replies
  - avg(ticket.agent_reply_count) as average
  - count(ticket.agent_reply_count) as counted
  - count_if(ticket.agent_reply_count = 0) as without
"""), links)
    assert rows == [{"replies": 2, "average": 1.0, "counted": 2, "without": 1}]


def test_the_default_still_applies_to_a_row_without_related_rows(links):
    # tickets: T2 has no history and no messages: reopen_count 0, agent_reply_count 0
    rows = run_report(spec("tickets", """
dimensions: [id, reopen_count, agent_reply_count]
measures: [count() as n]
sort: [id]
"""), links)
    assert rows == [{"id": 1, "reopen_count": 1, "agent_reply_count": 2, "n": 1},
                    {"id": 2, "reopen_count": 0, "agent_reply_count": 0, "n": 1}]


def test_chats_without_a_ticket_have_no_reopen_count(links):
    # conversations filtered by ticket.reopen_count = 0: C1's ticket is reopened, C2 has none -> 0
    rows = run_report(spec("conversations", "filters: [ticket.reopen_count = 0]\nmeasures: [count() as n]\n"),
                      links)
    assert rows == [{"n": 0}]


def test_issue_numbers_on_the_acceptance_data(shared_dir):
    # 220 calls, 65 with a ticket (155 without), 2 of those reopened: 63 not reopened
    data = shared_dir / "acceptance" / "data"
    rows = run_report(spec("calls", "filters: [not ticket.is_reopened]\nmeasures: [count() as n]\n"), data)
    assert rows == [{"n": 63}]
    rows = run_report(spec("calls", "dimensions: [ticket.agent_reply_count]\nmeasures: [count() as n]\n"), data)
    assert {r["ticket.agent_reply_count"]: r["n"] for r in rows}[None] == 155
