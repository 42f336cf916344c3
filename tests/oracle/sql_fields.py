"""Plain-Python definitions of the catalog's SQL-derived fields, for the reference evaluator.

Each function reads the raw tables (table name -> rows as dicts) and returns
{entity key: value} for the keys the field's catalog SQL has a row for, computed from the
definitions of docs/metrics.md, not from the SQL. A key without an entry takes the
field's `default`; a missing row (a link to nothing) has no value at all (None): the
evaluator decides that, not these functions.
"""
from __future__ import annotations

from collections import Counter


def agent_reply_count(tables: dict) -> dict:
    """Per ticket: outgoing messages with sender_type 'agent' over the ticket's conversations."""
    ticket_of = {c["id"]: c["ticket_id"] for c in tables.get("conversations", []) if c["ticket_id"] is not None}
    counts = Counter()
    for m in tables.get("messages", []):
        if m["direction"] == "outgoing" and m["sender_type"] == "agent" and m["conversation_id"] in ticket_of:
            counts[ticket_of[m["conversation_id"]]] += 1
    return dict(counts)


_STATUS_RANK = {"new": 0, "closed": 1}


def reopen_count(tables: dict) -> dict:
    """Per ticket: changes into a status other than closed right after a change into closed.

    History by changed_at (rows without one ignored); among equal times, in the ticket's
    last group the row with the ticket's current status comes last, then new, closed,
    the other statuses by name, a null status after every named one."""
    current = {t["id"]: t["status"] for t in tables.get("tickets", [])}
    history: dict = {}
    for h in tables.get("ticket_status_changes", []):
        if h["changed_at"] is not None and h["ticket_id"] in current:
            history.setdefault(h["ticket_id"], []).append(h)
    counts = {}
    for ticket, rows in history.items():
        last = max(h["changed_at"] for h in rows)

        def order(h, ticket=ticket, last=last):
            is_current = h["changed_at"] == last and h["status"] is not None and h["status"] == current[ticket]
            status = h["status"]
            return (h["changed_at"], is_current, _STATUS_RANK.get(status, 2), status is None, status or "")

        ordered = sorted(rows, key=order)
        reopens = sum(1 for before, after in zip(ordered, ordered[1:])
                      if before["status"] == "closed" and after["status"] is not None and after["status"] != "closed")
        if reopens:
            counts[ticket] = reopens
    return counts


# (entity, field) -> definition
SQL_FIELDS = {
    ("tickets", "agent_reply_count"): agent_reply_count,
    ("tickets", "reopen_count"): reopen_count,
}
