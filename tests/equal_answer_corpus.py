"""The specs every other engine must answer exactly as DuckDB does (Spark, PostgreSQL)."""
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "specs").glob("*.yaml")) + sorted((ROOT / "tests" / "golden" / "specs").glob("*.yaml"))

_MIXED_MEASURES = """\
dimensions:
  - field: created_at
    granularity: week
    as: week
  - concat(channel, '/', category) as channel_category
measures:
  - count() as n
  - percentile(handle_time_seconds, 0.25) as p25
  - median(handle_time_seconds) as med
  - max(greatest(first_response_at, closed_at)) as latest
  - min(least(first_response_at, closed_at)) as earliest
  - count_if(subject ilike '%API%') as api
  - avg(day_of_week(created_at)) as dow
  - avg(hour(created_at)) as hod
  - sum(round(hours(closed_at - created_at), 2)) as close_hours
  - count_distinct(date_trunc('quarter', created_at)) as quarters
sort: [week, channel_category]
"""


def mixed_functions_spec(timezone: str | None = None) -> str:
    """A tickets report using every dialect-sensitive function at once."""
    zone = f"timezone: {timezone}\n" if timezone else ""
    return "source: tickets\n" + zone + _MIXED_MEASURES


# -- business hours: calendars across DST, holidays and an overnight shift, an SLA policy ------
BUSINESS_SPECS = {
    "business_tickets": """\
source: tickets
dimensions: [priority]
measures:
  - count() as n
  - sum(business_time_to_first_response) as fr_open
  - sum(business_time_to_close) as close_open
  - sum(business_seconds(created_at, closed_at, 'night')) as close_night
  - max(business_add(created_at, 7200)) as latest_plus_two_open_hours
  - min(business_add(created_at, 0, 'night')) as earliest
  - max(business_add(created_at, 36000, 'night')) as latest_night_deadline
  - count_if(first_response_sla_progress = 'due_soon') as fr_due_soon
  - count_if(first_response_sla_progress = 'overdue') as fr_overdue
  - count_if(close_sla_status = 'late') as close_late
  - max(close_due) as last_close_due
sort: [priority]
""",
    "business_replies": """\
source: messages
dimensions: [channel]
measures:
  - sum(business_reply_time) as reply_open
  - count(business_reply_time) as replies
sort: [channel]
""",
    "business_status_periods": """\
source: ticket_status_periods
dimensions: [status]
measures:
  - sum(business_seconds) as open_seconds
  - count() as periods
sort: [status]
""",
    "business_turns": """\
source: response_turns
dimensions: [sla_progress]
measures:
  - count() as turns
  - sum(business_seconds(started_at, replied_at, 'night')) as night_seconds
  - max(due_at) as last_due
  - count_if(sla_status = 'late') as late
sort: [sla_progress]
""",
}


def business_catalog():
    """The shipped catalog with a Paris office calendar (holidays, lunch break), a Lord Howe
    overnight shift (30-minute DST) and an SLA policy on the latter (next response included)."""
    from datetime import date

    from reportbuilder.calendars.model import ALWAYS_CALENDAR, BusinessHours, Calendar, SlaPolicy
    from reportbuilder.catalog.load_catalog import load_catalog

    office = ((540, 750), (810, 1080))
    paris = Calendar("paris", "Europe/Paris", (office,) * 5 + ((), ()),
                     frozenset({date(2025, 5, 1), date(2025, 5, 8)}))
    night = Calendar("night", "Australia/Lord_Howe", tuple(((0, 360), (1320, 1440)) for _ in range(7)))
    policy = SlaPolicy("night", (("urgent", 30), ("high", 120), ("medium", 480)),
                       (("urgent", 240), ("low", 4320)), (("urgent", 20), ("high", 90)))
    business = BusinessHours((ALWAYS_CALENDAR, paris, night), "paris", 240, policy)
    return load_catalog(None, business)


def same_value(a, b) -> bool:
    """One answer cell equal on two engines: floats within 1e-9 relative, other values and their
    types exactly (an int and a float of equal value pass)."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b and (type(a) is type(b) or {type(a), type(b)} <= {int, float})
