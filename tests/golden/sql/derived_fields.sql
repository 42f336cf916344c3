WITH field_tickets_agent_reply_count AS (
  SELECT
    c.ticket_id AS key,
    COUNT(*) AS value
  FROM messages AS m
  JOIN conversations AS c
    ON c.id = m.conversation_id
  WHERE
    NOT c.ticket_id IS NULL AND m.direction = 'outgoing' AND m.sender_type = 'agent'
  GROUP BY
    c.ticket_id
), field_tickets_reopen_count AS (
  WITH history AS (
    SELECT
      h.ticket_id,
      h.status,
      h.changed_at,
      MAX(h.changed_at) OVER (PARTITION BY h.ticket_id) AS last_changed_at,
      t.status AS current_status
    FROM ticket_status_changes AS h
    JOIN tickets AS t
      ON t.id = h.ticket_id
    WHERE
      NOT h.changed_at IS NULL
  ), ordered AS (
    SELECT
      ticket_id,
      status,
      LAG(status) OVER (
        PARTITION BY ticket_id
        ORDER BY changed_at, CASE WHEN changed_at = last_changed_at AND status = current_status THEN 1 ELSE 0 END, CASE WHEN status = 'new' THEN 0 WHEN status = 'closed' THEN 1 ELSE 2 END, status
      ) AS previous_status
    FROM history
  )
  SELECT
    ticket_id AS key,
    COUNT(*) AS value
  FROM ordered
  WHERE
    previous_status = 'closed' AND status <> 'closed'
  GROUP BY
    ticket_id
), agg_tickets AS (
  SELECT
    CASE
      WHEN tickets.first_response_due_at IS NULL
      THEN NULL
      WHEN NOT (
        tickets.first_response_at IS NULL
      )
      AND tickets.first_response_at <= tickets.first_response_due_at
      THEN 'on_time'
      WHEN NOT (
        tickets.first_response_at IS NULL
      )
      THEN 'late'
      WHEN CAST('2025-06-30 12:00:00' AS TIMESTAMP) > tickets.first_response_due_at
      THEN 'overdue'
      ELSE 'pending'
    END AS d0,
    COUNT(*) AS agg_tickets_0,
    AVG((
      EPOCH(tickets.first_response_at) - EPOCH(tickets.created_at)
    )) AS agg_tickets_1,
    SUM(COALESCE(tickets__reopen_count.value, 0)) AS agg_tickets_2,
    COUNT(
      CASE
        WHEN CASE
          WHEN tickets.status = 'closed'
          THEN COALESCE(tickets__agent_reply_count.value, 0) = 1
          AND COALESCE(tickets__reopen_count.value, 0) = 0
          ELSE NULL
        END
        THEN 1
      END
    ) AS agg_tickets_3
  FROM tickets AS tickets
  LEFT JOIN field_tickets_agent_reply_count AS tickets__agent_reply_count
    ON tickets__agent_reply_count.key = tickets.id
  LEFT JOIN field_tickets_reopen_count AS tickets__reopen_count
    ON tickets__reopen_count.key = tickets.id
  GROUP BY
    CASE
      WHEN tickets.first_response_due_at IS NULL
      THEN NULL
      WHEN NOT (
        tickets.first_response_at IS NULL
      )
      AND tickets.first_response_at <= tickets.first_response_due_at
      THEN 'on_time'
      WHEN NOT (
        tickets.first_response_at IS NULL
      )
      THEN 'late'
      WHEN CAST('2025-06-30 12:00:00' AS TIMESTAMP) > tickets.first_response_due_at
      THEN 'overdue'
      ELSE 'pending'
    END
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "sla",
    agg_tickets.agg_tickets_0 AS "tickets",
    (
      CAST(agg_tickets.agg_tickets_1 AS DOUBLE) / 3600
    ) AS "avg_first_response_hours",
    agg_tickets.agg_tickets_2 AS "reopens",
    agg_tickets.agg_tickets_3 AS "fcr_tickets"
  FROM agg_tickets
)
SELECT
  "sla",
  "tickets",
  "avg_first_response_hours",
  "reopens",
  "fcr_tickets"
FROM report_rows
ORDER BY
  "sla" ASC
