WITH agg_tickets AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', tickets.created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS DATE) AS d0,
    ISODOW(tickets.created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS d1,
    COUNT(*) AS agg_tickets_0,
    SUM(tickets.handle_time_seconds) AS agg_tickets_1
  FROM tickets AS tickets
  WHERE
    tickets.created_at >= CAST('2025-03-06 23:00:00' AS TIMESTAMP)
    AND tickets.created_at < CAST('2025-03-11 23:00:00' AS TIMESTAMP)
  GROUP BY
    CAST(DATE_TRUNC('WEEK', tickets.created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS DATE),
    ISODOW(tickets.created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris')
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "week",
    agg_tickets.d1 AS "day",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_tickets.agg_tickets_0 + 1 AS "tickets_plus_one",
    COALESCE(agg_tickets.agg_tickets_1, 0) AS "handled"
  FROM agg_tickets
), buckets AS (
  SELECT
    bucket,
    bucket_1
  FROM (VALUES
    (CAST('2025-03-03' AS DATE), 5),
    (CAST('2025-03-03' AS DATE), 6),
    (CAST('2025-03-03' AS DATE), 7),
    (CAST('2025-03-10' AS DATE), 1),
    (CAST('2025-03-10' AS DATE), 2)) AS v(bucket, bucket_1)
), filled_rows AS (
  SELECT
    *
  FROM report_rows
  UNION ALL
  SELECT
    b.bucket AS "week",
    b.bucket_1 AS "day",
    0 AS "tickets",
    0 + 1 AS "tickets_plus_one",
    COALESCE(CAST(NULL AS BIGINT), 0) AS "handled"
  FROM buckets AS b
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM report_rows AS r
      WHERE
        r."week" = b.bucket AND r."day" = b.bucket_1
    )
)
SELECT
  "week",
  "day",
  "tickets",
  "tickets_plus_one",
  "handled"
FROM filled_rows
ORDER BY
  "week" ASC,
  "day" ASC
