"""The two calendar relations as compact SQL: a few distinct day patterns and a string of codes.

A calendar's UTC days repeat a handful of shapes (a weekday's open pieces under one UTC
offset, a closed day, a DST or holiday exception), so instead of a VALUES row per day and per
open interval (~180 KB of SQL for six years) the query carries:

    patterns   VALUES (p, total, s1, l1, ..., sK, lK): each distinct day shape once
    codes      one string literal: day i of the span has pattern SUBSTRING(codes, i*w + 1, w)

and rebuilds the relations the lookups read (calendars/sql.py) with portable SQL: the days of
the span from a cross join of digit VALUES, `before` as a running SUM, and the open relation
unpivoted from the day pieces. A piece split at UTC midnight has the same `shift` as its other
half, so `business_add` answers as with merged intervals.
"""
from __future__ import annotations

from sqlglot import exp

from .intervals import BUCKET, DAY

_TYPE = exp.DataType.Type


def _n(value) -> exp.Literal:
    return exp.Literal.number(value)


def floor_div(x: exp.Expression, by: int) -> exp.Expression:
    return exp.Floor(this=exp.Div(this=exp.paren(x, copy=False), expression=_n(by)))


def values(rows, alias: str, columns: list[str]) -> exp.Expression:
    tuples = [exp.Tuple(expressions=[_n(v) for v in row]) for row in rows]
    return exp.Values(expressions=tuples, alias=exp.TableAlias(this=exp.to_identifier(alias),
                                                                 columns=[exp.to_identifier(c) for c in columns]))


def encode(rows: list[tuple[int, ...]], width: int) -> tuple[list[tuple[int, ...]], str, int]:
    """(patterns (p, total, s1, l1, ...), codes, chars per code) from day rows (day, before, s1, e1, ...)."""
    ids: dict[tuple, int] = {}
    sequence = []
    for _day, _before, *flat in rows:
        shape = tuple(v for j in range(width) for v in (flat[2 * j], flat[2 * j + 1] - flat[2 * j]))
        sequence.append(ids.setdefault(shape, len(ids)))
    chars = len(str(max(len(ids) - 1, 0)))
    patterns = [(p, sum(shape[1::2]), *shape) for shape, p in ids.items()]
    return patterns, "".join(f"{p:0{chars}d}" for p in sequence), chars


def _day_numbers(first_day: int, count: int) -> exp.Select:
    """SELECT first_day + i AS day for i in [0, count), from a cross join of digit VALUES."""
    digits = max(len(str(count - 1)), 1)
    offset: exp.Expression = _n(0)
    select = exp.select()
    for k in range(digits):
        alias = f"d{k}"
        source = values([(i,) for i in range(10)], alias, ["i"])
        select = select.from_(source) if k == 0 else select.join(source, join_type="cross")
        offset = exp.Add(this=offset, expression=exp.Mul(this=exp.column("i", table=alias), expression=_n(10 ** k)))
    day = exp.Add(this=_n(first_day), expression=exp.paren(offset, copy=False))
    return select.select(exp.alias_(day, "day")).where(exp.LT(this=exp.paren(offset.copy(), copy=False),
                                                              expression=_n(count)))


def days_select(rows: list[tuple[int, ...]], width: int) -> exp.Select:
    """calendar_<name>_days(day, before, s1, l1, ..., sK, lK, base), rebuilt from patterns and codes."""
    patterns, codes, chars = encode(rows, width)
    first_day = rows[0][0]
    pieces = [c for j in range(1, width + 1) for c in (f"s{j}", f"l{j}")]
    index = exp.paren(exp.Sub(this=exp.column("day"), expression=_n(first_day)), copy=False)
    piece = exp.Substring(this=exp.Literal.string(codes),
                          start=exp.Add(this=exp.Mul(this=index, expression=_n(chars)), expression=_n(1)),
                          length=_n(chars))
    # NULLIF: an engine may compute the projection before the day filter, past the string's end
    code = exp.cast(exp.Nullif(this=piece, expression=exp.Literal.string("")), _TYPE.INT)
    coded = exp.select(exp.column("day"), exp.alias_(code, "p")).from_(
        _day_numbers(first_day, len(rows)).subquery("n"))
    running = exp.Window(this=exp.Sum(this=exp.column("total", table="pat")),
                         order=exp.Order(expressions=[exp.Ordered(this=exp.column("day", table="c"))]))
    before = exp.Sub(this=running, expression=exp.column("total", table="pat"))
    return (exp.select(exp.column("day", table="c"), exp.alias_(before, "before"),
                       *[exp.column(c, table="pat") for c in pieces],
                       exp.alias_(exp.Mul(this=exp.column("day", table="c"), expression=_n(DAY)), "base"))
            .from_(coded.subquery("c"))
            .join(values(patterns, "pat", ["p", "total", *pieces]),
                  on=exp.EQ(this=exp.column("p", table="pat"), expression=exp.column("p", table="c"))))


def open_select(days: str, width: int) -> exp.Expression:
    """calendar_<name>_open(bucket, after, shift) from the day relation `days`: one row per open
    piece and per bucket of BUCKET open seconds it overlaps (at most two: a piece is <= a day)."""
    branches = []
    for j in range(1, width + 1):
        col = lambda c: exp.column(c, table="cd")  # noqa: E731
        done: exp.Expression = col("before")
        for i in range(1, j):
            done = exp.Add(this=done, expression=col(f"l{i}"))
        after = exp.Add(this=done.copy(), expression=col(f"l{j}"))
        shift = exp.Sub(this=exp.Add(this=col("base"), expression=col(f"s{j}")), expression=exp.paren(done.copy()))
        for bucket in (floor_div(done.copy(), BUCKET), floor_div(exp.Sub(this=after.copy(), expression=_n(1)), BUCKET)):
            branches.append(exp.select(exp.alias_(bucket, "bucket"), exp.alias_(after.copy(), "after"),
                                       exp.alias_(shift.copy(), "shift"))
                            .from_(exp.to_table(days).as_("cd"))
                            .where(exp.GT(this=col(f"l{j}"), expression=_n(0))))
    union = branches[0]
    for branch in branches[1:]:
        union = exp.union(union, branch, distinct=True)
    return union
