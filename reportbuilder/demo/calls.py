"""Calls on the help desk's three lines: phone tickets, callbacks and everyday calls.

The contract's rules hold by construction: `ringing` only outgoing, `cancelled`
only incoming, `duration_seconds` 0 unless completed, voicemail only on missed
incoming calls. Calls nobody answered out of hours go to voicemail.
"""
from __future__ import annotations

import datetime as dt
import random

from .people import Customers
from .staff import AMERICAS, EMEA, ONBOARDING, Agent, on_duty
from .tickets import LINES
from .timeline import Span, lognormal_minutes, minutes, weighted

_TEAM_OF_LINE = {line: team for team, line in LINES.items()}
_HOURS = (0, 0, 0, 0, 0, 1, 3, 6, 9, 10, 10, 10, 9, 10, 11, 11, 10, 9, 8, 6, 4, 2, 1, 0)


def make_calls(rng: random.Random, span: Span, tickets: list[dict], customers: Customers,
               agents: tuple[Agent, ...], count: int = 1700) -> list[dict]:
    calls = []
    for ticket in tickets:
        if ticket["channel"] == "phone":
            calls.append(_ticket_call(rng, ticket, agents))
        if ticket["priority"] in ("urgent", "high") and ticket["first_response_at"] is not None \
                and ticket["owner_id"] is not None and rng.random() < 0.15:
            calls.append(_callback(rng, ticket))
    days = span.days()
    for _ in range(count):
        calls.append(_everyday_call(rng, _call_time(rng, days), customers, agents))
    calls = sorted((c for c in calls if _ended(c) <= span.now), key=lambda c: c["started_at"])
    return [{"id": i, **c} for i, c in enumerate(calls, start=1)]


def _ticket_call(rng, ticket, agents) -> dict:
    """The call a phone ticket was logged from; it ended when the ticket was created."""
    line, at = ticket["channel_account"], ticket["created_at"]
    staffed = on_duty(agents, (_TEAM_OF_LINE[line],), at)
    if not staffed:
        voicemail = rng.random() < 0.7
        return _call(None, ticket, line, "incoming", "missed", at, dt.timedelta(), voicemail)
    owner = ticket["owner_id"] or rng.choice(staffed).id
    duration = _duration(rng)
    return _call(owner, ticket, line, "incoming", "completed", at - duration, duration)


def _callback(rng, ticket) -> dict:
    line = LINES[EMEA if 5 <= ticket["created_at"].hour < 13 else AMERICAS]
    status = weighted(rng, {"completed": 65, "missed": 25, "ringing": 10})
    duration = _duration(rng) if status == "completed" else dt.timedelta()
    at = ticket["first_response_at"] + minutes(rng.uniform(1, 20))
    return _call(ticket["owner_id"], ticket, line, "outgoing", status, at, duration)


def _everyday_call(rng, at, customers: Customers, agents) -> dict:
    line = weighted(rng, {LINES[AMERICAS]: 45, LINES[EMEA]: 40, LINES[ONBOARDING]: 15})
    staffed = on_duty(agents, (_TEAM_OF_LINE[line],), at)
    contact = customers.pick_contact(rng, at)
    ticket = {"id": None, "contact_id": contact["id"] if contact["phone"] else None}
    if staffed and rng.random() < 0.3:
        status = weighted(rng, {"completed": 60, "missed": 28, "ringing": 12})
        duration = _duration(rng) if status == "completed" else dt.timedelta()
        return _call(rng.choice(staffed).id, ticket, line, "outgoing", status, at, duration)
    if staffed:
        status = weighted(rng, {"completed": 72, "missed": 14, "cancelled": 14})
    else:
        status = weighted(rng, {"missed": 70, "cancelled": 30})
    if status == "completed":
        return _call(rng.choice(staffed).id, ticket, line, "incoming", status, at, _duration(rng))
    rang = None  # a missed call sometimes rang an agent who did not pick up
    if status == "missed" and staffed and rng.random() < 0.3:
        rang = rng.choice(staffed).id
    voicemail = status == "missed" and rng.random() < 0.45
    return _call(rang, ticket, line, "incoming", status, at, dt.timedelta(), voicemail)


def _call(owner_id, ticket, line, direction, status, at, duration, voicemail=False) -> dict:
    return {"contact_id": ticket["contact_id"], "owner_id": owner_id, "ticket_id": ticket["id"],
            "phone_number": line, "direction": direction, "status": status, "started_at": at,
            "duration_seconds": int(duration.total_seconds()), "voicemail": voicemail,
            "queue_seconds": None}  # the demo does not model queueing


def _duration(rng: random.Random) -> dt.timedelta:
    return max(dt.timedelta(seconds=20), lognormal_minutes(rng, 5, 0.8))


def _call_time(rng: random.Random, days: list[dt.date]) -> dt.datetime:
    while True:
        day = rng.choice(days)
        if day.weekday() < 5 or rng.random() < 0.25:
            hour = rng.choices(range(24), weights=[h + 0.3 for h in _HOURS])[0]
            return dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))


def _ended(call: dict) -> dt.datetime:
    return call["started_at"] + dt.timedelta(seconds=call["duration_seconds"])
