"""What each ticket is about when it is opened: time, requester, routing and SLA targets.

Volume grows over the two years, is higher on weekdays and follows European and
US office hours (UTC). What then happens to the ticket is told by `story.py`.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .people import Customers
from .staff import AMERICAS, DESK_HOURS, EMEA, ONBOARDING, Agent, team_members
from .timeline import DAY, Span, minutes, weighted

# tickets opened per UTC hour of day, relative
_HOURS = (1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 10, 11, 12, 12, 11, 10, 9, 8, 6, 4, 2, 1)
_CHANNELS = {"email": 40, "chat": 25, "phone": 15, "form": 12, "social": 8}
_PRIORITIES = {"low": 30, "medium": 45, "high": 18, "urgent": 7}
_CATEGORIES = {
    "support": {"technical": 40, "billing": 22, "account": 18, "feature_request": 10, "other": 10},
    "onboarding": {"account": 40, "technical": 35, "billing": 5, "other": 20},
}
# SLA targets: first response (working minutes), close (days), next response (minutes)
_TARGETS = {"urgent": (60, 2, 60), "high": (120, 4, 240), "medium": (240, 7, 480),
            "low": (480, 14, 1440)}
LINES = {EMEA: "+44 20 7946 0100", AMERICAS: "+1 555 0100", ONBOARDING: "+1 555 0142"}
_SOCIAL = ("@example on X", "Example on Facebook")
_SUBJECTS = {
    "technical": ("Error when exporting reports", "Sync stopped working", "Cannot log in",
                  "API returns 500", "App is slow since the update", "Webhook not firing"),
    "billing": ("Invoice shows the wrong amount", "Refund request", "Card was declined",
                "Change billing address", "Charged twice this month"),
    "account": ("Add a new user", "Reset two-factor authentication", "Transfer account owner",
                "Delete my account", "Set up single sign-on"),
    "feature_request": ("Dark mode please", "Export to Excel", "More filters on dashboards",
                        "Custom fields on contacts"),
    "other": ("Question about your security policy", "Partnership inquiry", "Hello", "Feedback"),
}


@dataclass(frozen=True)
class TicketPlan:
    """A ticket as it is opened; a None target or deadline means no SLA of that kind.

    `first_target` counts the desk's working minutes, `next_target` plain minutes.
    """

    id: int
    created_at: dt.datetime
    subject: str
    contact_id: int | None
    company_id: int | None
    owner: Agent | None
    pipeline: str
    priority: str
    channel: str
    channel_account: str
    category: str
    first_target: int | None
    first_due: dt.datetime | None
    close_due: dt.datetime | None
    next_target: int | None


def plan_tickets(rng: random.Random, span: Span, customers: Customers,
                 agents: tuple[Agent, ...], count: int = 3000) -> list[TicketPlan]:
    times = sorted(_creation_times(rng, span, count))
    return [_plan(rng, i, at, customers, agents) for i, at in enumerate(times, start=1)]


def _creation_times(rng: random.Random, span: Span, count: int):
    days = span.days()
    weights = [(0.8 + 0.4 * i / len(days)) * (1.0 if d.weekday() < 5 else 0.3)
               for i, d in enumerate(days)]
    for day in rng.choices(days, weights=weights, k=count):
        hours = range(span.now.hour) if day == span.now.date() else range(24)
        hour = rng.choices(hours, weights=_HOURS[:len(hours)])[0]
        yield dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))


def _plan(rng, ticket_id, at, customers: Customers, agents) -> TicketPlan:
    pipeline = "onboarding" if rng.random() < 0.15 else "support"
    category = weighted(rng, _CATEGORIES[pipeline])
    channel = weighted(rng, _CHANNELS)
    priority = weighted(rng, _PRIORITIES)
    contact_id, company_id = _requester(rng, at, customers)
    team = ONBOARDING if pipeline == "onboarding" else EMEA if 5 <= at.hour < 13 else AMERICAS
    owner = _owner(rng, agents, team, priority, at)
    return TicketPlan(
        id=ticket_id, created_at=at, subject=rng.choice(_SUBJECTS[category]),
        contact_id=contact_id, company_id=company_id, owner=owner,
        pipeline=pipeline, priority=priority,
        channel=channel, channel_account=_account(rng, channel, pipeline, category, team),
        category=category, **_sla(rng, pipeline, priority, channel, at),
    )


def _requester(rng, at, customers: Customers) -> tuple[int | None, int | None]:
    """Mostly a contact and their company; sometimes no contact, or another company."""
    roll = rng.random()
    if roll < 0.03:
        return None, None
    if roll < 0.05:
        return None, customers.pick_company(rng, at)["id"]
    contact = customers.pick_contact(rng, at)
    if roll < 0.08:
        return contact["id"], customers.pick_company(rng, at)["id"]
    return contact["id"], contact["company_id"]


def _owner(rng, agents, team, priority, at) -> Agent | None:
    if priority == "urgent" and rng.random() < 0.25:
        return next((a for a in team_members(agents, None, at)), None)
    members = team_members(agents, team, at)
    weights = [1.0 if a.has_shifts else 0.1 for a in members]
    return rng.choices(members, weights=weights)[0] if members else None


def _account(rng, channel, pipeline, category, team) -> str:
    if channel == "phone":
        return LINES[team]
    if channel == "chat":
        return rng.choice(("Website chat", "In-app chat"))
    if channel == "social":
        return rng.choice(_SOCIAL)
    if channel == "form":
        return "Contact form"
    if pipeline == "onboarding":
        return "onboarding@example.com"
    return "billing@example.com" if category == "billing" else "support@example.com"


def _sla(rng, pipeline, priority, channel, created) -> dict:
    """The support pipeline's SLA policy (a few tickets fall outside it); onboarding has none.

    First-response targets count the desk's working minutes, as help desks' policies do,
    so weekend tickets are due on Monday; phone tickets are answered on the call: none.
    """
    if pipeline != "support" or rng.random() < 0.04:
        return {"first_target": None, "first_due": None, "close_due": None, "next_target": None}
    first, close_days, next_ = _TARGETS[priority]
    if channel == "phone":
        first = None
    due = None if first is None else DESK_HOURS[pipeline].after_working(created, minutes(first))
    return {
        "first_target": first,
        "first_due": due,
        "close_due": None if rng.random() < 0.06 else created + close_days * DAY,
        "next_target": None if rng.random() < 0.05 else next_,
    }

