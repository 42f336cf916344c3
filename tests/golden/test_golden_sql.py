"""Golden SQL: `rb sql` of every spec in tests/golden/specs, compared with tests/golden/sql.

Regenerate after an intended change with
    .venv/bin/python -m pytest tests/golden --update-goldens
and review the diff. The goldens are also executed on the acceptance data (../shared),
both through `rb run` and as the golden SQL text itself, because only results catch double
counting (the numbers are checked by the engine and acceptance tests).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlglot
from click.testing import CliRunner
from sqlglot import exp

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.cli import main
from reportbuilder.run.load_data import open_data

HERE = Path(__file__).resolve().parent
SPECS = sorted((HERE / "specs").glob("*.yaml"))
GOLDEN_SQL = HERE / "sql"
NOW = "2025-06-30T12:00:00"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No ./rb.yaml nor RB_* variables from the caller may change the SQL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RB_DATA", raising=False)
    monkeypatch.delenv("RB_NOW", raising=False)


@pytest.fixture
def data_dir(shared_dir) -> Path:
    path = shared_dir / "acceptance" / "data"
    if not (path / "tickets.csv").is_file():
        pytest.skip(f"{path} has no acceptance data")
    return path


def rb(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def tables_read(sql: str, data_dir: Path) -> tuple[str, ...]:
    """The data tables a SQL text reads (its table names that are files of `data_dir`)."""
    names = {table.name for table in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Table)}
    return tuple(sorted(name for name in names if (data_dir / f"{name}.csv").is_file()))


def golden_path(spec: Path) -> Path:
    return GOLDEN_SQL / f"{spec.stem}.sql"


def test_there_are_golden_specs():
    assert len(SPECS) >= 10


def test_every_golden_sql_has_a_spec():
    stems = {spec.stem for spec in SPECS}
    orphans = sorted(p.name for p in GOLDEN_SQL.glob("*.sql") if p.stem not in stems)
    assert not orphans, f"golden SQL without a spec in tests/golden/specs: {orphans}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_sql_matches_golden(spec, update_goldens):
    result = rb("sql", str(spec), "--now", NOW)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("WITH ")
    golden = golden_path(spec)
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run pytest tests/golden --update-goldens"
    assert result.stdout == golden.read_text(encoding="utf-8"), (
        f"`rb sql` of {spec.name} differs from {golden.name}; if the change is intended, "
        "rerun with --update-goldens and review the diff")


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_golden_runs_on_the_acceptance_data(spec, data_dir):
    result = rb("run", str(spec), "--data", str(data_dir), "--now", NOW, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and rows, "the golden report returns no rows on the acceptance data"
    assert all(isinstance(row, dict) for row in rows)
    names = list(rows[0])

    # The golden SQL text itself runs and gives the same shape.
    golden = golden_path(spec)
    if not golden.is_file():
        pytest.skip(f"{golden} is missing (see test_sql_matches_golden)")
    text = golden.read_text(encoding="utf-8")
    con = open_data(data_dir, tables_read(text, data_dir), load_catalog())
    try:
        cursor = con.execute(text)
        golden_rows = cursor.fetchall()
        golden_names = [d[0] for d in cursor.description]
    finally:
        con.close()
    assert golden_names == names
    assert len(golden_rows) == len(rows)
