"""`rb insights` as a command: options of `rb run`, errors as `rb run` gives them."""
from pathlib import Path

from click.testing import CliRunner

from reportbuilder.cli import main

from .synthetic import NOW, daily_tickets, insights, write


def test_report_without_time_dimension_says_why(tmp_path):
    data = write(tmp_path, daily_tickets(lambda d, t: 3))
    found = insights(tmp_path, data, "source: tickets\ndimensions: [channel]\nmeasures: [count() as n]\n")
    assert [f["kind"] for f in found] == ["withheld"] and "no time dimension" in found[0]["sentence"]


def test_filters_and_range_apply_like_rb_run(tmp_path):
    data = write(tmp_path, daily_tickets(lambda d, t: 3))
    spec = ("source: tickets\ndimensions: [{field: created_at, granularity: week, as: week}]\n"
            "measures: [count() as n]\n")
    found = insights(tmp_path, data, spec, "--range", "last_4_weeks", "--filter", "channel = 'email'")
    compared = [f for f in found if f["kind"] in ("change", "within_noise")]
    run = CliRunner().invoke(main, ["run", str(Path(tmp_path) / "spec.yaml"), "--data", str(data), "--now", NOW,
                                    "--range", "last_4_weeks", "--filter", "channel = 'email'", "--format", "json"])
    import json

    rows = {r["week"]: r["n"] for r in json.loads(run.output)}
    assert compared[0]["numbers"]["value"] == rows["2025-06-23"]
    assert compared[0]["numbers"]["other_value"] == rows["2025-06-16"]


def test_bad_spec_is_a_positioned_error(tmp_path):
    data = write(tmp_path, daily_tickets(lambda d, t: 1))
    spec = Path(tmp_path) / "bad.yaml"
    spec.write_text("source: tickets\nmeasures: [count() as n]\nfilters: [nosuch = 1]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["insights", str(spec), "--data", str(data)])
    assert result.exit_code == 2 and f"{spec}:3:" in result.output and "Traceback" not in result.output


def test_partial_buckets_are_flagged_and_never_compared(tmp_path):
    data = write(tmp_path, daily_tickets(lambda d, t: 5))
    spec = ("source: tickets\ndimensions: [{field: created_at, granularity: week, as: week}]\n"
            "measures: [count() as n]\n")
    found = insights(tmp_path, data, spec, "--range", "this_month")  # June 2025, now Monday 06-30 noon
    partial = [f for f in found if f["kind"] == "partial"]
    assert partial[0]["numbers"]["buckets"] == ["2025-05-26", "2025-06-30"]  # cut by the range, by now
    compared = [f for f in found if f["kind"] in ("change", "within_noise")]
    assert {f["numbers"]["bucket"] for f in compared} == {"2025-06-23"}
    assert {f["numbers"]["other_bucket"] for f in compared} == {"2025-06-16"}
