"""Hostile input, safe by construction: specs and options written by an attacker.

Specs are untrusted; the data, the workspace file and the operator are trusted (SECURITY.md).
Every case runs `rb` against a private copy of the sample data in `tmp_path` and checks:

- the exit code (2 for a spec or usage problem, 0 when a hostile value is just a value);
- the message, `FILE:LINE:COL: error: ...`, at the expected line (and column where it means
  something), and never a Python traceback;
- that nothing was written: no new file anywhere under `tmp_path` and every file of the
  data copy byte-identical (hashed before and after each command);
- for the resource cases only, that the command finishes within a generous bound.

The connection the engine opens is attacked directly too (file access, COPY, ATTACH,
settings, extensions), both through the read-only `DataConnection` the product hands out
(one SELECT at a time) and, underneath it, on the locked DuckDB connection alone (only
the data files may be opened), so that each attack is refused in every DuckDB release.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import sqlglot
from click.testing import CliRunner
from sqlglot import exp

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.cli import main
from reportbuilder.errors import DataError, SpecError
from reportbuilder.expr.parse_expr import MAX_DEPTH, MAX_LENGTH
from reportbuilder.load.load_spec import MAX_SPEC_BYTES, load_spec_file
from reportbuilder.load.yaml_nodes import MAX_NODES
from reportbuilder.run.load_data import open_data

SAMPLE = Path("/work/shared/acceptance/data")
NOW = "2025-06-30T12:00:00"
RESOURCE_SECONDS = 5.0  # generous bound for the resource-limit cases
DIALECTS = ("duckdb", "spark", "bigquery", "trino", "postgres", "snowflake")
REFUSAL = (duckdb.Error, DataError)  # refused by DuckDB's file lock, or by DataConnection's SELECT-only rule

pytestmark = pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample data not available")


# --------------------------------------------------------------------------------------
# Harness
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    code: int
    output: str  # stdout and stderr together (plus a traceback if one escaped)
    seconds: float

    @property
    def first_line(self) -> str:
        return self.output.splitlines()[0] if self.output else ""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Sandbox:
    """tmp_path/data (a writable copy of the sample data) and tmp_path/work (the cwd)."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.work = root / "work"
        shutil.copytree(SAMPLE, self.data)
        # The shared copy is read-only; make ours writable so that an attempted write would
        # really land (and be caught by the snapshot) instead of failing on permissions.
        os.chmod(self.data, 0o755)
        for file in self.data.iterdir():
            os.chmod(file, 0o644)
        self.work.mkdir()
        self.data_hashes = {p.name: _digest(p) for p in self.data.iterdir()}

    # -- files ------------------------------------------------------------------------
    def write(self, content: str | bytes, name: str = "spec.yaml") -> Path:
        path = self.work / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def snapshot(self) -> dict[str, str]:
        """Every file and folder under tmp_path: relative path -> content hash (or 'dir')."""
        out = {}
        for path in sorted(self.root.rglob("*")):
            rel = str(path.relative_to(self.root))
            out[rel] = "dir" if path.is_dir() else _digest(path)
        return out

    def assert_untouched(self, before: dict[str, str]) -> None:
        after = self.snapshot()
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
        assert not (added or removed or changed), f"files changed: added={added} removed={removed} " \
                                                  f"changed={changed}"
        assert {p.name: _digest(p) for p in self.data.iterdir()} == self.data_hashes

    # -- commands ---------------------------------------------------------------------
    def rb(self, *args: str) -> Outcome:
        """`rb ARGS` in process (CliRunner), checking that no file was written."""
        before = self.snapshot()
        runner = CliRunner()
        start = time.perf_counter()
        result = runner.invoke(main, [str(a) for a in args], env={"RB_DATA": None, "RB_NOW": None})
        seconds = time.perf_counter() - start
        output = result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            output += "".join(traceback.format_exception(result.exception))
        self.assert_untouched(before)
        return Outcome(result.exit_code, output, seconds)

    def run(self, spec: Path, *extra: str) -> Outcome:
        return self.rb("run", spec, "--data", self.data, "--format", "json", "--now", NOW, *extra)

    def validate(self, spec: Path, *extra: str) -> Outcome:
        return self.rb("validate", spec, *extra)

    def process(self, *args: str, timeout: float = 30) -> Outcome:
        """`python -m reportbuilder ARGS` as a real process; a timeout counts as exit 124."""
        before = self.snapshot()
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("RB_")}, "RB_DAEMON": "0"}
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-m", "reportbuilder", *map(str, args)], cwd=self.work,
                                  env=env, capture_output=True, text=True, timeout=timeout)
            code, output = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired:
            code, output = 124, f"timed out after {timeout} s"
        seconds = time.perf_counter() - start
        self.assert_untouched(before)
        return Outcome(code, output, seconds)


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Sandbox:
    box = Sandbox(tmp_path)
    monkeypatch.chdir(box.work)  # anything written "here" would land under tmp_path
    return box


def assert_no_traceback(out: Outcome) -> None:
    assert "Traceback" not in out.output, out.output
    assert "internal error" not in out.output, out.output


def assert_spec_error(out: Outcome, file, line: int, column: int | None, *fragments: str) -> None:
    """Exit 2 and a first line `FILE:LINE:COL: error: ...` naming the problem."""
    assert_no_traceback(out)
    assert out.code == 2, out.output
    col = str(column) if column is not None else r"\d+"
    head = rf"^{re.escape(str(file))}:{line}:{col}: error: "
    assert re.match(head, out.first_line), f"expected {head!r}, got:\n{out.output[:2000]}"
    for fragment in fragments:
        assert fragment in out.output, f"{fragment!r} not in:\n{out.output[:2000]}"


def rows(out: Outcome) -> list[dict]:
    assert_no_traceback(out)
    assert out.code == 0, out.output
    return json.loads(out.output)


def sample_count(table: str, **where) -> int:
    with (SAMPLE / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return sum(all(r[k] == v for k, v in where.items()) for r in csv.DictReader(fh))


def sample_values(table: str, column: str) -> set[str]:
    with (SAMPLE / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return {r[column] for r in csv.DictReader(fh)}


BASE = "source: tickets\nmeasures: [count() as n]\n"


# --------------------------------------------------------------------------------------
# Injection through every string a spec can carry: rejected with a positioned message
# --------------------------------------------------------------------------------------
# (id, spec text, line, column or None, fragment of the message)
REJECTED = [
    ("field-semicolon", "source: tickets\ndimensions: ['status; DROP TABLE tickets']\nmeasures: [count() as n]\n",
     2, 21, "unexpected character ';'"),
    ("field-double-quoted", "source: tickets\ndimensions: ['\"status\"']\nmeasures: [count() as n]\n",
     2, 15, "unexpected character '\"'"),
    ("field-comment", "source: tickets\ndimensions: ['status --']\nmeasures: [count() as n]\n",
     2, None, "invalid expression"),
    ("field-path-traversal", "source: tickets\ndimensions: ['../../etc/passwd']\nmeasures: [count() as n]\n",
     2, 15, "invalid expression"),
    ("field-mapping-injection",
     "source: tickets\ndimensions:\n  - field: \"status) FROM tickets; DROP TABLE tickets; --\"\n"
     "measures: [count() as n]\n", 3, None, "invalid expression"),
    ("alias-quoted-statement", "source: tickets\nmeasures: ['count() as \"x\"; select 1']\n",
     2, None, "invalid expression"),
    ("alias-with-spaces", "source: tickets\nmeasures: ['count() as my column']\n",
     2, None, "invalid expression"),
    ("alias-backtick", "source: tickets\nmeasures: ['count() as `x`']\n", 2, None, "invalid expression"),
    ("timezone", "source: tickets\ntimezone: \"UTC'; COPY tickets TO '{tmp}/pwned.csv'\"\n"
     "measures: [count() as n]\n", 2, 11, "unknown time zone"),
    ("timezone-path", "source: tickets\ntimezone: ../../../../etc/passwd\nmeasures: [count() as n]\n",
     2, 11, "unknown time zone"),
    ("timezone-absolute", "source: tickets\ntimezone: /etc/localtime\nmeasures: [count() as n]\n",
     2, 11, "unknown time zone"),
    ("date-range-from", "source: tickets\ndate_range:\n  from: \"2025-01-01'; ATTACH '{tmp}/pwned.db'\"\n"
     "measures: [count() as n]\n", 3, 9, "cannot read"),
    ("date-range-to", "source: tickets\ndate_range:\n  from: '2025-01-01'\n"
     "  to: \"2025-02-01' OR 1=1 --\"\nmeasures: [count() as n]\n", 3, None, "cannot read"),
    ("date-range-field", "source: tickets\ndate_range:\n  field: \"created_at'; DROP TABLE tickets\"\n"
     "  preset: last_7_days\nmeasures: [count() as n]\n", 3, 21, "invalid expression"),
    ("date-range-field-function", "source: tickets\ndate_range:\n  field: \"read_csv('/etc/passwd')\"\n"
     "  preset: last_7_days\nmeasures: [count() as n]\n", 3, 11, "unknown function 'read_csv'"),
    ("date-range-preset", "source: tickets\ndate_range:\n  preset: \"last_7_days'; DROP TABLE tickets\"\n"
     "measures: [count() as n]\n", 3, 11, "unknown date preset"),
    ("granularity", "source: tickets\ndimensions:\n  - {field: created_at, granularity: \"week'; DROP\"}\n"
     "measures: [count() as n]\n", 3, None, "unknown granularity"),
    ("sort-entry", "source: tickets\ndimensions: [status]\nmeasures: [count() as n]\n"
     "sort: ['n; DROP TABLE tickets']\n", 4, 8, "cannot sort by"),
    ("sort-quoted", "source: tickets\ndimensions: [status]\nmeasures: [count() as n]\nsort: ['\"n\" --']\n",
     4, 8, "cannot sort by"),
    ("having", "source: tickets\ndimensions: [status]\nmeasures: [count() as n]\n"
     "having: ['n > 0; DROP TABLE tickets']\n", 4, None, "invalid expression"),
    ("having-function", "source: tickets\ndimensions: [status]\nmeasures: [count() as n]\n"
     "having: [\"current_setting('enable_external_access') = 'true'\"]\n", 4, 11, "unknown function"),
    ("source-table-function", "source: \"read_csv('/etc/passwd')\"\nmeasures: [count() as n]\n",
     1, 9, "unknown source"),
    ("source-statement", "source: \"tickets; DROP TABLE tickets\"\nmeasures: [count() as n]\n",
     1, 9, "unknown source"),
    ("source-path", "source: ../../etc/passwd\nmeasures: [count() as n]\n", 1, 9, "unknown source"),
    ("source-file", "source: '{data}/tickets.csv'\nmeasures: [count() as n]\n", 1, 9, "unknown source"),
    ("spec-name-path", "name: ../../etc/passwd\nsource: tickets\nmeasures: [count() as n]\n",
     1, 7, "does not match"),
    ("interval", BASE + "filters: [\"created_at > now() - interval '1 day''; DROP'\"]\n",
     3, None, "is not an interval"),
    ("interval-sql", BASE + "filters: [\"created_at > now() - interval '1' day\"]\n",
     3, None, "invalid expression"),
    ("backslash-escape", BASE + "filters:\n  - status = 'a\\' or 1=1 --'\n", 4, None, "invalid expression"),
    ("homoglyph-field", BASE + "filters: [\"st\u0430tus = 'closed'\"]\n", 3, 14, "unexpected character"),
    ("homoglyph-function", "source: tickets\nmeasures: [\"c\u043eunt() as n\"]\n", 2, 14, "unexpected character"),
    ("homoglyph-source", "source: t\u0456ckets\nmeasures: [count() as n]\n", 1, 9, "did you mean 'tickets'"),
    ("fullwidth-quote", BASE + "filters: [\"status = \uff07closed\uff07\"]\n", 3, 21, "unexpected character"),
    ("unicode-semicolon", BASE + "filters: [\"status = 'x'\uff1b DROP TABLE tickets\"]\n",
     3, None, "invalid expression"),
    ("chart-type", "source: tickets\ndimensions: [status]\nmeasures: [count() as n]\n"
     "chart: {type: \"line'; DROP\", x: status, y: n}\n", 4, 15, "unknown chart type"),
    ("chart-column", "source: tickets\ndimensions: [status]\nmeasures: [count() as n]\n"
     "chart: {type: bar, x: \"status; DROP\", y: n}\n", 4, None, "is not a column"),
    ("python-tag", "source: !!python/object/apply:os.system ['touch {tmp}/pwned']\nmeasures: [count() as n]\n",
     1, 9, "source"),
    ("binary-tag", "source: !!binary aGVsbG8=\nmeasures: [count() as n]\n", 1, 9, "unsupported YAML value"),
    ("set-tag", "source: tickets\nmeasures: !!set {a, b}\n", 2, None, "measures"),
    ("unknown-key-sql", BASE + "sql: 'SELECT * FROM read_csv(''/etc/passwd'')'\n", 3, 1, "unknown key 'sql'"),
    ("unknown-key-raw", BASE + "raw_sql: 'COPY tickets TO ''x'''\n", 3, 1, "unknown key 'raw_sql'"),
]


@pytest.mark.parametrize("spec_text,line,column,fragment",
                         [pytest.param(*c[1:], id=c[0]) for c in REJECTED])
def test_hostile_string_is_rejected_with_its_position(sandbox, spec_text, line, column, fragment):
    spec = sandbox.write(spec_text.replace("{tmp}", str(sandbox.root)).replace("{data}", str(sandbox.data)))
    out = sandbox.run(spec)
    assert_spec_error(out, spec, line, column, fragment)
    # `rb validate` reports the same first line
    again = sandbox.validate(spec)
    assert_spec_error(again, spec, line, column, fragment)


# Function names that would reach files, settings or the shell in DuckDB SQL.
DANGEROUS_CALLS = [
    "read_csv('/etc/passwd')", "read_csv_auto('/etc/passwd')", "read_parquet('{data}/tickets.parquet')",
    "read_json('/etc/passwd')", "read_text('/etc/passwd')", "read_blob('/etc/passwd')", "glob('/etc/*')",
    "system('touch {tmp}/pwned')", "getenv('HOME')", "current_setting('enable_external_access')",
    "query('SELECT 1')", "query_table('tickets')", "sniff_csv('/etc/passwd')", "pragma_version()",
    "duckdb_settings()", "load_extension('httpfs')", "sql_auto_complete('SEL')", "copy('x')",
    "export_database('{tmp}')", "version()", "uuid()", "random()", "setseed(0.5)", "nextval('s')",
]


@pytest.mark.parametrize("call", DANGEROUS_CALLS)
@pytest.mark.parametrize("where", ["filter", "dimension", "measure"])
def test_database_functions_are_unknown_functions(sandbox, call, where):
    call = call.replace("{tmp}", str(sandbox.root)).replace("{data}", str(sandbox.data))
    name = call.split("(")[0]
    if where == "filter":
        text, col = BASE + f"filters:\n  - \"{call} is not null\"\n", 6
        line = 4
    elif where == "dimension":
        text, line, col = f"source: tickets\ndimensions:\n  - \"{call} as d\"\nmeasures: [count() as n]\n", 3, 6
    else:
        text, line, col = f"source: tickets\nmeasures:\n  - \"count_distinct({call}) as n\"\n", 3, 21
    spec = sandbox.write(text)
    assert_spec_error(sandbox.run(spec), spec, line, col, f"unknown function '{name}'")


@pytest.mark.parametrize("value,message,label,column", [
    ("1=1; DROP TABLE tickets", "unexpected character ';'", "--filter", 4),
    ("read_csv('/etc/passwd') is not null", "unknown function 'read_csv'", "--filter", 1),
    ("system('id') is null", "unknown function 'system'", "--filter", 1),
    ("status = 'x' --", "invalid expression", "--filter", None),
])
def test_filter_option_injection_is_rejected(sandbox, value, message, label, column):
    spec = sandbox.write(BASE)
    out = sandbox.run(spec, "--filter", value)
    assert_spec_error(out, label, 1, column, message)


@pytest.mark.parametrize("option,value,fragment", [
    ("--timezone", "UTC'; COPY tickets TO '/tmp/pwned'", "unknown time zone"),
    ("--timezone", "../../../../etc/passwd", "unknown time zone"),
    ("--range", "last_7_days'; DROP TABLE tickets", "unknown date preset"),
    ("--from", "2025-01-01'; ATTACH 'pwned.db'", "cannot read"),
    ("--to", "2025-01-01' OR 1=1 --", "cannot read"),
    ("--now", "2025-06-30'; DROP TABLE tickets", "is not an ISO timestamp"),
])
def test_other_option_injection_is_rejected(sandbox, option, value, fragment):
    spec = sandbox.write(BASE)
    out = sandbox.run(spec, option, value)
    assert_no_traceback(out)
    assert out.code == 2, out.output
    assert out.first_line.startswith(("--timezone:1:1: error: ", "--range:1:1: error: ", "--from:1:1: error: ",
                                      "--to:1:1: error: ", "--now:1:1: error: ")), out.output
    assert fragment in out.output


def test_bad_from_option_is_reported_under_its_own_name(sandbox):
    spec = sandbox.write(BASE)
    out = sandbox.run(spec, "--from", "2025-01-01'; ATTACH 'pwned.db'")
    assert out.first_line.startswith("--from:1:1: error: "), out.output


def test_spec_argument_path_traversal_is_not_found(sandbox):
    out = sandbox.rb("run", "../../etc/passwd", "--data", sandbox.data, "--format", "json", "--now", NOW)
    assert_spec_error(out, "../../etc/passwd", 1, 1, "no spec file or built-in report")


# --------------------------------------------------------------------------------------
# Hostile values that are just values: they run, match nothing, and change nothing
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("condition", [
    "priority = 'x'' OR 1=1 --'",
    "priority = 'x''; DROP TABLE tickets; --'",
    "priority = 'x'''' OR ''''1''''=''''1'",
    "status in ('open'')--', 'x'' OR ''1''=''1', ''';DROP TABLE tickets;--')",
    "status not in ('closed') and status in ('x'' OR 1=1 --')",
    "subject like '%'' OR 1=1 --'",
    "subject ilike '%''); COPY tickets TO ''/tmp/pwned''; --'",
    "status = 'a\\'' or 1=1 --'",
    "status = '\"; DROP TABLE tickets; --'",
    "status = '$$ || (SELECT 1) || $$'",
    "lower(status) = 'closed'' UNION SELECT 1 --'",
])
def test_quote_injection_in_literals_matches_nothing(sandbox, condition):
    spec = sandbox.write(BASE + "filters:\n  - " + json.dumps(condition) + "\n")
    assert rows(sandbox.run(spec)) == [{"n": 0}]


def test_quote_injection_in_grouped_report_returns_no_rows(sandbox):
    spec = sandbox.write("source: tickets\ndimensions: [priority]\nmeasures: [count() as n]\n"
                         "filters: [\"priority = 'x'' OR 1=1 --'\"]\n")
    assert rows(sandbox.run(spec)) == []


def test_quote_injection_through_filter_option_matches_nothing(sandbox):
    spec = sandbox.write(BASE)
    assert rows(sandbox.run(spec, "--filter", "priority = 'x'' OR 1=1 --'")) == [{"n": 0}]
    assert rows(sandbox.run(spec, "--filter", "status in ('closed'');--', 'x')")) == [{"n": 0}]


def test_literals_reach_the_database_byte_for_byte(sandbox):
    # quotes, a backslash, a comment marker, a semicolon and a double quote survive exactly
    spec = sandbox.write(BASE + "filters:\n  - concat(status, '\\', '''', ' --;', '\"') = "
                                "'closed\\'' --;\"'\n")
    assert rows(sandbox.run(spec)) == [{"n": sample_count("tickets", status="closed")}]


def test_nul_character_in_a_string_literal_is_a_value(sandbox):
    spec = sandbox.write(BASE + "filters: [\"status = 'closed\\0'' OR 1=1 --'\"]\n")
    assert rows(sandbox.run(spec)) == [{"n": 0}]


HOSTILE_NAMES = [
    'a"b; DROP TABLE tickets --',
    "x'; SELECT 1; --",
    "with space and `backtick` and [bracket]",
    "count(*) FROM tickets --",
    "../../etc/passwd",
    "\u0441tatus",  # Cyrillic homoglyph
    "a -- comment",
    "\"",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_output_names_are_just_column_names(sandbox, name):
    quoted = json.dumps(name)
    spec = sandbox.write(
        "source: tickets\n"
        f"dimensions:\n  - {{field: status, as: {quoted}}}\n"
        f"measures:\n  - {{name: {json.dumps(name + '_n')}, expr: 'count()'}}\n"
        f"sort: [{json.dumps('-' + name + '_n')}]\n"
        f"chart: {{type: bar, x: {quoted}, y: {json.dumps(name + '_n')}}}\n")
    result = rows(sandbox.run(spec))
    assert [list(r) for r in result] == [[name, name + "_n"]] * len(result)
    counts = [r[name + "_n"] for r in result]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == sample_count("tickets")
    assert {r[name] for r in result} == sample_values("tickets", "status")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_printed_sql_keeps_hostile_values_and_names_intact_in_every_dialect(sandbox, dialect):
    literal = "closed\\' --;\"); DROP TABLE tickets; --"
    name = 'a`b"c]d\'; DROP TABLE x --'
    spec = sandbox.write(
        "source: tickets\n"
        f"dimensions:\n  - {{field: status, as: {json.dumps(name)}}}\n"
        "measures: [count() as n]\n"
        "filters:\n  - " + json.dumps("status = '" + literal.replace("'", "''") + "'") + "\n")
    out = sandbox.rb("sql", spec, "--dialect", dialect)
    assert out.code == 0, out.output
    statements = sqlglot.parse(out.output, read=dialect)
    assert len([s for s in statements if s is not None]) == 1
    tree = statements[0]
    assert isinstance(tree, exp.Select)
    assert literal in {lit.this for lit in tree.find_all(exp.Literal) if lit.is_string}
    assert name in {alias.alias for alias in tree.find_all(exp.Alias)}
    for kind in (exp.Drop, exp.Copy, exp.Attach, exp.Insert, exp.Delete, exp.Command):
        assert tree.find(kind) is None


def test_html_output_escapes_hostile_text(sandbox):
    spec = sandbox.write(
        "source: tickets\ntitle: '<script>alert(1)</script>'\n"
        "description: '</p><script>alert(2)</script>'\n"
        "dimensions: [{field: status, as: '<img src=x onerror=alert(3)>'}]\n"
        "measures: [count() as n]\n")
    out = sandbox.rb("run", spec, "--data", sandbox.data, "--format", "html", "--now", NOW)
    assert out.code == 0, out.output
    assert not re.search(r"<script|<img", out.output, re.I), out.output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.output


def test_real_process_exit_codes_and_streams(sandbox):
    bad = sandbox.write("source: tickets\nmeasures: [\"count(read_csv('/etc/passwd')) as n\"]\n", "bad.yaml")
    out = sandbox.process("run", bad, "--data", sandbox.data, "--format", "json", "--now", NOW)
    assert_spec_error(out, bad, 2, 19, "unknown function 'read_csv'")
    good = sandbox.write(BASE + "filters: [\"priority = 'x'' OR 1=1 --'\"]\n", "good.yaml")
    out = sandbox.process("run", good, "--data", sandbox.data, "--format", "json", "--now", NOW)
    assert rows(out) == [{"n": 0}]


# --------------------------------------------------------------------------------------
# The engine's DuckDB connection itself
# --------------------------------------------------------------------------------------
@pytest.fixture
def locked(sandbox):
    """The connection `rb run` opens, over tmp_path/data, plus a secret file next to it."""
    secret = sandbox.root / "secret.csv"
    secret.write_text("password\nhunter2\n")
    before = sandbox.snapshot()
    con = open_data(sandbox.data, ("tickets",), load_catalog())
    yield con, sandbox
    try:
        assert con.execute("SELECT count(*) FROM tickets").fetchone()[0] == sample_count("tickets")
    finally:
        con.close()
    sandbox.assert_untouched(before)


REFUSED = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_csv('{tmp}/secret.csv')",
    "SELECT * FROM read_csv('{data}/../secret.csv')",
    "SELECT * FROM read_text('{data}/../secret.csv')",
    "COPY tickets TO '{tmp}/x.csv'",
    "COPY (SELECT 1) TO '{data}/../x.csv'",
    "COPY tickets TO '{tmp}/x.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{tmp}/export'",
    "ATTACH '{tmp}/x.db'",
    "ATTACH '{tmp}/x.db' AS x (READ_ONLY)",
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "SET allowed_directories = ['/']",
    "SET allowed_paths = ['/etc/passwd']",
    "SET lock_configuration = false",
    "RESET lock_configuration",
    "SET temp_directory = '{tmp}/spill'",
    "SET profiling_output = '{tmp}/profile.json'",
    "SET log_query_path = '{tmp}/queries.log'",
    "PRAGMA enable_profiling",
    "INSTALL httpfs",
    "LOAD httpfs",
    "FORCE INSTALL httpfs",
    "SELECT * FROM read_csv('https://example.com/x.csv')",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_locked_connection_refuses(locked, statement):
    con, sandbox = locked
    sql = statement.replace("{tmp}", str(sandbox.root)).replace("{data}", str(sandbox.data))
    with pytest.raises(REFUSAL):
        con.execute(sql).fetchall()
    assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False
    assert con.execute("SELECT current_setting('lock_configuration')").fetchone()[0] is True


@pytest.mark.parametrize("statement", [
    "CREATE TABLE scratch AS SELECT * FROM tickets",
    "CHECKPOINT",
    "DETACH memory",
    "DROP VIEW tickets",
    "SELECT 1; COPY tickets TO 'x.csv'",
    "SELECT * FROM query($$COPY tickets TO 'x.csv'$$)",
])
def test_data_connection_runs_one_select_and_nothing_else(locked, statement):
    con, _ = locked
    with pytest.raises(REFUSAL):
        con.execute(statement).fetchall()


@pytest.mark.parametrize("statement", [s for s in REFUSED if not s.startswith("SELECT")])
def test_file_lock_alone_refuses_what_is_not_a_select(locked, statement):
    """Underneath the SELECT-only rule, DuckDB's own lock refuses every file or setting change."""
    con, sandbox = locked
    sql = statement.replace("{tmp}", str(sandbox.root)).replace("{data}", str(sandbox.data))
    with pytest.raises(duckdb.Error):
        con._con.execute(sql).fetchall()


def test_locked_connection_still_reads_every_view(sandbox):
    tables = tuple(sorted(p.stem for p in SAMPLE.glob("*.csv")))
    con = open_data(sandbox.data, tables, load_catalog())
    try:
        for table in tables:
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == sample_count(table)
    finally:
        con.close()


WRITES_INSIDE_DATA = [
    pytest.param("COPY tickets TO '{data}/x.csv'", id="copy-into-data-dir"),
    pytest.param("COPY (SELECT 1 AS a) TO '{data}/tickets.csv'", id="copy-over-a-data-file"),
    pytest.param("ATTACH '{data}/x.db'", id="attach-creates-db-in-data-dir"),
    pytest.param("EXPORT DATABASE '{data}/export'", id="export-into-data-dir"),
]


@pytest.mark.parametrize("statement", WRITES_INSIDE_DATA)
def test_locked_connection_cannot_write_inside_the_data_directory(sandbox, statement):
    before = sandbox.snapshot()
    con = open_data(sandbox.data, ("tickets",), load_catalog())
    try:
        with pytest.raises(REFUSAL):
            con.execute(statement.replace("{data}", str(sandbox.data))).fetchall()
    finally:
        con.close()
    sandbox.assert_untouched(before)


@pytest.fixture
def database_file(sandbox) -> Path:
    path = sandbox.root / "helpdesk.duckdb"
    con = duckdb.connect(str(path))
    con.execute(f"CREATE TABLE tickets AS SELECT * FROM read_csv('{sandbox.data}/tickets.csv', all_varchar=true)")
    con.close()
    return path


@pytest.mark.parametrize("statement", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv('{tmp}/data/tickets.csv')",
    "COPY tickets TO '{tmp}/x.csv'",
    "ATTACH '{tmp}/x.db'",
    "INSERT INTO helpdesk.main.tickets SELECT * FROM helpdesk.main.tickets",
    "DROP TABLE helpdesk.main.tickets",
    "CREATE TABLE helpdesk.main.x AS SELECT 1",
    "SET enable_external_access = true",
])
def test_locked_database_connection_refuses(sandbox, database_file, statement):
    before = sandbox.snapshot()
    con = open_data(database_file, ("tickets",), load_catalog())
    try:
        with pytest.raises(REFUSAL):
            con.execute(statement.replace("{tmp}", str(sandbox.root))).fetchall()
        assert con.execute("SELECT count(*) FROM tickets").fetchone()[0] == sample_count("tickets")
    finally:
        con.close()
    sandbox.assert_untouched(before)


@pytest.mark.parametrize("statements", [
    pytest.param(("DETACH helpdesk", "ATTACH '{db}' AS w", "DELETE FROM w.main.tickets", "CHECKPOINT w"),
                 id="reattach-read-write"),
    pytest.param(("COPY (SELECT 1 AS a) TO '{db}' (FORMAT csv, USE_TMP_FILE false)",), id="copy-over-database"),
])
def test_locked_database_file_cannot_be_written(sandbox, database_file, statements):
    before = sandbox.snapshot()
    con = open_data(database_file, ("tickets",), load_catalog())
    try:
        with pytest.raises(REFUSAL):
            for statement in statements:
                con.execute(statement.replace("{db}", str(database_file))).fetchall()
    finally:
        con.close()
    sandbox.assert_untouched(before)


@pytest.mark.parametrize("statements", [
    pytest.param(("ATTACH '{db}' AS w (READ_WRITE)",), id="reattach-read-write"),
    pytest.param(("ATTACH '{db}' AS w", "DELETE FROM w.main.tickets"), id="reattach-then-delete"),
    pytest.param(("DETACH helpdesk",), id="detach-the-data"),
    pytest.param(("DELETE FROM helpdesk.main.tickets",), id="delete"),
    pytest.param(("COPY (SELECT 1 AS a) TO '{db}' (FORMAT csv, USE_TMP_FILE false)",), id="copy-over-database"),
])
def test_file_lock_alone_keeps_a_database_file_closed(sandbox, database_file, statements):
    """The .duckdb file is opened read-only: it can be neither re-opened for writing nor overwritten."""
    before = sandbox.snapshot()
    con = open_data(database_file, ("tickets",), load_catalog())
    try:
        with pytest.raises(duckdb.Error):
            for statement in statements:
                con._con.execute(statement.replace("{db}", str(database_file))).fetchall()
    finally:
        con.close()
    sandbox.assert_untouched(before)


# --------------------------------------------------------------------------------------
# Resource limits
# --------------------------------------------------------------------------------------
def assert_quick(out: Outcome) -> None:
    assert out.seconds < RESOURCE_SECONDS, f"took {out.seconds:.1f} s"


BILLION_LAUGHS = "".join(
    f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9 if prev else ["lol"] * 9) + "]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi")
) + "source: tickets\n"


def test_alias_bomb_is_refused_quickly(sandbox):
    spec = sandbox.write(BILLION_LAUGHS)
    out = sandbox.validate(spec)
    assert_spec_error(out, spec, _line_of(out), None, f"more than {MAX_NODES} YAML nodes")
    assert_quick(out)


def _line_of(out: Outcome) -> int:
    match = re.match(r"^.*?:(\d+):\d+: error: ", out.first_line)
    assert match, out.output
    return int(match.group(1))


def test_alias_bomb_in_a_list_of_measures_is_refused(sandbox):
    spec = sandbox.write("source: tickets\n"
                         "dimensions: &d [status, status, status, status, status, status, status, status]\n"
                         "measures: &m [*d, *d, *d, *d, *d, *d, *d, *d]\n"
                         "filters: &f [*m, *m, *m, *m, *m, *m, *m, *m]\n"
                         "having: &h [*f, *f, *f, *f, *f, *f, *f, *f]\n"
                         "sort: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n")
    out = sandbox.run(spec)
    assert out.code == 2, out.output
    assert_no_traceback(out)
    assert f"more than {MAX_NODES} YAML nodes" in out.output
    assert_quick(out)


@pytest.mark.parametrize("text, line, column", [
    pytest.param("source: tickets\nmeasures: &m\n  - count() as n\n  - *m\n", 4, 5, id="list-holds-itself"),
    pytest.param("source: tickets\nmeasures: [count() as n]\nx: &a {b: *a}\n", 3, 11, id="mapping-holds-itself"),
    pytest.param("source: tickets\nmeasures: [count() as n]\nx: &a {b: [c, {d: *a}]}\n", 3, 19, id="deep-cycle"),
])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_recursive_alias_is_a_positioned_error(sandbox, text, line, column, command):
    spec = sandbox.write(text)
    out = sandbox.validate(spec) if command == "validate" else sandbox.run(spec)
    assert_spec_error(out, spec, line, column, "recursive")
    assert_quick(out)


def test_alias_to_a_closed_anchor_is_still_allowed(sandbox):
    spec = sandbox.write("source: tickets\ndimensions: &d [status]\nsort: *d\nmeasures: [count() as n]\n")
    out = sandbox.validate(spec)
    assert out.code == 0, out.output


def _nested_groups(depth: int, leaf: str = "status = 'closed'") -> str:
    text = BASE + "filters:\n"
    for level in range(1, depth + 1):
        text += "  " * level + ("- any:\n" if level % 2 else "- all:\n")
    return text + "  " * (depth + 1) + f"- \"{leaf}\"\n"


def test_nested_groups_within_limits_run(sandbox):
    spec = sandbox.write(_nested_groups(12))
    out = sandbox.run(spec)
    assert rows(out) == [{"n": sample_count("tickets", status="closed")}]
    assert_quick(out)


def test_deeply_nested_groups_are_a_clear_spec_error(sandbox):
    spec = sandbox.write(_nested_groups(200))
    out = sandbox.run(spec)
    assert_spec_error(out, spec, _line_of(out), None)
    assert_quick(out)


def test_deeply_nested_yaml_is_a_clear_spec_error(sandbox):
    spec = sandbox.write("source: tickets\nmeasures: " + "[" * 5000 + "]" * 5000 + "\n")
    out = sandbox.validate(spec)
    assert_spec_error(out, spec, 2, None)
    assert_quick(out)


def test_parentheses_deeper_than_the_limit_are_refused(sandbox):
    depth = 100
    spec = sandbox.write(BASE + "filters: [\"" + "(" * depth + "status = 'x'" + ")" * depth + "\"]\n")
    out = sandbox.run(spec)
    # the caret points at the first parenthesis past the limit: column 12 is the expression's start
    assert_spec_error(out, spec, 3, 12 + MAX_DEPTH, f"nested deeper than {MAX_DEPTH} levels")
    assert_quick(out)


def test_parentheses_within_the_limit_run(sandbox):
    depth = MAX_DEPTH - 4
    spec = sandbox.write(BASE + "filters: [\"" + "(" * depth + "status = 'closed'" + ")" * depth + "\"]\n")
    out = sandbox.run(spec)
    assert rows(out) == [{"n": sample_count("tickets", status="closed")}]
    assert_quick(out)


OPERATOR_CHAINS = [
    pytest.param(BASE + "filters: [\"" + " or ".join(["status = 'x'"] * 300) + "\"]\n", id="300-ors"),
    pytest.param(BASE + "filters: [\"" + "not " * 400 + "status = 'x'\"]\n", id="400-nots"),
    pytest.param(BASE + "filters: [\"" + "case when true then " * 300 + "true" + " end" * 300 + "\"]\n",
                 id="300-nested-cases"),
    pytest.param(BASE + "filters: [\"" + " or ".join(["status = 'x'"] * 1000) + "\"]\n", id="1000-ors"),
    pytest.param(BASE + "filters: [\"" + "not " * 2000 + "status = 'x'\"]\n", id="2000-nots"),
    pytest.param("source: tickets\nmeasures: [\"count()" + " + 1" * 1000 + " as n\"]\n", id="1000-pluses"),
    pytest.param("source: tickets\nmeasures: [\"count() + " + "- " * 900 + "1 as n\"]\n", id="900-negations"),
]


@pytest.mark.parametrize("spec_text", OPERATOR_CHAINS)
def test_long_operator_chains_run_or_are_refused_cleanly(sandbox, spec_text):
    spec = sandbox.write(spec_text)
    for out in (sandbox.validate(spec), sandbox.run(spec)):
        assert_no_traceback(out)
        assert out.code in (0, 2), out.output
        if out.code == 2:
            assert_spec_error(out, spec, spec_text.count("\n"), None)  # the last line holds it
        assert_quick(out)


def test_too_deep_aliased_measure_says_it_is_too_deep(sandbox):
    spec = sandbox.write("source: tickets\nmeasures: [\"count()" + " + 1" * 1000 + " as n\"]\n")
    out = sandbox.validate(spec)
    assert_spec_error(out, spec, 2, None, "too deep")


def test_expression_longer_than_the_limit_is_refused(sandbox):
    expression = "status in (" + ", ".join(["'x'"] * 180_000) + ")"  # ~900 KB, a spec under 1 MB
    assert len(expression) > MAX_LENGTH
    spec = sandbox.write(BASE + "filters:\n  - \"" + expression + "\"\n")
    assert spec.stat().st_size < MAX_SPEC_BYTES
    out = sandbox.run(spec)
    assert_spec_error(out, spec, 4, None, f"expression longer than {MAX_LENGTH} characters")
    assert_quick(out)


def test_one_megabyte_expression_is_refused_as_too_large(sandbox):
    expression = " or ".join(["status = 'x'"] * 70_000)  # ~1.1 MB
    spec = sandbox.write(BASE + "filters:\n  - \"" + expression + "\"\n")
    out = sandbox.run(spec)
    assert_spec_error(out, spec, 1, 1, f"the limit of {MAX_SPEC_BYTES:,}")
    assert_quick(out)


def test_ten_megabyte_spec_is_refused_quickly(sandbox):
    spec = sandbox.write(BASE + "description: \"" + "x" * 10_000_000 + "\"\n")
    out = sandbox.validate(spec)
    assert_spec_error(out, spec, 1, 1, f"larger than the limit of {MAX_SPEC_BYTES:,}")
    assert_quick(out)


def test_oversized_spec_is_refused_without_reading_it_all(sandbox):
    spec = sandbox.work / "huge.yaml"
    with spec.open("wb") as fh:  # sparse: 64 MiB on paper, nothing on disk
        fh.truncate(64 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(SpecError):
            load_spec_file(spec)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MAX_SPEC_BYTES, f"peak {peak:,} bytes"


def test_non_utf8_bytes_are_refused_at_their_position(sandbox):
    spec = sandbox.write(b"source: tickets\nmeasures: [count() as n]\ntitle: caf\xe9 au lait\n")
    out = sandbox.run(spec)
    assert_spec_error(out, spec, 3, 11, "not UTF-8", "0xe9")


def test_utf16_spec_is_refused_as_not_utf8(sandbox):
    spec = sandbox.write(BASE.encode("utf-16"))
    out = sandbox.validate(spec)
    assert_spec_error(out, spec, 1, 1, "not UTF-8")


def test_nul_byte_in_the_file_is_refused(sandbox):
    spec = sandbox.write(b"source: tickets\nmeasures: [count() as n]\ntitle: a\x00b\n")
    out = sandbox.run(spec)
    assert out.code == 2, out.output
    assert_no_traceback(out)
    assert re.match(rf"^{re.escape(str(spec))}:\d+:\d+: error: ", out.first_line)


def test_nul_byte_is_reported_at_its_position(sandbox):
    spec = sandbox.write(b"source: tickets\nmeasures: [count() as n]\ntitle: a\x00b\n")
    out = sandbox.run(spec)
    assert_spec_error(out, spec, 3, 9)


@pytest.mark.parametrize("text,kind", [
    ("- source: tickets\n- measures: [count() as n]\n", "a list"),
    ("tickets\n", "a single value"),
    ("42\n", "a single value"),
    ("", "empty"),
    ("# only\n# comments\n", "empty"),
])
def test_spec_that_is_not_a_mapping(sandbox, text, kind):
    spec = sandbox.write(text)
    assert_spec_error(sandbox.run(spec), spec, 1, 1, "a spec is a mapping", kind)


def test_multi_document_spec_is_refused(sandbox):
    spec = sandbox.write(BASE + "---\nsource: read_csv\n")
    out = sandbox.run(spec)
    assert_spec_error(out, spec, 3, None, "invalid YAML")


@pytest.mark.parametrize("limit,fragment", [
    ("10000000000", "is greater than the maximum of 10000000"),
    ("-1", "is less than the minimum of 0"),
    ("'10; DROP TABLE tickets'", "is not of type 'integer'"),
    ("1.5", "is not of type 'integer'"),
])
def test_limit_outside_the_schema(sandbox, limit, fragment):
    spec = sandbox.write(BASE + f"limit: {limit}\n")
    assert_spec_error(sandbox.run(spec), spec, 3, 8, fragment)


def test_duplicate_output_columns_are_refused(sandbox):
    spec = sandbox.write("source: tickets\ndimensions: [status]\nmeasures: [count() as status]\n")
    out = sandbox.run(spec)
    assert out.code == 2, out.output
    assert_no_traceback(out)
    assert "two output columns are named 'status'" in out.output


def test_duplicate_output_column_is_reported_where_it_is(sandbox):
    spec = sandbox.write("source: tickets\ndimensions: [status]\nmeasures: [count() as status]\n")
    assert_spec_error(sandbox.run(spec), spec, 3, None, "two output columns are named 'status'")


@pytest.mark.parametrize("text,line,column,key", [
    (BASE + "source: companies\n", 3, 1, "source"),
    ("source: tickets\ndate_range:\n  preset: last_7_days\n  preset: all_time\nmeasures: [count() as n]\n",
     4, 3, "preset"),
    ("source: tickets\nmeasures:\n  - {name: n, expr: 'count()', expr: 'max(system(1))'}\n", 3, None, "expr"),
])
def test_duplicate_yaml_keys_are_refused(sandbox, text, line, column, key):
    spec = sandbox.write(text)
    assert_spec_error(sandbox.run(spec), spec, line, column, f"duplicate key '{key}'")


@pytest.mark.parametrize("workspace,spec_text,line,column,fragment", [
    pytest.param("measures:\n  a: {entity: tickets, expr: \"a + count()\"}\n",
                 "source: tickets\nmeasures:\n  - a\n", 3, 5, "measure 'a' refers to itself", id="measure"),
    pytest.param("measures:\n  a: {entity: tickets, expr: \"b + count()\"}\n"
                 "  b: {entity: tickets, expr: \"a + count()\"}\n",
                 "source: tickets\nmeasures:\n  - a\n", 3, 5, "refers to itself", id="mutual-measures"),
    pytest.param("derived_fields:\n  tickets:\n    x: {expr: \"x + 1\", type: integer}\n",
                 "source: tickets\nmeasures:\n  - sum(x) as s\n", 3, 9, "derived field tickets.x refers to itself",
                 id="derived-field"),
    pytest.param("derived_fields:\n  tickets:\n    y: {expr: \"z + 1\", type: integer}\n"
                 "    z: {expr: \"y + 1\", type: integer}\n",
                 BASE + "filters:\n  - y > 1\n", 4, 5, "refers to itself", id="mutual-derived-fields"),
])
def test_recursive_workspace_definitions_are_refused(sandbox, workspace, spec_text, line, column, fragment):
    ws = sandbox.write(workspace, "rb.yaml")
    spec = sandbox.write(spec_text)
    out = sandbox.run(spec, "--workspace", ws)
    assert_spec_error(out, spec, line, column, fragment)
    assert_quick(out)
    again = sandbox.validate(spec, "--workspace", ws)
    assert_spec_error(again, spec, line, column, fragment)


@pytest.mark.parametrize("key,item", [
    ("dimensions", "status"),  # maxItems 64
    ("measures", "count()"),  # 256
    ("filters", "status = 'closed'"),  # 256
    ("having", "n > 0"),  # 256
    ("sort", "n"),  # 64
])
def test_ten_thousand_items_hit_the_schema_limit(sandbox, key, item):
    head = "source: tickets\n" + ("" if key == "measures" else "measures: [count() as n]\n")
    spec = sandbox.write(head + f"{key}:\n" + f"  - {item}\n" * 10_000)
    out = sandbox.validate(spec)
    first_item_line = head.count("\n") + 2
    assert_spec_error(out, spec, first_item_line, 3, f"'{key}'", "at most")
    assert_quick(out)


def test_too_many_items_message_is_short_and_names_the_limit(sandbox):
    spec = sandbox.write(BASE + "dimensions:\n" + "  - status\n" * 10_000)
    out = sandbox.validate(spec)
    assert len(out.output) < 1000, f"{len(out.output):,} characters"
    assert "64" in out.output


def test_many_unknown_keys_give_bounded_output(sandbox):
    spec = sandbox.write(BASE + "".join(f"k{i}: 1\n" for i in range(5_000)))
    out = sandbox.validate(spec)
    assert out.code == 2
    assert len(out.output) < 100_000, f"{len(out.output):,} characters"


def test_huge_preset_count_is_a_spec_error(sandbox):
    spec = sandbox.write("source: tickets\ndate_range: {preset: last_99999999999_days}\nmeasures: [count() as n]\n")
    assert_spec_error(sandbox.run(spec), spec, 2, None)


def test_gap_filling_beyond_the_bucket_limit_is_refused(sandbox):
    spec = sandbox.write("source: tickets\ndate_range: {from: '2000-01-01', to: '2030-01-01'}\n"
                         "dimensions: [{field: created_at, granularity: hour}]\nmeasures: [count() as n]\n")
    out = sandbox.run(spec)
    assert_no_traceback(out)
    assert out.code == 2, out.output
    assert "the limit is 200,000" in out.output


def test_gap_filling_beyond_the_bucket_limit_is_reported_at_the_spec(sandbox):
    spec = sandbox.write("source: tickets\ndate_range: {from: '2000-01-01', to: '2030-01-01'}\n"
                         "dimensions: [{field: created_at, granularity: hour}]\nmeasures: [count() as n]\n")
    out = sandbox.run(spec)
    assert_spec_error(out, spec, _line_of(out), None, "the limit is")


def test_gap_filling_a_huge_range_is_refused_quickly(sandbox):
    spec = sandbox.write("source: tickets\ndate_range: {from: '0001-01-01', to: '9999-12-31'}\n"
                         "dimensions: [{field: created_at, granularity: hour}]\nmeasures: [count() as n]\n")
    out = sandbox.process("run", spec, "--data", sandbox.data, "--format", "json", "--now", NOW,
                          timeout=RESOURCE_SECONDS)
    assert out.code == 2, out.output
    assert_no_traceback(out)


def test_alias_amplified_expressions_are_refused_quickly(sandbox):
    expression = "status in (" + ",".join(["'x'"] * 4990) + ")"
    assert len(expression) <= MAX_LENGTH
    spec = sandbox.write(BASE + "filters:\n  - &e \"" + expression + "\"\n" + "  - *e\n" * 255)
    assert spec.stat().st_size < 25_000
    out = sandbox.process("validate", spec, timeout=RESOURCE_SECONDS)
    assert out.code in (0, 2), out.output
    assert out.seconds < RESOURCE_SECONDS
