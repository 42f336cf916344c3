"""The specs every other engine must answer exactly as DuckDB does (Spark, PostgreSQL)."""
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
