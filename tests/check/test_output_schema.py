"""One output schema (check/output_schema.py) for check and build: `having` sees a column's
value type, the Result its type with the unit; both from the same columns."""
from __future__ import annotations

import json

from click.testing import CliRunner

from reportbuilder.emit.build_sql import output_columns as built_columns
from reportbuilder.check.options import ReportOptions
from reportbuilder.check.output_schema import output_columns
from reportbuilder.check.report import Dimension, Measure
from reportbuilder.cli import main
from reportbuilder.compile import checked_plan
from reportbuilder.load.load_spec import load_spec_text
from reportbuilder.workspace import open_workspace

COMPARE = ("source: tickets\ndate_range: {field: created_at, from: 2025-02-01, to: 2025-03-01}\n"
           "dimensions: [channel]\n"
           "measures: [count() as n, {expr: avg(handle_time_seconds), name: handle, unit: seconds}]\n"
           "compare: previous_period\n")


def test_each_column_has_a_role_a_type_and_a_value_type():
    dims = (Dimension("channel", None, "text"),)
    measures = (Measure("n", None, "integer", None, True), Measure("wait", None, "number", "seconds"),
                Measure("nothing", None, "null"))
    got = [(c.name, c.type, c.value_type, c.role, c.of) for c in output_columns(dims, measures, True)]
    assert got == [
        ("channel", "text", "text", "dimension", None),
        ("n", "integer", "integer", "measure", None),
        ("wait", "seconds", "number", "measure", None),
        ("nothing", "number", "null", "measure", None),
        ("n_previous", "number", "integer", "previous", "n"),
        ("n_change_pct", "percent", "number", "change_pct", "n"),
        ("wait_previous", "seconds", "number", "previous", "wait"),
        ("wait_change_pct", "percent", "number", "change_pct", "wait"),
        ("nothing_previous", "number", "null", "previous", "nothing"),
        ("nothing_change_pct", "percent", "number", "change_pct", "nothing"),
    ]
    assert [c.name for c in output_columns(dims, measures, False)] == ["channel", "n", "wait", "nothing"]


def test_build_returns_the_columns_check_saw():
    ws = open_workspace()
    report = checked_plan(load_spec_text(COMPARE, "s.yaml"), ws.catalog, ReportOptions()).report
    assert built_columns(report) == output_columns(report.dimensions, report.measures, True)
    assert [c.type for c in built_columns(report)] == ["text", "integer", "seconds", "number", "percent",
                                                      "seconds", "percent"]


def test_having_filters_on_a_change_in_percent(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(
        "id,channel,created_at,handle_time_seconds\n"
        "1,email,2025-02-03 10:00:00,60\n2,email,2025-02-04 10:00:00,\n3,email,2025-01-10 10:00:00,30\n"
        "4,chat,2025-02-05 10:00:00,10\n5,chat,2025-01-06 10:00:00,20\n6,chat,2025-01-07 10:00:00,20\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(COMPARE + "having: [n_change_pct > 50]\n")
    done = CliRunner().invoke(main, ["run", str(spec), "--data", str(data), "--format", "json",
                                     "--now", "2025-03-15T12:00:00"])
    assert done.exit_code == 0, done.output
    # email: 2 vs 1 (+100 %), kept; chat: 1 vs 2 (-50 %), dropped
    assert json.loads(done.output) == [{"channel": "email", "n": 2, "handle": 60.0, "n_previous": 1,
                                        "n_change_pct": 100.0, "handle_previous": 30.0,
                                        "handle_change_pct": 100.0}]
