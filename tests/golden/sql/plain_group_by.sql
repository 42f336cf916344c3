WITH agg_tickets AS (
  SELECT
    tickets.status AS d0,
    tickets.priority AS d1,
    COUNT(*) AS agg_tickets_0,
    SUM(tickets.handle_time_seconds) AS agg_tickets_1
  FROM tickets AS tickets
  GROUP BY
    tickets.status,
    tickets.priority
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "status",
    agg_tickets.d1 AS "prio",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_tickets.agg_tickets_1 AS "handle_seconds"
  FROM agg_tickets
)
SELECT
  "status",
  "prio",
  "tickets",
  "handle_seconds"
FROM report_rows
ORDER BY
  "status" ASC,
  "prio" ASC
