"""Stage `run` on Apache Spark: a built query + data -> Result, through pyspark.

The `spark` engine (reportbuilder.engines): the same plan and SQL tree as on DuckDB, printed for
the `spark` dialect (emit/dialects.py).
The data directory's files become temporary views that cast the catalog's columns exactly as
run/load_data.py does (CSV read as text, timestamps in either ISO spelling or with an offset
read as UTC). Settings that change answers are set explicitly: the session time zone is UTC
(timestamps are naive UTC everywhere), ANSI mode is off, timestamps are TIMESTAMP_LTZ (which,
in a UTC session, behaves as the naive UTC timestamps of the DuckDB path).

pyspark is an optional dependency (`pip install 'reportbuilder[spark]'`) and needs Java 17+.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import sqlglot
from sqlglot import exp

from ..emit.build_sql import BuiltQuery
from ..emit.dialects import to_dialect
from ..catalog.model import Catalog
from ..errors import DataError, UsageError
from .load_data import catalog_columns, find_table_file, missing_file, optional_columns
from .result import Result, plain_row, result_of

DEFAULT_MASTER = "local[*]"
SESSION_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.timestampType": "TIMESTAMP_LTZ",
    "spark.sql.caseSensitive": "false",
}
LOCAL_SETTINGS = {  # a laptop-sized local[*]: few shuffle partitions, no web UI
    "spark.sql.shuffle.partitions": str(max(2, min(16, os.cpu_count() or 2))),
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "2g",
}
_SPARK_TYPES = {"integer": "bigint", "number": "double", "text": "string", "boolean": "boolean",
                "date": "date", "timestamp": "timestamp"}


def resolve_master(option: str | None, settings: dict) -> str:
    """--spark-master, else RB_SPARK_MASTER, else the workspace's `spark_master`, else local[*]."""
    return option or os.environ.get("RB_SPARK_MASTER") or settings.get("spark_master") or DEFAULT_MASTER


def spark_available() -> str | None:
    """None when pyspark and Java are present; otherwise why Spark cannot run here."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'reportbuilder[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").is_file()) and shutil.which("java") is None:
        return "Java is not installed (Spark needs Java 17+, e.g. Debian's openjdk-17-jre-headless)"
    return None


def spark_session(master: str = DEFAULT_MASTER):
    """The process's SparkSession (created on first use), with the answer-changing settings set."""
    missing = spark_available()
    if missing:
        raise DataError(f"cannot run on Spark: {missing}")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("reportbuilder")
    settings = dict(SESSION_SETTINGS)
    if master.startswith("local"):
        settings.update(LOCAL_SETTINGS)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - JVM start failures come as many types
        raise DataError(f"cannot start Spark at {master}: {str(exc).splitlines()[0]}") from None
    session.sparkContext.setLogLevel("ERROR")
    for key, value in SESSION_SETTINGS.items():  # also on a session that existed before
        session.conf.set(key, value)
    return session


class SparkEngine:
    """The `spark` engine (reportbuilder.engines): the files of a data folder as temporary views of
    the process's SparkSession; master from `spark_master` (see resolve_master)."""

    name = dialect = "spark"

    def __init__(self, settings: dict | None = None, session=None):
        """`settings`: the workspace's (`spark_master`) and `master`, the command line's choice."""
        self.settings, self._session = settings or {}, session

    def open(self, data_path: Path, tables: tuple[str, ...], catalog: Catalog, restrict=None) -> "SparkConnection":
        if restrict:
            raise UsageError("--engine spark does not apply row-level access; run this user's "
                             "reports with --engine duckdb (see docs/access.md)")
        session = self._session or spark_session(resolve_master(self.settings.get("master"), self.settings))
        _register_tables(session, Path(data_path), tables, catalog)
        return SparkConnection(session)


class SparkConnection:
    """An `engines.Connection` on a SparkSession whose temporary views are the opened tables."""

    dialect = "spark"

    def __init__(self, session):
        self.session = session

    def run(self, query: BuiltQuery, timezone: str = "UTC", title: str = "", cache=None) -> Result:
        """`cache` is not used: the result cache fingerprints DuckDB's views."""
        return result_of(query, [plain_row(r) for r in self._rows(query.sql(self.dialect))], timezone, title)

    def fetch(self, select: exp.Expression) -> list[tuple]:
        return self._rows(to_dialect(select, self.dialect))

    def _rows(self, sql: str) -> list[tuple]:
        _check_single_select(sql)
        from pyspark.errors import PySparkException

        try:
            return [tuple(row) for row in _naive_timestamps(self.session.sql(sql)).collect()]
        except PySparkException as exc:
            raise DataError(f"Spark failed: {str(exc).splitlines()[0]}") from None

    def interrupt(self) -> None:
        self.session.sparkContext.cancelAllJobs()

    def close(self) -> None:
        """The session stays up for the next run (starting one takes seconds); the views are replaced then."""


def _check_single_select(sql: str) -> None:
    statements = sqlglot.parse(sql, read="spark")
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise DataError("refusing to run anything but a single SELECT statement")


def _naive_timestamps(frame):
    """TIMESTAMP (instant) columns as TIMESTAMP_NTZ: pyspark then gives naive UTC datetimes
    instead of datetimes in the Python process's local zone."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    if not any(isinstance(f.dataType, TimestampType) for f in frame.schema.fields):
        return frame
    cols = [F.col(f"`{f.name}`").cast("timestamp_ntz").alias(f.name) if isinstance(f.dataType, TimestampType)
            else F.col(f"`{f.name}`") for f in frame.schema.fields]
    return frame.select(*cols)


# -- data ----------------------------------------------------------------------------------
def _register_tables(session, directory: Path, tables: tuple[str, ...], catalog: Catalog) -> None:
    directory = directory.resolve()
    if not directory.is_dir():
        raise DataError(f"the spark engine reads a directory of Parquet/CSV/JSON files; {directory} is not one")
    for table in tables:
        path = find_table_file(directory, table)
        if path is None:
            raise missing_file(table, directory)
        try:
            frame = _read(session, path)
            _typed(frame, catalog_columns(catalog, table), optional_columns(catalog, table)).createOrReplaceTempView(table)
        except Exception as exc:  # noqa: BLE001 - reader errors come as many types
            raise DataError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None


def _read(session, path: Path):
    name = path.name
    if name.endswith(".parquet"):
        return session.read.parquet(str(path))
    if name.endswith((".csv", ".csv.gz")):  # all text, as DuckDB's all_varchar; RFC 4180 quoting
        return session.read.options(header=True, inferSchema=False, multiLine=True, escape='"',
                                    quote='"', mode="FAILFAST").csv(str(path))
    return session.read.json(str(path), multiLine=name.endswith(".json"))


def _typed(frame, columns: dict[str, str], optional=()):
    """Cast the catalog's columns to their types (strings of timestamps, with or without offset,
    as UTC instants: the session time zone is UTC); other columns as they are; absent `optional`
    columns as typed nulls."""
    from pyspark.sql import functions as F

    cols = []
    for name in frame.columns:
        col = F.col(f"`{name}`")
        cols.append(col.cast(_SPARK_TYPES[columns[name]]).alias(name) if name in columns else col)
    cols += [F.lit(None).cast(_SPARK_TYPES[columns[c]]).alias(c) for c in optional if c not in frame.columns]
    return frame.select(*cols)
