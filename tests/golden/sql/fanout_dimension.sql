WITH agg_tickets AS (
  SELECT
    d0,
    COUNT(grain_key) AS agg_tickets_0,
    SUM(agg_tickets_1_in0) AS agg_tickets_1
  FROM (
    SELECT
      conversations.channel AS d0,
      tickets.id AS grain_key,
      MAX(tickets.handle_time_seconds) AS agg_tickets_1_in0
    FROM tickets AS tickets
    LEFT JOIN conversations AS conversations
      ON conversations.ticket_id = tickets.id
    GROUP BY
      conversations.channel,
      tickets.id
  ) AS grain_rows
  GROUP BY
    d0
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "conversation_channel",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_tickets.agg_tickets_1 AS "handle_seconds"
  FROM agg_tickets
)
SELECT
  "conversation_channel",
  "tickets",
  "handle_seconds"
FROM report_rows
ORDER BY
  "conversation_channel" ASC
