"""Technion SEE Lab call-centre log ("Anonymous Bank", one month of 1999).

Tab-separated, one row per incoming call: `date` is YYMMDD, the stage times are H:MM:SS
within that date (`0:00:00` = the stage did not happen), the durations are seconds.
Mapping (details and judgement calls in docs/importers.md):
- calls: every row; status completed (AGENT), cancelled (HANG: the caller gave up before
  an agent answered) or missed (PHANTOM); started_at = date + vru_entry, Israeli local
  time turned into UTC (`--source-timezone` replaces the zone); duration = ser_time for
  completed calls, else 0; queue_seconds (extension) = q_time; phone_number = `vru+line`.
- owners: the `server` names (not NO_SERVER); teams: the service lines (`type`), each
  agent in the line they served most; contacts: the non-zero customer_id values.
"""
from __future__ import annotations

from pathlib import Path

from .base import Recorder, importer, local_to_utc, read_header, require_columns, sql_literal, varchar_columns

LABEL = "call-centre log (Technion 'Anonymous Bank' format)"
REQUIRED = ("vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit",
            "vru_time", "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server")
STATUS = {"AGENT": "completed", "HANG": "cancelled", "PHANTOM": "missed"}
LINES = {"PS": "Regular service", "PE": "Regular service in English", "IN": "Internet support",
         "NE": "Stock exchange", "NW": "Prospective customers", "TT": "Callback requests"}
NO_SERVER = "NO_SERVER"
UNMAPPED = ("priority", "vru_exit", "vru_time", "q_start", "q_exit", "ser_start", "ser_exit")
#: the bank is in Israel: the log's times are Israeli local time (IST/IDT)
SOURCE_TIMEZONE = "Asia/Jerusalem"
TABLES = ("teams", "owners", "contacts", "calls")


def _time(column: str) -> str:
    """date + a stage time; null when the stage did not happen (0:00:00) or cannot be read."""
    return (f"CASE WHEN {column} IN ('0:00:00', '00:00:00') THEN NULL ELSE "
            f"try_strptime(\"date\" || ' ' || {column}, '%y%m%d %H:%M:%S') END")


@importer("callcenter", "call-centre log, tab-separated (Technion SEE Lab 'Anonymous Bank' format)", TABLES,
          empty=("companies",), source_timezone=SOURCE_TIMEZONE)
def import_callcenter(con, source: Path, record: Recorder, zone: str | None = SOURCE_TIMEZONE) -> dict[str, str]:
    header = read_header(source, "\t")
    require_columns(header, REQUIRED, source, LABEL)
    con.execute(f"""
        CREATE TABLE raw AS SELECT * FROM read_csv({sql_literal(source)}, header = true,
            auto_detect = false, delim = '\\t', quote = '', escape = '', new_line = '\\r\\n',
            columns = {varchar_columns(header)})""")
    statuses = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in STATUS.items())
    con.execute(f"""
        CREATE TABLE parsed AS SELECT "vru+line" AS line, call_id, trim(outcome) AS outcome,
            CASE trim(outcome) {statuses} ELSE lower(trim(outcome)) END AS status,
            nullif(try_cast(customer_id AS BIGINT), 0) AS contact_id, trim(server) AS server, trim(type) AS type,
            {local_to_utc(f"coalesce({_time('vru_entry')}, {_time('q_start')}, {_time('ser_start')})", zone)}
                AS started_at,
            try_cast(ser_time AS INTEGER) AS ser_time, try_cast(q_time AS INTEGER) AS q_time
        FROM raw""")
    total, bad, unknown = con.execute(
        f"SELECT count(*), count(*) FILTER (started_at IS NULL), string_agg(DISTINCT outcome, ', ') FILTER "
        f"(outcome NOT IN ({', '.join(map(sql_literal, STATUS))})) FROM parsed").fetchone()
    con.execute("""CREATE TABLE calls AS SELECT row_number() OVER (ORDER BY started_at, line, call_id) AS id, *
                   FROM parsed WHERE started_at IS NOT NULL""")
    con.execute(f"""CREATE TABLE agents AS SELECT row_number() OVER (ORDER BY server) AS id, server AS name,
                    mode(type) AS type, min(started_at) AS created_at
                    FROM calls WHERE server IS NOT NULL AND server <> '{NO_SERVER}' GROUP BY server""")
    _record(con, record, total, bad, unknown)
    teams = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in LINES.items())
    return {
        "teams": f"""SELECT row_number() OVER (ORDER BY type) AS id, CASE type {teams} ELSE type END AS name
                     FROM (SELECT DISTINCT type FROM calls WHERE type IS NOT NULL)""",
        "owners": """SELECT a.id, a.name, t.id AS team_id, true AS active, a.created_at FROM agents a
                     LEFT JOIN (SELECT type, row_number() OVER (ORDER BY type) AS id
                                FROM (SELECT DISTINCT type FROM calls WHERE type IS NOT NULL)) t USING (type)""",
        "contacts": """SELECT contact_id AS id, 'Customer ' || contact_id AS name, min(started_at) AS created_at
                       FROM calls WHERE contact_id IS NOT NULL GROUP BY contact_id""",
        "calls": """SELECT c.id, c.contact_id, a.id AS owner_id, c.line AS phone_number, 'incoming' AS direction,
                           c.status, c.started_at,
                           CASE WHEN c.status = 'completed' THEN coalesce(c.ser_time, 0) ELSE 0 END AS duration_seconds,
                           false AS voicemail, c.q_time AS queue_seconds
                    FROM calls c LEFT JOIN agents a ON a.name = c.server""",
    }


def _record(con, record: Recorder, total: int, bad: int, unknown: str | None) -> None:
    record.map("source rows (calls)", total)
    record.drop("calls", bad, "no date and entry time that can be read")
    counts = dict(con.execute("SELECT status, count(*) FROM calls GROUP BY ALL").fetchall())
    for status, count in sorted(counts.items()):
        record.map(f"calls -> {status}", count)
    anonymous = con.execute(f"SELECT count(*) FROM calls WHERE status = 'completed' AND "
                            f"(server IS NULL OR server = '{NO_SERVER}')").fetchone()[0]
    record.warn(f"{anonymous} answered calls name no agent ({NO_SERVER}): kept as completed without owner")
    record.warn("PHANTOM calls (ghost calls without a caller) are kept as 'missed'")
    if unknown:
        record.warn(f"unknown outcomes kept as lower-case statuses: {unknown}")
    record.drop("source columns", len(UNMAPPED), "no place in the data model (IVR time, "
                "customer priority, stage end times): " + ", ".join(UNMAPPED))
