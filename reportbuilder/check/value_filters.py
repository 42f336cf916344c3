"""Filters given as (field path, value) pairs, added to an already checked report.

A dashboard panel is its report checked once, then narrowed along the paths the check named
(`Report.dashboard_filters`): `path = value`, or `path in (values)` for a list. Each condition
is built as an expression tree and resolved by the checker's own Resolver in the report's
scope, so the report is the one `--filter "path = 'value'"` would give, without writing the
value into text to parse again: it reaches SQL only as a literal.

Example:
    >>> from reportbuilder.catalog.load_catalog import load_catalog
    >>> from reportbuilder.check.check_spec import check_spec
    >>> from reportbuilder.load.load_spec import load_spec_text
    >>> catalog = load_catalog()
    >>> report = check_spec(load_spec_text("source: tickets\\nmeasures: [count() as n]\\n", "s.yaml"), catalog)
    >>> len(with_value_filters(report, [("channel", "it's -- here")], catalog).filters)
    1
"""
from __future__ import annotations

from dataclasses import replace

from ..catalog.model import Catalog
from ..errors import Span, SpecError
from ..expr import ast
from ..expr.parse_expr import parse_expression
from .report import Report
from .resolve_expr import ROW, Problem, Resolver, Scope

WHERE = "dashboard filter"  # the file name of a problem's position (none is expected: paths are checked)


def with_value_filters(report: Report, pairs, catalog: Catalog, hidden: frozenset = frozenset()) -> Report:
    """`report` with `path = value` (a list or tuple of values: `path in (...)`) ANDed after its
    own filters for each (path, value) of `pairs`, in order; `hidden`: the viewer's hidden
    fields, as when the report was checked. A path that does not resolve is a SpecError."""
    if not pairs:
        return report
    scope = Scope(catalog, report.source, report.timezone, report.now_utc, lambda pos: Span(WHERE, *pos),
                  measures=tuple(m.name for m in report.measures), hidden=hidden)
    resolver = Resolver(scope)
    added = []
    for path, value in pairs:
        try:
            expr, _ = resolver.resolve(condition(path, value), ROW)
        except Problem as problem:
            raise SpecError((problem.diagnostic,)) from None
        added.append(expr)
    return replace(report, filters=report.filters + tuple(added))


def condition(path: str, value) -> ast.Binary | ast.InList:
    """The unresolved condition comparing the field at `path` with `value` (text, or a list of texts)."""
    field = parse_expression(path)
    if isinstance(value, (list, tuple)):
        return ast.InList(field, tuple(ast.Literal(str(v), "string") for v in value))
    return ast.Binary("=", field, ast.Literal(str(value), "string"))
