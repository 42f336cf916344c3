"""The aggregate functions of the expression language: one entry each, asked by every stage.

The checker reads arity, argument roles and result types; the planner reads `count_like`
and `combinable`; the SQL builder reads `call`, the per-part calls and their combination;
drill-down and insights read the argument roles and `additive`. Adding an aggregate is one
entry here plus its tests (ARCHITECTURE.md, "How to add an aggregate").

SQL builders receive the compiled inputs (`Aggregate.inputs` of the checked call, in that
order) and import sqlglot only when called, so checking a spec needs no SQL library.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

NUMERIC = ("integer", "number")
ORDERED = ("integer", "number", "text", "timestamp", "date")

# How the result type follows from the argument types.
COUNT = "count"      # integer
SAME = "same"        # the (orderable or boolean) value's own type
SUM = "sum"          # integer for integers, else number
NUMBER = "number"    # number


@dataclass(frozen=True)
class Aggregate:
    name: str
    arity: tuple[int, int]
    returns: str
    call: Callable  # (agg, inputs) -> the SQL aggregate over the grain's rows
    count_like: bool = False  # a group without rows shows 0, not null
    additive: bool = False  # adds up across disjoint groups (insights split changes by it)
    conditions: tuple[int, ...] = ()  # arguments that are conditions (type boolean)
    selector: int | None = None  # a condition that only picks rows: it does not decide the grain
    rows_arg: bool = False  # the first argument may name an entity: count its rows
    fraction: int | None = None  # a constant argument between 0 and 1, not an input
    parts: Callable | None = None  # (agg, inputs) -> per-part calls; None: not combinable
    combine: Callable | None = None  # (agg, part columns) -> the aggregate over all parts

    @property
    def combinable(self) -> bool:
        """Computable per part of the rows and then combined (plan.merge_steps, eager aggregation)."""
        return self.parts is not None

    @property
    def part_count(self) -> int:
        """How many per-part columns `parts` gives."""
        return 2 if self.mean else 1

    @property
    def mean(self) -> bool:
        """A sum over a count: combined from two parts, and a ratio for insights."""
        return self.parts is _mean_parts

    def counts_rows(self, agg) -> bool:
        """`count()`: the rows of its grain themselves, not the non-null values of an argument."""
        return self.name == "count" and not agg.args

    def inputs(self, agg) -> list:
        """The row-level expressions `agg` consumes: its arguments without the constant fraction;
        `count()` reads its grain's key."""
        from ..check.resolved import EntityRef

        if self.counts_rows(agg):
            return [EntityRef(agg.grain, "")]
        return [a for i, a in enumerate(agg.args) if i != self.fraction]

    def grain_args(self, args) -> list:
        """The arguments whose rows the aggregate runs over (all but the row selector)."""
        return [a for i, a in enumerate(args) if i != self.selector]

    def value_input(self, agg) -> int | None:
        """The index in `inputs` of the value read (None when only conditions are read)."""
        count = len(self.inputs(agg))
        values = [i for i in range(count) if i not in self.conditions]
        return values[0] if values else None

    def boolean_input(self, agg, index: int) -> bool:
        """Input `index` is a boolean: reduced per grain row with BOOL_OR, not MAX."""
        return index in self.conditions or (self.returns == SAME and agg.type == "boolean")

    def result_type(self, types: list[str]) -> str:
        """The result type, the argument types already checked (see `check_types`)."""
        if self.returns == COUNT:
            return "integer"
        if self.returns == SAME:
            return types[0]
        if self.returns == SUM and types[0] == "integer":
            return "integer"
        return "number"

    def type_error(self, types: list[str]) -> tuple[int, str] | None:
        """(argument index, message) for the first argument of the wrong type, else None."""
        for i in self.conditions:
            if types[i] not in ("boolean", "null"):
                return i, (f"{self.name}() needs a condition" if i == 0
                           else f"the second argument of {self.name}() must be a condition")
        if self.returns == SAME:
            if types[0] not in ORDERED + ("boolean", "null"):
                return 0, f"{self.name}() of a {types[0]} value"
        elif self.returns != COUNT and types[0] not in NUMERIC + ("null",):
            return 0, f"{self.name}() needs a number, not a {types[0]} value"
        return None


# -- SQL ------------------------------------------------------------------------------

def _exp():
    from sqlglot import exp

    return exp


def _picked(inputs):
    """The value where the condition holds (CASE WHEN cond THEN value END)."""
    exp = _exp()
    return exp.Case(ifs=[exp.If(this=inputs[1], true=inputs[0])])


def _count(agg, inputs):
    return _exp().Count(this=inputs[0])


def _count_distinct(agg, inputs):
    exp = _exp()
    return exp.Count(this=exp.Distinct(expressions=[inputs[0]]))


def _count_if(agg, inputs):  # COUNT_IF of only-null conditions is NULL in DuckDB; a count is 0
    exp = _exp()
    return exp.Count(this=exp.Case(ifs=[exp.If(this=inputs[0], true=exp.Literal.number(1))]))


def _sum(agg, inputs):
    return _exp().Sum(this=inputs[0])


def _avg(agg, inputs):
    return _exp().Avg(this=inputs[0])


def _sum_if(agg, inputs):
    return _exp().Sum(this=_picked(inputs))


def _avg_if(agg, inputs):
    return _exp().Avg(this=_picked(inputs))


def _min(agg, inputs):  # Postgres has no MIN/MAX(boolean); BOOL_AND/BOOL_OR mean the same
    exp = _exp()
    return (exp.LogicalAnd if agg.type == "boolean" else exp.Min)(this=inputs[0])


def _max(agg, inputs):
    exp = _exp()
    return (exp.LogicalOr if agg.type == "boolean" else exp.Max)(this=inputs[0])


def _median(agg, inputs):
    return _exp().Median(this=inputs[0])


def _percentile(agg, inputs):
    exp = _exp()
    return exp.PercentileCont(this=inputs[0], expression=exp.Literal.number(repr(float(agg.args[1].value))))


def _same_parts(agg, inputs):
    """One part: the aggregate itself (counts, sums, minima and maxima of each part)."""
    return [AGGREGATES[agg.func].call(agg, inputs)]


def _mean_parts(agg, inputs):
    """Two parts: the sum of the values and how many there are."""
    exp = _exp()
    value = _picked(inputs) if len(inputs) > 1 else inputs[0]
    return [exp.Sum(this=value), exp.Count(this=value.copy())]


def _sum_of_counts(agg, parts):  # a group without parts counts 0
    exp = _exp()
    total = exp.Coalesce(this=exp.Sum(this=parts[0]), expressions=[exp.Literal.number(0)])
    return exp.cast(total, exp.DataType.Type.BIGINT)


def _sum_of_sums(agg, parts):
    return _exp().Sum(this=parts[0])


def _again(agg, parts):
    """The minimum of minima, the maximum of maxima."""
    return AGGREGATES[agg.func].call(agg, parts)


def _mean_of_parts(agg, parts):
    exp = _exp()
    count = exp.Nullif(this=exp.Sum(this=parts[1]), expression=exp.Literal.number(0))
    return exp.Div(this=exp.cast(exp.Sum(this=parts[0]), exp.DataType.Type.DOUBLE), expression=count)


AGGREGATES: dict[str, Aggregate] = {a.name: a for a in (
    Aggregate("count", (0, 1), COUNT, _count, count_like=True, additive=True, rows_arg=True,
              parts=_same_parts, combine=_sum_of_counts),
    Aggregate("count_distinct", (1, 1), COUNT, _count_distinct, count_like=True, rows_arg=True),
    Aggregate("count_if", (1, 1), COUNT, _count_if, count_like=True, additive=True, conditions=(0,),
              parts=_same_parts, combine=_sum_of_counts),
    Aggregate("sum", (1, 1), SUM, _sum, additive=True, parts=_same_parts, combine=_sum_of_sums),
    Aggregate("sum_if", (2, 2), SUM, _sum_if, additive=True, conditions=(1,), selector=1,
              parts=_same_parts, combine=_sum_of_sums),
    Aggregate("avg", (1, 1), NUMBER, _avg, parts=_mean_parts, combine=_mean_of_parts),
    Aggregate("avg_if", (2, 2), NUMBER, _avg_if, conditions=(1,), selector=1,
              parts=_mean_parts, combine=_mean_of_parts),
    Aggregate("min", (1, 1), SAME, _min, parts=_same_parts, combine=_again),
    Aggregate("max", (1, 1), SAME, _max, parts=_same_parts, combine=_again),
    Aggregate("median", (1, 1), NUMBER, _median),
    Aggregate("percentile", (2, 2), NUMBER, _percentile, fraction=1),
)}


def aggregate(agg) -> Aggregate:
    """The table entry of a checked aggregate call."""
    return AGGREGATES[agg.func]
