"""The help desk's people: teams, owners (agents) and their weekday shifts.

Support EMEA works European hours and Support Americas US hours (both in UTC);
Escalations has no members yet, one owner has no team, one left the company
(inactive, no shifts after leaving), one team lead never logs shifts, and one
agent joined during the period.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .timeline import DAY, Schedule, Span, minutes

EMEA, AMERICAS, ONBOARDING, ESCALATIONS = 1, 2, 3, 4
# the teams staffing each pipeline's desk, and the desk's hours (UTC): the union of their shifts
DESK_TEAMS = {"support": (EMEA, AMERICAS), "onboarding": (ONBOARDING,)}
DESK_HOURS = {"support": Schedule(7, 15), "onboarding": Schedule(9, 12)}
TEAMS = (
    (EMEA, "Support EMEA"),
    (AMERICAS, "Support Americas"),
    (ONBOARDING, "Onboarding"),
    (ESCALATIONS, "Escalations"),
)

# name, email, team, UTC start hour, joined (days before now), left (days before now), shifts
_ROSTER = (
    ("Anna Schmidt", "anna", EMEA, 7, 1400, None, True),
    ("Lukas Weber", "lukas", EMEA, 7, 1150, None, True),
    ("Chloé Martin", "chloe", EMEA, 8, 980, None, True),
    ("Sofia Rossi", "sofia", EMEA, 8, 1230, 150, True),
    ("Jan Kowalski", "jan", EMEA, 7, 870, None, True),
    ("Priya Natarajan", "priya", EMEA, 8, 1600, None, False),
    ("Marcus Johnson", "marcus", AMERICAS, 14, 1320, None, True),
    ("Emily Carter", "emily", AMERICAS, 14, 1010, None, True),
    ("Diego Hernández", "diego", AMERICAS, 15, 900, None, True),
    ("Olivia Brown", "olivia", AMERICAS, 14, 200, None, True),
    ("Tyler Reed", "tyler", AMERICAS, 15, 780, None, True),
    ("Hannah Lee", "hannah", ONBOARDING, 9, 1100, None, True),
    ("Omar Haddad", "omar", ONBOARDING, 9, 760, None, True),
    ("Grace Kim", "grace", ONBOARDING, 13, 820, None, True),
    ("Alex Morgan", "alex", None, 10, 1500, None, True),
)


@dataclass(frozen=True)
class Agent:
    """An owner with the working hours and employment period the simulation needs."""

    id: int
    name: str
    email: str
    team_id: int | None
    schedule: Schedule
    joined: dt.datetime
    left: dt.datetime | None
    has_shifts: bool

    def works_at(self, at: dt.datetime) -> bool:
        return self.joined <= at and (self.left is None or at < self.left)

    def row(self) -> dict:
        return {"id": self.id, "name": self.name, "email": self.email, "team_id": self.team_id,
                "active": self.left is None, "created_at": self.joined}


def make_agents(span: Span) -> tuple[Agent, ...]:
    agents = []
    for i, (name, mail, team, hour, joined, left, shifts) in enumerate(_ROSTER, start=1):
        agents.append(Agent(
            id=i, name=name, email=f"{mail}@example.com", team_id=team,
            schedule=Schedule(hour),
            joined=_day_at(span.now, joined, 9),
            left=None if left is None else _day_at(span.now, left, 18),
            has_shifts=shifts,
        ))
    return tuple(agents)


def team_members(agents: tuple[Agent, ...], team_id: int | None, at: dt.datetime) -> list[Agent]:
    """The agents of a team (None: those without a team) employed at `at`."""
    return [a for a in agents if a.team_id == team_id and a.works_at(at)]


def on_duty(agents: tuple[Agent, ...], teams: tuple[int, ...], at: dt.datetime) -> list[Agent]:
    """The agents of `teams` on shift at `at` (by their usual hours)."""
    return [a for a in agents if a.team_id in teams and a.has_shifts and a.works_at(at)
            and a.schedule.is_open(at)]


def make_shifts(rng: random.Random, span: Span, agents: tuple[Agent, ...]) -> list[dict]:
    """About 8 hours on most weekdays per agent; only shifts that ended by now."""
    shifts = []
    for agent in agents:
        if not agent.has_shifts:
            continue
        for day in span.days():
            start = dt.datetime.combine(day, dt.time(agent.schedule.start_hour))
            start += minutes(rng.choice((-15, 0, 0, 0, 10, 20, 30)))
            end = start + dt.timedelta(hours=agent.schedule.hours)
            end += minutes(rng.choice((-30, 0, 0, 0, 15, 30, 60)))
            worked = day.weekday() < 5 and rng.random() > 0.06
            if worked and agent.works_at(start) and end <= span.now:
                shifts.append((start, agent.id, end))
    shifts.sort()
    return [{"id": i, "owner_id": owner, "started_at": start, "ended_at": end}
            for i, (start, owner, end) in enumerate(shifts, start=1)]


def _day_at(now: dt.datetime, days_before: int, hour: int) -> dt.datetime:
    return dt.datetime.combine((now - days_before * DAY).date(), dt.time(hour))
