"""Scale data for the benchmarks: the help-desk data model at any number of tickets, as Parquet.

Everything is generated inside DuckDB with `range()` and hash-based pseudo-random values
(`hash(row key, salt)`), so the output is deterministic and 10M tickets take minutes on
two cores. Proportions per ticket (roughly): 0.2 contacts, 0.02 companies, 1 owner per
15,000 tickets (>= 12), 1.07 conversations (10% of tickets have two, plus 5% ticketless
conversations), ~5 messages per conversation (alternating customer / agent turns, some
bot messages and double customer messages), ~3 status changes (new -> waiting -> closed,
10% reopened), 0.25 feedback submissions, 0.3 calls, one weekday shift per owner and day.

Tickets span the two years before --now (default 2025-06-30 00:00 UTC); pass the same
--now to the benchmarks.

    python benchmarks/generate_scale.py --tickets 1000000 -o /tmp/rb_1m
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import duckdb
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reportbuilder.demo.schema import TABLES  # noqa: E402

DEFAULT_NOW = "2025-06-30 00:00:00"
SPAN_DAYS = 730


def _macros(con: duckdb.DuckDBPyConnection, now: str) -> None:
    # u(key, salt): uniform in [0, 1); pick(key, salt, list): one element of the list.
    con.execute("CREATE MACRO u(k, s) AS (hash(k, s) % 1000000007)::DOUBLE / 1000000007.0")
    con.execute("CREATE MACRO pick(k, s, xs) AS xs[1 + (hash(k, s) % len(xs))::BIGINT]")
    con.execute(f"CREATE MACRO gen_now() AS TIMESTAMP '{now}'")
    con.execute(f"CREATE MACRO gen_start() AS TIMESTAMP '{now}' - INTERVAL {SPAN_DAYS} DAY")
    con.execute("CREATE MACRO secs(x) AS to_seconds(CAST(x AS BIGINT))")


def _counts(tickets: int) -> dict[str, int]:
    return {
        "tickets": tickets,
        "companies": max(20, tickets // 50),
        "contacts": max(50, tickets // 5),
        "owners": max(12, tickets // 15000),
        "teams": 8,
    }


def _queries(n: dict[str, int], out: Path) -> list[tuple[str, str]]:
    """(table, SELECT) in dependency order; later tables read the earlier Parquet files."""
    T = n["tickets"]
    p = lambda t: f"read_parquet('{out / (t + '.parquet')}')"  # noqa: E731
    q: list[tuple[str, str]] = []
    q.append(("teams", """
        SELECT i AS id, ['Tier 1','Tier 2','Billing','Onboarding','Enterprise','EMEA','APAC','Escalations'][i] AS name
        FROM range(1, 9) r(i)"""))
    q.append(("companies", f"""
        SELECT i AS id, 'Company ' || i AS name, 'company' || i || '.example.com' AS domain,
               pick(i, 1, ['software','retail','finance','health','education','manufacturing']) AS industry,
               pick(i, 2, ['US','GB','DE','FR','NL','CA','AU','IN','BR','JP']) AS country,
               CASE WHEN u(i, 3) < 0.1 THEN NULL ELSE (5 + floor(u(i, 4) ^ 3 * 20000))::INTEGER END AS employees,
               pick(i, 5, ['free','free','starter','starter','pro','pro','enterprise']) AS plan,
               gen_start() - INTERVAL 365 DAY + secs(u(i, 6) * 365 * 86400) AS created_at
        FROM range(1, {n['companies'] + 1}) r(i)"""))
    q.append(("contacts", f"""
        SELECT i AS id,
               CASE WHEN u(i, 1) < 0.15 THEN NULL ELSE 1 + (hash(i, 2) % {n['companies']})::BIGINT END AS company_id,
               'Contact ' || i AS name, 'contact' || i || '@example.org' AS email,
               CASE WHEN u(i, 3) < 0.4 THEN NULL ELSE '+1 555 ' || lpad((i % 10000)::VARCHAR, 4, '0') END AS phone,
               CASE WHEN u(i, 4) < 0.2 THEN NULL ELSE pick(i, 5, ['US','GB','DE','FR','NL','CA','AU','IN']) END AS country,
               pick(i, 6, ['lead','customer','customer','customer','churned']) AS lifecycle_stage,
               gen_start() - INTERVAL 180 DAY + secs(u(i, 7) * ({SPAN_DAYS} + 150) * 86400) AS created_at
        FROM range(1, {n['contacts'] + 1}) r(i)"""))
    q.append(("owners", f"""
        SELECT i AS id, 'Agent ' || i AS name, 'agent' || i || '@helpdesk.example.com' AS email,
               CASE WHEN i % 17 = 0 THEN NULL ELSE 1 + (i % 8) END AS team_id,
               u(i, 1) >= 0.08 AS active,
               gen_start() - INTERVAL 400 DAY + secs(u(i, 2) * 300 * 86400) AS created_at
        FROM range(1, {n['owners'] + 1}) r(i)"""))
    # Tickets: created over the span, more on weekdays and in office hours; 85% of those
    # older than a week closed, the rest waiting or new.
    q.append(("tickets", f"""
        WITH base AS (
          SELECT i,
                 date_trunc('day', gen_start() + secs(u(i, 1) * {SPAN_DAYS} * 86400))
                   + secs(3600 * (6 + 14 * (u(i, 2) + u(i, 3)) / 2) + 3600 * u(i, 4)) AS created_at,
                 u(i, 5) AS u_status, u(i, 6) AS u_resp, u(i, 7) AS u_close,
                 pick(i, 8, ['low','medium','medium','high','urgent']) AS priority,
                 pick(i, 9, ['email','email','chat','chat','phone','form','social']) AS channel
          FROM range(1, {T + 1}) r(i)
        ), timed AS (
          SELECT *,
                 created_at + secs(60 + 86400 * 2 * u_resp ^ 3) AS resp_at,
                 created_at + secs(1800 + 86400 * 14 * u_close ^ 2) AS close_at
          FROM base
        ), st AS (
          SELECT *,
                 CASE WHEN close_at <= gen_now() AND u_status < 0.85 THEN 'closed'
                      WHEN resp_at > gen_now() OR u_status > 0.97 THEN 'new'
                      WHEN u_status < 0.92 THEN 'waiting_on_contact'
                      ELSE 'waiting_on_us' END AS status
          FROM timed
        )
        SELECT i AS id, 'Ticket ' || i || ' about ' || pick(i, 10, ['login','invoice','bug','export','refund','setup']) AS subject,
               CASE WHEN u(i, 11) < 0.03 THEN NULL ELSE 1 + (hash(i, 12) % {n['contacts']})::BIGINT END AS contact_id,
               CASE WHEN u(i, 13) < 0.2 THEN NULL ELSE 1 + (hash(i, 14) % {n['companies']})::BIGINT END AS company_id,
               CASE WHEN u(i, 15) < 0.05 THEN NULL ELSE 1 + (hash(i, 16) % {n['owners']})::BIGINT END AS owner_id,
               CASE WHEN u(i, 17) < 0.85 THEN 'support' ELSE 'onboarding' END AS pipeline,
               status, priority, channel,
               CASE channel WHEN 'phone' THEN '+1 555 0100' WHEN 'chat' THEN 'chat-widget'
                            ELSE pick(i, 18, ['support@example.com','billing@example.com']) END AS channel_account,
               pick(i, 19, ['billing','technical','technical','account','feature_request','other']) AS category,
               created_at,
               CASE WHEN status = 'new' THEN NULL ELSE resp_at END AS first_response_at,
               CASE WHEN status = 'closed' THEN close_at END AS closed_at,
               CASE WHEN priority = 'low' THEN NULL
                    ELSE created_at + CASE priority WHEN 'urgent' THEN INTERVAL 1 HOUR WHEN 'high' THEN INTERVAL 4 HOUR
                                                    ELSE INTERVAL 24 HOUR END END AS first_response_due_at,
               CASE WHEN priority IN ('low','medium') THEN NULL
                    ELSE created_at + CASE priority WHEN 'urgent' THEN INTERVAL 2 DAY ELSE INTERVAL 5 DAY END END AS close_due_at,
               CASE WHEN u(i, 20) < 0.3 THEN NULL ELSE pick(i, 21, [30, 60, 240, 480]) END::INTEGER AS next_response_sla_minutes,
               CASE WHEN status = 'new' THEN NULL ELSE (120 + 3600 * u(i, 22) ^ 2)::INTEGER END AS handle_time_seconds
        FROM st"""))
    # Status history: new at created_at; waiting_on_contact at the first response; 10% of
    # closed tickets closed, reopened (waiting_on_us) and closed again; the final status.
    q.append(("ticket_status_changes", f"""
        WITH t AS (SELECT id, status, created_at, first_response_at, closed_at, u(id, 30) < 0.10 AS reopened
                   FROM {p('tickets')})
        SELECT ticket_id, status, changed_at FROM (
          SELECT id AS ticket_id, 'new' AS status, created_at AS changed_at FROM t
          UNION ALL
          SELECT id, 'waiting_on_contact', first_response_at FROM t WHERE first_response_at IS NOT NULL
          UNION ALL
          SELECT id, 'closed', first_response_at + (closed_at - first_response_at) * 0.4 FROM t
            WHERE status = 'closed' AND reopened AND closed_at > first_response_at
          UNION ALL
          SELECT id, 'waiting_on_us', first_response_at + (closed_at - first_response_at) * 0.6 FROM t
            WHERE status = 'closed' AND reopened AND closed_at > first_response_at
          UNION ALL
          SELECT id, 'waiting_on_us', first_response_at + (gen_now() - first_response_at) * 0.5 FROM t
            WHERE status = 'waiting_on_us'
          UNION ALL
          SELECT id, 'closed', closed_at FROM t WHERE status = 'closed')"""))
    # Conversations: one per ticket, a second one for 10%, plus 5% without a ticket.
    q.append(("conversations", f"""
        WITH t AS (SELECT id, contact_id, owner_id, channel, created_at, status, closed_at FROM {p('tickets')}),
        c AS (
          SELECT t.id * 2 + j AS id, t.id AS ticket_id, t.contact_id, t.owner_id, t.channel AS tchannel,
                 t.created_at + secs(j * 86400 * u(t.id, 40)) AS started_at,
                 t.status AS tstatus, t.closed_at AS tclosed
          FROM t, range(0, 2) r(j)
          WHERE j = 0 OR u(t.id, 41) < 0.10
          UNION ALL
          SELECT 2 * {T} + 2 + k, NULL, 1 + (hash(k, 42) % {n['contacts']})::BIGINT,
                 CASE WHEN u(k, 43) < 0.3 THEN NULL ELSE 1 + (hash(k, 44) % {n['owners']})::BIGINT END,
                 pick(k, 45, ['chat','sms','social']),
                 gen_start() + secs(u(k, 46) * {SPAN_DAYS} * 86400), 'x', NULL
          FROM range(0, {max(1, T // 20)}) r(k)
        )
        SELECT id, ticket_id, contact_id, owner_id,
               CASE tchannel WHEN 'form' THEN 'email' ELSE tchannel END AS channel,
               CASE tchannel WHEN 'chat' THEN 'Website chat' WHEN 'phone' THEN 'Phone' WHEN 'sms' THEN 'SMS'
                             WHEN 'social' THEN 'Social' ELSE 'Support inbox' END AS inbox,
               CASE WHEN tstatus = 'closed' OR (tstatus = 'x' AND u(id, 47) < 0.8) THEN 'closed' ELSE 'open' END AS status,
               started_at,
               CASE WHEN tstatus = 'closed' THEN greatest(tclosed, started_at)
                    WHEN tstatus = 'x' AND u(id, 47) < 0.8 THEN started_at + INTERVAL 2 HOUR END AS closed_at
        FROM c"""))
    # Messages: 2-8 per conversation (~5), alternating customer and agent turns; 15% of the
    # replies are bots, 20% of the customer messages are followed by another one.
    q.append(("messages", f"""
        WITH c AS (SELECT id, owner_id, channel, started_at, 2 + (hash(id, 50) % 7)::BIGINT AS n,
                          600 + 4 * 3600 * u(id, 51) AS gap
                   FROM {p('conversations')}),
        m AS (
          SELECT c.id * 16 + k AS id, c.id AS conversation_id, c.owner_id AS conv_owner, c.channel, k,
                 CASE WHEN k = 0 THEN 'incoming'
                      WHEN u(c.id * 16 + k, 52) < 0.2 THEN 'incoming'
                      WHEN k % 2 = 1 THEN 'outgoing' ELSE 'incoming' END AS direction,
                 c.started_at + secs(c.gap * (k + 0.9 * u(c.id * 16 + k, 53))) AS sent_at
          FROM c, range(0, 9) r(k)
          WHERE k < c.n
        )
        SELECT id, conversation_id, direction,
               CASE WHEN direction = 'incoming' THEN 'contact'
                    WHEN u(id, 54) < 0.15 THEN 'bot' ELSE 'agent' END AS sender_type,
               CASE WHEN direction = 'outgoing' AND u(id, 54) >= 0.15 THEN conv_owner END AS owner_id,
               channel,
               CASE WHEN direction = 'incoming' THEN 'received'
                    WHEN u(id, 55) < 0.02 THEN 'undelivered' ELSE 'delivered' END AS status,
               sent_at
        FROM m"""))
    q.append(("feedback_submissions", f"""
        SELECT id, id AS ticket_id, contact_id, kind AS survey_type,
               CASE kind WHEN 'csat' THEN 1 + floor(5 * sqrt(u(id, 61)))
                         WHEN 'ces' THEN 1 + floor(7 * sqrt(u(id, 61)))
                         ELSE floor(11 * sqrt(u(id, 61))) END::INTEGER AS score,
               closed_at + secs(3600 + 86400 * 3 * u(id, 62)) AS submitted_at,
               CASE WHEN u(id, 63) < 0.7 THEN NULL ELSE pick(id, 64, ['Thanks!','Too slow','Great help','Meh']) END AS comment
        FROM (SELECT *, pick(id, 60, ['csat','csat','csat','ces','ces','nps']) AS kind FROM {p('tickets')})
        WHERE status = 'closed' AND u(id, 65) < 0.3"""))
    q.append(("calls", f"""
        WITH src AS (
          SELECT id, contact_id, owner_id, id AS ticket_id, created_at AS t0 FROM {p('tickets')}
          WHERE channel = 'phone' OR u(id, 70) < 0.15
          UNION ALL
          SELECT {T} + 1 + k, 1 + (hash(k, 71) % {n['contacts']})::BIGINT,
                 1 + (hash(k, 72) % {n['owners']})::BIGINT, NULL,
                 gen_start() + secs(u(k, 73) * {SPAN_DAYS} * 86400)
          FROM range(0, {max(1, T // 20)}) r(k)
        ), d AS (SELECT *, CASE WHEN u(id, 74) < 0.6 THEN 'incoming' ELSE 'outgoing' END AS direction,
                           u(id, 75) AS us FROM src)
        SELECT id, contact_id, owner_id, ticket_id, '+1 555 0100' AS phone_number, direction,
               CASE WHEN us < 0.7 THEN 'completed' WHEN direction = 'incoming' AND us < 0.9 THEN 'missed'
                    WHEN direction = 'incoming' THEN 'cancelled' ELSE 'ringing' END AS status,
               t0 + secs(60 * u(id, 76)) AS started_at,
               CASE WHEN us < 0.7 THEN (30 + 1800 * u(id, 77) ^ 2)::INTEGER ELSE 0 END AS duration_seconds,
               direction = 'incoming' AND us >= 0.7 AND us < 0.8 AS voicemail,
               NULL AS queue_seconds  -- an extension column: this data does not model queueing
        FROM d"""))
    # Shifts: one per owner and weekday (and 10% of weekend days), 6-9 hours from 7-11 UTC.
    q.append(("shifts", f"""
        SELECT o * 10000 + d AS id, o AS owner_id,
               day + secs(3600 * (7 + 4 * u(o * 10000 + d, 80))) AS started_at,
               day + secs(3600 * (7 + 4 * u(o * 10000 + d, 80)) + 3600 * (6 + 3 * u(o * 10000 + d, 81))) AS ended_at
        FROM range(1, {n['owners'] + 1}) r(o), range(0, {SPAN_DAYS}) s(d),
             LATERAL (SELECT date_trunc('day', gen_start()) + INTERVAL (d) DAY AS day)
        WHERE isodow(day) <= 5 OR u(o * 10000 + d, 82) < 0.1"""))
    return q


def generate(tickets: int, out: Path, now: str = DEFAULT_NOW, threads: int | None = None,
             console: Console | None = None, quiet: bool = False) -> dict[str, int]:
    """Write `<table>.parquet` for every table of the contract into `out`; return row counts."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads or os.cpu_count() or 2}")
    con.execute("SET preserve_insertion_order = false")
    _macros(con, now)
    queries = _queries(_counts(tickets), out)
    rows: dict[str, int] = {}
    console = console or Console(stderr=True)
    with Progress(TextColumn("{task.description:<24}"), BarColumn(), TextColumn("{task.completed}/{task.total} tables"),
                  TextColumn("{task.fields[info]}"), TimeElapsedColumn(), console=console, disable=quiet) as progress:
        task = progress.add_task(f"{tickets:,} tickets", total=len(queries), info="")
        for table, select in queries:
            progress.update(task, description=f"writing {table}", info="")
            started = time.perf_counter()
            cols = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in TABLES[table])
            target = out / f"{table}.parquet"
            con.execute(f"COPY (SELECT {cols} FROM ({select})) TO '{target}' "
                        f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")
            rows[table] = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]
            progress.console.print(f"  {table:<22} {rows[table]:>12,} rows  {time.perf_counter() - started:7.1f} s")
            progress.advance(task)
    con.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, required=True)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--now", default=DEFAULT_NOW, help="end of the generated span (UTC)")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    rows = generate(args.tickets, args.output, args.now, args.threads)
    Console(stderr=True).print(f"{sum(rows.values()):,} rows in {time.perf_counter() - started:.1f} s -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
