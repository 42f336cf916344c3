"""To-many filters as existence tests: `tickets.id IN (SELECT ticket_id FROM conversations ...)`.

A filter on a one-to-many branch of the join tree (`conversations.messages.sender_type =
'bot'`) keeps the rows that have at least one matching joined row. A step whose aggregates
read nothing of that branch need not join it at all (joining repeats its rows, which then
must be made distinct again): it keeps the rows whose key is among the matching rows' links.
A branch qualifies when no dimension or date range reads it, every filter reads either
only that branch or nothing of it (the filters of one branch must hold on the same joined row),
and they are false on the null row an outer join gives a parent without branch rows
(`conversations.id is null` keeps tickets without conversations: no existence test).
"""
from __future__ import annotations

from dataclasses import replace

from ..catalog.model import Catalog
from ..catalog.join_graph import relationships_of
from ..check.report import Report
from ..check.resolved import Field
from ..expr import ast
from .paths import by_depth, closed, node_paths, repeats_grain
from .query_plan import AggregateStep, ExistenceFilter, joined_rows


def semi_join_candidates(report: Report, catalog: Catalog, row_nodes: set) -> tuple[ExistenceFilter, ...]:
    """The branches of the join tree that the report's filters only test for existence."""
    filter_paths = [set(node_paths(f)) for f in report.filters]
    kept = [p for d in report.dimensions for p in node_paths(d.expr)]
    if report.window is not None:
        kept += list(node_paths(report.window.field))
    found = []
    for path in sorted(row_nodes, key=lambda p: (len(p), p)):
        if not path or any(under(path, s.path) for s in found):
            continue
        if not relationships_of(catalog, report.source, path)[-1].to_many or any(under(p, path) for p in kept):
            continue
        inside = [i for i, paths in enumerate(filter_paths) if paths and all(under(p, path) for p in paths)]
        mixed = any(any(under(p, path) for p in paths) and i not in inside for i, paths in enumerate(filter_paths))
        if inside and not mixed and any(_rejects_nulls(report.filters[i], path) for i in inside):
            nodes = {p[:k] for i in inside for p in filter_paths[i] for k in range(len(path), len(p) + 1)}
            found.append(ExistenceFilter(path, tuple(inside), tuple(sorted(nodes, key=lambda p: (len(p), p)))))
    return tuple(found)


def tested_not_joined(step: AggregateStep, candidates: tuple[ExistenceFilter, ...], catalog: Catalog,
                      source: str) -> AggregateStep:
    """`step` testing each candidate branch its grain and aggregates do not read, instead of
    joining it; its row shape then only guards against the joins left."""
    read = closed([step.grain]) | closed(p for _, agg in step.aggregates for x in agg.args for p in node_paths(x))
    semis = tuple(s for s in candidates if not any(under(p, s.path) for p in read))
    if not semis:
        return step
    nodes = {n for n in step.nodes if not any(under(n, s.path) for s in semis)}
    return replace(step, nodes=by_depth(nodes), existence=semis,
                   rows=joined_rows(repeats_grain(catalog, source, step.grain, nodes)))


def under(path: tuple, top: tuple) -> bool:
    """True when `path` is `top` or below it in the join tree."""
    return path[:len(top)] == top


_COMPARISONS = frozenset({"=", "!=", "<>", "<", "<=", ">", ">=", "like", "ilike"})
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})


def _rejects_nulls(expr, top: tuple) -> bool:
    """True when `expr` is never true while the branch `top`'s stored columns are all null."""
    if isinstance(expr, ast.Binary) and expr.op == "and":
        return _rejects_nulls(expr.left, top) or _rejects_nulls(expr.right, top)
    if isinstance(expr, ast.Binary) and expr.op in _COMPARISONS:
        return _null_with(expr.left, top) or _null_with(expr.right, top)
    if isinstance(expr, (ast.InList, ast.Between)) or (isinstance(expr, ast.IsNull) and expr.negated):
        return _null_with(expr.operand, top)
    return False


def _null_with(expr, top: tuple) -> bool:
    """True when `expr` is null whenever the branch's stored columns are (a strict expression)."""
    if isinstance(expr, Field):
        return under(expr.path, top) and expr.column.sql is None
    if isinstance(expr, ast.Binary) and expr.op in _ARITHMETIC:
        return _null_with(expr.left, top) or _null_with(expr.right, top)
    if isinstance(expr, ast.Unary) and expr.op == "-":
        return _null_with(expr.operand, top)
    return False

