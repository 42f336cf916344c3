"""business_seconds / business_add SQL against a plain-Python reference on random calendars.

The reference walks the UTC minutes of [a, b): a minute is open when the wall-clock time
of its start, in the calendar's zone, lies in an interval of its weekday and its local date
is no holiday (every boundary is a whole UTC minute in these zones, so a minute is wholly
open or closed). Also additivity, bs(a, b) + bs(b, c) = bs(a, c), and
bs(a, business_add(a, s)) = s with business_add the earliest such instant.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportbuilder.calendars.model import Calendar
from tests.calendars.business_db import evaluate

ZONES = ("UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata")
BASES = (datetime(2025, 3, 27), datetime(2025, 10, 23), datetime(2025, 4, 3), datetime(2025, 10, 31))
EXAMPLES = int(os.environ.get("RB_PROPERTY_EXAMPLES", "25"))


def reference(cal: Calendar, a: datetime, b: datetime) -> float:
    zone = ZoneInfo(cal.timezone)
    total = 0.0
    minute = a.replace(second=0, microsecond=0)
    while minute < b:
        local = minute.replace(tzinfo=timezone.utc).astimezone(zone)
        at = local.hour * 60 + local.minute
        if local.date() not in cal.holidays and any(lo <= at < hi for lo, hi in cal.hours[local.weekday()]):
            total += (min(b, minute + timedelta(minutes=1)) - max(a, minute)).total_seconds()
        minute += timedelta(minutes=1)
    return total


@st.composite
def calendars(draw):
    week = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=4)))
        cuts = [c * 15 for c in cuts][: len(cuts) // 2 * 2]
        week.append(tuple(zip(cuts[::2], cuts[1::2])))
    if not any(week):
        week[0] = ((540, 1080),)
    base = draw(st.sampled_from(BASES)).date()
    holidays = draw(st.sets(st.integers(-3, 10), max_size=2))
    return Calendar("random", draw(st.sampled_from(ZONES)), tuple(week),
                    frozenset(base + timedelta(days=d) for d in holidays), (2025, 2025))


instants = st.builds(lambda base, s: base + timedelta(seconds=s), st.sampled_from(BASES),
                     st.integers(0, 6 * 86400))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), instants, instants, instants, st.integers(0, 3 * 86400))
def test_business_seconds_matches_the_reference(cal, a, b, c, s):
    a, b, c = sorted((a, b, c))
    ab, bc, ac, ca, added = evaluate(cal, [("seconds", a, b), ("seconds", b, c), ("seconds", a, c),
                                           ("seconds", c, a), ("add", a, s)])
    assert ab == reference(cal, a, b)
    assert ac == reference(cal, a, c)
    assert ab + bc == ac and ca == 0
    reached = evaluate(cal, [("seconds", a, added), ("seconds", a, added - timedelta(seconds=1))])
    assert reached[0] == s
    assert s == 0 or reached[1] < s  # the earliest such instant
