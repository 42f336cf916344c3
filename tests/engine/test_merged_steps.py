"""Steps the planner merges (plan.merge_steps) and to-many filters it turns into existence tests
(plan.semi_joins): the plan takes the faster shape, and the numbers stay those worked out by hand.

    ticket  priority handle  conversations (channel)        calls (duration)   feedback (score)
    T1      high     100     -                              -                  F1 5
    T2      low      200     C1 chat                        K1 60, K2 null     F2 null
    T3      high     300     C2 chat, C3 email, C4 email    K3 30              F3 1, F4 3
    T4      low      null    C5 chat                        -                  -
    (no ticket)              C6 chat (ticket null), C7 (ticket 99)   K4 90 (ticket null)

    messages: C1: M1 bot outgoing, M2 customer incoming; C2: M3 agent outgoing;
              C3: M4 bot incoming; C5: M5 customer incoming
"""
from __future__ import annotations

import pytest

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.compile import checked_plan
from reportbuilder.load.load_spec import load_spec_text
from reportbuilder.plan.query_plan import PreGrouped

from .fixture_data import run_report, write_tables

T = "2025-06-0{}T09:00:00"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("merged"),
        tickets=[
            {"id": 1, "priority": "high", "status": "open", "created_at": T.format(1), "handle_time_seconds": 100},
            {"id": 2, "priority": "low", "status": "open", "created_at": T.format(2), "handle_time_seconds": 200},
            {"id": 3, "priority": "high", "status": "closed", "created_at": T.format(3), "handle_time_seconds": 300},
            {"id": 4, "priority": "low", "status": "open", "created_at": T.format(4)},
        ],
        conversations=[
            {"id": 1, "ticket_id": 2, "channel": "chat"},
            {"id": 2, "ticket_id": 3, "channel": "chat"},
            {"id": 3, "ticket_id": 3, "channel": "email"},
            {"id": 4, "ticket_id": 3, "channel": "email"},
            {"id": 5, "ticket_id": 4, "channel": "chat"},
            {"id": 6, "channel": "chat"},
            {"id": 7, "ticket_id": 99, "channel": "chat"},
        ],
        calls=[
            {"id": 1, "ticket_id": 2, "duration_seconds": 60},
            {"id": 2, "ticket_id": 2},
            {"id": 3, "ticket_id": 3, "duration_seconds": 30},
            {"id": 4, "duration_seconds": 90},
        ],
        feedback_submissions=[
            {"id": 1, "ticket_id": 1, "survey_type": "csat", "score": 5},
            {"id": 2, "ticket_id": 2, "survey_type": "csat"},
            {"id": 3, "ticket_id": 3, "survey_type": "csat", "score": 1},
            {"id": 4, "ticket_id": 3, "survey_type": "csat", "score": 3},
        ],
        messages=[
            {"id": 1, "conversation_id": 1, "direction": "outgoing", "sender_type": "bot"},
            {"id": 2, "conversation_id": 1, "direction": "incoming", "sender_type": "customer"},
            {"id": 3, "conversation_id": 2, "direction": "outgoing", "sender_type": "agent"},
            {"id": 4, "conversation_id": 3, "direction": "incoming", "sender_type": "bot"},
            {"id": 5, "conversation_id": 5, "direction": "incoming", "sender_type": "customer"},
        ],
    )


def _plan(text: str):
    return checked_plan(load_spec_text(text, "spec.yaml"), load_catalog())


CHASM = """
source: tickets
dimensions: [priority]
measures:
  - count() as tickets
  - count(conversations) as conversations
  - count(calls) as calls
  - sum(calls.duration_seconds) as call_seconds
  - avg(calls.duration_seconds) as avg_call
  - min(calls.duration_seconds) as shortest
  - count_if(calls.duration_seconds > 40) as long_calls
  - avg(feedback_submissions.score) as avg_score
  - max(feedback_submissions.score) as best
  - sum_if(feedback_submissions.score, feedback_submissions.score < 5) as low_scores
"""


def test_chasm_is_one_pass_over_tickets_with_each_child_pre_aggregated():
    steps = _plan(CHASM).steps
    assert [s.name for s in steps] == ["agg_tickets"]
    assert sorted(b.path for b in steps[0].rows.parts) == [("calls",), ("conversations",), ("feedback_submissions",)]


def test_chasm_numbers(data):
    rows = run_report(CHASM + "sort: [priority]\n", data)
    assert rows == [
        # high: T1, T3. conversations C2-C4 = 3; calls K3 = 1, 30 s; feedback F1 5, F3 1, F4 3
        {"priority": "high", "tickets": 2, "conversations": 3, "calls": 1, "call_seconds": 30, "avg_call": 30.0,
         "shortest": 30, "long_calls": 0, "avg_score": 3.0, "best": 5, "low_scores": 4},
        # low: T2, T4. conversations C1, C5 = 2; calls K1 60, K2 null: 2 calls, sum 60, avg 60 (nulls skipped);
        # feedback F2 null: avg, max and sum_if null
        {"priority": "low", "tickets": 2, "conversations": 2, "calls": 2, "call_seconds": 60, "avg_call": 60.0,
         "shortest": 60, "long_calls": 1, "avg_score": None, "best": None, "low_scores": None},
    ]


def test_chasm_filtered_to_a_group_without_children(data):
    # T1 alone: no conversations or calls: counts 0 (not null), sums and averages null
    rows = run_report("""
source: tickets
measures: [count() as tickets, count(calls) as calls, sum(calls.duration_seconds) as s, avg(calls.duration_seconds) as a]
filters: [id = 1]
""", data)
    assert rows == [{"tickets": 1, "calls": 0, "s": None, "a": None}]


def test_child_filtered_or_grouped_is_not_pre_aggregated(data):
    # a filter on calls applies to joined rows: tickets with a call over 40 s (T2), its calls K1 only
    text = """
source: tickets
measures: [count() as tickets, count(calls) as calls]
filters: [calls.duration_seconds > 40]
"""
    assert not _plan(text).steps[0].rows.parts
    assert run_report(text, data) == [{"tickets": 1, "calls": 1}]


def test_fan_out_dimension_is_one_join(data):
    text = """
source: tickets
dimensions: [conversations.channel]
measures:
  - count() as tickets
  - sum(handle_time_seconds) as handle
  - count(conversations) as conversations
  - min(conversations.id) as first_conversation
  - avg(conversations.id) as avg_conversation
sort: [conversations.channel]
"""
    steps = _plan(text).steps
    assert [s.name for s in steps] == ["agg_tickets"] and [slot for slot, _ in steps[0].rows.merged] == \
        ["agg_conversations_0", "agg_conversations_1", "agg_conversations_2"]
    assert run_report(text, data) == [
        # chat: T2 (C1), T3 (C2), T4 (C5): 3 tickets, handle 200+300 (T3 once), 3 conversations
        {"conversations.channel": "chat", "tickets": 3, "handle": 500, "conversations": 3,
         "first_conversation": 1, "avg_conversation": 8 / 3},
        # email: T3 (C3, C4): handle 300 once, 2 conversations
        {"conversations.channel": "email", "tickets": 1, "handle": 300, "conversations": 2,
         "first_conversation": 3, "avg_conversation": 3.5},
        # no conversation: T1
        {"conversations.channel": None, "tickets": 1, "handle": 100, "conversations": 0,
         "first_conversation": None, "avg_conversation": None},
    ]


BOT = "conversations.messages.sender_type = 'bot'"


def test_to_many_filter_is_an_existence_test(data):
    text = f"""
source: tickets
dimensions: [priority]
measures: [count() as tickets, sum(handle_time_seconds) as handle]
filters: ["{BOT}"]
sort: [priority]
"""
    step = _plan(text).steps[0]
    assert [s.path for s in step.existence] == [("conversations",)] and not step.distinct
    assert step.nodes == ((),)
    # bot messages: M1 (in C1 of T2), M4 (in C3 of T3)
    assert run_report(text, data) == [{"priority": "high", "tickets": 1, "handle": 300},
                                      {"priority": "low", "tickets": 1, "handle": 200}]


def test_filters_on_one_branch_hold_on_the_same_row(data):
    # T2 has a bot message (M1, outgoing) and an incoming one (M2, customer): no incoming bot
    # message. Only T3 (M4) has one row with both.
    rows = run_report(f"""
source: tickets
measures: [count() as tickets]
filters: ["{BOT}", "conversations.messages.direction = 'incoming'"]
""", data)
    assert rows == [{"tickets": 1}]


def test_measure_reading_the_filtered_branch_still_joins_it(data):
    # conversations with a bot message: C1, C3; tickets T2, T3
    text = f"""
source: tickets
measures: [count() as tickets, count(conversations) as conversations]
filters: ["{BOT}"]
"""
    steps = {s.name: s for s in _plan(text).steps}
    assert steps["agg_tickets"].existence and not steps["agg_conversations"].existence
    assert run_report(text, data) == [{"tickets": 2, "conversations": 2}]


@pytest.mark.parametrize("condition, tickets", [
    ("conversations.messages.sender_type is null", 2),  # T1 (no conversation), T3 (C4 has no message)
    ("not conversations.messages.sender_type = 'bot'", 3),  # M2 (T2), M3 (T3), M5 (T4); T1's null row: null
    ("conversations.messages.sender_type = 'bot' or priority = 'high'", 3),  # T1, T3 (high), T2 (M1)
])
def test_filters_true_on_missing_rows_are_not_existence_tests(data, condition, tickets):
    text = f"""
source: tickets
measures: [count() as tickets]
filters: ["{condition}"]
"""
    assert not _plan(text).steps[0].existence
    assert run_report(text, data) == [{"tickets": tickets}]


# Eager aggregation: tickets grouped by owner_id before joining owners and teams.
#   ticket priority owner  handle      owners: O1 Ann (team Blue), O2 Bob (team Blue), O3 Cy (no team)
#   T1     high     O1     100         teams:  Blue
#   T2     high     O2     200
#   T3     low      O1     null
#   T4     low      O3     400
#   T5     high     -      500         (no owner)
#   T6     low      O9     600         (owner missing from owners)

@pytest.fixture(scope="module")
def owned(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("owned"),
        teams=[(1, "Blue")],
        owners=[(1, "Ann", None, 1), (2, "Bob", None, 1), (3, "Cy", None, None)],
        tickets=[{"id": i, "priority": p, "owner_id": o, "created_at": T.format(i), "handle_time_seconds": h}
                 for i, p, o, h in [(1, "high", 1, 100), (2, "high", 2, 200), (3, "low", 1, None),
                                    (4, "low", 3, 400), (5, "high", None, 500), (6, "low", 9, 600)]],
    )


BY_TEAM = """
source: tickets
dimensions: [owner.team.name, priority]
measures: [count() as tickets, avg(handle_time_seconds) as handle, max(handle_time_seconds) as longest,
           count_if(handle_time_seconds > 150) as long_ones]
sort: [owner.team.name, priority]
"""


def test_tickets_are_grouped_before_joining_small_tables(owned):
    assert _plan(BY_TEAM).steps[0].rows == PreGrouped()
    assert run_report(BY_TEAM, owned) == [
        # Blue: T1, T2 (high, avg 150), T3 (low, handle null: avg over no values)
        {"owner.team.name": "Blue", "priority": "high", "tickets": 2, "handle": 150.0, "longest": 200,
         "long_ones": 1},
        {"owner.team.name": "Blue", "priority": "low", "tickets": 1, "handle": None, "longest": None,
         "long_ones": 0},
        # no team: T5 (no owner), T4 (Cy, no team), T6 (unknown owner)
        {"owner.team.name": None, "priority": "high", "tickets": 1, "handle": 500.0, "longest": 500,
         "long_ones": 1},
        {"owner.team.name": None, "priority": "low", "tickets": 2, "handle": 500.0, "longest": 600,
         "long_ones": 2},
    ]


def test_filters_on_joined_tables_apply_after_grouping(owned):
    text = """
source: tickets
dimensions: [priority]
measures: [count() as tickets, sum(handle_time_seconds) as handle]
filters: ["owner.team.name = 'Blue'", "handle_time_seconds is null or priority = 'high'"]
sort: [priority]
"""
    assert _plan(text).steps[0].rows == PreGrouped()
    # Blue tickets T1, T2, T3; the second filter keeps T1, T2 (high) and T3 (null handle)
    assert run_report(text, owned) == [{"priority": "high", "tickets": 2, "handle": 300},
                                       {"priority": "low", "tickets": 1, "handle": None}]


@pytest.mark.parametrize("body", [
    "dimensions: [owner.team.name]\nmeasures: [median(handle_time_seconds) as m]",  # not combinable
    "dimensions: [owner.name]\nmeasures: [count() as n]\nfilters: [\"owner.name != priority\"]",  # mixed filter
    "dimensions: [contact.name]\nmeasures: [count() as n]",  # contacts are not a small table
])
def test_not_grouped_first(body):
    assert _plan("source: tickets\n" + body).steps[0].rows != PreGrouped()
