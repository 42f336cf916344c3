"""Shared helpers of the importer tests: the real datasets (skipped when absent), rb runs."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.demo.schema import TABLES

DATASETS = Path("/work/shared/datasets")
SPECS = Path(__file__).resolve().parents[2] / "specs"


def dataset(relative: str) -> Path:
    path = DATASETS / relative
    if not path.is_file():
        pytest.skip(f"dataset {path} is not available on this machine (see its SOURCE.md)")
    return path


def import_into(fmt: str, source: Path, output: Path) -> str:
    result = CliRunner().invoke(main, ["import", fmt, str(source), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return result.output


def assert_contract(directory: Path, tables: tuple[str, ...]) -> None:
    """Each written table has exactly the contract's columns, in order, with its types."""
    con = duckdb.connect()
    for table in tables:
        described = con.execute(f"DESCRIBE SELECT * FROM '{directory / (table + '.parquet')}'").fetchall()
        assert [(row[0], row[1]) for row in described] == list(TABLES[table]), table


def rb_json(spec: str, data: Path, now: str, *extra: str) -> list[dict]:
    """`rb run SPEC --data DATA --now NOW --format json` -> rows."""
    result = CliRunner().invoke(main, ["run", spec, "--data", str(data), "--now", now, "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def builtin_or(name: str, fallback: str, tmp_path: Path) -> str:
    """The built-in spec `name` when it exists, else `fallback` YAML written to a file."""
    if (SPECS / f"{name}.yaml").is_file():
        return name
    path = tmp_path / f"{name}.yaml"
    path.write_text(fallback, encoding="utf-8")
    return str(path)


def write_spec(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)
