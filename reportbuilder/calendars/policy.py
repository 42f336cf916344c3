"""The SLA policy as catalog SQL: `tickets.first_response_due` and `tickets.close_due`.

Without a policy the vocabulary's defaults stand (the deadlines of the data). With one, a
deadline in the data wins and a null one is filled by the policy's target for the ticket's
priority, counted in open time of the policy's calendar. The field is a lookup computed once
per ticket (one business_add each), not an expression repeated wherever a status reads it:

    SELECT id AS key, COALESCE(first_response_due_at, BUSINESS_ADD(created_at,
           CASE WHEN priority = 'urgent' THEN 3600 ... END, 'calendar')) AS value
    FROM tickets WHERE IS_REPORT_KEY(id)
"""
from __future__ import annotations

from sqlglot import exp

from .model import BusinessHours

_DUE = {"first_response": ("first_response_due", "first_response_due_at"),
        "close": ("close_due", "close_due_at")}


def due_sql(stored: str, targets: tuple[tuple[str, int], ...], calendar: str) -> str:
    """The lookup's SQL text (DuckDB), built as a tree from the validated policy."""
    value: exp.Expression = exp.column(stored)
    if targets:
        seconds = exp.Case(ifs=[exp.If(this=exp.EQ(this=exp.column("priority"), expression=exp.Literal.string(p)),
                                       true=exp.Literal.number(60 * m)) for p, m in targets])
        due = exp.Anonymous(this="BUSINESS_ADD", expressions=[exp.column("created_at"), seconds,
                                                              exp.Literal.string(calendar)])
        value = exp.Coalesce(this=value, expressions=[due])
    key = exp.column("id")
    return (exp.select(exp.alias_(key, "key"), exp.alias_(value, "value")).from_("tickets")
            .where(exp.Anonymous(this="IS_REPORT_KEY", expressions=[key.copy()])).sql("duckdb"))


def policy_document(business: BusinessHours) -> dict:
    """A catalog document overriding the two deadline fields (empty without a policy)."""
    policy = business.policy
    if policy is None:
        return {}
    fields = {}
    for part, targets in (("first_response", policy.first_response), ("close", policy.close)):
        name, stored = _DUE[part]
        fields[name] = {
            "type": "timestamp",
            "description": f"{stored}, else the SLA policy's {part} target for the priority in open "
                           f"minutes of calendar {policy.calendar} after created_at; null without either",
            "sql": due_sql(stored, targets, policy.calendar),
        }
    return {"derived_fields": {"tickets": fields}}
