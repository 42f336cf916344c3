WITH field_tickets_agent_reply_count AS (
  SELECT
    c.ticket_id AS key,
    COUNT(*) AS value
  FROM messages AS m
  JOIN conversations AS c
    ON c.id = m.conversation_id
  WHERE
    NOT c.ticket_id IS NULL AND m.direction = 'outgoing' AND m.sender_type = 'agent'
  GROUP BY
    c.ticket_id
), field_tickets_reopen_count AS (
  WITH history AS (
    SELECT
      h.ticket_id,
      h.status,
      h.changed_at,
      MAX(h.changed_at) OVER (PARTITION BY h.ticket_id) AS last_changed_at,
      t.status AS current_status
    FROM ticket_status_changes AS h
    JOIN tickets AS t
      ON t.id = h.ticket_id
    WHERE
      NOT h.changed_at IS NULL
  ), ordered AS (
    SELECT
      ticket_id,
      status,
      LAG(status) OVER (
        PARTITION BY ticket_id
        ORDER BY changed_at, CASE WHEN changed_at = last_changed_at AND status = current_status THEN 1 ELSE 0 END, CASE WHEN status = 'new' THEN 0 WHEN status = 'closed' THEN 1 ELSE 2 END, status
      ) AS previous_status
    FROM history
  )
  SELECT
    ticket_id AS key,
    COUNT(*) AS value
  FROM ordered
  WHERE
    previous_status = 'closed' AND status <> 'closed'
  GROUP BY
    ticket_id
), agg_tickets AS (
  SELECT
    tickets.priority AS d0,
    COUNT(*) AS agg_tickets_0,
    COUNT(
      CASE
        WHEN CASE
          WHEN tickets.status = 'closed'
          THEN COALESCE(tickets__agent_reply_count.value, 0) = 1
          AND COALESCE(tickets__reopen_count.value, 0) = 0
          ELSE NULL
        END
        THEN 1
      END
    ) AS agg_tickets_1,
    COUNT(CASE WHEN tickets.status = 'closed' THEN 1 END) AS agg_tickets_2,
    CAST(COALESCE(SUM(per_feedback_submissions.agg_feedback_submissions_0_p0), 0) AS BIGINT) AS agg_feedback_submissions_0,
    CAST(COALESCE(SUM(per_feedback_submissions.agg_feedback_submissions_1_p0), 0) AS BIGINT) AS agg_feedback_submissions_1,
    CAST(COALESCE(SUM(per_feedback_submissions.agg_feedback_submissions_2_p0), 0) AS BIGINT) AS agg_feedback_submissions_2
  FROM tickets AS tickets
  LEFT JOIN field_tickets_agent_reply_count AS tickets__agent_reply_count
    ON tickets__agent_reply_count.key = tickets.id
  LEFT JOIN field_tickets_reopen_count AS tickets__reopen_count
    ON tickets__reopen_count.key = tickets.id
  LEFT JOIN (
    SELECT
      feedback_submissions.ticket_id AS link_key,
      COUNT(
        CASE
          WHEN feedback_submissions.survey_type = 'nps'
          AND feedback_submissions.score BETWEEN 9 AND 10
          THEN 1
        END
      ) AS agg_feedback_submissions_0_p0,
      COUNT(
        CASE
          WHEN feedback_submissions.survey_type = 'nps'
          AND feedback_submissions.score BETWEEN 0 AND 6
          THEN 1
        END
      ) AS agg_feedback_submissions_1_p0,
      COUNT(CASE WHEN feedback_submissions.survey_type = 'nps' THEN 1 END) AS agg_feedback_submissions_2_p0
    FROM feedback_submissions AS feedback_submissions
    WHERE
      NOT feedback_submissions.ticket_id IS NULL
    GROUP BY
      feedback_submissions.ticket_id
  ) AS per_feedback_submissions
    ON per_feedback_submissions.link_key = tickets.id
  GROUP BY
    tickets.priority
), report_rows AS (
  SELECT
    agg_tickets.d0 AS "priority",
    agg_tickets.agg_tickets_0 AS "tickets",
    (
      CAST((
        100.0 * (
          agg_tickets.agg_feedback_submissions_0 - agg_tickets.agg_feedback_submissions_1
        )
      ) AS DOUBLE) / NULLIF(agg_tickets.agg_feedback_submissions_2, 0)
    ) AS "nps",
    (
      CAST((
        100.0 * agg_tickets.agg_tickets_1
      ) AS DOUBLE) / NULLIF(agg_tickets.agg_tickets_2, 0)
    ) AS "fcr_rate"
  FROM agg_tickets
)
SELECT
  "priority",
  "tickets",
  "nps",
  "fcr_rate"
FROM report_rows
ORDER BY
  "priority" ASC
