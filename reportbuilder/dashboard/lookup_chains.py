"""Lookups whose SQL shares its chain, computed in one pass: one SELECT with a value column per lookup.

Two sql-derived fields often differ only in their final SELECT list (`messages.reply_time` and
`messages.reply_started_at` run the same WITH chain, two window passes over all messages, and pick
another column). A dashboard computing both pays that chain twice. Lookups with the same
`chain` (WITH, FROM, JOINs, key, and everything that decides which rows come out) are one pass:

    SELECT key, <value 1> AS v_<field 1>, <value 2> AS v_<field 2> ... FROM <the shared chain>

and each lookup reads `SELECT key, v_<field> AS value FROM <table>`. When their WHEREs differ (a
plain SELECT only: no grouping, aggregate or window, whose rows the WHERE alone decides), the
table keeps the union of their rows, with a flag per lookup saying whether the row is one of its
own (`in_<field>`, its WHERE, false where null), and its value is computed on its own rows only
(`CASE WHEN <its WHERE> THEN <value> END`, so no value is evaluated on a row its query never saw).
Each lookup then reads `... WHERE in_<field>`: exactly the rows and values of its own query.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

KEY, VALUE = "key", "value"  # the columns of every lookup (emit/join_sql.py joins on them)
_ROWS_DECIDED_ELSEWHERE = ("group", "having", "qualify")


@dataclass
class Lookup:
    """One filled lookup query and the (panel, CTE name) pairs that read it."""

    entity: str
    field: str
    body: exp.Expression
    readers: list[tuple[int, str]] = field(default_factory=list)


def chain(lookup: Lookup) -> str | None:
    """What lookups must have in common to be one pass: the entity and the query less its value (and
    less its WHERE when the WHERE alone decides its rows), or None for a query that cannot be combined."""
    body = lookup.body
    if not isinstance(body, exp.Select) or any(body.args.get(a) for a in ("distinct", "limit", "offset", "order")):
        return None  # DISTINCT over more columns keeps more rows; a LIMIT picks rows by position
    key, value = _parts(body)
    if key is None or value is None:
        return None
    rest = body.copy()
    rest.set("expressions", [key.copy()])
    plain = _plain(body)
    if plain:
        rest.set("where", None)
    return f"{lookup.entity} {'plain' if plain else 'whole'} {rest.sql('duckdb')}"


def combined(lookups: list[Lookup]) -> tuple[exp.Select, list[tuple[str, str | None]]]:
    """One SELECT computing every lookup of one chain, and for each lookup the column of its value
    and the column of its flag (None when the table holds only its rows)."""
    conditions = [_where(lookup.body) for lookup in lookups]
    same = len({c.sql("duckdb") if c is not None else "" for c in conditions}) == 1
    key, _ = _parts(lookups[0].body)
    select = lookups[0].body.copy()
    select.set("expressions", [key.copy()])
    columns, taken = [], set()
    for lookup, condition in zip(lookups, conditions):
        column = _fresh(f"v_{lookup.field}", taken)
        value = _parts(lookup.body)[1].this.copy()
        if same or condition is None:
            select.select(exp.alias_(value, column), copy=False)
            columns.append((column, None))
            continue
        flag = _fresh(f"in_{lookup.field}", taken)
        guarded = exp.Case(ifs=[exp.If(this=condition.copy(), true=value)])
        select.select(exp.alias_(guarded, column), copy=False)
        select.select(exp.alias_(exp.Coalesce(this=condition.copy(), expressions=[exp.false()]), flag), copy=False)
        columns.append((column, flag))
    if not same:
        select.set("where", None if any(c is None for c in conditions)
                   else exp.Where(this=exp.or_(*[c.copy() for c in conditions])))
    return select, columns


def read(table: str, column: str, flag: str | None) -> exp.Select:
    """One lookup's rows from the combined table: `SELECT key, <column> AS value FROM table [WHERE flag]`."""
    rows = exp.select(exp.column(KEY), exp.alias_(exp.column(column), VALUE)).from_(exp.to_table(table))
    return rows.where(exp.column(flag)) if flag is not None else rows


def _parts(body: exp.Select) -> tuple[exp.Expression | None, exp.Alias | None]:
    """The key and the (aliased) value of a lookup's SELECT list, None where it is not `key, value`."""
    named = {e.alias_or_name: e for e in body.expressions}
    if len(body.expressions) != 2 or set(named) != {KEY, VALUE} or not isinstance(named[VALUE], exp.Alias):
        return None, None
    return named[KEY], named[VALUE]


def _plain(body: exp.Select) -> bool:
    """Whether the WHERE alone decides the rows and each row's values (no grouping, aggregate or
    window in the final SELECT): then rows of a wider WHERE can be filtered out again afterwards."""
    if any(body.args.get(a) for a in _ROWS_DECIDED_ELSEWHERE):
        return False
    return not any(e.find(exp.AggFunc, exp.Window) for e in body.expressions)


def _where(body: exp.Select) -> exp.Expression | None:
    where = body.args.get("where")
    return where.this if where is not None else None


def _fresh(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3` ... when a column of that name is already there (one field
    filled with two report nows)."""
    candidate, n = name, 1
    while candidate in taken or candidate in (KEY, VALUE):
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate
