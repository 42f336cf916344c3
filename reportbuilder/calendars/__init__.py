"""Business hours: workspace calendars, the open intervals they give in UTC, and the SQL of
`business_seconds` / `business_add` over a small generated relation of those intervals.

Modules: `model` (frozen settings), `read` (the workspace keys, positioned errors),
`intervals` (pure-Python open intervals and the relation rows), `sql` (the expressions and
CTEs), `policy` (the SLA policy's derived fields). See docs/business-hours.md.
"""
