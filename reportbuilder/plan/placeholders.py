"""What a report lets catalog SQL skip: the decisions behind its placeholders.

Catalog SQL may read `IS_REPORT_KEY(x)` / `IF_REPORT_KEYS(c)` (lookups of the source computed
only for source rows the report can keep) and `RANGE_START()` (a derived source entity's rows
before the date range skipped). Whether a report allows either is a plan decision, made here
from the report alone and recorded in the plan (`QueryPlan.report_keys`, `range_start`) by
the rules `key_restriction` and `range_start_pushdown` (plan.rules); emit only spells it.
"""
from __future__ import annotations

from datetime import datetime

from ..catalog.model import Catalog
from ..check.report import Report
from ..check.resolved import EntityRef, Field
from ..expr import ast
from ..timeframe.ranges import range_to_utc
from .query_plan import KeyRestriction


def on_source_columns(expr) -> bool:
    """True when every field of `expr` is a stored column of the source (no path, no lookup)."""
    fields = [n for n in ast.walk(expr) if isinstance(n, (Field, EntityRef))]
    return bool(fields) and all(isinstance(f, Field) and not f.path and f.column.sql is None for f in fields)


def report_keys(report: Report, catalog: Catalog) -> KeyRestriction | None:
    """The conditions every step applies that read only the source's stored columns: its
    source-only filters, and its date range when it is on a source column, bounded and not
    compared (a comparison reads a second range). None when there are none, or when the source
    is derived or keyless (its rows have no key to restrict lookups to)."""
    source = catalog.entity(report.source)
    if source.sql is not None or source.primary_key is None:
        return None
    filters = tuple(i for i, f in enumerate(report.filters) if on_source_columns(f))
    window = report.window
    ranged = window is not None and not report.compare and on_source_columns(window.field) \
        and any(bound is not None for bound in range_to_utc(window.range, report.timezone))
    return KeyRestriction(filters, ranged) if filters or ranged else None


def range_start(report: Report, catalog: Catalog) -> datetime | None:
    """The date range's start in UTC when the range is on the time field of a derived source
    entity (whose SQL may then skip earlier rows); None with a comparison, which reads two ranges."""
    entity = catalog.entity(report.source)
    field = report.window.field if report.window else None
    if entity.sql is None or report.compare or not isinstance(field, Field) or field.path:
        return None
    if field.column.name != entity.time_field:
        return None
    return range_to_utc(report.window.range, report.timezone)[0]
