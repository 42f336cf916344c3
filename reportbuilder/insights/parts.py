"""What a measure is made of: the additive aggregates its value is recombined from.

A measure's checked expression (named measures already expanded) is read as one of:

- additive: `k * (c1*A1 + c2*A2 ...)` over count/count_if/sum/sum_if aggregates. It adds
  up across groups, so a change splits into per-group contributions. `counts` when
  every term is a count (Poisson noise applies).
- ratio: `k * N / D` with N and D additive (csat, fcr_rate, the SLA shares, nps,
  utilization) or an average (`avg(x)` = sum(x) / count(x)). Groups combine through
  their numerators and denominators, never by averaging their rates.
  `proportion` when N's terms and D are counts: each answer falls in one category,
  so the rate has a binomial (one term: Wilson) or categorical (NPS: its own variance)
  error. `mean` for an average, with sum(x * x) run too for the variance of x.
- other (median, count_distinct, min, max, percentile...): no parts; only the value.

The parts are ordinary `Measure`s over the same `Agg` nodes (same grain), so a variant
of the report with them as measures runs through the normal planner.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..check.report import Measure
from ..check.resolved import Agg, Const
from ..expr import ast
from ..expr.aggregates import aggregate

_SCALES = {"minutes": 1 / 60, "hours": 1 / 3600, "days": 1 / 86400}

Terms = tuple[tuple[float, Agg], ...]  # a linear combination of additive aggregates


@dataclass(frozen=True)
class Decomposition:
    """`value = scale * sum(c * part for numerator) / sum(c * part for denominator)`
    (no denominator: additive). `square` is sum(x*x) of a mean's x, else None."""

    kind: str  # additive | ratio | other
    scale: float = 1.0
    numerator: Terms = ()
    denominator: Terms = ()
    counts: bool = False  # every numerator (and denominator) term is a count
    mean: Agg | None = None  # the avg's sum(x*x), when the measure is a mean

    @property
    def proportion(self) -> bool:
        return self.kind == "ratio" and self.counts

    @property
    def aggregates(self) -> tuple[Agg, ...]:
        """The distinct aggregates to run, in a fixed order."""
        out: list[Agg] = []
        for agg in [a for _, a in self.numerator + self.denominator] + ([self.mean] if self.mean else []):
            if agg not in out:
                out.append(agg)
        return tuple(out)


def decompose(expr) -> Decomposition:
    """The parts of a checked measure expression (see the module docstring)."""
    linear = _linear(expr)
    if linear is not None:
        return Decomposition("additive", 1.0, linear, (), _all_counts(linear))
    ratio = _ratio(expr)
    if ratio is not None:
        return ratio
    return Decomposition("other")


def part_measures(parts: tuple[Agg, ...], prefix: str) -> tuple[Measure, ...]:
    """One measure per aggregate, named `{prefix}{i}`."""
    return tuple(Measure(f"{prefix}{i}", agg, agg.type if _is_count(agg) else "number",
                         count_like=_is_count(agg)) for i, agg in enumerate(parts))


def combine(terms: Terms, values: dict) -> float | None:
    """The value of a linear combination, given each aggregate's value (null counts as 0)."""
    if not terms:
        return None
    return sum(c * float(values.get(agg) or 0) for c, agg in terms)


def _linear(node) -> Terms | None:
    if isinstance(node, Agg):
        return ((1.0, node),) if aggregate(node).additive else None
    if isinstance(node, ast.Unary) and node.op == "-":
        inner = _linear(node.operand)
        return _scaled(inner, -1.0)
    if isinstance(node, ast.Call) and node.name in _SCALES and len(node.args) == 1:
        return _scaled(_linear(node.args[0]), _SCALES[node.name])
    if isinstance(node, ast.Call) and node.name == "coalesce" and len(node.args) == 2 \
            and _number(node.args[1]) == 0:
        return _linear(node.args[0])  # an additive measure with no rows is 0 anyway
    if isinstance(node, ast.Binary) and node.op in "+-":
        left, right = _linear(node.left), _linear(node.right)
        if left is None or right is None:
            return None
        return left + (_scaled(right, -1.0) if node.op == "-" else right)
    factor, inner = _factor(node)
    if factor is not None:
        return _scaled(_linear(inner), factor)
    return None


def _ratio(node) -> Decomposition | None:
    factor, inner = _factor(node)
    if factor is not None:
        found = _ratio(inner)
        return None if found is None else _with_scale(found, factor)
    if isinstance(node, ast.Call) and node.name in _SCALES and len(node.args) == 1:
        found = _ratio(node.args[0])
        return None if found is None else _with_scale(found, _SCALES[node.name])
    if isinstance(node, ast.Binary) and node.op == "/":
        num, den = _linear(node.left), _linear(node.right)
        if num is None or den is None:
            return None
        return _normalized(Decomposition("ratio", 1.0, num, den, _all_counts(num) and _all_counts(den)))
    if isinstance(node, Agg) and aggregate(node).mean:
        return _mean(node)
    return None


def _mean(agg: Agg) -> Decomposition:
    """avg(x) = sum(x) / count(x); avg_if(x, c) = sum_if(x, c) / count_if(c and x is not null)."""
    x = agg.args[0]
    present = ast.IsNull(x, negated=True)
    if aggregate(agg).selector is None:  # avg
        total = Agg("sum", (x,), agg.grain, "number")
        n = Agg("count", (x,), agg.grain, "integer")
        square = Agg("sum", (_squared(x),), agg.grain, "number")
    else:
        cond = agg.args[1]
        total = Agg("sum_if", (x, cond), agg.grain, "number")
        n = Agg("count_if", (ast.Binary("and", cond, present),), agg.grain, "integer")
        square = Agg("sum_if", (_squared(x), cond), agg.grain, "number")
    return Decomposition("ratio", 1.0, ((1.0, total),), ((1.0, n),), False, square)


def _squared(x):
    """x * x as a double (1.0 * x * x): an integer square could overflow."""
    return ast.Binary("*", ast.Binary("*", Const(1.0, "number"), x), x)


def _factor(node) -> tuple[float | None, object]:
    """`c * x`, `x * c` or `x / c` with a number literal c: (c or 1/c, x)."""
    if isinstance(node, ast.Binary) and node.op == "*":
        if _number(node.left) is not None:
            return _number(node.left), node.right
        if _number(node.right) is not None:
            return _number(node.right), node.left
    if isinstance(node, ast.Binary) and node.op == "/" and _number(node.right):
        return 1.0 / _number(node.right), node.left
    return None, node


def _number(node) -> float | None:
    if isinstance(node, Const) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    return None


def _scaled(terms: Terms | None, factor: float) -> Terms | None:
    return None if terms is None else tuple((c * factor, agg) for c, agg in terms)


def _with_scale(found: Decomposition, factor: float) -> Decomposition:
    return replace(found, scale=found.scale * factor)


def _normalized(found: Decomposition) -> Decomposition:
    """The common factor of the numerator's terms (and a lone denominator's) moved into
    `scale`: `100 * A / B` is scale 100 over A / B, so A / B is a share."""
    factors = {abs(c) for c, _ in found.numerator}
    scale = found.scale
    numerator, denominator = found.numerator, found.denominator
    if len(factors) == 1 and 0 not in factors:
        k = factors.pop()
        scale, numerator = scale * k, _scaled(numerator, 1 / k)
    if len(denominator) == 1 and denominator[0][0] != 0:
        d = denominator[0][0]
        scale, denominator = scale / d, _scaled(denominator, 1 / d)
    return replace(found, scale=scale, numerator=numerator, denominator=denominator)


def _all_counts(terms: Terms) -> bool:
    return all(_is_count(agg) for _, agg in terms)


def _is_count(agg: Agg) -> bool:
    """An additive count (count, count_if): Poisson noise applies."""
    entry = aggregate(agg)
    return entry.count_like and entry.additive
