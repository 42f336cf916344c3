"""The scalar functions of the expression language: one entry each, asked by check and emit.

The checker reads the arity, the literal arguments a call requires, the calendar argument of
business-time functions, the constant a call stands for (`now()`) and the result type rule;
the SQL compiler reads `sql` and which arguments it takes as literal values or as timestamps.
Adding a scalar function is one entry here plus its tests (ARCHITECTURE.md, "How to add a
scalar function"); the reference evaluator (tests/oracle) gives each name its Python meaning.

SQL builders receive the compiler (its zone, week start and business-time SQL) and the
prepared arguments, and import sqlglot and the emit helpers only when called, so checking a
spec needs no SQL library.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from . import ast
from .aggregates import NUMERIC

SECONDS_BETWEEN = "seconds_between"  # internal: timestamp minus timestamp (not callable from specs)
ROUND_PLACES = 12  # round(x, n): n is a whole-number literal from 0 to this
TRUNC_UNITS = ("hour", "day", "week", "month", "quarter", "year")
TIME = ("timestamp", "date")


@dataclass(frozen=True)
class LiteralArg:
    """An argument that must be written as a literal (checked before the arguments resolve)."""
    index: int
    accepts: Callable[[object], bool]  # the argument's AST node -> whether it is a fitting literal
    message: str  # the bad-argument error, at the argument


@dataclass(frozen=True)
class Scalar:
    name: str
    arity: tuple[int, int]
    returns: Callable  # (argument types, checked argument nodes) -> result type, None: types do not fit
    sql: Callable | None  # (compiler, prepared args) -> the SQL; None for a `constant`
    literal: LiteralArg | None = None
    type_error: Callable | None = None  # (types) -> (argument index, message) before `returns` is asked
    raw: tuple[int, ...] = ()  # arguments the SQL takes as their literal value (a unit, a calendar name)
    timestamps: tuple[int, ...] = ()  # arguments the SQL takes as timestamps (a constant is cast)
    calendar: int | None = None  # a calendar name argument: the default calendar when absent
    constant: Callable | None = None  # (check Scope) -> the value the call stands for, fixed at check
    internal: bool = False  # made by the checker, not callable from specs

    def result_type(self, types: list[str], args=()) -> str | None:
        """The result type, or None when the argument types do not fit."""
        return self.returns(types, args)


# -- result types ---------------------------------------------------------------------

def common_type(types: list[str]) -> str | None:
    """The type that values of all `types` share (null fits anything; integer widens to number)."""
    known = [t for t in types if t != "null"]
    if not known:
        return "null"
    if all(t in NUMERIC for t in known):
        return "integer" if all(t == "integer" for t in known) else "number"
    if all(t == known[0] for t in known):
        return known[0]
    if set(known) <= set(TIME):
        return "timestamp"
    return None


def _always(result: str) -> Callable:
    return lambda types, args: result


def _first(accepted: tuple[str, ...], result: str) -> Callable:
    """`result` when the first argument is one of `accepted` (or null)."""
    return lambda types, args: result if types[0] in accepted + ("null",) else None


def _numeric(types, args):  # the first argument a number or null, the others numbers
    ok = types[0] in NUMERIC + ("null",) and all(t in NUMERIC for t in types[1:])
    return "number" if ok else None


def _abs(types, args):
    return types[0] if types[0] in NUMERIC else ("number" if types[0] == "null" else None)


def _common(types, args):
    return common_type(types)


def _if(types, args):
    return common_type(types[1:]) if types[0] in ("boolean", "null") else None


def _truncated(types, args):  # an hour stays a timestamp; larger units are local dates
    return "timestamp" if args[0].value == "hour" else "date"


def _needs_timestamp(types):
    return None if types[1] in TIME + ("null",) else (1, "date_trunc() needs a timestamp")


def _business_seconds(types, args):
    return "number" if all(t in ("timestamp", "null") for t in types[:2]) else None


def _business_add(types, args):
    ok = types[0] in ("timestamp", "null") and types[1] in NUMERIC + ("null",)
    return "timestamp" if ok else None


# -- literal arguments ----------------------------------------------------------------

def _is_unit(arg) -> bool:
    return isinstance(arg, ast.Literal) and arg.kind == "string" and arg.value in TRUNC_UNITS


def _is_places(arg) -> bool:
    return (isinstance(arg, ast.Literal) and isinstance(arg.value, int) and not isinstance(arg.value, bool)
            and 0 <= arg.value <= ROUND_PLACES)


# -- constants fixed at check time ----------------------------------------------------

def _now(scope):
    return scope.now_utc


def _due_soon_until(scope):  # the end of the due-soon window of SLA progress
    return scope.now_utc + timedelta(minutes=scope.catalog.business.due_soon_minutes)


def _today(scope):
    from ..timeframe.zones import local_date

    return local_date(scope.now_utc, scope.tz)


# -- SQL ------------------------------------------------------------------------------

def _exp():
    from sqlglot import exp

    return exp


def _one(cls_name: str) -> Callable:
    """A one-argument sqlglot function node."""
    return lambda c, args: getattr(_exp(), cls_name)(this=args[0])


def _per(seconds: int) -> Callable:
    """A duration in seconds as a number of larger units."""
    def sql(c, args):
        exp = _exp()
        return exp.paren(exp.Div(this=exp.cast(args[0], exp.DataType.Type.DOUBLE),
                                 expression=exp.Literal.number(seconds)), copy=False)
    return sql


def _local(c, value):
    from ..emit.time_sql import local_time

    return local_time(value, c.tz)


def _date_trunc(c, args):
    from ..emit.time_sql import bucket, local_date_trunc

    if args[0] == "hour":
        return bucket(args[1], "hour", c.tz, c.week_start)
    return local_date_trunc(args[1], args[0], c.tz, c.week_start)


def _date(c, args):
    exp = _exp()
    return exp.cast(_local(c, args[0]), exp.DataType.Type.DATE)


def _local_part(name: str) -> Callable:
    """hour / month / year of the local time."""
    return lambda c, args: _exp().func(name, _local(c, args[0]))


def _day_of_week(c, args):
    return _exp().DayOfWeekIso(this=_local(c, args[0]))


def _round(c, args):
    from ..emit.compile_expr import rounded

    return rounded(args[0], args[1] if len(args) > 1 else _exp().Literal.number(0))


def _variadic(cls_name: str) -> Callable:
    """coalesce / greatest / least: the first argument and the rest."""
    return lambda c, args: getattr(_exp(), cls_name)(this=args[0], expressions=args[1:])


def _if_sql(c, args):
    return _exp().If(this=args[0], true=args[1], false=args[2])


def _concat(c, args):
    return _exp().Concat(expressions=args)


def _nullif(c, args):
    return _exp().Nullif(this=args[0], expression=args[1])


def _seconds_between(c, args):
    exp = _exp()
    return exp.paren(exp.Sub(this=exp.TimeToUnix(this=args[0]), expression=exp.TimeToUnix(this=args[1])),
                     copy=False)


def _business_seconds_sql(c, args):
    return c.business.seconds(args[0], args[1], args[2])


def _business_add_sql(c, args):
    return c.business.add(args[0], args[1], args[2])


SCALARS: dict[str, Scalar] = {s.name: s for s in (
    Scalar("coalesce", (1, 16), _common, _variadic("Coalesce")),
    Scalar("if", (3, 3), _if, _if_sql),
    Scalar("lower", (1, 1), _first(("text",), "text"), _one("Lower")),
    Scalar("upper", (1, 1), _first(("text",), "text"), _one("Upper")),
    Scalar("length", (1, 1), _first(("text",), "integer"), _one("Length")),
    Scalar("concat", (1, 16), _always("text"), _concat),
    Scalar("now", (0, 0), _always("timestamp"), None, constant=_now),
    Scalar("sla_due_soon_until", (0, 0), _always("timestamp"), None, constant=_due_soon_until),
    Scalar("today", (0, 0), _always("date"), None, constant=_today),
    Scalar("date_trunc", (2, 2), _truncated, _date_trunc, raw=(0,), type_error=_needs_timestamp,
           literal=LiteralArg(0, _is_unit, "date_trunc() needs a unit: " + ", ".join(map(repr, TRUNC_UNITS)))),
    Scalar("date", (1, 1), _first(TIME, "date"), _date),
    Scalar("hour", (1, 1), _first(("timestamp",), "integer"), _local_part("hour")),
    Scalar("day_of_week", (1, 1), _first(TIME, "integer"), _day_of_week),
    Scalar("month", (1, 1), _first(TIME, "integer"), _local_part("month")),
    Scalar("year", (1, 1), _first(TIME, "integer"), _local_part("year")),
    Scalar("minutes", (1, 1), _numeric, _per(60)),
    Scalar("hours", (1, 1), _numeric, _per(3600)),
    Scalar("days", (1, 1), _numeric, _per(86400)),
    Scalar("round", (1, 2), _numeric, _round,
           literal=LiteralArg(1, _is_places, "round() takes a whole number of decimal places from 0 to "
                              f"{ROUND_PLACES}, e.g. round(x, 2)")),
    Scalar("abs", (1, 1), _abs, _one("Abs")),
    Scalar("floor", (1, 1), _numeric, _one("Floor")),
    Scalar("ceil", (1, 1), _numeric, _one("Ceil")),
    Scalar("greatest", (2, 16), _common, _variadic("Greatest")),
    Scalar("least", (2, 16), _common, _variadic("Least")),
    Scalar("nullif", (2, 2), _common, _nullif),
    Scalar("business_seconds", (2, 3), _business_seconds, _business_seconds_sql, raw=(2,), timestamps=(0, 1),
           calendar=2),
    Scalar("business_add", (2, 3), _business_add, _business_add_sql, raw=(2,), timestamps=(0,), calendar=2),
    Scalar(SECONDS_BETWEEN, (2, 2), _always("number"), _seconds_between, timestamps=(0, 1), internal=True),
)}


def callable_scalars() -> list[str]:
    """The scalar functions a spec may call (the internal ones are made by the checker)."""
    return [name for name, s in SCALARS.items() if not s.internal]
