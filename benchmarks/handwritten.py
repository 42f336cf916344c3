"""The best hand-written DuckDB SQL we know for each benchmark report (same answer as rb's).

Each function takes the report's half-open UTC range [start, end) and `now` (naive UTC
datetimes, as rb's `--now`) and returns one SELECT over the same views rb reads
(`reportbuilder.run.load_data.open_data`). They are written as a person tuning by hand
would: filters pushed below joins and windows, to-many filters as semi-joins, children
pre-aggregated per key before joining, no DISTINCT over wide rows.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta


def ts(value: datetime) -> str:
    return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"


def _shift_months(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


def preset_range(preset: str, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the presets the benchmark specs use, in UTC (the report zone)."""
    today = now.date()
    end = datetime.combine(today, datetime.min.time())
    n, unit = preset.removeprefix("last_").split("_")
    if unit == "days":
        start = end - timedelta(days=int(n))
    elif unit == "months":
        start = datetime.combine(_shift_months(today, -int(n)), datetime.min.time())
    else:
        raise ValueError(preset)
    return start, end


def _range(col: str, s: datetime, e: datetime) -> str:
    return f"{col} >= {ts(s)} AND {col} < {ts(e)}"


def _buckets(unit: str, s: datetime, e: datetime) -> str:
    return (f"(SELECT CAST(range AS DATE) AS bucket FROM range(date_trunc('{unit}', {ts(s)}), {ts(e)}, "
            f"INTERVAL 1 {unit.upper()}))")


def tickets_created_over_time(s, e, now):
    return f"""
    WITH a AS (SELECT CAST(date_trunc('week', created_at) AS DATE) AS bucket, count(*) AS n
               FROM tickets WHERE {_range('created_at', s, e)} GROUP BY 1)
    SELECT b.bucket AS week, coalesce(a.n, 0) AS tickets
    FROM {_buckets('week', s, e)} b LEFT JOIN a USING (bucket)"""


def first_response_time_over_time(s, e, now):
    return f"""
    WITH a AS (
      SELECT CAST(date_trunc('week', created_at) AS DATE) AS bucket,
             avg(x) / 3600 AS av, median(x) / 3600 AS med, quantile_cont(x, 0.9) / 3600 AS p90,
             count(*) AS n, count(x) AS responded
      FROM (SELECT created_at, epoch(first_response_at) - epoch(created_at) AS x FROM tickets
            WHERE {_range('created_at', s, e)})
      GROUP BY 1)
    SELECT b.bucket, av, med, p90, coalesce(n, 0), coalesce(responded, 0)
    FROM {_buckets('week', s, e)} b LEFT JOIN a USING (bucket)"""


def tickets_by_team(s, e, now):
    # Aggregate tickets by owner_id first (few groups), then look up owner and team.
    return f"""
    WITH a AS (SELECT owner_id, priority, count(*) AS n, sum(handle_time_seconds) AS h,
                      count(handle_time_seconds) AS hn
               FROM tickets WHERE {_range('created_at', s, e)} GROUP BY ALL)
    SELECT tm.name AS team, a.priority, sum(n) AS tickets, sum(h) / sum(hn) / 60 AS avg_handle_minutes
    FROM a LEFT JOIN owners o ON o.id = a.owner_id LEFT JOIN teams tm ON tm.id = o.team_id
    GROUP BY ALL"""


def tickets_by_conversation_channel(s, e, now):
    # One join; reduce to one row per (ticket, channel), counting its conversations there.
    return f"""
    WITH t AS (SELECT id, handle_time_seconds FROM tickets WHERE {_range('created_at', s, e)}),
    tc AS (SELECT t.id, c.channel, any_value(t.handle_time_seconds) AS h, count(c.id) AS nc
           FROM t LEFT JOIN conversations c ON c.ticket_id = t.id GROUP BY t.id, c.channel)
    SELECT channel, count(*) AS tickets, avg(h) / 60 AS avg_handle_minutes, sum(nc) AS conversations
    FROM tc GROUP BY channel"""


def tickets_with_bot_messages(s, e, now):
    # The to-many filter as a semi-join.
    return f"""
    SELECT priority, count(*) AS tickets, avg(epoch(first_response_at) - epoch(created_at)) / 3600 AS h
    FROM tickets
    WHERE {_range('created_at', s, e)}
      AND id IN (SELECT c.ticket_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.sender_type = 'bot')
    GROUP BY priority"""


def ticket_activity_by_category(s, e, now):
    # Each one-to-many fact pre-aggregated per ticket, then joined once to the tickets.
    return f"""
    WITH t AS (SELECT id, category FROM tickets WHERE {_range('created_at', s, e)}),
    cv AS (SELECT ticket_id, count(*) AS n FROM conversations WHERE ticket_id IS NOT NULL GROUP BY 1),
    cl AS (SELECT ticket_id, count(*) AS n, sum(duration_seconds) AS d FROM calls
           WHERE ticket_id IS NOT NULL GROUP BY 1),
    fb AS (SELECT ticket_id, count(*) AS n, sum(score) AS sc, count(score) AS scn FROM feedback_submissions
           WHERE ticket_id IS NOT NULL GROUP BY 1)
    SELECT t.category, count(*) AS tickets, coalesce(sum(cv.n), 0), coalesce(sum(cl.n), 0), sum(cl.d) / 60,
           coalesce(sum(fb.n), 0), sum(fb.sc) / sum(fb.scn)
    FROM t LEFT JOIN cv ON cv.ticket_id = t.id LEFT JOIN cl ON cl.ticket_id = t.id
         LEFT JOIN fb ON fb.ticket_id = t.id
    GROUP BY t.category"""


_TIE_ORDER = """changed_at,
                 CASE WHEN changed_at = last_changed_at AND status = current_status THEN 1 ELSE 0 END,
                 CASE WHEN status = 'new' THEN 0 WHEN status = 'closed' THEN 1 ELSE 2 END, status"""


def ticket_time_in_status(s, e, now):
    # A stay starting at or after `s` is followed by a change at or after `s`, so the
    # lower bound goes below the window (the per-ticket max is unchanged by it too).
    return f"""
    WITH h AS (
      SELECT h.ticket_id, h.status, h.changed_at,
             max(h.changed_at) OVER (PARTITION BY h.ticket_id) AS last_changed_at, t.status AS current_status
      FROM ticket_status_changes h LEFT JOIN tickets t ON t.id = h.ticket_id
      WHERE h.ticket_id IS NOT NULL AND h.changed_at >= {ts(s)}),
    o AS (SELECT ticket_id, status, changed_at AS started_at,
                 lead(changed_at) OVER (PARTITION BY ticket_id ORDER BY {_TIE_ORDER}) AS next_at
          FROM h),
    p AS (SELECT ticket_id, status,
                 epoch(coalesce(next_at, greatest(started_at, {ts(now)}))) - epoch(started_at) AS x
          FROM o WHERE status IS DISTINCT FROM 'closed' AND started_at < {ts(e)})
    SELECT status, count(*), count(DISTINCT ticket_id) AS nt, avg(x) / 3600, median(x) / 3600,
           sum(x) / 3600 / count(DISTINCT ticket_id), sum(x) / 3600
    FROM p GROUP BY status"""


def next_response_sla_over_time(s, e, now):
    # Only conversations with an incoming message in the range can start a turn there; one
    # window numbers the agent replies, a GROUP BY per (conversation, segment) finds the
    # turn start (first incoming) and its answer (the reply closing the segment).
    return f"""
    WITH conv AS (
      SELECT c.id, t.next_response_sla_minutes AS sla FROM conversations c JOIN tickets t ON t.id = c.ticket_id
      WHERE t.next_response_sla_minutes IS NOT NULL
        AND c.id IN (SELECT conversation_id FROM messages WHERE direction = 'incoming'
                     AND {_range('sent_at', s, e)})),
    m AS (
      SELECT m.id, m.conversation_id, m.sent_at, conv.sla,
             coalesce(m.direction = 'outgoing' AND m.sender_type = 'agent', false) AS rep,
             coalesce(m.direction = 'incoming', false) AS inc
      FROM messages m JOIN conv ON conv.id = m.conversation_id WHERE m.sent_at IS NOT NULL),
    seg AS (
      SELECT *, coalesce(sum(CASE WHEN rep THEN 1 ELSE 0 END) OVER (
                  PARTITION BY conversation_id ORDER BY sent_at, id
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS rb
      FROM m),
    turns AS (
      SELECT min(sent_at) FILTER (WHERE inc) AS started_at, min(sent_at) FILTER (WHERE rep) AS replied_at,
             any_value(sla) AS sla
      FROM seg WHERE rb > 0 GROUP BY conversation_id, rb),
    st AS (
      SELECT started_at, epoch(replied_at) - epoch(started_at) AS reply_seconds,
             CASE WHEN replied_at IS NOT NULL AND replied_at <= started_at + sla * INTERVAL 1 MINUTE THEN 'on_time'
                  WHEN replied_at IS NOT NULL THEN 'late'
                  WHEN {ts(now)} > started_at + sla * INTERVAL 1 MINUTE THEN 'overdue'
                  ELSE 'pending' END AS k
      FROM turns WHERE started_at IS NOT NULL AND {_range('started_at', s, e)}),
    a AS (
      SELECT CAST(date_trunc('week', started_at) AS DATE) AS bucket,
             count_if(k = 'on_time') AS ot, count_if(k = 'late') AS la, count_if(k = 'overdue') AS ov,
             count_if(k = 'pending') AS pe, avg(reply_seconds) / 60 AS rm
      FROM st GROUP BY 1)
    SELECT b.bucket, coalesce(ot, 0), coalesce(la, 0), coalesce(ov, 0), coalesce(pe, 0),
           100.0 * ot / nullif(ot + la + ov, 0), rm
    FROM {_buckets('week', s, e)} b LEFT JOIN a USING (bucket)"""


def fcr_counts(closed_tickets: str) -> str:
    """CTEs `t` (the closed tickets `closed_tickets` selects, with id and status), `rep` and
    `reo` (agent replies and reopens per ticket of t): the parts of an FCR query."""
    return f"""
    WITH t AS ({closed_tickets}),
    rep AS (SELECT c.ticket_id, count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.direction = 'outgoing' AND m.sender_type = 'agent' AND c.ticket_id IN (SELECT id FROM t)
            GROUP BY 1),
    h AS (SELECT h.ticket_id, h.status, h.changed_at,
                 max(h.changed_at) OVER (PARTITION BY h.ticket_id) AS last_changed_at, t.status AS current_status
          FROM ticket_status_changes h JOIN t ON t.id = h.ticket_id WHERE h.changed_at IS NOT NULL),
    reo AS (SELECT ticket_id, count(*) AS n FROM (
              SELECT ticket_id, status, lag(status) OVER (PARTITION BY ticket_id ORDER BY {_TIE_ORDER}) AS prev FROM h)
            WHERE prev = 'closed' AND status <> 'closed' GROUP BY 1)"""


def first_contact_resolution(s, e, now):
    # The closed tickets of the range first; reply and reopen counts only for them.
    return fcr_counts(f"SELECT id, status, closed_at FROM tickets WHERE status = 'closed' AND "
                      f"{_range('closed_at', s, e)}") + f""",
    a AS (SELECT CAST(date_trunc('month', t.closed_at) AS DATE) AS bucket, count(*) AS n,
                 count_if(coalesce(rep.n, 0) = 1 AND coalesce(reo.n, 0) = 0) AS fcr
          FROM t LEFT JOIN rep ON rep.ticket_id = t.id LEFT JOIN reo ON reo.ticket_id = t.id GROUP BY 1)
    SELECT b.bucket, 100.0 * fcr / nullif(n, 0), coalesce(n, 0), coalesce(fcr, 0)
    FROM {_buckets('month', s, e)} b LEFT JOIN a USING (bucket)"""


def agent_utilization(s, e, now):
    # Both sides aggregated per owner before the owner and team lookups.
    return f"""
    WITH tk AS (SELECT owner_id, sum(CAST(handle_time_seconds AS DOUBLE)) AS h, count(*) AS n FROM tickets
                WHERE status = 'closed' AND owner_id IS NOT NULL AND {_range('closed_at', s, e)} GROUP BY 1),
    sh AS (SELECT owner_id, sum(epoch(ended_at) - epoch(started_at)) AS x, count(*) AS n FROM shifts
           WHERE owner_id IS NOT NULL AND {_range('started_at', s, e)} GROUP BY 1),
    w AS (SELECT coalesce(tk.owner_id, sh.owner_id) AS owner_id, tk.h, tk.n AS tn, sh.x, sh.n AS sn
          FROM tk FULL JOIN sh ON sh.owner_id = tk.owner_id)
    SELECT o.name, tm.name, 100.0 * coalesce(sum(h), 0) / nullif(sum(x), 0), sum(h) / 3600, sum(x) / 3600,
           coalesce(sum(tn), 0), coalesce(sum(sn), 0)
    FROM w LEFT JOIN owners o ON o.id = w.owner_id LEFT JOIN teams tm ON tm.id = o.team_id
    GROUP BY o.name, tm.name"""


def activity_heatmap(s, e, now):
    return f"""
    WITH a AS (SELECT isodow(sent_at) AS d, hour(sent_at) AS h, count(*) AS n,
                      count_if(direction = 'incoming') AS r, count_if(direction = 'outgoing') AS o
               FROM messages WHERE {_range('sent_at', s, e)} GROUP BY ALL)
    SELECT d.d, hs.h, coalesce(n, 0), coalesce(r, 0), coalesce(o, 0)
    FROM range(1, 8) d(d) CROSS JOIN (SELECT DISTINCT h FROM a) hs LEFT JOIN a ON a.d = d.d AND a.h = hs.h"""


HANDWRITTEN = {f.__name__: f for f in (
    tickets_created_over_time, first_response_time_over_time, tickets_by_team,
    tickets_by_conversation_channel, tickets_with_bot_messages, ticket_activity_by_category,
    ticket_time_in_status, next_response_sla_over_time, first_contact_resolution,
    agent_utilization, activity_heatmap)}
