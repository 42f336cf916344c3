"""Expressions held by YAML scalars: parsed, with positions mapped back into the spec file.

Shared by the part checker, dashboard filter paths and access filters (a module of its own so
that check_parts does not import check_spec, which imports check_parts).
"""
from __future__ import annotations

from ..errors import Diagnostic, Span
from ..expr.parse_expr import ExprSyntaxError, parse_expression
from ..load.yaml_nodes import YScalar


def expression_locator(scalar: YScalar, source: str = ""):
    """Map a position inside an expression string to its place in the spec file.

    The scalar's source text is aligned with its value character by character, so quotes,
    escapes, folded lines and block indentation are accounted for.
    """
    value = scalar.value if isinstance(scalar.value, str) else ""
    raw = source[scalar.start:scalar.end] if source and scalar.end > scalar.start else ""
    base_col = scalar.span.column + (1 if scalar.quoted else 0)

    def locate(pos):
        line, col = pos
        if raw:
            offset = _value_offset(value, line, col)
            at = scalar.start + _raw_offset(raw, value, offset)
            before = source[:at]
            return Span(scalar.span.file, before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1)
        if line == 1:
            return Span(scalar.span.file, scalar.span.line, base_col + col - 1)
        return Span(scalar.span.file, scalar.span.line + line - 1, col)

    return locate


def _value_offset(value: str, line: int, col: int) -> int:
    offset = 0
    for _ in range(line - 1):
        newline = value.find("\n", offset)
        if newline < 0:
            break
        offset = newline + 1
    return offset + col - 1


def _raw_offset(raw: str, value: str, target: int) -> int:
    """Where the value's character `target` stands in the raw scalar text (greedy alignment)."""
    r = 0
    for i, ch in enumerate(value[:target + 1]):
        while r < len(raw) and raw[r] != ch:
            r += 1
        if r >= len(raw):
            return len(raw)
        if i == target:
            return r
        r += 1
    return min(r, len(raw))


def parse_scalar(scalar: YScalar, aliased: bool, problems, source: str = ""):
    """Parse the expression held by a scalar; None (and a diagnostic) on a syntax error."""
    text = scalar.value if isinstance(scalar.value, str) else _literal_text(scalar.value)
    try:
        return parse_expression(text, aliased=aliased)
    except ExprSyntaxError as exc:
        span = expression_locator(scalar, source)((exc.line, exc.column))
        problems.append(Diagnostic("expr-syntax", f"invalid expression: {exc.message}", span))
        return None


def _literal_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

