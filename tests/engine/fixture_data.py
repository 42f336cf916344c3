"""Tiny hand-made datasets for engine tests, and a way to run a report over them.

`write_tables(tmp_path, tickets=[...], owners=[...])` writes each table as
`<table>.csv` with the contract's columns in contract order (data-model.md);
a row is a dict (missing keys and None are empty cells, i.e. null) or a tuple
in column order. `run_report(spec_text, data_dir)` runs `rb run` in process
through click's CliRunner and returns the JSON rows.

Example:
    data = write_tables(tmp_path, teams=[(1, "Tier 1")])
    rows = run_report("source: teams\\nmeasures: [count() as n]", data)
    assert rows == [{"n": 1}]
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from reportbuilder.cli import main

NOW = "2025-06-30T12:00:00"

# The contract's tables and columns, in the order of data-model.md.
COLUMNS: dict[str, tuple[str, ...]] = {
    "companies": ("id", "name", "domain", "industry", "country", "employees", "plan", "created_at"),
    "contacts": ("id", "company_id", "name", "email", "phone", "country", "lifecycle_stage", "created_at"),
    "teams": ("id", "name"),
    "owners": ("id", "name", "email", "team_id", "active", "created_at"),
    "tickets": ("id", "subject", "contact_id", "company_id", "owner_id", "pipeline", "status", "priority",
                "channel", "channel_account", "category", "created_at", "first_response_at", "closed_at",
                "first_response_due_at", "close_due_at", "next_response_sla_minutes", "handle_time_seconds"),
    "ticket_status_changes": ("ticket_id", "status", "changed_at"),
    "conversations": ("id", "ticket_id", "contact_id", "owner_id", "channel", "inbox", "status",
                      "started_at", "closed_at"),
    "messages": ("id", "conversation_id", "direction", "sender_type", "owner_id", "channel", "status", "sent_at"),
    "feedback_submissions": ("id", "ticket_id", "contact_id", "survey_type", "score", "submitted_at", "comment"),
    "calls": ("id", "contact_id", "owner_id", "ticket_id", "phone_number", "direction", "status",
              "started_at", "duration_seconds", "voicemail"),
    "shifts": ("id", "owner_id", "started_at", "ended_at"),
}


def _cells(table: str, row) -> list[str]:
    columns = COLUMNS[table]
    if isinstance(row, dict):
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
        values = [row.get(c) for c in columns]
    else:
        if len(row) > len(columns):
            raise ValueError(f"{table} row {row!r} has more values than columns {columns}")
        values = list(row) + [None] * (len(columns) - len(row))
    return ["" if v is None else ("true" if v is True else "false" if v is False else str(v)) for v in values]


def write_tables(tmp_path: Path, **tables) -> Path:
    """Write each `table=[rows]` as tmp_path/data/<table>.csv; return the data directory."""
    data = Path(tmp_path) / "data"
    data.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        if table not in COLUMNS:
            raise KeyError(f"unknown table {table!r}")
        with open(data / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS[table])
            for row in rows:
                writer.writerow(_cells(table, row))
    return data


def invoke(spec_text: str, data_dir: Path, *extra_args: str):
    """Run `rb run SPEC --data DIR --format json --now NOW *extra`; return click's Result."""
    spec = Path(data_dir).parent / "spec.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    args = ["run", str(spec), "--data", str(data_dir), "--format", "json", "--now", NOW, *extra_args]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def run_report(spec_text: str, data_dir: Path, *extra_args: str) -> list[dict]:
    """Run the report and return its rows; the command must succeed."""
    result = invoke(spec_text, data_dir, *extra_args)
    assert result.exit_code == 0, f"exit {result.exit_code}\n{result.output}"
    return json.loads(result.stdout)
