"""Aggregation semantics on tiny datasets named by topology, every number worked out by hand.

Each topology is a handful of rows written as CSV in the contract's shape
(fixture_data.write_tables) and several specs run through `rb run` in process
(fixture_data.run_report). The comment above each expectation shows the arithmetic.
The rule under test (spec-language.md): every aggregate is computed over the distinct
rows of the entity its argument belongs to, within each group; filters apply to the
joined rows; a to-many filter keeps the source rows with at least one matching row;
outer joins keep rows without related rows, the missing side null.
"""
from __future__ import annotations

import pytest

from .fixture_data import invoke, run_report, write_tables


def rows_sorted(rows: list[dict], *keys: str) -> list[dict]:
    """Rows in a fixed order (null keys first) for reports whose order the test does not assert."""
    return sorted(rows, key=lambda row: [(row[k] is not None, row[k] if row[k] is not None else 0) for k in keys])


def spec(source: str, body: str) -> str:
    return f"source: {source}\n{body}"


# =========================================================================================
# one_to_many: tickets with 0, 1 and 3 conversations
# =========================================================================================
#   ticket  handle  conversations (channel)
#   T1      100     -
#   T2      200     C1 chat
#   T3      300     C2 chat, C3 email, C4 email
# A plain join gives 5 rows (T1+null, T2+C1, T3+C2, T3+C3, T3+C4): any aggregate over those
# rows would count T3 three times.

@pytest.fixture(scope="module")
def one_to_many(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("one_to_many"),
        tickets=[
            {"id": 1, "subject": "none", "priority": "high", "created_at": "2025-06-01 09:00:00",
             "handle_time_seconds": 100},
            {"id": 2, "subject": "one", "priority": "low", "created_at": "2025-06-02 09:00:00",
             "handle_time_seconds": 200},
            {"id": 3, "subject": "three", "priority": "high", "created_at": "2025-06-03 09:00:00",
             "handle_time_seconds": 300},
        ],
        conversations=[
            {"id": 1, "ticket_id": 2, "channel": "chat", "status": "closed", "started_at": "2025-06-02 09:00:00"},
            {"id": 2, "ticket_id": 3, "channel": "chat", "status": "closed", "started_at": "2025-06-03 09:00:00"},
            {"id": 3, "ticket_id": 3, "channel": "email", "status": "open", "started_at": "2025-06-03 10:00:00"},
            {"id": 4, "ticket_id": 3, "channel": "email", "status": "closed", "started_at": "2025-06-03 11:00:00"},
        ],
    )


def test_one_to_many_totals(one_to_many):
    # count() = 3 tickets (not 5 joined rows); count(conversations) = C1..C4 = 4;
    # sum(handle) = 100 + 200 + 300 = 600 (a join would give 100+200+3*300 = 1200);
    # avg(handle) = 600 / 3 = 200 (a join would give 1200/5 = 240).
    rows = run_report(spec("tickets", """
measures:
  - count() as tickets
  - count(conversations) as conversations
  - sum(handle_time_seconds) as handle
  - avg(handle_time_seconds) as avg_handle
"""), one_to_many)
    assert rows == [{"tickets": 3, "conversations": 4, "handle": 600, "avg_handle": 200}]


def test_one_to_many_grouped_by_to_many_dimension(one_to_many):
    # Grouped by conversations.channel, a ticket belongs to each of its channels:
    #   chat : T2 (C1), T3 (C2)   -> count() 2, count(conversations) 2, sum 200 + 300 = 500
    #   email: T3 (C3, C4)        -> count() 1, count(conversations) 2, sum 300 (T3 once, not 600)
    #   null : T1 (no conversation) -> count() 1, count(conversations) 0, sum 100
    rows = run_report(spec("tickets", """
dimensions: [conversations.channel]
measures:
  - count() as tickets
  - count(conversations) as conversations
  - sum(handle_time_seconds) as handle
"""), one_to_many)
    assert rows_sorted(rows, "conversations.channel") == [
        {"conversations.channel": None, "tickets": 1, "conversations": 0, "handle": 100},
        {"conversations.channel": "chat", "tickets": 2, "conversations": 2, "handle": 500},
        {"conversations.channel": "email", "tickets": 1, "conversations": 2, "handle": 300},
    ]


def test_one_to_many_avg_with_to_many_filter_not_inflated(one_to_many):
    # filter conversations.channel in (chat, email) keeps T2 (C1) and T3 (C2, C3, C4):
    #   avg(handle) = (200 + 300) / 2 = 250; sum = 500; count() = 2.
    #   (over the joined rows it would be (200 + 3*300) / 4 = 275 and sum 1100.)
    rows = run_report(spec("tickets", """
measures:
  - count() as tickets
  - avg(handle_time_seconds) as avg_handle
  - sum(handle_time_seconds) as handle
filters:
  - conversations.channel in ('chat', 'email')
"""), one_to_many)
    assert rows == [{"tickets": 2, "avg_handle": 250, "handle": 500}]


def test_one_to_many_filter_counts_only_matching_related_rows(one_to_many):
    # conversations.channel = 'chat' keeps T2 (C1) and T3 (C2): count() = 2;
    # count(conversations) counts the matching conversations only: C1, C2 = 2 (not C3, C4);
    # sum(handle) = 200 + 300 = 500.
    rows = run_report(spec("tickets", """
measures:
  - count() as tickets
  - count(conversations) as conversations
  - sum(handle_time_seconds) as handle
filters:
  - conversations.channel = 'chat'
"""), one_to_many)
    assert rows == [{"tickets": 2, "conversations": 2, "handle": 500}]


def test_one_to_many_filter_with_source_dimension(one_to_many):
    # conversations.status = 'closed' keeps T2 (C1) and T3 (C2, C4), grouped by priority:
    #   high: T3 -> count() 1, count(conversations) 2 (C2, C4; C3 is open), avg 300
    #   low : T2 -> count() 1, count(conversations) 1 (C1), avg 200
    # T1 (high, no conversation) has no matching row and is dropped.
    rows = run_report(spec("tickets", """
dimensions: [priority]
measures:
  - count() as tickets
  - count(conversations) as conversations
  - avg(handle_time_seconds) as avg_handle
filters:
  - conversations.status = 'closed'
sort: [priority]
"""), one_to_many)
    assert rows == [
        {"priority": "high", "tickets": 1, "conversations": 2, "avg_handle": 300},
        {"priority": "low", "tickets": 1, "conversations": 1, "avg_handle": 200},
    ]


def test_one_to_many_to_one_aggregate_from_the_many_side(one_to_many):
    # source conversations, grouped by ticket.priority:
    #   high: C2, C3, C4 (all T3) -> count() 3, sum(ticket.handle) = 300 (T3 once, not 900),
    #         count(ticket) 1
    #   low : C1 (T2)             -> count() 1, sum 200, count(ticket) 1
    rows = run_report(spec("conversations", """
dimensions: [ticket.priority]
measures:
  - count() as conversations
  - sum(ticket.handle_time_seconds) as handle
  - count(ticket) as tickets
sort: [ticket.priority]
"""), one_to_many)
    assert rows == [
        {"ticket.priority": "high", "conversations": 3, "handle": 300, "tickets": 1},
        {"ticket.priority": "low", "conversations": 1, "handle": 200, "tickets": 1},
    ]


def test_one_to_many_two_filters_must_match_the_same_related_row(one_to_many):
    # Filters apply to the joined rows: both conditions must hold on one conversation.
    #   email and open -> C3 only -> T3, count(conversations) 1
    #   chat and open  -> no conversation (C1, C2 are closed; C3 is email) -> no row at all,
    #   although T3 has a chat conversation (C2) and an open one (C3).
    base = "dimensions: [id]\nmeasures: [count() as tickets, count(conversations) as conversations]\nfilters:\n"
    rows = run_report(spec("tickets", base + "  - \"conversations.channel = 'email'\"\n"
                                             "  - \"conversations.status = 'open'\"\n"), one_to_many)
    assert rows == [{"id": 3, "tickets": 1, "conversations": 1}]
    rows = run_report(spec("tickets", base + "  - \"conversations.channel = 'chat'\"\n"
                                             "  - \"conversations.status = 'open'\"\n"), one_to_many)
    assert rows == []


def test_one_to_many_filter_absent_related_row(one_to_many):
    # conversations.id is null holds on T1's joined row only (no conversation): count() 1, sum 100
    rows = run_report(spec("tickets", """
measures: [count() as tickets, count(conversations) as conversations, sum(handle_time_seconds) as handle]
filters: [conversations.id is null]
"""), one_to_many)
    assert rows == [{"tickets": 1, "conversations": 0, "handle": 100}]


def test_one_to_many_conditional_counts_of_related_rows(one_to_many):
    # Per ticket with conversations (T1 checked in the next test):
    #   count_if(conversations.channel = 'email'): T2 0, T3 2 (C3, C4)
    #   count_distinct(conversations.channel): T2 1 (chat), T3 2 (chat, email)
    #   count(conversations.channel): T2 1, T3 3 (every conversation has a channel)
    #   max(conversations.started_at): T2 06-02 09:00, T3 06-03 11:00 (C4)
    rows = run_report(spec("tickets", """
dimensions: [id]
measures:
  - count_if(conversations.channel = 'email') as email
  - count_distinct(conversations.channel) as channels
  - count(conversations.channel) as with_channel
  - max(conversations.started_at) as last_started
filters: ["id in (2, 3)"]
sort: [id]
"""), one_to_many)
    assert rows == [
        {"id": 2, "email": 0, "channels": 1, "with_channel": 1, "last_started": "2025-06-02T09:00:00+00:00"},
        {"id": 3, "email": 2, "channels": 2, "with_channel": 3, "last_started": "2025-06-03T11:00:00+00:00"},
    ]


def test_one_to_many_count_if_without_related_rows_is_zero(one_to_many):
    # T1 has no conversation: count_if(...) over it counts nothing -> 0, like count(conversations) 0.
    # T1's only joined row has channel null, the condition is null, COUNT_IF(NULL) is NULL in DuckDB.
    rows = run_report(spec("tickets", """
dimensions: [id]
measures:
  - count(conversations) as conversations
  - count_if(conversations.channel = 'email') as email
filters: [id = 1]
"""), one_to_many)
    assert rows == [{"id": 1, "conversations": 0, "email": 0}]


def test_one_to_many_conditional_sum_and_avg_not_inflated(one_to_many):
    # The value argument belongs to tickets, so each ticket counts once (the condition on
    # conversations only selects which tickets count, like a to-many filter):
    #   sum_if(handle, conversations.channel = 'email'): T3 (C3, C4 email) -> 300, not 300 + 300
    #   avg_if(handle, conversations.status = 'closed'): T2 (C1), T3 (C2, C4) -> (200 + 300) / 2 = 250,
    #   not (200 + 300 + 300) / 3 = 266.67
    # Engine: 600 and 266.666...: the measure's grain is conversations (see `rb explain`), the SQL is
    # SUM(CASE WHEN conversations.channel = 'email' THEN tickets.handle_time_seconds END) over
    # tickets LEFT JOIN conversations.
    rows = run_report(spec("tickets", """
measures:
  - sum_if(handle_time_seconds, conversations.channel = 'email') as email_handle
  - avg_if(handle_time_seconds, conversations.status = 'closed') as closed_avg
"""), one_to_many)
    assert rows == [{"email_handle": 300, "closed_avg": 250}]


# =========================================================================================
# chasm: companies with tickets and, independently, contacts with calls
# =========================================================================================
#   company  plan  employees  tickets (handle)            contacts (calls)
#   Co1      pro   10         t1 100, t2 200, t3 600       k1 (c1, c2), k2 (c3)
#   Co2      pro   20         t4 50                        k3 (-)
#   Co3      free  5          t5 40, t6 null               -
#   Co4      free  7          -                            -
#   (no company)                                           k4 (c4)
# Joining both branches gives Co1 3 tickets x 3 contact-calls = 9 rows: a naive
# count(tickets) would be 9 for Co1 alone.

@pytest.fixture(scope="module")
def chasm(tmp_path_factory):
    ts = "2025-06-01 09:00:00"
    return write_tables(
        tmp_path_factory.mktemp("chasm"),
        companies=[
            {"id": 1, "name": "Co1", "plan": "pro", "employees": 10, "created_at": ts},
            {"id": 2, "name": "Co2", "plan": "pro", "employees": 20, "created_at": ts},
            {"id": 3, "name": "Co3", "plan": "free", "employees": 5, "created_at": ts},
            {"id": 4, "name": "Co4", "plan": "free", "employees": 7, "created_at": ts},
        ],
        tickets=[
            {"id": 1, "company_id": 1, "created_at": ts, "handle_time_seconds": 100},
            {"id": 2, "company_id": 1, "created_at": ts, "handle_time_seconds": 200},
            {"id": 3, "company_id": 1, "created_at": ts, "handle_time_seconds": 600},
            {"id": 4, "company_id": 2, "created_at": ts, "handle_time_seconds": 50},
            {"id": 5, "company_id": 3, "created_at": ts, "handle_time_seconds": 40},
            {"id": 6, "company_id": 3, "created_at": ts, "handle_time_seconds": None},
        ],
        contacts=[
            {"id": 1, "company_id": 1, "name": "k1", "created_at": ts},
            {"id": 2, "company_id": 1, "name": "k2", "created_at": ts},
            {"id": 3, "company_id": 2, "name": "k3", "created_at": ts},
            {"id": 4, "company_id": None, "name": "k4", "created_at": ts},
        ],
        calls=[
            {"id": 1, "contact_id": 1, "status": "completed", "started_at": ts, "duration_seconds": 60},
            {"id": 2, "contact_id": 1, "status": "completed", "started_at": ts, "duration_seconds": 120},
            {"id": 3, "contact_id": 2, "status": "missed", "started_at": ts, "duration_seconds": 0},
            {"id": 4, "contact_id": 4, "status": "completed", "started_at": ts, "duration_seconds": 30},
        ],
    )


def test_chasm_counts_and_sums_per_plan(chasm):
    # pro : companies Co1, Co2 = 2; tickets t1..t4 = 4; calls c1, c2, c3 = 3;
    #       sum(tickets.handle) = 100 + 200 + 600 + 50 = 950; sum(employees) = 10 + 20 = 30;
    #       sum(contacts.calls.duration) = 60 + 120 + 0 = 180.
    # free: companies Co3, Co4 = 2; tickets t5, t6 = 2; calls 0 (no contacts);
    #       sum(tickets.handle) = 40 (t6 null skipped); employees 5 + 7 = 12; duration null.
    rows = run_report(spec("companies", """
dimensions: [plan]
measures:
  - count() as companies
  - count(tickets) as tickets
  - count(contacts.calls) as calls
  - sum(tickets.handle_time_seconds) as handle
  - sum(employees) as employees
  - sum(contacts.calls.duration_seconds) as call_seconds
sort: [plan]
"""), chasm)
    assert rows == [
        {"plan": "free", "companies": 2, "tickets": 2, "calls": 0, "handle": 40, "employees": 12,
         "call_seconds": None},
        {"plan": "pro", "companies": 2, "tickets": 4, "calls": 3, "handle": 950, "employees": 30,
         "call_seconds": 180},
    ]


def test_chasm_per_company(chasm):
    # Co1: tickets 3, contacts 2, calls 3, employees 10 (not 10 * 9 joined rows)
    # Co2: tickets 1, contacts 1, calls 0, employees 20
    # Co3: tickets 2, contacts 0, calls 0, employees 5
    # Co4: tickets 0, contacts 0, calls 0, employees 7
    rows = run_report(spec("companies", """
dimensions: [name]
measures:
  - count(tickets) as tickets
  - count(contacts) as contacts
  - count(contacts.calls) as calls
  - sum(employees) as employees
sort: [name]
"""), chasm)
    assert rows == [
        {"name": "Co1", "tickets": 3, "contacts": 2, "calls": 3, "employees": 10},
        {"name": "Co2", "tickets": 1, "contacts": 1, "calls": 0, "employees": 20},
        {"name": "Co3", "tickets": 2, "contacts": 0, "calls": 0, "employees": 5},
        {"name": "Co4", "tickets": 0, "contacts": 0, "calls": 0, "employees": 7},
    ]


def test_chasm_median_and_percentile_over_distinct_tickets(chasm):
    # pro : handle values of t1..t4 = 50, 100, 200, 600 -> median = (100 + 200) / 2 = 150
    #       (over the 3x-repeated joined rows 50,100,100,100,200,200,200,600,600,600 it would be 200)
    # free: t5 40 (t6 null skipped) -> median 40.
    # percentile(x, 0.5) is the same continuous quantile as median.
    rows = run_report(spec("companies", """
dimensions: [plan]
measures:
  - median(tickets.handle_time_seconds) as median_handle
  - percentile(tickets.handle_time_seconds, 0.5) as p50_handle
  - count(contacts.calls) as calls
sort: [plan]
"""), chasm)
    assert rows == [
        {"plan": "free", "median_handle": 40, "p50_handle": 40, "calls": 0},
        {"plan": "pro", "median_handle": 150, "p50_handle": 150, "calls": 3},
    ]


# =========================================================================================
# many_to_one_chain: tickets -> owner -> team
# =========================================================================================
#   team: Tm1 "Tier 1", Tm2 "Tier 2", Tm3 "Idle" (no owners)
#   owner: O1 (Tm1), O2 (Tm1), O3 (Tm2), O4 (no team)
#   ticket: t1 O1, t2 O1, t3 O2, t4 O3, t5 O4, t6 no owner, t7 O3

@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    ts = "2025-06-01 09:00:00"
    owner_of = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: None, 7: 3}
    return write_tables(
        tmp_path_factory.mktemp("chain"),
        teams=[(1, "Tier 1"), (2, "Tier 2"), (3, "Idle")],
        owners=[
            {"id": 1, "name": "O1", "team_id": 1, "active": True, "created_at": ts},
            {"id": 2, "name": "O2", "team_id": 1, "active": True, "created_at": ts},
            {"id": 3, "name": "O3", "team_id": 2, "active": False, "created_at": ts},
            {"id": 4, "name": "O4", "team_id": None, "active": True, "created_at": ts},
        ],
        tickets=[{"id": t, "owner_id": o, "created_at": ts} for t, o in owner_of.items()],
    )


def test_chain_team_dimension_with_null_group(chain):
    # Tier 1: t1, t2 (O1), t3 (O2) -> count() 3, count(owner) 2, count_distinct(owner_id) 2
    # Tier 2: t4, t7 (O3)          -> count() 2, count(owner) 1, count_distinct(owner_id) 1
    # null  : t5 (O4, no team), t6 (no owner) -> count() 2, count(owner) 1 (O4),
    #         count_distinct(owner_id) 1 (4; t6's null skipped)
    # Idle has no tickets: it does not appear in a tickets report.
    rows = run_report(spec("tickets", """
dimensions: [owner.team.name]
measures:
  - count() as tickets
  - count(owner) as owners
  - count_distinct(owner_id) as owner_ids
  - count(owner.team) as teams
"""), chain)
    assert rows_sorted(rows, "owner.team.name") == [
        {"owner.team.name": None, "tickets": 2, "owners": 1, "owner_ids": 1, "teams": 0},
        {"owner.team.name": "Tier 1", "tickets": 3, "owners": 2, "owner_ids": 2, "teams": 1},
        {"owner.team.name": "Tier 2", "tickets": 2, "owners": 1, "owner_ids": 1, "teams": 1},
    ]


def test_chain_sum_of_to_one_entities_counts_each_row_once(chain):
    # sum(owner.team_id) sums over distinct owners of the group:
    #   Tier 1: O1 1 + O2 1 = 2 (over tickets it would be 1+1+1 = 3)
    #   Tier 2: O3 2 = 2 (over tickets 2+2 = 4)
    #   null  : O4 team_id null -> null
    # sum(owner.team.id) sums over distinct teams: Tier 1 -> 1, Tier 2 -> 2, null -> null.
    rows = run_report(spec("tickets", """
dimensions: [owner.team.name]
measures:
  - sum(owner.team_id) as owner_team_ids
  - sum(owner.team.id) as team_ids
  - count_if(owner.active) as active_owners
"""), chain)
    # count_if(owner.active) counts distinct owners that are active:
    #   Tier 1: O1, O2 -> 2; Tier 2: O3 inactive -> 0; null: O4 -> 1.
    assert rows_sorted(rows, "owner.team.name") == [
        {"owner.team.name": None, "owner_team_ids": None, "team_ids": None, "active_owners": 1},
        {"owner.team.name": "Tier 1", "owner_team_ids": 2, "team_ids": 1, "active_owners": 2},
        {"owner.team.name": "Tier 2", "owner_team_ids": 2, "team_ids": 2, "active_owners": 0},
    ]


def test_chain_owner_dimension(chain):
    # owner.name: O1 t1, t2 -> 2; O2 t3 -> 1; O3 t4, t7 -> 2; O4 t5 -> 1; null t6 -> 1.
    rows = run_report(spec("tickets", """
dimensions: [owner.name]
measures: [count() as tickets]
"""), chain)
    assert rows_sorted(rows, "owner.name") == [
        {"owner.name": None, "tickets": 1},
        {"owner.name": "O1", "tickets": 2},
        {"owner.name": "O2", "tickets": 1},
        {"owner.name": "O3", "tickets": 2},
        {"owner.name": "O4", "tickets": 1},
    ]


def test_chain_from_the_one_side(chain):
    # source teams (to-many both ways): Idle has no owners and no tickets -> 0, 0 (kept).
    #   Tier 1: owners O1, O2 = 2; tickets t1, t2, t3 = 3
    #   Tier 2: owner O3 = 1; tickets t4, t7 = 2
    rows = run_report(spec("teams", """
dimensions: [name]
measures:
  - count(owners) as owners
  - count(owners.tickets) as tickets
sort: [name]
"""), chain)
    assert rows == [
        {"name": "Idle", "owners": 0, "tickets": 0},
        {"name": "Tier 1", "owners": 2, "tickets": 3},
        {"name": "Tier 2", "owners": 1, "tickets": 2},
    ]


# =========================================================================================
# missing_links: dangling ids, null foreign keys, contacts without company
# =========================================================================================
#   companies: Co1 "Acme"
#   contacts : k1 (Co1), k2 (no company), k3 (company_id 55: no such company)
#   owners   : O1 "Olga"
#   tickets  : t1 owner 99 (dangling), contact k1
#              t2 owner null, contact k2
#              t3 owner O1, contact 77 (dangling)
#              t4 owner O1, contact k3

@pytest.fixture(scope="module")
def missing_links(tmp_path_factory):
    ts = "2025-06-01 09:00:00"
    return write_tables(
        tmp_path_factory.mktemp("missing_links"),
        companies=[{"id": 1, "name": "Acme", "plan": "pro", "created_at": ts}],
        contacts=[
            {"id": 1, "company_id": 1, "name": "k1", "created_at": ts},
            {"id": 2, "company_id": None, "name": "k2", "created_at": ts},
            {"id": 3, "company_id": 55, "name": "k3", "created_at": ts},
        ],
        owners=[{"id": 1, "name": "Olga", "active": True, "created_at": ts}],
        tickets=[
            {"id": 1, "owner_id": 99, "contact_id": 1, "created_at": ts, "handle_time_seconds": 10},
            {"id": 2, "owner_id": None, "contact_id": 2, "created_at": ts, "handle_time_seconds": 20},
            {"id": 3, "owner_id": 1, "contact_id": 77, "created_at": ts, "handle_time_seconds": 30},
            {"id": 4, "owner_id": 1, "contact_id": 3, "created_at": ts, "handle_time_seconds": 40},
        ],
    )


def test_missing_links_rows_kept_with_null_side(missing_links):
    # Every ticket is kept; the side that is missing (null or dangling id) is null.
    rows = run_report(spec("tickets", """
dimensions: [id, owner_id, owner.name, contact.name, contact.company.name]
measures: [count() as n]
sort: [id]
"""), missing_links)
    assert [list(r.values()) for r in rows] == [
        # id  owner_id  owner.name  contact.name  company.name  n
        [1, 99, None, "k1", "Acme", 1],
        [2, None, None, "k2", None, 1],
        [3, 1, "Olga", None, None, 1],
        [4, 1, "Olga", "k3", None, 1],
    ]


def test_missing_links_grouped_by_missing_side(missing_links):
    # owner.name: null <- t1 (dangling 99), t2 (null): count() 2, count(owner) 0, sum 10 + 20 = 30
    #             Olga <- t3, t4: count() 2, count(owner) 1, sum 30 + 40 = 70
    rows = run_report(spec("tickets", """
dimensions: [owner.name]
measures:
  - count() as tickets
  - count(owner) as owners
  - sum(handle_time_seconds) as handle
"""), missing_links)
    assert rows_sorted(rows, "owner.name") == [
        {"owner.name": None, "tickets": 2, "owners": 0, "handle": 30},
        {"owner.name": "Olga", "tickets": 2, "owners": 1, "handle": 70},
    ]


def test_missing_links_contacts_without_company(missing_links):
    # contacts by company.name: Acme <- k1; null <- k2 (no company), k3 (dangling 55).
    # count(tickets): Acme: t1 = 1; null: t2 (k2), t4 (k3) = 2 (t3's contact 77 is no contact).
    rows = run_report(spec("contacts", """
dimensions: [company.name]
measures:
  - count() as contacts
  - count(tickets) as tickets
"""), missing_links)
    assert rows_sorted(rows, "company.name") == [
        {"company.name": None, "contacts": 2, "tickets": 2},
        {"company.name": "Acme", "contacts": 1, "tickets": 1},
    ]


def test_missing_links_one_side_without_rows(missing_links):
    # owners report: Olga has t3, t4 -> 2. The dangling t1 (owner 99) belongs to no owner.
    rows = run_report(spec("owners", """
dimensions: [name]
measures: [count(tickets) as tickets]
"""), missing_links)
    assert rows == [{"name": "Olga", "tickets": 2}]


# =========================================================================================
# no_primary_key: ticket_status_changes has no id; two rows are exact duplicates
# =========================================================================================
#   t1: new 06-01 09:00, new 06-01 09:00 (duplicate), closed 06-02 09:00
#   t2: new 06-03 09:00
#   t3: (no history)

@pytest.fixture(scope="module")
def no_primary_key(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("no_primary_key"),
        tickets=[
            {"id": 1, "priority": "high", "status": "closed", "created_at": "2025-06-01 09:00:00"},
            {"id": 2, "priority": "low", "status": "new", "created_at": "2025-06-03 09:00:00"},
            {"id": 3, "priority": "low", "status": "new", "created_at": "2025-06-04 09:00:00"},
        ],
        ticket_status_changes=[
            (1, "new", "2025-06-01 09:00:00"),
            (1, "new", "2025-06-01 09:00:00"),
            (1, "closed", "2025-06-02 09:00:00"),
            (2, "new", "2025-06-03 09:00:00"),
        ],
    )


def test_no_primary_key_source_counts_duplicates(no_primary_key):
    # 4 rows, the two identical ones both counted: total 4; new 3, closed 1.
    total = run_report(spec("ticket_status_changes", "measures: [count() as changes]\n"), no_primary_key)
    assert total == [{"changes": 4}]
    rows = run_report(spec("ticket_status_changes", """
dimensions: [status]
measures: [count() as changes]
sort: [status]
"""), no_primary_key)
    assert rows == [{"status": "closed", "changes": 1}, {"status": "new", "changes": 3}]


def test_no_primary_key_counted_from_tickets(no_primary_key):
    # count(ticket_status_changes) per ticket: t1 3 (both duplicates), t2 1, t3 0.
    rows = run_report(spec("tickets", """
dimensions: [id]
measures:
  - count() as tickets
  - count(ticket_status_changes) as changes
sort: [id]
"""), no_primary_key)
    assert rows == [
        {"id": 1, "tickets": 1, "changes": 3},
        {"id": 2, "tickets": 1, "changes": 1},
        {"id": 3, "tickets": 1, "changes": 0},
    ]


def test_no_primary_key_to_many_filter_and_grouping(no_primary_key):
    # filter ticket_status_changes.status = 'new' keeps t1 (2 matching rows), t2 (1):
    # by priority: high t1 -> count() 1, changes 2; low t2 -> count() 1, changes 1 (t3 dropped).
    rows = run_report(spec("tickets", """
dimensions: [priority]
measures:
  - count() as tickets
  - count(ticket_status_changes) as changes
filters:
  - ticket_status_changes.status = 'new'
sort: [priority]
"""), no_primary_key)
    assert rows == [
        {"priority": "high", "tickets": 1, "changes": 2},
        {"priority": "low", "tickets": 1, "changes": 1},
    ]


def test_no_primary_key_to_one_aggregate_from_duplicates(no_primary_key):
    # source ticket_status_changes by ticket.priority:
    #   high: 3 changes (of t1), count(ticket) 1, sum(ticket.id) 1 (t1 once)
    #   low : 1 change (of t2),  count(ticket) 1, sum(ticket.id) 2
    rows = run_report(spec("ticket_status_changes", """
dimensions: [ticket.priority]
measures:
  - count() as changes
  - count(ticket) as tickets
  - sum(ticket.id) as ticket_ids
sort: [ticket.priority]
"""), no_primary_key)
    assert rows == [
        {"ticket.priority": "high", "changes": 3, "tickets": 1, "ticket_ids": 1},
        {"ticket.priority": "low", "changes": 1, "tickets": 1, "ticket_ids": 2},
    ]


# =========================================================================================
# null_groups
# =========================================================================================
#   ticket  priority  handle
#   t1      high      100
#   t2      high      null
#   t3      null      null
#   t4      null      null
#   t5      low       30
#   t6      low       50

@pytest.fixture(scope="module")
def null_groups(tmp_path_factory):
    ts = "2025-06-01 09:00:00"
    values = {1: ("high", 100), 2: ("high", None), 3: (None, None), 4: (None, None), 5: ("low", 30),
              6: ("low", 50)}
    return write_tables(
        tmp_path_factory.mktemp("null_groups"),
        tickets=[{"id": t, "priority": p, "handle_time_seconds": h, "created_at": ts}
                 for t, (p, h) in values.items()],
    )


def test_null_groups(null_groups):
    # high: count() 2, count(handle) 1 (t2 null), sum 100, avg 100 / 1 = 100, min=max=100
    # low : count() 2, count(handle) 2, sum 30 + 50 = 80, avg 80 / 2 = 40, min 30, max 50
    # null: count() 2, count(handle) 0, sum null, avg null, min/max null (every value null)
    rows = run_report(spec("tickets", """
dimensions: [priority]
measures:
  - count() as tickets
  - count(handle_time_seconds) as handled
  - sum(handle_time_seconds) as handle
  - avg(handle_time_seconds) as avg_handle
  - min(handle_time_seconds) as min_handle
  - max(handle_time_seconds) as max_handle
"""), null_groups)
    assert rows_sorted(rows, "priority") == [
        {"priority": None, "tickets": 2, "handled": 0, "handle": None, "avg_handle": None,
         "min_handle": None, "max_handle": None},
        {"priority": "high", "tickets": 2, "handled": 1, "handle": 100, "avg_handle": 100,
         "min_handle": 100, "max_handle": 100},
        {"priority": "low", "tickets": 2, "handled": 2, "handle": 80, "avg_handle": 40,
         "min_handle": 30, "max_handle": 50},
    ]


def test_null_groups_totals(null_groups):
    # count() 6; count(priority) 4 (t3, t4 null); count_distinct(priority) 2 (high, low);
    # count(handle) 3; avg(handle) = (100 + 30 + 50) / 3 = 60 (nulls skipped, not / 6 = 30).
    rows = run_report(spec("tickets", """
measures:
  - count() as tickets
  - count(priority) as with_priority
  - count_distinct(priority) as priorities
  - count(handle_time_seconds) as handled
  - avg(handle_time_seconds) as avg_handle
"""), null_groups)
    assert rows == [{"tickets": 6, "with_priority": 4, "priorities": 2, "handled": 3, "avg_handle": 60}]


def test_null_groups_count_if(null_groups):
    # count_if(handle > 50): high t1 (100) -> 1; low t6 (50 is not > 50) -> 0
    rows = run_report(spec("tickets", """
dimensions: [priority]
measures: [count_if(handle_time_seconds > 50) as big]
filters: [priority is not null]
sort: [priority]
"""), null_groups)
    assert rows == [{"priority": "high", "big": 1}, {"priority": "low", "big": 0}]


def test_null_groups_count_if_all_null_is_zero(null_groups):
    # null-priority group: t3, t4 have null handle, the condition is null on both -> 0 counted.
    # Engine: null. Likewise over no row at all (priority = 'zzz'): count() 0 but count_if null.
    rows = run_report(spec("tickets", """
dimensions: [priority]
measures: [count() as tickets, count_if(handle_time_seconds > 50) as big]
filters: [priority is null]
"""), null_groups)
    assert rows == [{"priority": None, "tickets": 2, "big": 0}]
    rows = run_report(spec("tickets", """
measures: [count() as tickets, count_if(handle_time_seconds > 50) as big]
filters: ["priority = 'zzz'"]
"""), null_groups)
    assert rows == [{"tickets": 0, "big": 0}]


# =========================================================================================
# entity_shorthand: `companies.name` from tickets is tickets.company, not contact.company
# =========================================================================================
#   companies: Co1 "Acme" (10 employees), Co2 "Globex" (20)
#   contact k1 belongs to Globex
#   t1: contact k1, company Acme   (the two differ)
#   t2: contact k1, company null
#   t3: no contact, company Globex

@pytest.fixture(scope="module")
def shorthand(tmp_path_factory):
    ts = "2025-06-01 09:00:00"
    return write_tables(
        tmp_path_factory.mktemp("shorthand"),
        companies=[{"id": 1, "name": "Acme", "employees": 10, "created_at": ts},
                   {"id": 2, "name": "Globex", "employees": 20, "created_at": ts}],
        contacts=[{"id": 1, "company_id": 2, "name": "k1", "created_at": ts}],
        tickets=[
            {"id": 1, "contact_id": 1, "company_id": 1, "created_at": ts},
            {"id": 2, "contact_id": 1, "company_id": None, "created_at": ts},
            {"id": 3, "contact_id": None, "company_id": 2, "created_at": ts},
        ],
        calls=[{"id": 1, "contact_id": 1, "ticket_id": 3, "started_at": ts}],
    )


def test_shorthand_resolves_to_the_shortest_path(shorthand):
    # companies.name = tickets.company.name (1 hop) rather than contact.company.name (2 hops):
    #   t1 Acme (its contact's company is Globex), t2 null, t3 Globex.
    rows = run_report(spec("tickets", """
dimensions:
  - id
  - field: companies.name
    as: company
  - field: contact.company.name
    as: contact_company
sort: [id]
"""), shorthand)
    assert rows == [
        {"id": 1, "company": "Acme", "contact_company": "Globex"},
        {"id": 2, "company": None, "contact_company": "Globex"},
        {"id": 3, "company": "Globex", "contact_company": None},
    ]


def test_shorthand_grouping(shorthand):
    # grouped by companies.name: Acme t1 = 1, Globex t3 = 1, null t2 = 1
    # (by the contact's company it would be Globex 2, null 1).
    rows = run_report(spec("tickets", """
dimensions: [{field: companies.name, as: company}]
measures: [count() as tickets]
"""), shorthand)
    assert rows_sorted(rows, "company") == [
        {"company": None, "tickets": 1},
        {"company": "Acme", "tickets": 1},
        {"company": "Globex", "tickets": 1},
    ]


def test_diamond_two_paths_to_companies_are_counted_apart(shorthand):
    # tickets reach companies two ways; each path has its own distinct rows:
    #   company:         t1 Acme, t3 Globex        -> count 2, sum(employees) 10 + 20 = 30
    #   contact.company: t1, t2 via k1 -> Globex   -> count 1, sum 20 (Globex once, not 2 x 20)
    #   companies (shorthand = company)            -> count 2
    rows = run_report(spec("tickets", """
measures:
  - count(company) as companies
  - count(contact.company) as contact_companies
  - count(companies) as shorthand
  - sum(company.employees) as employees
  - sum(contact.company.employees) as contact_employees
"""), shorthand)
    assert rows == [{"companies": 2, "contact_companies": 1, "shorthand": 2, "employees": 30,
                     "contact_employees": 20}]


def test_shorthand_ambiguous_path_is_an_error(shorthand):
    # From companies, `calls` is two hops away both via contacts and via tickets.
    result = invoke(spec("companies", "measures: [count(calls) as calls]\n"), shorthand)
    assert result.exit_code == 2
    message = result.output
    assert "contacts.calls" in message
    assert "tickets.calls" in message


# =========================================================================================
# filters
# =========================================================================================
#   ticket priority channel status         subject            handle owner (team)
#   t1     low      email   closed         "Refund please"    100    O1 (Tier 1)
#   t2     high     chat    new            "Login broken"     200    O2 (Tier 2)
#   t3     null     phone   new            "refund again"     300    -
#   t4     urgent   email   waiting_on_us  "Billing question" 400    O1 (Tier 1)
#   t5     medium   form    closed         "Refund now"       null   O2 (Tier 2)

@pytest.fixture(scope="module")
def filtering(tmp_path_factory):
    ts = "2025-06-01 09:00:00"
    tickets = [
        (1, "low", "email", "closed", "Refund please", 100, 1),
        (2, "high", "chat", "new", "Login broken", 200, 2),
        (3, None, "phone", "new", "refund again", 300, None),
        (4, "urgent", "email", "waiting_on_us", "Billing question", 400, 1),
        (5, "medium", "form", "closed", "Refund now", None, 2),
    ]
    return write_tables(
        tmp_path_factory.mktemp("filters"),
        teams=[(1, "Tier 1"), (2, "Tier 2")],
        owners=[{"id": 1, "name": "O1", "team_id": 1, "created_at": ts},
                {"id": 2, "name": "O2", "team_id": 2, "created_at": ts}],
        tickets=[{"id": i, "priority": p, "channel": c, "status": s, "subject": subj, "handle_time_seconds": h,
                  "owner_id": o, "created_at": ts} for i, p, c, s, subj, h, o in tickets],
    )


def ids_where(data, *filters: str, extra: tuple[str, ...] = ()) -> list[int]:
    body = "dimensions: [id]\nmeasures: [count() as n]\nsort: [id]\nfilters:\n"
    body += "".join(f"  - {f}\n" for f in filters)
    rows = run_report(spec("tickets", body), data, *extra)
    assert all(r["n"] == 1 for r in rows)
    return [r["id"] for r in rows]


@pytest.mark.parametrize("condition, expected", [
    # three-valued logic: t3's null priority makes each of these null, so t3 is dropped
    ('"priority != \'low\'"', [2, 4, 5]),
    ('"not (priority = \'low\')"', [2, 4, 5]),
    ('"priority in (\'high\', \'urgent\')"', [2, 4]),
    ('"priority not in (\'high\', \'urgent\')"', [1, 5]),
    # null handle (t5) is not between; bounds inclusive: 200 (t2) and 400 (t4) kept
    ('"handle_time_seconds between 200 and 400"', [2, 3, 4]),
    # like is case-sensitive ('refund again' is out); ilike is not
    ('"subject like \'Refund%\'"', [1, 5]),
    ('"subject ilike \'refund%\'"', [1, 3, 5]),
    ('"priority is null"', [3]),
    ('"owner_id is null"', [3]),
    ('"priority is not null"', [1, 2, 4, 5]),
    # a path filter through to-one links: t2, t5 belong to O2 of Tier 2
    ('"owner.team.name = \'Tier 2\'"', [2, 5]),
    # t3 (no owner) is not != 'Tier 2': null
    ('"owner.team.name != \'Tier 2\'"', [1, 4]),
    ('"coalesce(owner.team.name, \'none\') != \'Tier 2\'"', [1, 3, 4]),
])
def test_filter_operators(filtering, condition, expected):
    assert ids_where(filtering, condition) == expected


def test_filter_list_is_anded(filtering):
    # channel = email -> t1, t4; and handle > 150 -> t4
    assert ids_where(filtering, "\"channel = 'email'\"", '"handle_time_seconds > 150"') == [4]


def test_filter_any_group(filtering):
    # priority = urgent -> t4; owner.team.name = Tier 2 -> t2, t5: union 2, 4, 5
    assert ids_where(filtering, "any:\n      - \"priority = 'urgent'\"\n"
                                "      - \"owner.team.name = 'Tier 2'\"") == [2, 4, 5]


def test_filter_all_nested_in_any(filtering):
    # (channel = email and status = closed) -> t1; or priority is null -> t3
    nested = ("any:\n"
              "      - all:\n"
              "          - \"channel = 'email'\"\n"
              "          - \"status = 'closed'\"\n"
              "      - \"priority is null\"")
    assert ids_where(filtering, nested) == [1, 3]


def test_filter_any_anded_with_plain_filter(filtering):
    # any(channel = email, channel = form) -> t1, t4, t5; and status = closed -> t1, t5
    group = "any:\n      - \"channel = 'email'\"\n      - \"channel = 'form'\""
    assert ids_where(filtering, group, "\"status = 'closed'\"") == [1, 5]


def test_cli_filter_is_anded_with_spec_filters(filtering):
    # spec: channel = email -> t1, t4; --filter priority = urgent -> t4
    assert ids_where(filtering, "\"channel = 'email'\"", extra=("--filter", "priority = 'urgent'")) == [4]
    # two --filter options are ANDed too: status = new -> t2, t3; handle >= 250 -> t3
    assert ids_where(filtering, "\"status != 'zzz'\"",
                     extra=("--filter", "status = 'new'", "--filter", "handle_time_seconds >= 250")) == [3]


def test_having_sort_and_limit(filtering):
    # per channel: email t1, t4 -> n 2, handle 500; chat t2 -> 1, 200; phone t3 -> 1, 300;
    # form t5 -> 1, null.
    # having n >= 2 keeps email only.
    rows = run_report(spec("tickets", """
dimensions: [channel]
measures: [count() as n, sum(handle_time_seconds) as handle]
having: [n >= 2]
"""), filtering)
    assert rows == [{"channel": "email", "n": 2, "handle": 500}]
    # having on a measure not used in the filter above: handle > 250 -> email 500, phone 300
    rows = run_report(spec("tickets", """
dimensions: [channel]
measures: [count() as n, sum(handle_time_seconds) as handle]
having: [handle > 250]
sort: [channel]
"""), filtering)
    assert rows == [{"channel": "email", "n": 2, "handle": 500}, {"channel": "phone", "n": 1, "handle": 300}]
    # sort by -handle, limit 2 (form's null handle filtered out first, since where nulls go
    # in a descending sort is not part of the contract): email 500, phone 300; chat 200 cut.
    rows = run_report(spec("tickets", """
dimensions: [channel]
measures: [sum(handle_time_seconds) as handle]
filters: [handle_time_seconds is not null]
sort: [-handle]
limit: 2
"""), filtering)
    assert rows == [{"channel": "email", "handle": 500}, {"channel": "phone", "handle": 300}]
    # ascending sort on a measure puts the null last (docs/spec-language.md: nulls last):
    # chat 200, phone 300, email 500, form null
    rows = run_report(spec("tickets", "dimensions: [channel]\nmeasures: [sum(handle_time_seconds) as handle]\n"
                                      "sort: [handle]\n"), filtering)
    assert [(r["channel"], r["handle"]) for r in rows] == [("chat", 200), ("phone", 300), ("email", 500),
                                                           ("form", None)]
    # sort by channel ascending, then descending
    rows = run_report(spec("tickets", "dimensions: [channel]\nmeasures: [count() as n]\nsort: [channel]\n"),
                      filtering)
    assert [r["channel"] for r in rows] == ["chat", "email", "form", "phone"]
    rows = run_report(spec("tickets", "dimensions: [channel]\nmeasures: [count() as n]\nsort: [-channel]\n"
                                      "limit: 3\n"), filtering)
    assert [r["channel"] for r in rows] == ["phone", "form", "email"]


def test_sort_on_two_keys(filtering):
    # sort [-n, channel]: email 2 first, then the 1s by channel: chat, form, phone
    rows = run_report(spec("tickets", "dimensions: [channel]\nmeasures: [count() as n]\nsort: [-n, channel]\n"),
                      filtering)
    assert [(r["channel"], r["n"]) for r in rows] == [("email", 2), ("chat", 1), ("form", 1), ("phone", 1)]


def test_filter_and_having_together(filtering):
    # filter status != 'closed' -> t2 chat, t3 phone, t4 email; per channel n = 1 each;
    # having handle >= 300 -> phone 300, email 400.
    rows = run_report(spec("tickets", """
dimensions: [channel]
measures: [count() as n, sum(handle_time_seconds) as handle]
filters: ["status != 'closed'"]
having: [handle >= 300]
sort: [-handle]
"""), filtering)
    assert rows == [{"channel": "email", "n": 1, "handle": 400}, {"channel": "phone", "n": 1, "handle": 300}]


# =========================================================================================
# date_range: half-open [from, to) on created_at, in UTC and in America/New_York
# =========================================================================================
#   ticket  created_at (UTC)       New York (EDT, UTC-4)
#   t1      2025-06-01 00:00:00    05-31 20:00
#   t2      2025-06-15 12:00:00    06-15 08:00
#   t3      2025-07-01 00:00:00    06-30 20:00
#   t4      2025-05-31 23:59:59    05-31 19:59:59
#   t5      2025-06-30 23:59:59    06-30 19:59:59
#   t6      2025-06-01 04:00:00    06-01 00:00  (local midnight)
#   t7      2025-07-01 04:00:00    07-01 00:00  (local midnight)
#   t8      2025-07-01 03:59:59    06-30 23:59:59

@pytest.fixture(scope="module")
def dates(tmp_path_factory):
    created = {1: "2025-06-01 00:00:00", 2: "2025-06-15 12:00:00", 3: "2025-07-01T00:00:00Z",
               4: "2025-05-31 23:59:59", 5: "2025-06-30 23:59:59", 6: "2025-06-01 04:00:00",
               7: "2025-07-01 04:00:00", 8: "2025-07-01 03:59:59"}
    return write_tables(tmp_path_factory.mktemp("dates"),
                        tickets=[{"id": i, "created_at": c} for i, c in created.items()])


def ids_in_range(data, date_range: str, extra_keys: str = "", *args: str) -> list[int]:
    body = f"dimensions: [id]\nmeasures: [count() as n]\nsort: [id]\ndate_range: {date_range}\n{extra_keys}"
    return [r["id"] for r in run_report(spec("tickets", body), data, *args)]


def test_date_range_utc(dates):
    # [2025-06-01 00:00, 2025-07-01 00:00) UTC: t1 (exactly at from) in, t3 (exactly at to) out,
    # t4 (1 s before from) out, t5 in, t6 in, t7, t8 (July) out -> 1, 2, 5, 6
    assert ids_in_range(dates, "{from: '2025-06-01', to: '2025-07-01'}") == [1, 2, 5, 6]
    # the field given explicitly: the same
    assert ids_in_range(dates, "{field: created_at, from: '2025-06-01', to: '2025-07-01'}") == [1, 2, 5, 6]


def test_date_range_timestamps(dates):
    # [2025-06-15 12:00:00, 2025-06-30 23:59:59): t2 exactly at from in; t5 exactly at to out
    assert ids_in_range(dates, "{from: '2025-06-15 12:00:00', to: '2025-06-30 23:59:59'}") == [2]


def test_date_range_new_york(dates):
    # local midnights: [06-01 00:00 EDT, 07-01 00:00 EDT) = [06-01 04:00Z, 07-01 04:00Z):
    # t6 (exactly local from) in, t7 (exactly local to) out, t1, t4 out (May locally),
    # t2, t3, t5, t8 in -> 2, 3, 5, 6, 8
    expected = [2, 3, 5, 6, 8]
    assert ids_in_range(dates, "{from: '2025-06-01', to: '2025-07-01'}", "timezone: America/New_York\n") == expected
    # the same through --timezone on the command line
    assert ids_in_range(dates, "{from: '2025-06-01', to: '2025-07-01'}", "", "--timezone",
                        "America/New_York") == expected


def test_date_range_cli_from_to(dates):
    # --from/--to replace the spec's bounds: [06-15, 07-01) UTC -> t2, t5
    assert ids_in_range(dates, "{from: '2025-06-01', to: '2025-07-01'}", "",
                        "--from", "2025-06-15", "--to", "2025-07-01") == [2, 5]


def test_date_range_new_york_day_buckets(dates):
    # NY days inside [06-30, 07-01) local: t3 (20:00), t5 (19:59:59), t8 (23:59:59) -> 3 on 06-30
    rows = run_report(spec("tickets", """
timezone: America/New_York
date_range: {from: '2025-06-30', to: '2025-07-01'}
dimensions: [{field: created_at, granularity: day, as: day}]
measures: [count() as n]
"""), dates)
    assert rows == [{"day": "2025-06-30", "n": 3}]
