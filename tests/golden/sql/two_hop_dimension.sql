WITH agg_tickets AS (
  SELECT
    owner__team.name AS d0,
    CAST(COALESCE(SUM(tickets.agg_tickets_0_p0), 0) AS BIGINT) AS agg_tickets_0,
    CAST(SUM(tickets.agg_tickets_1_p0) AS DOUBLE) / NULLIF(SUM(tickets.agg_tickets_1_p1), 0) AS agg_tickets_1
  FROM (
    SELECT
      tickets.owner_id AS owner_id,
      COUNT(*) AS agg_tickets_0_p0,
      SUM(tickets.handle_time_seconds) AS agg_tickets_1_p0,
      COUNT(tickets.handle_time_seconds) AS agg_tickets_1_p1
    FROM tickets AS tickets
    GROUP BY
      tickets.owner_id
  ) AS tickets
  LEFT JOIN owners AS owner
    ON owner.id = tickets.owner_id
  LEFT JOIN teams AS owner__team
    ON owner__team.id = owner.team_id
  GROUP BY
    owner__team.name
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "team",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_tickets.agg_tickets_1 AS "avg_handle"
  FROM agg_tickets
)
SELECT
  "team",
  "tickets",
  "avg_handle"
FROM report_rows
ORDER BY
  "team" ASC
