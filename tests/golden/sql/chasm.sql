WITH agg_companies AS (
  SELECT
    companies.industry AS d0,
    COUNT(*) AS agg_companies_0,
    SUM(companies.employees) AS agg_companies_1
  FROM companies AS companies
  GROUP BY
    companies.industry
), agg_contacts AS (
  SELECT
    companies.industry AS d0,
    COUNT(contacts.id) AS agg_contacts_0
  FROM companies AS companies
  LEFT JOIN contacts AS contacts
    ON contacts.company_id = companies.id
  GROUP BY
    companies.industry
), agg_tickets AS (
  SELECT
    companies.industry AS d0,
    COUNT(tickets.id) AS agg_tickets_0,
    SUM(tickets.handle_time_seconds) AS agg_tickets_1
  FROM companies AS companies
  LEFT JOIN tickets AS tickets
    ON tickets.company_id = companies.id
  GROUP BY
    companies.industry
), report_rows AS (
  SELECT
    agg_companies.d0 AS "industry",
    agg_companies.agg_companies_0 AS "companies",
    agg_tickets.agg_tickets_0 AS "tickets",
    agg_contacts.agg_contacts_0 AS "contacts",
    agg_companies.agg_companies_1 AS "employees",
    agg_tickets.agg_tickets_1 AS "handle_seconds"
  FROM agg_companies
  INNER JOIN agg_contacts
    ON agg_companies.d0 IS NOT DISTINCT FROM agg_contacts.d0
  INNER JOIN agg_tickets
    ON agg_companies.d0 IS NOT DISTINCT FROM agg_tickets.d0
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
