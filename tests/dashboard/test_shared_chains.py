"""Lookups sharing their SQL chain are computed in one pass: `messages.reply_time` and
`messages.reply_started_at` (same WITH chain, another final column) fill one table for every panel
reading either, each panel still answers as its report run alone (with a range, as a restricted
user), lookups sharing nothing keep their own tables, and a combined query gives each lookup
exactly its own rows, on nasty rows too (checked against hand-computed values)."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
import sqlglot

from reportbuilder.dashboard.lookup_chains import Lookup, chain, combined, read
from reportbuilder.dashboard.shared_scans import Need, share
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.emit.join_sql import placeholders_filled
from reportbuilder.running import load_spec, plan_report
from reportbuilder.workspace import open_workspace

from tests.dashboard.test_shared_scans import NOW, RANGE, _alone, _board
from tests.security.access_world import FIXTURE, MEMBER, WORKSPACE

# two read messages.reply_time, one messages.reply_started_at: one table for all three
REPORTS = ("rep_reply_time_over_time", "business_reply_time_over_time", "customer_wait_time_by_company")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("ws") / "rb.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    return open_workspace(path)


def _shared(ws, reports):
    now = datetime.fromisoformat(NOW)
    needs = []
    for name in reports:
        report_plan, _, _ = plan_report(ws, load_spec(name, {}), str(FIXTURE), NOW, None, None, *RANGE)
        needs.append(Need(build_sql(report_plan, ws.catalog), now, report_plan.report.source, None))
    return share(needs, ws.catalog)


def test_reply_time_and_reply_started_at_fill_one_table(workspace):
    queries, scans = _shared(workspace, REPORTS)
    assert len(scans.tables) == 1
    (table, body), = scans.tables.items()
    assert [e.alias for e in body.expressions] == ["key", "v_reply_time", "v_reply_started_at"]
    assert body.sql("duckdb").count("OVER (") == 2  # the chain's two window passes, once
    assert all(names == (table,) for _, names in queries)
    started = queries[1][0].select.sql("duckdb")
    assert f"field_messages_reply_started_at AS (SELECT key, v_reply_started_at AS value FROM {table})" in started


def test_fields_sharing_nothing_keep_their_own_tables(workspace):
    # first_contact_resolution reads tickets.agent_reply_count and tickets.reopen_count: other chains
    queries, scans = _shared(workspace, ("first_contact_resolution", "first_contact_resolution"))
    assert len(scans.tables) == 2
    for body in scans.tables.values():
        assert [e.alias for e in body.expressions] == ["key", "value"]  # each its own query, read whole
    assert "(SELECT * FROM rb_shared_" in queries[0][0].select.sql("duckdb")


def test_a_lookup_used_by_one_panel_only_is_not_shared(workspace):
    queries, scans = _shared(workspace, ("business_reply_time_over_time", "tickets_created_over_time"))
    assert scans.tables == {} and [names for _, names in queries] == [(), ()]


@pytest.mark.parametrize("as_user", [None, MEMBER], ids=["admin", "restricted"])
def test_each_panel_answers_as_the_report_run_alone(workspace, as_user):
    shared = _board(workspace, as_user, True, REPORTS)
    assert shared == _board(workspace, as_user, False, REPORTS)
    for name in REPORTS:
        assert shared[name] == _alone(workspace, name, as_user), name
    assert any(shared[name] for name in REPORTS)  # not vacuous: the range holds replies


# conversation 1: incoming, agent reply (60 s), agent reply with no incoming since (null), incoming,
# agent reply (30 s); conversation 2: an agent reply before any incoming (null), a bot reply, an
# incoming; a message without conversation and one without sent_at (both left out)
MESSAGES = [
    (1, 1, "incoming", "contact", "2025-06-02 09:00:00"),
    (2, 1, "outgoing", "agent", "2025-06-02 09:01:00"),
    (3, 1, "outgoing", "agent", "2025-06-02 09:02:00"),
    (4, 1, "incoming", "contact", "2025-06-02 09:10:00"),
    (5, 1, "outgoing", "agent", "2025-06-02 09:10:30"),
    (6, 2, "outgoing", "agent", "2025-06-03 08:00:00"),
    (7, 2, "outgoing", "bot", "2025-06-03 08:01:00"),
    (8, 2, "incoming", "contact", "2025-06-03 08:02:00"),
    (9, None, "outgoing", "agent", "2025-06-03 08:03:00"),
    (10, 2, "outgoing", "agent", None),
]


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute("CREATE TABLE messages (id INTEGER, conversation_id INTEGER, direction VARCHAR, "
                "sender_type VARCHAR, sent_at TIMESTAMP)")
    con.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP))", MESSAGES)
    yield con
    con.close()


def _rows(con, select) -> list:
    return sorted(con.execute(select.sql("duckdb")).fetchall(), key=repr)


def _through_one_table(con, lookups) -> list[list]:
    """Each lookup's rows as its panel reads them from the combined table."""
    body, columns = combined(lookups)
    con.execute(f"CREATE TEMP TABLE t AS {body.sql('duckdb')}")
    return [_rows(con, read("t", column, flag)) for column, flag in columns]


def test_the_reply_chain_gives_each_lookup_its_own_rows_on_nasty_rows(workspace, con):
    now = datetime.fromisoformat(NOW)
    entity = workspace.catalog.entity("messages")
    lookups = [Lookup("messages", f, placeholders_filled(entity.column(f).sql, now))
               for f in ("reply_time", "reply_started_at")]
    assert chain(lookups[0]) == chain(lookups[1]) is not None
    reply_time, started = _through_one_table(con, lookups)
    assert reply_time == _rows(con, lookups[0].body) == [(2, 60.0), (5, 30.0)]  # 3, 6, 9, 10: no reply_time
    assert started == _rows(con, lookups[1].body) == [
        (2, datetime(2025, 6, 2, 9, 0)), (5, datetime(2025, 6, 2, 9, 10))]


def _lookup(field: str, sql: str) -> Lookup:
    return Lookup("messages", field, sqlglot.parse_one(sql, read="duckdb"))


def test_lookups_with_other_wheres_keep_only_their_rows(con):
    # the second's value fails on the first's rows ('agent' is no integer): it is computed on its own rows only
    incoming = _lookup("incoming_at", "SELECT id AS key, sent_at AS value FROM messages WHERE direction = 'incoming'")
    numbered = _lookup("number", "SELECT id AS key, CAST(sender_type AS INTEGER) AS value FROM messages "
                                 "WHERE sender_type = '7'")
    con.execute("INSERT INTO messages VALUES (11, 3, NULL, '7', NULL)")  # null direction: not incoming
    assert chain(incoming) == chain(numbered) is not None
    body, columns = combined([incoming, numbered])
    assert [flag for _, flag in columns] == ["in_incoming_at", "in_number"]
    assert _through_one_table(con, [incoming, numbered]) == [_rows(con, incoming.body), _rows(con, numbered.body)]
    assert _rows(con, numbered.body) == [(11, 7)]
    assert [key for key, _ in _rows(con, incoming.body)] == [1, 4, 8]


def test_grouped_lookups_combine_only_with_the_same_where(con):
    counted = _lookup("n", "SELECT conversation_id AS key, COUNT(*) AS value FROM messages "
                           "WHERE direction = 'incoming' GROUP BY conversation_id")
    first = _lookup("first", "SELECT conversation_id AS key, MIN(sent_at) AS value FROM messages "
                             "WHERE direction = 'incoming' GROUP BY conversation_id")
    other = _lookup("m", "SELECT conversation_id AS key, COUNT(*) AS value FROM messages "
                         "WHERE sender_type = 'agent' GROUP BY conversation_id")
    distinct = _lookup("d", "SELECT DISTINCT conversation_id AS key, direction AS value FROM messages")
    assert chain(counted) == chain(first) != chain(other)
    assert chain(distinct) is None
    assert _through_one_table(con, [counted, first]) == [_rows(con, counted.body), _rows(con, first.body)]
    assert _rows(con, counted.body) == [(1, 2), (2, 1)]
