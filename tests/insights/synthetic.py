"""Generated help-desk data with planted truths, and ways to run insights on it.

`daily_tickets(rate, seed)` draws each day's ticket count from a Poisson law whose mean
`rate(day, team)` the test plants (a shift, a trend, an odd day, one team doubling);
`write(...)` writes the CSV tables (fixture_data's writer); `insights(...)` runs
`rb insights` in process and returns the JSON findings. `poisson_fetched` (counts) and
`share_fetched` (a CSAT-like share) build a series' numbers directly, for the many-seed
false-claim checks.
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from reportbuilder.check.report import Measure
from reportbuilder.check.resolved import Agg
from reportbuilder.cli import main
from reportbuilder.insights.calendar import BucketCalendar
from reportbuilder.insights.parts import decompose
from reportbuilder.insights.series import Cell, Fetched, MeasureInfo
from reportbuilder.timeframe.ranges import LocalRange
from engine.fixture_data import write_tables

NOW = "2025-06-30T12:00:00"  # a Monday: the last complete day is Sunday 2025-06-29
FIRST_DAY = date(2025, 2, 3)
LAST_DAY = date(2025, 6, 30)  # data through the current (partial) day
TEAMS = ((1, "Tier 1"), (2, "Tier 2"))
OWNERS = ((1, "Ann", "ann@x.test", 1), (2, "Bob", "bob@x.test", 2))


def days():
    d = FIRST_DAY
    while d <= LAST_DAY:
        yield d
        d += timedelta(days=1)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method (means here stay small), so that numpy is not needed to generate."""
    if mean > 60:
        return max(0, round(rng.gauss(mean, mean ** 0.5)))
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def daily_tickets(rate, seed: int = 1) -> list[dict]:
    """Tickets whose count per day and team is Poisson(rate(day, team_id))."""
    rng = random.Random(seed)
    rows = []
    for day in days():
        for team_id, _ in TEAMS:
            for _ in range(poisson(rng, rate(day, team_id))):
                at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(24 * 60))
                rows.append({"id": len(rows) + 1, "owner_id": team_id, "status": "closed",
                             "channel": rng.choice(["email", "chat"]), "created_at": at.isoformat()})
    return rows


def write(tmp_path: Path, tickets: list[dict], **tables) -> Path:
    return write_tables(tmp_path, tickets=tickets, owners=list(OWNERS), teams=list(TEAMS), **tables)


def insights(tmp_path: Path, data: Path, spec: str, *args: str, fmt: str = "json"):
    """`rb insights` on `spec`: the parsed JSON findings (or the text)."""
    path = Path(tmp_path) / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    result = CliRunner().invoke(main, ["insights", str(path), "--data", str(data), "--now", NOW,
                                       "--format", fmt, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if fmt == "json" else result.output


def daily_spec(measures: str = "[count() as tickets]", preset: str = "last_84_days", extra: str = "") -> str:
    return (f"source: tickets\ndimensions: [{{field: created_at, granularity: day, as: day}}{extra}]\n"
            f"measures: {measures}\ndate_range: {{preset: {preset}}}\n")


COUNT = Agg("count", (), (), "integer")


def poisson_fetched(rng: random.Random, days_back: int = 84, mean: float = 30.0):
    """The numbers of a pure-noise daily count series (weekday pattern included), and
    its calendar: what `analyze` reads, without the engine."""
    def cell(day: date) -> Cell:
        k = poisson(rng, mean * (0.5 if day.isoweekday() > 5 else 1.0))
        return Cell(k, {COUNT: k})
    return noise_fetched(Measure("n", COUNT, "integer", count_like=True), cell, days_back)


def share_fetched(rng: random.Random, measure: Measure, days_back: int = 84, rate=lambda day: 0.8,
                  answers: float = 12.0):
    """A daily share (CSAT-like: `measure` is a checked share such as `csat`): each day
    Poisson(`answers`) answers (half on weekends), each satisfied with probability `rate(day)`."""
    (_, hits), (_, total) = decompose(measure.expr).numerator[0], decompose(measure.expr).denominator[0]

    def cell(day: date) -> Cell:
        n = poisson(rng, answers * (0.5 if day.isoweekday() > 5 else 1.0))
        k = sum(rng.random() < rate(day) for _ in range(n))
        return Cell(100.0 * k / n if n else None, {hits: k, total: n})
    return noise_fetched(measure, cell, days_back)


def noise_fetched(measure: Measure, cell, days_back: int):
    """`measure`'s daily series of `cell(day)` over `days_back` days to 2025-06-29 (and the week
    read before the range), with its calendar (now: Monday 2025-06-30 noon)."""
    end = date(2025, 6, 30)
    start = end - timedelta(days=days_back)
    buckets = [start - timedelta(days=7) + timedelta(days=i) for i in range(days_back + 7)]
    series = {(measure.name, b): cell(b) for b in buckets}
    info = MeasureInfo(measure, decompose(measure.expr))
    calendar = BucketCalendar("day", "UTC", "monday", datetime(2025, 6, 30, 12),
                              LocalRange(datetime.combine(start, datetime.min.time()),
                                         datetime.combine(end, datetime.min.time())))
    return Fetched((info,), tuple(buckets), series, {}), calendar
