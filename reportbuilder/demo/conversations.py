"""Conversation and message rows: the tickets' threads plus chats that never became a ticket."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .people import Customers
from .staff import AMERICAS, EMEA, Agent, on_duty
from .story import Message, Thread
from .timeline import Span, lognormal_minutes, minutes, weighted

_INBOXES = {"chat": "Website chat", "sms": "SMS +1 555 0100", "social": "@example on X"}


@dataclass(frozen=True)
class LinkedThread:
    """A thread with the ticket, contact and assignee its conversation row points to."""

    thread: Thread
    ticket_id: int | None
    contact_id: int | None
    owner_id: int | None


def chat_threads(rng: random.Random, span: Span, customers: Customers,
                 agents: tuple[Agent, ...], count: int = 180) -> list[LinkedThread]:
    """Short chats, texts and social messages answered by the bot or whoever is on duty."""
    chats = []
    for _ in range(count):
        start = _start_time(rng, span)
        channel = weighted(rng, {"chat": 60, "sms": 25, "social": 15})
        messages = _chat_messages(rng, start, channel, agents)
        messages = tuple(m for m in messages if m.sent_at <= span.now)
        last = messages[-1].sent_at + minutes(rng.uniform(5, 60))
        thread = Thread(channel, _INBOXES[channel], messages, last if last <= span.now else None)
        contact = customers.pick_contact(rng, start)["id"] if rng.random() < 0.6 else None
        agent_ids = [m.owner_id for m in messages if m.owner_id is not None]
        chats.append(LinkedThread(thread, None, contact, agent_ids[0] if agent_ids else None))
    return chats


def number_threads(threads: list[LinkedThread]) -> tuple[list[dict], list[dict]]:
    """Conversation and message rows, with ids increasing in time as a help desk assigns them."""
    order = sorted(range(len(threads)), key=lambda i: (threads[i].thread.messages[0].sent_at, i))
    conversations, sent = [], []
    for conversation_id, i in enumerate(order, start=1):
        link = threads[i]
        thread = link.thread
        conversations.append({
            "id": conversation_id, "ticket_id": link.ticket_id, "contact_id": link.contact_id,
            "owner_id": link.owner_id, "channel": thread.channel, "inbox": thread.inbox,
            "status": "open" if thread.closed_at is None else "closed",
            "started_at": thread.messages[0].sent_at, "closed_at": thread.closed_at,
        })
        for seq, message in enumerate(thread.messages):
            sent.append((message.sent_at, conversation_id, seq, message, thread.channel))
    sent.sort(key=lambda s: s[:3])
    messages = [
        {"id": i, "conversation_id": conversation_id, "direction": m.direction,
         "sender_type": m.sender_type, "owner_id": m.owner_id, "channel": channel,
         "status": m.status, "sent_at": at}
        for i, (at, conversation_id, _, m, channel) in enumerate(sent, start=1)
    ]
    return conversations, messages


def _start_time(rng: random.Random, span: Span) -> dt.datetime:
    while True:
        at = span.start + minutes(rng.uniform(0, (span.now - span.start).total_seconds() / 60))
        if at.weekday() < 5 or rng.random() < 0.3:
            return at


def _chat_messages(rng, start, channel, agents) -> list[Message]:
    messages = [Message(start, "incoming", "contact", None, "received")]
    at = start
    if channel == "chat" and rng.random() < 0.8:
        at += minutes(rng.uniform(0.1, 0.5))
        messages.append(Message(at, "outgoing", "bot", None, "delivered"))
    if rng.random() < 0.5:
        at += minutes(rng.uniform(0.5, 5))
        messages.append(Message(at, "incoming", "contact", None, "received"))
    staffed = on_duty(agents, (EMEA, AMERICAS), at)
    if staffed and rng.random() < 0.7:
        at += lognormal_minutes(rng, 4, 0.8) + dt.timedelta(seconds=1)
        status = "undelivered" if channel == "sms" and rng.random() < 0.1 else "delivered"
        messages.append(Message(at, "outgoing", "agent", rng.choice(staffed).id, status))
    return messages
