"""A report that cannot run on the data (a table the import did not produce): `rb run` says so in
one plain sentence under the report's title, not the raw loader error; the exit code stays 1."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vocabulary"


@pytest.fixture()
def without_conversations(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    for path in data.glob("conversations.*"):
        path.unlink()
    return data


def test_a_missing_table_is_one_plain_sentence(without_conversations):
    data = without_conversations
    result = CliRunner().invoke(main, ["run", "conversations_over_time", "--data", str(data)])
    assert result.exit_code == 1
    assert result.output.startswith("error: Conversations over time: needs conversations, which this data "
                                    "does not have (no conversations.parquet, .csv, .json or .jsonl file in ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_a_report_whose_tables_are_all_there_still_runs(without_conversations):
    data = without_conversations
    result = CliRunner().invoke(main, ["run", "tickets_by_channel", "--data", str(data), "--format", "csv"])
    assert result.exit_code == 0 and result.output.startswith("channel,")
