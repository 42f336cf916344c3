"""A throwaway PostgreSQL server holding the acceptance data, for `test_postgres_equals_duckdb.py`.

The session fixture `postgres` runs `initdb` into a temporary directory and starts the server
with `pg_ctl`, listening on a Unix socket only (no TCP), trust authentication, then loads the
11 tables of ../shared/acceptance/data/*.csv with the catalog's column types (timestamps as
`timestamp without time zone` holding UTC, as the DuckDB views do) and sets TimeZone = 'UTC'.
Running as root (CI containers), the server runs as the `postgres` system user via `runuser`
(PostgreSQL refuses to run as root). The server is stopped and its directory removed at the end.

Skipped with the reason when psycopg, the PostgreSQL binaries (Debian: `apt-get install
postgresql`, under /usr/lib/postgresql/<version>/bin) or the acceptance data are missing.
"""
from __future__ import annotations

import csv
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = (ROOT / ".." / "shared" / "acceptance" / "data").resolve()
PG_TYPES = {"integer": "BIGINT", "number": "DOUBLE PRECISION", "text": "TEXT", "boolean": "BOOLEAN",
            "date": "DATE", "timestamp": "TIMESTAMP WITHOUT TIME ZONE"}


def _pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


def _free_port() -> int:
    """A port number for the socket file's name (.s.PGSQL.<port>); nothing listens on TCP."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _value(text: str, kind: str | None):
    """One CSV field as the DuckDB view reads it: '' is null, timestamps with offsets -> naive UTC."""
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return {"true": True, "false": False, "t": True, "f": False, "1": True, "0": False}[text.strip().lower()]
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "timestamp":
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    return text


def _column_kinds(catalog, table: str) -> dict[str, str]:
    for entity in catalog.entities:
        if entity.table == table:
            return {c.name: c.type for c in entity.columns if not c.derived}
    return {}


def load_tables(conn, data: Path, catalog) -> list[str]:
    """CREATE TABLE + COPY for every <table>.csv in `data`; columns the catalog lacks stay text."""
    from psycopg import sql

    loaded = []
    for path in sorted(data.glob("*.csv")):
        table = path.stem
        kinds = _column_kinds(catalog, table)
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = [[_value(v, kinds.get(c)) for c, v in zip(header, row)] for row in reader]
        columns = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(PG_TYPES[kinds.get(c, "text")]))
                                     for c in header)
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), columns))
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in header))
        with conn.cursor().copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        loaded.append(table)
    conn.commit()
    return loaded


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@pytest.fixture(scope="session")
def postgres():
    """A psycopg connection (autocommit, TimeZone UTC) to a throwaway server with the acceptance data."""
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]')")
    if not (DATA / "tickets.csv").is_file():
        pytest.skip(f"{DATA} has no acceptance data")
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (Debian: apt-get install postgresql)")
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' system user to run the server as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root and `runuser` is missing")

    from reportbuilder.catalog.load_catalog import load_catalog

    base = Path(tempfile.mkdtemp(prefix="rb-pg-"))  # in /tmp: reachable by the server user
    if os.geteuid() == 0:
        os.chown(base, server_user.pw_uid, server_user.pw_gid)
    pgdata, port = base / "data", _free_port()
    started = False
    try:
        init = subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(pgdata), "-U", "postgres",
                                               "--auth=trust", "-E", "UTF8", "--locale=C"]),
                              capture_output=True, text=True)
        if init.returncode != 0:
            pytest.skip(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = f"-k {base} -p {port} -c listen_addresses='' -c fsync=off -c TimeZone=UTC"
        start = subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(pgdata), "-l", str(base / "log"),
                                                "-o", options, "-w", "-t", "60", "start"]),
                               capture_output=True, text=True)
        if start.returncode != 0:
            log = (base / "log").read_text(errors="replace")[-800:] if (base / "log").exists() else ""
            pytest.skip(f"the PostgreSQL server did not start: {start.stderr.strip()[-400:]} {log}")
        started = True
        conn = psycopg.connect(host=str(base), port=port, user="postgres", dbname="postgres")
        conn.execute("SET TimeZone = 'UTC'")
        load_tables(conn, DATA, load_catalog())
        conn.autocommit = True
        try:
            yield conn
        finally:
            conn.close()
    finally:
        if started:
            subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "-w",
                                            "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
