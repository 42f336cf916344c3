"""The warm path (warm_cache.py): a repeated command with the same inputs skips loading,
checking and building, and anything that changes the answer makes it go the whole way.

Whether a run went the whole way is seen by counting workspace openings (the warm path opens
none); each case also compares the printed answer with a run that has no cache at all.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from reportbuilder import warm_cache, watched_now, workspace
from reportbuilder.cli import main

NOW = ["--now", "2025-03-01T12:00:00"]
SPEC = "source: owners\ndimensions: [name]\nmeasures: [count() as n]\n"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RB_COMPILE_CACHE_DIR", str(tmp_path / "compiled"))
    monkeypatch.setenv("RB_RESULT_CACHE_DIR", str(tmp_path / "results"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bo,\n3,Bo,1\n")
    (tmp_path / "spec.yaml").write_text(SPEC)
    return tmp_path


@pytest.fixture
def opened(monkeypatch):
    """How many times a command opened the workspace (0: it took the warm path)."""
    calls = []
    real = workspace.open_workspace

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(workspace, "open_workspace", counting)
    return calls


def rb(*args: str) -> str:
    done = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def cold(*args: str) -> str:
    """The answer with every cache out of the way."""
    saved = os.environ["RB_COMPILE_CACHE_DIR"]
    os.environ["RB_COMPILE_CACHE_DIR"] = saved + "-cold"
    try:
        return rb(*args, "--no-cache") if args[0] == "run" else rb(*args)
    finally:
        os.environ["RB_COMPILE_CACHE_DIR"] = saved


def warm_then(*args: str, opened) -> tuple[str, int]:
    """(output, workspace openings) of `args` run a second time."""
    rb(*args)
    opened.clear()
    return rb(*args), len(opened)


RUN = ("run", "spec.yaml", "--data", "data", *NOW)


@pytest.mark.parametrize("args", [RUN, ("sql", "spec.yaml", *NOW), ("validate", "spec.yaml"),
                                  ("run", "spec.yaml", "--data", "data", *NOW, "--format", "csv")])
def test_a_repeated_command_is_warm_and_answers_the_same(folder, opened, args):
    out, openings = warm_then(*args, opened=opened)
    assert openings == 0
    assert out == cold(*args)
    assert "Bo" in out or "ok" in out or "SELECT" in out


def _changes_answer(folder, opened, change, args=RUN, after=None, whole_way=True):
    before, openings = warm_then(*args, opened=opened)
    assert openings == 0
    change_args = change(folder)
    args = change_args if isinstance(change_args, tuple) else args
    opened.clear()
    out = rb(*args)
    assert len(opened) == (1 if whole_way else 0)  # compiled again, or the kept SQL run on the new data
    assert out == cold(*args)
    if after is not None:
        assert after(before, out)
    return out


def test_a_spec_edit_misses(folder, opened):
    _changes_answer(folder, opened, lambda f: (f / "spec.yaml").write_text(SPEC.replace("dimensions: [name]\n", "")),
                    after=lambda before, now: "Bo" in before and "Bo" not in now)


def test_an_option_change_misses(folder, opened):
    _changes_answer(folder, opened, lambda f: RUN + ("--filter", "name = 'Ann'"),
                    after=lambda before, now: "Bo" in before and "Bo" not in now)


def test_another_now_misses(folder, opened):
    _changes_answer(folder, opened, lambda f: ("run", "spec.yaml", "--data", "data", "--now", "2025-03-02"))


def test_a_workspace_edit_misses(folder, opened):
    (folder / "rb.yaml").write_text("week_start: monday\n")
    out = _changes_answer(folder, opened, lambda f: (f / "rb.yaml").write_text("week_start: sunday\n"))
    assert "Ann" in out


def test_a_touched_data_file_is_queried_again(folder, opened):
    """The compiled command still applies (same inputs): its SQL runs on the changed file."""
    def change(f):
        (f / "data" / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bo,\n3,Cy,1\n")

    _changes_answer(folder, opened, change, after=lambda before, now: "Cy" in now and "Cy" not in before,
                    whole_way=False)


def test_a_file_added_to_the_data_folder_misses(folder, opened):
    _changes_answer(folder, opened, lambda f: (f / "data" / "teams.csv").write_text("id,name\n1,T\n"))


def test_the_wall_clocks_now_is_kept_only_when_the_compile_never_read_it(folder, opened):
    """No now pinned: a report without a date range compiles to the same SQL at every instant (kept);
    one whose filter compares with now() holds the instant (compiled again every time, never kept)."""
    args = ("run", "spec.yaml", "--data", "data")
    assert warm_then(*args, opened=opened) == (cold(*args), 0)
    (folder / "data" / "tickets.csv").write_text("id,created_at\n1,2020-01-01 10:00:00\n")
    (folder / "spec.yaml").write_text("source: tickets\nfilters: ['created_at < now()']\nmeasures: [count() as n]\n")
    kept = len(list((folder / "compiled" / "commands").iterdir()))
    for _ in range(2):
        opened.clear()
        rb(*args)
        assert len(opened) == 1
    assert len(list((folder / "compiled" / "commands").iterdir())) == kept


def _clock_at(monkeypatch, instant: datetime) -> None:
    """The wall clock (of the watched now and of the warm path's key and dates) at naive UTC `instant`."""
    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.replace(tzinfo=timezone.utc).astimezone(tz) if tz else instant

    monkeypatch.setattr(watched_now, "datetime", Clock)
    monkeypatch.setattr(warm_cache, "datetime", Clock)


def test_a_day_granular_preset_is_kept_for_its_local_day(folder, opened, monkeypatch):
    """`today` in Tokyo reads only the local date: runs on one Tokyo day reuse the compiled command;
    at Tokyo's midnight (the same UTC day, so the same key) the entry no longer holds: the run
    compiles again and counts the new day's tickets."""
    (folder / "data" / "tickets.csv").write_text(
        "id,created_at\n1,2025-03-10 12:00:00\n2,2025-03-10 16:00:00\n3,2025-03-10 17:00:00\n")
    (folder / "spec.yaml").write_text("source: tickets\ndate_range: {field: created_at, preset: today}\n"
                                      "measures: [count() as n]\n")
    args = ("run", "spec.yaml", "--data", "data", "--timezone", "Asia/Tokyo", "--format", "csv")
    _clock_at(monkeypatch, datetime(2025, 3, 10, 10, 0))  # Tokyo: 2025-03-10 19:00
    first = rb(*args)
    assert first.splitlines()[1:] == ["1"] and first == cold(*args)
    _clock_at(monkeypatch, datetime(2025, 3, 10, 14, 59, 59, 999999))  # Tokyo: the day's last microsecond
    opened.clear()
    assert rb(*args) == first and opened == []
    assert rb(*args, "--no-cache") == first and opened == []
    _clock_at(monkeypatch, datetime(2025, 3, 10, 15, 0))  # Tokyo: 2025-03-11 00:00
    opened.clear()
    second = rb(*args)
    assert len(opened) == 1 and second.splitlines()[1:] == ["2"] and second == cold(*args)
    opened.clear()
    assert rb(*args) == second and opened == []  # kept again, for the new day


def test_no_cache_recomputes_with_the_compiled_command(folder, opened, monkeypatch):
    rb(*RUN)
    opened.clear()
    rb(*RUN, "--no-cache")
    assert opened == []
    monkeypatch.setenv("RB_NO_COMPILE_CACHE", "1")
    rb(*RUN, "--no-cache")
    assert len(opened) == 1


def test_an_invalid_spec_is_checked_every_time(folder):
    (folder / "spec.yaml").write_text("source: owners\nmeasures: [count(nope) as n]\n")
    for _ in range(2):
        done = CliRunner().invoke(main, ["validate", "spec.yaml"])
        assert done.exit_code == 2 and "nope" in done.output


def _key(**options):
    return warm_cache.command_key("run", "spec.yaml", None, {"as": None, **options})


def test_the_key_covers_the_user_the_version_and_the_day(folder, monkeypatch):
    one = _key()
    assert _key() == one
    assert _key(**{"as": "ann@example.com"}) != one
    assert warm_cache.command_key("sql", "spec.yaml", None, {"as": None}) != one
    monkeypatch.setenv("RB_DATA", "elsewhere")
    assert _key() != one
    monkeypatch.delenv("RB_DATA")
    version = warm_cache.__version__
    monkeypatch.setattr(warm_cache, "__version__", "0.0.0-other")
    assert _key() != one
    monkeypatch.setattr(warm_cache, "__version__", version)
    assert _key() == one

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.combine(date.today().replace(year=2100), datetime.min.time(), tz)

    monkeypatch.setattr(warm_cache, "datetime", Tomorrow)
    assert _key() != one


def test_an_unknown_spec_has_no_key(folder):
    assert warm_cache.command_key("run", "no_such_report", None, {}) is None


def test_a_damaged_entry_is_a_miss(folder, opened):
    rb(*RUN)
    for entry in (folder / "compiled" / "commands").iterdir():
        entry.write_text("{not json")
    opened.clear()
    out = rb(*RUN)
    assert len(opened) == 1
    assert out == cold(*RUN)


COMPARE = "source: tickets\ndate_range: {field: created_at, preset: last_month}\nmeasures: [count() as n]\n" \
          "compare: previous_period\n"


def test_a_warm_result_keeps_each_columns_role(folder, opened):
    import json

    from reportbuilder import running
    from reportbuilder.run.result_cache import ResultCache

    (folder / "data" / "tickets.csv").write_text("id,created_at\n1,2025-02-03 10:00:00\n2,2025-01-05 10:00:00\n")
    (folder / "spec.yaml").write_text(COMPARE)
    rb(*RUN)
    (entry,) = (folder / "compiled" / "commands").iterdir()
    assert json.loads(entry.read_text())["columns"] == [
        ["n", "integer", "measure", None], ["n_previous", "number", "previous", "n"],
        ["n_change_pct", "percent", "change_pct", "n"]]
    result, _ = running.warm_result(entry.stem, ResultCache(folder / "results"))
    assert [(c.role, c.of) for c in result.columns] == [("measure", None), ("previous", "n"), ("change_pct", "n")]
    assert result.rows == ((1, 1, 0.0),)


def test_an_entry_kept_before_roles_is_a_miss(folder, opened):
    import json

    rb(*RUN)
    (entry,) = (folder / "compiled" / "commands").iterdir()
    kept = json.loads(entry.read_text())
    kept["columns"] = [column[:2] for column in kept["columns"]]
    entry.write_text(json.dumps(kept))
    opened.clear()
    out = rb(*RUN)
    assert len(opened) == 1
    assert out == cold(*RUN)
