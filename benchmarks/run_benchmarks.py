"""Time rb's SQL against hand-written DuckDB SQL for the same answer, on generated data.

    python benchmarks/generate_scale.py --tickets 1000000 -o /tmp/rb_1m
    python benchmarks/run_benchmarks.py --data /tmp/rb_1m --repeat 5 --json out.json

For each report of benchmarks/reports/ (and a dashboard: several of them under one
`last_30_days` range, timed as the sum of its queries) the two queries run alternately on
one connection over the same views (`open_data`), `--repeat` times; the answers must be
identical (rows compared as sorted multisets, floats within 1e-9 relative). Also measured:
warm compile time per spec, the start-up of `rb run` on the demo data (--cli), and the
peak resident memory of `rb run` and of the hand-written query, one process each (--memory,
see peak_memory.py).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

import peak_memory  # noqa: E402
from handwritten import HANDWRITTEN, preset_range  # noqa: E402
from reportbuilder.catalog.load_catalog import load_catalog  # noqa: E402
from reportbuilder.check.options import ReportOptions  # noqa: E402
from reportbuilder.compile import compile_raw  # noqa: E402
from reportbuilder.demo.schema import TABLES  # noqa: E402
from reportbuilder.load.load_spec import load_spec_file  # noqa: E402
from reportbuilder.run.load_data import open_data  # noqa: E402

REPORTS_DIR = HERE / "reports"
DEFAULT_NOW = "2025-06-30 00:00:00"
# The dashboard: these reports under one dashboard-wide range, run one after the other.
DASHBOARD = ("tickets_created_over_time", "first_response_time_over_time", "tickets_by_team",
             "ticket_time_in_status", "next_response_sla_over_time", "first_contact_resolution",
             "agent_utilization", "activity_heatmap")
DASHBOARD_PRESET = "last_30_days"


@dataclass
class Case:
    name: str
    queries: list[tuple[str, str]]  # (ours, hand-written) pairs, run in order
    ours_times: list[float] = field(default_factory=list)
    hand_times: list[float] = field(default_factory=list)
    rows: int = 0


def _canon(value):
    if isinstance(value, bool) or value is None or isinstance(value, (str, date, datetime)):
        return value
    if isinstance(value, (int, float)) or hasattr(value, "__float__"):
        return float(value)
    return value


def _key(row):
    return tuple((v is None, type(v).__name__ if not isinstance(v, float) else "n",
                  v if v is not None else 0) for v in row)


def same_rows(ours: list[tuple], hand: list[tuple]) -> str | None:
    """None when the two results hold the same rows (any order); else why not."""
    if len(ours) != len(hand):
        return f"{len(ours)} rows vs {len(hand)} hand-written"
    a = sorted((tuple(_canon(v) for v in r) for r in ours), key=_key)
    b = sorted((tuple(_canon(v) for v in r) for r in hand), key=_key)
    for ra, rb in zip(a, b):
        if len(ra) != len(rb):
            return f"{len(ra)} columns vs {len(rb)}"
        for va, vb in zip(ra, rb):
            if isinstance(va, float) and isinstance(vb, float):
                if not (va == vb or (math.isnan(va) and math.isnan(vb))
                        or abs(va - vb) <= 1e-9 * max(abs(va), abs(vb))):
                    return f"row {ra} vs {rb}"
            elif va != vb:
                return f"row {ra} vs {rb}"
    return None


def build_cases(now: datetime, catalog, names: tuple[str, ...] | None = None) -> list[Case]:
    cases = []
    for name, hand in HANDWRITTEN.items():
        if names and name not in names:
            continue
        raw = load_spec_file(REPORTS_DIR / f"{name}.yaml")
        ours = compile_raw(raw, catalog, ReportOptions(now_utc=now)).sql()
        s, e = _range_of(raw, now)
        cases.append(Case(name, [(ours, hand(s, e, now))]))
    if not names or "dashboard" in names:
        s, e = preset_range(DASHBOARD_PRESET, now)
        pairs = []
        for name in DASHBOARD:
            raw = load_spec_file(REPORTS_DIR / f"{name}.yaml")
            ours = compile_raw(raw, catalog, ReportOptions(now_utc=now, preset=DASHBOARD_PRESET)).sql()
            pairs.append((ours, HANDWRITTEN[name](s, e, now)))
        cases.append(Case(f"dashboard ({len(DASHBOARD)} reports, {DASHBOARD_PRESET})", pairs))
    return cases


def _range_of(raw, now):
    import yaml
    spec = yaml.safe_load(raw.text)
    return preset_range(spec["date_range"]["preset"], now)


def run_cases(cases: list[Case], data: Path, catalog, repeat: int, console: Console | None = None) -> list[str]:
    """Time every case; return the mismatches (empty when every answer is identical)."""
    con = open_data(data, tuple(TABLES), catalog)
    problems = []
    try:
        for case in cases:
            for i in range(repeat):
                order = ("ours", "hand") if i % 2 == 0 else ("hand", "ours")
                totals = {"ours": 0.0, "hand": 0.0}
                for ours_sql, hand_sql in case.queries:
                    results = {}
                    for who in order:
                        sql = ours_sql if who == "ours" else hand_sql
                        started = time.perf_counter()
                        results[who] = con.execute(sql).fetchall()
                        totals[who] += time.perf_counter() - started
                    if i == 0:
                        why = same_rows(results["ours"], results["hand"])
                        if why:
                            problems.append(f"{case.name}: {why}")
                        case.rows += len(results["ours"])
                case.ours_times.append(totals["ours"])
                case.hand_times.append(totals["hand"])
            if console:
                console.print(f"  {case.name:<48} ours {statistics.median(case.ours_times) * 1000:9.1f} ms   "
                              f"hand {statistics.median(case.hand_times) * 1000:9.1f} ms")
    finally:
        con.close()
    return problems


def compile_times(now: datetime, catalog, repeat: int = 20) -> dict[str, float]:
    """Median warm spec-to-SQL time per spec (load, check, plan, build), in ms."""
    out = {}
    for path in sorted(REPORTS_DIR.glob("*.yaml")):
        compile_raw(load_spec_file(path), catalog, ReportOptions(now_utc=now))  # warm
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            compile_raw(load_spec_file(path), catalog, ReportOptions(now_utc=now)).sql()
            times.append(time.perf_counter() - started)
        out[path.stem] = statistics.median(times) * 1000
    return out


def cli_startup(repeat: int = 5) -> dict[str, float]:
    """Wall time of `rb run tickets_created_over_time` on the demo data (after one warm-up run)."""
    rb = Path(sys.executable).parent / "rb"
    cmd = [str(rb), "run", str(REPORTS_DIR / "tickets_created_over_time.yaml"), "--format", "csv"]
    subprocess.run(cmd, capture_output=True, check=True)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    version = [str(rb), "--version"]
    vt = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(version, capture_output=True, check=True)
        vt.append(time.perf_counter() - started)
    return {"rb_run_demo_ms": statistics.median(times) * 1000, "rb_version_ms": statistics.median(vt) * 1000}


def _memory(args, console: Console, out: dict) -> list[str]:
    """Peak RSS per report into out["memory"]; the reports whose two row counts differ."""
    rb_command = shlex.split(args.rb_command) if args.rb_command else None
    rows = peak_memory.measure_reports(args.data, args.now, tuple(args.only) if args.only else None,
                                       rb_command, console)
    console.print(peak_memory.memory_table(rows, f"peak RSS, one process per run ({args.data})"))
    out["memory"] = peak_memory.as_json(rows)
    return [f"{r.report}: {r.rb_rows} rows from rb run vs {r.hand_rows} hand-written (--memory)"
            for r in rows if r.rb_rows != r.hand_rows]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="folder written by generate_scale.py")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--now", default=DEFAULT_NOW)
    ap.add_argument("--only", action="append", help="report name (repeatable); 'dashboard' for the dashboard")
    ap.add_argument("--compile", action="store_true", help="also time compilation")
    ap.add_argument("--cli", action="store_true", help="also time `rb run` start-up on the demo data")
    ap.add_argument("--memory", action="store_true", help="also measure peak RSS of `rb run` and the "
                                                          "hand-written query per report (peak_memory.py)")
    ap.add_argument("--rb-command", help="how --memory starts rb (default: the rb beside this Python, "
                                         "else 'python -m reportbuilder')")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args(argv)
    console = Console(width=130)
    now = datetime.fromisoformat(args.now)
    catalog = load_catalog()
    cases = build_cases(now, catalog, tuple(args.only) if args.only else None)
    machine = peak_memory.machine_info()
    console.print(f"[bold]{len(cases)} cases on {args.data}, repeat {args.repeat}, "
                  f"{machine['cpus']} CPUs, {machine['ram_gib']} GiB RAM[/bold]")
    problems = run_cases(cases, args.data, catalog, args.repeat, console)

    table = Table(title=f"rb vs hand-written SQL ({args.data})")
    for col in ("report", "rows", "rb ms", "hand ms", "ratio"):
        table.add_column(col, justify="left" if col == "report" else "right")
    ratios = []
    results = []
    for case in cases:
        ours, hand = statistics.median(case.ours_times), statistics.median(case.hand_times)
        ratio = ours / hand if hand else float("nan")
        ratios.append(ratio)
        flag = "" if ratio <= 1.3 else " [red]miss[/red]"
        table.add_row(case.name, str(case.rows), f"{ours * 1000:.1f}", f"{hand * 1000:.1f}", f"{ratio:.2f}{flag}")
        results.append({"report": case.name, "rows": case.rows, "ours_ms": ours * 1000, "hand_ms": hand * 1000,
                        "ratio": ratio, "ours_all_ms": [t * 1000 for t in case.ours_times],
                        "hand_all_ms": [t * 1000 for t in case.hand_times]})
    console.print(table)
    console.print(f"median ratio {statistics.median(ratios):.2f}, max {max(ratios):.2f}")
    out = {"data": str(args.data), "repeat": args.repeat, "now": args.now, "cpus": os.cpu_count(),
           "machine": machine,
           "reports": results, "median_ratio": statistics.median(ratios), "max_ratio": max(ratios),
           "mismatches": problems}
    if args.compile:
        out["compile_ms"] = compile_times(now, catalog)
        console.print("compile (warm, median of 20) ms: " +
                      ", ".join(f"{k} {v:.1f}" for k, v in out["compile_ms"].items()))
    if args.cli:
        out["cli"] = cli_startup()
        console.print(f"rb run on demo data: {out['cli']['rb_run_demo_ms']:.0f} ms "
                      f"(rb --version {out['cli']['rb_version_ms']:.0f} ms)")
    if args.memory:
        problems += _memory(args, console, out)
    for p in problems:
        console.print(f"[red]MISMATCH[/red] {p}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
