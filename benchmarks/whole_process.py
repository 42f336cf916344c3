"""Whole process against whole process: `rb run` as a user types it vs a plain `python`.

What a user waits for: `rb run --no-cache SPEC --data D --format json` started as a fresh
process, against a fresh `python` process that imports duckdb, creates views over the same
files and runs one SQL statement. `rb run` is timed twice over (docs/caching.md):
- **first run**: a spec rb has not seen, on an install that has run once: a fresh
  `XDG_CACHE_HOME` each time holding only the catalog's parsed SQL (kept once per install), so
  rb loads the workspace, schema-checks the spec, checks, plans and compiles;
- **repeat run**: the same command again, its compiled command kept (`--no-cache` still
  recomputes the answer): rb opens the views from the kept statements and runs the kept SQL.
Children run without PYTHONDONTWRITEBYTECODE, as an installed rb does (pip writes .pyc files).
Both rb runs are timed in their own processes (RB_DAEMON=0) and, with `--resident`, also through
a resident process (docs/resident.md) started for the benchmark: the same first-run and repeat-run
environments, the command served by a fork of the warm process.
For every built-in report and the twelve report shapes of benchmarks/specs/, each without a
date range (`--range all_time`) and with one (`--range last_90_days`). The plain process runs
a hand-written query where this file has one (HAND below, "hand"); otherwise the SQL `rb sql`
prints for the same spec ("rb sql", so that row measures only rb's process overhead, not its
planner). Runs rotate (first, repeat, plain, then repeat, plain, first, ...), the table gives
medians and the ratios, and both answers of rb are compared with the plain one as sets of rows
(floats within 1e-6 relative).

    .venv/bin/python benchmarks/generate_scale.py --tickets 50000 -o /tmp/rb_50k
    .venv/bin/python benchmarks/whole_process.py --data /tmp/rb_50k --repeat 3 [--resident] [--only NAME] [--md out.md]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from handwritten import _TIE_ORDER, fcr_counts, preset_range, ts  # noqa: E402
from rb_process import ALONE, rb_command, resident_process  # noqa: E402

SPECS = HERE / "specs"
DEFAULT_NOW = "2025-06-30 00:00:00"
WITH_RANGE = "last_90_days"
# The plain process: views over the files (as a user of DuckDB would write them), one query.
PLAIN = """
import duckdb, json, sys
from pathlib import Path
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # else a query over ~2 s draws a bar on stdout, before the JSON
for f in sorted(Path(sys.argv[1]).glob("*.parquet")):
    con.execute(f"CREATE VIEW {f.stem} AS SELECT * FROM read_parquet('{f}')")
rows = con.execute(Path(sys.argv[2]).read_text()).fetchall()
print(json.dumps(rows, default=str))
"""


def _r(col, rng):
    return "TRUE" if rng is None else f"{col} >= {ts(rng[0])} AND {col} < {ts(rng[1])}"


def _time_in_status(rng, now):
    low = "h.changed_at IS NOT NULL" if rng is None else f"h.changed_at >= {ts(rng[0])}"
    high = "TRUE" if rng is None else f"started_at < {ts(rng[1])}"
    return f"""
    WITH h AS (
      SELECT h.ticket_id, h.status, h.changed_at,
             max(h.changed_at) OVER (PARTITION BY h.ticket_id) AS last_changed_at, t.status AS current_status
      FROM ticket_status_changes h LEFT JOIN tickets t ON t.id = h.ticket_id
      WHERE h.ticket_id IS NOT NULL AND {low}),
    o AS (SELECT ticket_id, status, changed_at AS started_at,
                 lead(changed_at) OVER (PARTITION BY ticket_id ORDER BY {_TIE_ORDER}) AS next_at FROM h)
    SELECT status, count(*), sum(epoch(coalesce(next_at, greatest(started_at, {ts(now)}))) - epoch(started_at))
    FROM o WHERE status IS DISTINCT FROM 'closed' AND {high} GROUP BY status"""


def _fcr_by_channel(rng, now):
    return fcr_counts(f"SELECT id, status, channel FROM tickets WHERE status = 'closed' AND "
                      f"{_r('closed_at', rng)}") + """
    SELECT t.channel, 100.0 * count_if(coalesce(rep.n, 0) = 1 AND coalesce(reo.n, 0) = 0) / count(*), count(*)
    FROM t LEFT JOIN rep ON rep.ticket_id = t.id LEFT JOIN reo ON reo.ticket_id = t.id GROUP BY 1"""


# Hand-written SQL per spec of benchmarks/specs/: (range or None, now) -> SQL.
HAND = {
    "count_by_month": lambda rng, now: f"""
        SELECT CAST(date_trunc('month', created_at) AS DATE), count(*) FROM tickets
        WHERE {_r('created_at', rng)} GROUP BY 1""",
    "two_hop_team": lambda rng, now: f"""
        SELECT tm.name, count(*) FROM tickets t LEFT JOIN owners o ON o.id = t.owner_id
        LEFT JOIN teams tm ON tm.id = o.team_id WHERE {_r('t.created_at', rng)} GROUP BY 1""",
    "fanout_direction": lambda rng, now: f"""
        WITH d AS (SELECT DISTINCT t.id, t.handle_time_seconds AS h, m.direction FROM tickets t
                   LEFT JOIN conversations c ON c.ticket_id = t.id LEFT JOIN messages m ON m.conversation_id = c.id
                   WHERE {_r('t.created_at', rng)})
        SELECT direction, count(*), sum(h) FROM d GROUP BY 1""",
    "to_many_filter": lambda rng, now: f"""
        SELECT priority, count(*) FROM tickets WHERE {_r('created_at', rng)}
        AND id IN (SELECT ticket_id FROM conversations WHERE channel = 'email') GROUP BY 1""",
    "chasm": lambda rng, now: f"""
        WITH t AS (SELECT id, category FROM tickets WHERE {_r('created_at', rng)}),
        cv AS (SELECT ticket_id, count(*) AS n FROM conversations WHERE ticket_id IS NOT NULL GROUP BY 1),
        cl AS (SELECT ticket_id, count(*) AS n FROM calls WHERE ticket_id IS NOT NULL GROUP BY 1)
        SELECT t.category, count(*), coalesce(sum(cv.n), 0), coalesce(sum(cl.n), 0)
        FROM t LEFT JOIN cv ON cv.ticket_id = t.id LEFT JOIN cl ON cl.ticket_id = t.id GROUP BY 1""",
    "median_p90": lambda rng, now: f"""
        SELECT priority, median(x), quantile_cont(x, 0.9) FROM (
          SELECT priority, epoch(first_response_at) - epoch(created_at) AS x FROM tickets
          WHERE {_r('created_at', rng)}) GROUP BY 1""",
    "time_in_status": _time_in_status,
    "heatmap": lambda rng, now: f"""
        WITH a AS (SELECT isodow(sent_at) AS d, hour(sent_at) AS h, count(*) AS n FROM messages
                   WHERE {_r('sent_at', rng)} GROUP BY ALL)
        SELECT d.d, hs.h, coalesce(n, 0) FROM range(1, 8) d(d) CROSS JOIN (SELECT DISTINCT h FROM a) hs
        LEFT JOIN a ON a.d = d.d AND a.h = hs.h""",
    "fcr_by_channel": _fcr_by_channel,
}



def _builtins() -> list[str]:
    out = subprocess.run([*rb_command(), "list"], capture_output=True, text=True, check=True).stdout
    names, in_reports = [], False
    for line in out.splitlines():
        if line.strip().endswith(":"):
            in_reports = line.startswith("Reports")
            continue
        if in_reports and line.strip():
            names.append(line.split()[0])
    return names


def _canon(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return str(v)


def same_rows(a: list, b: list) -> str | None:
    """None when the two answers hold the same rows (as sorted multisets, floats within 1e-6)."""
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    key = lambda r: tuple((x is None, "" if x is None else str(round(x, 3)) if isinstance(x, float) else str(x)) for x in r)
    for ra, rb in zip(sorted(a, key=key), sorted(b, key=key)):
        for x, y in zip(ra, rb):
            if isinstance(x, float) and isinstance(y, float):
                if not math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9):
                    return f"{ra} vs {rb}"
            elif x != y:
                return f"{ra} vs {rb}"
    return None


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    took = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)}: {done.stderr.strip()[-500:]}")
    return took, done.stdout


# Not passed on: the caller's cache settings, and PYTHONDONTWRITEBYTECODE (an installed rb has its .pyc
# files, written by pip; without them every start compiles rb's modules from source, ~0.1 s).
_DROPPED = ("RB_CACHE_DIR", "RB_COMPILE_CACHE_DIR", "RB_RESULT_CACHE_DIR", "RB_NO_COMPILE_CACHE",
            "PYTHONDONTWRITEBYTECODE")


def cache_env(folder: Path) -> dict:
    """The environment of a child with every rb cache under `folder`."""
    return {**{k: v for k, v in os.environ.items() if k not in _DROPPED}, "XDG_CACHE_HOME": str(folder)}


RUNS = ("first", "repeat", "plain")
RESIDENT_RUNS = ("first resident", "repeat resident")
_PER_INSTALL = Path("reportbuilder") / "compiled" / "sql"  # the catalog's SQL, parsed once per install


def _first_run_env(kept: dict, tmp: Path) -> dict:
    """A fresh cache folder for a first run: only what rb keeps once per install is copied over."""
    folder = Path(tempfile.mkdtemp(dir=tmp))
    source = Path(kept["XDG_CACHE_HOME"]) / _PER_INSTALL
    if source.is_dir():
        shutil.copytree(source, folder / _PER_INSTALL)
    return cache_env(folder)


def run_case(name: str, spec: str, preset: str, data: Path, now: str, repeat: int, tmp: Path,
             resident: dict | None = None) -> dict:
    """One report with one range; `resident`: the variables that send a child to the resident process
    (then its first and repeat runs are timed too)."""
    common = ["--now", now, "--range", preset]
    rng = None if preset == "all_time" else preset_range(preset, datetime.fromisoformat(now))
    short = Path(spec).stem
    if short in HAND:
        sql, label = HAND[short](rng, datetime.fromisoformat(now)), "hand"
    else:
        sql = subprocess.run([*rb_command(), "sql", spec, *common], capture_output=True, text=True, check=True,
                             env={**os.environ, **ALONE}).stdout
        label = "rb sql"
    sql_file = tmp / f"{short}_{preset}.sql"
    sql_file.write_text(sql)
    rb_cmd = [*rb_command(), "run", "--no-cache", spec, "--data", str(data), "--format", "json", *common]
    plain_cmd = [sys.executable, "-c", PLAIN, str(data), str(sql_file)]
    kept = cache_env(Path(tempfile.mkdtemp(dir=tmp)))
    _timed(rb_cmd, {**kept, **ALONE})  # untimed: writes bytecode and compiles the command every "repeat" finds
    runs = RUNS + (RESIDENT_RUNS if resident else ())
    times = {who: [] for who in runs}
    outs = {}
    for i in range(repeat):
        for who in runs[i % len(runs):] + runs[:i % len(runs)]:
            env = _first_run_env(kept, tmp) if who.startswith("first") else kept
            env = {**env, **(resident if who.endswith("resident") else ALONE)}
            took, out = _timed(plain_cmd if who == "plain" else rb_cmd, env)
            times[who].append(took)
            outs[who] = out
    theirs = [[_canon(v) for v in row] for row in json.loads(outs["plain"])]
    mismatch = None
    for who in runs:
        if who != "plain":
            mismatch = mismatch or same_rows([[_canon(v) for v in row.values()] for row in json.loads(outs[who])],
                                             theirs)
    median = {who: statistics.median(times[who]) for who in runs}
    result = {"report": name, "range": preset, "baseline": label, "first_s": median["first"],
              "repeat_s": median["repeat"], "plain_s": median["plain"],
              "first_ratio": median["first"] / median["plain"], "repeat_ratio": median["repeat"] / median["plain"],
              "rows": len(theirs), "mismatch": mismatch}
    if resident:
        for who in RESIDENT_RUNS:
            key = who.replace(" ", "_")
            result[f"{key}_s"], result[f"{key}_ratio"] = median[who], median[who] / median["plain"]
    return result


def markdown(results: list[dict]) -> str:
    resident = bool(results) and "first_resident_s" in results[0]
    extra = " rb first, resident s | rb repeat, resident s |" if resident else ""
    extra_ratio = " first, resident / plain | repeat, resident / plain |" if resident else ""
    lines = [f"| report | range | baseline | rb first run s | rb repeat run s |{extra} plain s | first / plain | "
             f"repeat / plain |{extra_ratio} rows | same answer |",
             "|---|---|---|---:|---:|" + ("---:|---:|" if resident else "") + "---:|---:|---:|"
             + ("---:|---:|" if resident else "") + "---:|---|"]
    whos = ("first", "repeat") + (("first_resident", "repeat_resident") if resident else ())
    for r in results:
        seconds = " | ".join(f"{r[f'{who}_s']:.2f}" for who in whos[:2])
        seconds += "".join(f" | {r[f'{who}_s']:.2f}" for who in whos[2:])
        ratios = " | ".join(f"{r[f'{who}_ratio']:.2f}" for who in whos)
        lines.append(f"| {r['report']} | {r['range']} | {r['baseline']} | {seconds} | {r['plain_s']:.2f} | {ratios} | "
                     f"{r['rows']} | {'yes' if r['mismatch'] is None else 'NO: ' + r['mismatch'][:80]} |")
    for label in ("hand", "rb sql", None):
        chosen = [r for r in results if label is None or r["baseline"] == label]
        if chosen:
            cells = " | ".join(f"**{statistics.median(r[f'{who}_ratio'] for r in chosen):.2f} / "
                               f"{max(r[f'{who}_ratio'] for r in chosen):.2f}**" for who in whos)
            blanks = " |" * (len(whos) - 2)
            lines.append(f"| **median / max ({label or 'all'})** | | | |{blanks} | | {cells} | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="folder written by generate_scale.py")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--now", default=DEFAULT_NOW)
    ap.add_argument("--only", action="append", help="report or spec name (repeatable)")
    ap.add_argument("--md", type=Path, help="write the table here too")
    ap.add_argument("--resident", action="store_true", help="also time both rb runs through a resident process")
    args = ap.parse_args(argv)
    os.environ.update(ALONE)  # the untimed helper commands (rb list, rb sql) start no resident process
    with contextlib.ExitStack() as stack:
        resident = stack.enter_context(resident_process(rb_command())) if args.resident else None
        return _measure(args, resident)


def _measure(args, resident: dict | None) -> int:
    cases = [(name, name) for name in _builtins()]
    cases += [(f"shape: {p.stem}", str(p)) for p in sorted(SPECS.glob("*.yaml"))]
    results, failed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in cases:
            if args.only and Path(spec).stem not in args.only:
                continue
            for preset in ("all_time", WITH_RANGE):
                try:
                    result = run_case(name, spec, preset, args.data, args.now, args.repeat, Path(tmp), resident)
                except (RuntimeError, ValueError) as exc:  # one case that cannot be compared stops no other
                    failed.append(f"{name} {preset}: {str(exc).splitlines()[0][:200]}")
                    print(f"{name} {preset}: NOT MEASURED: {failed[-1]}", file=sys.stderr, flush=True)
                    continue
                results.append(result)
                print(f"{name} {preset}: rb first {result['first_s']:.2f}s, repeat {result['repeat_s']:.2f}s, "
                      + (f"resident {result['first_resident_s']:.2f}s/{result['repeat_resident_s']:.2f}s, "
                         if resident else "")
                      + f"{result['baseline']} {result['plain_s']:.2f}s, "
                      f"{'same' if result['mismatch'] is None else 'DIFFERENT: ' + result['mismatch']}",
                      file=sys.stderr, flush=True)
    table = markdown(results) + "".join(f"\n\nNot measured: {line}" for line in failed)
    print(table)
    if args.md:
        args.md.write_text(table + "\n")
    return 1 if failed or any(r["mismatch"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
