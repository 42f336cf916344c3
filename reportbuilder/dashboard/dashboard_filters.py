"""Dashboard-wide filters as extra filter expressions, one per filter key.

Each key names a field through the entity shorthand, so the engine finds the join
path from each report's source (`owners.name` from `tickets` is `owner.name`, from
`messages` it is `conversation.ticket.owner.name`...). A value is quoted as an
expression string literal (`'` doubled); a list of values becomes `in (...)`.

Example:
    >>> filter_expression("company", "O'Brien & Co")
    "companies.name = 'O''Brien & Co'"
    >>> filter_expression("channel_account", ["a", "b"])
    "tickets.channel_account in ('a', 'b')"
"""
from __future__ import annotations

DASHBOARD_FILTERS = {
    "owner": "owners.name",
    "team": "teams.name",
    "channel_account": "tickets.channel_account",
    "pipeline": "tickets.pipeline",
    "company": "companies.name",
}


def quote(value) -> str:
    """An expression string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def filter_expression(key: str, value) -> str:
    """The filter expression of dashboard filter `key` (one of DASHBOARD_FILTERS)."""
    field = DASHBOARD_FILTERS[key]
    if isinstance(value, (list, tuple)):
        return f"{field} in ({', '.join(quote(v) for v in value)})"
    return f"{field} = {quote(value)}"
