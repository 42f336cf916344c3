"""`compile_report()` chains the stages: load -> check -> plan -> build.

Example:
    >>> q = compile_text("source: tickets\\ndimensions: [priority]\\nmeasures: [count() as n]\\n")
    >>> [c.name for c in q.columns]
    ['priority', 'n']
"""
from __future__ import annotations

from pathlib import Path

from .emit.build_sql import BuiltQuery, build_sql
from .catalog.load_catalog import load_catalog
from .catalog.model import Catalog
from .check.check_spec import check_spec
from .check.options import ReportOptions
from .load.load_spec import RawSpec, load_spec_file, load_spec_text
from .plan.plan_report import plan_report
from .plan.query_plan import QueryPlan


def compile_raw(raw: RawSpec, catalog: Catalog | None = None,
                options: ReportOptions = ReportOptions()) -> BuiltQuery:
    catalog = catalog or load_catalog()
    return build_sql(checked_plan(raw, catalog, options), catalog)


def checked_plan(raw: RawSpec, catalog: Catalog, options: ReportOptions = ReportOptions()) -> QueryPlan:
    """The spec checked (names, types, grains) and planned: the input of emit."""
    return plan_report(check_spec(raw, catalog, options), catalog)


def compile_report(path: Path, catalog: Catalog | None = None,
                   options: ReportOptions = ReportOptions()) -> BuiltQuery:
    return compile_raw(load_spec_file(path), catalog, options)


def compile_text(text: str, catalog: Catalog | None = None, options: ReportOptions = ReportOptions(),
                 file: str = "<spec>") -> BuiltQuery:
    return compile_raw(load_spec_text(text, file), catalog, options)
