WITH agg_tickets AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', tickets.created_at) AS DATE) AS d0,
    COUNT(*) AS agg_tickets_0,
    AVG(tickets.handle_time_seconds) AS agg_tickets_1
  FROM tickets AS tickets
  WHERE
    tickets.created_at >= CAST('2025-03-03 00:00:00' AS TIMESTAMP)
    AND tickets.created_at < CAST('2025-03-31 00:00:00' AS TIMESTAMP)
  GROUP BY
    CAST(DATE_TRUNC('WEEK', tickets.created_at) AS DATE)
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "week",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_tickets.agg_tickets_1 AS "avg_handle"
  FROM agg_tickets
), buckets AS (
  SELECT
    bucket
  FROM (VALUES
    (CAST('2025-03-03' AS DATE)),
    (CAST('2025-03-10' AS DATE)),
    (CAST('2025-03-17' AS DATE)),
    (CAST('2025-03-24' AS DATE))) AS v(bucket)
), filled_rows AS (
  SELECT
    *
  FROM report_rows
  UNION ALL
  SELECT
    b.bucket AS "week",
    0 AS "tickets",
    CAST(NULL AS DOUBLE) AS "avg_handle"
  FROM buckets AS b
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM report_rows AS r
      WHERE
        r."week" = b.bucket
    )
), previous_agg_tickets AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', tickets.created_at) AS DATE) AS d0,
    COUNT(*) AS agg_tickets_0,
    AVG(tickets.handle_time_seconds) AS agg_tickets_1
  FROM tickets AS tickets
  WHERE
    tickets.created_at >= CAST('2025-02-03 00:00:00' AS TIMESTAMP)
    AND tickets.created_at < CAST('2025-03-03 00:00:00' AS TIMESTAMP)
  GROUP BY
    CAST(DATE_TRUNC('WEEK', tickets.created_at) AS DATE)
), previous_report_rows AS (
  SELECT
    previous_agg_tickets.d0 AS "week",
    previous_agg_tickets.agg_tickets_0 AS "tickets",
    previous_agg_tickets.agg_tickets_1 AS "avg_handle"
  FROM previous_agg_tickets
), previous_buckets AS (
  SELECT
    bucket
  FROM (VALUES
    (CAST('2025-02-03' AS DATE)),
    (CAST('2025-02-10' AS DATE)),
    (CAST('2025-02-17' AS DATE)),
    (CAST('2025-02-24' AS DATE))) AS v(bucket)
), previous_filled_rows AS (
  SELECT
    *
  FROM previous_report_rows
  UNION ALL
  SELECT
    b.bucket AS "week",
    0 AS "tickets",
    CAST(NULL AS DOUBLE) AS "avg_handle"
  FROM previous_buckets AS b
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM previous_report_rows AS r
      WHERE
        r."week" = b.bucket
    )
), bucket_pairs AS (
  SELECT
    bucket,
    previous_bucket
  FROM (VALUES
    (CAST('2025-03-03' AS DATE), CAST('2025-02-03' AS DATE)),
    (CAST('2025-03-10' AS DATE), CAST('2025-02-10' AS DATE)),
    (CAST('2025-03-17' AS DATE), CAST('2025-02-17' AS DATE)),
    (CAST('2025-03-24' AS DATE), CAST('2025-02-24' AS DATE))) AS v(bucket, previous_bucket)
), compared AS (
  SELECT
    cur."week",
    cur."tickets",
    cur."avg_handle",
    CASE WHEN NOT bp.previous_bucket IS NULL THEN COALESCE(prev."tickets", 0) END AS "tickets_previous",
    100 * (
      CAST((
        cur."tickets" - CASE WHEN NOT bp.previous_bucket IS NULL THEN COALESCE(prev."tickets", 0) END
      ) AS DOUBLE) / NULLIF(CASE WHEN NOT bp.previous_bucket IS NULL THEN COALESCE(prev."tickets", 0) END, 0)
    ) AS "tickets_change_pct",
    prev."avg_handle" AS "avg_handle_previous",
    100 * (
      CAST((
        cur."avg_handle" - prev."avg_handle"
      ) AS DOUBLE) / NULLIF(prev."avg_handle", 0)
    ) AS "avg_handle_change_pct"
  FROM filled_rows AS cur
  LEFT JOIN bucket_pairs AS bp
    ON cur."week" = bp.bucket
  LEFT JOIN previous_filled_rows AS prev
    ON prev."week" = bp.previous_bucket
)
SELECT
  "week",
  "tickets",
  "avg_handle",
  "tickets_previous",
  "tickets_change_pct",
  "avg_handle_previous",
  "avg_handle_change_pct"
FROM compared
ORDER BY
  "week" ASC
