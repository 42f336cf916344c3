"""A cell of a report: one typed value per dimension, from `NAME=VALUE` text as `rb run
--format json` shows it (dates `YYYY-MM-DD`, hour buckets as ISO instants, empty for null).

Values are parsed here into Python values of the dimension's type; they reach SQL only as
typed sqlglot literals (`rows_sql`).
"""
from __future__ import annotations

import difflib
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from ..check.report import Report
from ..errors import Diagnostic, SpecError


def did_you_mean(name: str, known, label: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f" ({label}: {', '.join(known)})" if known else f" (it has no {label})"


def _usage(code: str, message: str) -> SpecError:
    return SpecError((Diagnostic(code, message),))


def split_cells(items) -> dict[str, str]:
    """`NAME=VALUE` texts -> {name: value text}; each name once."""
    cells: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise _usage("bad-cell", f"--cell {item!r}: expected NAME=VALUE (an empty VALUE for null)")
        if name in cells:
            raise _usage("bad-cell", f"--cell {name} is given twice")
        cells[name] = value
    return cells


def parse_cell(report: Report, cells: dict) -> tuple:
    """One typed value per dimension of `report`, in dimension order. `cells` maps output
    column names to text (as on the command line) or to JSON values (as a web client sends)."""
    names = [d.name for d in report.dimensions]
    for name in cells:
        if name not in names:
            raise _usage("unknown-cell-dimension",
                         f"--cell {name}: the report has no dimension '{name}'" + did_you_mean(name, names, "dimensions"))
    missing = [n for n in names if n not in cells]
    if missing:
        raise _usage("missing-cell-dimension",
                     "--cell needs one value per dimension; missing: " + ", ".join(f"{n}=VALUE" for n in missing))
    return tuple(_typed(d.name, d.type, cells[d.name], report.timezone) for d in report.dimensions)


def _typed(name: str, kind: str, value, tz: str):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        if kind in ("integer", "number") and isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if kind == "boolean" and isinstance(value, bool):
            return value
        raise _usage("bad-cell-value", f"--cell {name}={value!r}: expected a {kind}")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return {"true": True, "false": False}[value.lower()]
        if kind == "date":
            return date.fromisoformat(value) if len(value) == 10 else _fail()
        if kind == "timestamp":
            return _instant(value, tz)
        return value
    except (ValueError, KeyError):
        shapes = {"integer": "an integer", "number": "a number", "boolean": "true or false",
                  "date": "a date YYYY-MM-DD", "timestamp": "an instant as in the json output, "
                  "e.g. 2025-03-30T03:00:00+02:00"}
        raise _usage("bad-cell-value", f"--cell {name}={value}: expected {shapes.get(kind, kind)}") from None


def _fail():
    raise ValueError


def _instant(text: str, tz: str) -> datetime:
    """A naive UTC datetime; text without an offset is wall-clock time in the report's zone."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def find_cell(report: Report, rows, values: tuple) -> tuple | None:
    """The report row whose dimension values are `values`, or None."""
    n = len(values)
    for row in rows:
        if all(_same(a, b) for a, b in zip(row[:n], values)):
            return row
    return None


def _same(found, wanted) -> bool:
    if found is None or wanted is None:
        return found is None and wanted is None
    if isinstance(found, bool) or isinstance(wanted, bool):
        return found is wanted
    if isinstance(found, datetime) and found.tzinfo is not None:
        found = found.astimezone(timezone.utc).replace(tzinfo=None)
    return found == wanted

