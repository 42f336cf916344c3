"""Reopening an unchanged dashboard serves the page kept by its last run, importing none of the
compiler, engine or chart toolchain; a changed data file, spec or option is a new run."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from tests.security.access_world import FIXTURE, MEMBER, WORKSPACE

NOW = "2025-06-30T12:00:00"
COUNT = "title: Tickets\nsource: tickets\ndate_range: {field: created_at}\nmeasures: [count() as n]\n"
PROBE = """
import json, sys
from reportbuilder.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps(sorted(m for m in ("sqlglot", "duckdb", "altair", "yaml") if m in sys.modules)))
"""


@pytest.fixture
def world(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for csv in FIXTURE.glob("*.csv"):
        duckdb.sql(f"COPY (SELECT * FROM read_csv_auto('{csv}')) TO '{data / (csv.stem + '.parquet')}' (FORMAT parquet)")
    (tmp_path / "tickets.yaml").write_text(COUNT, encoding="utf-8")
    (tmp_path / "rb.yaml").write_text(WORKSPACE, encoding="utf-8")
    dash = tmp_path / "d.yaml"
    dash.write_text("title: D\nreports: [tickets.yaml, tickets_by_channel]\n", encoding="utf-8")
    env = {**os.environ, "RB_RESULT_CACHE_DIR": str(tmp_path / "cache"), "RB_COMPILE_CACHE_DIR": str(tmp_path / "cc"),
           "RB_USER": ""}
    return tmp_path, data, dash, env


def _rb(world, *extra):
    """(page, modules imported, stderr) of `rb dashboard` in a fresh process."""
    tmp, data, dash, env = world
    out = tmp / "d.html"
    out.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", PROBE, "dashboard", str(dash), "-o", str(out), "--data", str(data),
                           "--now", NOW, "--workspace", str(tmp / "rb.yaml"), "--no-insights", *extra],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8"), json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def _count(page: str) -> str:
    return page.split('tickets.yaml"')[1].split("</section>")[0]


def test_an_unchanged_dashboard_reopens_without_the_compiler(world):
    first, imported, _ = _rb(world)
    assert "duckdb" in imported and "sqlglot" in imported
    again, imported, _ = _rb(world)
    assert again == first and imported == []


def test_a_changed_data_file_is_never_served_the_old_page(world):
    tmp, data, _, _ = world
    first, _, _ = _rb(world)
    assert ">12<" in _count(first)
    tickets = data / "tickets.parquet"
    duckdb.sql(f"COPY (SELECT * FROM '{tickets}' WHERE id <> 1) TO '{tmp / 't.parquet'}' (FORMAT parquet)")
    os.replace(tmp / "t.parquet", tickets)
    changed, imported, _ = _rb(world)
    assert ">11<" in _count(changed) and "duckdb" in imported


def test_a_changed_spec_option_or_user_is_a_new_run(world):
    tmp, _, _, _ = world
    _rb(world)
    (tmp / "tickets.yaml").write_text(COUNT.replace("Tickets", "All tickets"), encoding="utf-8")
    page, imported, _ = _rb(world)
    assert "All tickets" in page and "duckdb" in imported
    member, imported, _ = _rb(world, "--as", MEMBER)
    assert ">3<" in _count(member) and "duckdb" in imported  # the 3 tickets bob may see (rb run --as says so)
    admin, imported, _ = _rb(world)
    assert ">12<" in _count(admin) and imported == []


def test_no_cache_neither_reads_nor_keeps_a_page(world):
    tmp, _, _, _ = world
    _rb(world, "--no-cache")
    assert not (tmp / "cache" / "dashboards").exists()
    _rb(world)
    _, imported, _ = _rb(world, "--no-cache")
    assert "duckdb" in imported
