"""Which aggregates of a measure a drill-down lists rows for, and at which grain.

A measure is arithmetic over aggregates. It is a **ratio** when, below scalings by
constants and one-argument wrappers (`100.0 * ...`, `hours(...)`, `coalesce(x, 0)`), it is
`N / D` with aggregates on both sides: `fcr_rate`, `csat`, `nps`, the SLA rates. Its
numerator's aggregates and its denominator's are then the two parts a caller may pick.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..check.report import Report
from ..check.resolved import Agg, Const, NodePath
from ..errors import Diagnostic, SpecError
from ..expr import ast
from ..plan.paths import walk
from .cell import did_you_mean

PARTS = ("numerator", "denominator")


@dataclass(frozen=True)
class MeasureParts:
    """The aggregates a measure reads, split into numerator and denominator for a ratio."""

    name: str
    aggregates: tuple[Agg, ...]
    numerator: tuple[Agg, ...] = ()
    denominator: tuple[Agg, ...] = ()

    @property
    def is_ratio(self) -> bool:
        return bool(self.numerator)

    def chosen(self, part: str | None) -> tuple[Agg, ...]:
        return self.aggregates if part is None else getattr(self, part)


def _aggregates(expr) -> tuple[Agg, ...]:
    found = []
    for node in walk(expr):
        if isinstance(node, Agg) and node not in found:
            found.append(node)
    return tuple(found)


def _ratio(expr):
    """(numerator, denominator) expressions of a ratio measure, else None."""
    while True:
        if isinstance(expr, ast.Binary) and expr.op in ("*", "/"):
            left, right = _aggregates(expr.left), _aggregates(expr.right)
            if expr.op == "/" and left and right:
                return expr.left, expr.right
            if left and right:
                return None
            expr = expr.left if left else expr.right
        elif isinstance(expr, ast.Unary) and expr.op == "-":
            expr = expr.operand
        elif isinstance(expr, ast.Call):
            inner = [a for a in expr.args if _aggregates(a)]
            others = [a for a in expr.args if not _aggregates(a)]
            if len(inner) != 1 or not all(isinstance(a, Const) for a in others):
                return None
            expr = inner[0]
        else:
            return None


def measure_parts(report: Report, name: str | None) -> MeasureParts:
    """The parts of measure `name` (default: the first). Unknown names are usage errors."""
    if name is None:
        if not report.measures:
            return MeasureParts("", ())
        measure = report.measures[0]
    else:
        measure = next((m for m in report.measures if m.name == name), None)
        if measure is None:
            known = [m.name for m in report.measures]
            raise SpecError((Diagnostic("unknown-measure", f"the report has no measure '{name}'"
                                        + did_you_mean(name, known, "measures")),))
    ratio = _ratio(measure.expr)
    if ratio is None:
        return MeasureParts(measure.name, _aggregates(measure.expr))
    return MeasureParts(measure.name, _aggregates(measure.expr), _aggregates(ratio[0]), _aggregates(ratio[1]))


def grain_of(parts: MeasureParts, part: str | None, source_grain: NodePath = ()) -> NodePath:
    """The one node whose rows the chosen aggregates run over (the source when there are none)."""
    if part is not None and not parts.is_ratio:
        raise SpecError((Diagnostic("not-a-ratio", f"--part {part}: measure '{parts.name}' is not a ratio "
                                    "of aggregates; leave --part out"),))
    grains = sorted({a.grain for a in parts.chosen(part)}, key=lambda p: (len(p), p))
    if not grains:
        return source_grain
    if len(grains) > 1:
        shown = ", ".join(".".join(g) or "the source" for g in grains)
        hint = ("; choose one side with --part numerator or --part denominator"
                if part is None and parts.is_ratio else "")
        raise SpecError((Diagnostic("mixed-grains", f"measure '{parts.name}' aggregates rows of several "
                                    f"entities ({shown}): no one list of rows is behind it{hint}"),))
    return grains[0]
