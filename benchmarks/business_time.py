"""Business time of every ticket: `rb run` (whole process) vs hand-written DuckDB SQL.

Both compute, for every ticket, business_time_to_first_response and business_time_to_close
on a Paris office calendar (Mon 09:00-12:30 + 13:30-18:00, Tue-Thu 09:00-18:00, Fri
09:00-17:00, two holidays), summed per priority so that the output is small. The hand-written
side is a plain `python` process over views of the same Parquet files: the open intervals of
the span built once with DuckDB's time-zone functions, with a running sum of open seconds,
and each instant placed by an ASOF join: open(t) = before + LEAST(t - start, length) of the
last interval starting at or before t; business_seconds(a, b) = open(b) - open(a).

    python benchmarks/business_time.py --data /tmp/rb_200k --tickets 200000 --repeat 3

The data is generated with generate_scale.py when the folder has no tickets.parquet.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = "2025-06-30T00:00:00"
WORKSPACE = """\
calendars:
  paris_support:
    timezone: Europe/Paris
    hours:
      mon: ["09:00-12:30", "13:30-18:00"]
      tue: ["09:00-18:00"]
      wed: ["09:00-18:00"]
      thu: ["09:00-18:00"]
      fri: ["09:00-17:00"]
    holidays: [2024-05-01, 2025-05-01]
default_calendar: paris_support
"""
SPEC = """\
source: tickets
dimensions: [priority]
measures:
  - count() as tickets
  - sum(business_time_to_first_response) as first_response_open_seconds
  - sum(business_time_to_close) as close_open_seconds
sort: [priority]
"""
HAND = r"""
import json, sys, duckdb
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute("SET enable_progress_bar = false")
con.execute(f"CREATE VIEW tickets AS SELECT * FROM read_parquet('{sys.argv[1]}/tickets.parquet')")
con.execute('''
CREATE TEMP TABLE open_intervals AS
WITH hours(dow, opens, closes) AS (VALUES (1, TIME '09:00', TIME '12:30'), (1, TIME '13:30', TIME '18:00'),
  (2, TIME '09:00', TIME '18:00'), (3, TIME '09:00', TIME '18:00'), (4, TIME '09:00', TIME '18:00'),
  (5, TIME '09:00', TIME '17:00')),
days AS (SELECT CAST(d AS DATE) AS day FROM range(DATE '2021-01-01', DATE '2027-01-01', INTERVAL 1 DAY) t(d)),
intervals AS (
  SELECT EPOCH(timezone('Europe/Paris', day + opens)) AS s, EPOCH(timezone('Europe/Paris', day + closes)) AS e
  FROM days JOIN hours ON hours.dow = ISODOW(day)
  WHERE day NOT IN (DATE '2024-05-01', DATE '2025-05-01'))
SELECT s, e - s AS len, SUM(e - s) OVER (ORDER BY s) - (e - s) AS before FROM intervals ORDER BY s
''')
rows = con.execute('''
WITH x AS (
  SELECT id, priority, status, EPOCH(created_at) AS a, EPOCH(first_response_at) AS f, EPOCH(closed_at) AS c
  FROM tickets),
oa AS (SELECT x.*, o.before + LEAST(GREATEST(x.a - o.s, 0), o.len) AS open_a
       FROM x ASOF LEFT JOIN open_intervals o ON x.a >= o.s),
of AS (SELECT oa.*, o.before + LEAST(GREATEST(oa.f - o.s, 0), o.len) AS open_f
       FROM oa ASOF LEFT JOIN open_intervals o ON oa.f >= o.s),
oc AS (SELECT of.*, o.before + LEAST(GREATEST(of.c - o.s, 0), o.len) AS open_c
       FROM of ASOF LEFT JOIN open_intervals o ON of.c >= o.s)
SELECT priority, COUNT(*) AS tickets,
       SUM(CASE WHEN f > a THEN open_f - open_a WHEN f <= a THEN 0 END) AS first_response_open_seconds,
       SUM(CASE WHEN status = 'closed' THEN CASE WHEN c > a THEN open_c - open_a WHEN c <= a THEN 0 END END)
         AS close_open_seconds
FROM oc GROUP BY priority ORDER BY priority NULLS LAST
''').fetchall()
cols = ["priority", "tickets", "first_response_open_seconds", "close_open_seconds"]
print(json.dumps([dict(zip(cols, r)) for r in rows]))
"""


def _timed(args: list[str]) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def _canon(rows: list[dict]) -> list[tuple]:
    return [tuple(round(float(v), 3) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                  for v in r.values()) for r in rows]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--tickets", type=int, default=200000, help="generated when --data has no tickets")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if not (args.data / "tickets.parquet").exists():
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from generate_scale import generate

        generate(args.tickets, args.data, now=NOW.replace("T", " "), quiet=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws, spec = Path(tmp) / "rb.yaml", Path(tmp) / "business_time.yaml"
        ws.write_text(WORKSPACE, encoding="utf-8")
        spec.write_text(SPEC, encoding="utf-8")
        rb = [str(Path(sys.executable).parent / "rb"), "run", str(spec), "--workspace", str(ws), "--data",
              str(args.data), "--format", "json", "--now", NOW, "--no-cache"]  # every run computes
        hand = [sys.executable, "-c", HAND, str(args.data)]
        ours, theirs = [], []
        for _ in range(args.repeat):  # alternately, so that a busy machine weighs on both
            t, ours_rows = _timed(rb)
            ours.append(t)
            t, hand_rows = _timed(hand)
            theirs.append(t)
        if _canon(ours_rows) != _canon(hand_rows):
            print(f"DIFFERENT ANSWERS\nrb:   {ours_rows}\nhand: {hand_rows}", file=sys.stderr)
            return 1
    o, h = statistics.median(ours), statistics.median(theirs)
    print(json.dumps({"rb_run_s": round(o, 3), "hand_s": round(h, 3), "ratio": round(o / h, 2),
                      "rows": ours_rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
