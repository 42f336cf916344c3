"""Render a Result as data: table, csv, json, jsonl, parquet, md or html.

Machine formats (json, jsonl, csv, parquet) carry exact values (see `values`);
the formats made for reading (table, md, html) show display text: thousands
separators, durations, percentages and local wall-clock times. Text formats
return a `str` that ends with a newline (`jsonl` of no rows is empty);
parquet returns the file's bytes.

Example:
    >>> from reportbuilder.run.result import Result, ResultColumn
    >>> result = Result((ResultColumn("channel", "text"), ResultColumn("tickets", "integer")),
    ...                 (("email", 1200),))
    >>> render(result, "csv")
    'channel,tickets\\nemail,1200\\n'
"""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
from zoneinfo import ZoneInfo

from reportbuilder.render.formats import FORMATS
from reportbuilder.render.terminal_table import terminal_table
from reportbuilder.render.values import NUMERIC_TYPES, display_row, json_rows, json_value, text_value
from reportbuilder.run.result import Result

# Timestamps go to Parquet as TIMESTAMP WITH TIME ZONE: UTC instants
# (isAdjustedToUTC), which readers show in their own zone.
_PARQUET_TYPES = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "seconds": "DOUBLE",
    "percent": "DOUBLE",
}


def render(result: Result, fmt: str, color: bool = False, width: int | None = None,
           groups: tuple[str, ...] = ()) -> str | bytes:
    """The result in data format `fmt` (one of FORMATS).

    `color` and `width` apply to `table` only: ANSI styles, and the width to fit
    (None: as wide as the content). In the formats made for reading (table, md, html)
    a null in a `groups` column (a report's dimensions) reads "(none)"; the data formats
    keep the null. Raises ValueError for an unknown format.
    """
    if fmt == "table":
        return _table(result, color, width, groups)
    if fmt in ("md", "html"):
        return _RENDERERS[fmt](result, groups)
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown data format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return _RENDERERS[fmt](result)


def _json(result: Result) -> str:
    return json.dumps(json_rows(result), ensure_ascii=False, allow_nan=False, indent=2) + "\n"


def _jsonl(result: Result) -> str:
    lines = (json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n" for row in json_rows(result))
    return "".join(lines)


def _csv(result: Result) -> str:
    zone = ZoneInfo(result.timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.names)
    for row in result.rows:
        writer.writerow([text_value(value, zone) for value in row])
    return buffer.getvalue()


def _display_rows(result: Result, groups=()):
    """Each row as display text per cell (None for nulls, "(none)" for a null group)."""
    zone = ZoneInfo(result.timezone)
    for row in result.rows:
        yield display_row(row, result.columns, groups, zone)


def _markdown(result: Result, groups=()) -> str:
    """A GitHub table; numeric columns right-aligned, nulls empty."""
    def line(cells):
        return "| " + " | ".join(cells) + " |\n"

    header = line(_md_cell(name) for name in result.names)
    rule = line("---:" if c.type in NUMERIC_TYPES else "---" for c in result.columns)
    body = (line(_md_cell(text or "") for text in row) for row in _display_rows(result, groups))
    return header + rule + "".join(body)


def _md_cell(text: str) -> str:
    """Escape what would end a cell or turn into markup: `\\`, `|`, `&<>`, line breaks."""
    text = html.escape(text.replace("\\", "\\\\"), quote=False).replace("|", "\\|")
    return re.sub(r"\r\n?|\n", "<br>", text)


def _html(result: Result, groups=()) -> str:
    """The page `rb run -o x.html` writes for a table chart: title, time zone, the table."""
    from reportbuilder.render.html_page import chart_page  # its chart and findings modules: html only

    return chart_page(result, None, groups=tuple(groups))


def _table(result: Result, color: bool, width: int | None, groups) -> str:
    """A rich table fitted to `width`; nulls as a dim em dash (a null group as "(none)")."""
    rows = list(_display_rows(result, groups))
    return terminal_table(result.columns, rows, result.title, _caption(result), color, width, tuple(groups))


def _caption(result: Result) -> str:
    """`3 rows`, plus the time zone when the result has timestamps."""
    count = len(result.rows)
    caption = f"{count:,} row{'' if count == 1 else 's'}"
    if any(column.type == "timestamp" for column in result.columns):
        caption += f" · times in {result.timezone}"
    return caption


def _parquet(result: Result) -> bytes:
    """A Parquet file written by duckdb with typed columns (see _PARQUET_TYPES).

    Rows travel through a JSON-lines temp file read with explicit column types:
    far faster than inserting rows one by one, and exact (timestamps as UTC ISO text).
    """
    utc = ZoneInfo("UTC")
    columns = ", ".join(f"{_sql_text(c.name)}: '{_PARQUET_TYPES[c.type]}'" for c in result.columns)
    with tempfile.TemporaryDirectory(prefix="rb-parquet-") as folder:
        rows_path = os.path.join(folder, "rows.jsonl")
        parquet_path = os.path.join(folder, "result.parquet")
        with open(rows_path, "w", encoding="utf-8") as rows_file:
            for row in result.rows:
                record = dict(zip(result.names, (json_value(value, utc) for value in row)))
                rows_file.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
        import duckdb

        with duckdb.connect() as con:
            con.execute(
                f"COPY (SELECT * FROM read_json({_sql_text(rows_path)}, format = 'newline_delimited', "
                f"columns = {{{columns}}})) TO {_sql_text(parquet_path)} (FORMAT parquet)")
        with open(parquet_path, "rb") as parquet_file:
            return parquet_file.read()


def _sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


_RENDERERS = {
    "csv": _csv,
    "json": _json,
    "jsonl": _jsonl,
    "md": _markdown,
    "html": _html,
    "parquet": _parquet,
}
