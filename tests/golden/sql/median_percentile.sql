WITH agg_tickets AS (
  SELECT
    tickets.channel AS d0,
    MEDIAN(tickets.handle_time_seconds) AS agg_tickets_0,
    QUANTILE_CONT(tickets.handle_time_seconds, 0.9) AS agg_tickets_1
  FROM tickets AS tickets
  WHERE
    tickets.id IN (
      SELECT
        conversations.ticket_id
      FROM conversations AS conversations
      LEFT JOIN messages AS conversations__messages
        ON conversations__messages.conversation_id = conversations.id
      WHERE
        conversations__messages.direction = 'incoming'
    )
  GROUP BY
    tickets.channel
), agg_conversations__messages AS (
  SELECT
    tickets.channel AS d0,
    COUNT(conversations__messages.id) AS agg_conversations__messages_0
  FROM tickets AS tickets
  LEFT JOIN conversations AS conversations
    ON conversations.ticket_id = tickets.id
  LEFT JOIN messages AS conversations__messages
    ON conversations__messages.conversation_id = conversations.id
  WHERE
    conversations__messages.direction = 'incoming'
  GROUP BY
    tickets.channel
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "channel",
    agg_tickets.agg_tickets_0 AS "median_handle",
    agg_tickets.agg_tickets_1 AS "p90_handle",
    agg_conversations__messages.agg_conversations__messages_0 AS "messages"
  FROM agg_tickets
  INNER JOIN agg_conversations__messages
    ON agg_tickets.d0 IS NOT DISTINCT FROM agg_conversations__messages.d0
)
SELECT
  "channel",
  "median_handle",
  "p90_handle",
  "messages"
FROM report_rows
ORDER BY
  "channel" ASC
