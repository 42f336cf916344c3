"""Feedback submissions: CSAT and CES after closed tickets, NPS from a standing survey and
after some closed tickets (so NPS can be reported by a ticket's channel, priority, team).

Scores skew positive as real surveys do, and a late first response lowers them. The NPS
asked after a ticket draws from its own random stream (`after_ticket`), so adding it left
every other submission's time and score as it was.
"""
from __future__ import annotations

import datetime as dt
import random

from .people import Customers
from .timeline import Span, lognormal_minutes, minutes

# relative weights of each score, lowest score first
_SKEW = {
    "csat": (5, 5, 10, 28, 52),
    "ces": (3, 5, 7, 10, 20, 30, 25),
    "nps": (2, 1, 2, 3, 4, 5, 8, 12, 18, 23, 22),
}
_LOW = {"csat": 1, "ces": 1, "nps": 0}
_COMMENTS = {
    "good": ("Quick and friendly, thanks!", "Solved on the first try.", "Great support team.",
             "Very helpful, thank you"),
    "bad": ("Took far too long to get an answer.", "I had to explain my problem twice.",
            "Still not fixed.", "Nobody called me back"),
    "neutral": ("OK.", "Fine, but the docs could be clearer.", "Answer was a bit generic"),
}


#: share of closed tickets (with a contact) whose contact answers an NPS survey about it
NPS_AFTER_TICKET = 0.08


def make_feedback(rng: random.Random, span: Span, tickets: list[dict],
                  customers: Customers, after_ticket: random.Random | None = None) -> list[dict]:
    """CSAT (30%) and CES (12%) on closed tickets, about one NPS answer every two days, and
    NPS after 8% of closed tickets (drawn from `after_ticket`, when given)."""
    found = []
    for ticket in tickets:
        if ticket["closed_at"] is None or ticket["contact_id"] is None:
            continue
        late = _late(ticket)
        for survey, share in (("csat", 0.3), ("ces", 0.12)):
            if rng.random() < share:
                at = ticket["closed_at"] + lognormal_minutes(rng, 180, 1.2)
                found.append((at, ticket["id"], ticket["contact_id"], survey, late))
    for _ in range(365):
        at = span.start + minutes(rng.uniform(0, (span.now - span.start).total_seconds() / 60))
        contact = customers.pick_contact(rng, at)["id"] if rng.random() < 0.9 else None
        found.append((at, None, contact, "nps", False))
    for _ in range(40):  # chat surveys, not tied to a ticket
        at = span.start + minutes(rng.uniform(0, (span.now - span.start).total_seconds() / 60))
        found.append((at, None, customers.pick_contact(rng, at)["id"], "csat", False))
    found = [(*f, rng) for f in found]
    if after_ticket is not None:
        found += _nps_after_ticket(after_ticket, tickets)
    found = sorted((f for f in found if f[0] <= span.now), key=lambda f: f[0])
    return [_submission(f[-1], i, *f[:-1]) for i, f in enumerate(found, start=1)]


def _nps_after_ticket(rng: random.Random, tickets: list[dict]) -> list[tuple]:
    """(at, ticket, contact, 'nps', late, rng): a day or two after the close, for a share of tickets."""
    found = []
    for ticket in tickets:
        if ticket["closed_at"] is None or ticket["contact_id"] is None or rng.random() >= NPS_AFTER_TICKET:
            continue
        at = ticket["closed_at"] + lognormal_minutes(rng, 1800, 0.8)
        found.append((at, ticket["id"], ticket["contact_id"], "nps", _late(ticket), rng))
    return found


def _submission(rng, submission_id, at, ticket_id, contact_id, survey, late) -> dict:
    weights = list(_SKEW[survey])
    if late:  # shift weight from the top score to the bottom one
        weights[0], weights[-1] = weights[0] + weights[-1] / 2, weights[-1] / 2
    score = _LOW[survey] + rng.choices(range(len(weights)), weights=weights)[0]
    return {"id": submission_id, "ticket_id": ticket_id, "contact_id": contact_id,
            "survey_type": survey, "score": score, "submitted_at": at,
            "comment": _comment(rng, survey, score)}


def _comment(rng: random.Random, survey: str, score: int) -> str | None:
    top = len(_SKEW[survey]) - 1 + _LOW[survey]
    share = score / top
    mood = "good" if share >= 0.75 else "bad" if share < 0.5 else "neutral"
    if rng.random() < (0.6 if mood == "bad" else 0.3):
        return rng.choice(_COMMENTS[mood])
    return None


def _late(ticket: dict) -> bool:
    due: dt.datetime | None = ticket["first_response_due_at"]
    answered = ticket["first_response_at"]
    return due is not None and answered is not None and answered > due
