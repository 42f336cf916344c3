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
  WITH ordered AS (
    SELECT
      h.ticket_id,
      h.status,
      h.changed_at,
      LAG(h.status) OVER (
        PARTITION BY h.ticket_id
        ORDER BY h.changed_at, CASE WHEN h.status = 'new' THEN 0 WHEN h.status = 'closed' THEN 1 ELSE 2 END, h.status
      ) AS previous_status,
      LEAD(h.changed_at) OVER (
        PARTITION BY h.ticket_id
        ORDER BY h.changed_at, CASE WHEN h.status = 'new' THEN 0 WHEN h.status = 'closed' THEN 1 ELSE 2 END, h.status
      ) AS next_changed_at,
      MAX(h.changed_at) OVER (
        PARTITION BY h.ticket_id
        ORDER BY h.changed_at, CASE WHEN h.status = 'new' THEN 0 WHEN h.status = 'closed' THEN 1 ELSE 2 END, h.status
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) AS last_changed_at
    FROM ticket_status_changes AS h
    WHERE
      NOT h.ticket_id IS NULL AND NOT h.changed_at IS NULL
  ), tied AS (
    SELECT DISTINCT
      ticket_id
    FROM ordered
    WHERE
      changed_at = last_changed_at AND NOT next_changed_at IS NULL
  ), reordered AS (
    SELECT
      o.ticket_id,
      o.status,
      LAG(o.status) OVER (
        PARTITION BY o.ticket_id
        ORDER BY o.changed_at, CASE WHEN o.changed_at = o.last_changed_at AND o.status = t.status THEN 1 ELSE 0 END, CASE WHEN o.status = 'new' THEN 0 WHEN o.status = 'closed' THEN 1 ELSE 2 END, o.status
      ) AS previous_status
    FROM ordered AS o
    JOIN tickets AS t
      ON t.id = o.ticket_id
    WHERE
      o.ticket_id IN (
        SELECT
          ticket_id
        FROM tied
      )
  ), transitions AS (
    SELECT
      ticket_id,
      status,
      previous_status
    FROM ordered
    WHERE
      NOT ticket_id IN (
        SELECT
          ticket_id
        FROM tied
      )
    UNION ALL
    SELECT
      ticket_id,
      status,
      previous_status
    FROM reordered
  )
  SELECT
    ticket_id AS key,
    COUNT(*) AS value
  FROM transitions
  WHERE
    previous_status = 'closed'
    AND status <> 'closed'
    AND ticket_id IN (
      SELECT
        id
      FROM tickets
    )
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
