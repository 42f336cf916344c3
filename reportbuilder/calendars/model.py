"""Frozen business-hours settings of a workspace: calendars, the default one, the SLA policy."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ALWAYS = "always"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRIORITIES = ("urgent", "high", "medium", "low")


@dataclass(frozen=True)
class Calendar:
    """Weekly opening hours in local wall-clock minutes, per weekday (Monday first)."""

    name: str
    timezone: str = "UTC"
    hours: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7  # (start, end) minutes, end <= 1440
    holidays: frozenset[date] = frozenset()
    years: tuple[int, int] | None = None  # span of the generated relation; None: around now

    @property
    def always(self) -> bool:
        return self.name == ALWAYS


ALWAYS_CALENDAR = Calendar(ALWAYS, "UTC", (((0, 1440),),) * 7)


@dataclass(frozen=True)
class SlaPolicy:
    calendar: str
    first_response: tuple[tuple[str, int], ...] = ()  # (priority, open minutes)
    close: tuple[tuple[str, int], ...] = ()
    next_response: tuple[tuple[str, int], ...] = ()  # per customer turn, open minutes
    data_clock: str = "wall"  # how tickets.next_response_sla_minutes counts: "wall" or "open" minutes

    @property
    def shapes_turns(self) -> bool:
        """Whether the policy changes the next-response deadlines of response_turns."""
        return bool(self.next_response) or self.data_clock == "open"


@dataclass(frozen=True)
class BusinessHours:
    calendars: tuple[Calendar, ...] = (ALWAYS_CALENDAR,)
    default_calendar: str = ALWAYS
    due_soon_minutes: int = 60
    policy: SlaPolicy | None = None

    def calendar(self, name: str) -> Calendar | None:
        return next((c for c in self.calendars if c.name == name), None)

    @property
    def calendar_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.calendars)


DEFAULT_BUSINESS_HOURS = BusinessHours()
