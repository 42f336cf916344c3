"""Stage `check`: RawSpec + Catalog -> Report, or every problem of the spec at once.

Example:
    >>> from reportbuilder.load.load_spec import load_spec_text
    >>> from reportbuilder.catalog.load_catalog import load_catalog
    >>> raw = load_spec_text("source: tickets\\ndimensions: [priority]\\nmeasures: [count() as n]\\n", "s.yaml")
    >>> check_spec(raw, load_catalog()).columns
    ('priority', 'n')
"""
from __future__ import annotations

from datetime import datetime, timezone

from ..catalog.model import Catalog
from ..errors import Diagnostic, Span, SpecError
from ..expr.parse_expr import ExprSyntaxError, parse_expression
from ..load.load_spec import RawSpec
from ..load.yaml_nodes import YMap, YScalar
from ..timeframe.zones import check_zone, zone_suggestions
from .check_parts import PartChecker
from .options import ReportOptions
from .report import Report
from .resolve_expr import suggest


def check_spec(raw: RawSpec, catalog: Catalog, options: ReportOptions = ReportOptions()) -> Report:
    """Validate names, types and shapes of a structurally valid spec."""
    root = raw.root
    problems: list[Diagnostic] = []
    source = _source(root, catalog, problems)
    tz = _timezone(root, catalog, options, raw.file, problems)
    if source is None or problems:
        raise SpecError(tuple(problems))
    now = options.now_utc or datetime.now(timezone.utc).replace(tzinfo=None)
    parts = PartChecker(raw, catalog, source, tz, now, options, problems)
    report = parts.build(raw.stem)
    if problems:
        raise SpecError(tuple(problems))
    return report


def _source(root: YMap, catalog: Catalog, problems) -> str | None:
    node = root.get("source")
    name = node.value
    if catalog.entity(name) is None:
        close = suggest(name, catalog.entity_names)
        hint = ("did you mean '" + close[0] + "'?") if close else "sources: " + ", ".join(catalog.entity_names)
        problems.append(Diagnostic("unknown-source", f"unknown source '{name}'; {hint}", node.span, hint, close))
        return None
    return name


def _timezone(root: YMap, catalog: Catalog, options: ReportOptions, file: str, problems) -> str:
    """The spec's `timezone:`, else --timezone, else the workspace's, else UTC."""
    node = root.get("timezone")
    if node is not None:
        name, span = node.value, node.span
    elif options.timezone:
        name, span = options.timezone, Span("--timezone", 1, 1)
    else:
        name, span = catalog.timezone, Span(file, 1, 1)
    if not check_zone(name):
        close = tuple(zone_suggestions(name))
        hint = ("did you mean '" + close[0] + "'?") if close else "use an IANA name such as Europe/Paris"
        problems.append(Diagnostic("unknown-timezone", f"unknown time zone '{name}'; {hint}", span, hint, close))
    return name


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

