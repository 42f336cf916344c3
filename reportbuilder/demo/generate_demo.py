"""Generate the built-in demo help desk: the 11 tables of the data model as Parquet files.

Everything is relative to the anchor day: the data covers the two years before it and
stops at the demo's now, the anchor at 12:00 UTC. The same (anchor, seed) always gives
the same rows. Each part draws from its own random stream, so a change to one table's
generator leaves the others as they were.

Example:
    >>> import datetime, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> generate_demo(folder, datetime.date(2026, 6, 15))
    >>> sorted(p.name for p in folder.glob("*.parquet"))[:3]
    ['calls.parquet', 'companies.parquet', 'contacts.parquet']
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .calls import make_calls
from .conversations import LinkedThread, chat_threads, number_threads
from .people import make_customers
from .staff import TEAMS, make_agents, make_shifts
from .story import Story, tell_story
from .surveys import make_feedback
from .tickets import TicketPlan, plan_tickets
from .timeline import Span
from .write_parquet import write_tables


def generate_demo(directory: Path, anchor: dt.date, seed: int = 7) -> None:
    """Write `<table>.parquet` for every table of the data model into `directory`."""
    def stream(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")

    span = Span.ending(anchor)
    agents = make_agents(span)
    customers = make_customers(stream("customers"), span)
    plans = plan_tickets(stream("tickets"), span, customers, agents)
    stories = [tell_story(stream(f"ticket:{p.id}"), p, agents, span.now) for p in plans]
    tickets = [_ticket_row(p, s) for p, s in zip(plans, stories)]
    threads = [LinkedThread(t, p.id, p.contact_id, row["owner_id"])
               for p, s, row in zip(plans, stories, tickets) for t in s.threads]
    threads += chat_threads(stream("chats"), span, customers, agents)
    conversations, messages = number_threads(threads)
    directory.mkdir(parents=True, exist_ok=True)
    write_tables(directory, {
        "companies": list(customers.companies),
        "contacts": list(customers.contacts),
        "teams": [{"id": i, "name": name} for i, name in TEAMS],
        "owners": [a.row() for a in agents],
        "tickets": tickets,
        "ticket_status_changes": [{"ticket_id": p.id, "status": status, "changed_at": at}
                                  for p, s in zip(plans, stories) for status, at in s.changes],
        "conversations": conversations,
        "messages": messages,
        "feedback_submissions": make_feedback(stream("feedback"), span, tickets, customers,
                                              stream("nps_after_ticket")),
        "calls": make_calls(stream("calls"), span, tickets, customers, agents),
        "shifts": make_shifts(stream("shifts"), span, agents),
    })


def _ticket_row(plan: TicketPlan, story: Story) -> dict:
    return {
        "id": plan.id, "subject": plan.subject, "contact_id": plan.contact_id,
        "company_id": plan.company_id, "owner_id": plan.owner.id if story.assigned else None,
        "pipeline": plan.pipeline, "status": story.status, "priority": plan.priority,
        "channel": plan.channel, "channel_account": plan.channel_account,
        "category": plan.category, "created_at": plan.created_at,
        "first_response_at": story.first_response_at, "closed_at": story.closed_at,
        "first_response_due_at": plan.first_due, "close_due_at": plan.close_due,
        "next_response_sla_minutes": plan.next_target,
        "handle_time_seconds": story.handle_time_seconds,
    }
