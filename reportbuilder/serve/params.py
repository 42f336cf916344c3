"""The query string of a request, read as the options of `rb run` (and `rb rows`).

Unknown names and repeated single-valued names are refused (a typo must not silently give
other numbers); an empty value is absent, as an HTML form sends unused fields.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..catalog.model import DASHBOARD_FILTER_KEYS
from ..timeframe.buckets import CYCLIC, GRANULARITIES

# granularity and compare change the spec's time buckets and comparison (view.py); the
# dashboard filter keys (owner=..., team=...) filter along the report's dashboard_filters paths.
VIEW_KEYS = ("granularity", "compare") + DASHBOARD_FILTER_KEYS
RUN_KEYS = ("range", "from", "to", "timezone", "now", "filter", "format") + VIEW_KEYS
BUCKETS = tuple(g for g in GRANULARITIES if g not in CYCLIC)
COMPARE = ("previous_period", "previous_year", "off")
ROWS_KEYS = RUN_KEYS + ("cell", "measure", "part", "limit", "offset")
REPEATED = ("filter", "cell")


class BadQuery(ValueError):
    """The query string cannot be read: answered 400 with this message."""


@dataclass(frozen=True)
class RunParams:
    range_: str | None = None
    from_: str | None = None
    to: str | None = None
    timezone: str | None = None
    now: str | None = None
    filters: tuple[str, ...] = ()
    fmt: str | None = None
    granularity: str | None = None
    compare: str | None = None
    board: tuple[tuple[str, str], ...] = ()  # dashboard filters: (key, value)

    def cli_args(self) -> list[str]:
        """The same options as `rb run` arguments (what the tests compare with)."""
        args = []
        for flag, value in (("--range", self.range_), ("--from", self.from_), ("--to", self.to),
                            ("--timezone", self.timezone), ("--now", self.now)):
            if value is not None:
                args += [flag, value]
        for text in self.filters:
            args += ["--filter", text]
        return args


@dataclass(frozen=True)
class RowsParams:
    run: RunParams
    cell: dict
    measure: str | None = None
    part: str | None = None
    limit: int | None = None
    offset: int = 0


def _read(items, allowed) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in items:
        if key not in allowed:
            raise BadQuery(f"unknown query parameter '{key}'; known: {', '.join(allowed)}")
        found.setdefault(key, []).append(value)
    for key, values in found.items():
        if key not in REPEATED and len(values) > 1:
            raise BadQuery(f"query parameter '{key}' is given {len(values)} times; give it once")
    return found


def _one(found, key) -> str | None:
    value = found.get(key, [""])[0].strip()
    return value or None


def run_params(items, allowed=RUN_KEYS) -> RunParams:
    """`items`: the (name, value) pairs of the query string."""
    found = _read(items, allowed)
    fmt = _one(found, "format")
    if fmt not in (None, "json", "csv"):
        raise BadQuery(f"format={fmt}: expected json or csv")
    filters = tuple(f.strip() for f in found.get("filter", ()) if f.strip())
    granularity, compare = _one(found, "granularity"), _one(found, "compare")
    if granularity not in (None,) + BUCKETS:
        raise BadQuery(f"granularity={granularity}: expected one of {', '.join(BUCKETS)}")
    if compare not in (None,) + COMPARE:
        raise BadQuery(f"compare={compare}: expected one of {', '.join(COMPARE)}")
    board = tuple((key, _one(found, key)) for key in DASHBOARD_FILTER_KEYS if _one(found, key))
    return RunParams(_one(found, "range"), _one(found, "from"), _one(found, "to"), _one(found, "timezone"),
                     _one(found, "now"), filters, fmt, granularity, compare, board)


def rows_params(items) -> RowsParams:
    items = list(items)
    found = _read(items, ROWS_KEYS)
    from ..drill.cell import split_cells  # its usage errors answer 400 like the others

    cell = split_cells(found.get("cell", ()))
    return RowsParams(run_params(items, ROWS_KEYS), cell, _one(found, "measure"), _one(found, "part"),
                      _count(found, "limit"), _count(found, "offset") or 0)


def _count(found, key) -> int | None:
    text = _one(found, key)
    if text is None:
        return None
    if not text.isdigit() or len(text) > 9:
        raise BadQuery(f"{key}={text}: expected a whole number from 0")
    return int(text)
