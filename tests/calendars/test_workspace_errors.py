"""Bad business-hours input: a positioned error naming the workspace (or spec) file, exit 2."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

SPEC = "source: tickets\nmeasures:\n  - sum(business_seconds(created_at, closed_at)) as open_seconds\n"
GOOD_HOURS = '    hours:\n      mon: ["09:00-18:00"]\n'


def validate(tmp_path: Path, workspace: str, spec: str = SPEC):
    (tmp_path / "rb.yaml").write_text(workspace, encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(spec, encoding="utf-8")
    return CliRunner().invoke(main, ["validate", str(tmp_path / "spec.yaml"), "--workspace",
                                     str(tmp_path / "rb.yaml")])


@pytest.mark.parametrize("workspace, line, words", [
    ('calendars:\n  desk:\n    timezone: UTC\n    hours:\n      mon: ["09:00-12:00", "11:00-18:00"]\n',
     5, ["overlap", "09:00-12:00", "11:00-18:00"]),
    ('calendars:\n  desk:\n    timezone: UTC\n    hours:\n      mon: ["09:00-25:00"]\n', 5, ["25:00"]),
    ('calendars:\n  desk:\n    timezone: UTC\n    hours:\n      mon: ["18:00-09:00"]\n', 5, ["18:00-09:00"]),
    ('calendars:\n  desk:\n    timezone: Europe/Pariss\n' + GOOD_HOURS, 3, ["unknown time zone", "Europe/Pariss"]),
    ('calendars:\n  desk:\n    timezone: UTC\n    hours: {}\n', 4, ["never open"]),
    ('calendars:\n  desk:\n    timezone: UTC\n' + GOOD_HOURS + 'default_calendar: dsek\n', 6, ["dsek", "desk"]),
    ('calendars:\n  desk:\n    timezone: UTC\n    hours:\n      monday: ["09:00-18:00"]\n', 5, ["monday"]),
    ('calendars:\n  desk:\n    timezone: UTC\n' + GOOD_HOURS + '    holidays: [2025-13-01]\n', 6, ["month"]),
    ('sla_policy:\n  first_response: {urgent: -5}\n', 2, ["urgent"]),
    ('sla_policy:\n  calendar: nope\n', 2, ["nope"]),
])
def test_bad_workspace(tmp_path, workspace, line, words):
    result = validate(tmp_path, workspace)
    assert result.exit_code == 2, result.output
    assert f"rb.yaml:{line}:" in result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output


def test_unknown_calendar_in_a_spec_suggests_the_closest(tmp_path):
    spec = "source: tickets\nmeasures:\n  - sum(business_seconds(created_at, closed_at, 'dsek')) as s\n"
    result = validate(tmp_path, 'calendars:\n  desk:\n    timezone: UTC\n' + GOOD_HOURS, spec)
    assert result.exit_code == 2
    assert "spec.yaml:3:" in result.output and "'dsek'" in result.output and "did you mean 'desk'" in result.output


def test_calendar_argument_must_be_a_literal(tmp_path):
    spec = "source: tickets\nmeasures:\n  - sum(business_seconds(created_at, closed_at, status)) as s\n"
    result = validate(tmp_path, "", spec)
    assert result.exit_code == 2 and "spec.yaml:3:" in result.output and "string literal" in result.output


def test_public_holidays_come_from_the_holidays_package(tmp_path):
    from reportbuilder.calendars.read import read_business_hours

    (tmp_path / "rb.yaml").write_text('calendars:\n  desk:\n    timezone: Europe/Paris\n' + GOOD_HOURS +
                                      '    public_holidays: {country: FR, years: [2025, 2025]}\n', encoding="utf-8")
    cal = read_business_hours(tmp_path / "rb.yaml").calendar("desk")
    from datetime import date

    assert {date(2025, 5, 1), date(2025, 7, 14), date(2025, 12, 25)} <= cal.holidays
    (tmp_path / "rb.yaml").write_text('calendars:\n  desk:\n    timezone: UTC\n' + GOOD_HOURS +
                                      '    public_holidays: {country: XX, years: [2025, 2025]}\n', encoding="utf-8")
    result = validate(tmp_path, (tmp_path / "rb.yaml").read_text())
    assert result.exit_code == 2 and "rb.yaml:6:" in result.output and "Traceback" not in result.output
