"""A compiled command (warm_cache.py) is reused with `--no-cache` too: it is the SQL, not the answer.

A repeated `rb run --no-cache` skips loading, checking and planning (no workspace opened), opens
the data again from the statements the first run kept and runs the kept SQL: its answer must be
the one of a cold run (no compile cache at all), for built-ins, tables and JSON, a restricted
user and filters, and it must follow the data (a changed file gives the new answer).
"""
from __future__ import annotations

import json
import os
import shutil

import duckdb
import pytest

from tests.cli.test_warm_path import opened, rb  # noqa: F401 - `opened` is a fixture
from tests.security.access_world import FIXTURE, MEMBER, OTHER, WORKSPACE, read, write

NOW = ("--now", "2025-06-30T12:00:00")


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RB_COMPILE_CACHE_DIR", str(tmp_path / "compiled"))
    monkeypatch.setenv("RB_RESULT_CACHE_DIR", str(tmp_path / "results"))
    monkeypatch.delenv("RB_USER", raising=False)
    monkeypatch.delenv("RB_NO_COMPILE_CACHE", raising=False)
    write(read(FIXTURE), tmp_path / "data")
    (tmp_path / "rb.yaml").write_text(WORKSPACE, encoding="utf-8")
    return tmp_path


def cold(*args: str) -> str:
    """The answer with no compile cache and no result cache."""
    os.environ["RB_NO_COMPILE_CACHE"] = "1"
    try:
        return rb(*args, "--no-cache")
    finally:
        del os.environ["RB_NO_COMPILE_CACHE"]


CASES = [
    ("tickets_by_channel", "--format", "json"),
    ("tickets_by_channel", "--as", MEMBER),
    ("tickets_created_over_time", "--range", "last_90_days", "--format", "json", "--as", MEMBER),
    ("first_response_time_over_time", "--filter", "priority = 'high'", "--format", "json"),
    ("ticket_time_in_status", "--as", OTHER, "--format", "csv"),
    ("calls_by_owner", "--as", MEMBER, "--filter", "direction = 'inbound'", "--format", "json"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(c[:3]))
def test_a_compiled_hit_answers_as_a_cold_run(world, opened, case):
    args = ("run", case[0], "--data", "data", *NOW, *case[1:])
    first = rb(*args, "--no-cache")
    assert len(opened) == 1
    opened.clear()
    again = rb(*args, "--no-cache")
    assert opened == []  # compiled before: nothing loaded, checked or planned
    assert again == first == cold(*args)


def test_each_user_gets_their_own_compiled_sql(world, opened):
    """--as is part of the key: a member is never served the admin's SQL (nor another member's)."""
    args = ("run", "tickets_by_channel", "--data", "data", *NOW, "--format", "json", "--no-cache")
    everyone = rb(*args)
    member = rb(*args, "--as", MEMBER)
    other = rb(*args, "--as", OTHER)
    total = lambda out: sum(row["tickets"] for row in json.loads(out))  # noqa: E731
    assert total(member) < total(everyone) and total(other) < total(everyone) and member != other
    opened.clear()
    assert (rb(*args, "--as", MEMBER), rb(*args, "--as", OTHER), rb(*args)) == (member, other, everyone)
    assert opened == []


def test_an_edited_access_rule_misses(world, opened):
    args = ("run", "tickets_by_channel", "--data", "data", *NOW, "--format", "json", "--no-cache", "--as", MEMBER)
    before = rb(*args)
    (world / "rb.yaml").write_text(WORKSPACE.replace("tickets: owner.email = user.email", "tickets: 1 = 1"))
    opened.clear()
    after = rb(*args)
    assert len(opened) == 1 and after == cold(*args) and after != before


def test_an_edited_spec_misses(world, opened):
    (world / "spec.yaml").write_text("source: tickets\ndimensions: [channel]\nmeasures: [count() as n]\n")
    args = ("run", "spec.yaml", "--data", "data", *NOW, "--no-cache")
    before = rb(*args)
    (world / "spec.yaml").write_text("source: tickets\ndimensions: [priority]\nmeasures: [count() as n]\n")
    opened.clear()
    after = rb(*args)
    assert len(opened) == 1 and after == cold(*args) and after != before


def test_an_edited_catalog_misses(world, opened, monkeypatch, tmp_path):
    """A changed shipped catalog file is a new key (its path, size and times are in it)."""
    from reportbuilder import warm_cache

    key = warm_cache.command_key("run", "tickets_by_channel", None, {})
    package = tmp_path / "pkg"
    shutil.copytree(os.path.dirname(warm_cache.__file__), package / "reportbuilder")
    monkeypatch.setattr(warm_cache, "__file__", str(package / "reportbuilder" / "warm_cache.py"))
    moved = warm_cache.command_key("run", "tickets_by_channel", None, {})
    assert moved != key
    catalog = sorted((package / "reportbuilder" / "catalog").glob("*.yaml"))[0]
    catalog.write_text(catalog.read_text() + "\n")
    assert warm_cache.command_key("run", "tickets_by_channel", None, {}) not in (key, moved)


def test_no_cache_with_a_compiled_hit_reads_the_changed_data(world, opened):
    """Parquet data rewritten between two `--no-cache` runs: the compiled SQL is reused, the answer is new."""
    data = world / "pq"
    data.mkdir()
    con = duckdb.connect()
    for csv_file in (world / "data").glob("*.csv"):
        con.execute(f"COPY (SELECT * FROM read_csv('{csv_file}', all_varchar = true)) TO '{data / csv_file.stem}.parquet'")
    args = ("run", "tickets_by_channel", "--data", "pq", *NOW, "--format", "json", "--no-cache")
    before = rb(*args)
    tickets = data / "tickets.parquet"
    con.execute(f"COPY (SELECT * FROM read_parquet('{tickets}') WHERE channel <> 'email') TO '{world}/t.parquet'")
    shutil.copyfile(world / "t.parquet", tickets)  # in place: the folder's entries are the same, the file changed
    opened.clear()
    after = rb(*args)
    assert opened == []  # the compiled command was used
    assert after == cold(*args) and after != before
    assert "email" in before and "email" not in after


def test_a_data_file_with_other_columns_goes_the_whole_way(world, opened):
    """The views are opened from kept statements only when each file still has the same columns and types."""
    args = ("run", "tickets_by_channel", "--data", "data", *NOW, "--format", "json", "--no-cache")
    rb(*args)
    tickets = world / "data" / "tickets.csv"
    lines = tickets.read_text().splitlines()
    tickets.write_text("\n".join([lines[0] + ",extra"] + [line + ",x" for line in lines[1:]]) + "\n")
    opened.clear()
    after = rb(*args)
    assert len(opened) == 1 and after == cold(*args)


def test_the_compile_cache_can_be_switched_off(world, opened, monkeypatch):
    args = ("run", "tickets_by_channel", "--data", "data", *NOW, "--no-cache")
    rb(*args)
    monkeypatch.setenv("RB_NO_COMPILE_CACHE", "1")
    opened.clear()
    rb(*args)
    rb(*args)
    assert len(opened) == 2


def test_a_run_with_the_result_cache_completes_an_entry_kept_under_no_cache(world, opened):
    """Kept by `--no-cache` (no connection state), the entry gains it on the first cached run: the next
    run is answered from the result cache without opening the data."""
    args = ("run", "tickets_by_channel", "--data", "data", *NOW, "--format", "json")
    first = rb(*args, "--no-cache")
    (entry,) = (world / "compiled" / "commands").iterdir()
    assert json.loads(entry.read_text())["state"] is None
    assert rb(*args) == first and len(opened) == 1  # the first run compiled, the second did not
    assert json.loads(entry.read_text())["state"]["views"]
    assert any((world / "results").iterdir())
