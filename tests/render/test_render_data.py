"""Data renderers: exact text for the machine formats, typed Parquet, readable table/md/html."""
import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb
import pytest

from reportbuilder.render.formats import FORMATS, format_from_path
from reportbuilder.render.render_data import render
from reportbuilder.render.values import format_duration, format_number, json_value
from reportbuilder.run.result import Result, ResultColumn

COLUMNS = (
    ResultColumn("agent", "text"),
    ResultColumn("tickets", "integer"),
    ResultColumn("avg_hours", "number"),
    ResultColumn("resolved", "boolean"),
    ResultColumn("day", "date"),
    ResultColumn("created", "timestamp"),
    ResultColumn("wait", "seconds"),
    ResultColumn("share", "percent"),
)

# Paris moves to summer time at 2025-03-30 01:00 UTC: the first timestamp is
# just after the switch (+02:00), the second just before it (+01:00).
ROWS = (
    ('Zoë | "Z" <b>', 1234, Decimal("2.50"), True, date(2025, 3, 30), datetime(2025, 3, 30, 1, 0),
     Decimal("3900"), 12.5),
    ("Bob", Decimal("7"), 3.0, False, date(2025, 3, 29), datetime(2025, 3, 29, 23, 30), 273600.0, 33.333),
    (None, None, float("nan"), None, None, None, None, None),
)


@pytest.fixture
def result():
    return Result(COLUMNS, ROWS, timezone="Europe/Paris", title="Tickets <by> agent")


@pytest.fixture
def empty():
    return Result(COLUMNS, (), timezone="Europe/Paris")


def test_json(result):
    assert render(result, "json") == """\
[
  {
    "agent": "Zoë | \\"Z\\" <b>",
    "tickets": 1234,
    "avg_hours": 2.5,
    "resolved": true,
    "day": "2025-03-30",
    "created": "2025-03-30T03:00:00+02:00",
    "wait": 3900,
    "share": 12.5
  },
  {
    "agent": "Bob",
    "tickets": 7,
    "avg_hours": 3.0,
    "resolved": false,
    "day": "2025-03-29",
    "created": "2025-03-30T00:30:00+01:00",
    "wait": 273600.0,
    "share": 33.333
  },
  {
    "agent": null,
    "tickets": null,
    "avg_hours": null,
    "resolved": null,
    "day": null,
    "created": null,
    "wait": null,
    "share": null
  }
]
"""


def test_jsonl(result):
    assert render(result, "jsonl") == (
        '{"agent": "Zoë | \\"Z\\" <b>", "tickets": 1234, "avg_hours": 2.5, "resolved": true, '
        '"day": "2025-03-30", "created": "2025-03-30T03:00:00+02:00", "wait": 3900, "share": 12.5}\n'
        '{"agent": "Bob", "tickets": 7, "avg_hours": 3.0, "resolved": false, '
        '"day": "2025-03-29", "created": "2025-03-30T00:30:00+01:00", "wait": 273600.0, "share": 33.333}\n'
        '{"agent": null, "tickets": null, "avg_hours": null, "resolved": null, '
        '"day": null, "created": null, "wait": null, "share": null}\n'
    )


def test_csv(result):
    assert render(result, "csv") == (
        "agent,tickets,avg_hours,resolved,day,created,wait,share\n"
        '"Zoë | ""Z"" <b>",1234,2.5,true,2025-03-30,2025-03-30T03:00:00+02:00,3900,12.5\n'
        "Bob,7,3.0,false,2025-03-29,2025-03-30T00:30:00+01:00,273600.0,33.333\n"
        ",,,,,,,\n"
    )


def test_markdown(result):
    assert render(result, "md") == (
        "| agent | tickets | avg_hours | resolved | day | created | wait | share |\n"
        "| --- | ---: | ---: | --- | --- | --- | ---: | ---: |\n"
        '| Zoë \\| "Z" &lt;b&gt; | 1,234 | 2h 30m | true | 2025-03-30 | 2025-03-30 03:00 | 1h 05m | 12.5% |\n'
        "| Bob | 7 | 3h 00m | false | 2025-03-29 | 2025-03-30 00:30 | 3d 4h | 33.33% |\n"
        "|  |  |  |  |  |  |  |  |\n"
    )


def test_markdown_escapes_backslashes_and_line_breaks():
    result = Result((ResultColumn("note", "text"),), (("a\\b\nc|d",),))
    assert render(result, "md").splitlines()[2] == "| a\\\\b<br>c\\|d |"


def _read_parquet(data: bytes, select: str = "*"):
    """(column name, type) pairs of the file, and the rows of `SELECT {select}` from it."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "out.parquet")
        with open(path, "wb") as file:
            file.write(data)
        con = duckdb.connect()
        types = [(name, kind) for name, kind, *_ in con.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
        return types, con.sql(f"SELECT {select} FROM '{path}'").fetchall()


# TIMESTAMPTZ values need pytz to reach Python; read them back as UTC wall-clock.
AS_UTC = "* REPLACE (created AT TIME ZONE 'UTC' AS created)"


def test_parquet_round_trip(result):
    types, rows = _read_parquet(render(result, "parquet"), AS_UTC)
    assert types == [
        ("agent", "VARCHAR"), ("tickets", "BIGINT"), ("avg_hours", "DOUBLE"), ("resolved", "BOOLEAN"),
        ("day", "DATE"), ("created", "TIMESTAMP WITH TIME ZONE"), ("wait", "DOUBLE"), ("share", "DOUBLE"),
    ]
    assert rows == [
        ('Zoë | "Z" <b>', 1234, 2.5, True, date(2025, 3, 30), datetime(2025, 3, 30, 1, 0), 3900.0, 12.5),
        ("Bob", 7, 3.0, False, date(2025, 3, 29), datetime(2025, 3, 29, 23, 30), 273600.0, 33.333),
        (None,) * 8,
    ]


def test_parquet_keeps_odd_column_names():
    result = Result((ResultColumn("it's a name", "text"),), (("x",),))
    types, rows = _read_parquet(render(result, "parquet"))
    assert types == [("it's a name", "VARCHAR")] and rows == [("x",)]


def test_html_is_a_page_with_escaped_values(result):
    page = render(result, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Tickets &lt;by&gt; agent</title>" in page
    assert "<h1>Tickets &lt;by&gt; agent</h1>" in page
    assert "<td>Zoë | &quot;Z&quot; &lt;b&gt;</td>" in page
    assert '<td class="num">1,234</td>' in page
    assert "<b>" not in page
    assert '<p class="meta">Times in Europe/Paris</p>' in page and "<caption>3 rows</caption>" in page


def test_html_is_the_page_of_a_table_chart(result):
    from reportbuilder.render.chart_output import render_chart
    from reportbuilder.render.chart_spec import ChartShape

    assert render(result, "html") == render_chart(result, "html", ChartShape(chart={"type": "table"}))


def test_table_shows_formatted_cells(result):
    text = render(result, "table")
    lines = text.splitlines()
    assert lines[0].strip() == "Tickets <by> agent"
    assert lines[-1] == "3 rows · times in Europe/Paris"
    row = next(line for line in lines if "Bob" in line)
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    assert cells == ["Bob", "7", "3h 00m", "false", "2025-03-29", "2025-03-30 00:30", "3d 4h", "33.33%"]
    first = next(line for line in lines if "Zoë" in line)
    for cell in ('Zoë | "Z" <b>', "1,234", "2h 30m", "2025-03-30 03:00", "1h 05m", "12.5%"):
        assert cell in first
    assert "│   1,234 │" in first  # numbers are right-aligned
    null_row = lines[lines.index(first) + 2]
    assert null_row.count("—") == 8
    assert "\x1b[" not in text
    assert all(line == line.rstrip() for line in lines)


def test_table_in_color_and_narrow(result):
    assert "\x1b[2m" in render(result, "table", color=True)  # nulls are dim
    assert max(len(line) for line in render(result, "table", width=60).splitlines()) <= 60


def test_table_shows_markup_as_typed():
    result = Result((ResultColumn("tag", "text"),), (("[bold]x[/]",), (":smile:",)))
    text = render(result, "table")
    assert "[bold]x[/]" in text and ":smile:" in text
    assert text.splitlines()[-1] == "2 rows"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_zero_rows(empty, fmt):
    output = render(empty, fmt)
    assert isinstance(output, bytes if fmt == "parquet" else str)


def test_zero_rows_exact(empty):
    assert render(empty, "json") == "[]\n"
    assert render(empty, "jsonl") == ""
    assert render(empty, "csv") == "agent,tickets,avg_hours,resolved,day,created,wait,share\n"
    assert render(empty, "md") == (
        "| agent | tickets | avg_hours | resolved | day | created | wait | share |\n"
        "| --- | ---: | ---: | --- | --- | --- | ---: | ---: |\n"
    )
    assert "0 rows" in render(empty, "table")
    assert "<tbody>\n</tbody>" in render(empty, "html")
    types, rows = _read_parquet(render(empty, "parquet"), AS_UTC)
    assert rows == [] and [kind for _, kind in types] == [
        "VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP WITH TIME ZONE", "DOUBLE", "DOUBLE"]


def test_unknown_format(result):
    with pytest.raises(ValueError, match="table, csv, json"):
        render(result, "xlsx")


def test_json_values():
    utc, paris = ZoneInfo("UTC"), ZoneInfo("Europe/Paris")
    assert json_value(datetime(2025, 3, 3, 10, 0), utc) == "2025-03-03T10:00:00+00:00"
    assert json_value(datetime(2025, 10, 26, 0, 30), paris) == "2025-10-26T02:30:00+02:00"
    assert json_value(datetime(2025, 10, 26, 1, 30), paris) == "2025-10-26T02:30:00+01:00"
    assert json_value(Decimal("12.000"), utc) == 12 and isinstance(json_value(Decimal("12.000"), utc), int)
    assert json_value(Decimal("0.25"), utc) == 0.25
    assert json_value(Decimal("NaN"), utc) is None
    assert json_value(float("-inf"), utc) is None
    assert json_value(2.0, utc) == 2.0 and isinstance(json_value(2.0, utc), float)
    assert json_value(True, utc) is True


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (42, "42s"), (59.6, "1m 00s"), (125, "2m 05s"), (3900, "1h 05m"),
    (86400, "1d 0h"), (273600, "3d 4h"), (-3900, "-1h 05m"), (-0.2, "0s"),
])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("number, text", [
    (1234567, "1,234,567"), (1234.567, "1,234.57"), (2.5, "2.5"), (3.0, "3"), (-0.001, "0"), (0.1, "0.1"),
])
def test_format_number(number, text):
    assert format_number(number) == text


@pytest.mark.parametrize("path, fmt", [
    ("out.csv", "csv"), ("out.json", "json"), ("out.jsonl", "jsonl"), ("a/b/out.ndjson", "jsonl"),
    ("out.parquet", "parquet"), ("README.md", "md"), ("report.HTML", "html"), ("out.txt", "table"),
])
def test_format_from_path(path, fmt):
    assert format_from_path(path) == fmt


@pytest.mark.parametrize("path", ["out.xlsx", "out", "out.csv.gz"])
def test_format_from_path_unknown(path):
    with pytest.raises(ValueError, match=r"\.csv, \.json, \.jsonl, \.ndjson, \.parquet, \.md, \.html, \.txt"):
        format_from_path(path)
