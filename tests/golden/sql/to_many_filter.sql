WITH agg_tickets AS (
  SELECT
    d0,
    COUNT(agg_tickets_0_in0) AS agg_tickets_0,
    SUM(agg_tickets_1_in0) AS agg_tickets_1
  FROM (
    SELECT
      tickets.priority AS d0,
      tickets.id AS grain_key,
      MAX(tickets.id) AS agg_tickets_0_in0,
      MAX(tickets.handle_time_seconds) AS agg_tickets_1_in0
    FROM tickets AS tickets
    LEFT JOIN conversations AS conversations
      ON conversations.ticket_id = tickets.id
    LEFT JOIN messages AS conversations__messages
      ON conversations__messages.conversation_id = conversations.id
    WHERE
      conversations__messages.sender_type = 'agent'
    GROUP BY
      tickets.priority,
      tickets.id
  ) AS grain_rows
  GROUP BY
    d0
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "priority",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_tickets.agg_tickets_1 AS "handle_seconds"
  FROM agg_tickets
)
SELECT
  "priority",
  "tickets",
  "handle_seconds"
FROM report_rows
ORDER BY
  "priority" ASC
