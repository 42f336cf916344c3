"""Results never depend on the machine's time zone (TZ), only on the report's."""
import os
import subprocess
import sys

from .fixture_data import write_tables

SPEC = """
source: tickets
timezone: Europe/Paris
date_range: {from: 2025-03-29, to: 2025-04-01}
dimensions:
  - field: created_at
    granularity: day
    as: day
  - field: created_at
    granularity: hour_of_day
    as: hour
measures:
  - count() as n
  - min(created_at) as first
fill_gaps: false
"""


def _run(spec, data, tz):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("RB_")}, "RB_DAEMON": "0"}
    env["TZ"] = tz
    done = subprocess.run([sys.executable, "-m", "reportbuilder", "run", str(spec), "--data", str(data),
                           "--format", "json", "--now", "2025-06-30T12:00:00"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_machine_time_zone_does_not_matter(tmp_path):
    data = write_tables(tmp_path / "d", tickets=[
        {"id": 1, "created_at": "2025-03-29 23:30:00"},   # Paris 2025-03-30 00:30 (+01:00)
        {"id": 2, "created_at": "2025-03-30T01:30:00Z"},  # Paris 03:30 (+02:00), after the jump
        {"id": 3, "created_at": "2025-03-31 22:15:00"},   # Paris 2025-04-01 00:15: outside the range
    ])
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC)
    outputs = {tz: _run(spec, data, tz) for tz in ("UTC", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata")}
    assert len(set(outputs.values())) == 1
    assert '"day": "2025-03-30"' in outputs["UTC"] and '"hour": 3' in outputs["UTC"]
    assert "2025-04-01" not in outputs["UTC"]
