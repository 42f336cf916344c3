"""The benchmark code runs on tiny data and rb's answers equal the hand-written ones (no timing)."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import builtin_dashboard  # noqa: E402
import generate_scale  # noqa: E402
import peak_memory  # noqa: E402
import run_benchmarks  # noqa: E402
from handwritten import HANDWRITTEN  # noqa: E402
from reportbuilder.catalog.load_catalog import load_catalog  # noqa: E402
from reportbuilder.demo.schema import TABLES  # noqa: E402


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale")
    rows = generate_scale.generate(2000, out, threads=2, quiet=True)
    assert set(rows) == set(TABLES)
    assert rows["tickets"] == 2000 and rows["messages"] > 4 * 2000
    return out


def test_generator_types_match_contract(tiny_data):
    import duckdb
    con = duckdb.connect()
    for table, columns in TABLES.items():
        got = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{tiny_data / (table + '.parquet')}')").fetchall()
        assert [(r[0], r[1]) for r in got] == [(c, t) for c, t in columns], table


def test_every_report_matches_handwritten(tiny_data):
    catalog = load_catalog()
    cases = run_benchmarks.build_cases(datetime.fromisoformat(run_benchmarks.DEFAULT_NOW), catalog)
    assert len(cases) == len(HANDWRITTEN) + 1 >= 12
    problems = run_benchmarks.run_cases(cases, tiny_data, catalog, repeat=1)
    assert problems == []
    assert all(case.rows > 0 for case in cases)


def test_dashboard_of_every_builtin_matches_separate_runs(tiny_data):
    out = builtin_dashboard.measure(tiny_data, datetime.fromisoformat(builtin_dashboard.DEFAULT_NOW), repeat=1)
    assert out["reports"] >= 29 and out["differ"] == []
    assert out["shared_ms"] > 0 and out["separate_ms"] > 0 and out["unshared_ms"] > 0


def test_dashboard_of_every_builtin_as_whole_processes(tiny_data):
    whole = builtin_dashboard.measure_processes(tiny_data, builtin_dashboard.DEFAULT_NOW)
    assert whole["runs_ms"] > 0 and whole["cold_ms"] > 0 and 0 < whole["reopen_ms"]


def test_same_rows_detects_differences():
    assert run_benchmarks.same_rows([(1, 2.0)], [(1, 2.0 + 1e-12)]) is None
    assert run_benchmarks.same_rows([(1, 2.0)], [(1, 2.1)]) is not None
    assert run_benchmarks.same_rows([(1,), (2,)], [(2,), (1,)]) is None
    assert run_benchmarks.same_rows([(1,)], []) is not None


def test_peak_memory_of_one_report(tiny_data):
    rows = peak_memory.measure_reports(tiny_data, names=("tickets_by_team",),
                                       rb_command=[sys.executable, "-m", "reportbuilder"])
    assert [r.report for r in rows] == ["tickets_by_team"]
    row = rows[0]
    assert row.rb_rows == row.hand_rows > 0
    assert row.rb_peak_mib > 10 and row.hand_peak_mib > 10  # an interpreter with duckdb loaded
    assert row.rb_wall_s > 0 and row.hand_wall_s > 0
    assert set(peak_memory.as_json(rows)[0]) == {"report", "rb_peak_mib", "rb_wall_s", "rb_rows",
                                                 "hand_peak_mib", "hand_wall_s", "hand_rows", "ratio"}
    info = peak_memory.machine_info()
    assert info["ram_gib"] > 0 and info["cpus"] >= 1


def test_child_peak_excludes_the_parents_memory():
    # Linux carries a forking parent's RSS high-water mark into the child; the launcher must not.
    ballast = b"\x01" * (300 * peak_memory.MIB)
    run = peak_memory.run_child([sys.executable, "-c", "print('a'); print('b')"])
    assert run.rows == 1 and 0 < run.peak_mib < 150
    del ballast


def test_business_time_matches_handwritten(tiny_data, capsys):
    import json

    import business_time

    assert business_time.main(["--data", str(tiny_data), "--repeat", "1"]) == 0  # 1 = different answers
    result = json.loads(capsys.readouterr().out)
    assert sum(r["tickets"] for r in result["rows"]) == 2000
    assert all(r["first_response_open_seconds"] > 0 for r in result["rows"])


def test_whole_process_times_a_first_and_a_repeat_run(tiny_data, tmp_path):
    """Both rb runs (empty cache folder; compiled command kept) give the plain process's answer."""
    import whole_process

    spec = str(BENCH / "specs" / "count_by_month.yaml")
    result = whole_process.run_case("shape: count_by_month", spec, "all_time", tiny_data, whole_process.DEFAULT_NOW,
                                    2, tmp_path)
    assert result["mismatch"] is None and result["rows"] > 0 and result["baseline"] == "hand"
    assert min(result["first_s"], result["repeat_s"], result["plain_s"]) > 0
    assert "| rb first run s | rb repeat run s |" in whole_process.markdown([result])
    kept = [p for p in tmp_path.rglob("commands/*.json")]
    assert len(kept) == 3  # one compiled command in the kept folder, one in each first run's own folder


def test_whole_process_through_a_resident_process(tiny_data, tmp_path, resident):
    import whole_process

    using = {"RB_DAEMON": "1", "XDG_RUNTIME_DIR": resident["XDG_RUNTIME_DIR"]}
    spec = str(BENCH / "specs" / "count_by_month.yaml")
    result = whole_process.run_case("shape: count_by_month", spec, "last_90_days", tiny_data,
                                    whole_process.DEFAULT_NOW, 1, tmp_path, using)
    assert result["mismatch"] is None and min(result["first_resident_s"], result["repeat_resident_s"]) > 0
    assert "| rb first, resident s |" in whole_process.markdown([result])
