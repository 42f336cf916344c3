"""The reference evaluator (tests/oracle/reference.py) on cases worked out by hand, and
every disagreement the property test found, kept as an explicit case.

Hand cases: the evaluator must give the expected rows (so the oracle can be trusted), and
so must the SQL path. Regressions: the expected rows follow the contract; the evaluator
gives them; the SQL path is marked xfail(strict=True) while the engine is wrong, so that
the fix turns the case green (and then the mark must go, with the matching entry of
strategies.KNOWN_ENGINE_BUGS).
"""
from __future__ import annotations

from datetime import date
from datetime import datetime as D

import pytest

from reportbuilder.errors import DataError

from .reference import evaluate, hour_bucket, like, quantile_cont
from .strategies import TABLES, assert_rows_match, catalog, check_text, run_sql

NOW = D(2025, 11, 2, 9, 0)


def tables(**given) -> dict[str, list[dict]]:
    """Rows with every contract column (missing ones null)."""
    return {name: [{c: row.get(c) for c, _ in TABLES[name]} for row in rows] for name, rows in given.items()}


def run_reference(spec: str, data: dict) -> list[dict]:
    return evaluate(check_text(spec, NOW), data, catalog())


def run_engine(spec: str, data: dict, tmp_path) -> list[dict]:
    return run_sql(check_text(spec, NOW), data, tmp_path / "data")


def assert_same(spec: str, expected: list[dict], actual: list[dict]) -> None:
    assert_rows_match(check_text(spec, NOW), expected, actual)


# =========================================================================================
# 1. one_to_many: no double counting through a to-many join
# =========================================================================================
#   ticket  handle  owner   conversations (channel)
#   T1      100     O1      C1 email, C2 chat, C3 email
#   T2       50     O1      C4 chat
#   T3      null    99      (none)          dangling owner link: the owner side is null
# Ungrouped: count() = 3; sum(handle) = 150 (T1 once, not three times); avg = 75.0;
# count(conversations) = 4; count_distinct(conversations.channel) = 2; count(owner) = 1 (O1).
# By conversations.channel: email <- T1 (C1, C3): 1 ticket, handle 100, 2 conversations;
# chat <- T1 (C2), T2 (C4): 2 tickets, 150, 2; null <- T3 (no conversation): 1, null, 0.
ONE_TO_MANY = tables(
    tickets=[{"id": 1, "handle_time_seconds": 100, "owner_id": 1},
             {"id": 2, "handle_time_seconds": 50, "owner_id": 1},
             {"id": 3, "handle_time_seconds": None, "owner_id": 99}],
    owners=[{"id": 1, "name": "Ann"}],
    conversations=[{"id": 1, "ticket_id": 1, "channel": "email"}, {"id": 2, "ticket_id": 1, "channel": "chat"},
                   {"id": 3, "ticket_id": 1, "channel": "email"}, {"id": 4, "ticket_id": 2, "channel": "chat"}],
)
ONE_TO_MANY_SPEC = """
source: tickets
measures:
  - count() as n
  - sum(handle_time_seconds) as h
  - avg(handle_time_seconds) as a
  - count(conversations) as c
  - count_distinct(conversations.channel) as ch
  - count(owner) as o
"""
ONE_TO_MANY_ROWS = [{"n": 3, "h": 150, "a": 75.0, "c": 4, "ch": 2, "o": 1}]
BY_CHANNEL_SPEC = """
source: tickets
dimensions: [{field: conversations.channel, as: channel}]
measures: [count() as n, sum(handle_time_seconds) as h, count(conversations) as c]
"""
BY_CHANNEL_ROWS = [{"channel": "email", "n": 1, "h": 100, "c": 2}, {"channel": "chat", "n": 2, "h": 150, "c": 2},
                   {"channel": None, "n": 1, "h": None, "c": 0}]

# =========================================================================================
# 2. three-valued logic in filters and conditions
# =========================================================================================
#   ticket  priority  channel
#   T1      high      e-mail
#   T2      null      e_mail
#   T3      low       null
#   T4      urgent    chat
# Filter any(priority = 'high', not (priority = 'low')): T1 true; T2 null or null = null
# (dropped); T3 false; T4 false or true = true. Kept: T1, T4 -> count() = 2.
# count_if(channel like 'e_mail'): `_` is any one character: T1 'e-mail' yes, T4 no -> 1.
# count_if(priority in ('high', null)): T1 true; T4 null (not counted) -> 1.
# count_if(priority not in ('low', null)): never true -> 0 ... written as coalesce(.., 0).
THREE_VALUED = tables(tickets=[
    {"id": 1, "priority": "high", "channel": "e-mail"}, {"id": 2, "priority": None, "channel": "e_mail"},
    {"id": 3, "priority": "low", "channel": None}, {"id": 4, "priority": "urgent", "channel": "chat"}])
THREE_VALUED_SPEC = """
source: tickets
filters:
  - any: ["priority = 'high'", "not (priority = 'low')"]
measures:
  - count() as n
  - count_if(channel like 'e_mail') as like_hits
  - count_if(priority in ('high', null)) as in_hits
  - coalesce(count_if(priority not in ('low', null)), 0) as not_in_hits
"""
THREE_VALUED_ROWS = [{"n": 2, "like_hits": 1, "in_hits": 1, "not_in_hits": 0}]

# =========================================================================================
# 3. hour buckets across both DST changes of Europe/Paris
# =========================================================================================
# A bucket is the UTC instant its local hour began.
#   2025-03-30 00:30 UTC = 01:30 CET   -> 01:00 CET  = 00:00 UTC
#   2025-03-30 01:30 UTC = 03:30 CEST  -> 03:00 CEST = 01:00 UTC (02:00 local never happened)
#   2025-10-26 00:30 UTC = 02:30 CEST  -> 02:00 CEST = 00:00 UTC
#   2025-10-26 01:10 UTC = 02:10 CET   -> 02:00 CET  = 01:00 UTC (the repeated hour: 2nd bucket)
#   2025-10-26 01:50 UTC = 02:50 CET   -> 02:00 CET  = 01:00 UTC
#   2025-03-31 22:30 UTC = 04-01 00:30 -> 00:00 CEST = 2025-03-31 22:00 UTC
PARIS = tables(tickets=[{"id": i + 1, "created_at": t} for i, t in enumerate([
    D(2025, 3, 30, 0, 30), D(2025, 3, 30, 1, 30), D(2025, 10, 26, 0, 30), D(2025, 10, 26, 1, 10),
    D(2025, 10, 26, 1, 50), D(2025, 3, 31, 22, 30)])])
PARIS_SPEC = """
source: tickets
timezone: Europe/Paris
dimensions: [{field: created_at, granularity: hour, as: hour}]
measures: [count() as n]
sort: [hour]
fill_gaps: false
"""
PARIS_ROWS = [{"hour": D(2025, 3, 30, 0), "n": 1}, {"hour": D(2025, 3, 30, 1), "n": 1},
              {"hour": D(2025, 3, 31, 22), "n": 1}, {"hour": D(2025, 10, 26, 0), "n": 1},
              {"hour": D(2025, 10, 26, 1), "n": 2}]

# =========================================================================================
# 4. a local date range and week/day buckets in America/New_York (fall-back week)
# =========================================================================================
# from 2025-10-27 to 2025-11-03 local = [10-27 04:00 UTC (EDT), 11-03 05:00 UTC (EST)).
#   10-27 03:59 UTC = 10-26 23:59 EDT   out (before the range)
#   10-27 04:30 UTC = 10-27 00:30 EDT   week 10-27, day 10-27
#   11-02 05:30 UTC = 11-02 01:30 EDT   week 10-27, day 11-02
#   11-02 06:30 UTC = 11-02 01:30 EST   week 10-27, day 11-02
#   11-03 04:30 UTC = 11-02 23:30 EST   week 10-27, day 11-02 (a 25-hour Sunday)
#   11-03 05:30 UTC = 11-03 00:30 EST   out (the range ends at local midnight)
NEW_YORK = tables(tickets=[{"id": i + 1, "created_at": t} for i, t in enumerate([
    D(2025, 10, 27, 3, 59), D(2025, 10, 27, 4, 30), D(2025, 11, 2, 5, 30), D(2025, 11, 2, 6, 30),
    D(2025, 11, 3, 4, 30), D(2025, 11, 3, 5, 30)])])
NEW_YORK_SPEC = """
source: tickets
timezone: America/New_York
date_range: {from: '2025-10-27', to: '2025-11-03'}
dimensions:
  - {field: created_at, granularity: week, as: week}
  - {field: created_at, granularity: day, as: day}
measures: [count() as n]
fill_gaps: false
"""
NEW_YORK_ROWS = [{"week": date(2025, 10, 27), "day": date(2025, 10, 27), "n": 1},
                 {"week": date(2025, 10, 27), "day": date(2025, 11, 2), "n": 3}]

# =========================================================================================
# 5. grains: a to-one path, a keyless table with duplicate rows, medians and percentiles
# =========================================================================================
#   ticket  owner (name)  handle   status changes
#   T1      O1 (Ann)      10       (new, t0), (new, t0) [exact duplicate], (closed, t1)
#   T2      O1 (Ann)      20       (new, t2)
#   T3      O2 (Ann)      40
#   T4      null          null
#   T5      99 dangling   100
# count(owner) = 2 distinct owners; sum(owner.id) = 1 + 2 = 3 (O1 once); count_distinct(
# owner.name) = 1; count(ticket_status_changes) = 4 (duplicates are rows, told apart by
# position); median(handle) of [10, 20, 40, 100] = 30.0; percentile 0.9: rank 0.9 * 3 = 2.7
# -> 40 + 0.7 * 60 = 82.0; sum(handle) / count(ticket_status_changes) = 170 / 4 = 42.5.
GRAINS = tables(
    tickets=[{"id": 1, "owner_id": 1, "handle_time_seconds": 10}, {"id": 2, "owner_id": 1, "handle_time_seconds": 20},
             {"id": 3, "owner_id": 2, "handle_time_seconds": 40}, {"id": 4},
             {"id": 5, "owner_id": 99, "handle_time_seconds": 100}],
    owners=[{"id": 1, "name": "Ann"}, {"id": 2, "name": "Ann"}],
    ticket_status_changes=[{"ticket_id": 1, "status": "new", "changed_at": D(2025, 3, 30, 1)},
                           {"ticket_id": 1, "status": "new", "changed_at": D(2025, 3, 30, 1)},
                           {"ticket_id": 1, "status": "closed", "changed_at": D(2025, 3, 30, 2)},
                           {"ticket_id": 2, "status": "new", "changed_at": D(2025, 3, 30, 3)}],
)
GRAINS_SPEC = """
source: tickets
measures:
  - count(owner) as owners
  - sum(owner.id) as owner_ids
  - count_distinct(owner.name) as names
  - count(ticket_status_changes) as changes
  - median(handle_time_seconds) as med
  - percentile(handle_time_seconds, 0.9) as p90
  - sum(handle_time_seconds) / count(ticket_status_changes) as per_change
"""
GRAINS_ROWS = [{"owners": 2, "owner_ids": 3, "names": 1, "changes": 4, "med": 30.0, "p90": 82.0,
                "per_change": 42.5}]

# =========================================================================================
# defaults over missing links: a ticket field's default (0) is for an existing ticket only
# =========================================================================================
#   T1 open:   new@1, closed@2, open@3, closed@4, open@5       reopen_count 2
#   T2 closed: closed@1, open@2, closed@2 (the last group: the current status last) -> 1
#   T3 new:    no history                                        0 (the default)
#   calls K1 -> T1, K2 -> T2, K3 -> T3, K4 no ticket, K5 -> 99: null, not 0
# agent_reply_count: no messages, so 0 for T1..T3; its sum over no ticket is null.
DEFAULTS = tables(
    tickets=[{"id": 1, "status": "open"}, {"id": 2, "status": "closed"}, {"id": 3, "status": "new"}],
    ticket_status_changes=[{"ticket_id": 1, "status": s, "changed_at": D(2025, 3, 1, h)}
                           for s, h in [("new", 1), ("closed", 2), ("open", 3), ("closed", 4), ("open", 5)]]
    + [{"ticket_id": 2, "status": "closed", "changed_at": D(2025, 3, 1, 1)},
       {"ticket_id": 2, "status": "closed", "changed_at": D(2025, 3, 1, 2)},
       {"ticket_id": 2, "status": "open", "changed_at": D(2025, 3, 1, 2)}],
    calls=[{"id": 1, "ticket_id": 1}, {"id": 2, "ticket_id": 2}, {"id": 3, "ticket_id": 3},
           {"id": 4, "ticket_id": None}, {"id": 5, "ticket_id": 99}],
    conversations=[], messages=[],
)
DEFAULTS_SPEC = """
source: calls
dimensions: [{field: ticket.reopen_count, as: reopens}]
measures: [count() as n, sum(ticket.agent_reply_count) as replies]
"""
DEFAULTS_ROWS = [{"reopens": 2, "n": 1, "replies": 0}, {"reopens": 1, "n": 1, "replies": 0},
                 {"reopens": 0, "n": 1, "replies": 0}, {"reopens": None, "n": 2, "replies": None}]
DEFAULTS_FILTER_SPEC = """
source: calls
filters: [not ticket.is_reopened]
measures: [count() as n]
"""

HAND_CASES = [
    pytest.param(ONE_TO_MANY_SPEC, ONE_TO_MANY, ONE_TO_MANY_ROWS, id="one_to_many"),
    pytest.param(BY_CHANNEL_SPEC, ONE_TO_MANY, BY_CHANNEL_ROWS, id="one_to_many_by_channel"),
    pytest.param(THREE_VALUED_SPEC, THREE_VALUED, THREE_VALUED_ROWS, id="three_valued_logic"),
    pytest.param(PARIS_SPEC, PARIS, PARIS_ROWS, id="paris_hours_across_dst"),
    pytest.param(NEW_YORK_SPEC, NEW_YORK, NEW_YORK_ROWS, id="new_york_range_weeks"),
    pytest.param(GRAINS_SPEC, GRAINS, GRAINS_ROWS, id="grains_and_quantiles"),
    pytest.param(DEFAULTS_SPEC, DEFAULTS, DEFAULTS_ROWS, id="defaults_over_missing_links"),
    pytest.param(DEFAULTS_FILTER_SPEC, DEFAULTS, [{"n": 1}], id="defaulted_filter_over_missing_links"),
]


@pytest.mark.parametrize("spec, data, expected", HAND_CASES)
def test_reference_hand_cases(spec, data, expected):
    assert_same(spec, expected, run_reference(spec, data))


@pytest.mark.parametrize("spec, data, expected", HAND_CASES)
def test_sql_hand_cases(spec, data, expected, tmp_path):
    assert_same(spec, expected, run_engine(spec, data, tmp_path))


def test_reference_helpers():
    assert like("a_b%c", "a\\_b%") is False and like("a\\xb", "a\\_b%") is True  # no escape character
    assert like("Zoë", "zo_", ignore_case=True) and not like("Zoë", "zo_")
    assert quantile_cont([1, 2, 4], 0.5) == 2 and quantile_cont([1, 2, 4], 0.9) == pytest.approx(3.6)
    assert quantile_cont([], 0.5) is None
    # Lord Howe moves its clocks by 30 minutes: the hour whose start a gap swallowed begins
    # at the gap's end; a half-repeated hour is one bucket from its single HH:00.
    assert hour_bucket(D(2025, 10, 4, 15, 45), "Australia/Lord_Howe") == D(2025, 10, 4, 15, 30)
    assert hour_bucket(D(2025, 4, 5, 15, 15), "Australia/Lord_Howe") == D(2025, 4, 5, 14, 0)


# =========================================================================================
# Regressions found by the property test (the SQL side is xfail while the engine is wrong)
# =========================================================================================
# count_if of a group where the condition is null on every row: the count is 0, though
# DuckDB's count_if returns NULL over only nulls (fixed: the engine counts CASE WHEN).
COUNT_IF_NULL = ("""
source: tickets
measures: [count_if(channel = 'email') as n]
""", tables(tickets=[{"id": 1, "channel": None}]), [{"n": 0}])

# `%` by zero is null like `/` by zero (1 ticket, 0 conversations: 1 % 0), not a failure
# (fixed: the engine divides by NULLIF(b, 0)).
MODULO_BY_ZERO = ("""
source: tickets
measures: [count() % count(conversations) as m]
""", tables(tickets=[{"id": 1}], conversations=[]), [{"m": None}])

# The missing side of an outer join is not a row of its entity: a ticket without owner
# gives no owner row, so count_if(owner.name is null) is 0 and sum(coalesce(owner.id, 0))
# sums nothing (null). The engine aggregated the null side as one row: 1 and 0 (fixed:
# aggregate inputs are CASE WHEN grain key IS NOT NULL).
NULL_SIDE_ROWS = ("""
source: tickets
measures:
  - count_if(owner.name is null) as nameless_owners
  - sum(coalesce(owner.id, 0)) as owner_ids
""", tables(tickets=[{"id": 1, "owner_id": None}], owners=[{"id": 1, "name": "Ann"}]),
    [{"nameless_owners": 0, "owner_ids": None}])

# A comparison whose operand is a comparison: is_closed is `status = 'closed'`, so
# `is_closed = true` reads (status = 'closed') = true. SQL printed `status = 'closed' = TRUE`,
# a DuckDB parse error (fixed: compound operands are parenthesised).
COMPARISON_PRECEDENCE = ("""
source: tickets
filters: [is_closed = true]
measures: [count() as n]
""", tables(tickets=[{"id": 1, "status": "closed"}, {"id": 2, "status": "new"}]), [{"n": 1}])

# not (a and b): SQL prints `NOT (a) AND (b)`, i.e. (not a) and b.
#   T1 closed/email: excluded; T2 closed/chat, T3 new/email, T4 new/chat: kept -> 3 (SQL: 1)
NOT_AND = ("""
source: tickets
filters: ["not (status = 'closed' and channel = 'email')"]
measures: [count() as n]
""", tables(tickets=[{"id": 1, "status": "closed", "channel": "email"},
                     {"id": 2, "status": "closed", "channel": "chat"},
                     {"id": 3, "status": "new", "channel": "email"}, {"id": 4, "status": "new", "channel": "chat"}]),
    [{"n": 3}])

# The same through a derived field: is_agent_reply is `direction = 'outgoing' and
# sender_type = 'agent'`; `not is_agent_reply` keeps M2 (incoming agent) and M3 (outgoing bot).
NOT_DERIVED = ("""
source: messages
filters: [not is_agent_reply]
measures: [count() as n]
""", tables(messages=[{"id": 1, "direction": "outgoing", "sender_type": "agent"},
                      {"id": 2, "direction": "incoming", "sender_type": "agent"},
                      {"id": 3, "direction": "outgoing", "sender_type": "bot"}]), [{"n": 2}])

# `is null` of a derived field defined by `and`: (direction = 'outgoing' and sender_type =
# 'agent') is null holds for M2 (null direction, agent: null and true = null) only; M3
# (null direction, bot: null and false = false) is not null. SQL prints
# `direction = 'outgoing' AND sender_type = 'agent' IS NULL` and counts no row.
IS_NULL_DERIVED = ("""
source: messages
filters: [is_agent_reply is null]
measures: [count() as n]
""", tables(messages=[{"id": 1, "direction": "outgoing", "sender_type": "agent"},
                      {"id": 2, "direction": None, "sender_type": "agent"},
                      {"id": 3, "direction": None, "sender_type": "bot"}]), [{"n": 1}])

# A derived conjunction compared with true: (direction = 'outgoing' and sender_type =
# 'agent') = true holds for M1 only. SQL prints `(a) AND (b) = TRUE`: a chained comparison,
# a DuckDB parse error.
COMPARED_DERIVED = ("""
source: messages
filters: [is_agent_reply = true]
measures: [count() as n]
""", tables(messages=[{"id": 1, "direction": "outgoing", "sender_type": "agent"},
                      {"id": 2, "direction": "incoming", "sender_type": "agent"}]), [{"n": 1}])

# An `any:` group inside `all:`: a and (b or c). SQL must not print `a AND b OR c`.
#   T1 'Acme' id 1: a false -> out (with `a AND b OR c`: c true -> in); T2 'Bob' id 2: in.
AND_OF_OR = ("""
source: tickets
filters:
  - all: ["subject != 'Acme'", {any: ["subject != 'Acme'", "id <= 1"]}]
measures: [count() as n]
""", tables(tickets=[{"id": 1, "subject": "Acme"}, {"id": 2, "subject": "Bob"}]), [{"n": 1}])

# Australia/Lord_Howe moves clocks by 30 minutes. 2025-10-05 02:00 -> 02:30 (UTC 10-04
# 15:30): 02:45 LHDT (15:45 UTC) is in local hour 02, which began at 02:30 = 15:30 UTC.
# 2025-04-06 02:00 -> 01:30 (UTC 04-05 15:00): 01:45 LHDT (14:45 UTC) and 01:45 LHST
# (15:15 UTC) are both in hour 01, begun at 01:00 LHDT = 14:00 UTC (its only 01:00).
# These are the bucket starts of timeframe.buckets.bucket_values (gap filling); SQL's
# `ts - (local - trunc(local))` gives 15:00 and 14:30, instants inside hour 01.
LORD_HOWE_HOURS = ("""
source: tickets
timezone: Australia/Lord_Howe
dimensions: [{field: created_at, granularity: hour, as: hour}]
measures: [count() as n]
fill_gaps: false
""", tables(tickets=[{"id": 1, "created_at": D(2025, 10, 4, 15, 45)}, {"id": 2, "created_at": D(2025, 4, 5, 14, 45)},
                     {"id": 3, "created_at": D(2025, 4, 5, 15, 15)}]),
    [{"hour": D(2025, 10, 4, 15, 30), "n": 1}, {"hour": D(2025, 4, 5, 14, 0), "n": 2}])

REGRESSIONS = {
    "count_if_null": COUNT_IF_NULL,
    "modulo_by_zero": MODULO_BY_ZERO,
    "null_side_rows": NULL_SIDE_ROWS,
    "comparison_precedence": COMPARISON_PRECEDENCE,
    "not_and_precedence": NOT_AND,
    "and_of_or": AND_OF_OR,
    "not_derived_conjunction": NOT_DERIVED,
    "is_null_derived_conjunction": IS_NULL_DERIVED,
    "compared_derived_conjunction": COMPARED_DERIVED,
    "lord_howe_hours": LORD_HOWE_HOURS,
}
ENGINE_BUGS: dict[str, str] = {}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_reference_regressions(name):
    spec, data, expected = REGRESSIONS[name]
    assert_same(spec, expected, run_reference(spec, data))


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=ENGINE_BUGS[name],
                                               raises=(AssertionError, DataError)))
    if name in ENGINE_BUGS else name
    for name in REGRESSIONS
])
def test_sql_regressions(name, tmp_path):
    spec, data, expected = REGRESSIONS[name]
    assert_same(spec, expected, run_engine(spec, data, tmp_path))
