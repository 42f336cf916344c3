"""The SQL of the help-desk vocabulary (reportbuilder/catalog/vocabulary.yaml), run as is.

Every `sql` derived field and derived entity is executed directly on DuckDB over small
hand-made tables in the contract's shape (NOW() replaced by a fixed TIMESTAMP literal, as
the engine does), and its rows are compared with values worked out by hand below.
The `expr` fields and measures need the engine; tests/vocabulary/test_vocabulary_report.py
runs them end to end. Here they are only checked for names and syntax.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import sqlglot
import yaml
from sqlglot import exp

ROOT = Path(__file__).resolve().parents[2]
VOCABULARY = ROOT / "reportbuilder" / "catalog" / "vocabulary.yaml"
BASE = ROOT / "reportbuilder" / "catalog" / "helpdesk.yaml"
NOW = "TIMESTAMP '2025-06-30 12:00:00'"

# The tables and columns of shared/contract/data-model.md, with their SQL types.
DATA_MODEL = {
    "companies": "id BIGINT, name VARCHAR, domain VARCHAR, industry VARCHAR, country VARCHAR, "
                 "employees INTEGER, plan VARCHAR, created_at TIMESTAMP",
    "contacts": "id BIGINT, company_id BIGINT, name VARCHAR, email VARCHAR, phone VARCHAR, "
                "country VARCHAR, lifecycle_stage VARCHAR, created_at TIMESTAMP",
    "teams": "id BIGINT, name VARCHAR",
    "owners": "id BIGINT, name VARCHAR, email VARCHAR, team_id BIGINT, active BOOLEAN, created_at TIMESTAMP",
    "tickets": "id BIGINT, subject VARCHAR, contact_id BIGINT, company_id BIGINT, owner_id BIGINT, "
               "pipeline VARCHAR, status VARCHAR, priority VARCHAR, channel VARCHAR, "
               "channel_account VARCHAR, category VARCHAR, created_at TIMESTAMP, "
               "first_response_at TIMESTAMP, closed_at TIMESTAMP, first_response_due_at TIMESTAMP, "
               "close_due_at TIMESTAMP, next_response_sla_minutes INTEGER, handle_time_seconds INTEGER",
    "ticket_status_changes": "ticket_id BIGINT, status VARCHAR, changed_at TIMESTAMP",
    "conversations": "id BIGINT, ticket_id BIGINT, contact_id BIGINT, owner_id BIGINT, channel VARCHAR, "
                     "inbox VARCHAR, status VARCHAR, started_at TIMESTAMP, closed_at TIMESTAMP",
    "messages": "id BIGINT, conversation_id BIGINT, direction VARCHAR, sender_type VARCHAR, "
                "owner_id BIGINT, channel VARCHAR, status VARCHAR, sent_at TIMESTAMP",
    "feedback_submissions": "id BIGINT, ticket_id BIGINT, contact_id BIGINT, survey_type VARCHAR, "
                            "score INTEGER, submitted_at TIMESTAMP, comment VARCHAR",
    "calls": "id BIGINT, contact_id BIGINT, owner_id BIGINT, ticket_id BIGINT, phone_number VARCHAR, "
             "direction VARCHAR, status VARCHAR, started_at TIMESTAMP, duration_seconds INTEGER, "
             "voicemail BOOLEAN",
    "shifts": "id BIGINT, owner_id BIGINT, started_at TIMESTAMP, ended_at TIMESTAMP",
}

def vocabulary() -> dict:
    return yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))


def base_catalog() -> dict:
    return yaml.safe_load(BASE.read_text(encoding="utf-8"))


def all_sql() -> list[tuple[str, str]]:
    """(where, sql) for every sql field and derived entity of the vocabulary."""
    doc = vocabulary()
    found = []
    for entity, fields in doc.get("derived_fields", {}).items():
        for name, spec in fields.items():
            if "sql" in spec:
                found.append((f"{entity}.{name}", spec["sql"]))
    for name, spec in doc.get("derived_entities", {}).items():
        found.append((name, spec["sql"]))
    return found


def T(text: str) -> datetime:
    """'06-30 12:00' -> 2025-06-30 12:00 (every fixture lives in 2025)."""
    return datetime.strptime("2025-" + text, "%Y-%m-%d %H:%M")


def database(**rows) -> duckdb.DuckDBPyConnection:
    """An in-memory database with all 11 tables; `rows` fills some: table=[(col values...)].

    Each table's tuples list its columns in the order given by `COLUMNS[table]` below.
    """
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for table, columns in DATA_MODEL.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
    for table, values in rows.items():
        names = COLUMNS[table]
        marks = ", ".join("?" for _ in names)
        con.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)
    return con


# Column order of the fixture tuples (a subset of each table; the rest stay null).
COLUMNS = {
    "tickets": ("id", "status", "created_at", "next_response_sla_minutes"),
    "ticket_status_changes": ("ticket_id", "status", "changed_at"),
    "conversations": ("id", "ticket_id"),
    "messages": ("id", "conversation_id", "direction", "sender_type", "sent_at"),
}


def fill(sql: str, range_start: datetime | None = None, keys: tuple[int, ...] | None = None) -> str:
    """Catalog SQL with its placeholders filled as the engine does: NOW() the report's now,
    RANGE_START() the pushed-down range start (else null), IS_REPORT_KEY(x) x IN keys (else true),
    IF_REPORT_KEYS(condition) the condition with keys (else true)."""
    start = "CAST(NULL AS TIMESTAMP)" if range_start is None else f"TIMESTAMP '{range_start}'"
    sql = _if_report_keys(sql.replace("NOW()", NOW).replace("RANGE_START()", start), keys is not None)
    in_keys = "TRUE" if keys is None else rf"\1 IN ({', '.join(map(str, keys))})"
    return re.sub(r"IS_REPORT_KEY\(([\w.]+)\)", in_keys, sql)


def _if_report_keys(sql: str, keyed: bool) -> str:
    """Each IF_REPORT_KEYS(...) as its parenthesised condition (keyed) or TRUE."""
    while (start := sql.find("IF_REPORT_KEYS(")) >= 0:
        depth, end = 0, start + len("IF_REPORT_KEYS")
        for end in range(end, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        sql = sql[:start] + (sql[start + len("IF_REPORT_KEYS"):end + 1] if keyed else "TRUE") + sql[end + 1:]
    return sql


def run(con, sql: str, range_start: datetime | None = None, keys: tuple[int, ...] | None = None) -> list[dict]:
    """Run catalog SQL as the engine would (see `fill`)."""
    cursor = con.execute(fill(sql, range_start, keys))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def key_values(con, sql: str, keys: tuple[int, ...] | None = None) -> dict:
    rows = run(con, sql, keys=keys)
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)), "at most one row per key"
    return {r["key"]: r["value"] for r in rows}


def field_sql(entity: str, name: str) -> str:
    return vocabulary()["derived_fields"][entity][name]["sql"]


def entity_sql(name: str) -> str:
    return vocabulary()["derived_entities"][name]["sql"]


# ---------------------------------------------------------------------------------------
# Shape of the file
# ---------------------------------------------------------------------------------------

CONTRACT_FIELDS = {
    ("tickets", "time_to_first_response"): "number",
    ("tickets", "time_to_close"): "number",
    ("tickets", "first_response_sla_status"): "text",
    ("tickets", "close_sla_status"): "text",
    ("tickets", "reopen_count"): "integer",
    ("tickets", "agent_reply_count"): "integer",
    ("tickets", "first_contact_resolution"): "boolean",
    ("messages", "reply_time"): "number",
    ("shifts", "duration"): "number",
}
CONTRACT_MEASURES = {
    "csat": "feedback_submissions", "csat_score": "feedback_submissions",
    "ces": "feedback_submissions", "ces_score": "feedback_submissions",
    "nps": "feedback_submissions", "fcr_rate": "tickets", "avg_handle_time_minutes": "tickets",
}
CONTRACT_ENTITIES = {
    "ticket_status_periods": ["ticket_id", "status", "started_at", "ended_at", "seconds"],
    "response_turns": ["ticket_id", "conversation_id", "started_at", "due_at", "replied_at",
                       "reply_seconds", "sla_status"],
}


def test_contract_names_are_defined_with_their_types():
    doc = vocabulary()
    for (entity, name), kind in CONTRACT_FIELDS.items():
        assert doc["derived_fields"][entity][name]["type"] == kind, (entity, name)
    for name, entity in CONTRACT_MEASURES.items():
        assert doc["measures"][name]["entity"] == entity, name
    for name, columns in CONTRACT_ENTITIES.items():
        declared = doc["derived_entities"][name]["columns"]
        assert set(columns) <= set(declared), name
    assert set(doc["derived_entities"]["ticket_status_periods"]["links"]) == {"ticket"}
    assert set(doc["derived_entities"]["response_turns"]["links"]) == {"ticket", "conversation"}


def test_every_entry_follows_the_format():
    doc = vocabulary()
    assert set(doc) == {"derived_fields", "derived_entities", "measures"}
    base = base_catalog()["entities"]
    types = {"integer", "number", "text", "boolean", "timestamp"}
    for entity, fields in doc["derived_fields"].items():
        assert entity in base or entity in doc["derived_entities"]
        columns = base[entity]["columns"] if entity in base else doc["derived_entities"][entity]["columns"]
        for name, spec in fields.items():
            where = f"{entity}.{name}"
            assert set(spec) <= {"type", "unit", "description", "expr", "sql", "default"}, where
            assert ("expr" in spec) != ("sql" in spec), where
            assert spec["type"] in types, where
            assert spec.get("unit") in (None, "seconds", "percent"), where
            assert spec.get("description"), where
            assert name not in columns, f"{where} shadows a column"
            if "default" in spec:
                assert "sql" in spec, where
    for name, spec in doc["derived_entities"].items():
        assert set(spec) <= {"description", "sql", "primary_key", "time_field", "columns", "units",
                             "links", "dashboard_filters"}, name
        assert name not in base
        assert spec["time_field"] in spec["columns"]
        assert spec["primary_key"] is None or spec["primary_key"] in spec["columns"]
        assert set(spec["columns"].values()) <= types
        assert set(spec.get("units", {})) <= set(spec["columns"])
        for link in spec["links"].values():
            assert link["column"] in spec["columns"] and link["entity"] in base
    entities = set(base) | set(doc["derived_entities"])
    for name, spec in doc["measures"].items():
        assert set(spec) <= {"entity", "unit", "description", "expr"}, name
        assert spec["entity"] in entities and spec["description"] and spec["expr"], name
        assert spec.get("unit") in (None, "percent", "seconds"), name


def test_defaults_of_count_fields_are_zero():
    fields = vocabulary()["derived_fields"]["tickets"]
    assert fields["reopen_count"]["default"] == 0
    assert fields["agent_reply_count"]["default"] == 0
    assert "default" not in vocabulary()["derived_fields"]["messages"]["reply_time"]


@pytest.mark.parametrize("where,sql", all_sql(), ids=[w for w, _ in all_sql()])
def test_sql_parses_and_reads_only_data_model_tables(where, sql):
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    tables = {t.name for t in tree.find_all(exp.Table)} - ctes
    assert tables and tables <= set(DATA_MODEL), (where, tables)
    # NOW() is the only volatile call, spelled exactly so the engine can substitute it
    # (sqlglot reads it as an anonymous function NOW, or as CURRENT_TIMESTAMP).
    # RANGE_START() is the date range's start where the engine pushes it down, else null.
    nows = [n for n in tree.find_all(exp.Anonymous) if n.name.upper() == "NOW"]
    nows += list(tree.find_all(exp.CurrentTimestamp))
    assert len(nows) == sql.count("NOW()"), where
    assert not list(tree.find_all(exp.CurrentDate, exp.CurrentTime, exp.Rand)), where
    assert not re.search(r"current_(date|time|timestamp)|random\(|uuid|today\(", sql, re.I), where


@pytest.mark.parametrize("where,sql", all_sql(), ids=[w for w, _ in all_sql()])
def test_sql_runs_on_empty_tables_with_the_declared_columns(where, sql):
    doc = vocabulary()
    cursor = database().execute(fill(sql))
    names = [d[0] for d in cursor.description]
    if "." in where:
        assert names == ["key", "value"], where
    else:
        assert names == list(doc["derived_entities"][where]["columns"]), where
    assert cursor.fetchall() == []


def _identifiers(text: str) -> set[str]:
    """Names in an expression that are not keywords, functions or inside string literals."""
    text = re.sub(r"'([^']|'')*'", "''", text)
    keywords = {"and", "or", "not", "in", "between", "like", "ilike", "is", "null", "true",
                "false", "case", "when", "then", "else", "end", "interval"}
    names = set()
    for match in re.finditer(r"[A-Za-z_][A-Za-z0-9_.]*", text):
        word = match.group(0)
        if word.lower() in keywords or text[match.end():].lstrip().startswith("("):
            continue
        names.add(word)
    return names


def test_expressions_name_only_fields_of_their_entity():
    doc = vocabulary()
    base = base_catalog()["entities"]
    fields = {e: set(spec["columns"]) | set(doc["derived_fields"].get(e, {})) for e, spec in base.items()}
    for name, spec in doc["derived_entities"].items():
        fields[name] = set(spec["columns"])
    for entity, specs in doc["derived_fields"].items():
        for name, spec in specs.items():
            if "expr" in spec:
                unknown = _identifiers(spec["expr"]) - fields[entity]
                assert not unknown, (entity, name, unknown)
    for name, spec in doc["measures"].items():
        unknown = _identifiers(spec["expr"]) - fields[spec["entity"]]
        assert not unknown, (name, unknown)


def test_expressions_parse_with_the_report_language():
    from reportbuilder.expr import parse_expr

    doc = vocabulary()
    texts = [s["expr"] for fields in doc["derived_fields"].values() for s in fields.values() if "expr" in s]
    texts += [s["expr"] for s in doc["measures"].values()]
    for text in texts:
        parse_expr.parse_expression(text)


# ---------------------------------------------------------------------------------------
# tickets.reopen_count
# ---------------------------------------------------------------------------------------

def test_reopen_count():
    con = database(
        tickets=[
            (1, "closed", T("06-01 09:00"), None),      # no history at all
            (2, "closed", T("06-01 09:00"), None),      # never reopened
            (3, "closed", T("06-01 09:00"), None),      # reopened twice
            (4, "waiting_on_contact", T("06-01 09:00"), None),  # closed twice in a row, then reopened
            (5, "waiting_on_us", T("06-01 09:00"), None),       # closed and reopened at one instant
            (6, "closed", T("06-01 09:00"), None),      # replied and closed at one instant
            (7, "waiting_on_contact", T("06-01 09:00"), None),  # tie in the middle of the history
            (8, "closed", T("06-01 09:00"), None),      # created and closed at one instant
            (9, "waiting_on_us", T("06-01 09:00"), None),       # created closed, reopened later
            (10, "on_hold", T("06-01 09:00"), None),    # unknown status after closed
        ],
        ticket_status_changes=[
            (2, "new", T("06-01 09:00")), (2, "waiting_on_us", T("06-01 10:00")),
            (2, "closed", T("06-01 11:00")),
            # 3: new, closed, waiting_on_us (reopen 1), closed, new (reopen 2), closed; rows shuffled
            (3, "closed", T("06-03 09:00")), (3, "new", T("06-01 09:00")),
            (3, "new", T("06-02 15:00")), (3, "closed", T("06-01 12:00")),
            (3, "waiting_on_us", T("06-02 09:00")), (3, "closed", T("06-02 10:00")),
            # 4: closed -> closed is no reopen; closed -> waiting_on_contact is one
            (4, "new", T("06-01 09:00")), (4, "closed", T("06-01 10:00")),
            (4, "closed", T("06-01 11:00")), (4, "waiting_on_contact", T("06-01 12:00")),
            # 5: the last two rows share a timestamp; the current status (waiting_on_us) goes
            #    last: new, closed, waiting_on_us -> 1 (the file order would give 0)
            (5, "new", T("06-01 09:00")), (5, "waiting_on_us", T("06-01 10:00")),
            (5, "closed", T("06-01 10:00")),
            # 6: same tie, current status closed: new, waiting_on_contact, closed -> 0
            (6, "new", T("06-01 09:00")), (6, "closed", T("06-01 10:00")),
            (6, "waiting_on_contact", T("06-01 10:00")),
            # 7: tie before the last change: `closed` before other statuses:
            #    new, closed, closed, waiting_on_us, waiting_on_contact -> 1
            (7, "new", T("06-01 09:00")), (7, "closed", T("06-01 10:00")),
            (7, "waiting_on_us", T("06-01 11:00")), (7, "closed", T("06-01 11:00")),
            (7, "waiting_on_contact", T("06-01 12:00")),
            # 8: new and closed at created_at, status closed: new, closed -> 0
            (8, "closed", T("06-01 09:00")), (8, "new", T("06-01 09:00")),
            # 9: the tie is not the last group: `new` first: new, closed, waiting_on_us -> 1
            (9, "closed", T("06-01 09:00")), (9, "new", T("06-01 09:00")),
            (9, "waiting_on_us", T("06-01 10:00")),
            # 10: unknown values are statuses like any other; a null changed_at is ignored
            (10, "new", T("06-01 09:00")), (10, "closed", T("06-01 10:00")),
            (10, "on_hold", T("06-01 11:00")), (10, "new", None),
            # 99: history of a ticket missing from tickets: no key (no ticket row reads it)
            (99, "closed", T("06-01 09:00")), (99, "new", T("06-01 10:00")),
        ],
    )
    # No row (-> default 0): 1 (no history), 2, 6, 8.
    expected = {3: 2, 4: 1, 5: 1, 7: 1, 9: 1, 10: 1}
    assert key_values(con, field_sql("tickets", "reopen_count")) == expected
    # IS_REPORT_KEY() only skips the other tickets: the kept keys get the same values.
    kept = (2, 3, 5, 99)
    assert key_values(con, field_sql("tickets", "reopen_count"), keys=kept) == {
        k: v for k, v in expected.items() if k in kept}


# ---------------------------------------------------------------------------------------
# tickets.agent_reply_count
# ---------------------------------------------------------------------------------------

def test_agent_reply_count():
    con = database(
        conversations=[(1, 1), (2, 1), (3, 2), (4, None), (5, 4)],
        messages=[
            (1, 1, "incoming", "contact", T("06-01 09:00")),
            (2, 1, "outgoing", "bot", T("06-01 09:01")),        # bots never count
            (3, 1, "outgoing", "agent", T("06-01 09:30")),
            (4, 1, "outgoing", "agent", T("06-01 09:31")),
            (5, 2, "outgoing", "agent", T("06-02 09:00")),      # second conversation of ticket 1
            (6, 2, "incoming", "agent", T("06-02 09:05")),      # not outgoing: no reply
            (7, 3, "incoming", "contact", T("06-03 09:00")),    # ticket 2: bot only
            (8, 3, "outgoing", "bot", T("06-03 09:01")),
            (9, 4, "outgoing", "agent", T("06-04 09:00")),      # conversation without ticket
            (10, 5, "outgoing", "contact", T("06-05 09:00")),   # ticket 4: not an agent
        ],
    )
    # Tickets 2, 3 (no conversation) and 4 get no row (-> 0).
    assert key_values(con, field_sql("tickets", "agent_reply_count")) == {1: 3}


# ---------------------------------------------------------------------------------------
# messages.reply_time
# ---------------------------------------------------------------------------------------

def test_reply_time():
    con = database(messages=[
        # conversation 1
        (1, 1, "incoming", "contact", T("06-01 09:00")),
        (2, 1, "incoming", "contact", T("06-01 09:05")),
        (3, 1, "outgoing", "agent", T("06-01 09:30")),     # since 09:00 -> 1800
        (4, 1, "outgoing", "bot", T("06-01 09:31")),       # bot: null, and no reset
        (5, 1, "incoming", "contact", T("06-01 09:40")),
        (6, 1, "outgoing", "bot", T("06-01 09:41")),
        (7, 1, "outgoing", "agent", T("06-01 10:00")),     # since 09:40 -> 1200
        (8, 1, "outgoing", "agent", T("06-01 10:05")),     # nothing came in between: null
        (9, 1, "incoming", "contact", T("06-01 10:10")),
        (10, 1, "outgoing", "agent", T("06-01 10:10")),    # same instant, id after: 0
        # conversation 2 starts with an agent message
        (11, 2, "outgoing", "agent", T("06-01 08:00")),    # nothing to answer: null
        (12, 2, "incoming", "contact", T("06-01 08:30")),
        (13, 2, "outgoing", "agent", T("06-01 09:00")),    # since 08:30 -> 1800
        # conversation 3: ties on sent_at go by id
        (14, 3, "incoming", "contact", T("06-01 12:00")),
        (15, 3, "outgoing", "agent", T("06-01 12:00")),    # id 15 after 14: 0
        (16, 3, "outgoing", "agent", T("06-01 13:00")),    # id 16 before 17: null
        (17, 3, "incoming", "contact", T("06-01 13:00")),
        (18, 3, "outgoing", "agent", T("06-01 13:30")),    # since 13:00 -> 1800
        (20, 3, "incoming", "contact", T("06-01 14:00")),  # ids need not follow sent_at
        (19, 3, "outgoing", "agent", T("06-01 14:10")),    # since 14:00 -> 600
        # conversation 4: only incoming messages
        (21, 4, "incoming", "contact", T("06-01 15:00")),
        (22, 4, "incoming", "contact", T("06-01 15:10")),
    ])
    expected = {3: 1800, 7: 1200, 10: 0, 13: 1800, 15: 0, 18: 1800, 19: 600}
    assert key_values(con, field_sql("messages", "reply_time")) == expected
    # IS_REPORT_KEY() keeps whole conversations with a kept message (message 10 needs 9 and
    # the earlier replies of conversation 1): the kept keys get the same values.
    kept = (10, 13, 21)
    restricted = key_values(con, field_sql("messages", "reply_time"), keys=kept)
    assert restricted == {3: 1800, 7: 1200, 10: 0, 13: 1800}  # conversation 3 is skipped


# ---------------------------------------------------------------------------------------
# ticket_status_periods
# ---------------------------------------------------------------------------------------

def _status_history() -> duckdb.DuckDBPyConnection:
    return database(
        tickets=[
            (1, "closed", T("06-01 09:00"), None),
            (2, "waiting_on_us", T("06-10 08:00"), None),
            (3, "waiting_on_us", T("06-29 12:00"), None),
            (4, "new", T("07-01 00:00"), None),
            (5, "waiting_on_us", T("06-20 09:00"), None),
            (6, "closed", T("06-20 09:00"), None),
            (7, "new", T("06-30 12:00"), None),
            (8, "new", T("06-30 11:00"), None),
            (9, "on_hold", T("06-30 08:00"), None),
        ],
        ticket_status_changes=[
            # 1: closed ticket: its closed stay is left out
            (1, "new", T("06-01 09:00")), (1, "waiting_on_contact", T("06-01 10:00")),
            (1, "closed", T("06-01 12:00")),
            # 2: reopened; the current status runs until now
            (2, "new", T("06-10 08:00")), (2, "closed", T("06-10 09:00")),
            (2, "waiting_on_us", T("06-11 09:00")),
            # 3: a status starting after now ends where it starts; the stay before it runs
            #    to that next change, past now
            (3, "new", T("06-29 12:00")), (3, "waiting_on_us", T("07-02 00:00")),
            # 4: only status, in the future
            (4, "new", T("07-01 00:00")),
            # 5: closed and reopened at one instant (current waiting_on_us goes last)
            (5, "new", T("06-20 09:00")), (5, "waiting_on_us", T("06-20 10:00")),
            (5, "closed", T("06-20 10:00")),
            # 6: replied and closed at one instant (current closed goes last)
            (6, "new", T("06-20 09:00")), (6, "closed", T("06-20 10:00")),
            (6, "waiting_on_contact", T("06-20 10:00")),
            # 7: the last status starts exactly at now
            (7, "new", T("06-30 12:00")),
            # 8: no history -> no periods
            # 9: one row per change, repeated statuses not merged; unknown values kept
            (9, "new", T("06-30 08:00")), (9, "on_hold", T("06-30 09:00")),
            (9, "on_hold", T("06-30 10:00")),
        ],
    )


def test_ticket_status_periods():
    rows = run(_status_history(), entity_sql("ticket_status_periods"))
    got = sorted((r["ticket_id"], r["started_at"], r["status"], r["ended_at"], r["seconds"]) for r in rows)
    expected = sorted([
        (1, T("06-01 09:00"), "new", T("06-01 10:00"), 3600),
        (1, T("06-01 10:00"), "waiting_on_contact", T("06-01 12:00"), 7200),
        (2, T("06-10 08:00"), "new", T("06-10 09:00"), 3600),
        (2, T("06-11 09:00"), "waiting_on_us", T("06-30 12:00"), 19 * 86400 + 3 * 3600),
        (3, T("06-29 12:00"), "new", T("07-02 00:00"), 2 * 86400 + 12 * 3600),
        (3, T("07-02 00:00"), "waiting_on_us", T("07-02 00:00"), 0),
        (4, T("07-01 00:00"), "new", T("07-01 00:00"), 0),
        (5, T("06-20 09:00"), "new", T("06-20 10:00"), 3600),
        (5, T("06-20 10:00"), "waiting_on_us", T("06-30 12:00"), 10 * 86400 + 2 * 3600),
        (6, T("06-20 09:00"), "new", T("06-20 10:00"), 3600),
        (6, T("06-20 10:00"), "waiting_on_contact", T("06-20 10:00"), 0),
        (7, T("06-30 12:00"), "new", T("06-30 12:00"), 0),
        (9, T("06-30 08:00"), "new", T("06-30 09:00"), 3600),
        (9, T("06-30 09:00"), "on_hold", T("06-30 10:00"), 3600),
        (9, T("06-30 10:00"), "on_hold", T("06-30 12:00"), 7200),
    ])
    assert got == expected


# ---------------------------------------------------------------------------------------
# response_turns
# ---------------------------------------------------------------------------------------

def _conversations() -> duckdb.DuckDBPyConnection:
    return database(
        tickets=[
            (1, "waiting_on_us", T("06-01 09:00"), 60),
            (2, "waiting_on_us", T("06-01 09:00"), None),   # no next-response SLA: no turns
            (3, "new", T("06-01 09:00"), 30),               # never answered: no turns
            (4, "waiting_on_us", T("06-30 11:00"), 15),
        ],
        conversations=[(1, 1), (2, 1), (3, 1), (4, 2), (5, 3), (6, None), (7, 4)],
        messages=[
            # conversation 1 (ticket 1, 60 minutes)
            (1, 1, "incoming", "contact", T("06-01 09:00")),   # before any agent reply: no turn
            (2, 1, "outgoing", "agent", T("06-01 09:30")),
            (3, 1, "incoming", "contact", T("06-01 10:00")),   # turn, due 11:00
            (4, 1, "outgoing", "bot", T("06-01 10:05")),       # a bot does not answer it
            (5, 1, "incoming", "contact", T("06-01 10:10")),   # same turn
            (6, 1, "outgoing", "agent", T("06-01 11:00")),     # exactly at the deadline: on_time
            (7, 1, "incoming", "contact", T("06-01 11:30")),   # turn, due 12:30
            (8, 1, "outgoing", "agent", T("06-01 13:00")),     # late, 5400 s
            (9, 1, "incoming", "contact", T("06-01 13:10")),   # turn, due 14:10, no reply: overdue
            # conversation 2 (ticket 1) starts with an agent message
            (10, 2, "outgoing", "agent", T("06-30 09:00")),
            (11, 2, "incoming", "contact", T("06-30 11:00")),  # turn, due 12:00 = now: pending
            # conversation 3 (ticket 1): two agent replies in a row
            (12, 3, "incoming", "contact", T("06-30 10:00")),
            (13, 3, "outgoing", "agent", T("06-30 10:30")),
            (14, 3, "outgoing", "agent", T("06-30 10:40")),    # no turn between 13 and 14
            (15, 3, "incoming", "contact", T("06-30 11:30")),  # turn, due 12:30 > now: pending
            # conversation 4 (ticket 2, no SLA)
            (16, 4, "incoming", "contact", T("06-01 09:00")),
            (17, 4, "outgoing", "agent", T("06-01 09:10")),
            (18, 4, "incoming", "contact", T("06-01 09:20")),
            # conversation 5 (ticket 3): incoming only
            (19, 5, "incoming", "contact", T("06-01 09:00")),
            # conversation 6: no ticket
            (20, 6, "incoming", "contact", T("06-01 09:00")),
            (21, 6, "outgoing", "agent", T("06-01 09:10")),
            (22, 6, "incoming", "contact", T("06-01 09:20")),
            # conversation 7 (ticket 4, 15 minutes): ties on sent_at go by id
            (23, 7, "incoming", "contact", T("06-30 11:00")),
            (24, 7, "outgoing", "agent", T("06-30 11:10")),
            (25, 7, "incoming", "contact", T("06-30 11:10")),  # after 24 (id): turn, due 11:25
            (26, 7, "outgoing", "agent", T("06-30 11:25")),    # on_time, 900 s
            (28, 7, "outgoing", "agent", T("06-30 11:40")),    # same instant, id after 27:
            (27, 7, "incoming", "contact", T("06-30 11:40")),  # turn 27 (due 11:55) replied in 0 s
        ],
    )


def test_response_turns():
    rows = run(_conversations(), entity_sql("response_turns"))
    columns = ["ticket_id", "conversation_id", "message_id", "started_at", "due_at", "replied_at",
               "reply_seconds", "sla_status"]
    assert rows and list(rows[0]) == columns
    got = sorted(tuple(r[c] for c in columns) for r in rows)
    expected = sorted([
        (1, 1, 3, T("06-01 10:00"), T("06-01 11:00"), T("06-01 11:00"), 3600, "on_time"),
        (1, 1, 7, T("06-01 11:30"), T("06-01 12:30"), T("06-01 13:00"), 5400, "late"),
        (1, 1, 9, T("06-01 13:10"), T("06-01 14:10"), None, None, "overdue"),
        (1, 2, 11, T("06-30 11:00"), T("06-30 12:00"), None, None, "pending"),
        (1, 3, 15, T("06-30 11:30"), T("06-30 12:30"), None, None, "pending"),
        (4, 7, 25, T("06-30 11:10"), T("06-30 11:25"), T("06-30 11:25"), 900, "on_time"),
        (4, 7, 27, T("06-30 11:40"), T("06-30 11:55"), T("06-30 11:40"), 0, "on_time"),
    ])
    assert got == expected


def test_response_turn_replied_after_now_is_still_replied():
    con = database(
        tickets=[(1, "waiting_on_us", T("06-30 09:00"), 60)],
        conversations=[(1, 1)],
        messages=[
            (1, 1, "outgoing", "agent", T("06-30 09:00")),
            (2, 1, "incoming", "contact", T("06-30 10:00")),   # due 11:00
            (3, 1, "outgoing", "agent", T("07-01 10:00")),     # after now: the data says replied
        ],
    )
    rows = run(con, entity_sql("response_turns"))
    assert [(r["replied_at"], r["reply_seconds"], r["sla_status"]) for r in rows] == [
        (T("07-01 10:00"), 86400, "late"),
    ]


# ---------------------------------------------------------------------------------------
# ticket_events (extra derived entity: one time axis for created / answered / closed / open)
# ---------------------------------------------------------------------------------------

def _insert(con, table: str, columns: tuple, rows: list[tuple]):
    """Rows with an explicit column list (the fixtures above fill fewer columns)."""
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def test_ticket_events():
    con = database()
    _insert(con, "tickets", ("id", "status", "created_at", "first_response_at", "closed_at"), [
        (1, "closed", T("06-01 09:00"), T("06-01 09:30"), T("06-01 12:00")),  # three events
        (2, "waiting_on_us", T("06-10 08:00"), T("06-10 10:00"), None),       # answered, open
        (3, "new", T("06-30 11:00"), None, None),                             # open, no answer
        (4, "waiting_on_us", T("06-05 09:00"), T("06-05 09:15"), T("06-06 09:00")),  # reopened:
        #   its stale closed_at gives no `closed` event (status is not closed); open now
        (5, "closed", T("06-07 09:00"), None, None),                          # closed, no closed_at
        (6, "new", T("07-01 09:00"), None, None),                             # created after now:
        #   its `created` row lies in the future, no `open_now` row
        (7, "closed", T("06-30 12:00"), T("06-30 12:00"), T("06-30 12:00")),  # all at now, 0 s
    ])
    rows = run(con, entity_sql("ticket_events"))
    assert rows and list(rows[0]) == ["ticket_id", "event", "at", "seconds"]
    got = sorted((r["ticket_id"], r["event"], r["at"], r["seconds"]) for r in rows)
    now = T("06-30 12:00")
    expected = sorted([
        (1, "created", T("06-01 09:00"), None),
        (1, "first_response", T("06-01 09:30"), 1800),
        (1, "closed", T("06-01 12:00"), 10800),
        (2, "created", T("06-10 08:00"), None),
        (2, "first_response", T("06-10 10:00"), 7200),
        (2, "open_now", now, None),
        (3, "created", T("06-30 11:00"), None),
        (3, "open_now", now, None),
        (4, "created", T("06-05 09:00"), None),
        (4, "first_response", T("06-05 09:15"), 900),
        (4, "open_now", now, None),
        (5, "created", T("06-07 09:00"), None),
        (6, "created", T("07-01 09:00"), None),
        (7, "created", now, None),
        (7, "first_response", now, 0),
        (7, "closed", now, 0),
    ], key=lambda r: (r[0], r[1], r[2]))
    assert sorted(got, key=lambda r: (r[0], r[1], r[2])) == expected


# ---------------------------------------------------------------------------------------
# agent_workload (extra derived entity: closed tickets' handle time and shifts on one axis)
# ---------------------------------------------------------------------------------------

def _workload() -> duckdb.DuckDBPyConnection:
    con = database()
    _insert(con, "tickets", ("id", "status", "owner_id", "created_at", "closed_at", "handle_time_seconds"), [
        (1, "closed", 10, T("06-01 09:00"), T("06-01 12:00"), 600),
        (2, "closed", 10, T("06-02 09:00"), T("06-03 09:00"), None),     # no logged time: row, null
        (3, "waiting_on_us", 10, T("06-02 09:00"), T("06-02 10:00"), 900),  # reopened: no row
        (4, "closed", None, T("06-04 09:00"), T("06-04 10:00"), 300),    # no owner: row, owner null
        (5, "closed", 20, T("06-05 09:00"), None, 1200),                 # no closed_at: no row
        (6, "new", 20, T("06-05 09:00"), None, 100),                     # open: no row
    ])
    _insert(con, "shifts", ("id", "owner_id", "started_at", "ended_at"), [
        (1, 10, T("06-01 08:00"), T("06-01 16:00")),   # 28800
        (2, 30, T("06-01 22:00"), T("06-02 01:30")),   # overnight: 12600, dated by its start
        (3, 30, None, T("06-03 12:00")),               # no start: no row
    ])
    return con


def test_agent_workload():
    rows = run(_workload(), entity_sql("agent_workload"))
    columns = ["kind", "owner_id", "ticket_id", "shift_id", "at", "handle_seconds", "shift_seconds"]
    assert rows and list(rows[0]) == columns
    got = sorted((tuple(r[c] for c in columns) for r in rows), key=lambda r: (r[0], r[2] or 0, r[3] or 0))
    expected = [
        ("shift", 10, None, 1, T("06-01 08:00"), None, 28800),
        ("shift", 30, None, 2, T("06-01 22:00"), None, 12600),
        ("ticket", 10, 1, None, T("06-01 12:00"), 600, None),
        ("ticket", 10, 2, None, T("06-03 09:00"), None, None),
        ("ticket", None, 4, None, T("06-04 10:00"), 300, None),
    ]
    assert got == expected


# ---------------------------------------------------------------------------------------
# RANGE_START(): skips only rows that cannot fall in a range starting there
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("entity,data", [
    ("ticket_status_periods", _status_history), ("response_turns", _conversations),
    ("agent_workload", _workload)])
def test_range_start_keeps_every_row_at_or_after_it(entity, data):
    con = data()
    time_field = vocabulary()["derived_entities"][entity]["time_field"]
    every = run(con, entity_sql(entity))
    times = sorted({r[time_field] for r in every if r[time_field] is not None})
    assert len(times) > 2
    for start in times + [times[0].replace(hour=0, minute=0), times[-1].replace(minute=59)]:
        def later(rows):
            return sorted((tuple(map(repr, r.values())) for r in rows
                           if r[time_field] is not None and r[time_field] >= start))
        assert later(run(con, entity_sql(entity), range_start=start)) == later(every), (entity, start)
