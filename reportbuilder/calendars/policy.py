"""The SLA policy as catalog SQL: `tickets.first_response_due`, `tickets.close_due` and the
next-response deadlines of `response_turns`.

Without a policy the vocabulary's defaults stand (the deadlines of the data). With one, a
deadline in the data wins and a null one is filled by the policy's target for the ticket's
priority, counted in open time of the policy's calendar. The field is a lookup computed once
per ticket (one business_add each), not an expression repeated wherever a status reads it:

    SELECT id AS key, COALESCE(first_response_due_at, BUSINESS_ADD(created_at,
           CASE WHEN priority = 'urgent' THEN 3600 ... END, 'calendar')) AS value
    FROM tickets WHERE IS_REPORT_KEY(id)

The next-response targets change the shipped `response_turns` SQL in two named places: its
`ticket_targets` CTE (each ticket's target in wall-clock or open minutes) and the `due_at` of
its `turns` CTE, `COALESCE(started + wall minutes, BUSINESS_ADD(started, 60 * open minutes))`.
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog.sql_trees import parse_duckdb
from .model import BusinessHours, SlaPolicy

_DUE = {"first_response": ("first_response_due", "first_response_due_at"),
        "close": ("close_due", "close_due_at")}


def _by_priority(targets: tuple[tuple[str, int], ...], factor: int = 1) -> exp.Case:
    """CASE WHEN priority = 'urgent' THEN factor * minutes ... END (null for other priorities)."""
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=exp.column("priority"), expression=exp.Literal.string(p)),
                                true=exp.Literal.number(factor * m)) for p, m in targets])


def _business_add(start: exp.Expression, seconds: exp.Expression, calendar: str) -> exp.Anonymous:
    return exp.Anonymous(this="BUSINESS_ADD", expressions=[start, seconds, exp.Literal.string(calendar)])


def due_sql(stored: str, targets: tuple[tuple[str, int], ...], calendar: str) -> str:
    """The lookup's SQL text (DuckDB), built as a tree from the validated policy."""
    value: exp.Expression = exp.column(stored)
    if targets:
        due = _business_add(exp.column("created_at"), _by_priority(targets, 60), calendar)
        value = exp.Coalesce(this=value, expressions=[due])
    key = exp.column("id")
    return (exp.select(exp.alias_(key, "key"), exp.alias_(value, "value")).from_("tickets")
            .where(exp.Anonymous(this="IS_REPORT_KEY", expressions=[key.copy()])).sql("duckdb"))


def ticket_targets_sql(policy: SlaPolicy) -> exp.Select:
    """Each ticket with a next-response target: (id, wall_minutes, open_minutes), one of them set.

    The data's next_response_sla_minutes wins over the policy's target for the priority; it
    counts wall-clock minutes unless the policy's data clock is `open`."""
    data = exp.column("next_response_sla_minutes")
    by_priority = _by_priority(policy.next_response) if policy.next_response else exp.Null()
    if policy.data_clock == "open":
        wall: exp.Expression = exp.Null()
        opened = exp.Coalesce(this=data.copy(), expressions=[by_priority])
    else:
        wall = data.copy()
        opened = exp.Case(ifs=[exp.If(this=data.copy().is_(exp.Null()), true=by_priority)])
    kept: exp.Expression = exp.not_(data.copy().is_(exp.Null()))
    if policy.next_response:
        kept = exp.or_(kept, exp.column("priority").isin(*[exp.Literal.string(p) for p, _ in policy.next_response]))
    integer = exp.DataType.build("INTEGER")
    return (exp.select(exp.column("id"), exp.alias_(exp.cast(wall, integer), "wall_minutes"),
                       exp.alias_(exp.cast(opened, integer), "open_minutes"))
            .from_("tickets").where(kept))


def turns_sql(shipped: str, policy: SlaPolicy) -> str:
    """The shipped response_turns SQL with the policy's ticket targets and open-time due_at."""
    tree = parse_duckdb(shipped).copy()
    ctes = {cte.alias: cte for cte in tree.find_all(exp.CTE)}
    ctes["ticket_targets"].set("this", ticket_targets_sql(policy))
    due = next(a for a in ctes["turns"].this.expressions if a.alias == "due_at")
    sent = exp.column("sent_at")
    wall = exp.Add(this=sent.copy(), expression=exp.Mul(
        this=exp.column("wall_minutes"), expression=exp.Interval(this=exp.Literal.number(1), unit=exp.Var(this="MINUTE"))))
    opened = _business_add(sent.copy(), exp.Mul(this=exp.column("open_minutes"), expression=exp.Literal.number(60)),
                           policy.calendar)
    due.set("this", exp.Coalesce(this=wall, expressions=[opened]))
    return tree.sql("duckdb")


def policy_document(business: BusinessHours, turns: dict | None = None) -> dict:
    """A catalog document overriding the two deadline fields and, given the shipped
    `response_turns` entity and next-response targets, that entity (empty without a policy)."""
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
    document: dict = {"derived_fields": {"tickets": fields}}
    if turns is not None and policy.shapes_turns:
        clock = "open" if policy.data_clock == "open" else "wall-clock"
        description = (f"{turns['description']}. SLA policy: a ticket without next_response_sla_minutes "
                       f"takes the policy's next_response target for its priority, in open minutes of "
                       f"calendar {policy.calendar} (due_at = business_add(started_at, 60 * minutes)); "
                       f"next_response_sla_minutes counts {clock} minutes")
        document["derived_entities"] = {"response_turns": {**turns, "sql": turns_sql(turns["sql"], policy),
                                                           "description": description}}
    return document
