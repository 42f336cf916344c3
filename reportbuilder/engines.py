"""Where a report runs: the `Engine` protocol and the one registry of engines and dialects.

The CLI (`rb run --engine`, `rb insights`, `rb rows`, `rb dashboard`), dashboards and the web
app ask `get_engine(name)` and speak only this protocol; none branches on the engine. This
module imports no engine: the CLI lists the names without paying for DuckDB, sqlglot or
pyspark, and an engine's module is imported when it is first asked for.

    engine = get_engine("spark", workspace.settings)
    con = engine.open(data_path, query.tables, catalog, restrict)   # -> Connection
    result = con.run(query, timezone, title)                        # -> run.result.Result

Adding an engine: one module with a class meeting `Engine` (its connection meeting
`Connection`), one line in `ENGINES`, and a transform table in emit/dialects.py when its
SQL differs from DuckDB's (ARCHITECTURE.md, "How to add an engine").
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Protocol

if TYPE_CHECKING:
    from sqlglot import exp

    from .emit.build_sql import BuiltQuery
    from .catalog.model import Catalog
    from .run.result import Result
    from .run.result_cache import ResultCache

# The SQL `rb sql --dialect` prints: one transform table each in emit/dialects.py.
DIALECTS = ("duckdb", "spark", "trino", "postgres", "bigquery", "snowflake")

# Engines that run reports: name -> "module:class", imported on first use.
ENGINES = {
    "duckdb": "reportbuilder.run.execute:DuckDBEngine",
    "spark": "reportbuilder.run.spark_engine:SparkEngine",
}
DEFAULT_ENGINE = "duckdb"


class Connection(Protocol):
    """Data opened on an engine (one view per table read): runs one query at a time."""

    def run(self, query: "BuiltQuery", timezone: str = "UTC", title: str = "",
            cache: "ResultCache | None" = None) -> "Result":
        """The report's rows as a Result (`cache`: reuse an identical earlier run, where the engine can)."""

    def fetch(self, select: "exp.Expression") -> list[tuple]:
        """The rows of one SELECT tree (built with DuckDB's meaning) printed in the engine's dialect,
        values as the engine's driver gives them."""

    def interrupt(self) -> None:
        """Stop the running query, from another thread."""

    def close(self) -> None:
        """Release the data."""


class Engine(Protocol):
    """Where reports run: `dialect` is the SQL it reads (a key of emit/dialects.py's TRANSFORMS)."""

    name: str
    dialect: str

    def open(self, data_path: Path, tables: tuple[str, ...], catalog: "Catalog", restrict=None) -> Connection:
        """The `tables` of `data_path` opened as the catalog types them; `restrict` (access.Restriction):
        only the rows and fields a user may see, or a UsageError where the engine cannot apply it."""


def get_engine(name: str = DEFAULT_ENGINE, settings: Mapping | None = None) -> Engine:
    """The engine `name`, configured from `settings` (the workspace's, plus command-line choices
    such as `spark_master`)."""
    from .errors import UsageError

    if name not in ENGINES:
        raise UsageError(f"unknown engine '{name}' (known: {', '.join(ENGINES)})")
    module, cls = ENGINES[name].split(":")
    return getattr(import_module(module), cls)(dict(settings or {}))


def run_once(engine: Engine, query: "BuiltQuery", data_path: Path, catalog: "Catalog", timezone: str,
             title: str = "", restrict=None, cache: "ResultCache | None" = None,
             on_open: Callable[[Connection], None] | None = None) -> "Result":
    """Open what `query` reads, run it, close: `on_open(connection)` is called once the data is open
    (the web app keeps it to interrupt a query that runs too long)."""
    con = engine.open(data_path, query.tables, catalog, restrict)
    try:
        if on_open is not None:
            on_open(con)
        return con.run(query, timezone, title, cache)
    finally:
        con.close()
