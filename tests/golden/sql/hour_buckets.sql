WITH agg_messages AS (
  SELECT
    DATE_TRUNC('HOUR', messages.sent_at) AS d0,
    messages.direction AS d1,
    COUNT(*) AS agg_messages_0
  FROM messages AS messages
  WHERE
    messages.sent_at >= CAST('2025-03-03 00:00:00' AS TIMESTAMP)
    AND messages.sent_at < CAST('2025-03-04 00:00:00' AS TIMESTAMP)
  GROUP BY
    DATE_TRUNC('HOUR', messages.sent_at),
    messages.direction
), report_rows AS (
  SELECT
    agg_messages.d0 AS "hour",
    agg_messages.d1 AS "direction",
    agg_messages.agg_messages_0 AS "messages"
  FROM agg_messages
), buckets AS (
  SELECT
    bucket
  FROM (VALUES
    (CAST('2025-03-03 00:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 01:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 02:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 03:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 04:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 05:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 06:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 07:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 08:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 09:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 10:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 11:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 12:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 13:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 14:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 15:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 16:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 17:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 18:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 19:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 20:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 21:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 22:00:00' AS TIMESTAMP)),
    (CAST('2025-03-03 23:00:00' AS TIMESTAMP))) AS v(bucket)
), filled_rows AS (
  SELECT
    *
  FROM report_rows
  UNION ALL
  SELECT
    b.bucket AS "hour",
    k."direction" AS "direction",
    0 AS "messages"
  FROM buckets AS b
  CROSS JOIN (
    SELECT DISTINCT
      "direction"
    FROM report_rows
  ) AS k
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM report_rows AS r
      WHERE
        r."hour" = b.bucket AND r."direction" IS NOT DISTINCT FROM k."direction"
    )
)
SELECT
  "hour",
  "direction",
  "messages"
FROM filled_rows
ORDER BY
  "hour" ASC,
  "direction" ASC
