"""ServiceNow incident event log (UCI "Incident management process enriched event log").

One CSV row per update of an incident; `?` is null; times are `D/M/YYYY H:MM`. Mapping
(details and judgement calls in docs/importers.md):
- tickets: one per `number` (id = its digits), from the incident's last update (by
  sys_mod_count); Resolved and Closed both count as `closed`.
- ticket_status_changes: `new` at opened_at, then every update whose mapped status differs
  from the previous one, in sys_mod_count order (same-minute updates 1 ms apart).
- close_due_at: derived from `made_sla` and a per-priority target (see SLA_HOURS).
- contacts (caller_id), owners (assigned_to), teams (assignment_group).
"""
from __future__ import annotations

from pathlib import Path

from .base import Recorder, importer, local_to_utc, read_header, require_columns, sql_literal, varchar_columns

LABEL = "ServiceNow incident event log"
REQUIRED = ("number", "incident_state", "sys_mod_count", "made_sla", "caller_id", "opened_at",
            "sys_updated_at", "contact_type", "category", "priority", "assignment_group",
            "assigned_to", "reopen_count")
TIME = "%d/%m/%Y %H:%M"

STATUS = {"New": "new", "Active": "waiting_on_us", "Awaiting User Info": "waiting_on_contact",
          "Awaiting Evidence": "waiting_on_contact", "Awaiting Vendor": "waiting_on_us",
          "Awaiting Problem": "waiting_on_us", "Resolved": "closed", "Closed": "closed"}
PRIORITY = {"1 - Critical": "urgent", "2 - High": "high", "3 - Moderate": "medium", "4 - Low": "low"}
CHANNEL = {"Phone": "phone", "IVR": "phone", "Email": "email", "Self service": "form",
           "Direct opening": "direct_opening"}
#: Time-to-close target per priority, in hours: on this log, the threshold on the time to
#: resolve that agrees best with `made_sla` (94%, 92%, 86% and 94% of incidents).
SLA_HOURS = {"urgent": 1, "high": 1, "medium": 168, "low": 336}
BAD_STATES = ("-100",)
UNMAPPED = ("active", "reassignment_count", "reopen_count (recomputed from the history)", "opened_by",
            "sys_created_by", "sys_created_at", "sys_updated_by", "location", "subcategory", "u_symptom",
            "cmdb_ci", "impact", "urgency", "knowledge", "u_priority_confirmation", "notify", "problem_id",
            "rfc", "vendor", "caused_by", "closed_code", "resolved_by", "resolved_at", "closed_at")

TABLES = ("teams", "owners", "contacts", "tickets", "ticket_status_changes")


def _case(column: str, mapping: dict[str, str], default: str) -> str:
    whens = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {default} END"


def _snake(column: str) -> str:
    return f"nullif(trim(regexp_replace(lower({column}), '[^a-z0-9]+', '_', 'g'), '_'), '')"


def _label_id(column: str) -> str:
    """'Caller 2403' -> 2403 (the anonymised labels end in a number)."""
    return f"try_cast(regexp_extract({column}, '(\\d+)\\s*$', 1) AS BIGINT)"


@importer("servicenow", LABEL + " (CSV, optionally gzip-compressed)", TABLES, empty=("companies",),
          source_timezone="UTC")
def import_servicenow(con, source: Path, record: Recorder, zone: str | None = "UTC") -> dict[str, str]:
    header = read_header(source, ",")
    require_columns(header, REQUIRED, source, LABEL)
    con.execute(f"""
        CREATE TABLE raw AS SELECT * FROM read_csv({sql_literal(source)}, header = true,
            auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '?',
            columns = {varchar_columns(header)})""")
    _events(con, record, zone)
    _history(con)
    _tickets(con, record)
    record.drop("source columns", len(UNMAPPED), "no place in the data model: " + ", ".join(UNMAPPED))
    return {
        "teams": f"SELECT DISTINCT {_label_id('assignment_group')} AS id, assignment_group AS name "
                 "FROM ev WHERE assignment_group IS NOT NULL",
        "owners": _owners_sql(),
        "contacts": "SELECT contact_id AS id, caller_id AS name, min(opened_at) AS created_at "
                    "FROM last_rows WHERE contact_id IS NOT NULL GROUP BY ALL",
        "tickets": "SELECT * EXCLUDE (made_sla, number, assignment_group, caller_id, assigned_to) FROM tk",
        "ticket_status_changes": "SELECT ticket_id, status, changed_at FROM hist",
    }


def _events(con, record: Recorder, zone: str | None) -> None:
    con.execute(f"""
        CREATE TABLE parsed AS SELECT number, {_label_id('number')} AS ticket_id, incident_state,
            {_case('incident_state', STATUS, _snake('incident_state'))} AS status,
            try_cast(sys_mod_count AS INTEGER) AS mod, try_cast(reopen_count AS INTEGER) AS reopen_count,
            {local_to_utc(f"try_strptime(sys_updated_at, '{TIME}')", zone)} AS updated_at,
            {local_to_utc(f"try_strptime(opened_at, '{TIME}')", zone)} AS opened_at,
            made_sla, caller_id, {_label_id('caller_id')} AS contact_id, assigned_to,
            {_label_id('assigned_to')} AS owner_id, assignment_group,
            {_case('priority', PRIORITY, _snake('priority'))} AS priority,
            {_case('contact_type', CHANNEL, _snake('contact_type'))} AS channel, category
        FROM raw""")
    total = con.execute("SELECT count(*) FROM parsed").fetchone()[0]
    bad = con.execute("SELECT count(*) FROM parsed WHERE ticket_id IS NULL OR opened_at IS NULL "
                      "OR updated_at IS NULL OR mod IS NULL").fetchone()[0]
    sentinel = con.execute(f"SELECT count(*), count(DISTINCT number) FROM parsed WHERE incident_state "
                           f"IN ({', '.join(map(sql_literal, BAD_STATES))})").fetchone()
    con.execute("""CREATE TABLE ev AS SELECT * FROM parsed WHERE ticket_id IS NOT NULL
        AND opened_at IS NOT NULL AND updated_at IS NOT NULL AND mod IS NOT NULL""")
    con.execute("""CREATE TABLE last_rows AS SELECT * FROM ev QUALIFY row_number() OVER (
        PARTITION BY ticket_id ORDER BY mod DESC, updated_at DESC) = 1""")
    record.map("source rows (incident updates)", total)
    record.drop("source rows", bad, "no incident number, opened_at, sys_updated_at or sys_mod_count "
                "that can be read")
    record.drop("status changes", sentinel[0], f"incident_state '-100' is not a state (export artefact) "
                f"on {sentinel[1]} incident(s); their other updates are kept")
    unknown = con.execute(f"SELECT string_agg(DISTINCT incident_state, ', ') FROM ev WHERE incident_state "
                          f"NOT IN ({', '.join(map(sql_literal, list(STATUS) + list(BAD_STATES)))})").fetchone()[0]
    if unknown:
        record.warn(f"unknown incident states kept as snake_case statuses: {unknown}")


def _history(con) -> None:
    """`new` at opened_at, then each update that changes the mapped status, ms apart within a minute."""
    con.execute(f"""
        CREATE TABLE hist AS
        WITH steps AS (
            SELECT ticket_id, 'new' AS status, opened_at AS ts, -1 AS mod, 0 AS dup FROM last_rows
            UNION ALL
            SELECT ticket_id, status, updated_at, mod, row_number() OVER (PARTITION BY ticket_id, mod
                ORDER BY updated_at) FROM ev WHERE incident_state NOT IN ({', '.join(map(sql_literal, BAD_STATES))})),
        changes AS (
            SELECT *, lag(status) OVER (PARTITION BY ticket_id ORDER BY mod, dup, ts) AS previous FROM steps),
        kept AS (SELECT * FROM changes WHERE previous IS NULL OR previous <> status)
        SELECT ticket_id, status, ts, ts + to_milliseconds(row_number() OVER (
            PARTITION BY ticket_id, ts ORDER BY mod, dup) - 1) AS changed_at,
            row_number() OVER (PARTITION BY ticket_id ORDER BY mod DESC, dup DESC) = 1 AS is_last
        FROM kept""")


def _tickets(con, record: Recorder) -> None:
    sla = _case("l.priority", {k: str(v) for k, v in SLA_HOURS.items()}, "NULL")
    con.execute(f"""
        CREATE TABLE tk AS
        WITH base AS (
            SELECT l.ticket_id AS id, l.number, l.number AS subject, l.contact_id, l.owner_id,
                'incident' AS pipeline, h.status, l.priority, l.channel, l.category,
                l.opened_at AS created_at, CASE WHEN h.status = 'closed' THEN h.ts END AS closed_at,
                l.opened_at + to_hours(CAST({sla} AS INTEGER)) AS nominal_due, l.made_sla,
                l.assignment_group, l.caller_id, l.assigned_to
            FROM last_rows l JOIN hist h ON h.ticket_id = l.ticket_id AND h.is_last)
        SELECT * EXCLUDE (nominal_due), CASE
            WHEN closed_at IS NULL OR nominal_due IS NULL OR made_sla IS NULL THEN nominal_due
            WHEN made_sla = 'true' AND closed_at > nominal_due THEN closed_at
            WHEN made_sla = 'false' AND closed_at <= nominal_due THEN closed_at - INTERVAL 1 MINUTE
            ELSE nominal_due END AS close_due_at,
            nominal_due <> close_due_at AS due_moved
        FROM base""")
    moved, tickets = con.execute("SELECT count(*) FILTER (due_moved), count(*) FROM tk").fetchone()
    con.execute("ALTER TABLE tk DROP COLUMN due_moved")
    record.map("incidents -> tickets", tickets)
    record.warn(f"close_due_at is derived: opened_at + a per-priority target ({SLA_HOURS} hours), "
                f"moved to agree with made_sla on {moved} of {tickets} tickets")
    record.drop("ticket SLA", tickets, "first-response SLA, first response time and handle time: "
                "the log records neither replies nor work time (left null)")


def _owners_sql() -> str:
    return """
        SELECT owner_id AS id, assigned_to AS name, mode(CAST(regexp_extract(assignment_group, '(\\d+)\\s*$', 1)
            AS BIGINT)) AS team_id, min(updated_at) AS created_at
        FROM ev WHERE owner_id IS NOT NULL GROUP BY owner_id, assigned_to"""
