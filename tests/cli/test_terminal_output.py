"""What `rb run` shows people: tables that fit the terminal, "(none)" for a null group,
an HTML page that draws a table report once, and `rb sql` printing the SQL `rb run` runs."""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from reportbuilder.render.render_data import render
from reportbuilder.run.result import Result, ResultColumn
from tests.cli.test_cli import NOW, OWNERS_BY_TEAM, _isolated, data_dir, rb  # noqa: F401 - fixtures



def owners(data_dir, *args, env=None):
    Path("owners.yaml").write_text(OWNERS_BY_TEAM, encoding="utf-8")
    result = rb("run", "owners.yaml", "--data", data_dir, "--now", NOW, *args, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


# -- a null group -----------------------------------------------------------------------

def test_a_null_group_reads_none_in_display_formats_and_stays_null_in_data(data_dir):
    table = owners(data_dir)
    assert re.search(r"│ \(none\)\s+│\s+1 │\s+— │", table), table  # the null average stays a dash
    assert "| (none) | 1 |  |" in owners(data_dir, "--format", "md")
    assert "<td>(none)</td>" in owners(data_dir, "--format", "html")
    assert owners(data_dir, "--format", "csv").endswith("\n,1,\n")
    assert json.loads(owners(data_dir, "--format", "json"))[-1]["team"] is None


def test_a_null_measure_is_not_a_group():
    result = Result((ResultColumn("team", "text"), ResultColumn("note", "text")), ((None, None),))
    assert "| (none) |  |" in render(result, "md", groups=("team",))
    assert "(none)" not in render(result, "md")


# -- the terminal width -----------------------------------------------------------------

def _long_text_result(rows: int) -> Result:
    columns = (ResultColumn("subject", "text"), ResultColumn("tickets", "integer"),
               ResultColumn("wait", "seconds"))
    return Result(columns, tuple(("A very long ticket subject that goes on " * 3 + str(n), 123_456 + n, 90_000)
                                 for n in range(rows)))


def test_long_text_is_cut_with_an_ellipsis_and_numbers_stay_whole():
    text = render(_long_text_result(3), "table", width=50)
    assert widest(text) <= 50
    assert "…" in text and text.count("┃") == 4  # one table: subject, tickets, wait
    for value in ("123,456", "123,458", "1d 1h"):
        assert value in text


def test_without_a_width_nothing_is_cut_and_csv_keeps_full_values():
    full = "A very long ticket subject that goes on " * 3 + "0"
    assert full in render(_long_text_result(1), "table")
    assert full in render(_long_text_result(1), "csv")


def test_a_wide_one_row_result_is_transposed(data_dir):
    spec = Path("kpi.yaml")
    spec.write_text(textwrap.dedent("""\
        source: tickets
        date_range: {field: created_at, preset: last_month}
        measures: [count() as tickets, avg(time_to_close) as close, count_if(priority = 'high') as high]
        compare: previous_period
        """), encoding="utf-8")
    wide = rb("run", "kpi.yaml", "--data", data_dir, "--now", NOW)
    assert wide.exit_code == 0, wide.output
    narrow = rb("run", "kpi.yaml", "--data", data_dir, "--now", NOW, env={"COLUMNS": "50"})
    assert widest(narrow.stdout) <= 50 < widest(wide.stdout)
    header = next(line for line in wide.stdout.splitlines() if "tickets_previous" in line)
    assert "tickets_change_pct" in header  # one row, one line of columns when nothing limits it
    lines = narrow.stdout.splitlines()
    assert any(re.match(r"┃ field\s+┃ value", line) for line in lines), narrow.stdout
    assert any(re.match(r"│ tickets_previous\s+│ \S", line) for line in lines)
    csv = rb("run", "kpi.yaml", "--data", data_dir, "--now", NOW, "--format", "csv", env={"COLUMNS": "50"})
    assert csv.stdout.splitlines()[0] == ("tickets,close,high,tickets_previous,tickets_change_pct,close_previous,"
                                          "close_change_pct,high_previous,high_change_pct")


def test_a_wide_result_of_many_rows_is_folded_with_its_groups_repeated():
    columns = (ResultColumn("channel", "text"),) + tuple(ResultColumn(f"measure_number_{n}", "integer")
                                                         for n in range(6))
    result = Result(columns, (("email", *range(6)), ("phone", *range(10, 16))))
    text = render(result, "table", width=60, groups=("channel",))
    assert widest(text) <= 60
    headers = [line for line in text.splitlines() if line.startswith("┃")]
    assert len(headers) > 1 and all("channel" in line for line in headers)
    for n in range(6):
        assert sum(f"measure_number_{n} " in line for line in headers) == 1
    assert text.count("email") == len(headers) and text.rstrip().endswith("2 rows")


# -- html ---------------------------------------------------------------------------------

def test_a_table_report_as_html_is_one_html_table(data_dir, tmp_path):
    spec = Path("t.yaml")
    spec.write_text(OWNERS_BY_TEAM + "chart:\n  type: table\n", encoding="utf-8")
    result = rb("run", "t.yaml", "--data", data_dir, "--now", NOW, "-o", "t.html")
    assert result.exit_code == 0, result.output
    page = Path("t.html").read_text(encoding="utf-8")
    assert "<svg" not in page and page.count("<table>") == 1
    assert len(re.findall(r"<th[ >]", page)) == 3 and "<td>(none)</td>" in page
    assert "<th class=\"num\">owners</th>" in page  # aligned as its cells are


# -- the SQL that runs --------------------------------------------------------------------

def test_rb_sql_prints_the_sql_rb_run_runs_on_the_demo_data(monkeypatch):
    from reportbuilder.run import execute

    ran = []
    original = execute.DuckDBConnection.run

    def recording(con, query, *args, **kwargs):
        ran.append(query.sql())
        return original(con, query, *args, **kwargs)

    monkeypatch.setattr(execute.DuckDBConnection, "run", recording)
    result = rb("run", "tickets_created_over_time", "--format", "csv")
    assert result.exit_code == 0, result.output
    printed = rb("sql", "tickets_created_over_time")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.strip() == ran[0].strip()
