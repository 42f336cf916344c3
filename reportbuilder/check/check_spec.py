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
from ..load.load_spec import RawSpec
from ..load.yaml_nodes import YMap
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
    report = parts.report(raw.stem)
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
