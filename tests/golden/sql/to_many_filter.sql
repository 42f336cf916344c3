WITH agg_tickets AS (
  SELECT
    tickets.priority AS d0,
    COUNT(*) AS agg_tickets_0,
    SUM(tickets.handle_time_seconds) AS agg_tickets_1
  FROM tickets AS tickets
  WHERE
    tickets.id IN (
      SELECT
        conversations.ticket_id
      FROM conversations AS conversations
      LEFT JOIN messages AS conversations__messages
        ON conversations__messages.conversation_id = conversations.id
      WHERE
        conversations__messages.sender_type = 'agent'
    )
  GROUP BY
    tickets.priority
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
