"""Checked expressions -> sqlglot expressions.

The compiler knows operators and asks the table of scalar functions (expr.scalars) for
calls; how a field, a node's row key, an aggregate slot or an output column is spelled in
SQL is given by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlglot import exp

from ..calendars.sql import BusinessSql
from ..check.resolved import Agg, Const, EntityRef, Field, OutputRef
from ..expr import ast
from ..expr.scalars import SCALARS
from ..plan.query_plan import Slot
from .literals import sql_literal

_COMPARE = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
_ARITH = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}


def rounded(value: exp.Expression, places: exp.Literal) -> exp.Expression:
    """round(x, n) of the report language, the same on every engine: the shortest decimal
    spelling of the double x (the one that reads back as x, so 2.675 and not the binary
    2.67499999...) rounded half away from zero to n places, as a spreadsheet does.

    Each engine spells a double that way when casting it to text; DECIMAL(38, 18) holds that
    spelling exactly below 10^17, and from 2^53 on every double is a whole number already.
    """
    spelled = exp.cast(exp.cast(value.copy(), exp.DataType.Type.VARCHAR), exp.DataType.build("DECIMAL(38, 18)"))
    exact = exp.cast(exp.Round(this=spelled, decimals=places), exp.DataType.Type.DOUBLE)
    small = exp.LT(this=exp.Abs(this=value.copy()), expression=exp.Literal.number("1e17"))
    return exp.Case(ifs=[exp.If(this=small, true=exact)], default=value)


def safe_divide(left: exp.Expression, right: exp.Expression) -> exp.Expression:
    """left / right as a float, null where right is 0 (never an error or infinity)."""
    return exp.paren(exp.Div(this=exp.cast(left, exp.DataType.Type.DOUBLE),
                             expression=exp.Nullif(this=right, expression=exp.Literal.number(0))), copy=False)


@dataclass
class ExprCompiler:
    tz: str
    week_start: str
    field: Callable[[Field], exp.Expression]
    key: Callable[[tuple], exp.Expression] | None = None
    slot: Callable[[Slot], exp.Expression] | None = None
    output: Callable[[OutputRef], exp.Expression] | None = None
    business: BusinessSql | None = None  # business_seconds / business_add (and their relations)

    def compile(self, node) -> exp.Expression:
        if isinstance(node, Const):
            return sql_literal(node.value, node.type)
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, EntityRef):
            return self.key(node.path)
        if isinstance(node, Slot):
            return self.slot(node)
        if isinstance(node, OutputRef):
            return self.output(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Unary):
            inner = operand(self.compile(node.operand))
            return exp.Not(this=inner) if node.op == "not" else exp.Neg(this=inner)
        if isinstance(node, ast.Binary):
            return self._binary(node)
        if isinstance(node, ast.InList):
            test = exp.In(this=operand(self.compile(node.operand), "predicate"),
                          expressions=[self.compile(i) for i in node.items])
            return exp.Not(this=exp.paren(test, copy=False)) if node.negated else test
        if isinstance(node, ast.Between):
            test = exp.Between(this=operand(self.compile(node.operand), "predicate"),
                               low=operand(self.compile(node.low), "predicate"),
                               high=operand(self.compile(node.high), "predicate"))
            return exp.Not(this=exp.paren(test, copy=False)) if node.negated else test
        if isinstance(node, ast.IsNull):
            test = exp.Is(this=operand(self.compile(node.operand), "predicate"), expression=exp.Null())
            return exp.Not(this=exp.paren(test, copy=False)) if node.negated else test
        if isinstance(node, ast.Case):
            ifs = [exp.If(this=self.compile(c), true=self.compile(v)) for c, v in node.whens]
            default = self.compile(node.default) if node.default is not None else None
            return exp.Case(ifs=ifs, default=default)
        if isinstance(node, Agg):
            raise TypeError("aggregates are compiled by the step builder")
        raise TypeError(node)

    def _binary(self, node) -> exp.Expression:
        context = node.op if node.op in ("and", "or") else (
            "predicate" if node.op in _COMPARE or node.op in ("like", "ilike") else "arithmetic")
        left, right = operand(self.compile(node.left), context), operand(self.compile(node.right), context)
        if node.op == "and":
            return exp.And(this=left, expression=right)
        if node.op == "or":
            return exp.Or(this=left, expression=right)
        if node.op == "like":
            return exp.Like(this=left, expression=right)
        if node.op == "ilike":
            return exp.ILike(this=left, expression=right)
        if node.op in _COMPARE:
            return _COMPARE[node.op](this=left, expression=right)
        if node.op == "/":
            return safe_divide(left, right)
        if node.op == "%":
            return exp.Mod(this=left, expression=exp.Nullif(this=right, expression=exp.Literal.number(0)))
        return _ARITH[node.op](this=left, expression=right)

    def _call(self, node) -> exp.Expression:
        """A scalar call: its arguments prepared as its table entry (expr.scalars) asks, then its SQL."""
        entry = SCALARS[node.name]
        args = [a.value if i in entry.raw else self._as_timestamp(a) if i in entry.timestamps else self.compile(a)
                for i, a in enumerate(node.args)]
        return entry.sql(self, args)

    def _as_timestamp(self, node) -> exp.Expression:
        """`node` compiled as a timestamp: a constant is cast (its literal alone may read as text)."""
        compiled = self.compile(node)
        return exp.cast(compiled, exp.DataType.Type.TIMESTAMP) if isinstance(node, Const) else compiled


_ATOMS = (exp.Column, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Func, exp.Cast, exp.Interval)
_PREDICATES = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ, exp.Is, exp.In,
               exp.Between, exp.Like, exp.ILike, exp.Not)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg)


def operand(e: exp.Expression, context: str = "unary") -> exp.Expression:
    """`e` as an operand in `context` (and, or, predicate, arithmetic, unary), parenthesised
    unless it binds tighter: sqlglot prints trees without adding parentheses, so `not (a and b)`
    or `(a = b) = true` would otherwise print with another meaning."""
    if isinstance(e, _ATOMS) and not isinstance(e, exp.Connector):  # And/Or are Funcs in sqlglot
        return e
    tighter = {
        "and": _PREDICATES + _ARITHMETIC + (exp.And,),
        "or": _PREDICATES + _ARITHMETIC + (exp.And, exp.Or),
        "predicate": _ARITHMETIC,
    }.get(context, ())
    return e if isinstance(e, tighter) else exp.paren(e, copy=False)
