WITH agg_companies AS (
  SELECT
    companies.industry AS d0,
    COUNT(*) AS agg_companies_0,
    SUM(companies.employees) AS agg_companies_1,
    CAST(COALESCE(SUM(per_contacts.agg_contacts_0_p0), 0) AS BIGINT) AS agg_contacts_0,
    CAST(COALESCE(SUM(per_tickets.agg_tickets_0_p0), 0) AS BIGINT) AS agg_tickets_0,
    SUM(per_tickets.agg_tickets_1_p0) AS agg_tickets_1
  FROM companies AS companies
  LEFT JOIN (
    SELECT
      contacts.company_id AS link_key,
      COUNT(*) AS agg_contacts_0_p0
    FROM contacts AS contacts
    WHERE
      NOT contacts.company_id IS NULL
    GROUP BY
      contacts.company_id
  ) AS per_contacts
    ON per_contacts.link_key = companies.id
  LEFT JOIN (
    SELECT
      tickets.company_id AS link_key,
      COUNT(*) AS agg_tickets_0_p0,
      SUM(tickets.handle_time_seconds) AS agg_tickets_1_p0
    FROM tickets AS tickets
    WHERE
      NOT tickets.company_id IS NULL
    GROUP BY
      tickets.company_id
  ) AS per_tickets
    ON per_tickets.link_key = companies.id
  GROUP BY
    companies.industry
), report_rows AS (
  SELECT
    agg_companies.d0 AS "industry",
    agg_companies.agg_companies_0 AS "companies",
    agg_companies.agg_tickets_0 AS "tickets",
    agg_companies.agg_contacts_0 AS "contacts",
    agg_companies.agg_companies_1 AS "employees",
    agg_companies.agg_tickets_1 AS "handle_seconds"
  FROM agg_companies
)
SELECT
  "industry",
  "companies",
  "tickets",
  "contacts",
  "employees",
  "handle_seconds"
FROM report_rows
ORDER BY
  "industry" ASC
