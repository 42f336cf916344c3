"""`business_seconds` and `business_add` as set-based SQL over two small generated relations.

For a calendar C, `open(t)` is the number of open seconds from the start of the relation's
span to the instant t. With x = EPOCH(t) and the UTC day d = FLOOR(x / 86400):

    calendar_C_days(day, base, before, s1, l1, ..., sK, lK)    one row per UTC day of the span
    open(t)  = before + SUM_j LEAST(GREATEST(x - base - s_j, 0), l_j)        (day = d)
    business_seconds(a, b) = open(b) - open(a) when b > a, 0 when b <= a

    calendar_C_open(bucket, after, shift)   one row per open piece and bucket of 86400 open
                                            seconds it overlaps: `after` the open seconds at its
                                            end, `shift` its start minus the open seconds before it
    business_add(a, s) = T + MIN(shift) over the rows of bucket FLOOR((T - 1) / 86400) with
                         after >= T, where T = open(a) + s (the first interval ending at or after
                         T holds the earliest instant reaching it): one subquery, the day row of a
                         joined to the rows of T's bucket

Each lookup is a scalar subquery correlated on one integer key only (engines run it as a hash
join against the small relation); no per-row function. The `always` calendar needs none.
Instants outside the relation's span (see intervals.span_days) give null.
"""
from __future__ import annotations

from datetime import datetime

from sqlglot import exp

from .compact import days_select, floor_div, open_select
from .intervals import BUCKET, DAY, day_rows, span_days
from .model import BusinessHours, Calendar

_TYPE = exp.DataType.Type


def _n(value) -> exp.Literal:
    return exp.Literal.number(value)


def days_table(name: str) -> str:
    return f"calendar_{name}_days"


def open_table(name: str) -> str:
    return f"calendar_{name}_open"


def _epoch(ts: exp.Expression) -> exp.Expression:
    return exp.TimeToUnix(this=ts)


def _day_lookup(x: exp.Expression, cal: Calendar, width: int) -> exp.Select:
    """SELECT open(t) FROM the day row of x = EPOCH(t) (a subquery correlated on the day only)."""
    col = lambda c: exp.column(c, table="cal_day")  # noqa: E731
    total: exp.Expression = col("before")
    for j in range(1, width + 1):
        into = exp.Sub(this=exp.Sub(this=x.copy(), expression=col("base")), expression=col(f"s{j}"))
        piece = exp.Least(this=exp.Greatest(this=into, expressions=[_n(0)]), expressions=[col(f"l{j}")])
        total = exp.Add(this=total, expression=piece)
    return (exp.select(total).from_(exp.to_table(days_table(cal.name)).as_("cal_day"))
            .where(exp.EQ(this=col("day"), expression=floor_div(x.copy(), DAY))))


def _positive_difference(a: exp.Expression, b: exp.Expression, value: exp.Expression) -> exp.Expression:
    """`value` when b > a, 0 when b <= a, null when either is null."""
    return exp.Case(ifs=[exp.If(this=exp.GT(this=b.copy(), expression=a.copy()), true=value),
                         exp.If(this=exp.LTE(this=b.copy(), expression=a.copy()), true=_n(0))])


class BusinessSql:
    """The SQL of the business-time functions of one report; remembers the relations it used."""

    def __init__(self, business: BusinessHours, now: datetime):
        self.business, self.now = business, now
        self.used: dict[str, Calendar] = {}
        self.widths: dict[str, int] = {}
        self._rows: dict[str, tuple] = {}

    def _calendar(self, name: str) -> Calendar:
        cal = self.business.calendar(name)
        if not cal.always and name not in self.used:
            first, last = span_days(cal, self.now)
            width, rows = day_rows(cal, first, last)
            self.used[name], self.widths[name] = cal, width
            self._rows[name] = rows
        return cal

    def seconds(self, start: exp.Expression, end: exp.Expression, name: str) -> exp.Expression:
        cal = self._calendar(name)
        a, b = _epoch(start), _epoch(end)
        if cal.always:
            value = exp.Sub(this=b.copy(), expression=a.copy())
        else:
            width = self.widths[name]
            value = exp.Sub(this=exp.Subquery(this=_day_lookup(b.copy(), cal, width)),
                            expression=exp.Subquery(this=_day_lookup(a.copy(), cal, width)))
        return _positive_difference(a, b, value)

    def add(self, start: exp.Expression, seconds: exp.Expression, name: str) -> exp.Expression:
        cal = self._calendar(name)
        s = exp.paren(seconds, copy=False)
        if cal.always:
            moved = s.copy()
        else:
            x = _epoch(start.copy())
            lookup = _day_lookup(x, cal, self.widths[name])
            target = lookup.expressions[0]
            lookup.set("expressions", [exp.alias_(exp.Add(this=target, expression=s.copy()), "t")])
            t = exp.column("t", table="cal_target")
            col = lambda c: exp.column(c, table="cal_open")  # noqa: E731
            on = exp.and_(exp.EQ(this=col("bucket"), expression=floor_div(exp.Sub(this=t.copy(), expression=_n(1)),
                                                                           BUCKET)),
                          exp.GTE(this=col("after"), expression=t.copy()))
            reached = (exp.select(exp.Min(this=exp.Add(this=col("shift"), expression=t.copy())))
                       .from_(lookup.subquery("cal_target"))
                       .join(exp.to_table(open_table(name)).as_("cal_open"), on=on, join_type="inner"))
            moved = exp.Sub(this=exp.Subquery(this=reached), expression=x.copy())
        one_second = exp.Interval(this=exp.Literal.string("1"), unit=exp.Var(this="SECOND"))
        later = exp.Add(this=start.copy(), expression=exp.paren(
            exp.Mul(this=exp.paren(moved, copy=False), expression=one_second), copy=False))
        return exp.Case(ifs=[exp.If(this=exp.EQ(this=s.copy(), expression=_n(0)), true=start.copy()),
                             exp.If(this=exp.GT(this=s.copy(), expression=_n(0)), true=later)])

    def ctes(self) -> list[tuple[str, exp.Expression]]:
        """The relations of the calendars used, as (name, SELECT) for the query's WITH (compact.py)."""
        out = []
        for name in self.used:
            days, width = self._rows[name], self.widths[name]
            out.append((days_table(name), days_select(days, width)))
            out.append((open_table(name), open_select(days_table(name), width)))
        return out
