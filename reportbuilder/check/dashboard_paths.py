"""The path each dashboard-wide filter takes from a report's source.

The source entity's catalog `dashboard_filters` give the defaults; the spec's own
`dashboard_filters:` replace them key by key (`null`: the filter does not apply to this
report, and a dashboard that sets it shows the panel as an error). Every path is checked
here, so a wrong one is a positioned error of `rb validate`, not a surprise on a dashboard.
"""
from __future__ import annotations

from ..catalog.model import DASHBOARD_FILTER_KEYS
from ..errors import Diagnostic, Span
from ..load.yaml_nodes import YMap, YScalar
from .scalar_expr import parse_scalar
from .resolve_expr import ROW
from .resolved import Field


def dashboard_paths(checker) -> tuple[tuple[str, str | None], ...]:
    """(key, field path or None) for every dashboard filter the source or the spec names."""
    entity = checker.catalog.entity(checker.source)
    named = {key: (path, None) for key, path in entity.dashboard_filters}
    node = checker.root.get("dashboard_filters")
    if isinstance(node, YMap):
        named.update({key.value: (value.value, value) for key, value in node.items if isinstance(value, YScalar)})
    out = []
    for key in DASHBOARD_FILTER_KEYS:
        if key not in named:
            continue
        path, scalar = named[key]
        if path is not None and not _is_text_field(checker, path, scalar, key):
            continue
        out.append((key, path))
    return tuple(out)


def _is_text_field(checker, path: str, scalar: YScalar | None, key: str) -> bool:
    where = scalar if scalar is not None else YScalar(path, Span(f"catalog: {checker.source}.dashboard_filters", 1, 1))
    before = len(checker.problems)
    node = parse_scalar(where, aliased=False, problems=checker.problems, source=checker.raw.text)
    expr, kind = checker._resolve(where, node, ROW) if node is not None else (None, None)
    if len(checker.problems) > before:
        return False
    if not isinstance(expr, Field) or kind != "text":
        checker.problems.append(Diagnostic("bad-dashboard-filter", f"dashboard filter {key}: '{path}' must be "
                                           "the path to a text field", where.span))
        return False
    return True
