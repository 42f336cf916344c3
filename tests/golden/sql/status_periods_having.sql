WITH entity_ticket_status_periods AS (
  SELECT
    *
  FROM (
    WITH ordered AS (
      SELECT
        h.ticket_id,
        h.status,
        h.changed_at AS started_at,
        LEAD(h.changed_at) OVER (
          PARTITION BY h.ticket_id
          ORDER BY h.changed_at, CASE WHEN h.status = 'new' THEN 0 WHEN h.status = 'closed' THEN 1 ELSE 2 END, h.status
        ) AS next_changed_at,
        LEAD(h.status) OVER (
          PARTITION BY h.ticket_id
          ORDER BY h.changed_at, CASE WHEN h.status = 'new' THEN 0 WHEN h.status = 'closed' THEN 1 ELSE 2 END, h.status
        ) AS next_status,
        MAX(h.changed_at) OVER (
          PARTITION BY h.ticket_id
          ORDER BY h.changed_at, CASE WHEN h.status = 'new' THEN 0 WHEN h.status = 'closed' THEN 1 ELSE 2 END, h.status
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS last_changed_at
      FROM ticket_status_changes AS h
      WHERE
        NOT h.ticket_id IS NULL
        AND (
          h.changed_at >= CAST(NULL AS TIMESTAMP) OR (
            NOT h.changed_at IS NULL
          )
        )
    ), moved AS (
      SELECT
        o.ticket_id,
        o.status
      FROM ordered AS o
      JOIN tickets AS t
        ON t.id = o.ticket_id AND t.status = o.status
      WHERE
        o.started_at = o.last_changed_at
        AND NOT o.next_changed_at IS NULL
        AND o.next_status IS DISTINCT FROM o.status
    ), periods AS (
      SELECT
        o.ticket_id,
        o.status,
        o.started_at,
        CASE
          WHEN NOT m.ticket_id IS NULL AND o.started_at = o.last_changed_at
          THEN CASE
            WHEN o.status = m.status AND o.next_status IS DISTINCT FROM o.status
            THEN GREATEST(o.started_at, CAST('2025-06-30 12:00:00' AS TIMESTAMP))
            ELSE o.started_at
          END
          ELSE COALESCE(
            o.next_changed_at,
            GREATEST(o.started_at, CAST('2025-06-30 12:00:00' AS TIMESTAMP))
          )
        END AS ended_at
      FROM ordered AS o
      LEFT JOIN moved AS m
        ON m.ticket_id = o.ticket_id
      WHERE
        o.status IS DISTINCT FROM 'closed'
    )
    SELECT
      ticket_id,
      status,
      started_at,
      ended_at,
      EPOCH(ended_at) - EPOCH(started_at) AS seconds
    FROM periods
  ) AS d
), agg_ticket_status_periods AS (
  SELECT
    ticket_status_periods.status AS d0,
    ticket__owner__team.name AS d1,
    COUNT(*) AS agg_ticket_status_periods_0,
    SUM(ticket_status_periods.seconds) AS agg_ticket_status_periods_1
  FROM entity_ticket_status_periods AS ticket_status_periods
  LEFT JOIN tickets AS ticket
    ON ticket.id = ticket_status_periods.ticket_id
  LEFT JOIN owners AS ticket__owner
    ON ticket__owner.id = ticket.owner_id
  LEFT JOIN teams AS ticket__owner__team
    ON ticket__owner__team.id = ticket__owner.team_id
  GROUP BY
    ticket_status_periods.status,
    ticket__owner__team.name
), report_rows AS (
  SELECT
    agg_ticket_status_periods.d0 AS "status",
    agg_ticket_status_periods.d1 AS "team",
    agg_ticket_status_periods.agg_ticket_status_periods_0 AS "periods",
    (
      CAST(agg_ticket_status_periods.agg_ticket_status_periods_1 AS DOUBLE) / 3600
    ) AS "hours_in_status"
  FROM agg_ticket_status_periods
)
SELECT
  "status",
  "team",
  "periods",
  "hours_in_status"
FROM report_rows
WHERE
  "periods" >= 5
ORDER BY
  "hours_in_status" DESC,
  "status" ASC,
  "team" ASC
LIMIT 8
