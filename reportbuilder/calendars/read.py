"""The business-hours keys of a workspace file, read with positions.

`calendars`, `default_calendar`, `sla_due_soon_minutes` and `sla_policy` (contract:
workspace.md). Every problem is a `SpecError` at the offending line of the workspace file.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import Diagnostic, Span, SpecError
from ..load.yaml_nodes import YamlError, YList, YMap, YScalar, parse_yaml
from .model import ALWAYS, ALWAYS_CALENDAR, DAYS, PRIORITIES, BusinessHours, Calendar, SlaPolicy

KEYS = ("calendars", "default_calendar", "sla_due_soon_minutes", "sla_policy")
CALENDAR_KEYS = ("timezone", "hours", "holidays", "public_holidays", "years")
POLICY_KEYS = ("calendar", "first_response", "close", "next_response", "next_response_data_clock")
CLOCKS = ("wall", "open")
_INTERVAL = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Reader:
    def __init__(self, file: str):
        self.file = file

    def fail(self, node, message: str, code: str = "bad-workspace"):
        span = getattr(node, "span", None) or Span(self.file, 1, 1)
        raise SpecError((Diagnostic(code, f"invalid workspace: {message}", span),))

    def mapping(self, node, what: str, keys=None) -> YMap:
        if not isinstance(node, YMap):
            self.fail(node, f"{what} must be a mapping")
        for key, _ in node.items if keys else ():
            if key.value not in keys:
                self.fail(key, f"unknown key '{key.value}' in {what}; known: {', '.join(keys)}")
        return node

    def items(self, node, what: str) -> tuple:
        if not isinstance(node, YList):
            self.fail(node, f"{what} must be a list")
        return node.items

    def integer(self, node, what: str, low: int = 0) -> int:
        value = node.value if isinstance(node, YScalar) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            self.fail(node, f"{what} must be a whole number of at least {low}")
        return value

    # -- calendars ----------------------------------------------------------------
    def calendar(self, key: YScalar, node) -> Calendar:
        name = key.value
        what = f"calendar '{name}'"
        if not _NAME.match(name) or name == ALWAYS:
            self.fail(key, f"{what}: a calendar name is a plain name (letters, digits, _) other than '{ALWAYS}'")
        node = self.mapping(node, what, CALENDAR_KEYS)
        tz = node.get("timezone")
        if tz is None:
            self.fail(key, f"{what} needs a timezone (an IANA zone such as Europe/Paris)")
        zone = str(tz.value) if isinstance(tz, YScalar) else ""
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(tz, f"{what}: unknown time zone '{zone}' (an IANA zone such as Europe/Paris)")
        hours = self.hours(node.get("hours"), what, key)
        holidays = set(self.dates(node.get("holidays"), what))
        years = self.years(node.get("years"), what)
        holidays |= self.public_holidays(node.get("public_holidays"), what)
        cal = Calendar(name, zone, hours, frozenset(holidays), years)
        if not any(hours):
            self.fail(node.get("hours") or key, f"{what} is never open: give at least one interval")
        return cal

    def hours(self, node, what: str, key) -> tuple:
        if node is None:
            self.fail(key, f"{what} needs hours (e.g. mon: [\"09:00-18:00\"])")
        node = self.mapping(node, f"{what} hours", DAYS)
        week = []
        for day in DAYS:
            intervals = []
            for item in self.items(node.get(day), f"{what} {day}") if node.get(day) is not None else ():
                intervals.append(self.interval(item, f"{what} {day}"))
            intervals.sort()
            for (a, b), (c, d) in zip(intervals, intervals[1:]):
                if c < b:
                    self.fail(node.get(day), f"{what} {day}: intervals {_hhmm(a)}-{_hhmm(b)} and "
                              f"{_hhmm(c)}-{_hhmm(d)} overlap")
            week.append(tuple(intervals))
        return tuple(week)

    def interval(self, item, what: str) -> tuple[int, int]:
        text = str(item.value) if isinstance(item, YScalar) else ""
        match = _INTERVAL.match(text.strip())
        if match:
            h0, m0, h1, m1 = map(int, match.groups())
            start, end = h0 * 60 + m0, h1 * 60 + m1
            if h0 < 24 and h1 <= 24 and m0 < 60 and m1 < 60 and end <= 1440 and start < end:
                return start, end
        self.fail(item, f"{what}: '{text}' is not an interval HH:MM-HH:MM with 00:00 <= start < end <= 24:00")

    def dates(self, node, what: str) -> list[date]:
        out = []
        for item in self.items(node, f"{what} holidays") if node is not None else ():
            value = item.value if isinstance(item, YScalar) else None
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    value = None
            if not isinstance(value, date) or hasattr(value, "hour"):
                self.fail(item, f"{what}: holiday '{getattr(item, 'value', '')}' is not a date YYYY-MM-DD")
            out.append(value)
        return out

    def years(self, node, what: str) -> tuple[int, int] | None:
        if node is None:
            return None
        items = self.items(node, f"{what} years")
        if len(items) != 2:
            self.fail(node, f"{what} years: give [first, last], e.g. [2020, 2030]")
        first, last = (self.integer(i, f"{what} years", 1971) for i in items)
        if last < first or last > 2200:
            self.fail(node, f"{what} years: [first, last] with first <= last <= 2200")
        return first, last

    def public_holidays(self, node, what: str) -> set[date]:
        """Public holidays of a country (the `holidays` package, imported only here)."""
        if node is None:
            return set()
        node = self.mapping(node, f"{what} public_holidays", ("country", "subdivision", "years"))
        country = node.get("country")
        if not isinstance(country, YScalar) or not isinstance(country.value, str):
            self.fail(node, f"{what} public_holidays needs a country code, e.g. FR")
        years = self.years(node.get("years"), f"{what} public_holidays")
        if years is None:
            self.fail(node, f"{what} public_holidays needs years: [first, last]")
        import holidays

        sub = node.get("subdivision")
        try:
            found = holidays.country_holidays(country.value, subdiv=sub.value if sub is not None else None,
                                              years=range(years[0], years[1] + 1))
        except (NotImplementedError, KeyError, ValueError) as exc:
            self.fail(country if sub is None else sub, f"{what} public_holidays: {exc}")
        return set(found.keys())

    # -- the rest -----------------------------------------------------------------
    def policy(self, node, calendars: dict, default: str) -> SlaPolicy:
        node = self.mapping(node, "sla_policy", POLICY_KEYS)
        cal = node.get("calendar")
        name = default if cal is None else self.calendar_name(cal, calendars, "sla_policy calendar")
        targets = {}
        for part in ("first_response", "close", "next_response"):
            sub = node.get(part)
            entries = []
            if sub is not None:
                sub = self.mapping(sub, f"sla_policy {part}", PRIORITIES)
                entries = [(k.value, self.integer(v, f"sla_policy {part} {k.value}", 1)) for k, v in sub.items]
            targets[part] = tuple(entries)
        clock = node.get("next_response_data_clock")
        if clock is not None and (not isinstance(clock, YScalar) or clock.value not in CLOCKS):
            self.fail(clock, f"sla_policy next_response_data_clock: '{getattr(clock, 'value', '')}' is not "
                             f"one of {', '.join(CLOCKS)}")
        return SlaPolicy(name, targets["first_response"], targets["close"], targets["next_response"],
                         "wall" if clock is None else clock.value)

    def calendar_name(self, node, calendars: dict, what: str) -> str:
        name = node.value if isinstance(node, YScalar) else None
        if name not in calendars:
            from ..check.resolve_expr import suggest

            close = suggest(str(name), calendars)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else \
                f" (known: {', '.join(sorted(calendars))})"
            self.fail(node, f"{what}: unknown calendar '{name}'{hint}")
        return name


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def read_business_hours(path: Path) -> BusinessHours:
    """The business-hours settings of the workspace file at `path` (defaults for missing keys)."""
    file = str(path)
    try:
        root = parse_yaml(path.read_text(encoding="utf-8"), file)
    except YamlError as exc:
        raise SpecError((exc.diagnostic,)) from None
    reader = _Reader(file)
    if not isinstance(root, YMap):
        return BusinessHours()
    calendars = {ALWAYS: ALWAYS_CALENDAR}
    if root.get("calendars") is not None:
        for key, node in reader.mapping(root.get("calendars"), "calendars").items:
            calendars[key.value] = reader.calendar(key, node)
    default = ALWAYS
    if root.get("default_calendar") is not None:
        default = reader.calendar_name(root.get("default_calendar"), calendars, "default_calendar")
    soon = 60
    if root.get("sla_due_soon_minutes") is not None:
        soon = reader.integer(root.get("sla_due_soon_minutes"), "sla_due_soon_minutes", 0)
    policy = reader.policy(root.get("sla_policy"), calendars, default) if root.get("sla_policy") is not None \
        else None
    return BusinessHours(tuple(calendars.values()), default, soon, policy)
