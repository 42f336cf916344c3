"""The built-in reports' numbers, checked against an independent computation.

Every built-in spec (specs/*.yaml) runs on the demo data (anchor Monday 2026-06-15, `--now
2026-06-15T12:00:00`, UTC: no built-in spec sets a time zone) through the CLI with JSON
output, and every row and value is compared with a plain-Python computation over the raw
rows of the Parquet files. duckdb only loads the files into lists of dicts; everything
else (date presets, week/month buckets, gap filling, the derived fields and entities of
docs/metrics.md and the contract's "Metric definitions": SLA statuses, reopen counts,
agent reply counts, reply times, customer turns, status periods, ticket events, agent
workload; averages, medians, continuous percentiles, sorting with nulls last, limits) is
written here from the definitions, without the engine's or the catalog's SQL.

Conventions the expectations follow (docs/time.md, docs/spec-language.md):
- presets are half-open local-day ranges: last_12_months [2025-06-15, 2026-06-15),
  last_3_months [2026-03-15, 2026-06-15), last_30_days [2026-05-16, 2026-06-15),
  today [2026-06-15, 2026-06-16), all_time unbounded;
- a time bucket dimension over a bounded range lists every bucket overlapping the range
  (weeks from Monday, months from the 1st; hour_of_day / day_of_week their whole cycle),
  (two of them: every pair, 7 x 24 for day_of_week x hour_of_day), crossed with the values
  of the other dimensions that have rows; missing cells get 0 for
  count-like measures and null for the others;
- rows are sorted by `sort`, then every dimension ascending, nulls last in both
  directions; numbers are compared within 1e-9 relative, dates as ISO strings.

Covered: all 29 built-in reports --
tickets_created_over_time, tickets_closed_over_time, tickets_by_channel,
tickets_by_category_over_time, conversations_over_time, messages_sent_by_hour,
messages_received_by_hour, activity_heatmap, call_performance, calls_by_owner,
customer_satisfaction, customer_effort_score, net_promoter_score, average_handle_time,
first_response_time_over_time, time_to_close_over_time, first_response_sla_over_time,
time_to_close_sla_over_time, sla_progress, tickets_per_customer, tickets_per_company,
first_contact_resolution, ticket_time_in_status, rep_reply_time_over_time,
customer_wait_time_by_company, slowest_responding_reps, next_response_sla_over_time,
team_summary, agent_utilization.
"""
from __future__ import annotations

import json
import math
import os
import statistics
from itertools import product
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.demo.generate_demo import generate_demo

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
ANCHOR = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 12, 0, 0)  # naive UTC, like the data's timestamps
TABLES = ["companies", "contacts", "teams", "owners", "tickets", "ticket_status_changes",
          "conversations", "messages", "feedback_submissions", "calls", "shifts"]


# -- loading and running -------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo-numbers")
    generate_demo(folder, anchor=ANCHOR)
    return folder


@pytest.fixture(scope="module")
def db(demo_dir) -> dict:
    """Every table as a list of dicts (duckdb only reads the files)."""
    tables = {}
    for name in TABLES:
        rel = duckdb.sql(f"SELECT * FROM '{demo_dir / (name + '.parquet')}'")
        columns = rel.columns
        tables[name] = [dict(zip(columns, row)) for row in rel.fetchall()]
    return tables


@pytest.fixture(scope="module")
def model(db) -> "Model":
    return Model(db)


@pytest.fixture(scope="module", autouse=True)
def outside_any_workspace(tmp_path_factory):
    before = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd-numbers"))
    yield
    os.chdir(before)


def run_report(name: str, data: Path) -> list[dict]:
    result = CliRunner().invoke(
        main, ["run", name, "--data", str(data), "--format", "json", "--now", "2026-06-15T12:00:00"],
        env={"RB_NOW": None, "RB_DATA": None, "RB_WORKSPACE": None}, catch_exceptions=False)
    assert result.exit_code == 0, f"{name}: exit {result.exit_code}\n{result.output}"
    return json.loads(result.output)


# -- calendar ------------------------------------------------------------------------------

def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def preset(name: str):
    """[start, end) as naive UTC datetimes, or None for all_time (now = 2026-06-15 12:00)."""
    today = ANCHOR
    if name == "all_time":
        return None
    if name == "today":
        return _midnight(today), _midnight(today + timedelta(days=1))
    if name == "last_30_days":
        return _midnight(today - timedelta(days=30)), _midnight(today)
    if name == "last_3_months":
        return _midnight(date(2026, 3, 15)), _midnight(today)
    if name == "last_12_months":
        return _midnight(date(2025, 6, 15)), _midnight(today)
    raise AssertionError(name)


def in_range(ts, rng) -> bool:
    if ts is None:
        return False
    return rng is None or rng[0] <= ts < rng[1]


def week(ts: datetime) -> date:
    d = ts.date()
    return d - timedelta(days=d.weekday())


def month(ts: datetime) -> date:
    return ts.date().replace(day=1)


def week_buckets(rng) -> list[date]:
    first, last = week(rng[0]), week(rng[1] - timedelta(days=1))
    out = []
    while first <= last:
        out.append(first)
        first += timedelta(days=7)
    return out


def month_buckets(rng) -> list[date]:
    first, last = month(rng[0]), month(rng[1] - timedelta(days=1))
    out = []
    while first <= last:
        out.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return out


# -- aggregates ----------------------------------------------------------------------------

def avg(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, p):
    """Continuous percentile (linear interpolation between closest ranks)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    pos = p * (len(values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def total(values):
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def scale(value, divisor):
    return None if value is None else value / divisor


def ratio(num, den, factor=100.0):
    return None if not den else factor * num / den


def seconds(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds()


class M:
    """A measure: name, function of the group's rows, count-like (0 in a filled gap)."""

    def __init__(self, name, fn, count_like=False):
        self.name, self.fn, self.count_like = name, fn, count_like


def C(name, pred=None):
    """count() / count_if(pred)."""
    return M(name, (lambda g: len(g)) if pred is None else (lambda g: sum(1 for r in g if pred(r))), True)


def aggregate(rows, dims, measures, *, sort=(), time_dim=None, buckets=None, having=None, limit=None):
    """Group `rows` by `dims` [(name, fn)], compute `measures`, fill gaps, sort, limit.

    `sort`: [(name, descending)], then every dimension ascending; nulls last.
    `time_dim`: index of the bucket dimension, or a tuple of indices when several are;
    `buckets`: its values (tuples of values, one per index, when several) to fill in.
    """
    names = [n for n, _ in dims]
    groups: dict = {}
    for r in rows:
        groups.setdefault(tuple(fn(r) for _, fn in dims), []).append(r)
    out = []
    for key, grp in groups.items():
        row = dict(zip(names, key))
        for m in measures:
            row[m.name] = m.fn(grp)
        out.append(row)
    if time_dim is not None:
        time_dims = (time_dim,) if isinstance(time_dim, int) else tuple(time_dim)
        combos = buckets if len(time_dims) > 1 else [(b,) for b in buckets]
        others = sorted({tuple(v for i, v in enumerate(k) if i not in time_dims) for k in groups},
                        key=lambda t: tuple((v is None, v if v is not None else 0) for v in t))
        if not groups and len(time_dims) < len(dims):
            others = []
        for combo in combos:
            for o in others:
                values, rest = dict(zip(time_dims, combo)), iter(o)
                key = tuple(values[i] if i in values else next(rest) for i in range(len(dims)))
                if key not in groups:
                    row = dict(zip(names, key))
                    for m in measures:
                        row[m.name] = 0 if m.count_like else None
                    out.append(row)
    if having:
        out = [r for r in out if having(r)]
    keys = list(sort) + [(n, False) for n in names]
    for name, desc in reversed(keys):
        present = [r for r in out if r[name] is not None]
        missing = [r for r in out if r[name] is None]
        present.sort(key=lambda r: r[name], reverse=desc)
        out = present + missing
    if limit is not None:
        out = out[:limit]
    return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()} for r in out]


def assert_rows_equal(name, actual, expected):
    assert len(actual) == len(expected), f"{name}: {len(actual)} rows, expected {len(expected)}"
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert list(a) == list(e), f"{name} row {i}: columns {list(a)} != {list(e)}"
        for col, ev in e.items():
            av = a[col]
            where = f"{name} row {i} ({e}) column {col}: got {av!r}, expected {ev!r}"
            if ev is None or av is None or isinstance(ev, (str, bool)):
                assert av == ev, where
            else:
                assert isinstance(av, (int, float)) and not isinstance(av, bool), where
                assert math.isclose(av, ev, rel_tol=1e-9, abs_tol=1e-9), where


# -- the help-desk vocabulary, from the definitions ----------------------------------------

def sla_status(done_at, due_at):
    if due_at is None:
        return None
    if done_at is not None:
        return "on_time" if done_at <= due_at else "late"
    return "overdue" if NOW > due_at else "pending"


def sla_progress_of(done_at, due_at):
    """SLA progress (workspace.md): the default due-soon window is 60 minutes."""
    if due_at is None:
        return None
    if done_at is not None:
        return "completed"
    if NOW > due_at:
        return "overdue"
    return "due_soon" if due_at <= NOW + timedelta(minutes=60) else "active"


def is_agent_reply(m) -> bool:
    return m["direction"] == "outgoing" and m["sender_type"] == "agent"


class Model:
    """Derived fields and entities of docs/metrics.md, computed row by row."""

    def __init__(self, db: dict):
        self.db = db
        self.tickets = {t["id"]: t for t in db["tickets"]}
        self.owners = {o["id"]: o for o in db["owners"]}
        self.teams = {t["id"]: t for t in db["teams"]}
        self.contacts = {c["id"]: c for c in db["contacts"]}
        self.companies = {c["id"]: c for c in db["companies"]}
        self.conversations = {c["id"]: c for c in db["conversations"]}
        self._history()
        self._messages()

    # names through links (null when a link is missing)
    def owner_name(self, owner_id):
        o = self.owners.get(owner_id)
        return o["name"] if o else None

    def team_name(self, owner_id):
        o = self.owners.get(owner_id)
        t = self.teams.get(o["team_id"]) if o else None
        return t["name"] if t else None

    def company(self, company_id):
        return self.companies.get(company_id)

    # ticket fields
    def ttfr(self, t):
        if t["first_response_at"] is None or t["created_at"] is None:
            return None
        return seconds(t["first_response_at"], t["created_at"])

    def ttc(self, t):
        if t["status"] != "closed" or t["closed_at"] is None:
            return None
        return seconds(t["closed_at"], t["created_at"])

    def fr_sla(self, t):
        return sla_status(t["first_response_at"], t["first_response_due_at"])

    def close_sla(self, t):
        return sla_status(t["closed_at"], t["close_due_at"])

    def fcr(self, t):
        if t["status"] != "closed":
            return None
        return self.reply_count.get(t["id"], 0) == 1 and self.reopens.get(t["id"], 0) == 0

    # status history, reopen counts and status periods
    def _history(self):
        by_ticket: dict = {}
        for c in self.db["ticket_status_changes"]:
            if c["changed_at"] is not None:
                by_ticket.setdefault(c["ticket_id"], []).append(c)
        rank = lambda s: (0 if s == "new" else 1 if s == "closed" else 2, s or "")  # noqa: E731
        self.reopens, self.periods = {}, []
        for ticket_id, rows in by_ticket.items():
            rows.sort(key=lambda c: (c["changed_at"], rank(c["status"])))
            current = (self.tickets.get(ticket_id) or {}).get("status")
            last_at = rows[-1]["changed_at"]
            head = [c for c in rows if c["changed_at"] != last_at]
            tail = [c for c in rows if c["changed_at"] == last_at]
            rows = head + [c for c in tail if c["status"] != current] + [c for c in tail if c["status"] == current]
            self.reopens[ticket_id] = sum(1 for a, b in zip(rows, rows[1:])
                                          if a["status"] == "closed" and b["status"] != "closed")
            for i, c in enumerate(rows):
                if c["status"] == "closed":
                    continue
                start = c["changed_at"]
                end = rows[i + 1]["changed_at"] if i + 1 < len(rows) else max(NOW, start)
                self.periods.append({"ticket_id": ticket_id, "status": c["status"], "started_at": start,
                                     "seconds": seconds(end, start)})

    # messages: agent reply counts, reply times, customer turns
    def _messages(self):
        by_conv: dict = {}
        for m in self.db["messages"]:
            by_conv.setdefault(m["conversation_id"], []).append(m)
        self.reply_count, self.reply_time, self.turns = {}, {}, []
        for conv_id, msgs in by_conv.items():
            msgs.sort(key=lambda m: (m["sent_at"], m["id"]))
            conv = self.conversations.get(conv_id)
            ticket = self.tickets.get(conv["ticket_id"]) if conv and conv["ticket_id"] is not None else None
            target = ticket["next_response_sla_minutes"] if ticket else None
            waiting_since = None      # first incoming message since the previous agent reply
            seen_reply = False        # an agent reply came before: the next incoming starts a turn
            open_turn = None
            for m in msgs:
                if is_agent_reply(m):
                    if ticket is not None:
                        self.reply_count[ticket["id"]] = self.reply_count.get(ticket["id"], 0) + 1
                    self.reply_time[m["id"]] = (seconds(m["sent_at"], waiting_since["sent_at"])
                                                if waiting_since else None)
                    waiting_since = None
                    if open_turn is not None:
                        open_turn["replied_at"] = m["sent_at"]
                        open_turn = None
                    seen_reply = True
                elif m["direction"] == "incoming":
                    if waiting_since is None:
                        waiting_since = m
                    if target is not None and seen_reply and open_turn is None:
                        open_turn = {"ticket_id": ticket["id"], "conversation_id": conv_id,
                                     "started_at": m["sent_at"],
                                     "due_at": m["sent_at"] + timedelta(minutes=target),
                                     "replied_at": None}
                        self.turns.append(open_turn)
                        seen_reply = False
        for turn in self.turns:
            turn["reply_seconds"] = (seconds(turn["replied_at"], turn["started_at"])
                                     if turn["replied_at"] is not None else None)
            turn["sla_status"] = sla_status(turn["replied_at"], turn["due_at"])


# -- expected results, one function per report ---------------------------------------------

def tickets_created_over_time(md: Model):
    rng = preset("last_12_months")
    rows = [t for t in md.db["tickets"] if in_range(t["created_at"], rng)]
    return aggregate(rows, [("week", lambda t: week(t["created_at"]))], [C("tickets")],
                     sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def tickets_closed_over_time(md: Model):
    rng = preset("last_12_months")
    rows = [t for t in md.db["tickets"] if t["status"] == "closed" and in_range(t["closed_at"], rng)]
    return aggregate(rows, [("week", lambda t: week(t["closed_at"]))], [C("tickets_closed")],
                     sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def tickets_by_channel(md: Model):
    rng = preset("last_30_days")
    rows = [t for t in md.db["tickets"] if in_range(t["created_at"], rng)]
    return aggregate(rows, [("channel", lambda t: t["channel"])],
                     [C("tickets"), C("closed", lambda t: t["status"] == "closed")],
                     sort=[("tickets", True)])


def tickets_by_category_over_time(md: Model):
    rng = preset("last_12_months")
    rows = [t for t in md.db["tickets"] if in_range(t["created_at"], rng)]
    return aggregate(rows, [("month", lambda t: month(t["created_at"])), ("category", lambda t: t["category"])],
                     [C("tickets")], sort=[("month", False), ("category", False)],
                     time_dim=0, buckets=month_buckets(rng))


def conversations_over_time(md: Model):
    rng = preset("last_12_months")
    rows = [c for c in md.db["conversations"] if in_range(c["started_at"], rng)]
    return aggregate(rows, [("week", lambda c: week(c["started_at"]))],
                     [C("conversations"), C("without_ticket", lambda c: c["ticket_id"] is None),
                      C("still_open", lambda c: c["status"] == "open")],
                     sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def messages_sent_by_hour(md: Model):
    rng = preset("last_30_days")
    rows = [m for m in md.db["messages"] if m["direction"] == "outgoing" and in_range(m["sent_at"], rng)]
    return aggregate(rows, [("hour", lambda m: m["sent_at"].hour)],
                     [C("messages_sent"), C("by_agents", lambda m: m["sender_type"] == "agent"),
                      C("by_bots", lambda m: m["sender_type"] == "bot")],
                     sort=[("hour", False)], time_dim=0, buckets=list(range(24)))


def messages_received_by_hour(md: Model):
    rng = preset("last_30_days")
    rows = [m for m in md.db["messages"] if m["direction"] == "incoming" and in_range(m["sent_at"], rng)]
    return aggregate(rows, [("hour", lambda m: m["sent_at"].hour)],
                     [C("messages_received"),
                      M("conversations", lambda g: len({m["conversation_id"] for m in g}), True)],
                     sort=[("hour", False)], time_dim=0, buckets=list(range(24)))


def activity_heatmap(md: Model):
    rng = preset("last_3_months")
    rows = [m for m in md.db["messages"] if in_range(m["sent_at"], rng)]
    return aggregate(rows, [("day_of_week", lambda m: m["sent_at"].isoweekday()), ("hour", lambda m: m["sent_at"].hour)],
                     [C("messages"), C("received", lambda m: m["direction"] == "incoming"),
                      C("sent", lambda m: m["direction"] == "outgoing")],
                     sort=[("day_of_week", False), ("hour", False)], time_dim=(0, 1),
                     buckets=list(product(range(1, 8), range(24))))


def _call_measures(g):
    completed = [c for c in g if c["status"] == "completed"]
    return {
        "answer_rate": ratio(len(completed), len(g)),
        "avg_duration_minutes": scale(avg(c["duration_seconds"] for c in completed), 60),
        "talk_minutes": scale(total(c["duration_seconds"] for c in g), 60),
    }


def call_performance(md: Model):
    rng = preset("last_30_days")
    rows = [c for c in md.db["calls"] if in_range(c["started_at"], rng)]
    return aggregate(rows, [("direction", lambda c: c["direction"])], [
        C("calls"),
        C("completed", lambda c: c["status"] == "completed"),
        C("missed", lambda c: c["status"] == "missed"),
        C("cancelled", lambda c: c["status"] == "cancelled"),
        C("ringing", lambda c: c["status"] == "ringing"),
        M("answer_rate", lambda g: _call_measures(g)["answer_rate"]),
        C("voicemails", lambda c: c["voicemail"] is True),
        M("avg_duration_minutes", lambda g: _call_measures(g)["avg_duration_minutes"]),
        M("talk_minutes", lambda g: _call_measures(g)["talk_minutes"]),
    ], sort=[("direction", False)])


def calls_by_owner(md: Model):
    rng = preset("last_30_days")
    rows = [c for c in md.db["calls"] if in_range(c["started_at"], rng)]
    return aggregate(rows, [("owner", lambda c: md.owner_name(c["owner_id"]))], [
        C("calls"),
        C("incoming", lambda c: c["direction"] == "incoming"),
        C("outgoing", lambda c: c["direction"] == "outgoing"),
        C("completed", lambda c: c["status"] == "completed"),
        M("answer_rate", lambda g: _call_measures(g)["answer_rate"]),
        M("avg_duration_minutes", lambda g: _call_measures(g)["avg_duration_minutes"]),
        M("talk_minutes", lambda g: _call_measures(g)["talk_minutes"]),
    ], sort=[("calls", True), ("owner", False)])


def _surveys(md: Model, survey_type: str):
    rng = preset("last_12_months")
    return rng, [f for f in md.db["feedback_submissions"]
                 if f["survey_type"] == survey_type and in_range(f["submitted_at"], rng)]


def _score_between(lo, hi):
    return lambda f: f["score"] is not None and lo <= f["score"] <= hi


def customer_satisfaction(md: Model):
    rng, rows = _surveys(md, "csat")
    sat = _score_between(4, 5)
    return aggregate(rows, [("month", lambda f: month(f["submitted_at"]))], [
        M("csat", lambda g: ratio(sum(1 for f in g if sat(f)), len(g))),
        M("csat_score", lambda g: avg(f["score"] for f in g)),
        C("responses"), C("satisfied", sat), C("neutral", lambda f: f["score"] == 3),
        C("dissatisfied", _score_between(1, 2)),
    ], sort=[("month", False)], time_dim=0, buckets=month_buckets(rng))


def customer_effort_score(md: Model):
    rng, rows = _surveys(md, "ces")
    easy, hard = _score_between(5, 7), _score_between(1, 3)
    return aggregate(rows, [("month", lambda f: month(f["submitted_at"]))], [
        M("ces", lambda g: ratio(sum(1 for f in g if easy(f)) - sum(1 for f in g if hard(f)), len(g))),
        M("ces_score", lambda g: avg(f["score"] for f in g)),
        C("responses"), C("easy", easy), C("neutral", lambda f: f["score"] == 4), C("difficult", hard),
    ], sort=[("month", False)], time_dim=0, buckets=month_buckets(rng))


def net_promoter_score(md: Model):
    rng, rows = _surveys(md, "nps")
    pro, det = _score_between(9, 10), _score_between(0, 6)
    return aggregate(rows, [("month", lambda f: month(f["submitted_at"]))], [
        M("nps", lambda g: ratio(sum(1 for f in g if pro(f)) - sum(1 for f in g if det(f)), len(g))),
        C("responses"), C("promoters", pro), C("passives", _score_between(7, 8)), C("detractors", det),
    ], sort=[("month", False)], time_dim=0, buckets=month_buckets(rng))


def _closed_in(md: Model, rng):
    return [t for t in md.db["tickets"] if t["status"] == "closed" and in_range(t["closed_at"], rng)]


def average_handle_time(md: Model):
    rng = preset("last_12_months")
    rows = _closed_in(md, rng)
    handle = lambda g: [t["handle_time_seconds"] for t in g]  # noqa: E731
    return aggregate(rows, [("month", lambda t: month(t["closed_at"]))], [
        M("avg_handle_time_minutes", lambda g: scale(avg(handle(g)), 60)),
        M("median_handle_time_minutes", lambda g: scale(median(handle(g)), 60)),
        M("total_handle_hours", lambda g: scale(total(handle(g)), 3600)),
        C("tickets_closed"),
        C("tickets_with_handle_time", lambda t: t["handle_time_seconds"] is not None),
    ], sort=[("month", False)], time_dim=0, buckets=month_buckets(rng))


def first_contact_resolution(md: Model):
    rng = preset("last_12_months")
    rows = _closed_in(md, rng)
    return aggregate(rows, [("month", lambda t: month(t["closed_at"]))], [
        M("fcr_rate", lambda g: ratio(sum(1 for t in g if md.fcr(t)), len(g))),
        C("tickets_closed"),
        C("resolved_first_contact", lambda t: md.fcr(t) is True),
    ], sort=[("month", False)], time_dim=0, buckets=month_buckets(rng))


def first_response_time_over_time(md: Model):
    rng = preset("last_12_months")
    rows = [t for t in md.db["tickets"] if in_range(t["created_at"], rng)]
    ttfr = lambda g: [md.ttfr(t) for t in g]  # noqa: E731
    return aggregate(rows, [("week", lambda t: week(t["created_at"]))], [
        M("avg_first_response_hours", lambda g: scale(avg(ttfr(g)), 3600)),
        M("median_first_response_hours", lambda g: scale(median(ttfr(g)), 3600)),
        M("p90_first_response_hours", lambda g: scale(percentile(ttfr(g), 0.9), 3600)),
        C("tickets"),
        C("tickets_responded", lambda t: md.ttfr(t) is not None),
    ], sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def time_to_close_over_time(md: Model):
    rng = preset("last_12_months")
    rows = _closed_in(md, rng)
    ttc = lambda g: [md.ttc(t) for t in g]  # noqa: E731
    return aggregate(rows, [("week", lambda t: week(t["closed_at"]))], [
        M("avg_time_to_close_hours", lambda g: scale(avg(ttc(g)), 3600)),
        M("median_time_to_close_hours", lambda g: scale(median(ttc(g)), 3600)),
        M("p90_time_to_close_hours", lambda g: scale(percentile(ttc(g), 0.9), 3600)),
        C("tickets_closed"),
    ], sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def _sla_over_time(md: Model, due_col: str, status_fn, rate_name: str):
    rng = preset("last_12_months")
    rows = [t for t in md.db["tickets"] if t[due_col] is not None and in_range(t["created_at"], rng)]

    def rate(g):
        statuses = [status_fn(t) for t in g]
        decided = sum(1 for s in statuses if s in ("on_time", "late", "overdue"))
        return ratio(statuses.count("on_time"), decided)

    return aggregate(rows, [("week", lambda t: week(t["created_at"]))], [
        *[C(s, lambda t, s=s: status_fn(t) == s) for s in ("on_time", "late", "overdue", "pending")],
        M(rate_name, rate),
    ], sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def first_response_sla_over_time(md: Model):
    return _sla_over_time(md, "first_response_due_at", md.fr_sla, "first_response_sla_rate")


def time_to_close_sla_over_time(md: Model):
    return _sla_over_time(md, "close_due_at", md.close_sla, "close_sla_rate")


def sla_progress(md: Model):
    rows = [t for t in md.db["tickets"] if t["status"] is not None and t["status"] != "closed"]
    return aggregate(rows, [("status", lambda t: t["status"]), ("priority", lambda t: t["priority"])], [
        C("open_tickets"),
        *[C(f"first_response_{s}", lambda t, s=s: md.fr_sla(t) == s)
          for s in ("on_time", "late", "overdue", "pending")],
        C("close_overdue", lambda t: md.close_sla(t) == "overdue"),
        C("close_pending", lambda t: md.close_sla(t) == "pending"),
        *[C(f"first_response_{p}", lambda t, p=p: sla_progress_of(t["first_response_at"], t["first_response_due_at"]) == p)
          for p in ("due_soon", "active")],
        *[C(f"close_{p}", lambda t, p=p: sla_progress_of(t["closed_at"], t["close_due_at"]) == p)
          for p in ("due_soon", "active")],
        *[M(f"next_response_{p}", lambda g, p=p: sum(
            1 for t in g for turn in md.turns
            if turn["ticket_id"] == t["id"] and sla_progress_of(turn["replied_at"], turn["due_at"]) == p))
          for p in ("overdue", "due_soon", "active")],
    ], sort=[("status", False), ("priority", False)])


def tickets_per_customer(md: Model):
    rng = preset("last_12_months")
    rows = [t for t in md.db["tickets"] if t["contact_id"] is not None and in_range(t["created_at"], rng)]

    def contact_company(t):
        c = md.contacts.get(t["contact_id"])
        co = md.company(c["company_id"]) if c else None
        return co["name"] if co else None

    return aggregate(rows, [
        ("contact", lambda t: (md.contacts.get(t["contact_id"]) or {}).get("name")),
        ("email", lambda t: (md.contacts.get(t["contact_id"]) or {}).get("email")),
        ("company", contact_company),
    ], [
        C("tickets"),
        C("open_tickets", lambda t: t["status"] is not None and t["status"] != "closed"),
        M("avg_first_response_hours", lambda g: scale(avg(md.ttfr(t) for t in g), 3600)),
    ], sort=[("tickets", True), ("contact", False)], limit=20)


def tickets_per_company(md: Model):
    rng = preset("last_12_months")
    rows = [t for t in md.db["tickets"] if t["company_id"] is not None and in_range(t["created_at"], rng)]

    def contacts(g):
        return len({t["contact_id"] for t in g if t["contact_id"] is not None})

    return aggregate(rows, [
        ("company", lambda t: (md.company(t["company_id"]) or {}).get("name")),
        ("plan", lambda t: (md.company(t["company_id"]) or {}).get("plan")),
    ], [
        C("tickets"),
        M("contacts", contacts, True),
        M("tickets_per_contact", lambda g: ratio(len(g), contacts(g), 1.0)),
        C("open_tickets", lambda t: t["status"] is not None and t["status"] != "closed"),
        M("avg_first_response_hours", lambda g: scale(avg(md.ttfr(t) for t in g), 3600)),
    ], sort=[("tickets", True), ("company", False)], limit=20)


def ticket_time_in_status(md: Model):
    rng = preset("last_30_days")
    rows = [p for p in md.periods if in_range(p["started_at"], rng)]

    def per_ticket(g):
        return scale(total(p["seconds"] for p in g), 3600) / len({p["ticket_id"] for p in g})

    return aggregate(rows, [("status", lambda p: p["status"])], [
        C("stays"),
        M("tickets", lambda g: len({p["ticket_id"] for p in g}), True),
        M("avg_hours_per_stay", lambda g: scale(avg(p["seconds"] for p in g), 3600)),
        M("median_hours_per_stay", lambda g: scale(median(p["seconds"] for p in g), 3600)),
        M("avg_hours_per_ticket", per_ticket),
        M("total_hours", lambda g: scale(total(p["seconds"] for p in g), 3600)),
    ], sort=[("total_hours", True)])


def _replies(md: Model, rng):
    """Agent replies with a reply time, sent in the range."""
    return [m for m in md.db["messages"]
            if md.reply_time.get(m["id"]) is not None and in_range(m["sent_at"], rng)]


def rep_reply_time_over_time(md: Model):
    rng = preset("last_12_months")
    rt = lambda g: [md.reply_time[m["id"]] for m in g]  # noqa: E731
    return aggregate(_replies(md, rng), [("week", lambda m: week(m["sent_at"]))], [
        M("avg_reply_minutes", lambda g: scale(avg(rt(g)), 60)),
        M("median_reply_minutes", lambda g: scale(median(rt(g)), 60)),
        M("p90_reply_minutes", lambda g: scale(percentile(rt(g), 0.9), 60)),
        C("replies"),
    ], sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def _on_the_business_clock(rows, renames: dict) -> list:
    """Without a workspace the default calendar is `always`: open time is elapsed time."""
    return [{renames.get(k, k): v for k, v in row.items()} for row in rows]


def business_first_response_time_over_time(md: Model):
    return _on_the_business_clock(first_response_time_over_time(md), {
        f"{s}_first_response_hours": f"{s}_first_response_open_hours" for s in ("avg", "median", "p90")})


def business_time_to_close_over_time(md: Model):
    return _on_the_business_clock(time_to_close_over_time(md), {
        f"{s}_time_to_close_hours": f"{s}_time_to_close_open_hours" for s in ("avg", "median", "p90")})


def business_reply_time_over_time(md: Model):
    return _on_the_business_clock(rep_reply_time_over_time(md), {
        f"{s}_reply_minutes": f"{s}_reply_open_minutes" for s in ("avg", "median", "p90")})


def customer_wait_time_by_company(md: Model):
    rng = preset("last_3_months")
    rt = lambda g: [md.reply_time[m["id"]] for m in g]  # noqa: E731

    def company_name(m):
        conv = md.conversations.get(m["conversation_id"])
        contact = md.contacts.get(conv["contact_id"]) if conv else None
        co = md.company(contact["company_id"]) if contact else None
        return co["name"] if co else None

    return aggregate(_replies(md, rng), [("company", company_name)], [
        M("avg_wait_minutes", lambda g: scale(avg(rt(g)), 60)),
        M("median_wait_minutes", lambda g: scale(median(rt(g)), 60)),
        M("p90_wait_minutes", lambda g: scale(percentile(rt(g), 0.9), 60)),
        C("replies"),
        M("conversations", lambda g: len({m["conversation_id"] for m in g}), True),
    ], sort=[("avg_wait_minutes", True)])


def slowest_responding_reps(md: Model):
    rng = preset("last_30_days")
    rows = [m for m in _replies(md, rng) if m["owner_id"] is not None]
    rt = lambda g: [md.reply_time[m["id"]] for m in g]  # noqa: E731
    return aggregate(rows, [("owner", lambda m: md.owner_name(m["owner_id"]))], [
        M("avg_reply_minutes", lambda g: scale(avg(rt(g)), 60)),
        M("median_reply_minutes", lambda g: scale(median(rt(g)), 60)),
        C("replies"),
    ], sort=[("avg_reply_minutes", True)], having=lambda r: r["replies"] >= 5, limit=10)


def next_response_sla_over_time(md: Model):
    rng = preset("last_12_months")
    rows = [t for t in md.turns if in_range(t["started_at"], rng)]

    def rate(g):
        decided = sum(1 for t in g if t["sla_status"] in ("on_time", "late", "overdue"))
        return ratio(sum(1 for t in g if t["sla_status"] == "on_time"), decided)

    return aggregate(rows, [("week", lambda t: week(t["started_at"]))], [
        *[C(s, lambda t, s=s: t["sla_status"] == s) for s in ("on_time", "late", "overdue", "pending")],
        M("next_response_sla_rate", rate),
        M("avg_reply_minutes", lambda g: scale(avg(t["reply_seconds"] for t in g), 60)),
    ], sort=[("week", False)], time_dim=0, buckets=week_buckets(rng))


def team_summary(md: Model):
    rng = preset("today")
    events = []
    for t in md.db["tickets"]:
        if t["created_at"] is not None:
            events.append({"t": t, "event": "created", "at": t["created_at"], "seconds": None})
        if t["first_response_at"] is not None:
            events.append({"t": t, "event": "first_response", "at": t["first_response_at"], "seconds": md.ttfr(t)})
        if t["status"] == "closed" and t["closed_at"] is not None:
            events.append({"t": t, "event": "closed", "at": t["closed_at"], "seconds": md.ttc(t)})
        if t["status"] != "closed" and t["created_at"] is not None and t["created_at"] <= NOW:
            events.append({"t": t, "event": "open_now", "at": NOW, "seconds": None})
    rows = [e for e in events if in_range(e["at"], rng)]
    return aggregate(rows, [("team", lambda e: md.team_name(e["t"]["owner_id"]))], [
        C("created", lambda e: e["event"] == "created"),
        C("closed", lambda e: e["event"] == "closed"),
        C("open_now", lambda e: e["event"] == "open_now"),
        C("overdue_now", lambda e: e["event"] == "open_now" and md.fr_sla(e["t"]) == "overdue"),
        M("avg_first_response_hours",
          lambda g: scale(avg(e["seconds"] for e in g if e["event"] == "first_response"), 3600)),
        C("first_responses", lambda e: e["event"] == "first_response"),
    ], sort=[("team", False)])


def agent_utilization(md: Model):
    rng = preset("last_30_days")
    workload = []
    for t in md.db["tickets"]:
        if t["status"] == "closed" and t["closed_at"] is not None:
            workload.append({"kind": "ticket", "owner_id": t["owner_id"], "at": t["closed_at"],
                             "handle": t["handle_time_seconds"], "shift": None})
    for s in md.db["shifts"]:
        if s["started_at"] is not None:
            workload.append({"kind": "shift", "owner_id": s["owner_id"], "at": s["started_at"],
                             "handle": None, "shift": seconds(s["ended_at"], s["started_at"])})
    rows = [w for w in workload if w["owner_id"] is not None and in_range(w["at"], rng)]

    def utilization(g):
        handled = total(w["handle"] for w in g) or 0
        return ratio(handled, total(w["shift"] for w in g))

    return aggregate(rows, [("owner", lambda w: md.owner_name(w["owner_id"])),
                            ("team", lambda w: md.team_name(w["owner_id"]))], [
        M("utilization", utilization),
        M("handled_hours", lambda g: scale(total(w["handle"] for w in g), 3600)),
        M("shift_hours", lambda g: scale(total(w["shift"] for w in g), 3600)),
        C("tickets_closed", lambda w: w["kind"] == "ticket"),
        C("shifts", lambda w: w["kind"] == "shift"),
    ], sort=[("utilization", True)])


EXPECTED = {f.__name__: f for f in [
    tickets_created_over_time, tickets_closed_over_time, tickets_by_channel,
    tickets_by_category_over_time, conversations_over_time, messages_sent_by_hour,
    messages_received_by_hour, activity_heatmap, call_performance, calls_by_owner,
    customer_satisfaction, customer_effort_score, net_promoter_score, average_handle_time,
    first_response_time_over_time, time_to_close_over_time, first_response_sla_over_time,
    time_to_close_sla_over_time, sla_progress, tickets_per_customer, tickets_per_company,
    first_contact_resolution, ticket_time_in_status, rep_reply_time_over_time,
    customer_wait_time_by_company, slowest_responding_reps, next_response_sla_over_time,
    team_summary, agent_utilization, business_first_response_time_over_time,
    business_time_to_close_over_time, business_reply_time_over_time,
]}

# Reports whose engine output disagrees with the definitions (see the reason).
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def test_every_builtin_is_covered():
    assert sorted(EXPECTED) == sorted(p.stem for p in SPECS.glob("*.yaml"))


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DISAGREEMENTS[n]))
    if n in KNOWN_DISAGREEMENTS else n
    for n in EXPECTED
])
def test_builtin_numbers(name, demo_dir, model):
    expected = EXPECTED[name](model)
    assert expected, f"{name}: the independent computation has no rows (check the fixture)"
    actual = run_report(name, demo_dir)
    assert_rows_equal(name, actual, expected)
