"""The result cache: identical answers, and never an old answer for changed data.

Each test counts the queries that really ran (`Counting`), so "served from the cache" and
"recomputed" are observed, not assumed.
"""
from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest
from click.testing import CliRunner

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.cli import main
from reportbuilder.compile import compile_text
from reportbuilder.run import result_cache
from reportbuilder.run.execute import run_query
from reportbuilder.run.result_cache import ResultCache, cache_key

OWNERS_BY_NAME = "source: owners\ndimensions: [name]\nmeasures: [count() as n]\nsort: [name]\n"


class Counting(ResultCache):
    """A cache that counts how often the query itself ran."""

    computed = 0

    def rows(self, con, sql, compute):
        def counted():
            self.computed += 1
            return compute()

        return super().rows(con, sql, counted)


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bob,\n3,Ann,2\n")
    return folder


@pytest.fixture
def cache(tmp_path):
    return Counting(tmp_path / "cache")


def run(folder, cache, spec=OWNERS_BY_NAME):
    return run_query(compile_text(spec), folder, load_catalog(), "UTC", "", cache=cache).rows


def test_second_identical_run_is_served_from_the_cache(data, cache):
    first = run(data, cache)
    assert first == (("Ann", 2), ("Bob", 1))
    assert run(data, cache) == first
    assert cache.computed == 1


def test_a_rewritten_file_of_the_same_size_is_recomputed(data, cache):
    assert run(data, cache) == (("Ann", 2), ("Bob", 1))
    path = data / "owners.csv"
    before = path.stat()
    path.write_text("id,name,team_id\n1,Ann,1\n2,Bob,\n3,Cy_,2\n")  # same size
    assert path.stat().st_size == before.st_size
    assert run(data, cache) == (("Ann", 1), ("Bob", 1), ("Cy_", 1))
    assert cache.computed == 2


def test_a_rewritten_file_with_its_old_size_and_mtime_is_recomputed(data, cache):
    """Restoring the modification time does not hide a change: the change time moves on."""
    path = data / "owners.csv"
    assert run(data, cache) == (("Ann", 2), ("Bob", 1))
    before = path.stat()
    path.write_text("id,name,team_id\n1,Bob,1\n2,Bob,\n3,Ann,2\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert run(data, cache) == (("Ann", 1), ("Bob", 2))
    assert cache.computed == 2


def test_a_changed_duckdb_file_is_recomputed(tmp_path, cache):
    database = tmp_path / "help.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE owners AS SELECT * FROM (VALUES (1, 'Ann', 1), (2, 'Bob', NULL)) t(id, name, team_id)")
    assert run(database, cache) == (("Ann", 1), ("Bob", 1))
    assert run(database, cache) == (("Ann", 1), ("Bob", 1))
    with duckdb.connect(str(database)) as con:
        con.execute("INSERT INTO owners VALUES (3, 'Bob', 2)")
    assert run(database, cache) == (("Ann", 1), ("Bob", 2))
    assert cache.computed == 2


def test_the_same_files_in_another_folder_are_another_key(data, tmp_path, cache):
    """The demo dataset is one folder per anchor day: a new day is a new folder, a new key."""
    copy = tmp_path / "demo-2025-07-01"
    shutil.copytree(data, copy)
    run(data, cache)
    run(copy, cache)
    assert cache.computed == 2


def test_the_key_covers_every_view_on_the_connection(data):
    """A restricted view (same files, another condition) is another key."""
    csv = str(data / "owners.csv")
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW owners AS SELECT * FROM read_csv('{csv}')")
        plain = cache_key(con, "SELECT count(*) FROM owners")
        con.execute(f"CREATE OR REPLACE VIEW owners AS SELECT * FROM read_csv('{csv}') WHERE team_id = 1")
        restricted = cache_key(con, "SELECT count(*) FROM owners")
    assert plain is not None and restricted is not None and plain != restricted


def test_the_key_covers_the_sql_and_the_version(data, monkeypatch):
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW owners AS SELECT * FROM read_csv('{data / 'owners.csv'}')")
        one = cache_key(con, "SELECT count(*) FROM owners")
        assert cache_key(con, "SELECT count(*) FROM owners") == one
        assert cache_key(con, "SELECT count(id) FROM owners") != one
        monkeypatch.setattr(result_cache, "__version__", "999")
        assert cache_key(con, "SELECT count(*) FROM owners") != one


@pytest.mark.parametrize("sql", ["SELECT now()", "SELECT random() AS r", "SELECT current_date"])
def test_queries_reading_a_clock_or_random_are_not_cached(sql, cache):
    with duckdb.connect() as con:
        assert cache_key(con, sql) is None
        cache.rows(con, sql, lambda: [(1,)])
        cache.rows(con, sql, lambda: [(1,)])
    assert cache.computed == 2


def test_a_clock_word_inside_a_path_does_not_turn_the_cache_off(tmp_path):
    folder = tmp_path / "random now"
    folder.mkdir()
    (folder / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n")
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW owners AS SELECT * FROM read_csv('{folder / 'owners.csv'}')")
        assert cache_key(con, "SELECT count(*) AS now_count FROM owners WHERE name <> 'now()'") is not None


def test_values_come_back_with_their_types(cache):
    rows = [("a'b", 1, 2.5, True, None, date(2025, 3, 30), datetime(2025, 3, 30, 1, 30, 15, 250)),
            ("", -(2 ** 70), float("nan"), False, "NaN", date(1, 1, 1), datetime(2025, 10, 26, 2, 59))]
    with duckdb.connect() as con:
        cache.rows(con, "SELECT 1", lambda: rows)
        again = cache.rows(con, "SELECT 1", lambda: pytest.fail("recomputed"))
    assert cache.computed == 1
    assert [tuple(map(type, row)) for row in again] == [tuple(map(type, row)) for row in rows]
    assert repr(again) == repr(rows)  # nan == nan is false; the repr compares it


@pytest.mark.parametrize("value", [Decimal("1.5"), {"date": "2025-01-01"}, [1, 2]])
def test_values_json_cannot_keep_exactly_are_not_stored(value, cache):
    with duckdb.connect() as con:
        assert cache.rows(con, "SELECT 2", lambda: [(value,)]) == [(value,)]
        assert cache.rows(con, "SELECT 2", lambda: [(value,)]) == [(value,)]
    assert cache.computed == 2
    assert not list(cache.folder.glob("*.json"))


def test_least_recently_used_entries_are_evicted(tmp_path):
    with duckdb.connect() as con:
        cache = Counting(tmp_path / "lru", max_bytes=10_000)
        big = [("x" * 3000,)]
        for sql in ("SELECT 1", "SELECT 2", "SELECT 3"):
            cache.rows(con, sql, lambda: big)
        for age, sql in enumerate(("SELECT 1", "SELECT 2", "SELECT 3"), start=1):  # SELECT 1 is the oldest ...
            os.utime(cache._path(cache_key(con, sql)), ns=(age * 10**9, age * 10**9))
        cache.rows(con, "SELECT 1", lambda: big)  # ... until this hit makes it the newest
        cache.rows(con, "SELECT 4", lambda: big)  # 4 entries do not fit: the LRU one (SELECT 2) goes
        kept = {p.name for p in cache.folder.glob("*.json")}
        assert kept == {cache._path(cache_key(con, s)).name for s in ("SELECT 1", "SELECT 3", "SELECT 4")}
        assert cache.computed == 4


def test_a_damaged_entry_is_recomputed(cache):
    with duckdb.connect() as con:
        cache.rows(con, "SELECT 5", lambda: [(5,)])
        cache._path(cache_key(con, "SELECT 5")).write_text("{not json")
        assert cache.rows(con, "SELECT 5", lambda: [(6,)]) == [(6,)]
    assert cache.computed == 2


def test_an_unwritable_folder_only_turns_the_cache_off(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = Counting(blocker / "cache")
    with duckdb.connect() as con:
        assert cache.rows(con, "SELECT 7", lambda: [(7,)]) == [(7,)]
        assert cache.rows(con, "SELECT 7", lambda: [(7,)]) == [(7,)]
    assert cache.computed == 2


def test_default_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("RB_RESULT_CACHE_DIR", raising=False)
    monkeypatch.delenv("RB_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert result_cache.default_dir() == tmp_path / "xdg" / "reportbuilder" / "results"
    monkeypatch.setenv("RB_RESULT_CACHE_DIR", str(tmp_path / "mine"))
    assert result_cache.default_dir() == tmp_path / "mine"


def test_the_suite_never_uses_a_user_cache():
    assert "rb-test-results-" in os.environ["RB_RESULT_CACHE_DIR"]  # set by tests/conftest.py


def test_cli_caches_by_default_and_not_with_no_cache(data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cli-cache"
    monkeypatch.setenv("RB_RESULT_CACHE_DIR", str(folder))
    (tmp_path / "spec.yaml").write_text(OWNERS_BY_NAME)
    runner = CliRunner()
    uncached = runner.invoke(main, ["run", "spec.yaml", "--data", str(data), "--format", "csv", "--no-cache"])
    assert uncached.exit_code == 0 and not folder.exists()
    first = runner.invoke(main, ["run", "spec.yaml", "--data", str(data), "--format", "csv"])
    assert first.exit_code == 0 and len(list(folder.glob("*.json"))) == 1
    (data / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bob,\n3,Bob,2\n")
    second = runner.invoke(main, ["run", "spec.yaml", "--data", str(data), "--format", "csv"])
    assert (uncached.output, first.output, second.output) == (
        "name,n\nAnn,2\nBob,1\n", "name,n\nAnn,2\nBob,1\n", "name,n\nAnn,1\nBob,2\n")


def test_a_dashboard_reuses_unchanged_answers_and_recomputes_changed_ones(data, tmp_path, cache):
    from datetime import datetime as dt

    from reportbuilder.dashboard.load_dashboard import Dashboard
    from reportbuilder.dashboard.run_dashboard import run_dashboard
    from reportbuilder.workspace import Workspace

    by_name, total = tmp_path / "by_name.yaml", tmp_path / "total.yaml"
    by_name.write_text(OWNERS_BY_NAME)
    total.write_text("source: owners\nmeasures: [count() as n]\n")
    board = Dashboard("d", "D", "", (str(by_name), str(total)))
    workspace = Workspace(load_catalog(), {})

    def answers():
        run = run_dashboard(board, workspace, data, dt(2025, 6, 30), None, None, cache=cache)
        return [panel.result.rows for panel in run.panels]

    assert answers() == [(("Ann", 2), ("Bob", 1)), ((3,),)]
    assert answers() == [(("Ann", 2), ("Bob", 1)), ((3,),)]
    assert cache.computed == 2
    (data / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n")
    assert answers() == [(("Ann", 1),), ((1,),)]
    assert cache.computed == 4
