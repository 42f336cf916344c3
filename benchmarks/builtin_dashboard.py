"""A dashboard of every built-in report: one shared data connection vs each report on its own.

    python benchmarks/builtin_dashboard.py --data /tmp/rb_1m --repeat 3

In one process: `rb dashboard` opens the data once (one connection, one view per table), computes
what several panels compute identically once (dashboard/shared_scans.py; also timed without)
and runs every report's query on it; separately, each report opens the data itself. Both sides
compile the same specs with the same options (the built-in ranges, `--now`) and must give the
same rows (floats within 1e-9 relative: parallel sums add in any order); the times are medians
of `--repeat` runs, alternated.

Whole processes (what a user waits for; `--no-processes` skips them): the sum of one
`rb run NAME --no-cache` process per report, against `rb dashboard` of a file listing them all
(`--no-insights`: the same queries as the reports) with an empty result cache (cold), and the
same command again (the reopen of an unchanged dashboard, dashboard_cache.py).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from rb_process import ALONE, rb_command  # noqa: E402
from run_benchmarks import same_rows  # noqa: E402

from reportbuilder.check.options import ReportOptions  # noqa: E402
from reportbuilder.compile import compile_raw  # noqa: E402
from reportbuilder.dashboard.load_dashboard import Dashboard  # noqa: E402
from reportbuilder.dashboard.run_dashboard import run_dashboard  # noqa: E402
from reportbuilder.load.load_spec import load_spec_file  # noqa: E402
from reportbuilder.run.execute import run_query  # noqa: E402
from reportbuilder.workspace import builtin_names, builtin_path, open_workspace  # noqa: E402

DEFAULT_NOW = "2025-06-30 00:00:00"


def run_separately(names: list[str], data: Path, now: datetime, workspace) -> dict:
    """Each report compiled and run on a connection of its own (as `rb run` does)."""
    results = {}
    for name in names:
        query = compile_raw(load_spec_file(builtin_path(name), name), workspace.catalog, ReportOptions(now_utc=now))
        results[name] = run_query(query, data, workspace.catalog, "UTC").rows
    return results


def run_shared(names: list[str], data: Path, now: datetime, workspace, share_scans: bool = True) -> dict:
    """The same reports as one dashboard (one connection for all)."""
    dashboard = Dashboard("all_builtins", "All built-in reports", "", tuple(names))
    run = run_dashboard(dashboard, workspace, data, now, share_scans=share_scans)
    failed = [p.ref for p in run.panels if p.result is None]
    if failed:
        raise SystemExit(f"reports failed in the dashboard: {', '.join(failed)}")
    return {p.ref: p.result.rows for p in run.panels}


SIDES = {
    "shared": run_shared,
    "unshared": lambda names, data, now, ws: run_shared(names, data, now, ws, share_scans=False),
    "separate": run_separately,
}


def measure(data: Path, now: datetime, repeat: int) -> dict:
    """In-process medians: the dashboard with and without shared scans, and each report on its own."""
    workspace = open_workspace()
    names = builtin_names("reports")
    times = {side: [] for side in SIDES}
    answers = {}
    for i in range(repeat):
        order = list(SIDES) if i % 2 == 0 else list(reversed(SIDES))
        for side in order:
            started = time.perf_counter()
            answers[side] = SIDES[side](names, data, now, workspace)
            times[side].append(time.perf_counter() - started)
    differ = [n for n in names for other in ("unshared", "separate")
              if same_rows(answers["shared"][n], answers[other][n])]
    ms = {side: statistics.median(t) * 1000 for side, t in times.items()}
    return {"reports": len(names), "shared_ms": ms["shared"], "unshared_ms": ms["unshared"],
            "separate_ms": ms["separate"], "ratio": ms["shared"] / ms["separate"], "differ": sorted(set(differ))}


def write_dashboard(names: list[str], folder: Path) -> Path:
    """A dashboard file listing every report of `names`."""
    path = folder / "all_builtins.yaml"
    path.write_text("title: All built-in reports\nreports:\n" + "".join(f"  - {n}\n" for n in names), encoding="utf-8")
    return path



def _process(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)}: {done.stderr.strip()[-500:]}")
    return took


def measure_processes(data: Path, now: str) -> dict:
    """Whole processes, once each: every `rb run --no-cache`, and `rb dashboard` cold then reopened."""
    names = builtin_names("reports")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "RB_RESULT_CACHE_DIR": str(folder / "results"),
               "RB_COMPILE_CACHE_DIR": str(folder / "compiled"), **ALONE}
        common = ["--data", str(data), "--now", now]
        runs = sum(_process([*rb_command(), "run", n, *common, "--no-cache", "--format", "csv"], env) for n in names)
        board = [*rb_command(), "dashboard", str(write_dashboard(names, folder)), "-o", str(folder / "all.html"), *common,
                 "--no-insights"]
        cold = _process(board, env)
        reopen = _process(board, env)
    return {"runs_ms": runs * 1000, "cold_ms": cold * 1000, "reopen_ms": reopen * 1000, "ratio": cold / runs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--now", default=DEFAULT_NOW)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-processes", action="store_true", help="Only the in-process figures.")
    ap.add_argument("--no-in-process", action="store_true", help="Only the whole-process figures.")
    args = ap.parse_args(argv)
    out = {"differ": []}
    if not args.no_in_process:
        out = measure(args.data, datetime.fromisoformat(args.now), args.repeat)
        print(f"in process, {out['reports']} built-in reports: one dashboard {out['shared_ms']:.0f} ms "
              f"({out['unshared_ms']:.0f} ms without shared scans), each on its own {out['separate_ms']:.0f} ms "
              f"(ratio {out['ratio']:.2f})")
    if not args.no_processes:
        whole = measure_processes(args.data, args.now)
        print(f"whole processes: rb dashboard cold {whole['cold_ms']:.0f} ms, sum of rb run --no-cache "
              f"{whole['runs_ms']:.0f} ms (ratio {whole['ratio']:.2f}); reopened unchanged {whole['reopen_ms']:.0f} ms")
    for name in out["differ"]:
        print(f"MISMATCH {name}")
    return 1 if out["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
