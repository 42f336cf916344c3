"""What happens to a ticket: its status changes, conversation threads and agent work.

A story is told as if time went on, then cut at the demo's now, so that recent
tickets are naturally still new, unanswered, waiting on the customer or overdue.
Events of one story are strictly increasing in time.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .staff import DESK_HOURS, DESK_TEAMS, Agent, on_duty
from .tickets import TicketPlan
from .timeline import DAY, lognormal_minutes, minutes

# median first-reply delay caps per thread channel, in minutes
_FAST = {"chat": 6, "social": 45, "sms": 30}


@dataclass(frozen=True)
class Message:
    sent_at: dt.datetime
    direction: str
    sender_type: str
    owner_id: int | None
    status: str

    @property
    def is_agent_reply(self) -> bool:
        return self.direction == "outgoing" and self.sender_type == "agent"


@dataclass(frozen=True)
class Thread:
    """A conversation's content; ids and links are added when the tables are numbered."""

    channel: str
    inbox: str
    messages: tuple[Message, ...]
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class Story:
    """A ticket's history up to now, and what that makes of the ticket's own fields."""

    changes: tuple[tuple[str, dt.datetime], ...]
    threads: tuple[Thread, ...]
    handle_time_seconds: int | None
    assigned: bool

    @property
    def status(self) -> str:
        return self.changes[-1][0]

    @property
    def closed_at(self) -> dt.datetime | None:
        return self.changes[-1][1] if self.status == "closed" else None

    @property
    def first_response_at(self) -> dt.datetime | None:
        replies = [m.sent_at for t in self.threads for m in t.messages if m.is_agent_reply]
        return min(replies, default=None)


def tell_story(rng: random.Random, plan: TicketPlan, agents: tuple[Agent, ...],
               now: dt.datetime) -> Story:
    teller = _Teller(rng, plan, agents)
    kind = teller.start()
    fate = rng.random()
    if fate < 0.03 and kind == "thread":
        teller.enter("closed", teller.reply_time(plan.created_at, 120))  # spam or duplicate
        teller.log_work(teller.clock, rng.uniform(0.5, 5))
    elif fate < 0.04:
        if rng.random() < 0.5:  # forgotten: triaged at most, never answered
            teller.enter("waiting_on_us", plan.created_at + minutes(rng.uniform(5, 600)))
    elif kind == "call":
        teller.resolve_on_call()
    else:
        teller.converse()
    return teller.story(now)


class _Teller:
    """Collects one ticket's events in time order (local to `tell_story`)."""

    def __init__(self, rng: random.Random, plan: TicketPlan, agents: tuple[Agent, ...]):
        self.rng, self.plan, self.agents = rng, plan, agents
        self.clock = plan.created_at
        self.changes = [("new", plan.created_at)]
        self.threads: list[tuple[str, str, list[Message]]] = []
        self.work: list[tuple[dt.datetime, float]] = []
        self.kind = "thread"
        self.desk = DESK_HOURS[plan.pipeline]

    def start(self) -> str:
        """Opens the first thread: 'thread', 'followup' (agent writes first) or 'call' (none)."""
        self.kind = self._open_first_thread()
        return self.kind

    def _open_first_thread(self) -> str:
        plan, rng = self.plan, self.rng
        if plan.channel == "phone":
            roll = rng.random()
            if roll < 0.45:
                return "call"
            if roll < 0.7:
                self.threads.append(("phone", f"Voicemail {plan.channel_account}", []))
                self.say(plan.created_at, "incoming", "contact")
                return "thread"
            self.threads.append(("sms", f"SMS {plan.channel_account}", []))
            return "followup"
        channel = "email" if plan.channel == "form" else plan.channel
        self.threads.append((channel, plan.channel_account, []))
        self.say(plan.created_at, "incoming", "contact")
        if plan.channel in ("chat", "social") and rng.random() < 0.6:
            self.say(plan.created_at + minutes(rng.uniform(0.1, 0.7)), "outgoing", "bot")
        return "thread"

    def converse(self) -> None:
        plan, rng = self.plan, self.rng
        if plan.channel in ("email", "form") and rng.random() < 0.3:
            self.enter("waiting_on_us", plan.created_at + minutes(rng.uniform(1, 30)))
        last = self.reply(plan.created_at, plan.first_target)
        for _ in range(rng.choices((0, 1, 2, 3, 4), weights=(45, 28, 15, 8, 4))[0]):
            asked = self.ask(last + lognormal_minutes(rng, 480, 1.3))
            if rng.random() < 0.15:
                self.say(asked + minutes(rng.uniform(3, 90)), "incoming", "contact")
            if rng.random() < 0.01:
                return  # this customer turn is never answered
            last = self.reply(asked, plan.next_target)
        if rng.random() < 0.06:  # a nudge: an agent reply that answers nothing
            last = self.reply(last + lognormal_minutes(rng, 2 * 1440, 0.3), None)
        closed = self.close(last)
        for _ in range(rng.choices((0, 1, 2), weights=(91, 8, 1))[0]):
            if rng.random() < 0.5:
                channel, inbox, _ = self.threads[-1]
                self.threads.append((channel, inbox, []))
            back = self.ask(closed + lognormal_minutes(rng, 2 * 1440, 0.8))
            closed = self.close(self.reply(back, plan.next_target))

    def resolve_on_call(self) -> None:
        rng, created = self.rng, self.plan.created_at
        self.log_work(created, rng.uniform(3, 25))
        if rng.random() < 0.8:
            self.enter("closed", created + minutes(rng.uniform(5, 40)))
            return
        self.enter("waiting_on_us", created + minutes(rng.uniform(2, 20)))
        self.enter("closed", self.reply_time(created + DAY, None))
        self.log_work(self.clock, rng.uniform(5, 30))

    def ask(self, at: dt.datetime) -> dt.datetime:
        """The customer writes; the ticket is back on the help desk's side."""
        if at.hour < 6:  # customers in Europe and the Americas sleep then
            at = at.replace(hour=self.rng.randint(6, 10))
        asked = self.say(at, "incoming", "contact")
        self.enter("waiting_on_us", asked)
        return asked

    def reply(self, after: dt.datetime, target: int | None) -> dt.datetime:
        at = self.reply_time(after, target)
        agent = self.replier(at)
        sent = self.say(at, "outgoing", "agent", agent.id)
        effort = 1.5 if self.plan.category == "technical" else 1.0
        self.log_work(sent, self.rng.uniform(4, 18) * effort)
        self.enter("waiting_on_contact", sent)
        return sent

    def close(self, last: dt.datetime) -> dt.datetime:
        """Closed by the agent soon after the last reply, or automatically days later."""
        if self.rng.random() < 0.55:
            self.enter("closed", last + minutes(self.rng.uniform(1, 30)))
        else:
            self.enter("closed", last + minutes(self.rng.uniform(3, 7) * 1440))
        return self.clock

    def reply_time(self, after: dt.datetime, target: int | None) -> dt.datetime:
        """A delay scaled to the SLA target, pushed into the desk's working hours."""
        channel = self.threads[-1][0] if self.threads else "email"
        median = min((target or 480) * 0.35, _FAST.get(channel, 240))
        at = after + lognormal_minutes(self.rng, median, 1.0)
        if not self.desk.is_open(at):
            at = self.desk.next_open(at) + lognormal_minutes(self.rng, 60, 1.0)  # backlog
        return at

    def replier(self, at: dt.datetime) -> Agent:
        """The owner when on shift, else a colleague on duty at the desk (follow the sun)."""
        owner = self.plan.owner
        on_shift = owner is not None and owner.works_at(at) and owner.schedule.is_open(at)
        if on_shift and self.rng.random() < 0.85:
            return owner
        pool = on_duty(self.agents, DESK_TEAMS[self.plan.pipeline], at)
        return self.rng.choice(pool) if pool else owner

    def say(self, at: dt.datetime, direction: str, sender: str,
            owner_id: int | None = None) -> dt.datetime:
        sent = self.tick(at)
        if direction == "incoming":
            status = "received"
        else:
            status = "undelivered" if self.rng.random() < 0.03 else "delivered"
        self.threads[-1][2].append(Message(sent, direction, sender, owner_id, status))
        return sent

    def enter(self, status: str, at: dt.datetime) -> None:
        if self.changes[-1][0] != status:
            self.changes.append((status, self.tick(at)))

    def log_work(self, at: dt.datetime, work_minutes: float) -> None:
        self.work.append((at, work_minutes))

    def tick(self, at: dt.datetime) -> dt.datetime:
        self.clock = max(at, self.clock + dt.timedelta(seconds=1))
        return self.clock

    def story(self, now: dt.datetime) -> Story:
        """The story cut at `now`: later events have not happened yet."""
        changes = tuple(c for c in self.changes if c[1] <= now)
        threads = []
        for channel, inbox, messages in self.threads:
            kept = tuple(m for m in messages if m.sent_at <= now)
            if kept:
                closed = _closed_after(changes, kept[-1].sent_at)
                threads.append(Thread(channel, inbox, kept, closed))
        work = sum(m for at, m in self.work if at <= now)
        handle = None if work == 0 or self.rng.random() < 0.08 else round(work * 60)
        replied = any(m.is_agent_reply for t in threads for m in t.messages)
        if replied or self.kind == "call":
            unassigned = 0.015
        else:
            unassigned = 0.6 if changes[-1][0] != "closed" else 0.5
        assigned = self.plan.owner is not None and self.rng.random() >= unassigned
        return Story(changes, tuple(threads), handle, assigned)


def _closed_after(changes, since: dt.datetime) -> dt.datetime | None:
    return next((at for status, at in changes if status == "closed" and at >= since), None)
