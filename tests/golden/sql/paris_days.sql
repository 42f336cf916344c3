WITH agg_tickets AS (
  SELECT
    CAST(tickets.created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris' AS DATE) AS d0,
    COUNT(*) AS agg_tickets_0,
    AVG(tickets.handle_time_seconds) AS agg_tickets_1
  FROM tickets AS tickets
  WHERE
    tickets.created_at >= CAST('2025-03-26 23:00:00' AS TIMESTAMP)
    AND tickets.created_at < CAST('2025-04-02 22:00:00' AS TIMESTAMP)
  GROUP BY
    CAST(tickets.created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris' AS DATE)
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "day",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_tickets.agg_tickets_1 AS "avg_handle"
  FROM agg_tickets
), buckets AS (
  SELECT
    bucket
  FROM (VALUES
    (CAST('2025-03-27' AS DATE)),
    (CAST('2025-03-28' AS DATE)),
    (CAST('2025-03-29' AS DATE)),
    (CAST('2025-03-30' AS DATE)),
    (CAST('2025-03-31' AS DATE)),
    (CAST('2025-04-01' AS DATE)),
    (CAST('2025-04-02' AS DATE))) AS v(bucket)
), filled_rows AS (
  SELECT
    *
  FROM report_rows
  UNION ALL
  SELECT
    b.bucket AS "day",
    0 AS "tickets",
    CAST(NULL AS DOUBLE) AS "avg_handle"
  FROM buckets AS b
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM report_rows AS r
      WHERE
        r."day" = b.bucket
    )
)
SELECT
  "day",
  "tickets",
  "avg_handle"
FROM filled_rows
ORDER BY
  "day" ASC
