"""The demo dataset: contract types, integrity, invariants, edge cases and recent activity."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import duckdb
import pytest

from reportbuilder.demo import cache
from reportbuilder.demo.cache import demo_dataset_dir
from reportbuilder.demo.generate_demo import generate_demo
from reportbuilder.demo.schema import TABLES

ANCHOR = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 12)
NOW_SQL = "TIMESTAMP '2026-06-15 12:00:00'"

LINKS = (
    ("contacts", "company_id", "companies"),
    ("owners", "team_id", "teams"),
    ("tickets", "contact_id", "contacts"),
    ("tickets", "company_id", "companies"),
    ("tickets", "owner_id", "owners"),
    ("ticket_status_changes", "ticket_id", "tickets"),
    ("conversations", "ticket_id", "tickets"),
    ("conversations", "contact_id", "contacts"),
    ("conversations", "owner_id", "owners"),
    ("messages", "conversation_id", "conversations"),
    ("messages", "owner_id", "owners"),
    ("feedback_submissions", "ticket_id", "tickets"),
    ("feedback_submissions", "contact_id", "contacts"),
    ("calls", "contact_id", "contacts"),
    ("calls", "owner_id", "owners"),
    ("calls", "ticket_id", "tickets"),
    ("shifts", "owner_id", "owners"),
)
ENUMS = (
    ("companies", "plan", {"free", "starter", "pro", "enterprise"}),
    ("contacts", "lifecycle_stage", {"lead", "customer", "churned"}),
    ("tickets", "pipeline", {"support", "onboarding"}),
    ("tickets", "status", {"new", "waiting_on_us", "waiting_on_contact", "closed"}),
    ("tickets", "priority", {"low", "medium", "high", "urgent"}),
    ("tickets", "channel", {"email", "chat", "phone", "form", "social"}),
    ("tickets", "category", {"billing", "technical", "account", "feature_request", "other"}),
    ("ticket_status_changes", "status", {"new", "waiting_on_us", "waiting_on_contact", "closed"}),
    ("conversations", "channel", {"email", "chat", "phone", "sms", "social"}),
    ("conversations", "status", {"open", "closed"}),
    ("messages", "direction", {"incoming", "outgoing"}),
    ("messages", "sender_type", {"contact", "agent", "bot"}),
    ("messages", "status", {"received", "delivered", "undelivered"}),
    ("feedback_submissions", "survey_type", {"csat", "ces", "nps"}),
    ("calls", "direction", {"incoming", "outgoing"}),
    ("calls", "status", {"completed", "missed", "ringing", "cancelled"}),
)


def _connect(folder) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"CREATE VIEW {table} AS FROM read_parquet('{folder / table}.parquet')")
    return con


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo")
    generate_demo(path, ANCHOR)
    return path


@pytest.fixture(scope="module")
def db(folder):
    con = _connect(folder)
    yield con
    con.close()


def count(db, sql: str) -> int:
    return db.execute(f"SELECT count(*) FROM {sql}").fetchone()[0]


def test_same_anchor_and_seed_give_the_same_data(db, tmp_path):
    generate_demo(tmp_path, ANCHOR)
    again = _connect(tmp_path)
    for table in TABLES:
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert db.execute(query).fetchall() == again.execute(query).fetchall(), table


def test_another_seed_gives_other_data(db, tmp_path):
    generate_demo(tmp_path, ANCHOR, seed=8)
    other = _connect(tmp_path)
    query = "SELECT * FROM tickets ORDER BY id"
    assert db.execute(query).fetchall() != other.execute(query).fetchall()


@pytest.mark.parametrize("table", list(TABLES))
def test_columns_and_types_follow_the_contract(db, table):
    described = db.execute(f"DESCRIBE {table}").fetchall()
    assert tuple((name, kind) for name, kind, *_ in described) == TABLES[table]


def test_sizes_are_those_of_a_small_help_desk(db):
    sizes = {t: count(db, t) for t in TABLES}
    assert sizes["companies"] == 40 and sizes["owners"] == 15 and sizes["tickets"] == 3000
    assert 550 <= sizes["contacts"] <= 650 and 3 <= sizes["teams"] <= 4
    assert sizes["messages"] > 3 * sizes["tickets"] and sizes["calls"] > 1000
    assert sizes["shifts"] > 5000 and sizes["feedback_submissions"] > 500


@pytest.mark.parametrize("table", [t for t, cols in TABLES.items() if cols[0][0] == "id"])
def test_ids_are_unique_and_present(db, table):
    assert count(db, f"{table} WHERE id IS NULL") == 0
    assert db.execute(f"SELECT count(DISTINCT id) = count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize("table,column,target", LINKS)
def test_every_link_points_to_an_existing_row(db, table, column, target):
    assert count(db, f"{table} WHERE {column} IS NOT NULL AND {column} NOT IN "
                     f"(SELECT id FROM {target})") == 0


@pytest.mark.parametrize("table,column,allowed", ENUMS)
def test_enumerations_use_the_contract_values(db, table, column, allowed):
    values = {v for (v,) in db.execute(f"SELECT DISTINCT {column} FROM {table}").fetchall()}
    assert values == allowed


def test_nothing_happens_after_now(db):
    for table, columns in TABLES.items():
        for name, kind in columns:
            if kind == "TIMESTAMP" and not name.endswith("_due_at"):  # deadlines may lie ahead
                latest = db.execute(f"SELECT max({name}) FROM {table}").fetchone()[0]
                assert latest <= NOW, (table, name)
    assert count(db, f"calls WHERE started_at + to_seconds(duration_seconds) > {NOW_SQL}") == 0
    assert count(db, "shifts WHERE ended_at <= started_at") == 0
    first = db.execute("SELECT min(created_at) FROM tickets").fetchone()[0]
    assert NOW - dt.timedelta(days=731) <= first < NOW - dt.timedelta(days=700)


def test_status_history_matches_the_tickets(db):
    history: dict[int, list] = {}
    query = "SELECT ticket_id, status, changed_at FROM ticket_status_changes ORDER BY 1, 3"
    for ticket_id, status, at in db.execute(query).fetchall():
        history.setdefault(ticket_id, []).append((at, status))
    tickets = db.execute("SELECT id, status, created_at, closed_at FROM tickets").fetchall()
    assert len(history) == len(tickets)
    for ticket_id, status, created, closed in tickets:
        changes = history[ticket_id]
        assert changes[0] == (created, "new")
        assert all(a[0] < b[0] and a[1] != b[1] for a, b in zip(changes, changes[1:]))
        assert changes[-1][1] == status
        assert closed == (changes[-1][0] if status == "closed" else None)


def test_some_tickets_are_reopened_once_and_a_few_twice(db):
    reopens = Counter(n for (n,) in db.execute("""
        SELECT count(*) FILTER (WHERE previous = 'closed' AND status <> 'closed')
        FROM (SELECT ticket_id, status,
                     lag(status) OVER (PARTITION BY ticket_id ORDER BY changed_at) AS previous
              FROM ticket_status_changes)
        GROUP BY ticket_id""").fetchall())
    assert reopens[1] > 50 and 5 <= reopens[2] < reopens[1] and set(reopens) == {0, 1, 2}


def test_first_response_is_the_first_agent_reply(db):
    assert count(db, """tickets t LEFT JOIN (
            SELECT c.ticket_id, min(m.sent_at) AS first_reply
            FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.direction = 'outgoing' AND m.sender_type = 'agent'
            GROUP BY c.ticket_id) r ON r.ticket_id = t.id
        WHERE t.first_response_at IS DISTINCT FROM r.first_reply""") == 0


def test_messages_follow_the_senders_rules(db):
    assert count(db, "messages WHERE direction = 'incoming' AND "
                     "(sender_type <> 'contact' OR status <> 'received' OR owner_id IS NOT NULL)") == 0
    assert count(db, "messages WHERE direction = 'outgoing' AND (sender_type = 'contact' "
                     "OR status NOT IN ('delivered', 'undelivered'))") == 0
    assert count(db, "messages WHERE sender_type = 'agent' AND owner_id IS NULL") == 0
    assert count(db, "messages WHERE sender_type = 'bot' AND owner_id IS NOT NULL") == 0
    assert count(db, "messages m JOIN conversations c ON c.id = m.conversation_id "
                     "WHERE m.channel <> c.channel OR m.sent_at < c.started_at") == 0


def test_conversations_agree_with_their_messages(db):
    assert count(db, """conversations c JOIN (
            SELECT conversation_id, min(sent_at) AS first, max(sent_at) AS last
            FROM messages GROUP BY 1) m ON m.conversation_id = c.id
        WHERE m.first <> c.started_at OR c.closed_at < m.last""") == 0
    assert count(db, "conversations WHERE id NOT IN (SELECT conversation_id FROM messages)") == 0
    assert count(db, "conversations WHERE (status = 'closed') <> (closed_at IS NOT NULL)") == 0
    # ids grow with time, as a help desk assigns them
    assert count(db, """(SELECT sent_at, lag(sent_at) OVER (ORDER BY id) AS previous FROM messages)
        WHERE sent_at < previous""") == 0


def test_calls_follow_the_contract_rules(db):
    assert count(db, "calls WHERE status = 'ringing' AND direction <> 'outgoing'") == 0
    assert count(db, "calls WHERE status = 'cancelled' AND direction <> 'incoming'") == 0
    assert count(db, "calls WHERE (status = 'completed') <> (duration_seconds > 0)") == 0
    missed_incoming = "status = 'missed' AND direction = 'incoming'"
    assert count(db, f"calls WHERE voicemail AND NOT ({missed_incoming})") == 0
    assert count(db, "calls WHERE voicemail") > 0
    assert count(db, f"calls WHERE {missed_incoming} AND NOT voicemail") > 0


def test_scores_stay_in_their_ranges_and_lean_positive(db):
    ranges = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}
    rows = db.execute("SELECT survey_type, min(score), max(score), avg(score) "
                      "FROM feedback_submissions GROUP BY 1").fetchall()
    for survey, low, high, mean in rows:
        assert ranges[survey] == (low, high)
        assert mean > sum(ranges[survey]) / 2


SLAS = (("first_response_due_at", "first_response_at"), ("close_due_at", "closed_at"))
SLA_STATUSES = {"none", "on_time", "late", "overdue", "pending"}


def _sla(due: str, done: str, now: str = NOW_SQL) -> str:
    return f"""CASE WHEN {due} IS NULL THEN 'none'
        WHEN {done} IS NOT NULL THEN CASE WHEN {done} <= {due} THEN 'on_time' ELSE 'late' END
        WHEN {now} > {due} THEN 'overdue' ELSE 'pending' END"""


@pytest.mark.parametrize("due,done", SLAS)
def test_sla_statuses_all_occur_and_most_are_met(db, due, done):
    query = f"SELECT {_sla(due, done)}, count(*) FROM tickets GROUP BY 1"
    statuses = dict(db.execute(query).fetchall())
    assert set(statuses) == SLA_STATUSES
    assert statuses["on_time"] > 2 * (statuses["late"] + statuses["overdue"])


def test_next_response_turns_are_answered_late_on_time_or_not_yet(db):
    rows = db.execute("""
        SELECT m.conversation_id, t.next_response_sla_minutes, m.direction, m.sender_type, m.sent_at
        FROM messages m JOIN conversations c ON c.id = m.conversation_id
        JOIN tickets t ON t.id = c.ticket_id
        WHERE t.next_response_sla_minutes IS NOT NULL ORDER BY m.conversation_id, m.sent_at, m.id
    """).fetchall()
    outcomes, turn, replied, current = Counter(), None, False, None
    for conversation, minutes, direction, sender, at in rows + [(None, 0, "", "", None)]:
        if conversation != current:
            if turn is not None:
                outcomes["open"] += 1
            current, turn, replied = conversation, None, False
        if direction == "incoming" and replied and turn is None:
            turn = at
        elif direction == "outgoing" and sender == "agent":
            if turn is not None:
                outcomes["on_time" if at <= turn + dt.timedelta(minutes=minutes) else "late"] += 1
            turn, replied = None, True
    assert outcomes["on_time"] > outcomes["late"] > 0 and outcomes["open"] > 0


EDGE_CASES = {
    "company without employees": "companies WHERE employees IS NULL",
    "contact without company": "contacts WHERE company_id IS NULL",
    "contact without phone": "contacts WHERE phone IS NULL",
    "contact without country": "contacts WHERE country IS NULL",
    "owner without team": "owners WHERE team_id IS NULL",
    "inactive owner": "owners WHERE NOT active",
    "owner without shifts": "owners WHERE id NOT IN (SELECT owner_id FROM shifts)",
    "team without owners": "teams WHERE id NOT IN "
        "(SELECT team_id FROM owners WHERE team_id IS NOT NULL)",
    "ticket without owner": "tickets WHERE owner_id IS NULL",
    "ticket without contact": "tickets WHERE contact_id IS NULL",
    "ticket without company": "tickets WHERE company_id IS NULL",
    "ticket of another company than its contact's": "tickets t JOIN contacts c ON c.id = t.contact_id "
        "WHERE t.company_id IS NOT NULL AND t.company_id IS DISTINCT FROM c.company_id",
    "ticket without first response": "tickets WHERE first_response_at IS NULL",
    "closed ticket without any reply": "tickets WHERE status = 'closed' AND first_response_at IS NULL",
    "ticket without first-response SLA": "tickets WHERE first_response_due_at IS NULL",
    "ticket without close SLA": "tickets WHERE close_due_at IS NULL "
        "AND first_response_due_at IS NOT NULL",
    "ticket without next-response SLA": "tickets WHERE next_response_sla_minutes IS NULL",
    "ticket without handle time": "tickets WHERE handle_time_seconds IS NULL",
    "ticket owned by an inactive owner": "tickets WHERE owner_id IN "
        "(SELECT id FROM owners WHERE NOT active)",
    "ticket without conversation": "tickets WHERE id NOT IN "
        "(SELECT ticket_id FROM conversations WHERE ticket_id IS NOT NULL)",
    "ticket with two conversations": "(SELECT ticket_id FROM conversations WHERE ticket_id IS NOT NULL "
        "GROUP BY 1 HAVING count(*) >= 2)",
    "conversation without ticket": "conversations WHERE ticket_id IS NULL",
    "conversation without contact": "conversations WHERE contact_id IS NULL",
    "open conversation": "conversations WHERE status = 'open'",
    "conversation started by an agent": "conversations c JOIN messages m ON m.conversation_id = c.id "
        "AND m.sent_at = c.started_at WHERE m.direction = 'outgoing'",
    "bot message": "messages WHERE sender_type = 'bot'",
    "undelivered message": "messages WHERE status = 'undelivered'",
    "reply by someone other than the owner": "messages m "
        "JOIN conversations c ON c.id = m.conversation_id JOIN tickets t ON t.id = c.ticket_id "
        "WHERE m.sender_type = 'agent' AND m.owner_id <> t.owner_id",
    "feedback without ticket": "feedback_submissions WHERE ticket_id IS NULL",
    "feedback without contact": "feedback_submissions WHERE contact_id IS NULL",
    "feedback without comment": "feedback_submissions WHERE comment IS NULL",
    "feedback with comment": "feedback_submissions WHERE comment IS NOT NULL",
    "call without ticket": "calls WHERE ticket_id IS NULL",
    "call without contact": "calls WHERE contact_id IS NULL",
    "call without owner": "calls WHERE owner_id IS NULL",
    "call linked to a ticket": "calls WHERE ticket_id IS NOT NULL",
}


@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_edge_case_occurs(db, case):
    assert count(db, EDGE_CASES[case]) > 0


RECENT = {
    "tickets created": "tickets WHERE created_at > {since}",
    "tickets closed": "tickets WHERE closed_at > {since}",
    "open tickets created": "tickets WHERE status <> 'closed' AND created_at > {since}",
    "first responses": "tickets WHERE first_response_at > {since}",
    "status changes": "ticket_status_changes WHERE changed_at > {since}",
    "incoming messages": "messages WHERE direction = 'incoming' AND sent_at > {since}",
    "agent replies": "messages WHERE sender_type = 'agent' AND sent_at > {since}",
    "calls": "calls WHERE started_at > {since}",
    "completed calls": "calls WHERE status = 'completed' AND started_at > {since}",
    "csat": "feedback_submissions WHERE survey_type = 'csat' AND submitted_at > {since}",
    "ces": "feedback_submissions WHERE survey_type = 'ces' AND submitted_at > {since}",
    "nps": "feedback_submissions WHERE survey_type = 'nps' AND submitted_at > {since}",
    "shifts": "shifts WHERE started_at > {since}",
}


@pytest.mark.parametrize("activity", list(RECENT))
def test_the_last_30_days_have_activity(db, activity):
    since = f"{NOW_SQL} - INTERVAL 30 DAY"
    assert count(db, RECENT[activity].format(since=since)) >= 3


def test_every_status_and_pending_work_is_current(db):
    open_now = dict(db.execute("SELECT status, count(*) FROM tickets GROUP BY 1").fetchall())
    assert all(open_now[s] > 0 for s in ("new", "waiting_on_us", "waiting_on_contact"))
    assert open_now["closed"] > 0.9 * sum(open_now.values())
    old = f"created_at < {NOW_SQL} - INTERVAL 60 DAY"
    # tickets left waiting on the customer are closed automatically after some days
    assert count(db, f"tickets WHERE status = 'waiting_on_contact' AND {old}") == 0


def test_volume_follows_weekdays_office_hours_and_grows(db):
    weekday, weekend, office, night, first_year, second_year = db.execute(f"""
        SELECT count(*) FILTER (WHERE isodow(created_at) <= 5) / 5,
               count(*) FILTER (WHERE isodow(created_at) > 5) / 2,
               count(*) FILTER (WHERE hour(created_at) BETWEEN 8 AND 19),
               count(*) FILTER (WHERE hour(created_at) NOT BETWEEN 8 AND 19),
               count(*) FILTER (WHERE created_at < {NOW_SQL} - INTERVAL 365 DAY),
               count(*) FILTER (WHERE created_at >= {NOW_SQL} - INTERVAL 365 DAY)
        FROM tickets""").fetchone()
    assert weekday > 2 * weekend and office > 2 * night and second_year > 1.1 * first_year


def test_agents_reply_in_working_hours_and_work_in_two_regions(db):
    starts = {h for (h,) in db.execute("SELECT DISTINCT hour(started_at) FROM shifts").fetchall()}
    assert {6, 7} & starts and {14, 15} & starts
    night = count(db, "messages WHERE sender_type = 'agent' AND hour(sent_at) BETWEEN 0 AND 4")
    assert night < 0.02 * count(db, "messages WHERE sender_type = 'agent'")


def test_a_week_later_anchor_shifts_the_same_data_by_a_week(db, tmp_path):
    generate_demo(tmp_path, ANCHOR + dt.timedelta(days=7))
    later = _connect(tmp_path)
    columns = "id, status, priority, created_at, first_response_at, closed_at"
    shifted = later.execute(f"SELECT {columns} FROM tickets ORDER BY id").fetchall()
    week = dt.timedelta(days=7)
    expected = [(*row[:3], *(None if t is None else t + week for t in row[3:]))
                for row in db.execute(f"SELECT {columns} FROM tickets ORDER BY id").fetchall()]
    assert shifted == expected


@pytest.mark.parametrize("days", range(1, 7))
def test_any_anchor_weekday_shows_every_sla_status_and_recent_activity(tmp_path, days):
    """With the test above, ANCHOR and the next six days stand for every possible anchor."""
    anchor = ANCHOR + dt.timedelta(days=days)
    generate_demo(tmp_path, anchor)
    con = _connect(tmp_path)
    now = f"TIMESTAMP '{anchor} 12:00:00'"
    for due, done in SLAS:
        found = con.execute(f"SELECT DISTINCT {_sla(due, done, now)} FROM tickets").fetchall()
        assert {s for (s,) in found} == SLA_STATUSES
    for activity in RECENT.values():
        since = f"{now} - INTERVAL 30 DAY"
        assert count(con, activity.format(since=since)) >= 3


def test_cache_folder_is_generated_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("RB_CACHE_DIR", str(tmp_path))
    first = demo_dataset_dir(ANCHOR)
    assert first == tmp_path / "reportbuilder" / "demo-v2-2026-06-15"
    assert sorted(p.name for p in first.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)

    def fail(*_):
        raise AssertionError("generated again")

    monkeypatch.setattr(cache, "generate_demo", fail)
    assert demo_dataset_dir(ANCHOR) == first
    assert [p.name for p in (tmp_path / "reportbuilder").iterdir()] == [first.name]


def _stub(folder, anchor):
    """Stands in for the generator where the tests are about the folder, not the data."""
    for table in TABLES:
        (folder / f"{table}.parquet").write_bytes(b"")


def test_cache_tolerates_another_process_winning_the_race(tmp_path, monkeypatch):
    monkeypatch.setenv("RB_CACHE_DIR", str(tmp_path))
    target = tmp_path / "reportbuilder" / "demo-v2-2026-06-15"

    def racing(folder, anchor):
        _stub(folder, anchor)
        target.mkdir()
        _stub(target, anchor)
        (target / "winner").write_text("")

    monkeypatch.setattr(cache, "generate_demo", racing)
    assert demo_dataset_dir(ANCHOR) == target
    assert (target / "winner").exists()
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_cache_replaces_a_damaged_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RB_CACHE_DIR", str(tmp_path))
    target = tmp_path / "reportbuilder" / "demo-v2-2026-06-15"
    target.mkdir(parents=True)
    (target / "tickets.parquet").write_bytes(b"")
    monkeypatch.setattr(cache, "generate_demo", _stub)
    assert demo_dataset_dir(ANCHOR) == target
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)


def test_cache_falls_back_to_the_temp_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "generate_demo", _stub)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("RB_CACHE_DIR", str(blocker))
    monkeypatch.setattr(cache.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = demo_dataset_dir(ANCHOR)
    assert folder.is_relative_to(tmp_path / "tmp") and folder.name == "demo-v2-2026-06-15"
    assert (folder / "tickets.parquet").is_file()
