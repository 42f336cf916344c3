"""A dashboard of every built-in report: one shared data connection vs each report on its own.

    python benchmarks/builtin_dashboard.py --data /tmp/rb_1m --repeat 3

`rb dashboard` opens the data once (one connection, one view per table) and runs every
report's query on it; `rb run` per report opens the data each time. Both sides compile the
same specs with the same options (the built-in ranges, `--now`) and must give the same rows
(floats within 1e-9 relative: parallel sums add in any order);
the times are medians of `--repeat` runs, alternated.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

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


def run_shared(names: list[str], data: Path, now: datetime, workspace) -> dict:
    """The same reports as one dashboard (one connection for all)."""
    dashboard = Dashboard("all_builtins", "All built-in reports", "", tuple(names))
    run = run_dashboard(dashboard, workspace, data, now)
    failed = [p.ref for p in run.panels if p.result is None]
    if failed:
        raise SystemExit(f"reports failed in the dashboard: {', '.join(failed)}")
    return {p.ref: p.result.rows for p in run.panels}


def measure(data: Path, now: datetime, repeat: int) -> dict:
    workspace = open_workspace()
    names = builtin_names("reports")
    times = {"shared": [], "separate": []}
    answers = {}
    for i in range(repeat):
        order = ("shared", "separate") if i % 2 == 0 else ("separate", "shared")
        for side in order:
            started = time.perf_counter()
            answers[side] = (run_shared if side == "shared" else run_separately)(names, data, now, workspace)
            times[side].append(time.perf_counter() - started)
    differ = [n for n in names if same_rows(answers["shared"][n], answers["separate"][n])]
    shared, separate = statistics.median(times["shared"]), statistics.median(times["separate"])
    return {"reports": len(names), "shared_ms": shared * 1000, "separate_ms": separate * 1000,
            "ratio": shared / separate, "differ": differ}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--now", default=DEFAULT_NOW)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    out = measure(args.data, datetime.fromisoformat(args.now), args.repeat)
    print(f"{out['reports']} built-in reports: one dashboard {out['shared_ms']:.0f} ms, "
          f"each on its own {out['separate_ms']:.0f} ms (ratio {out['ratio']:.2f})")
    for name in out["differ"]:
        print(f"MISMATCH {name}")
    return 1 if out["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
